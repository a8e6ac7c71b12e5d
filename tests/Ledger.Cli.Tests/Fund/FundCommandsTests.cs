using Ledger.Cli.Tests.Loan;
using Ledger.Cli.Tests.Support;
using Ledger.Core.Model;

namespace Ledger.Cli.Tests.Fund;

/// <summary>
/// `ledger fund …` (the regulator's node) with the bank's `ledger loan claim`: a risk-compensation fund is created and
/// topped up, a defaulted loan's claim is approved (the chain pays net loss × ratio) or rejected.
/// </summary>
[Collection(SharedConsortium.Name)]
public sealed class FundCommandsTests(ConsortiumFixture fixture)
{
    private const string Bank = LendingSetup.Bank;
    private const string Regulator = LendingSetup.Regulator;

    [Fact]
    public async Task Create_ThenTopUpByReference_ShowsTheFundsBalanceRatioAndProducts()
    {
        var reference = "LZ-RCF-" + Guid.NewGuid().ToString("N")[..10];

        var created = LendingSetup.Ok(await fixture.RunAsync(
            "fund", "create", reference, "--ratio", "50%", "--balance", "100万", "--products", "SHUIYIDAI,YINSHUIDAI", "--org", Regulator, "--json"));

        var fund = created.GetProperty("fundId").GetString()!;
        Assert.Equal(FundId.FromReference(OrgId.FromCode(Regulator), reference).ToString(), fund);
        Assert.Equal(5_000, created.GetProperty("ratioBps").GetInt32());
        Assert.Equal("100000000", created.GetProperty("balanceFen").GetString());
        var topped = LendingSetup.Ok(await fixture.RunAsync("fund", "top-up", reference, "--amount", "10万", "--org", Regulator, "--json"));
        Assert.Equal("110000000", topped.GetProperty("balanceFen").GetString());
        var shown = await LendingSetup.EventuallyAsync(async () =>
        {
            var run = await fixture.RunAsync("fund", "show", fund, "--org", Regulator);
            return run.ExitCode == 0 && run.Out.Contains("YINSHUIDAI", StringComparison.Ordinal) ? run : null;
        }, "the fund's products in the regulator's index");
        Assert.Contains("¥1,100,000.00", shown.Out);
        Assert.Contains("50% of the net loss", shown.Out);
    }

    [Fact]
    public async Task Claim_OnADefaultedLoan_ApprovedByTheRegulator_PaysNetLossTimesRatio()
    {
        var fund = await NewFundAsync("40%");
        var loan = await DefaultedLoanAsync("1万");

        var filed = LendingSetup.Ok(await fixture.RunAsync("loan", "claim", loan.Reference, "--fund", fund, "--org", Bank, "--json"));
        Assert.True(filed.GetProperty("filed").GetBoolean());
        var listed = await LendingSetup.EventuallyAsync(async () =>
        {
            var claims = LendingSetup.Ok(await fixture.RunAsync("fund", "claims", fund, "--org", Regulator, "--json")).GetProperty("claims").EnumerateArray().ToList();
            return claims.Count == 1 ? claims : null;
        }, "the filed claim in the regulator's list");
        Assert.Equal("filed", listed[0].GetProperty("status").GetString());
        Assert.Equal(loan.LoanId, listed[0].GetProperty("loanId").GetString());

        var approved = LendingSetup.Ok(await fixture.RunAsync("fund", "approve", loan.LoanId, "--org", Regulator, "--json"));

        // No guarantee: the net loss is the whole 1,000,000 fen; 40 % of it.
        Assert.Equal("paid", approved.GetProperty("status").GetString());
        Assert.Equal("1000000", approved.GetProperty("netLossFen").GetString());
        Assert.Equal("400000", approved.GetProperty("payoutFen").GetString());
        var after = LendingSetup.Ok(await fixture.RunAsync("fund", "show", fund, "--org", Regulator, "--json"));
        Assert.Equal("400000", after.GetProperty("paidFen").GetString());
        Assert.Equal("99600000", after.GetProperty("balanceFen").GetString());
        // Paid in full, the claim is no longer filed: approving again is refused, nothing is paid twice.
        var twice = await fixture.RunAsync("fund", "approve", loan.LoanId, "--fund", fund, "--org", Regulator);
        Assert.Equal(1, twice.ExitCode);
        Assert.StartsWith("LEDGER-1287: ", twice.Error);
        var still = LendingSetup.Ok(await fixture.RunAsync("fund", "show", fund, "--org", Regulator, "--json"));
        Assert.Equal("400000", still.GetProperty("paidFen").GetString());
    }

    [Fact]
    public async Task Claim_Rejected_IsRejectedWithNothingPaid()
    {
        var fund = await NewFundAsync("30%");
        var loan = await DefaultedLoanAsync("1万");
        LendingSetup.Ok(await fixture.RunAsync("loan", "claim", loan.LoanId, "--fund", fund, "--org", Bank, "--json"));

        var rejected = LendingSetup.Ok(await fixture.RunAsync("fund", "reject", loan.LoanId, "--reason", "7", "--org", Regulator, "--json"));

        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Equal("0", rejected.GetProperty("payoutFen").GetString());
        var people = await fixture.RunAsync("fund", "show", fund, "--org", Regulator);
        Assert.Contains("¥0.00", people.Out);
    }

    [Fact]
    public async Task Claim_OnALoanThatHasNotDefaulted_IsRefusedWithExitOne()
    {
        var fund = await NewFundAsync("50%");
        var loan = await LendingSetup.NewLoanAsync(fixture);

        var run = await fixture.RunAsync("loan", "claim", loan.Reference, "--fund", fund, "--org", Bank, "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("LEDGER-1285: ", run.Error);
        Assert.Equal(1, run.Json().GetProperty("error").GetProperty("exitCode").GetInt32());
    }

    [Theory]
    [InlineData("100%")]
    [InlineData("0")]
    [InlineData("33.333")]
    public async Task Create_WithARatioOutsideZeroToHundredPercent_IsBadInputWithExitTwo(string ratio)
    {
        var run = await fixture.RunAsync("fund", "create", "R-" + Guid.NewGuid().ToString("N")[..8], "--ratio", ratio, "--balance", "1万", "--products", "SHUIYIDAI", "--org", Regulator);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1660: ", run.Error);
    }

    [Fact]
    public async Task Create_AsABank_IsRefusedByTheRegulatorsNodeWithExitOne()
    {
        var regulatorNode = fixture.Consortium[Regulator].Url;

        var run = await fixture.RunAsync("fund", "create", "R-" + Guid.NewGuid().ToString("N")[..8], "--ratio", "50", "--balance", "1万", "--products", "SHUIYIDAI",
            "--org", Bank, "--node", regulatorNode);

        Assert.Equal(1, run.ExitCode);
        Assert.Matches("^LEDGER-151[67]: ", run.Error);
    }

    private async Task<string> NewFundAsync(string ratio)
    {
        var created = LendingSetup.Ok(await fixture.RunAsync(
            "fund", "create", "LZ-RCF-" + Guid.NewGuid().ToString("N")[..10], "--ratio", ratio, "--balance", "100万", "--products", "SHUIYIDAI,YINSHUIDAI", "--org", Regulator, "--json"));
        return created.GetProperty("fundId").GetString()!;
    }

    private async Task<DisbursedLoan> DefaultedLoanAsync(string loss)
    {
        var loan = await LendingSetup.NewLoanAsync(fixture, amount: "2万");
        LendingSetup.Ok(await fixture.RunAsync("loan", "overdue", loan.Reference, "--days", "120", "--amount", "2万", "--org", Bank, "--json"));
        LendingSetup.Ok(await fixture.RunAsync("loan", "default", loan.Reference, "--loss", loss, "--org", Bank, "--json"));
        return loan;
    }
}
