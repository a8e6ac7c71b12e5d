using System.Text;
using System.Text.Json;
using Ledger.Cli.Tests.Loan;
using Ledger.Cli.Tests.Support;

namespace Ledger.Cli.Tests.Alerts;

/// <summary>
/// `ledger alerts watch`: the bank's node streams the alerts of the enterprises the bank is exposed to — as JSON lines
/// for scripts, as lines for people until Ctrl-C — and refuses members that may not subscribe.
/// </summary>
[Collection(SharedConsortium.Name)]
public sealed class AlertsCommandsTests(ConsortiumFixture fixture)
{
    private const string Bank = LendingSetup.Bank;

    [Fact]
    public async Task Watch_FromTheStart_ForOneEnterprise_StreamsItsOverdueAndDefaultAsJsonLines()
    {
        var loan = await LendingSetup.NewLoanAsync(fixture, amount: "2万");
        LendingSetup.Ok(await fixture.RunAsync("loan", "overdue", loan.Reference, "--days", "45", "--amount", "3000", "--org", Bank, "--json"));
        LendingSetup.Ok(await fixture.RunAsync("loan", "default", loan.Reference, "--loss", "15000", "--org", Bank, "--json"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        // --after 0 replays what the node keeps; --count ends the watch once both alerts arrived (they are raised as the
        // bank node indexes the events, so the watch may wait for them).
        var run = await CliRunner.RunAsync(
            ["alerts", "watch", "--after", "0", "--enterprise", loan.Borrower.EnterpriseHash, "--kinds", "overdue-repayment,default", "--count", "2", "--org", Bank, "--json"],
            fixture.Environment(), cancellationToken: timeout.Token);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var alerts = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(new[] { "overdue-repayment", "default" }, alerts.Select(a => a.GetProperty("kind").GetString()).ToArray());
        Assert.All(alerts, a => Assert.Equal(loan.LoanId, a.GetProperty("loanId").GetString()));
        Assert.All(alerts, a => Assert.Equal(loan.Borrower.EnterpriseHash, a.GetProperty("enterpriseHash").GetString()));
        Assert.True(string.CompareOrdinal(alerts[0].GetProperty("id").GetString(), alerts[1].GetProperty("id").GetString()) < 0, "alerts come in id order");
        Assert.Contains("Watching the alerts of " + Bank, run.Error);
    }

    [Fact]
    public async Task Watch_Live_ShowsANewAlertAsItHappens_AndCtrlCEndsItWithExitZero()
    {
        var loan = await LendingSetup.NewLoanAsync(fixture);
        using var output = new LockedWriter();
        using var error = new LockedWriter();
        using var ctrlC = new CancellationTokenSource();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            Variable = name => fixture.Environment().TryGetValue(name, out var value) ? value : null,
            WorkingDirectory = fixture.Dir,
        };
        var watch = LedgerCli.RunAsync(["alerts", "watch", "--enterprise", loan.Borrower.EnterpriseHash, "--org", Bank], environment, ctrlC.Token);
        await LendingSetup.EventuallyAsync(() => Task.FromResult(output.Text.Contains("Watching", StringComparison.Ordinal) ? "" : null), "the watch to be accepted");

        LendingSetup.Ok(await fixture.RunAsync("loan", "overdue", loan.Reference, "--days", "7", "--amount", "800", "--org", Bank, "--json"));
        await LendingSetup.EventuallyAsync(() => Task.FromResult(output.Text.Contains("overdue-repayment", StringComparison.Ordinal) ? "" : null), "the live alert");
        ctrlC.Cancel();
        var exit = await watch.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, $"exit {exit}\n{output.Text}\n{error.Text}");
        Assert.Contains("Stopped after 1 alert(s).", output.Text);
        Assert.Equal("", error.Text);
    }

    [Fact]
    public async Task Watch_AsTheRegulator_IsRefusedWithItsReasonAndExitOne()
    {
        var bankNode = fixture.Consortium[Bank].Url;

        var run = await fixture.RunAsync("alerts", "watch", "--org", LendingSetup.Regulator, "--node", bankNode, "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("LEDGER-1516: ", run.Error);
        Assert.Equal("LEDGER-1516", run.Json().GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("--kinds", "earthquake")]
    [InlineData("--after", "yesterday")]
    [InlineData("--enterprise", "0x1234")]
    public async Task Watch_MalformedFilters_AreBadInputWithExitTwo(string option, string value)
    {
        var run = await fixture.RunAsync("alerts", "watch", option, value, "--org", Bank);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1660: ", run.Error);
    }

    /// <summary>A writer the watch writes to while the test reads it.</summary>
    private sealed class LockedWriter : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_text)
            {
                _text.Append(buffer, index, count);
            }
        }
    }
}
