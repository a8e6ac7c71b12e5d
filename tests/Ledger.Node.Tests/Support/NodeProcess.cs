using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ledger.Core.Primitives;
using Ledger.Sdk.Keys;
using Ledger.Sdk.Tls;
using Ledger.Chain.Profiles;
using Ledger.Local;

namespace Ledger.Node.Tests.Support;

/// <summary>
/// A real <c>ledger-node</c> process (<c>dotnet ledger-node.dll</c>) configured through its environment, on a free
/// loopback port. Its output is kept for failure messages. Kill sends SIGKILL.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public NodeProcess(string name, IDictionary<string, string> environment, int? port = null)
    {
        Name = name;
        Port = port ?? FreePort();
        Plaintext = environment.TryGetValue("Ledger__Node__Tls__Mode", out var mode) && mode == "plaintext-development";
        Environment = new Dictionary<string, string>(environment, StringComparer.Ordinal)
        {
            ["Ledger__Node__Listen"] = Url,
        };
    }

    /// <summary>True when the node runs in the plaintext development mode.</summary>
    public bool Plaintext { get; }

    /// <summary>The node's TLS certificate (beside its key store, unless configured elsewhere).</summary>
    public string TlsCertificateFile => Environment.TryGetValue("Ledger__Node__Tls__CertificateFile", out var file) && !string.IsNullOrEmpty(file)
        ? file
        : NodeTlsCertificates.CurrentFile(Environment["Ledger__Node__KeyStoreFile"]);

    private (DateTime Stamp, Hash32 Pin)? _pin;

    /// <summary>The pin of the certificate the node presents (read from its file).</summary>
    public Hash32 TlsPin
    {
        get
        {
            var stamp = File.GetLastWriteTimeUtc(TlsCertificateFile);
            if (_pin is not { } known || known.Stamp != stamp)
            {
                _pin = (stamp, NodeTlsCertificates.PinOf(TlsCertificateFile, Environment.GetValueOrDefault("LEDGER_KEYSTORE_PASSWORD")));
            }
            return _pin.Value.Pin;
        }
    }

    /// <summary>How to reach the node: pinned to its certificate (plaintext in the development mode).</summary>
    public LedgerTlsOptions Tls => Plaintext ? LedgerTlsOptions.PlaintextDevelopment : LedgerTlsOptions.Pinned(TlsPin);

    public string Name { get; }

    public int Port { get; }

    public string Url => $"{(Plaintext ? "http" : "https")}://127.0.0.1:{Port}";

    public Dictionary<string, string> Environment { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process is null || _process.HasExited;

    public int? ProcessId => _process?.Id;

    /// <summary>The built node: src/Ledger.Node/bin/&lt;configuration of this test run&gt;/net10.0/ledger-node.dll.</summary>
    public static string NodeDll { get; } = FindNodeDll();

    public void Start()
    {
        lock (_output)
        {
            _output.Clear();
        }
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(NodeDll)!,
        };
        info.ArgumentList.Add(NodeDll);
        // A clean environment for the node's settings: nothing inherited from the test runner's Ledger__ variables.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Ledger__", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Waits until the node answers Node.GetInfo; fails with its output when it exits or never answers.</summary>
    public async Task WaitReadyAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        using var channel = LedgerChannels.ForAddress(Url, Tls);
        var client = new Api.V1.Node.NodeClient(channel);
        while (true)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"ledger-node {Name} exited with code {_process?.ExitCode} before it was ready. Output:\n{Output}");
            }
            try
            {
                await client.GetInfoAsync(new Api.V1.Empty(), deadline: DateTime.UtcNow.AddSeconds(2));
                return;
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (Grpc.Core.RpcException ex)
            {
                throw new TimeoutException($"ledger-node {Name} did not answer within the timeout ({ex.Status.Detail}). Output:\n{Output}", ex);
            }
        }
    }

    public async Task StartAndWaitAsync()
    {
        Start();
        await WaitReadyAsync();
    }

    /// <summary>Waits for the process to exit by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit(10_000);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            try
            {
                // A polite stop first (SIGTERM through Process.Kill is not available; SIGKILL is fine for a test).
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }
        }
        _process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            if (_output.Length < 400_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindNodeDll()
    {
        var configuration = AppContext.BaseDirectory.Replace('\\', '/').Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = RepositoryRoot.Find();
        var dll = Path.Combine(root, "src", "Ledger.Node", "bin", configuration, "net10.0", "ledger-node.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The node is not built at {dll}; build the solution first.", dll);
    }
}
