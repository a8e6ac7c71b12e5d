using Grpc.Core;
using Ledger.Core.Model;
using Ledger.Node.Tests.Guarantor;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests.Regulator;

/// <summary>The regulator node's risk-compensation funds: creation rules, top-ups, rejection, reads, who may call.</summary>
[Collection(RiskClusterGroup.Name)]
public sealed class CompensationTests(RiskCluster cluster)
{
    private CompensationClient Funds => cluster.RegulatorAsRegulator.Compensation;

    [Theory]
    [InlineData(10_000)]
    [InlineData(0)]
    public async Task CreateFund_RatioOfAHundredPercentOrNothing_RefusedBeforeAnythingIsSent(int ratio)
    {
        var reference = "LZ-RCF-BAD-" + Guid.NewGuid().ToString("N")[..6];
        var refused = await Refusals.ExpectAsync(
            () => Funds.CreateFundAsync(new FundSetup(reference, (ushort)ratio, 1_000_000, [RiskCluster.Shuiyidai])), StatusCode.InvalidArgument, "LEDGER-1282");
        Assert.Contains("never 100 %", refused.Message, StringComparison.Ordinal);
        await Refusals.ExpectAsync(() => Funds.GetFundAsync(FundId.FromReference(RiskCluster.RegulatorOrg, reference)), StatusCode.NotFound, "LEDGER-1283");
    }

    [Fact]
    public async Task CreateFund_SameReferenceAgain_SameTermsGiveTheSameFundOtherTermsAreRefused()
    {
        var setup = new FundSetup("LZ-RCF-" + Guid.NewGuid().ToString("N")[..8], 3_000, 5_000_000, [RiskCluster.Shuiyidai, ProductCode.FromCode("YINSHUIDAI")]);
        var created = await Funds.CreateFundAsync(setup);
        var again = await Funds.CreateFundAsync(setup);
        Assert.Equal((created.Fund, created.Transaction), (again.Fund, again.Transaction)); // the same transaction
        await Refusals.ExpectAsync(() => Funds.CreateFundAsync(setup with { RatioBps = 7_000 }), StatusCode.AlreadyExists, "LEDGER-1281");

        await RiskCluster.WaitIndexedAsync(cluster.RegulatorAsRegulator, created.Transaction!.BlockNumber); // eligible products come from the index
        var read = await Funds.GetFundAsync(created.Fund);
        Assert.Equal(3_000, read.RatioBps);
        Assert.Equal((UInt128)5_000_000, read.BalanceFen);
        Assert.Equal(setup.EligibleProducts.Select(p => p.Code).Order(), read.EligibleProducts.Select(p => p.Code).Order());
        Assert.Null(read.Transaction);
    }

    [Fact]
    public async Task TopUp_AddsToTheBalance_AndZeroIsRefused()
    {
        var created = await Funds.CreateFundAsync(new FundSetup("LZ-RCF-" + Guid.NewGuid().ToString("N")[..8], 5_000, 1_000_000, [RiskCluster.Shuiyidai]));
        var topped = await Funds.TopUpAsync(created.Fund, 2_500_000);
        Assert.Equal((UInt128)3_500_000, topped.BalanceFen);
        Assert.NotNull(topped.Transaction);
        var zero = await Refusals.ExpectAsync(() => Funds.TopUpAsync(created.Fund, 0), StatusCode.InvalidArgument, "LEDGER-1520");
        Assert.Contains("amount_fen", zero.Message, StringComparison.Ordinal);
        await Refusals.ExpectAsync(() => Funds.TopUpAsync(new FundId(Core.Primitives.Keccak.Hash("no such fund")), 1), StatusCode.NotFound, "LEDGER-1283");
    }

    [Fact]
    public async Task RejectClaim_FiledClaim_IsRejectedPaysNothingAndCannotBeApprovedAfterwards()
    {
        var created = await Funds.CreateFundAsync(new FundSetup("LZ-RCF-" + Guid.NewGuid().ToString("N")[..8], 5_000, 10_000_000, [RiskCluster.Shuiyidai]));
        var lent = await cluster.LendAsync(cluster.Enterprises[1], 20_000_000);
        await cluster.BankAsBank.Bank.DeclareDefaultAsync(lent.Loan, 12_000_000);
        await cluster.BankAsBank.Bank.FileClaimAsync(created.Fund, lent.Loan);

        var rejected = await Funds.RejectClaimAsync(lent.Loan, 7);
        Assert.Equal(ClaimState.Rejected, rejected.Status);
        Assert.Equal((UInt128)12_000_000, rejected.NetLossFen);
        Assert.Equal(UInt128.Zero, rejected.PayoutFen);
        await Refusals.ExpectAsync(() => Funds.ApproveClaimAsync(lent.Loan), StatusCode.FailedPrecondition, "LEDGER-1287");
        Assert.Equal((UInt128)10_000_000, (await Funds.GetFundAsync(created.Fund)).BalanceFen);

        await RiskCluster.WaitIndexedAsync(cluster.RegulatorAsRegulator, rejected.Transaction!.BlockNumber);
        var claim = Assert.Single(await Funds.ListClaimsAsync(created.Fund));
        Assert.Equal((lent.Loan, ClaimState.Rejected, NodeCluster.BankOrg), (claim.Loan, claim.Status, claim.Bank));
    }

    [Fact]
    public async Task WithdrawClaim_ThenClaimElsewhereAndRefileHere_EachFundKeepsItsOwnClaim()
    {
        var first = await Funds.CreateFundAsync(new FundSetup("LZ-RCF-" + Guid.NewGuid().ToString("N")[..8], 5_000, 10_000_000, [RiskCluster.Shuiyidai]));
        var second = await Funds.CreateFundAsync(new FundSetup("LZ-RCF-" + Guid.NewGuid().ToString("N")[..8], 4_000, 10_000_000, [RiskCluster.Shuiyidai]));
        var graced = await Funds.SetGracePeriodAsync(second.Fund, TimeSpan.FromDays(30));
        Assert.Equal((uint)(30 * 86_400), graced.GraceSeconds);
        await Refusals.ExpectAsync(() => Funds.SetGracePeriodAsync(second.Fund, TimeSpan.FromHours(1)), StatusCode.InvalidArgument, "LEDGER-1282");
        var lent = await cluster.LendAsync(cluster.Enterprises[1], 20_000_000);
        var bank = cluster.BankAsBank.Bank;
        await bank.DeclareDefaultAsync(lent.Loan, 10_000_000);

        // One live claim per loan: filed at the first fund, the second fund refuses it until the bank withdraws.
        await bank.FileClaimAsync(first.Fund, lent.Loan);
        await Refusals.ExpectAsync(() => bank.FileClaimAsync(second.Fund, lent.Loan), StatusCode.AlreadyExists, "LEDGER-1286");
        await bank.WithdrawClaimAsync(first.Fund, lent.Loan);
        await bank.FileClaimAsync(second.Fund, lent.Loan);
        var rejected = await Funds.RejectClaimAsync(lent.Loan, 3, second.Fund);
        Assert.Equal(ClaimState.Rejected, rejected.Status);

        // Rejected at the second fund, the loan is claimed again at the first, where its claim had been withdrawn.
        await bank.FileClaimAsync(first.Fund, lent.Loan);
        var paid = await Funds.ApproveClaimAsync(lent.Loan);
        Assert.Equal((first.Fund, ClaimState.Paid, (UInt128)5_000_000, (UInt128)5_000_000), (paid.Fund, paid.Status, paid.DueFen, paid.PayoutFen));
        Assert.Equal(cluster.Enterprises[1].CreditCodeHash, paid.Enterprise);

        await RiskCluster.WaitIndexedAsync(cluster.RegulatorAsRegulator, paid.Transaction!.BlockNumber);
        Assert.Equal(ClaimState.Paid, Assert.Single(await Funds.ListClaimsAsync(first.Fund)).Status);
        Assert.Equal(ClaimState.Rejected, Assert.Single(await Funds.ListClaimsAsync(second.Fund)).Status);
    }

    [Fact]
    public async Task Compensation_CalledByABankOrAnOutsider_RefusedWithTheReason()
    {
        var asBank = await cluster.ConnectAsync(cluster.Regulator, NodeCluster.BankOrg);
        var wrongRole = await Refusals.ExpectAsync(() => asBank.Compensation.GetFundAsync(new FundId(Core.Primitives.Keccak.Hash("x"))), StatusCode.PermissionDenied, "LEDGER-1516");
        Assert.Contains("regulator", wrongRole.Message, StringComparison.Ordinal);
        var outsider = await cluster.ConnectAsOutsiderAsync(cluster.Regulator, RiskCluster.RegulatorOrg);
        await Refusals.ExpectAsync(() => outsider.Compensation.ApproveClaimAsync(new LoanId(Core.Primitives.Keccak.Hash("y"))), StatusCode.PermissionDenied, "LEDGER-1515");
        var malformed = await Refusals.ExpectAsync(
            () => Funds.CreateFundAsync(new FundSetup("", 5_000, 1, [])), StatusCode.InvalidArgument, "LEDGER-1520");
        Assert.Contains("fund_reference", malformed.Message, StringComparison.Ordinal);
    }
}
