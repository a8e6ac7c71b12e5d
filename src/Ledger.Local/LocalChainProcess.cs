using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ledger.Chain.Errors;
using Ledger.Chain.Rpc;
using Microsoft.Extensions.Logging;

namespace Ledger.Local;

/// <summary>
/// A local chain node process (hardhat or anvil) on a loopback port, stopped with its whole process tree. Started by
/// <see cref="LocalChain.StartAsync"/>, which hands it to the <see cref="Ledger.Chain.Profiles.ChainEnvironment"/> it
/// returns as the environment's owner (stopped when the environment is disposed); <see cref="LocalChain.ProcessOf"/>
/// finds it again.
/// </summary>
public sealed class LocalChainProcess : IAsyncDisposable
{
    private const int TailLines = 40;
    private readonly Process _process;
    private readonly string _kind;
    private readonly Queue<string> _tail = new();
    private readonly object _tailLock = new();
    private bool _stopped;
    private volatile bool _announced;

    private LocalChainProcess(Process process, string kind, string rpcUrl)
    {
        _process = process;
        _kind = kind;
        RpcUrl = rpcUrl;
    }

    /// <summary>The kind of node ("hardhat" or "anvil").</summary>
    public string Kind => _kind;

    /// <summary>The node's JSON-RPC endpoint on loopback.</summary>
    public string RpcUrl { get; }

    /// <summary>The process id, for diagnostics and supervision.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Where the stop is logged: set once the node has started and is handed to its environment.</summary>
    internal ILogger? Logger { get; set; }

    /// <summary>Completes when the process exits, with its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Starts <paramref name="program"/> and waits until the node answers eth_chainId.</summary>
    internal static async Task<LocalChainProcess> StartAsync(
        string kind, string program, IReadOnlyList<string> arguments, string workingDirectory, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // so the child never reads the host's console
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["NO_COLOR"] = "1";
        info.Environment["HARDHAT_DISABLE_TELEMETRY_PROMPT"] = "true";
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned no process.");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw LocalChainException.StartFailed(kind, $"{program} could not be run ({ex.Message})", "(no output)", ex);
        }
        var node = new LocalChainProcess(process, kind, $"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => node.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => node.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitUntilAnsweringAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return node;
    }

    /// <summary>A free TCP port on the loopback interface.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal string Tail()
    {
        lock (_tailLock)
        {
            return _tail.Count == 0 ? "(no output)" : string.Join(Environment.NewLine, _tail);
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }
        // hardhat: "Started HTTP and WebSocket JSON-RPC server at http://127.0.0.1:PORT/"; anvil: "Listening on 127.0.0.1:PORT".
        if ((line.Contains("Started HTTP", StringComparison.Ordinal) || line.Contains("Listening on", StringComparison.Ordinal))
            && line.Contains(RpcUrl["http://".Length..], StringComparison.Ordinal))
        {
            _announced = true;
        }
        lock (_tailLock)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var rpc = new ChainRpc(RpcUrl, new RetryOptions { MaxRetryAttempts = 0, RequestTimeout = TimeSpan.FromSeconds(2) });
        var watch = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw LocalChainException.StartFailed(_kind, $"the process exited with code {_process.ExitCode}", Tail());
            }
            try
            {
                await rpc.CallAsync(w => w.Eth.ChainId.SendRequestAsync(), cancellationToken).ConfigureAwait(false);
                // Something answers on the port; it is this node only once the process says it listens there (another
                // chain started at the same moment may have been given the same free port, and this one then fails to bind).
                if (_announced)
                {
                    return;
                }
                if (watch.Elapsed >= timeout)
                {
                    throw LocalChainException.StartFailed(_kind, $"something answers on {RpcUrl}, but the {_kind} node started for it never said it listens there", Tail());
                }
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            catch (ChainUnavailableException) when (watch.Elapsed < timeout)
            {
                await Task.Delay(150, cancellationToken).ConfigureAwait(false);
            }
            catch (ChainUnavailableException ex)
            {
                throw LocalChainException.StartFailed(_kind, $"it did not answer on {RpcUrl} within {timeout.TotalSeconds:0} s", Tail(), ex);
            }
        }
    }

    /// <summary>
    /// Stops the node: SIGTERM first so anvil writes its state file, then the whole process tree is killed if it
    /// lingers (hardhat runs under node with children).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        var pid = _process.Id;
        try
        {
            if (!_process.HasExited)
            {
                if (!OperatingSystem.IsWindows())
                {
                    await TerminateAsync(_process.Id).ConfigureAwait(false);
                }
                using var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(graceful.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Did not stop in time: killed below.
                }
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
        if (Logger is { } logger)
        {
            LocalChainLog.NodeStopped(logger, _kind, pid);
        }
    }

    private static async Task TerminateAsync(int pid)
    {
        var info = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-TERM");
        info.ArgumentList.Add(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            using var kill = Process.Start(info);
            if (kill is not null)
            {
                await kill.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No kill program: the tree is killed instead.
        }
    }
}
