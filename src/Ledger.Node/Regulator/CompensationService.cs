using System.Globalization;
using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Errors;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;
using Ledger.Sdk.Mapping;
using Ledger.Store.Audit;
using static Ledger.Node.Guarantor.RiskRequests;
using ChainClaim = Ledger.Chain.Contracts.RiskCompensationFund.ContractDefinition.Claim;

namespace Ledger.Node.Regulator;

/// <summary>
/// <c>ledger.v1.Compensation</c> on a regulator node, for its own operators: creates risk-compensation funds (the id
/// derived from the regulator's reference; a ratio of 1 to 9,999 basis points — never 100 %, the bank keeps part of
/// the risk), tops them up, sets the guarantors' grace period, approves banks' claims — the payout is computed on
/// chain: what is due ((loss − the guarantor's obligation) × ratio, fixed at filing) less what was paid, capped by the
/// balance, so a capped claim stays filed and is approved again after a top-up — or rejects them, and reads funds and
/// claims (claims from the node's chain index).
/// </summary>
public sealed class CompensationService(
    Ledger.Store.LedgerStore store, Ledger.Chain.LedgerChainClient chainClient, Ledger.Chain.Profiles.ChainEnvironment chain,
    UseCases.ManageFund funds, UseCases.ApproveClaim approveClaim, UseCases.RejectClaim rejectClaim) : Compensation.CompensationBase
{
    /// <summary>The events of a claim's life, as the chain index has them.</summary>
    private static readonly string[] ClaimEvents = [ClaimFiled.EventName, ClaimPaid.EventName, ClaimRejected.EventName, ClaimWithdrawn.EventName];

    /// <summary>Code of a fund that does not exist (as the contract's <c>CompensationFundUnknown</c>).</summary>
    private const string FundUnknownCode = "LEDGER-1283";

    /// <inheritdoc/>
    public override async Task<FundInfo> CreateFund(CreateFundRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reference = Field(() => RiskMapping.Reference(request.FundReference, "fund_reference"));
        var ratio = UseCases.ManageFund.Ratio(request.RatioBps); // checked where it always was: before the amounts are read
        var balance = Field(() => RiskMapping.Fen(request.BalanceFen, "balance_fen"));
        var products = request.EligibleProducts.Select((p, i) => Field(() => RiskMapping.Product(p, $"eligible_products[{i}]"))).ToList();
        var (id, tx) = await funds.CreateAsync(reference, ratio, balance, products).ConfigureAwait(false);
        var info = await FundAsync(id).ConfigureAwait(false);
        info.EligibleProducts.Clear();
        info.EligibleProducts.AddRange(products.Select(p => p.Code));
        info.Tx = Tx(tx);
        return info;
    }

    /// <inheritdoc/>
    /// <remarks>Not idempotent: two top-ups of the same amount are two top-ups.</remarks>
    public override async Task<FundInfo> TopUp(TopUpRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Field(() => RiskMapping.Fund(request.FundId, "fund_id"));
        var amount = Field(() => RiskMapping.Fen(request.AmountFen, "amount_fen"));
        var tx = await funds.TopUpAsync(id, amount, context?.CancellationToken ?? CancellationToken.None).ConfigureAwait(false);
        var info = await FundAsync(id).ConfigureAwait(false);
        info.Tx = Tx(tx);
        return info;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A claim the balance capped stays filed and is approved again after a top-up: the key holds what was paid before,
    /// so each approval is one payment and a retried one is not sent twice.
    /// </remarks>
    public override async Task<ClaimInfo> ApproveClaim(ClaimRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loan = Field(() => RiskMapping.Loan(request.LoanId, "loan_id"));
        FundId? named = string.IsNullOrEmpty(request.FundId) ? null : Field(() => RiskMapping.Fund(request.FundId, "fund_id"));
        var (fund, tx) = await approveClaim.ApproveAsync(named, loan, context.CancellationToken).ConfigureAwait(false);
        var info = Claim(loan, await ClaimAtAsync(fund, loan, tx.BlockNumber).ConfigureAwait(false));
        info.Tx = Tx(tx);
        return info;
    }

    /// <inheritdoc/>
    public override async Task<ClaimInfo> RejectClaim(RejectClaimRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var loan = Field(() => RiskMapping.Loan(request.LoanId, "loan_id"));
        if (request.ReasonCode > ushort.MaxValue)
        {
            throw NodeErrors.InvalidField($"reason_code {request.ReasonCode} is above 65535.");
        }
        FundId? named = string.IsNullOrEmpty(request.FundId) ? null : Field(() => RiskMapping.Fund(request.FundId, "fund_id"));
        var (fund, tx) = await rejectClaim.RejectAsync(named, loan, (ushort)request.ReasonCode, context?.CancellationToken ?? CancellationToken.None).ConfigureAwait(false);
        var info = Claim(loan, await ClaimAtAsync(fund, loan, tx.BlockNumber).ConfigureAwait(false));
        info.Tx = Tx(tx);
        return info;
    }

    /// <inheritdoc/>
    public override async Task<FundInfo> SetGracePeriod(GracePeriodRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Field(() => RiskMapping.Fund(request.FundId, "fund_id"));
        var tx = await funds.SetGracePeriodAsync(id, request.GraceSeconds).ConfigureAwait(false);
        var info = await FundAsync(id).ConfigureAwait(false);
        info.Tx = Tx(tx);
        return info;
    }

    /// <inheritdoc/>
    public override Task<FundInfo> GetFund(FundRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Field(() => RiskMapping.Fund(request.FundId, "fund_id"));
        return FundAsync(id);
    }

    /// <inheritdoc/>
    public override Task<ListClaimsResponse> ListClaims(FundRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Field(() => RiskMapping.Fund(request.FundId, "fund_id"));
        var audit = store.Audit;
        bool OfFund(Core.Ports.ChainEvent e) => e.Typed() switch
        {
            ClaimFiled c => c.FundId == id,
            ClaimPaid c => c.FundId == id,
            ClaimRejected c => c.FundId == id,
            ClaimWithdrawn c => c.FundId == id,
            _ => false,
        };
        // A claim's events in chain order: filed (again after a withdrawal), paid in one or more payments, rejected or
        // withdrawn. The latest filing of a loan opens its current claim.
        var events = ClaimEvents
            .SelectMany(name => All(audit, new EventQuery { Name = name }).Where(OfFund))
            .OrderBy(e => e.BlockNumber).ThenBy(e => e.LogIndex);
        var claims = new Dictionary<LoanId, ClaimInfo>();
        foreach (var e in events)
        {
            var tx = ApiMapping.ToProto(e.TxHash, e.BlockNumber);
            switch (e.Typed())
            {
                case ClaimFiled filed:
                    claims[filed.LoanId] = new ClaimInfo
                    {
                        LoanId = filed.LoanId.Value.ToString(),
                        FundId = id.ToString(),
                        Bank = filed.BankOrg.Code,
                        EnterpriseHash = filed.EnterpriseHash.Value.ToString(),
                        NetLossFen = filed.NetLossFen.ToString(CultureInfo.InvariantCulture),
                        DueFen = filed.DueFen.ToString(CultureInfo.InvariantCulture),
                        PayoutFen = "0",
                        Status = ClaimStatus.Filed,
                        Tx = tx,
                    };
                    break;
                case ClaimPaid paid when claims.TryGetValue(paid.LoanId, out var info):
                    info.Tx = tx;
                    info.PayoutFen = paid.PaidFen.ToString(CultureInfo.InvariantCulture);
                    info.Status = paid.Settled ? ClaimStatus.Paid : ClaimStatus.Filed;
                    break;
                case ClaimRejected rejected when claims.TryGetValue(rejected.LoanId, out var info):
                    info.Tx = tx;
                    info.Status = ClaimStatus.Rejected;
                    break;
                case ClaimWithdrawn withdrawn when claims.TryGetValue(withdrawn.LoanId, out var info):
                    info.Tx = tx;
                    info.Status = ClaimStatus.Withdrawn;
                    break;
                default:
                    break;
            }
        }
        var response = new ListClaimsResponse();
        response.Claims.AddRange(claims.Values);
        return Task.FromResult(response);
    }

    /// <summary>The fund as the chain holds it now, with its eligible products from the node's chain index.</summary>
    private async Task<FundInfo> FundAsync(FundId id)
    {
        var fund = await chainClient.FundAsync(id).ConfigureAwait(false);
        if (!fund.Exists)
        {
            throw new LedgerException(FundUnknownCode, ErrorCategory.NotFound, $"Fund {id.Value.ToShortString()} does not exist; check the fund id.");
        }
        var eligible = new List<string>();
        foreach (var e in All(store.Audit, new EventQuery { Name = FundProductEligibilitySet.EventName }))
        {
            var set = e.As<FundProductEligibilitySet>();
            if (set.FundId != id)
            {
                continue;
            }
            var product = set.ProductCode.Code;
            eligible.Remove(product);
            if (set.Eligible)
            {
                eligible.Add(product);
            }
        }
        var info = new FundInfo
        {
            FundId = id.ToString(),
            Regulator = new OrgId(new Hash32(fund.RegulatorOrg)).Code,
            RatioBps = fund.RatioBps,
            BalanceFen = RiskMapping.Fen(fund.BalanceFen),
            PaidFen = RiskMapping.Fen(fund.PaidFen),
            GraceSeconds = fund.GraceSeconds,
        };
        info.EligibleProducts.AddRange(eligible);
        return info;
    }

    /// <summary>The claim as of the block its approval or rejection was mined in (what that transaction decided).</summary>
    private Task<ChainClaim> ClaimAtAsync(FundId fund, LoanId loan, ulong block) =>
        chain.Rpc.CallAsync(async _ => (await chainClient.Fund.ClaimQueryAsync(
            fund.Value.ToArray(), loan.Value.ToArray(), new Nethereum.RPC.Eth.DTOs.BlockParameter(new Nethereum.Hex.HexTypes.HexBigInteger(block))).ConfigureAwait(false)).ReturnValue1);

    private static ChainTx Tx(Core.Ports.ChainConfirmation tx) => ApiMapping.ToProto(tx.TxHash, tx.BlockNumber);

    private static ClaimInfo Claim(LoanId loan, ChainClaim claim) => new()
    {
        LoanId = loan.ToString(),
        FundId = new Hash32(claim.FundId).ToString(),
        Bank = new OrgId(new Hash32(claim.BankOrg)).Code,
        EnterpriseHash = new Hash32(claim.EnterpriseHash).ToString(),
        NetLossFen = RiskMapping.Fen(claim.NetLossFen),
        DueFen = RiskMapping.Fen(claim.DueFen),
        PayoutFen = RiskMapping.Fen(claim.PayoutFen),
        Status = (ClaimStatus)claim.Status,
    };
}
