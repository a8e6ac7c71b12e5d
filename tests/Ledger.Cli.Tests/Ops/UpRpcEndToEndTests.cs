using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Ledger.Chain.Profiles;
using Ledger.Cli.Tests.Support;
using Ledger.Local;

namespace Ledger.Cli.Tests.Ops;

/// <summary>
/// The built `ledger` executable against a hardhat node the test starts (automining, chain id 31337): `ledger up
/// --chain rpc` funds and admits the six members and starts their nodes — final at once, not waiting for blocks that
/// never come — then `ledger node restart` from another process restarts one node under the running `up`, and `ledger
/// down` from a third stops what runs now and leaves the chain, which is not the orchestrator's, running.
/// </summary>
public sealed class UpRpcEndToEndTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ledger-ops-rpc", Guid.NewGuid().ToString("N")[..12]);
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal)
    {
        [GlobalOptions.PasswordVariable] = "ops-rpc-" + Guid.NewGuid().ToString("N"),
    };
    private ChainEnvironment? _chain;
    private Process? _up;

    private string DescriptionFile => Path.Combine(_dir, "out", "consortium.json");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _chain = await LocalChain.StartAsync(new ChainProfile { Kind = ChainKind.Hardhat, DeploymentFile = Path.Combine(_dir, "deployment.json") });
    }

    [Fact]
    public async Task UpOnALocalRpcChain_NodeRestartFromAnotherProcess_DownStopsWhatRunsNow()
    {
        _up = CliRunner.Start(["up", "--chain", "rpc", "--rpc", _chain!.RpcUrl, "--deployment", Path.Combine(_dir, "deployment.json"), "--json"], _environment, _dir);
        var stderr = new StringBuilder();
        _up.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        _up.BeginErrorReadLine();
        string Errors()
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }

        var document = await CliRunner.ReadUpDescriptionAsync(_up, TimeSpan.FromMinutes(5), Errors);
        Assert.False(document.TryGetProperty("error", out var failed), $"ledger up --chain rpc did not start: {failed}\n{Errors()}");
        var described = ConsortiumDescription.Load(DescriptionFile);
        Assert.Equal(("rpc", 31337UL, (int?)null), (described.Chain.Kind, described.Chain.ChainId, described.Chain.ProcessId));
        Assert.Equal(6, described.Nodes.Count);
        Assert.All(described.Nodes, n => Assert.True(n.ProcessId is { } pid && LocalProcesses.IsAlive(pid), n.Org));
        var bank = described.Node("bank.ccb.liuzhou")!;

        // Another process asks the running `up` to restart one node: same URL, a new process, the old one gone.
        var restart = await RunAsync("node", "restart", bank.Org, "--json");
        Assert.True(restart.ExitCode == 0, restart + "\n" + Errors());
        var newPid = restart.Json().GetProperty("processId").GetInt32();
        Assert.Equal(bank.ProcessId, restart.Json().GetProperty("previousProcessId").GetInt32());
        Assert.False(LocalProcesses.IsAlive(bank.ProcessId!.Value));
        var after = ConsortiumDescription.Load(DescriptionFile).Node(bank.Org)!;
        Assert.Equal((newPid, bank.Url, 1), (after.ProcessId!.Value, after.Url, after.Restarts));
        var status = await RunAsync("status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.All(status.Json().GetProperty("nodes").EnumerateArray(), n => Assert.True(n.GetProperty("reachable").GetBoolean()));
        Assert.Contains(Errors().Split('\n'), line => line.Contains($"[{bank.Org}] restarting {bank.Org} (process {bank.ProcessId}) as asked", StringComparison.Ordinal));

        var unknown = await RunAsync("node", "restart", "bank.nobody");
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("LEDGER-1661: ", unknown.Error);

        // `ledger down` from a third process: `up` stops what runs now (the restarted node too) and exits 0.
        var running = ConsortiumDescription.Load(DescriptionFile).Nodes.Select(n => n.ProcessId!.Value).ToList();
        var down = await RunAsync("down", "--json");
        Assert.True(down.ExitCode == 0, down + "\n" + Errors());
        Assert.Contains(down.Json().GetProperty("stopped").EnumerateArray(), s => s.GetProperty("processId").GetInt32() == _up.Id);
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await _up.WaitForExitAsync(wait.Token);
        }
        Assert.True(_up.ExitCode == 0, $"ledger up exited with {_up.ExitCode}:\n{Errors()}");
        Assert.DoesNotContain(running, LocalProcesses.IsAlive);
        Assert.False(File.Exists(DescriptionFile));
        // The chain was attached, not started: it still answers.
        Assert.True(await _chain.Rpc.CallAsync(w => w.Eth.Blocks.GetBlockNumber.SendRequestAsync()) is { } head && head.Value > 0);

        var again = await RunAsync("down");
        Assert.Equal(2, again.ExitCode);
        Assert.StartsWith("LEDGER-1654: ", again.Error);
    }

    private Task<CliRun> RunAsync(params string[] args) => CliRunner.RunExecutableAsync(args, _environment, _dir, TimeSpan.FromMinutes(4));

    public async Task DisposeAsync()
    {
        if (_up is { HasExited: false })
        {
            await LocalProcesses.StopAsync(_up.Id, TimeSpan.FromSeconds(60));
        }
        _up?.Dispose();
        if (_chain is not null)
        {
            await _chain.DisposeAsync();
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
