using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ledger.Cli.Tests.Support;
using Ledger.Local;
using Ledger.Sdk.Keys;

namespace Ledger.Cli.Tests;

/// <summary>
/// The built `ledger` executable end to end: `ledger up` in its own process starts a consortium and describes it,
/// other `ledger` processes use it by organization code (status, governance admitting a seventh member, bad input),
/// and Ctrl-C (SIGINT) stops every process it started and removes the description.
/// </summary>
public sealed class UpEndToEndTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ledger-cli-up", Guid.NewGuid().ToString("N")[..12]);
    private readonly Dictionary<string, string> _environment;
    private Process? _up;

    public UpEndToEndTests()
    {
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GlobalOptions.PasswordVariable] = "up-e2e-" + Guid.NewGuid().ToString("N"),
        };
    }

    private string DescriptionFile => Path.Combine(_dir, "out", "consortium.json");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Up_ThenOtherCommandsByOrgCode_ThenCtrlC_StopsEverythingItStarted()
    {
        _up = CliRunner.Start(["up", "--json"], _environment, _dir);
        var stderr = new StringBuilder();
        _up.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        _up.BeginErrorReadLine();

        // `up --json` prints one JSON document once the consortium is ready, then keeps running.
        var description = await CliRunner.ReadUpDescriptionAsync(_up, TimeSpan.FromMinutes(4), () => { lock (stderr) { return stderr.ToString(); } });
        // A start that failed prints {"error":{…}} instead of the description: show it.
        Assert.False(description.TryGetProperty("error", out var failed), $"ledger up did not start: {failed}\n{stderr}");
        Assert.Equal(ConsortiumDescription.FormatTag, description.GetProperty("format").GetString());
        Assert.Equal(6, description.GetProperty("nodes").GetArrayLength());
        Assert.True(File.Exists(DescriptionFile));
        var described = ConsortiumDescription.Load(DescriptionFile);
        Assert.Equal(_up.Id, described.ProcessId);
        var processes = described.Nodes.Select(n => n.ProcessId!.Value).Append(described.Chain.ProcessId!.Value).ToList();
        Assert.All(processes, pid => Assert.True(ConsortiumFixture.IsRunning(pid)));

        var status = await RunAsync("status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.All(status.Json().GetProperty("nodes").EnumerateArray(), n => Assert.True(n.GetProperty("reachable").GetBoolean()));

        // Governance through separate processes: governor 0 proposes a seventh member from its key store, governor 1 approves.
        var keyStore = Path.Combine(_dir, "abc", "keystore.json");
        using (var keys = NodeKeyStore.Create(keyStore, "abc-password", KeyStoreKdf.Light))
        {
            var proposed = await RunAsync("members", "propose-admit", "bank.abc.liuzhou", "--role", "bank", "--name", "中国农业银行柳州分行",
                "--endpoint", "http://127.0.0.1:9", "--member-key-store", keyStore, "--dev-governor", "0", "--json");
            Assert.True(proposed.ExitCode == 0, proposed.ToString());
            Assert.False(proposed.Json().GetProperty("executed").GetBoolean());
            var approved = await RunAsync("members", "approve", proposed.Json().GetProperty("proposalId").GetString()!, "--dev-governor", "1", "--json");
            Assert.True(approved.ExitCode == 0, approved.ToString());
            Assert.True(approved.Json().GetProperty("executed").GetBoolean());

            var members = await RunAsync("members", "list", "--json");
            Assert.True(members.ExitCode == 0, members.ToString());
            var list = members.Json().GetProperty("members").EnumerateArray().ToList();
            Assert.Equal(7, list.Count);
            var admitted = list.Single(m => m.GetProperty("org").GetString() == "bank.abc.liuzhou");
            Assert.Equal("active", admitted.GetProperty("status").GetString());
            Assert.Equal(keys.Operator.ToString(), admitted.GetProperty("operators")[0].GetString());
        }

        // Signing as a member from another process works because `up` took its password from the environment.
        var consents = await RunAsync("consent", "list", "--org", "bank.icbc.liuzhou", "--json");
        Assert.True(consents.ExitCode == 0, consents.ToString());
        Assert.Empty(consents.Json().GetProperty("consents").EnumerateArray());

        var bad = await RunAsync("consent", "show", "not-an-id", "--org", "bank.icbc.liuzhou");
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("LEDGER-1660: ", bad.Error);
        Assert.DoesNotContain("   at ", bad.Error);
        Assert.Equal("", bad.Out);

        var second = await RunAsync("up");
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("already running", second.Error);

        Interrupt(_up.Id);
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            await _up.WaitForExitAsync(wait.Token);
        }
        Assert.True(_up.ExitCode == 0, $"ledger up exited with {_up.ExitCode}:\n{stderr}");
        Assert.DoesNotContain(processes, ConsortiumFixture.IsRunning);
        Assert.False(File.Exists(DescriptionFile), "the description of a stopped consortium is removed");
    }

    private Task<CliRun> RunAsync(params string[] args) => CliRunner.RunExecutableAsync(args, _environment, _dir);

    private static void Interrupt(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-INT", pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    public async Task DisposeAsync()
    {
        if (_up is { HasExited: false })
        {
            Interrupt(_up.Id);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _up.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _up.Kill(entireProcessTree: true);
            }
        }
        _up?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
