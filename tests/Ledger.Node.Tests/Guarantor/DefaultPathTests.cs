using Grpc.Core;
using Ledger.Core.Model;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests.Guarantor;

/// <summary>
/// A guaranteed loan's default, end to end across the bank, guarantor and regulator nodes: invitation → guarantee →
/// overdue → default → payout (loss × coverage) → claim → approval (net loss × ratio, capped by the fund's balance).
/// </summary>
[Collection(RiskClusterGroup.Name)]
public sealed class DefaultPathTests(RiskCluster cluster)
{
    [Fact]
    public async Task DefaultPath_GuaranteedLoanDefaults_GuarantorPaysLossTimesCoverageAndFundPaysNetLossTimesRatioCappedByBalance()
    {
        var bank = cluster.BankAsBank.Bank;
        var guarantor = cluster.GuarantorAsGuarantor.Guarantees;
        var fund = cluster.RegulatorAsRegulator.Compensation;

        // The regulator's fund: 50 %, 20,000,000 fen, for SHUIYIDAI loans.
        var reference = "LZ-RCF-" + Guid.NewGuid().ToString("N")[..8];
        var created = await fund.CreateFundAsync(new FundSetup(reference, 5_000, 20_000_000, [RiskCluster.Shuiyidai]));
        Assert.Equal(FundId.FromReference(RiskCluster.RegulatorOrg, reference), created.Fund);
        Assert.Equal(RiskCluster.RegulatorOrg, created.Regulator);
        Assert.Equal(5_000, created.RatioBps);
        Assert.Equal((UInt128)20_000_000, created.BalanceFen);
        Assert.Equal(UInt128.Zero, created.PaidFen);
        Assert.Equal(new[] { RiskCluster.Shuiyidai }, created.EligibleProducts);
        Assert.NotNull(created.Transaction);

        // A loan of 100,000,000 fen; the guarantor cannot attach itself before the bank invites it.
        var first = await cluster.LendAsync(cluster.Enterprises[0], 100_000_000);
        var refused = await Refusals.ExpectAsync(() => guarantor.GuaranteeLoanAsync(first.Loan, 7_000, 500_000), StatusCode.FailedPrecondition, "LEDGER-1266");
        Assert.Contains($"bank.ccb has not invited {RiskCluster.GuarantorOrg.Code}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("invite", refused.Message, StringComparison.Ordinal);

        await bank.InviteGuarantorAsync(first.Loan, RiskCluster.GuarantorOrg, 5_000, 10_000_000);
        var guaranteed = await guarantor.GuaranteeLoanAsync(first.Loan, 7_000, 500_000);
        Assert.Equal(guaranteed, await guarantor.GuaranteeLoanAsync(first.Loan, 7_000, 500_000)); // the same call again: the same transaction

        // Overdue, then default with a loss of 80,000,000 fen.
        await bank.MarkOverdueAsync(first.Loan, 35, 9_000_000);
        await bank.DeclareDefaultAsync(first.Loan, 80_000_000);

        // The guarantor owes loss × coverage = 56,000,000 and pays it in instalments: more than that is refused; while
        // it is within its grace period and has not paid in full, the bank's claim waits.
        await Refusals.ExpectAsync(() => guarantor.RecordPayoutAsync(first.Loan, 56_000_001), StatusCode.InvalidArgument, "LEDGER-1272");
        var part = await guarantor.RecordPayoutAsync(first.Loan, 20_000_000);
        Assert.Equal(((UInt128)20_000_000, (UInt128)20_000_000, (UInt128)56_000_000), (part.PayoutFen, part.PaidFen, part.ObligationFen));
        var waiting = await Refusals.ExpectAsync(() => bank.FileClaimAsync(created.Fund, first.Loan), StatusCode.FailedPrecondition, "LEDGER-1288");
        Assert.Contains("has paid 200,000.00 CNY of the 560,000.00 CNY it owes", waiting.Message, StringComparison.Ordinal);
        var payout = await guarantor.RecordPayoutAsync(first.Loan); // the default amount: what remains owed
        Assert.Equal(first.Loan, payout.Loan);
        Assert.Equal((UInt128)36_000_000, payout.PayoutFen);
        Assert.Equal((UInt128)56_000_000, payout.PaidFen); // 80,000,000 × 70 %
        Assert.Equal((UInt128)56_000_000, (UInt128)await cluster.DevClient(2).Guarantees.MaxPayoutQueryAsync(first.Loan.Value.ToArray()));

        // The bank claims on its net loss; the regulator approves: 24,000,000 × 50 % = 12,000,000.
        await bank.FileClaimAsync(created.Fund, first.Loan);
        var paid = await fund.ApproveClaimAsync(first.Loan);
        Assert.Equal(first.Loan, paid.Loan);
        Assert.Equal(created.Fund, paid.Fund);
        Assert.Equal(NodeCluster.BankOrg, paid.Bank);
        Assert.Equal((UInt128)24_000_000, paid.NetLossFen);
        Assert.Equal((UInt128)12_000_000, paid.PayoutFen);
        Assert.Equal(ClaimState.Paid, paid.Status);
        Assert.NotNull(paid.Transaction);

        // A second, unguaranteed loan: net loss 30,000,000 × 50 % = 15,000,000 is due, but only 8,000,000 is left: the
        // claim stays filed for the rest, paid when the regulator approves again after a top-up.
        var second = await cluster.LendAsync(cluster.Enterprises[1], 50_000_000);
        await bank.DeclareDefaultAsync(second.Loan, 30_000_000);
        await bank.FileClaimAsync(created.Fund, second.Loan);
        var capped = await fund.ApproveClaimAsync(second.Loan);
        Assert.Equal((UInt128)30_000_000, capped.NetLossFen);
        Assert.Equal((UInt128)15_000_000, capped.DueFen);
        Assert.Equal((UInt128)8_000_000, capped.PayoutFen);
        Assert.Equal(ClaimState.Filed, capped.Status);
        await Refusals.ExpectAsync(() => fund.RejectClaimAsync(second.Loan, 9), StatusCode.FailedPrecondition, "LEDGER-1854");
        await fund.TopUpAsync(created.Fund, 10_000_000);
        var settled = await fund.ApproveClaimAsync(second.Loan, created.Fund);
        Assert.Equal((UInt128)15_000_000, settled.PayoutFen);
        Assert.Equal(ClaimState.Paid, settled.Status);

        // The regulator's and the guarantor's chain indexes list what happened.
        await RiskCluster.WaitIndexedAsync(cluster.RegulatorAsRegulator, settled.Transaction!.BlockNumber);
        var after = await fund.GetFundAsync(created.Fund);
        Assert.Equal((UInt128)3_000_000, after.BalanceFen);
        Assert.Equal((UInt128)27_000_000, after.PaidFen);
        Assert.Equal((uint)(90 * 86_400), after.GraceSeconds);
        Assert.Equal(new[] { RiskCluster.Shuiyidai }, after.EligibleProducts);
        var claims = await fund.ListClaimsAsync(created.Fund);
        Assert.Equal(
            new[] { (first.Loan, (UInt128)24_000_000, (UInt128)12_000_000, ClaimState.Paid), (second.Loan, (UInt128)30_000_000, (UInt128)15_000_000, ClaimState.Paid) },
            claims.Select(c => (c.Loan, c.NetLossFen, c.PayoutFen, c.Status)).ToArray());
        Assert.All(claims, c => Assert.Equal(NodeCluster.BankOrg, c.Bank));

        await RiskCluster.WaitIndexedAsync(cluster.GuarantorAsGuarantor, payout.Transaction.BlockNumber);
        var held = Assert.Single(await guarantor.ListAsync(cluster.Enterprises[0].CreditCodeHash), g => g.Loan == first.Loan);
        Assert.Equal(RiskCluster.GuarantorOrg, held.Guarantor);
        Assert.Equal(NodeCluster.BankOrg, held.Bank);
        Assert.Equal(cluster.Enterprises[0].CreditCodeHash, held.Enterprise);
        Assert.Null(held.Agreement);
        Assert.Equal(7_000, held.CoverageBps);
        Assert.Equal((UInt128)500_000, held.FeeFen);
        Assert.True(held.PaidOut);
        Assert.Equal((UInt128)56_000_000, held.PayoutFen);
    }

    [Fact]
    public async Task Invitation_TermsWithdrawalAndCancellation_TheBankKeepsControlOfItsLoan()
    {
        var bank = cluster.BankAsBank.Bank;
        var guarantees = cluster.GuarantorAsGuarantor.Guarantees;
        var lent = await cluster.LendAsync(cluster.Enterprises[2], 10_000_000);
        await bank.InviteGuarantorAsync(lent.Loan, RiskCluster.GuarantorOrg, 6_000, 200_000);

        // Outside the bank's terms: too little coverage, or too high a fee.
        var low = await Refusals.ExpectAsync(() => guarantees.GuaranteeLoanAsync(lent.Loan, 5_000, 100_000), StatusCode.FailedPrecondition, "LEDGER-1851");
        Assert.Contains("at least 60 % coverage", low.Message, StringComparison.Ordinal);
        await Refusals.ExpectAsync(() => guarantees.GuaranteeLoanAsync(lent.Loan, 7_000, 200_001), StatusCode.FailedPrecondition, "LEDGER-1851");

        // Withdrawn, the invitation is gone; invited again, the guarantee is within the terms; the bank may cancel it.
        await bank.WithdrawInvitationAsync(lent.Loan);
        await Refusals.ExpectAsync(() => guarantees.GuaranteeLoanAsync(lent.Loan, 7_000, 100_000), StatusCode.FailedPrecondition, "LEDGER-1266");
        await bank.InviteGuarantorAsync(lent.Loan, RiskCluster.GuarantorOrg, 6_000, 200_000);
        await guarantees.GuaranteeLoanAsync(lent.Loan, 7_000, 100_000);
        var cancelled = await bank.CancelGuaranteeAsync(lent.Loan);
        var guarantee = (await cluster.DevClient(2).Guarantees.GuaranteeOfQueryAsync(lent.Loan.Value.ToArray())).ReturnValue1;
        Assert.True(new Core.Primitives.Hash32(guarantee.GuarantorOrg).IsZero);
        await RiskCluster.WaitIndexedAsync(cluster.GuarantorAsGuarantor, cancelled.BlockNumber);
        Assert.DoesNotContain(await guarantees.ListAsync(cluster.Enterprises[2].CreditCodeHash), g => g.Loan == lent.Loan);

        // After a default a guarantee can no longer be cancelled.
        await bank.InviteGuarantorAsync(lent.Loan, RiskCluster.GuarantorOrg, 6_000, 200_000);
        await guarantees.GuaranteeLoanAsync(lent.Loan, 7_000, 100_000);
        await bank.DeclareDefaultAsync(lent.Loan, 5_000_000);
        await Refusals.ExpectAsync(() => bank.CancelGuaranteeAsync(lent.Loan), StatusCode.FailedPrecondition, "LEDGER-1852");
    }

    [Fact]
    public async Task GuaranteeLoan_InvitedAnotherGuarantor_RefusedNamingTheInvitedOne()
    {
        var lent = await cluster.LendAsync(cluster.Enterprises[2], 10_000_000);
        await cluster.BankAsBank.Bank.InviteGuarantorAsync(lent.Loan, RiskCluster.OtherGuarantorOrg, 5_000, 10_000_000);

        var refused = await Refusals.ExpectAsync(
            () => cluster.GuarantorAsGuarantor.Guarantees.GuaranteeLoanAsync(lent.Loan, 5_000, 0), StatusCode.FailedPrecondition, "LEDGER-1266");
        Assert.Contains("bank.ccb invited guarantee.other, not guarantee.gx", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordPayout_LoanNotDefaulted_RefusedWithTheContractsReason()
    {
        var lent = await cluster.LendAsync(cluster.Enterprises[2], 10_000_000);
        await cluster.BankAsBank.Bank.InviteGuarantorAsync(lent.Loan, RiskCluster.GuarantorOrg, 5_000, 10_000_000);
        await cluster.GuarantorAsGuarantor.Guarantees.GuaranteeLoanAsync(lent.Loan, 5_000, 0);

        await Refusals.ExpectAsync(() => cluster.GuarantorAsGuarantor.Guarantees.RecordPayoutAsync(lent.Loan), StatusCode.FailedPrecondition, "LEDGER-1269");
    }

    [Fact]
    public async Task GuaranteeService_BadInputOrWrongCaller_RefusedWithTheFieldOrTheReason()
    {
        var guarantees = cluster.GuarantorAsGuarantor.Guarantees;
        var lent = await cluster.LendAsync(cluster.Enterprises[2], 10_000_000);

        var coverage = await Refusals.ExpectAsync(() => guarantees.GuaranteeLoanAsync(lent.Loan, 0, 0), StatusCode.InvalidArgument, "LEDGER-1520");
        Assert.Contains("coverage_bps", coverage.Message, StringComparison.Ordinal);
        var limits = await Refusals.ExpectAsync(
            () => guarantees.ProposeAgreementAsync(new AgreementProposal("X-1", NodeCluster.BankOrg, 8_000, 100, 10, 5, (ulong)DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds())),
            StatusCode.InvalidArgument, "LEDGER-1520");
        Assert.Contains("per-loan limit", limits.Message, StringComparison.Ordinal);
        var past = await Refusals.ExpectAsync(
            () => guarantees.ProposeAgreementAsync(new AgreementProposal("X-2", NodeCluster.BankOrg, 8_000, 100, 10, 10, 1_000)),
            StatusCode.InvalidArgument, "LEDGER-1520");
        Assert.Contains("valid_until", past.Message, StringComparison.Ordinal);

        // Only the guarantor's own operators: a bank calling the guarantor node is refused.
        var asBank = await cluster.ConnectAsync(cluster.Guarantor, NodeCluster.BankOrg);
        await Refusals.ExpectAsync(() => asBank.Guarantees.GuaranteeLoanAsync(lent.Loan, 5_000, 0), StatusCode.PermissionDenied, "LEDGER-1516");
        var outsider = await cluster.ConnectAsOutsiderAsync(cluster.Guarantor, RiskCluster.GuarantorOrg);
        await Refusals.ExpectAsync(() => outsider.Guarantees.ListAsync(), StatusCode.PermissionDenied, "LEDGER-1515");
    }
}
