using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Ledger.Chain.Profiles;
using Ledger.Cli.Tests.Support;
using Ledger.Core.Model;
using Ledger.Core.TaxData;
using Ledger.Local;

namespace Ledger.Cli.Tests.Ops;

/// <summary>
/// A supervised consortium (what `ledger up` runs) with real processes: a tax node killed with SIGKILL comes back on
/// its port with its data; a node that keeps dying is given up on and restarted by hand through `ledger node restart`;
/// an anvil chain killed while writing its state file comes back on its port from the last complete copy; the
/// description always names the live processes; and a hardhat chain that dies stops the consortium with LEDGER-1657.
/// </summary>
public sealed class SupervisionTests : IAsyncLifetime
{
    private const string Org = "tax.ops";
    // Generous: on two shared cores under load a node can take minutes to start; these bound waits, they time nothing.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan NodeStartTimeout = TimeSpan.FromMinutes(5);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ledger-ops-supervision", Guid.NewGuid().ToString("N")[..12]);
    private readonly string _password = "ops-" + Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<SupervisionEvent> _events = new();
    private readonly List<int> _killed = [];
    private LocalConsortium? _consortium;

    private string DescriptionFile => Path.Combine(_dir, "consortium.json");

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task KilledNodeAndChain_AreReportedAndComeBackWithTheirData_AGivenUpNodeRestartsByHand()
    {
        var consortium = _consortium = await LocalConsortium.StartAsync(new LocalConsortiumOptions
        {
            Chain = ChainKind.Anvil,
            WorkDir = Path.Combine(_dir, "local"),
            Nodes = [new LocalNodeSpec(Role.TaxBureau, Org, "税务局")],
            KeyStorePassword = _password,
            NodeStartTimeout = NodeStartTimeout,
        });
        var tax = consortium[Org];
        var taxpayer = SyntheticTaxpayers.Generate(1, 77, DateOnly.FromDateTime(DateTime.UtcNow))[0];
        using (var connection = await consortium.ConnectAsync(Org))
        {
            Assert.Equal(1, (await connection.Tax.ImportTaxDataAsync("jsonl", Encoding.UTF8.GetBytes(TaxpayerImport.ToJsonLine(taxpayer)))).Imported);
        }
        // One automatic restart in the window, so the second death is given up on.
        consortium.Supervise(new SupervisionOptions { MaxRestarts = 1, ChainStateSnapshotInterval = TimeSpan.FromSeconds(1) }, DescriptionFile, _events.Enqueue);
        var first = Described().Node(Org)!;
        Assert.Equal(tax.ProcessId, first.ProcessId);
        Assert.Equal("running", first.State);

        // 1. SIGKILL: reported at once, restarted on the same port, with its data.
        var firstPid = KillNine(first.ProcessId!.Value);
        var ready = await UntilAsync(() => _events.FirstOrDefault(e => e.Subject == Org && e.Kind == SupervisionEventKind.Restarted), "the node to come back");
        var restarted = Described().Node(Org)!;
        Assert.Equal(("running", ready.ProcessId), (restarted.State, restarted.ProcessId));
        Assert.NotEqual(firstPid, restarted.ProcessId);
        Assert.True(LocalProcesses.IsAlive(restarted.ProcessId!.Value));
        Assert.Contains(_events, e => e.Subject == Org && e.Kind == SupervisionEventKind.Exited && e.ProcessId == firstPid && e.Message.Contains("SIGKILL", StringComparison.Ordinal));
        Assert.Equal(first.Url, restarted.Url);
        Assert.Equal(1, restarted.Restarts);
        Assert.Equal(tax.ProcessId, restarted.ProcessId);
        await AssertStillHoldsAsync(consortium, taxpayer);

        // 2. It dies again within the window: given up (LEDGER-1658), and the description says so, with no process.
        var secondPid = KillNine(restarted.ProcessId!.Value);
        var givenUp = await UntilAsync(() => Described().Node(Org) is { State: "given-up" } node ? node : null, "the supervisor to give up");
        Assert.Null(givenUp.ProcessId);
        Assert.Contains(_events, e => e.Subject == Org && e.Kind == SupervisionEventKind.GaveUp && e.Code == LocalErrors.NodeGivenUpCode);
        Assert.False(tax.IsRunning);

        // 3. `ledger node restart` (another command, through the control folder) brings it back, still supervised.
        var run = await CliRunner.RunAsync(["node", "restart", Org, "--json"], Environment());
        Assert.True(run.ExitCode == 0, $"{run}\n{string.Join('\n', _events)}");
        var newPid = run.Json().GetProperty("processId").GetInt32();
        Assert.NotEqual(secondPid, newPid);
        Assert.True(LocalProcesses.IsAlive(newPid));
        var byHand = Described().Node(Org)!;
        Assert.Equal(("running", newPid, 2), (byHand.State, byHand.ProcessId, byHand.Restarts));
        Assert.Equal(newPid, tax.ProcessId);
        await AssertStillHoldsAsync(consortium, taxpayer);

        // 4. The anvil chain dies while writing its state file (frozen, the file cut in half, then SIGKILL): it comes
        // back on the same URL from the supervisor's last complete copy, with the member, and the damaged file is kept.
        var chain = Described().Chain;
        var stateFile = chain.StateFile!;
        var admittedAt = (await new MemberDirectory(consortium.Chain.Rpc, consortium.Deployment).ListAsync()).Block;
        var marker = DateTime.UtcNow;
        var lastGood = AnvilStateFiles.LastGood(stateFile);
        await UntilAsync(() => File.Exists(lastGood) && File.GetLastWriteTimeUtc(lastGood) > marker ? "" : null, "a complete copy of anvil's state");
        Signal("STOP", chain.ProcessId!.Value);
        await using (var half = new FileStream(stateFile, FileMode.Open, FileAccess.Write))
        {
            half.SetLength(half.Length / 2);
        }
        Assert.False(AnvilStateFiles.IsComplete(stateFile));
        var chainPid = KillNine(chain.ProcessId!.Value);
        var chainReady = await UntilAsync(() => _events.FirstOrDefault(e => e.Subject == SupervisionEvent.ChainSubject && e.Kind == SupervisionEventKind.Restarted), "the chain to come back");
        var back = Described().Chain;
        Assert.Equal(("running", chainReady.ProcessId), (back.State, back.ProcessId));
        Assert.NotEqual(chainPid, back.ProcessId);
        Assert.True(LocalProcesses.IsAlive(back.ProcessId!.Value));
        Assert.Equal(chain.RpcUrl, back.RpcUrl);
        Assert.Equal(1, back.Restarts);
        Assert.Contains(_events, e => e.Subject == SupervisionEvent.ChainSubject && e.Kind == SupervisionEventKind.Exited && e.ProcessId == chainPid);
        Assert.Contains("cut short", chainReady.Message);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(stateFile)!, Path.GetFileName(stateFile) + ".damaged-*"));
        var (members, block) = await new MemberDirectory(consortium.Chain.Rpc, consortium.Deployment).ListAsync();
        Assert.Equal(Org, Assert.Single(members).Org.Code);
        Assert.True(block >= admittedAt, $"the chain came back at block {block}, before the member's block {admittedAt}");
        // The node never stopped; it still answers as its member.
        Assert.Equal(newPid, Described().Node(Org)!.ProcessId);
        await AssertStillHoldsAsync(consortium, taxpayer);

        // Every event is in the work folder's supervisor.log too.
        var log = await File.ReadAllTextAsync(Path.Combine(consortium.WorkDir, "supervisor.log"));
        Assert.Contains($"[{Org}] {LocalErrors.NodeGivenUpCode}: ", log);

        // Stopping stops what runs now: the restarted node and chain; nothing of any generation is left.
        var all = consortium.ProcessIds.Concat(_killed).Append(back.ProcessId!.Value).ToList();
        await consortium.DisposeAsync();
        _consortium = null;
        Assert.DoesNotContain(all, LocalProcesses.IsAlive);
    }

    [Fact]
    public async Task HardhatChainDies_TheConsortiumCannotGoOn_Ledger1657()
    {
        var consortium = _consortium = await LocalConsortium.StartAsync(new LocalConsortiumOptions
        {
            WorkDir = Path.Combine(_dir, "local"),
            Nodes = [new LocalNodeSpec(Role.Auditor, "auditor.ops", "审计")],
            KeyStorePassword = _password,
            NodeStartTimeout = NodeStartTimeout,
        });
        var supervisor = consortium.Supervise(null, DescriptionFile, _events.Enqueue);

        var chainPid = KillNine(consortium.ChainProcess!.ProcessId);

        using var wait = new CancellationTokenSource(Patience);
        var lost = await supervisor.Fatal.WaitAsync(wait.Token);
        Assert.Equal(LocalErrors.ChainLostCode, lost.Code);
        Assert.Contains("--chain anvil", lost.Message);
        Assert.Contains(_events, e => e.Kind == SupervisionEventKind.ChainLost && e.Code == LocalErrors.ChainLostCode);
        var described = Described().Chain;
        Assert.Equal("restarting", described.State);
        Assert.Null(described.ProcessId);
        Assert.False(LocalProcesses.IsAlive(chainPid));
    }

    private static async Task AssertStillHoldsAsync(LocalConsortium consortium, Taxpayer taxpayer)
    {
        using var connection = await consortium.ConnectAsync(Org);
        Assert.Equal(taxpayer.CreditCode, Assert.Single(await connection.Tax.ListEnterprisesAsync()).CreditCode);
    }

    private ConsortiumDescription Described() => ConsortiumDescription.Load(DescriptionFile);

    private Dictionary<string, string> Environment() => new(StringComparer.Ordinal)
    {
        [GlobalOptions.PasswordVariable] = _password,
        [GlobalOptions.ConsortiumVariable] = DescriptionFile,
    };

    /// <summary>kill -9, as an operator's mistake or the OOM killer would.</summary>
    private int KillNine(int pid)
    {
        Signal("KILL", pid);
        _killed.Add(pid);
        return pid;
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private async Task<T> UntilAsync<T>(Func<T?> probe, string what)
        where T : class
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (probe() is { } value)
                {
                    return value;
                }
            }
            catch (Core.Errors.LedgerException)
            {
                // The description is being replaced: read it again.
            }
            if (watch.Elapsed > Patience)
            {
                throw new TimeoutException($"Waited {Patience} for {what}. The supervisor reported:\n{string.Join('\n', _events)}");
            }
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (_consortium is not null)
        {
            await _consortium.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
