using System.Globalization;
using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Errors;
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
/// the risk), tops them up, approves banks' claims — the payout is computed on chain, min(net loss × ratio, balance),
/// and the reply carries the net loss and the payout — or rejects them, and reads funds and claims (claims from the
/// node's chain index).
/// </summary>
public sealed class CompensationService(NodeContext node) : Compensation.CompensationBase
{
    /// <summary>Code of a fund that does not exist (as the contract's <c>CompensationFundUnknown</c>).</summary>
    private const string FundUnknownCode = "LEDGER-1283";

    /// <summary>Code of a ratio outside 1..9,999 bps (as the contract's <c>CompensationInvalidRatio</c>).</summary>
    private const string InvalidRatioCode = "LEDGER-1282";

    /// <inheritdoc/>
    public override async Task<FundInfo> CreateFund(CreateFundRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reference = Field(() => RiskMapping.Reference(request.FundReference, "fund_reference"));
        if (request.RatioBps is 0 or >= 10_000)
        {
            throw new LedgerException(InvalidRatioCode, ErrorCategory.InvalidArgument,
                $"ratio_bps {request.RatioBps} is not allowed: a fund pays 1 to 9,999 basis points of a bank's net loss, never 100 % — the bank always keeps part of the risk.");
        }
        var balance = Field(() => RiskMapping.Fen(request.BalanceFen, "balance_fen"));
        var products = request.EligibleProducts.Select((p, i) => Field(() => RiskMapping.Product(p, $"eligible_products[{i}]"))).ToList();
        if (products.Distinct().Count() != products.Count)
        {
            throw NodeErrors.InvalidField("eligible_products lists a product twice.");
        }
        var id = FundId.FromReference(node.Organization, reference);
        var outcome = await node.ChainClient.CreateFundAsync(
            id, (ushort)request.RatioBps, balance, products,
            $"fund:{id}:{request.RatioBps}:{balance}:{string.Join(',', products.Select(p => p.Value))}", CancellationToken.None).ConfigureAwait(false);
        var info = await FundAsync(id).ConfigureAwait(false);
        info.EligibleProducts.Clear();
        info.EligibleProducts.AddRange(products.Select(p => p.Code));
        info.Tx = Tx(outcome);
        return info;
    }

    /// <inheritdoc/>
    /// <remarks>Not idempotent: two top-ups of the same amount are two top-ups.</remarks>
    public override async Task<FundInfo> TopUp(TopUpRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Field(() => RiskMapping.Fund(request.FundId, "fund_id"));
        var amount = Field(() => RiskMapping.Fen(request.AmountFen, "amount_fen"));
        if (amount == UInt128.Zero)
        {
            throw NodeErrors.InvalidField("amount_fen is zero; a top-up adds more than nothing.");
        }
        // The contract adds with checked uint128 arithmetic: a sum past 2^128 − 1 would come back as a panic
        // (LEDGER-1202, "a defect") instead of the caller's mistake it is. (A top-up racing this one can still meet
        // the panic; only the regulator's own operators top up.)
        var fund = await node.ChainClient.FundAsync(id).ConfigureAwait(false);
        if (fund.Exists && (UInt128)fund.BalanceFen > UInt128.MaxValue - amount)
        {
            throw NodeErrors.InvalidField(
                $"amount_fen {amount} would take fund {id.Value.ToShortString()}'s balance ({fund.BalanceFen} fen) past the largest amount the chain holds (2^128 − 1 fen); top up less.");
        }
        var outcome = await node.ChainClient.TopUpAsync(id, amount, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        var info = await FundAsync(id).ConfigureAwait(false);
        info.Tx = Tx(outcome);
        return info;
    }

    /// <inheritdoc/>
    public override async Task<ClaimInfo> ApproveClaim(ClaimRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var loan = Field(() => RiskMapping.Loan(request.LoanId, "loan_id"));
        var outcome = await node.ChainClient.ApproveClaimAsync(loan, $"approve:{loan}", CancellationToken.None).ConfigureAwait(false);
        var info = Claim(loan, await ClaimAtAsync(loan, outcome.BlockNumber).ConfigureAwait(false));
        info.Tx = Tx(outcome);
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
        var outcome = await node.ChainClient.RejectClaimAsync(loan, (ushort)request.ReasonCode, $"reject:{loan}:{request.ReasonCode}", CancellationToken.None).ConfigureAwait(false);
        var info = Claim(loan, await ClaimAtAsync(loan, outcome.BlockNumber).ConfigureAwait(false));
        info.Tx = Tx(outcome);
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
        var audit = node.Store.Audit;
        bool OfFund(Core.Ports.ChainEvent e) => Hash32.Parse(e.Args["fundId"]) == id.Value;
        var paid = All(audit, new EventQuery { Name = "ClaimPaid" }).Where(OfFund).ToDictionary(e => Hash32.Parse(e.Args["loanId"]));
        var rejected = All(audit, new EventQuery { Name = "ClaimRejected" }).Where(OfFund).ToDictionary(e => Hash32.Parse(e.Args["loanId"]));
        var response = new ListClaimsResponse();
        foreach (var filed in All(audit, new EventQuery { Name = "ClaimFiled" }).Where(OfFund))
        {
            var loan = Hash32.Parse(filed.Args["loanId"]);
            var info = new ClaimInfo
            {
                LoanId = loan.ToString(),
                FundId = id.ToString(),
                Bank = new OrgId(Hash32.Parse(filed.Args["bankOrg"])).Code,
                NetLossFen = filed.Args["netLossFen"],
                PayoutFen = "0",
                Status = ClaimStatus.Filed,
            };
            if (paid.TryGetValue(loan, out var p))
            {
                info.PayoutFen = p.Args["payoutFen"];
                info.Status = ClaimStatus.Paid;
                info.Tx = ApiMapping.ToProto(p.TxHash, p.BlockNumber);
            }
            else if (rejected.TryGetValue(loan, out var r))
            {
                info.Status = ClaimStatus.Rejected;
                info.Tx = ApiMapping.ToProto(r.TxHash, r.BlockNumber);
            }
            response.Claims.Add(info);
        }
        return Task.FromResult(response);
    }

    /// <summary>The fund as the chain holds it now, with its eligible products from the node's chain index.</summary>
    private async Task<FundInfo> FundAsync(FundId id)
    {
        var fund = await node.ChainClient.FundAsync(id).ConfigureAwait(false);
        if (!fund.Exists)
        {
            throw new LedgerException(FundUnknownCode, ErrorCategory.NotFound, $"Fund {id.Value.ToShortString()} does not exist; check the fund id.");
        }
        var eligible = new List<string>();
        foreach (var e in All(node.Store.Audit, new EventQuery { Name = "FundProductEligibilitySet" }))
        {
            if (Hash32.Parse(e.Args["fundId"]) != id.Value)
            {
                continue;
            }
            var product = new ProductCode(Hash32.Parse(e.Args["productCode"])).Code;
            eligible.Remove(product);
            if (e.Args["eligible"] == "true")
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
        };
        info.EligibleProducts.AddRange(eligible);
        return info;
    }

    /// <summary>The claim as of the block its approval or rejection was mined in (what that transaction decided).</summary>
    private Task<ChainClaim> ClaimAtAsync(LoanId loan, ulong block) =>
        node.Chain.Rpc.CallAsync(async _ => (await node.ChainClient.Fund.ClaimQueryAsync(
            loan.Value.ToArray(), new Nethereum.RPC.Eth.DTOs.BlockParameter(new Nethereum.Hex.HexTypes.HexBigInteger(block))).ConfigureAwait(false)).ReturnValue1);

    private static ClaimInfo Claim(LoanId loan, ChainClaim claim) => new()
    {
        LoanId = loan.ToString(),
        FundId = new Hash32(claim.FundId).ToString(),
        Bank = new OrgId(new Hash32(claim.BankOrg)).Code,
        NetLossFen = RiskMapping.Fen(claim.NetLossFen),
        PayoutFen = RiskMapping.Fen(claim.PayoutFen),
        Status = (ClaimStatus)claim.Status,
    };
}
