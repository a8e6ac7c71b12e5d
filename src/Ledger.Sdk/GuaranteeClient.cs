using Ledger.Core.Model;
using Ledger.Sdk.Mapping;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>A batch guarantee agreement ("总对总") a guarantor proposes to a bank.</summary>
/// <param name="Reference">The guarantor's own contract number; the agreement id is derived from it (<see cref="AgreementId.FromReference"/>).</param>
/// <param name="Bank">The bank it is proposed to (it accepts, then enrols its loans).</param>
/// <param name="CoverageBps">Share of each enrolled loan's loss the guarantor covers (1–10,000).</param>
/// <param name="FeeBps">Fee on each enrolled loan's amount (0–10,000).</param>
/// <param name="PerLoanLimitFen">Largest loan that can be enrolled.</param>
/// <param name="TotalLimitFen">Largest total of enrolled loans (repaid and released loans free their amount).</param>
/// <param name="ValidUntil">Last second loans can be enrolled (unix seconds).</param>
public sealed record AgreementProposal(
    string Reference, OrgId Bank, ushort CoverageBps, ushort FeeBps, UInt128 PerLoanLimitFen, UInt128 TotalLimitFen, ulong ValidUntil);

/// <summary>One instalment of the payment (代偿) the guarantor recorded on a defaulted loan.</summary>
/// <param name="Loan">The loan.</param>
/// <param name="PayoutFen">This instalment.</param>
/// <param name="Transaction">Its transaction.</param>
/// <param name="PaidFen">All instalments so far, this one included.</param>
/// <param name="ObligationFen">What the guarantor owes in all: loss × coverage.</param>
public sealed record GuaranteePayout(LoanId Loan, UInt128 PayoutFen, ChainTransaction Transaction, UInt128 PaidFen = default, UInt128 ObligationFen = default);

/// <summary>A guarantee as the guarantor node's chain index knows it.</summary>
/// <param name="Loan">The guaranteed loan.</param>
/// <param name="Guarantor">The guarantor.</param>
/// <param name="Bank">The lending bank.</param>
/// <param name="Enterprise">The borrowing enterprise (salted credit-code hash).</param>
/// <param name="Agreement">The batch agreement it was enrolled under (null for a single guarantee).</param>
/// <param name="CoverageBps">Share of the loss covered.</param>
/// <param name="FeeFen">The guarantee fee.</param>
/// <param name="PaidOut">Whether the guarantor has paid out.</param>
/// <param name="PayoutFen">What it paid.</param>
public sealed record GuaranteeDetails(
    LoanId Loan, OrgId Guarantor, OrgId Bank, EnterpriseHash Enterprise, AgreementId? Agreement, ushort CoverageBps, UInt128 FeeFen, bool PaidOut, UInt128 PayoutFen);

/// <summary>
/// A guarantor node's <c>Guarantee</c> service (its own operators): single guarantees on loans the bank invited it to,
/// batch agreements, payouts on default, and the guarantees it holds.
/// </summary>
public sealed class GuaranteeClient
{
    private readonly LedgerConnection _connection;
    private readonly Proto.Guarantee.GuaranteeClient _client;

    /// <summary>A client over <paramref name="connection"/>.</summary>
    public GuaranteeClient(LedgerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _client = new Proto.Guarantee.GuaranteeClient(connection.Invoker);
    }

    /// <summary>Guarantees <paramref name="loan"/>, which its bank must have invited this guarantor to (FAILED_PRECONDITION, LEDGER-1266, otherwise).</summary>
    public async Task<ChainTransaction> GuaranteeLoanAsync(LoanId loan, ushort coverageBps, UInt128 feeFen, CancellationToken cancellationToken = default)
    {
        var tx = await Calls.RunAsync(_connection.Address, () => _client.GuaranteeLoanAsync(
            new Proto.GuaranteeLoanRequest { LoanId = loan.ToString(), CoverageBps = coverageBps, FeeFen = RiskMapping.Fen(feeFen) },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Tx(tx);
    }

    /// <summary>Proposes a batch agreement; returns its id (derived from the reference) and the transaction.</summary>
    public async Task<(AgreementId Agreement, ChainTransaction Transaction)> ProposeAgreementAsync(AgreementProposal proposal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        var response = await Calls.RunAsync(_connection.Address, () => _client.ProposeAgreementAsync(
            new Proto.ProposeAgreementRequest
            {
                AgreementReference = proposal.Reference,
                Bank = proposal.Bank.Code,
                CoverageBps = proposal.CoverageBps,
                FeeBps = proposal.FeeBps,
                PerLoanLimitFen = RiskMapping.Fen(proposal.PerLoanLimitFen),
                TotalLimitFen = RiskMapping.Fen(proposal.TotalLimitFen),
                ValidUntil = proposal.ValidUntil,
            },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (Calls.Parse(() => RiskMapping.Agreement(response.AgreementId, "agreement_id")), Tx(response.Tx));
    }

    /// <summary>Ends an agreement (loans already enrolled stay guaranteed).</summary>
    public async Task<ChainTransaction> TerminateAgreementAsync(AgreementId agreement, CancellationToken cancellationToken = default) =>
        Tx(await Calls.RunAsync(_connection.Address, () => _client.TerminateAgreementAsync(
            new Proto.TerminateAgreementRequest { AgreementId = agreement.ToString() },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>
    /// Records one instalment of the payment on a defaulted guaranteed loan; null pays what remains of the obligation
    /// (loss × coverage, less what was paid). Instalments together are at most the obligation.
    /// </summary>
    public async Task<GuaranteePayout> RecordPayoutAsync(LoanId loan, UInt128? payoutFen = null, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address, () => _client.RecordPayoutAsync(
            new Proto.RecordPayoutRequest { LoanId = loan.ToString(), PayoutFen = payoutFen is { } fen ? RiskMapping.Fen(fen) : "" },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => new GuaranteePayout(
            RiskMapping.Loan(response.LoanId, "loan_id"), RiskMapping.Fen(response.PayoutFen, "payout_fen"), Tx(response.Tx),
            RiskMapping.Fen(response.PaidFen, "paid_fen"), RiskMapping.Fen(response.ObligationFen, "obligation_fen")));
    }

    /// <summary>The guarantees this guarantor holds (optionally of one enterprise), from the node's chain index.</summary>
    public async Task<IReadOnlyList<GuaranteeDetails>> ListAsync(EnterpriseHash? enterprise = null, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address, () => _client.ListGuaranteesAsync(
            new Proto.ListGuaranteesRequest { EnterpriseHash = enterprise?.ToString() ?? "" },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => response.Guarantees.Select(g => new GuaranteeDetails(
            RiskMapping.Loan(g.LoanId, "loan_id"),
            ApiMapping.Org(g.Guarantor, "guarantor"),
            ApiMapping.Org(g.Bank, "bank"),
            RiskMapping.Enterprise(g.EnterpriseHash, "enterprise_hash"),
            string.IsNullOrEmpty(g.AgreementId) ? null : RiskMapping.Agreement(g.AgreementId, "agreement_id"),
            RiskMapping.Bps(g.CoverageBps, "coverage_bps"),
            RiskMapping.Fen(g.FeeFen, "fee_fen"),
            g.PaidOut,
            string.IsNullOrEmpty(g.PayoutFen) ? UInt128.Zero : RiskMapping.Fen(g.PayoutFen, "payout_fen"))).ToList());
    }

    internal static ChainTransaction Tx(Proto.ChainTx? tx) =>
        Calls.Parse(() => ApiMapping.FromProto(tx) ?? throw new FormatException("the transaction is missing."));
}
