using Ledger.Cli.Tests.Support;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Cli.Tests.Loan;

/// <summary>
/// `ledger loan …` through the command tree against the shared consortium: a bank decides on consented data, disburses,
/// records repayments, overdue, current and default, and reads its loans — by id or by its own reference.
/// </summary>
[Collection(SharedConsortium.Name)]
public sealed class LoanCommandsTests(ConsortiumFixture fixture)
{
    private const string Bank = LendingSetup.Bank;

    [Fact]
    public async Task Decide_OnAConsentedEnterprise_RecordsAnApprovedDecisionWithItsFactorsAndReasons()
    {
        var borrower = await LendingSetup.NewBorrowerAsync(fixture);

        var run = await fixture.RunAsync("loan", "decide", "--consent", borrower.ConsentId, "--org", Bank, "--json");

        var decision = LendingSetup.Ok(run);
        Assert.True(decision.GetProperty("approved").GetBoolean());
        Assert.Matches("^0x[0-9a-f]{64}$", decision.GetProperty("decisionHash").GetString());
        Assert.Equal(borrower.EnterpriseHash, decision.GetProperty("enterpriseHash").GetString());
        Assert.Equal(borrower.ConsentId, decision.GetProperty("consentId").GetString());
        Assert.True(UInt128.Parse(decision.GetProperty("limitFen").GetString()!) >= 1_000_000, "at least the smallest product's minimum limit");
        Assert.True(decision.GetProperty("rateBps").GetUInt32() > 0);
        Assert.NotEmpty(decision.GetProperty("factors").EnumerateArray());
        Assert.NotEmpty(decision.GetProperty("reasons").EnumerateArray());
        Assert.True(decision.GetProperty("tx").GetProperty("block").GetUInt64() > 0);

        // For people: the verdict and the factor table.
        var people = await fixture.RunAsync("loan", "decide", "--consent", borrower.ConsentId, "--org", Bank);
        Assert.True(people.ExitCode == 0, people.ToString());
        Assert.Contains("Approved", people.Out);
        Assert.Contains("Factor", people.Out);
    }

    [Fact]
    public async Task Disburse_ThenRepayInFull_ByReference_LeavesTheLoanRepaidAndListed()
    {
        var loan = await LendingSetup.NewLoanAsync(fixture, amount: "1.5万");

        Assert.Equal((UInt128)1_500_000, loan.AmountFen);
        Assert.Equal(LoanId.FromReference(OrgId.FromCode(Bank), loan.Reference).ToString(), loan.LoanId);
        var shown = LendingSetup.Ok(await fixture.RunAsync("loan", "show", loan.Reference, "--org", Bank, "--json"));
        Assert.Equal(loan.LoanId, shown.GetProperty("loanId").GetString());
        Assert.Equal("active", shown.GetProperty("status").GetString());
        Assert.Equal("1500000", shown.GetProperty("outstandingFen").GetString());
        Assert.Equal(loan.Decision.GetProperty("decisionHash").GetString(), shown.GetProperty("decisionHash").GetString());

        // Typed in 万, the amounts come back with their 万 form beside the yuan.
        var part = await fixture.RunAsync("loan", "repay", loan.Reference, "--principal", "0.5万", "--interest", "120.50", "--org", Bank);
        Assert.True(part.ExitCode == 0, part.ToString());
        Assert.Contains("Repayment of ¥5,000.00 recorded", part.Out, StringComparison.Ordinal);
        Assert.Matches(@"outstanding\s+¥10,000\.00 \(1万\)", part.Out);
        Assert.Matches(@"amount\s+¥15,000\.00 \(1\.5万\)", part.Out);
        var rest = LendingSetup.Ok(await fixture.RunAsync("loan", "repay", loan.LoanId, "--principal", "1000000fen", "--org", Bank, "--json"));
        Assert.Equal("0", rest.GetProperty("outstandingFen").GetString());
        Assert.Equal("repaid", rest.GetProperty("status").GetString());

        // The list reads the node's chain index, which follows the chain within a polling interval.
        var listed = await LendingSetup.EventuallyAsync(async () =>
        {
            var run = await fixture.RunAsync("loan", "list", "--enterprise", loan.Borrower.EnterpriseHash, "--status", "repaid", "--org", Bank, "--json");
            var loans = LendingSetup.Ok(run).GetProperty("loans").EnumerateArray().ToList();
            return loans.Count == 1 ? loans : null;
        }, "the repaid loan in the bank's list");
        Assert.Equal(loan.LoanId, listed[0].GetProperty("loanId").GetString());

        var table = await fixture.RunAsync("loan", "list", "--enterprise", loan.Borrower.EnterpriseHash, "--org", Bank);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(loan.LoanId, table.Out);
        Assert.Contains("repaid", table.Out);
        // The enterprise by the names people know it by: the tax node resolves them for a bank its consent names.
        foreach (var known in new[] { loan.Borrower.Taxpayer.CreditCode.Value, loan.Borrower.Taxpayer.Name })
        {
            var byName = LendingSetup.Ok(await fixture.RunAsync("loan", "list", "--enterprise", known, "--org", Bank, "--json"));
            Assert.Equal(loan.LoanId, Assert.Single(byName.GetProperty("loans").EnumerateArray()).GetProperty("loanId").GetString());
        }
        var notEntitled = await fixture.RunAsync("loan", "list", "--enterprise", loan.Borrower.Taxpayer.CreditCode.Value, "--org", "bank.icbc.liuzhou");
        Assert.Equal(1, notEntitled.ExitCode);
        Assert.StartsWith("LEDGER-1523: ", notEntitled.Error, StringComparison.Ordinal);

        var csv = await fixture.RunAsync("loan", "list", "--enterprise", loan.Borrower.EnterpriseHash, "--org", Bank, "--csv");
        Assert.True(csv.ExitCode == 0, csv.ToString());
        var lines = csv.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Loan,Reference,", lines[0], StringComparison.Ordinal);
        var row = Assert.Single(lines[1..]);
        Assert.Contains(loan.Reference, row, StringComparison.Ordinal);
        Assert.Contains("\"¥15,000.00\"", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overdue_Current_Default_MoveTheLoanThroughItsStatuses()
    {
        var loan = await LendingSetup.NewLoanAsync(fixture, amount: "20000");

        var overdue = LendingSetup.Ok(await fixture.RunAsync("loan", "overdue", loan.Reference, "--days", "31", "--amount", "2000", "--org", Bank, "--json"));
        Assert.Equal("overdue", overdue.GetProperty("status").GetString());
        var current = LendingSetup.Ok(await fixture.RunAsync("loan", "current", loan.Reference, "--org", Bank, "--json"));
        Assert.Equal("active", current.GetProperty("status").GetString());
        LendingSetup.Ok(await fixture.RunAsync("loan", "overdue", loan.Reference, "--days", "95", "--amount", "20000", "--org", Bank, "--json"));
        var defaulted = LendingSetup.Ok(await fixture.RunAsync("loan", "default", loan.Reference, "--loss", "18000", "--org", Bank, "--json"));

        Assert.Equal("defaulted", defaulted.GetProperty("status").GetString());
        Assert.Equal("1800000", defaulted.GetProperty("lossFen").GetString());
        var people = await fixture.RunAsync("loan", "show", loan.LoanId, "--org", Bank);
        Assert.True(people.ExitCode == 0, people.ToString());
        Assert.Contains("defaulted", people.Out);
        Assert.Contains("¥18,000.00", people.Out);
    }

    [Fact]
    public async Task Disburse_AboveTheDecisionsLimit_IsRefusedWithExitOneAndNoLoan()
    {
        var borrower = await LendingSetup.NewBorrowerAsync(fixture);
        var decision = LendingSetup.Ok(await fixture.RunAsync("loan", "decide", "--consent", borrower.ConsentId, "--org", Bank, "--json"));
        var above = UInt128.Parse(decision.GetProperty("limitFen").GetString()!) + 1;

        var run = await fixture.RunAsync("loan", "disburse", "--decision", decision.GetProperty("decisionHash").GetString()!, "--reference", "CCB-OVER-LIMIT-" + Guid.NewGuid().ToString("N")[..8],
            "--amount", $"{above}fen", "--org", Bank, "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("LEDGER-1541: ", run.Error);
        Assert.Equal("LEDGER-1541", run.Json().GetProperty("error").GetProperty("code").GetString());
        var none = await fixture.RunAsync("loan", "list", "--enterprise", borrower.EnterpriseHash, "--org", Bank, "--json");
        Assert.Empty(LendingSetup.Ok(none).GetProperty("loans").EnumerateArray());
    }

    [Fact]
    public async Task Repay_MoreThanOutstanding_IsTheContractsInvalidArgumentWithExitTwo()
    {
        var loan = await LendingSetup.NewLoanAsync(fixture);

        var run = await fixture.RunAsync("loan", "repay", loan.Reference, "--principal", "2万", "--org", Bank);

        // LoanRepaymentExceedsOutstanding is INVALID_ARGUMENT: the amount given was unusable (docs/errors.md).
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1261: ", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public async Task Show_AnUnknownLoan_IsNotFoundWithExitOne()
    {
        var run = await fixture.RunAsync("loan", "show", "NO-SUCH-LOAN-" + Guid.NewGuid().ToString("N"), "--org", Bank, "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Matches("^LEDGER-1(546|259): ", run.Error);
    }

    [Fact]
    public async Task Disburse_AnRndLoanWithoutItsThreshold_IsBadInputWithExitTwo()
    {
        var run = await fixture.RunAsync("loan", "disburse", "--decision", Keccak.Hash("any").ToString(), "--reference", "X", "--amount", "1万", "--purpose", "rnd", "--org", Bank);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1660: ", run.Error);
        Assert.Contains("--max-non-rnd", run.Error);
    }

    [Theory]
    [InlineData("loan", "decide", "--consent", "0x12")]
    [InlineData("loan", "repay", "0x1234", "--principal", "1")]
    [InlineData("loan", "repay", "REF-1", "--principal", "12.345")]
    [InlineData("loan", "repay", "REF-1", "--principal", "abc")]
    [InlineData("loan", "overdue", "REF-1", "--days", "0", "--amount", "1")]
    [InlineData("loan", "list", "--status", "sleeping")]
    [InlineData("loan", "claim", "REF-1", "--fund", "PROGRAMME-1")]
    public async Task MalformedArguments_AreLedger1660WithExitTwo(params string[] args)
    {
        var run = await fixture.RunAsync([.. args, "--org", Bank, "--json"]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1660: ", run.Error);
        Assert.Equal("LEDGER-1660", run.Json().GetProperty("error").GetProperty("code").GetString());
    }
}
