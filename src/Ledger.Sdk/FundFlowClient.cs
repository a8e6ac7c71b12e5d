using Ledger.Core.Model;
using Ledger.Sdk.Mapping;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>One spending entry of an R&amp;D loan, as the lending bank (from payments) or a tax bureau (from invoices) saw it.</summary>
/// <param name="Loan">The R&amp;D loan.</param>
/// <param name="Category">Where the money went.</param>
/// <param name="AmountFen">How much.</param>
/// <param name="Counterparty">The payee's credit code or name; only its keccak-256 hash leaves the node.</param>
/// <param name="EvidenceDocument">The invoice number or payment reference; only its keccak-256 hash leaves the node. Recording the same document again returns the first entry.</param>
public sealed record SpendingEntry(LoanId Loan, SpendCategory Category, UInt128 AmountFen, string Counterparty, string EvidenceDocument);

/// <summary>Corrected figures for the current entry of an evidence document the node's organization recorded.</summary>
/// <param name="Loan">The R&amp;D loan.</param>
/// <param name="EvidenceDocument">The document whose entry is corrected, exactly as it was recorded.</param>
/// <param name="Category">The corrected category.</param>
/// <param name="AmountFen">The corrected amount.</param>
/// <param name="Counterparty">The corrected payee.</param>
/// <param name="NewEvidenceDocument">The corrected entry's document; null keeps <paramref name="EvidenceDocument"/>.</param>
public sealed record SpendingCorrection(LoanId Loan, string EvidenceDocument, SpendCategory Category, UInt128 AmountFen, string Counterparty, string? NewEvidenceDocument = null);

/// <summary>A recorded spending entry.</summary>
/// <param name="EntryIndex">The entry's index in the loan's fund-flow ledger.</param>
/// <param name="NonRndShareBps">The non-R&amp;D share of all spending after this entry, in basis points.</param>
/// <param name="Deviated">Whether the loan's non-R&amp;D share is now above its threshold (<c>FundFlowDeviated</c>).</param>
/// <param name="Transaction">The <c>recordSpending</c> transaction.</param>
/// <param name="Evidence">The evidence record in the recorder's anchored ledger; its hash is the on-chain evidence hash.</param>
public sealed record SpendingOutcome(uint EntryIndex, uint NonRndShareBps, bool Deviated, ChainTransaction Transaction, AnchorReference Evidence);

/// <summary>A loan's fund-flow ledger on chain.</summary>
/// <param name="Loan">The loan.</param>
/// <param name="TotalFen">All spending recorded.</param>
/// <param name="NonRndFen">Spending that was not R&amp;D.</param>
/// <param name="ByCategoryFen">Spending per <see cref="SpendCategory"/> (indexed by its value).</param>
/// <param name="RndShareBps">Share that reached R&amp;D, in basis points.</param>
/// <param name="MaxNonRndBps">The tolerated non-R&amp;D share.</param>
/// <param name="EntryCount">Entries recorded.</param>
/// <param name="Open">Whether the ledger is open.</param>
/// <param name="Deviated">Whether the non-R&amp;D share is above the threshold.</param>
public sealed record FundFlowState(
    LoanId Loan, UInt128 TotalFen, UInt128 NonRndFen, IReadOnlyList<UInt128> ByCategoryFen, uint RndShareBps, uint MaxNonRndBps, uint EntryCount, bool Open, bool Deviated);

/// <summary>
/// The <c>FundFlow</c> service of a bank or tax node (研发资金动态追踪): records R&amp;D-loan spending entries as the
/// node's organization (its operators) and reads a loan's fund-flow ledger (any member).
/// </summary>
public sealed class FundFlowClient
{
    private readonly LedgerConnection _connection;
    private readonly Proto.FundFlow.FundFlowClient _client;

    /// <summary>A client over <paramref name="connection"/> (a connection to a bank or tax node).</summary>
    public FundFlowClient(LedgerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _client = new Proto.FundFlow.FundFlowClient(connection.Invoker);
    }

    /// <summary>Records a spending entry: evidence accepted and anchored by the node's organization, then recorded on chain.</summary>
    public async Task<SpendingOutcome> RecordSpendingAsync(SpendingEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var response = await Calls.RunAsync(_connection.Address, () => _client.RecordSpendingAsync(
            new Proto.RecordSpendingRequest
            {
                LoanId = entry.Loan.ToString(),
                Category = (Proto.SpendCategory)(int)entry.Category,
                AmountFen = BankClient.Fen(entry.AmountFen),
                Counterparty = entry.Counterparty,
                EvidenceDocument = entry.EvidenceDocument,
            },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Outcome(response);
    }

    /// <summary>
    /// Reverses the current entry of <paramref name="evidenceDocument"/> (recorded by the node's organization): the
    /// entry stops counting and the chain keeps the keccak-256 hash of <paramref name="reason"/> (a credit note or refund
    /// reference, kept off chain like the evidence). The outcome names the reversed entry and its evidence record.
    /// </summary>
    public async Task<SpendingOutcome> ReverseSpendingAsync(LoanId loan, string evidenceDocument, string reason, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address, () => _client.ReverseSpendingAsync(
            new Proto.ReverseSpendingRequest { LoanId = loan.ToString(), EvidenceDocument = evidenceDocument ?? "", Reason = reason ?? "" },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Outcome(response);
    }

    /// <summary>
    /// Corrects the current entry of an evidence document (recorded by the node's organization): a new evidence record
    /// is anchored and one transaction reverses the old entry and records the corrected one. The outcome names the new entry.
    /// </summary>
    public async Task<SpendingOutcome> CorrectSpendingAsync(SpendingCorrection correction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(correction);
        var response = await Calls.RunAsync(_connection.Address, () => _client.CorrectSpendingAsync(
            new Proto.CorrectSpendingRequest
            {
                LoanId = correction.Loan.ToString(),
                EvidenceDocument = correction.EvidenceDocument ?? "",
                Category = (Proto.SpendCategory)(int)correction.Category,
                AmountFen = BankClient.Fen(correction.AmountFen),
                Counterparty = correction.Counterparty ?? "",
                NewEvidenceDocument = correction.NewEvidenceDocument ?? "",
            },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Outcome(response);
    }

    private static SpendingOutcome Outcome(Proto.SpendingResponse response) =>
        Calls.Parse(() => new SpendingOutcome(
            response.EntryIndex,
            response.NonRndShareBps,
            response.Deviated,
            ApiMapping.FromProto(response.Tx) ?? throw new FormatException("tx is missing"),
            ApiMapping.FromProto(response.EvidenceRecord ?? throw new FormatException("evidence_record is missing"))));

    /// <summary>The loan's fund-flow ledger as the chain has it.</summary>
    public async Task<FundFlowState> GetAsync(LoanId loan, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address, () => _client.GetFundFlowAsync(
            new Proto.FundFlowRef { LoanId = loan.ToString() }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => new FundFlowState(
            new LoanId(ApiMapping.Hash(response.LoanId, "loan_id")),
            BankClient.Fen(response.TotalFen, "total_fen"),
            BankClient.Fen(response.NonRndFen, "non_rnd_fen"),
            response.ByCategoryFen.Select((v, i) => BankClient.Fen(v, $"by_category_fen[{i}]")).ToList(),
            response.RndShareBps,
            response.MaxNonRndBps,
            response.EntryCount,
            response.Open,
            response.Deviated));
    }
}
