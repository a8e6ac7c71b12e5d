using Ledger.Cli.Tests.Loan;
using Ledger.Cli.Tests.Support;
using Ledger.Core.Model;

namespace Ledger.Cli.Tests.Guarantee;

/// <summary>
/// `ledger guarantee …` (the guarantor's node) with the bank's side in `ledger loan invite-guarantor | accept-agreement
/// | enroll`: a single guarantee after the bank's invitation and its payout on default, and a batch agreement (总对总).
/// </summary>
[Collection(SharedConsortium.Name)]
public sealed class GuaranteeCommandsTests(ConsortiumFixture fixture)
{
    private const string Bank = LendingSetup.Bank;
    private const string Guarantor = LendingSetup.Guarantor;

    [Fact]
    public async Task GuaranteeLoan_AfterTheBanksInvitation_ThenDefault_PaysTheLossTimesTheCoverage()
    {
        var loan = await LendingSetup.NewLoanAsync(fixture, amount: "20000");

        // Before the bank invites it, the guarantor cannot guarantee: a step the bank has not taken.
        var early = await fixture.RunAsync("guarantee", "loan", loan.LoanId, "--coverage", "70%", "--org", Guarantor);
        Assert.Equal(1, early.ExitCode);
        Assert.StartsWith("LEDGER-1266: ", early.Error);
        Assert.Contains(Bank, early.Error);

        // The bank's terms: at least 60 % coverage, at most 300 yuan fee; a guarantee outside them is refused.
        var invited = LendingSetup.Ok(await fixture.RunAsync(
            "loan", "invite-guarantor", loan.Reference, "--guarantor", Guarantor, "--min-coverage", "60%", "--max-fee", "300", "--org", Bank, "--json"));
        Assert.Equal(loan.LoanId, invited.GetProperty("loanId").GetString());
        Assert.Equal(6_000, invited.GetProperty("minCoverageBps").GetInt32());
        Assert.Equal("30000", invited.GetProperty("maxFeeFen").GetString());
        Assert.True(invited.GetProperty("tx").GetProperty("block").GetUInt64() > 0);
        var outside = await fixture.RunAsync("guarantee", "loan", loan.LoanId, "--coverage", "70", "--fee", "400", "--org", Guarantor);
        Assert.Equal(1, outside.ExitCode);
        Assert.StartsWith("LEDGER-1851: ", outside.Error);
        var guaranteed = LendingSetup.Ok(await fixture.RunAsync("guarantee", "loan", loan.LoanId, "--coverage", "70", "--fee", "200", "--org", Guarantor, "--json"));
        Assert.Equal(7_000, guaranteed.GetProperty("coverageBps").GetInt32());
        Assert.Equal("20000", guaranteed.GetProperty("feeFen").GetString());

        var held = await LendingSetup.EventuallyAsync(async () =>
        {
            var list = LendingSetup.Ok(await fixture.RunAsync("guarantee", "list", "--enterprise", loan.Borrower.EnterpriseHash, "--org", Guarantor, "--json"));
            var items = list.GetProperty("guarantees").EnumerateArray().ToList();
            return items.Count == 1 ? items : null;
        }, "the guarantee in the guarantor's list");
        Assert.Equal(loan.LoanId, held[0].GetProperty("loanId").GetString());
        Assert.Equal(Bank, held[0].GetProperty("bank").GetString());
        Assert.False(held[0].GetProperty("paidOut").GetBoolean());

        LendingSetup.Ok(await fixture.RunAsync("loan", "overdue", loan.Reference, "--days", "90", "--amount", "20000", "--org", Bank, "--json"));
        LendingSetup.Ok(await fixture.RunAsync("loan", "default", loan.Reference, "--loss", "10000", "--org", Bank, "--json"));
        // 1,000,000 fen of loss × 70 % coverage = 700,000 owed, paid in two instalments: 1,000 yuan, then the rest.
        var first = LendingSetup.Ok(await fixture.RunAsync("guarantee", "payout", loan.LoanId, "--amount", "1000", "--org", Guarantor, "--json"));
        Assert.Equal(("100000", "100000", "700000"), (first.GetProperty("payoutFen").GetString(), first.GetProperty("paidFen").GetString(), first.GetProperty("obligationFen").GetString()));
        var payout = LendingSetup.Ok(await fixture.RunAsync("guarantee", "payout", loan.LoanId, "--org", Guarantor, "--json"));
        Assert.Equal("600000", payout.GetProperty("payoutFen").GetString());
        Assert.Equal("700000", payout.GetProperty("paidFen").GetString());
        // Paid in full: anything more is the contract's refusal, and nothing is paid twice.
        var again = await fixture.RunAsync("guarantee", "payout", loan.LoanId, "--org", Guarantor);
        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith("LEDGER-1268: ", again.Error);
        var other = await fixture.RunAsync("guarantee", "payout", loan.LoanId, "--amount", "100", "--org", Guarantor);
        Assert.Equal(1, other.ExitCode);
        Assert.StartsWith("LEDGER-1268: ", other.Error);
        var paid = await LendingSetup.EventuallyAsync(async () =>
        {
            var list = await fixture.RunAsync("guarantee", "list", "--enterprise", loan.Borrower.EnterpriseHash, "--org", Guarantor);
            return list.ExitCode == 0 && list.Out.Contains("¥7,000.00", StringComparison.Ordinal) ? list : null;
        }, "the payout in the guarantor's list");
        Assert.Contains(CliParse.Abbreviate(loan.Borrower.EnterpriseHash), paid.Out);
    }

    [Fact]
    public async Task BatchAgreement_ProposedAcceptedAndEnrolled_ThenTerminated_RefusesFurtherEnrolment()
    {
        var reference = "GX-TOTAL-" + Guid.NewGuid().ToString("N")[..10];
        var proposed = LendingSetup.Ok(await fixture.RunAsync(
            "guarantee", "propose-agreement", reference, "--bank", Bank, "--coverage", "80%", "--fee-rate", "1.5%",
            "--per-loan-limit", "5万", "--total-limit", "50万", "--valid-days", "90", "--org", Guarantor, "--json"));
        var agreement = proposed.GetProperty("agreementId").GetString()!;
        Assert.Equal(AgreementId.FromReference(OrgId.FromCode(Guarantor), reference).ToString(), agreement);
        Assert.Equal(150, proposed.GetProperty("feeBps").GetInt32());
        Assert.Equal("5000000", proposed.GetProperty("perLoanLimitFen").GetString());

        LendingSetup.Ok(await fixture.RunAsync("loan", "accept-agreement", agreement, "--org", Bank, "--json"));
        var first = await LendingSetup.NewLoanAsync(fixture, amount: "1万");
        var enrolled = LendingSetup.Ok(await fixture.RunAsync("loan", "enroll", first.Reference, "--agreement", agreement, "--org", Bank, "--json"));
        Assert.Equal(first.LoanId, enrolled.GetProperty("loanId").GetString());

        var held = await LendingSetup.EventuallyAsync(async () =>
        {
            var list = LendingSetup.Ok(await fixture.RunAsync("guarantee", "list", "--enterprise", first.Borrower.EnterpriseHash, "--org", Guarantor, "--json"));
            var items = list.GetProperty("guarantees").EnumerateArray().ToList();
            return items.Count == 1 ? items : null;
        }, "the enrolled loan in the guarantor's list");
        Assert.Equal(agreement, held[0].GetProperty("agreementId").GetString());
        Assert.Equal(8_000, held[0].GetProperty("coverageBps").GetInt32());
        Assert.Equal("15000", held[0].GetProperty("feeFen").GetString()); // 1,000,000 fen × 1.5 %

        // Terminated by its reference: no more loans.
        LendingSetup.Ok(await fixture.RunAsync("guarantee", "terminate", reference, "--org", Guarantor, "--json"));
        var second = await LendingSetup.NewLoanAsync(fixture, amount: "1万");
        var refused = await fixture.RunAsync("loan", "enroll", second.Reference, "--agreement", agreement, "--org", Bank);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("LEDGER-1275: ", refused.Error);
    }

    [Theory]
    [InlineData("guarantee", "loan", "REF-1", "--coverage", "70")]
    [InlineData("guarantee", "loan", "0x00000000000000000000000000000000000000000000000000000000000000aa", "--coverage", "170%")]
    [InlineData("guarantee", "propose-agreement", "R", "--bank", Bank, "--coverage", "80", "--per-loan-limit", "9万", "--total-limit", "5万")]
    [InlineData("guarantee", "terminate", "0xabc")]
    public async Task MalformedArguments_AreLedger1660WithExitTwo(params string[] args)
    {
        var run = await fixture.RunAsync([.. args, "--org", Guarantor]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1660: ", run.Error);
    }
}
