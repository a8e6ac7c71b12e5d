using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Node.Hosting;
using Ledger.Sdk.Mapping;
using Ledger.Store.Audit;
using static Ledger.Node.Guarantor.RiskRequests;

namespace Ledger.Node.Guarantor;

/// <summary>
/// <c>ledger.v1.Guarantee</c> on a guarantor node, for its own operators: guarantees loans its banks invited it to,
/// proposes and terminates batch agreements ("总对总"), records payouts (代偿) on defaulted loans — by default the most
/// allowed, loss × coverage as <c>GuaranteeBook.maxPayout</c> computes it — and lists the guarantees it holds from the
/// node's chain index. Every transaction is sent by the node's operator under an idempotency key, so a call repeated
/// with the same terms returns the same transaction. The steps are use cases over ports (<see cref="UseCases.GiveGuarantee"/>,
/// <see cref="UseCases.RecordPayout"/>); this class parses the request, calls them and maps their answers.
/// </summary>
public sealed class GuaranteeService(NodeIdentity node, Ledger.Store.LedgerStore store, UseCases.GiveGuarantee guarantees, UseCases.RecordPayout payouts) : Api.V1.Guarantee.GuaranteeBase
{
    /// <inheritdoc/>
    public override async Task<ChainTx> GuaranteeLoan(GuaranteeLoanRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var loan = Field(() => RiskMapping.Loan(request.LoanId, "loan_id"));
        var coverage = Bps(request.CoverageBps, "coverage_bps", 1, 10_000, "the share of the loss the guarantee covers");
        var fee = string.IsNullOrEmpty(request.FeeFen) ? UInt128.Zero : Field(() => RiskMapping.Fen(request.FeeFen, "fee_fen"));
        var tx = await guarantees.GuaranteeAsync(loan, coverage, fee).ConfigureAwait(false);
        return ApiMapping.ToProto(tx.TxHash, tx.BlockNumber);
    }

    /// <inheritdoc/>
    public override async Task<ProposeAgreementResponse> ProposeAgreement(ProposeAgreementRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reference = Field(() => RiskMapping.Reference(request.AgreementReference, "agreement_reference"));
        var bank = Field(() => ApiMapping.Org(request.Bank, "bank"));
        var coverage = Bps(request.CoverageBps, "coverage_bps", 1, 10_000, "the share of each loan's loss the agreement covers");
        var fee = Bps(request.FeeBps, "fee_bps", 0, 10_000, "the fee on each enrolled loan's amount");
        var perLoan = Field(() => RiskMapping.Fen(request.PerLoanLimitFen, "per_loan_limit_fen"));
        var total = Field(() => RiskMapping.Fen(request.TotalLimitFen, "total_limit_fen"));
        var proposed = await guarantees.ProposeAgreementAsync(reference, bank, coverage, fee, perLoan, total, request.ValidUntil).ConfigureAwait(false);
        return new ProposeAgreementResponse { AgreementId = proposed.Agreement.ToString(), Tx = ApiMapping.ToProto(proposed.Tx.TxHash, proposed.Tx.BlockNumber) };
    }

    /// <inheritdoc/>
    public override async Task<ChainTx> TerminateAgreement(TerminateAgreementRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Field(() => RiskMapping.Agreement(request.AgreementId, "agreement_id"));
        var tx = await guarantees.TerminateAgreementAsync(id).ConfigureAwait(false);
        return ApiMapping.ToProto(tx.TxHash, tx.BlockNumber);
    }

    /// <inheritdoc/>
    public override async Task<PayoutResponse> RecordPayout(RecordPayoutRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var loan = Field(() => RiskMapping.Loan(request.LoanId, "loan_id"));
        UInt128? asked = string.IsNullOrEmpty(request.PayoutFen) ? null : Field(() => RiskMapping.Fen(request.PayoutFen, "payout_fen"));
        var paid = await payouts.PayAsync(loan, asked, context?.CancellationToken ?? CancellationToken.None).ConfigureAwait(false);
        return new PayoutResponse
        {
            LoanId = loan.ToString(),
            PayoutFen = RiskMapping.Fen(paid.PayoutFen),
            PaidFen = RiskMapping.Fen((System.Numerics.BigInteger)paid.PaidBeforeFen + paid.PayoutFen),
            ObligationFen = RiskMapping.Fen(paid.ObligationFen),
            Tx = ApiMapping.ToProto(paid.Tx.TxHash, paid.Tx.BlockNumber),
        };
    }

    /// <inheritdoc/>
    public override Task<ListGuaranteesResponse> ListGuarantees(ListGuaranteesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var enterprise = string.IsNullOrEmpty(request.EnterpriseHash)
            ? (EnterpriseHash?)null
            : Field(() => RiskMapping.Enterprise(request.EnterpriseHash, "enterprise_hash"));
        var own = node.Organization;
        var audit = store.Audit;
        // Instalments: the latest payment event of a loan says what was paid in all and what is owed.
        var payouts = new Dictionary<LoanId, (UInt128 Paid, bool Whole)>();
        foreach (var p in All(audit, new EventQuery { Name = GuaranteePaidOut.EventName, Organization = own }).Select(e => e.As<GuaranteePaidOut>()).Where(p => p.GuarantorOrg == own))
        {
            payouts[p.LoanId] = (p.PaidFen, p.PaidFen == p.ObligationFen);
        }
        // A guarantee the bank cancelled is no longer held (the loan may be guaranteed again later).
        var cancelled = new Dictionary<LoanId, (ulong Block, int Log)>();
        foreach (var c in All(audit, new EventQuery { Name = GuaranteeCancelled.EventName, Organization = own }))
        {
            if (c.As<GuaranteeCancelled>() is var cancellation && cancellation.GuarantorOrg == own)
            {
                cancelled[cancellation.LoanId] = (c.BlockNumber, c.LogIndex);
            }
        }
        var response = new ListGuaranteesResponse();
        foreach (var e in All(audit, new EventQuery { Name = LoanGuaranteed.EventName, Organization = own, Enterprise = enterprise }))
        {
            var g = e.As<LoanGuaranteed>();
            if (g.GuarantorOrg != own
                || (cancelled.TryGetValue(g.LoanId, out var cancelledAt) && cancelledAt.CompareTo((e.BlockNumber, e.LogIndex)) > 0))
            {
                continue;
            }
            response.Guarantees.Add(new GuaranteeInfo
            {
                LoanId = g.LoanId.Value.ToString(),
                Guarantor = own.Code,
                Bank = g.BankOrg.Code,
                EnterpriseHash = g.EnterpriseHash.Value.ToString(),
                AgreementId = g.AgreementId.Value.IsZero ? "" : g.AgreementId.Value.ToString(),
                CoverageBps = g.CoverageBps,
                FeeFen = g.FeeFen.ToString(System.Globalization.CultureInfo.InvariantCulture),
                PaidOut = payouts.TryGetValue(g.LoanId, out var paid) && paid.Whole,
                PayoutFen = payouts.TryGetValue(g.LoanId, out var sum) ? sum.Paid.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0",
            });
        }
        return Task.FromResult(response);
    }
}
