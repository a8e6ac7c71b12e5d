using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Bank.UseCases;

/// <summary>A credit decision to make: under a consent, for a product (none: the best the table offers), for an amount.</summary>
/// <param name="Consent">The bank's consent to read the enterprise's report under.</param>
/// <param name="Product">The product asked for, or null for any.</param>
/// <param name="RequestedAmountFen">The amount asked for, or null for the limit offered.</param>
public sealed record DecideCommand(ConsentId Consent, ProductCode? Product, UInt128? RequestedAmountFen);

/// <summary>A decision made: accepted as a record and recorded on chain by its hash.</summary>
/// <param name="Consent">The consent it was made under.</param>
/// <param name="Decision">The decision (score, factors, product, limit, reasons).</param>
/// <param name="Enterprise">The enterprise's credit-code hash (from the grant).</param>
/// <param name="Record">The accepted <see cref="CreditDecisionRecord"/>'s hash, which is the decision hash on chain.</param>
/// <param name="Rating">The latest tax-credit rating the decision saw ("" when none).</param>
/// <param name="Tx">The <c>recordDecision</c> transaction.</param>
public sealed record DecisionMade(ConsentId Consent, CreditDecision Decision, EnterpriseHash Enterprise, RecordHash Record, string Rating, ChainConfirmation Tx)
{
    /// <summary>The decision hash on chain (the record's hash).</summary>
    public DecisionHash DecisionHash => new(Record.Value);
}

/// <summary>
/// Decide (use case over ports): the report held or fetched under the consent is scored with the product table; the
/// chain must be ready to take the decision (preflight: consent the bank's, not revoked, enterprise bound) before
/// anything is written; then the reasons document is kept (keyed by the hash the record commits to, so no accepted
/// decision lacks them), the <see cref="CreditDecisionRecord"/> is accepted durably, and the decision is recorded on
/// chain by the record's hash under the key <c>decision:&lt;hash&gt;</c> (a retry of a failed send is the same transaction).
/// </summary>
public sealed class DecideApplication(IConsentReports reports, ILendingChain chain, IDecisionLedger decisions, ILendingBook book, ProductTable productTable, TimeProvider time, ILogger<DecideApplication> logger)
{
    /// <summary>Makes the decision.</summary>
    /// <exception cref="Core.Errors.LedgerException">the product table's refusal of an unknown product (before anything is
    /// fetched); the grant's (LEDGER-1540, LEDGER-1518); the fetch's; the chain's refusal of the decision (nothing written).</exception>
    public async Task<DecisionMade> DecideAsync(DecideCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var table = productTable ?? ProductTable.Default;
        if (command.Product is { } code)
        {
            table.Find(code); // an unknown product is refused before anything is fetched
        }
        var consent = command.Consent;
        var grant = await reports.GrantAsync(consent, cancellationToken).ConfigureAwait(false);
        var report = await reports.ReportAsync(consent, cancellationToken).ConfigureAwait(false);
        var decision = CreditDecider.Decide(report.ToProfile(), table, time.GetUtcNow(), command.Product);
        if (command.RequestedAmountFen is { } amount && decision.Approved)
        {
            decision = WithRequestedAmount(decision, amount);
        }
        var enterprise = grant.Terms.CreditCodeHash;
        var bank = chain.Bank;

        // The chain must take the decision before the record is accepted: a record the chain then refused would be
        // anchored without its on-chain decision.
        await chain.PreflightDecisionAsync(consent, decision.Approved, cancellationToken).ConfigureAwait(false);

        var rating = decision.LatestRating?.Rating.ToString() ?? "";
        book.PutReasons(decision.ReasonsHash(), new CreditReasons(decision.CanonicalReasonsJson(), rating));
        var record = await decisions.AcceptAsync(sequence => decision.ToRecord(consent, bank, enterprise, sequence)).ConfigureAwait(false);
        var decisionHash = new DecisionHash(record.Value);
        var tx = await chain.RecordDecisionAsync(decisionHash, consent, decision.Approved, $"decision:{decisionHash}").ConfigureAwait(false);
        BankLog.Decided(logger, consent.ToString(), decision.Approved, decision.Score, decision.Product?.Code ?? "", decisionHash.ToString());
        return new DecisionMade(consent, decision, enterprise, record, rating, tx);
    }

    /// <summary>
    /// A requested amount below the limit becomes the limit offered; one above it is noted and the limit stands. Either
    /// way the reasons say so (and so the reasons hash covers it).
    /// </summary>
    internal static CreditDecision WithRequestedAmount(CreditDecision decision, UInt128 requested)
    {
        var limit = (UInt128)decision.LimitFen;
        if (requested < limit)
        {
            return decision with
            {
                LimitFen = (long)requested,
                Reasons = [.. decision.Reasons, $"Limit set to the {BankWire.Cny(requested)} requested (up to {BankWire.Cny(limit)} could be offered)"],
            };
        }
        return requested == limit
            ? decision
            : decision with { Reasons = [.. decision.Reasons, $"{BankWire.Cny(requested)} was requested; {BankWire.Cny(limit)} is the most offered"] };
    }
}
