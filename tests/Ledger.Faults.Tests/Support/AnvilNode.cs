using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Ledger.Chain.Profiles;
using Ledger.Local;

namespace Ledger.Faults.Tests.Support;

/// <summary>
/// An anvil chain node of the test's own on a fixed loopback port, its state in a file it dumps every second
/// (<c>--state FILE --state-interval 1</c>), so that it can be killed with SIGKILL and started again on the same port
/// from what it last dumped. <see cref="ChainEnvironment"/> starts anvil on a new port each time and automining only;
/// the fault tests need the same address after a crash and blocks on an interval.
/// </summary>
public sealed class AnvilNode : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Queue<string> _tail = new();
    private Process? _process;

    private AnvilNode(string stateFile, int port)
    {
        StateFile = stateFile;
        Port = port;
    }

    /// <summary>The state file anvil loads at start and dumps to every second.</summary>
    public string StateFile { get; }

    /// <summary>The loopback port, kept across restarts.</summary>
    public int Port { get; }

    /// <summary>The JSON-RPC endpoint.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The process id of the running anvil (null when killed).</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>How many times anvil was killed with SIGKILL.</summary>
    public int Kills { get; private set; }

    /// <summary>The last lines anvil printed (for failure messages).</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    /// <summary>
    /// Starts anvil on a free port with <paramref name="stateFile"/>: automining (a block per transaction) when
    /// <paramref name="blockTime"/> is null, else one block every <paramref name="blockTime"/> seconds.
    /// </summary>
    public static async Task<AnvilNode> StartAsync(string stateFile, int? blockTime)
    {
        var node = new AnvilNode(stateFile, Node.Tests.Support.NodeProcess.FreePort());
        await node.RunAsync(blockTime);
        return node;
    }

    /// <summary>Switches a running chain to one block every <paramref name="seconds"/> seconds (automining off).</summary>
    public Task SetIntervalMiningAsync(int seconds) => RequestAsync("evm_setIntervalMining", JsonValue.Create(seconds));

    /// <summary>Waits until anvil has written its state file <paramref name="count"/> more times (bounded).</summary>
    public async Task WaitForDumpsAsync(int count)
    {
        for (var dump = 0; dump < count; dump++)
        {
            var before = File.GetLastWriteTimeUtc(StateFile);
            for (var i = 0; i < 200 && File.GetLastWriteTimeUtc(StateFile) == before; i++)
            {
                await Task.Delay(25);
            }
        }
    }

    /// <summary>
    /// SIGKILL, nothing of anvil's shutdown runs (its state is what it last dumped). It is sent shortly after a dump
    /// completed, not during one: anvil rewrites the file in place, and a kill in the middle of that write would
    /// leave a file it cannot load — a hazard of anvil's dumping, not of what the tests look at.
    /// </summary>
    public async Task KillAfterDumpAsync()
    {
        var process = _process ?? throw new InvalidOperationException("anvil is not running.");
        await WaitForDumpsAsync(1);
        await Task.Delay(150);
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
        Kills++;
    }

    /// <summary>Starts anvil again on the same port from its state file, mining every <paramref name="blockTime"/> seconds.</summary>
    public Task RestartAsync(int blockTime) => RunAsync(blockTime);

    /// <summary>The chain's latest block number.</summary>
    public async Task<ulong> BlockNumberAsync()
    {
        var result = await RequestAsync("eth_blockNumber");
        return ulong.Parse(result!.GetValue<string>().AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    private async Task RunAsync(int? blockTime)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("anvil is already running.");
        }
        _process?.Dispose();
        var root = RepositoryRoot.Find();
        var info = new ProcessStartInfo(AnvilProgram(root))
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--host", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--state", StateFile, "--state-interval", "1" })
        {
            info.ArgumentList.Add(argument);
        }
        if (blockTime is { } seconds)
        {
            info.ArgumentList.Add("--block-time");
            info.ArgumentList.Add(seconds.ToString(CultureInfo.InvariantCulture));
        }
        info.Environment["NO_COLOR"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException("anvil did not start.");
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"anvil exited with code {process.ExitCode}:\n{Tail}");
            }
            try
            {
                await RequestAsync("eth_chainId");
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task<JsonNode?> RequestAsync(string method, params JsonNode?[] parameters)
    {
        var call = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = method, ["params"] = new JsonArray(parameters) };
        using var response = await Http.PostAsJsonAsync(Url, call);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>() ?? throw new InvalidOperationException($"anvil answered {method} with nothing.");
        if (answer["error"] is { } error)
        {
            throw new InvalidOperationException($"anvil refused {method}: {error.ToJsonString()}");
        }
        return answer["result"];
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 40)
            {
                _tail.Dequeue();
            }
        }
    }

    private static string AnvilProgram(string root)
    {
        var arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "amd64";
        var os = OperatingSystem.IsMacOS() ? "darwin" : "linux";
        var program = Path.Combine(root, "node_modules", "@foundry-rs", $"anvil-{os}-{arch}", "bin", "anvil");
        return File.Exists(program) ? program : throw new FileNotFoundException($"anvil is not installed at {program}; run npm ci.", program);
    }
}
