using Grpc.Core;
using Ledger.Core.Model;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests.Guarantor;

/// <summary>A batch guarantee agreement ("总对总"): the guarantor proposes, the bank accepts and enrols loans within its limits.</summary>
[Collection(RiskClusterGroup.Name)]
public sealed class BatchAgreementTests(RiskCluster cluster)
{
    [Fact]
    public async Task BatchAgreement_ProposedAcceptedAndEnrolled_LimitsAndTerminationRefuseFurtherLoansWithSentences()
    {
        var guarantor = cluster.GuarantorAsGuarantor.Guarantees;
        var bank = cluster.BankAsBank.Bank;
        var reference = "GX-ZDZ-" + Guid.NewGuid().ToString("N")[..8];
        var validUntil = (ulong)DateTimeOffset.UtcNow.AddDays(365).ToUnixTimeSeconds();
        var proposal = new AgreementProposal(reference, NodeCluster.BankOrg, 8_000, 100, 50_000_000, 80_000_000, validUntil);

        var (agreement, proposed) = await guarantor.ProposeAgreementAsync(proposal);
        Assert.Equal(AgreementId.FromReference(RiskCluster.GuarantorOrg, reference), agreement);
        Assert.Equal((agreement, proposed), await guarantor.ProposeAgreementAsync(proposal)); // the same proposal again: the same transaction
        await Refusals.ExpectAsync(() => guarantor.ProposeAgreementAsync(proposal with { CoverageBps = 9_000 }), StatusCode.AlreadyExists, "LEDGER-1273");

        await bank.AcceptAgreementAsync(agreement);
        var within = await cluster.LendAsync(cluster.Enterprises[0], 40_000_000);
        var tooLarge = await cluster.LendAsync(cluster.Enterprises[1], 60_000_000);
        var overTotal = await cluster.LendAsync(cluster.Enterprises[2], 45_000_000);
        var afterEnd = await cluster.LendAsync(cluster.Enterprises[0], 10_000_000);

        var enrolled = await bank.EnrollLoanAsync(agreement, within.Loan);
        var perLoan = await Refusals.ExpectAsync(() => bank.EnrollLoanAsync(agreement, tooLarge.Loan), StatusCode.FailedPrecondition, "LEDGER-1279");
        Assert.Contains("per-loan limit", perLoan.Message, StringComparison.Ordinal);
        var total = await Refusals.ExpectAsync(() => bank.EnrollLoanAsync(agreement, overTotal.Loan), StatusCode.FailedPrecondition, "LEDGER-1280");
        Assert.Contains("total limit", total.Message, StringComparison.Ordinal);

        await guarantor.TerminateAgreementAsync(agreement);
        var ended = await Refusals.ExpectAsync(() => bank.EnrollLoanAsync(agreement, afterEnd.Loan), StatusCode.FailedPrecondition, "LEDGER-1275");
        Assert.Contains("not active", ended.Message, StringComparison.Ordinal);

        // Only the enrolled loan is guaranteed: coverage from the agreement, fee = 40,000,000 × 1 %.
        await RiskCluster.WaitIndexedAsync(cluster.GuarantorAsGuarantor, enrolled.BlockNumber);
        var listed = (await guarantor.ListAsync()).Where(g => g.Agreement == agreement).ToList();
        var guarantee = Assert.Single(listed);
        Assert.Equal(within.Loan, guarantee.Loan);
        Assert.Equal(NodeCluster.BankOrg, guarantee.Bank);
        Assert.Equal(8_000, guarantee.CoverageBps);
        Assert.Equal((UInt128)400_000, guarantee.FeeFen);
        Assert.False(guarantee.PaidOut);
    }

    [Fact]
    public async Task ProposeAgreement_ToAMemberThatIsNotABank_RefusedByTheContractWithItsReason()
    {
        var proposal = new AgreementProposal("GX-NOBANK-" + Guid.NewGuid().ToString("N")[..6], RiskCluster.OtherGuarantorOrg, 8_000, 100, 10, 10,
            (ulong)DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds());
        var refused = await Refusals.ExpectAsync(() => cluster.GuarantorAsGuarantor.Guarantees.ProposeAgreementAsync(proposal), StatusCode.FailedPrecondition, "LEDGER-1850");
        Assert.Contains("guarantee.other is not an active bank member", refused.Message, StringComparison.Ordinal);
    }
}
