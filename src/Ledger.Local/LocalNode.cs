using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Ledger.Sdk.Keys;
using Ledger.Sdk.Tls;
using Proto = Ledger.Api.V1;

namespace Ledger.Local;

/// <summary>
/// One node of a <see cref="LocalConsortium"/>: a <c>ledger-node</c> process (<c>dotnet ledger-node.dll</c>) on its own
/// loopback port, with its own folder (key store, data, log), configured through its environment. The process can be
/// stopped, killed (SIGKILL, no shutdown code runs) and started again on the same port, data and key store.
/// <see cref="ToString"/> shows public parts only.
/// </summary>
public sealed partial class LocalNode : IAsyncDisposable
{
    private const string PasswordVariable = NodeKeyStore.DefaultPasswordVariable;
    private readonly NodeProgram _program;
    private readonly Dictionary<string, string> _environment;
    private readonly TimeSpan _startTimeout;
    private readonly object _gate = new();
    private Process? _process;
    private StreamWriter? _pumpLog;
    private bool _stopRequested;

    internal LocalNode(
        LocalNodeSpec spec, string directory, int port, NodeKeys keys, string keyStoreFile, Hash32? tlsPin,
        Dictionary<string, string> environment, NodeProgram program, TimeSpan startTimeout)
    {
        Spec = spec;
        TlsPin = tlsPin;
        Organization = OrgId.FromCode(spec.Org);
        Directory = directory;
        Port = port;
        Keys = keys;
        KeyStoreFile = keyStoreFile;
        _environment = environment;
        _program = program;
        _startTimeout = startTimeout;
    }

    /// <summary>What this node is for.</summary>
    public LocalNodeSpec Spec { get; }

    /// <summary>The member it serves.</summary>
    public OrgId Organization { get; }

    /// <summary>The member's role.</summary>
    public Role Role => Spec.Role;

    /// <summary>The node's loopback port (kept across restarts: it is the endpoint registered on chain).</summary>
    public int Port { get; }

    /// <summary>The node's gRPC address, e.g. <c>https://127.0.0.1:40123</c> (<c>http://</c> in the plaintext development mode).</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"{(TlsPin is null ? "http" : "https")}://127.0.0.1:{Port}");

    /// <summary>The pin of the node's TLS certificate (registered on chain); null in the plaintext development mode.</summary>
    public Hash32? TlsPin { get; }

    /// <summary>How to reach the node: pinned to its certificate (or plaintext, in the development mode).</summary>
    public LedgerTlsOptions Tls => TlsPin is { } pin ? LedgerTlsOptions.Pinned(pin) : LedgerTlsOptions.PlaintextDevelopment;

    /// <summary>The node's TLS certificate file (beside its key store).</summary>
    public string TlsCertificateFile => NodeTlsCertificates.CurrentFile(KeyStoreFile);

    /// <summary>The node's folder (<c>WorkDir/nodes/&lt;org&gt;</c>).</summary>
    public string Directory { get; }

    /// <summary>The node's data folder (its LiteDB files).</summary>
    public string DataDir => Path.Combine(Directory, "data");

    /// <summary>The node's encrypted key store.</summary>
    public string KeyStoreFile { get; }

    /// <summary>The node's log (standard output and error of every run, appended).</summary>
    public string LogFile => Path.Combine(Directory, "node.log");

    /// <summary>
    /// The member's keys: the operator key signs calls as this organization (the CLI and tests act as the member's
    /// operator with it); the encryption key opens data sealed to the member.
    /// </summary>
    public NodeKeys Keys { get; }

    /// <summary>The operator account.</summary>
    public EthAddress Operator => Keys.Operator;

    /// <summary>The current process id (null before the first start).</summary>
    public int? ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _process?.Id;
            }
        }
    }

    /// <summary>Every process id this node has had (for checks that nothing is left running).</summary>
    public IReadOnlyList<int> ProcessIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _processIds];
            }
        }
    }

    private readonly List<int> _processIds = [];

    /// <summary>True while the process runs.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false };
            }
        }
    }

    /// <summary>An SDK identity acting as this member's operator (the caller disposes it).</summary>
    public LedgerIdentity CreateIdentity() => LedgerIdentity.FromKeys(Organization, Keys);

    /// <summary>Starts the process (if it is not running) and waits until it is ready.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1651 with the end of its log when it exits or is not ready in time.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        StartProcess();
        await WaitReadyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the process without waiting for it (see <see cref="WaitReadyAsync"/>).</summary>
    public void StartProcess()
    {
        lock (_gate)
        {
            if (_process is { HasExited: false })
            {
                return;
            }
            _process?.Dispose();
            _pumpLog?.Dispose();
            _pumpLog = null;
            _stopRequested = false;
            System.IO.Directory.CreateDirectory(DataDir);
            File.AppendAllText(LogFile, string.Create(CultureInfo.InvariantCulture,
                $"{Environment.NewLine}=== ledger-node {Spec.Org} ({LocalRoles.Word(Role)}) starting at {DateTimeOffset.UtcNow:O} on {Url}{Environment.NewLine}"));
            var info = OperatingSystem.IsWindows() ? PumpedStart() : ShellRedirectedStart();
            info.WorkingDirectory = Path.GetDirectoryName(_program.NodeDll)!;
            info.UseShellExecute = false;
            info.CreateNoWindow = true;
            // So the node never reads the terminal of the process that started it.
            info.RedirectStandardInput = true;
            // A clean slate for the node's settings: nothing inherited from the caller's Ledger__ or ASP.NET variables.
            foreach (var key in info.Environment.Keys
                         .Where(k => k.StartsWith("Ledger__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || k == PasswordVariable)
                         .ToList())
            {
                info.Environment.Remove(key);
            }
            info.Environment["DOTNET_ENVIRONMENT"] = "Production";
            info.Environment["DOTNET_NOLOGO"] = "1";
            foreach (var (key, value) in _environment)
            {
                info.Environment[key] = value;
            }
            var process = new Process { StartInfo = info };
            try
            {
                process.Start();
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                process.Dispose();
                throw LocalErrors.NodeStartFailed($"The node {Spec.Org} could not be started with {_program.DotnetHost} ({ex.Message}).", ex);
            }
            if (OperatingSystem.IsWindows())
            {
                _pumpLog = new StreamWriter(new FileStream(LogFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), Encoding.UTF8) { AutoFlush = true };
                var log = _pumpLog;
                process.OutputDataReceived += (_, e) => WriteLine(log, e.Data);
                process.ErrorDataReceived += (_, e) => WriteLine(log, e.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
            }
            _process = process;
            _processIds.Add(process.Id);
        }
    }

    /// <summary>
    /// Waits until the node answers the gRPC health check with SERVING and its <c>Node.GetInfo</c> names this member
    /// and operator (so it is this node, initialized, and not something else on the port).
    /// </summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1651 with the end of its log when it exits or is not ready in time.</exception>
    public async Task WaitReadyAsync(CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        using var channel = LedgerChannels.ForAddress(Url, Tls);
        var health = new Health.HealthClient(channel);
        var node = new Proto.Node.NodeClient(channel);
        string lastProblem = "no answer yet";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Process? process;
            lock (_gate)
            {
                process = _process;
            }
            if (process is null)
            {
                throw LocalErrors.NodeStartFailed($"The node {Spec.Org} was never started.");
            }
            if (process.HasExited)
            {
                throw LocalErrors.NodeStartFailed(
                    $"The node {Spec.Org} exited with code {process.ExitCode} before it was ready. The end of its log ({LogFile}):{Environment.NewLine}{LogTail()}");
            }
            if (watch.Elapsed > _startTimeout)
            {
                throw LocalErrors.NodeStartFailed(
                    $"The node {Spec.Org} was not ready within {_startTimeout.TotalSeconds:0} s ({lastProblem}). The end of its log ({LogFile}):{Environment.NewLine}{LogTail()}");
            }
            try
            {
                var status = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken).ConfigureAwait(false);
                if (status.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    var info = await node.GetInfoAsync(new Proto.Empty(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (info.Org != Spec.Org || !EthAddress.TryParse(info.Operator, out var account) || account != Operator)
                    {
                        throw LocalErrors.NodeStartFailed(
                            $"Something else answers on {Url}: it says it is {info.Org} operated by {info.Operator}, not {Spec.Org} operated by {Operator}. Stop what holds port {Port} and start again.");
                    }
                    return;
                }
                lastProblem = $"health status {status.Status}";
            }
            catch (RpcException ex)
            {
                cancellationToken.ThrowIfCancellationRequested();
                lastProblem = ex.Status.Detail;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// True after <see cref="StopAsync"/> until the next start: the process ended because it was asked to, so a
    /// supervisor leaves it stopped (a crash or <see cref="Kill"/> is not a request).
    /// </summary>
    public bool StopRequested
    {
        get
        {
            lock (_gate)
            {
                return _stopRequested;
            }
        }
    }

    /// <summary>
    /// Completes when the current process exits, however it ends, with its exit code (128 + the signal when a signal
    /// ended it); at once when none was started or it has already exited.
    /// </summary>
    public async Task<int?> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
        }
        if (process is null)
        {
            return null;
        }
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return null; // disposed: stopped by its owner
        }
    }

    /// <summary>Stops the process politely (SIGTERM: the node drains and closes its store), killing it after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
            _stopRequested = true;
        }
        if (process is null)
        {
            return;
        }
        try
        {
            if (!process.HasExited)
            {
                if (!OperatingSystem.IsWindows())
                {
                    _ = Signals.Terminate(process.Id);
                }
                else
                {
                    process.Kill(entireProcessTree: true);
                }
                using var wait = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(10));
                try
                {
                    await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        lock (_gate)
        {
            _pumpLog?.Dispose();
            _pumpLog = null;
        }
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs — what a crash looks like to the store.</summary>
    public void Kill()
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
        }
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: false);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Connects to this node, signing as <paramref name="caller"/> (default: this node's own member).</summary>
    public Task<LedgerConnection> ConnectAsync(LedgerIdentity? caller = null, CancellationToken cancellationToken = default)
    {
        if (caller is not null)
        {
            return LedgerConnection.ConnectAsync(Url, caller, new LedgerConnectionOptions { ExpectedNode = Organization, Tls = Tls }, cancellationToken);
        }
        return ConnectOwnAsync(cancellationToken);
    }

    private async Task<LedgerConnection> ConnectOwnAsync(CancellationToken cancellationToken)
    {
        // The connection keeps the identity; it lives as long as this node's keys, so it is not disposed here.
#pragma warning disable CA2000
        var identity = CreateIdentity();
#pragma warning restore CA2000
        return await LedgerConnection.ConnectAsync(Url, identity, new LedgerConnectionOptions { ExpectedNode = Organization, Tls = Tls }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The last lines of the node's log.</summary>
    public string LogTail(int lines = 30)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var tail = new Queue<string>();
            while (reader.ReadLine() is { } line)
            {
                tail.Enqueue(line);
                while (tail.Count > lines)
                {
                    tail.Dequeue();
                }
            }
            return tail.Count == 0 ? "(empty log)" : string.Join(Environment.NewLine, tail);
        }
        catch (IOException ex)
        {
            return $"(log unreadable: {ex.Message})";
        }
    }

    /// <summary>Public parts only.</summary>
    public override string ToString() => $"LocalNode({Spec.Org}, {LocalRoles.Word(Role)}, {Url}, operator {Operator})";

    /// <summary>Stops the process and forgets the keys.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _process?.Dispose();
            _process = null;
        }
        Keys.Dispose();
    }

    // The node writes its own log file: `sh -c 'exec dotnet ledger-node.dll >> log 2>&1'` keeps the process id (exec)
    // and the log goes on even if the orchestrator's process goes away; paths travel as arguments, never quoted text.
    private ProcessStartInfo ShellRedirectedStart()
    {
        var info = new ProcessStartInfo("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$LEDGER_NODE_LOG\" 2>&1");
        info.ArgumentList.Add(_program.DotnetHost);
        info.ArgumentList.Add(_program.NodeDll);
        info.Environment["LEDGER_NODE_LOG"] = LogFile;
        return info;
    }

    private ProcessStartInfo PumpedStart()
    {
        var info = new ProcessStartInfo(_program.DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(_program.NodeDll);
        return info;
    }

    private static void WriteLine(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The node was stopped while a last line was in flight.
            }
        }
    }

    /// <summary>POSIX signals (SIGTERM lets ASP.NET shut down gracefully; .NET's Process.Kill only sends SIGKILL).</summary>
    internal static partial class Signals
    {
        private const int SigTerm = 15;

        [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static partial int SysKill(int pid, int signal);

        /// <summary>Sends SIGTERM; false when the process is gone.</summary>
        public static bool Terminate(int pid) => SysKill(pid, SigTerm) == 0;
    }
}
