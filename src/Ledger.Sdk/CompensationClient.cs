using Ledger.Core.Model;
using Ledger.Sdk.Mapping;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>A risk-compensation fund a regulator sets up.</summary>
/// <param name="Reference">The regulator's own programme number; the fund id is derived from it (<see cref="FundId.FromReference"/>).</param>
/// <param name="RatioBps">Share of a bank's net loss the fund pays: 1–9,999 basis points (never 100 %).</param>
/// <param name="BalanceFen">The fund's starting balance.</param>
/// <param name="EligibleProducts">The loan products it covers.</param>
public sealed record FundSetup(string Reference, ushort RatioBps, UInt128 BalanceFen, IReadOnlyList<ProductCode> EligibleProducts);

/// <summary>A fund as the chain holds it.</summary>
/// <param name="Fund">Its id.</param>
/// <param name="Regulator">The regulator that runs it.</param>
/// <param name="RatioBps">Share of the net loss it pays.</param>
/// <param name="BalanceFen">What it can still pay.</param>
/// <param name="PaidFen">What it has paid.</param>
/// <param name="EligibleProducts">The products it covers (from the node's chain index).</param>
/// <param name="Transaction">The transaction that changed it, when the call made one.</param>
/// <param name="GraceSeconds">How long a guarantor has after a default to pay before a claim nets its obligation out unpaid.</param>
public sealed record FundDetails(
    FundId Fund, OrgId Regulator, ushort RatioBps, UInt128 BalanceFen, UInt128 PaidFen, IReadOnlyList<ProductCode> EligibleProducts, ChainTransaction? Transaction,
    uint GraceSeconds = 0);

/// <summary>Where a claim stands (as <c>ledger.v1.ClaimStatus</c>).</summary>
public enum ClaimState
{
    /// <summary>No claim.</summary>
    None = 0,
    /// <summary>Filed by the bank, waiting for the regulator.</summary>
    Filed = 1,
    /// <summary>Approved and paid.</summary>
    Paid = 2,
    /// <summary>Rejected by the regulator.</summary>
    Rejected = 3,
    /// <summary>Withdrawn by the bank.</summary>
    Withdrawn = 4,
}

/// <summary>A bank's claim on a fund for a defaulted loan.</summary>
/// <param name="Loan">The defaulted loan.</param>
/// <param name="Fund">The fund claimed on.</param>
/// <param name="Bank">The claiming bank.</param>
/// <param name="NetLossFen">The bank's loss net of the guarantor's obligation (loss × coverage), whatever the guarantor paid.</param>
/// <param name="PayoutFen">What the fund has paid so far (each approval pays what is due, as far as the balance goes).</param>
/// <param name="Status">Where it stands (a claim paid in part is still filed).</param>
/// <param name="Transaction">The transaction that changed it, when the call made one.</param>
/// <param name="DueFen">What the fund owes on it: net loss × ratio, fixed when it was filed.</param>
/// <param name="Enterprise">The borrower's enterprise hash.</param>
public sealed record ClaimDetails(
    LoanId Loan, FundId Fund, OrgId Bank, UInt128 NetLossFen, UInt128 PayoutFen, ClaimState Status, ChainTransaction? Transaction,
    UInt128 DueFen = default, EnterpriseHash? Enterprise = null);

/// <summary>
/// A regulator node's <c>Compensation</c> service (its own operators): sets up and tops up risk-compensation funds,
/// approves (the payout computed on chain) or rejects banks' claims, reads funds and claims.
/// </summary>
public sealed class CompensationClient
{
    private readonly LedgerConnection _connection;
    private readonly Proto.Compensation.CompensationClient _client;

    /// <summary>A client over <paramref name="connection"/>.</summary>
    public CompensationClient(LedgerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _client = new Proto.Compensation.CompensationClient(connection.Invoker);
    }

    /// <summary>Creates a fund (its id derived from the reference).</summary>
    public async Task<FundDetails> CreateFundAsync(FundSetup setup, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var request = new Proto.CreateFundRequest { FundReference = setup.Reference, RatioBps = setup.RatioBps, BalanceFen = RiskMapping.Fen(setup.BalanceFen) };
        request.EligibleProducts.AddRange(setup.EligibleProducts.Select(p => p.Code));
        return Fund(await Calls.RunAsync(_connection.Address, () => _client.CreateFundAsync(request, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));
    }

    /// <summary>Adds to a fund's balance.</summary>
    public async Task<FundDetails> TopUpAsync(FundId fund, UInt128 amountFen, CancellationToken cancellationToken = default) =>
        Fund(await Calls.RunAsync(_connection.Address, () => _client.TopUpAsync(
            new Proto.TopUpRequest { FundId = fund.ToString(), AmountFen = RiskMapping.Fen(amountFen) },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>
    /// Approves a filed claim; the chain pays what is due less what was paid, as far as the balance goes (a claim the
    /// balance capped stays filed: approve it again after a top-up). Without <paramref name="fund"/>, the fund of the
    /// loan's live claim.
    /// </summary>
    public async Task<ClaimDetails> ApproveClaimAsync(LoanId loan, FundId? fund = null, CancellationToken cancellationToken = default) =>
        Claim(await Calls.RunAsync(_connection.Address, () => _client.ApproveClaimAsync(
            new Proto.ClaimRef { LoanId = loan.ToString(), FundId = fund?.ToString() ?? "" }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>Rejects a filed claim nothing was paid on, with a reason code of the regulator's own catalogue.</summary>
    public async Task<ClaimDetails> RejectClaimAsync(LoanId loan, ushort reasonCode, FundId? fund = null, CancellationToken cancellationToken = default) =>
        Claim(await Calls.RunAsync(_connection.Address, () => _client.RejectClaimAsync(
            new Proto.RejectClaimRequest { LoanId = loan.ToString(), ReasonCode = reasonCode, FundId = fund?.ToString() ?? "" }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>Sets how long a guarantor has after a default to pay before a claim nets its obligation out unpaid (1–730 days).</summary>
    public async Task<FundDetails> SetGracePeriodAsync(FundId fund, TimeSpan grace, CancellationToken cancellationToken = default) =>
        Fund(await Calls.RunAsync(_connection.Address, () => _client.SetGracePeriodAsync(
            new Proto.GracePeriodRequest { FundId = fund.ToString(), GraceSeconds = (uint)Math.Clamp(grace.TotalSeconds, 0, uint.MaxValue) },
            deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>A fund (NOT_FOUND, LEDGER-1283, when there is none).</summary>
    public async Task<FundDetails> GetFundAsync(FundId fund, CancellationToken cancellationToken = default) =>
        Fund(await Calls.RunAsync(_connection.Address, () => _client.GetFundAsync(
            new Proto.FundRef { FundId = fund.ToString() }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>The claims filed on a fund, from the node's chain index, in filing order.</summary>
    public async Task<IReadOnlyList<ClaimDetails>> ListClaimsAsync(FundId fund, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(_connection.Address, () => _client.ListClaimsAsync(
            new Proto.FundRef { FundId = fund.ToString() }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return response.Claims.Select(Claim).ToList();
    }

    private static FundDetails Fund(Proto.FundInfo info) => Calls.Parse(() => new FundDetails(
        RiskMapping.Fund(info.FundId, "fund_id"),
        ApiMapping.Org(info.Regulator, "regulator"),
        RiskMapping.Bps(info.RatioBps, "ratio_bps"),
        RiskMapping.Fen(info.BalanceFen, "balance_fen"),
        RiskMapping.Fen(info.PaidFen, "paid_fen"),
        info.EligibleProducts.Select((p, i) => RiskMapping.Product(p, $"eligible_products[{i}]")).ToList(),
        ApiMapping.FromProto(info.Tx),
        info.GraceSeconds));

    private static ClaimDetails Claim(Proto.ClaimInfo info) => Calls.Parse(() => new ClaimDetails(
        RiskMapping.Loan(info.LoanId, "loan_id"),
        RiskMapping.Fund(info.FundId, "fund_id"),
        ApiMapping.Org(info.Bank, "bank"),
        RiskMapping.Fen(info.NetLossFen, "net_loss_fen"),
        RiskMapping.Fen(info.PayoutFen, "payout_fen"),
        Enum.IsDefined((ClaimState)(int)info.Status) ? (ClaimState)(int)info.Status : throw new FormatException($"status {(int)info.Status} is not a claim status."),
        ApiMapping.FromProto(info.Tx),
        string.IsNullOrEmpty(info.DueFen) ? UInt128.Zero : RiskMapping.Fen(info.DueFen, "due_fen"),
        string.IsNullOrEmpty(info.EnterpriseHash) ? null : RiskMapping.Enterprise(info.EnterpriseHash, "enterprise_hash")));
}
