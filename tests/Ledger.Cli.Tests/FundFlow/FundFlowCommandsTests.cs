using Ledger.Cli.Tests.Loan;
using Ledger.Cli.Tests.Support;

namespace Ledger.Cli.Tests.FundFlow;

/// <summary>
/// `ledger fundflow record | reverse | correct | show`: an R&amp;D loan's spending, recorded by the lending bank and by the
/// tax bureau, drifts above the loan's non-R&amp;D threshold and the ledger says so; a recorder reverses or corrects its own entries.
/// </summary>
[Collection(SharedConsortium.Name)]
public sealed class FundFlowCommandsTests(ConsortiumFixture fixture)
{
    private const string Bank = LendingSetup.Bank;

    [Fact]
    public async Task Record_SpendingThatDriftsToNonRnd_DeviatesAndShowSaysSo()
    {
        var loan = await LendingSetup.NewLoanAsync(fixture, null, "2万", "--purpose", "rnd", "--max-non-rnd", "20%");

        var labour = LendingSetup.Ok(await fixture.RunAsync(
            "fundflow", "record", loan.Reference, "--category", "rnd-labour", "--amount", "1万", "--counterparty", "柳州某研究所", "--document", "PAY-0001", "--org", Bank, "--json"));
        Assert.False(labour.GetProperty("deviated").GetBoolean());
        Assert.Equal(0, labour.GetProperty("nonRndShareBps").GetInt32());
        Assert.Equal(loan.LoanId, labour.GetProperty("loanId").GetString());

        // The tax bureau records from an invoice, by the loan's id, through its own node.
        var invoice = LendingSetup.Ok(await fixture.RunAsync(
            "fundflow", "record", loan.LoanId, "--category", "non-rnd", "--amount", "5000", "--counterparty", "91450200MA5L000000", "--document", "INV-4502-77",
            "--org", LendingSetup.Tax, "--json"));
        Assert.True(invoice.GetProperty("deviated").GetBoolean());
        Assert.Equal(3_333, invoice.GetProperty("nonRndShareBps").GetInt32()); // 5,000 of 15,000 yuan

        var shown = LendingSetup.Ok(await fixture.RunAsync("fundflow", "show", loan.Reference, "--org", Bank, "--json"));
        Assert.True(shown.GetProperty("deviated").GetBoolean());
        Assert.Equal(2, shown.GetProperty("entryCount").GetInt32());
        Assert.Equal(2_000, shown.GetProperty("maxNonRndBps").GetInt32());
        Assert.Equal("1500000", shown.GetProperty("totalFen").GetString());
        Assert.Equal("500000", shown.GetProperty("byCategoryFen").GetProperty("non-rnd").GetString());
        Assert.Equal("1000000", shown.GetProperty("byCategoryFen").GetProperty("rnd-labour").GetString());

        var people = await fixture.RunAsync("fundflow", "show", loan.LoanId, "--org", Bank);
        Assert.True(people.ExitCode == 0, people.ToString());
        Assert.Contains("Deviated", people.Out);
        Assert.Contains("¥15,000.00", people.Out);
    }

    [Fact]
    public async Task Record_TheSameDocumentAgain_ReturnsTheFirstEntry()
    {
        var loan = await LendingSetup.NewLoanAsync(fixture, null, "2万", "--purpose", "rnd", "--max-non-rnd", "30%");
        string[] entry = ["fundflow", "record", loan.Reference, "--category", "rnd-materials", "--amount", "3000", "--counterparty", "supplier", "--document", "PAY-77", "--org", Bank, "--json"];

        var first = LendingSetup.Ok(await fixture.RunAsync(entry));
        var again = LendingSetup.Ok(await fixture.RunAsync(entry));

        Assert.Equal(first.GetProperty("entryIndex").GetInt32(), again.GetProperty("entryIndex").GetInt32());
        var shown = LendingSetup.Ok(await fixture.RunAsync("fundflow", "show", loan.Reference, "--org", Bank, "--json"));
        Assert.Equal(1, shown.GetProperty("entryCount").GetInt32());
    }

    [Fact]
    public async Task ReverseAndCorrect_TheRecordersOwnEntries_UndoTheDriftAndAnotherOrganizationCannot()
    {
        var loan = await LendingSetup.NewLoanAsync(fixture, null, "2万", "--purpose", "rnd", "--max-non-rnd", "20%");
        LendingSetup.Ok(await fixture.RunAsync(
            "fundflow", "record", loan.Reference, "--category", "rnd-labour", "--amount", "1万", "--counterparty", "lab", "--document", "PAY-R1", "--org", Bank, "--json"));
        var drift = LendingSetup.Ok(await fixture.RunAsync(
            "fundflow", "record", loan.Reference, "--category", "non-rnd", "--amount", "5000", "--counterparty", "car dealer", "--document", "PAY-R2", "--org", Bank, "--json"));
        Assert.True(drift.GetProperty("deviated").GetBoolean());

        // The tax bureau did not record PAY-R2: it cannot reverse it.
        var foreign = await fixture.RunAsync("fundflow", "reverse", loan.LoanId, "--document", "PAY-R2", "--reason", "x", "--org", LendingSetup.Tax);
        Assert.Equal(1, foreign.ExitCode);
        Assert.StartsWith("LEDGER-1549: ", foreign.Error);

        var reversed = LendingSetup.Ok(await fixture.RunAsync(
            "fundflow", "reverse", loan.Reference, "--document", "PAY-R2", "--reason", "REFUND-R2", "--org", Bank, "--json"));
        Assert.Equal("reversed", reversed.GetProperty("action").GetString());
        Assert.Equal(drift.GetProperty("entryIndex").GetInt32(), reversed.GetProperty("entryIndex").GetInt32());
        Assert.False(reversed.GetProperty("deviated").GetBoolean());

        var corrected = await fixture.RunAsync(
            "fundflow", "correct", loan.Reference, "--document", "PAY-R1", "--category", "non-rnd", "--amount", "1万", "--counterparty", "lab", "--new-document", "PAY-R1-FIXED", "--org", Bank);
        Assert.True(corrected.ExitCode == 0, corrected.ToString());
        Assert.Contains("corrected: now entry 2", corrected.Out);
        Assert.Contains("Deviated", corrected.Out);

        var shown = LendingSetup.Ok(await fixture.RunAsync("fundflow", "show", loan.Reference, "--org", Bank, "--json"));
        Assert.Equal(3, shown.GetProperty("entryCount").GetInt32());
        Assert.Equal("1000000", shown.GetProperty("totalFen").GetString());
        Assert.Equal("1000000", shown.GetProperty("byCategoryFen").GetProperty("non-rnd").GetString());
        Assert.Equal("0", shown.GetProperty("byCategoryFen").GetProperty("rnd-labour").GetString());
    }

    [Fact]
    public async Task Record_OnAWorkingCapitalLoan_IsRefusedWithExitOne()
    {
        var loan = await LendingSetup.NewLoanAsync(fixture);

        var run = await fixture.RunAsync("fundflow", "record", loan.Reference, "--category", "rnd-labour", "--amount", "100", "--counterparty", "x", "--document", "y", "--org", Bank);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("LEDGER-1291: ", run.Error);
    }

    [Fact]
    public async Task Record_AnUnknownCategory_IsBadInputWithExitTwo()
    {
        var run = await fixture.RunAsync("fundflow", "record", "REF", "--category", "travel", "--amount", "100", "--counterparty", "x", "--document", "y", "--org", Bank);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("rnd-labour", run.Error);
    }
}
