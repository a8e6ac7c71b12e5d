using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Ledger.Chain.Profiles;
using Ledger.Core.Errors;

namespace Ledger.Local;

/// <summary>Where a supervised process stands.</summary>
public enum SupervisedState
{
    /// <summary>Running (or starting, once restarted).</summary>
    Running,
    /// <summary>It died; a restart is waiting out its back-off or under way.</summary>
    Restarting,
    /// <summary>It kept dying; the supervisor left it stopped (a restart by hand tries again).</summary>
    GivenUp,
    /// <summary>Stopped on purpose (<see cref="LocalNode.StopAsync"/>); not restarted.</summary>
    Stopped,
}

/// <summary>What a <see cref="SupervisionEvent"/> reports.</summary>
public enum SupervisionEventKind
{
    /// <summary>A process ended without being asked to.</summary>
    Exited,
    /// <summary>A restart is scheduled (after its back-off).</summary>
    Restarting,
    /// <summary>A process came back.</summary>
    Restarted,
    /// <summary>A restart attempt failed.</summary>
    RestartFailed,
    /// <summary>The supervisor stopped restarting a node (LEDGER-1658).</summary>
    GaveUp,
    /// <summary>The chain cannot come back; the consortium must stop (LEDGER-1657).</summary>
    ChainLost,
    /// <summary>A restart was asked for by hand (<c>ledger node restart</c>).</summary>
    RestartRequested,
    /// <summary>Something the operator should know that is none of the above (a description that could not be written).</summary>
    Warning,
}

/// <summary>One thing the supervisor saw or did.</summary>
/// <param name="At">When (UTC).</param>
/// <param name="Subject">The organization of the node, or <c>chain</c>.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Message">A sentence for the operator.</param>
/// <param name="ProcessId">The process concerned (the one that died, or the new one).</param>
/// <param name="Code">The LEDGER code, when there is one.</param>
public sealed record SupervisionEvent(DateTimeOffset At, string Subject, SupervisionEventKind Kind, string Message, int? ProcessId = null, string? Code = null)
{
    /// <summary>The subject of chain events.</summary>
    public const string ChainSubject = "chain";

    /// <summary>One line: time, subject, code and message.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{At:yyyy-MM-ddTHH:mm:ss.fffZ} [{Subject}] {(Code is null ? "" : Code + ": ")}{Message}");
}

/// <summary>
/// Keeps a started <see cref="LocalConsortium"/> running (<c>ledger up</c>): it waits on every process it started and
/// notices an exit at once (the process's exit, not a poll). A node that dies is reported and started again with
/// back-off (<see cref="SupervisionOptions"/>: 1 s, 2 s, 4 s … at most 30 s; after 5 restarts in 10 minutes it is left
/// stopped, LEDGER-1658) on the same port, key store and LiteDB files, and counts as back only when it answers its
/// health check as its member. An anvil chain that dies is restarted the same way on the same port from its state file
/// (what anvil wrote last — it writes every 2 s and when stopped — or, if it died mid-write, the last complete copy the
/// supervisor keeps, <see cref="AnvilStateFiles"/>); the nodes ride out the gap on their own. A hardhat
/// chain keeps its state in memory, so it cannot come back as the chain the nodes know: the supervisor reports it
/// (LEDGER-1657) and <see cref="Fatal"/> completes, and the owner stops the consortium. An rpc chain is not this
/// orchestrator's to restart. After every change the consortium description (if a file was given) is rewritten
/// atomically with the live process ids, and each event goes to the report callback and to <c>WORK-DIR/supervisor.log</c>.
/// <see cref="RestartNodeAsync"/> restarts a node by hand — also asked from another process through
/// <see cref="ConsortiumControl"/> — and the restarted node stays supervised.
/// </summary>
public sealed class ConsortiumSupervisor : IAsyncDisposable
{
    private readonly LocalConsortium _consortium;
    private readonly SupervisionOptions _options;
    private readonly string? _descriptionFile;
    private readonly Action<SupervisionEvent>? _report;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, NodeWatch> _nodes;
    private readonly RestartBackoff _chainBackoff;
    private readonly TaskCompletionSource<LedgerException> _fatal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _writeGate = new();
    private readonly string _logFile;
    private readonly List<Task> _loops = [];
    private volatile SupervisedState _chainState = SupervisedState.Running;
    private int _disposed;

    private ConsortiumSupervisor(LocalConsortium consortium, SupervisionOptions options, string? descriptionFile, Action<SupervisionEvent>? report)
    {
        _consortium = consortium;
        _options = options;
        _descriptionFile = descriptionFile is null ? null : Path.GetFullPath(descriptionFile);
        _report = report;
        _nodes = consortium.Nodes.ToDictionary(n => n.Spec.Org, n => new NodeWatch(n, new RestartBackoff(options)), StringComparer.Ordinal);
        _chainBackoff = new RestartBackoff(options);
        _logFile = Path.Combine(consortium.WorkDir, "supervisor.log");
    }

    /// <summary>
    /// Completes when the consortium cannot go on — its chain is lost (LEDGER-1657) — with the error to report. It never
    /// completes while everything can still be brought back.
    /// </summary>
    public Task<LedgerException> Fatal => _fatal.Task;

    /// <summary>The consortium description file it rewrites (null: none).</summary>
    public string? DescriptionFile => _descriptionFile;

    /// <summary>A supervisor that does nothing until <see cref="Begin"/> (so its consortium can know it first).</summary>
    internal static ConsortiumSupervisor Create(LocalConsortium consortium, SupervisionOptions options, string? descriptionFile, Action<SupervisionEvent>? report)
    {
        options.Validate();
        return new ConsortiumSupervisor(consortium, options, descriptionFile, report);
    }

    /// <summary>Starts the watches and writes the description.</summary>
    internal void Begin()
    {
        ClearControlFolder();
        var token = _stop.Token;
        foreach (var watch in _nodes.Values)
        {
            _loops.Add(GuardAsync(watch.Node.Spec.Org, () => SuperviseNodeAsync(watch, token), token));
        }
        if (_consortium.OwnsChain)
        {
            _loops.Add(GuardAsync(SupervisionEvent.ChainSubject, () => SuperviseChainAsync(token), token));
        }
        if (_consortium.AnvilStateFile is { } stateFile)
        {
            _loops.Add(GuardAsync("chain state", () => SnapshotChainStateAsync(stateFile, token), token));
        }
        _loops.Add(GuardAsync("control", () => ServeControlAsync(token), token));
        SaveDescription();
    }

    /// <summary>The state of the node of <paramref name="org"/>.</summary>
    public SupervisedState NodeState(string org) => Watch(org).State;

    /// <summary>How often the node of <paramref name="org"/> was restarted (by the supervisor or by hand).</summary>
    public int NodeRestarts(string org)
    {
        var watch = Watch(org);
        lock (watch)
        {
            return watch.Backoff.TotalRestarts;
        }
    }

    /// <summary>The chain's state (always running for an rpc chain, which is not supervised).</summary>
    public SupervisedState ChainState => _chainState;

    /// <summary>How often the chain was restarted.</summary>
    public int ChainRestarts => _chainBackoff.TotalRestarts;

    /// <summary>
    /// Restarts the node of <paramref name="org"/> by hand: stops it politely, starts it on the same port, data and key
    /// store, waits until it is ready, and starts a fresh back-off window — also for a node the supervisor gave up on.
    /// </summary>
    /// <exception cref="KeyNotFoundException">when no node serves <paramref name="org"/>.</exception>
    public async Task<NodeRestartOutcome> RestartNodeAsync(string org, CancellationToken cancellationToken = default)
    {
        var watch = Watch(org);
        var request = new RestartRequest();
        ObjectDisposedException.ThrowIf(!watch.Requests.Writer.TryWrite(request), this);
        using var registration = cancellationToken.Register(() => request.Outcome.TrySetCanceled(cancellationToken));
        return await request.Outcome.Task.ConfigureAwait(false);
    }

    /// <summary>Stops supervising (nothing is restarted from now on); the processes keep running.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var watch in _nodes.Values)
        {
            watch.Requests.Writer.TryComplete();
        }
        await Task.WhenAll(_loops).ConfigureAwait(false);
        foreach (var watch in _nodes.Values)
        {
            while (watch.Requests.Reader.TryRead(out var request))
            {
                request.Outcome.TrySetException(LocalErrors.NotSupervised($"The consortium is stopping; {watch.Node.Spec.Org} was not restarted."));
            }
        }
        _stop.Dispose();
    }

    // ------------------------------------------------------------------ nodes

    private async Task SuperviseNodeAsync(NodeWatch watch, CancellationToken cancellationToken)
    {
        var node = watch.Node;
        var org = node.Spec.Org;
        Task<bool>? requested = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            requested ??= watch.Requests.Reader.WaitToReadAsync(cancellationToken).AsTask();
            switch (watch.State)
            {
                case SupervisedState.Running:
                {
                    var pid = node.ProcessId;
                    var exited = node.WaitForExitAsync(cancellationToken);
                    await Task.WhenAny(exited, requested).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    if (requested.IsCompleted)
                    {
                        requested = null;
                        await ServeRequestsAsync(watch, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    var code = await exited.ConfigureAwait(false);
                    if (node.StopRequested)
                    {
                        watch.State = SupervisedState.Stopped;
                        Report(org, SupervisionEventKind.Warning, $"{org} (process {pid}) was stopped on purpose; it is not restarted.", pid);
                        SaveDescription();
                        continue;
                    }
                    Report(org, SupervisionEventKind.Exited,
                        $"{org} (process {pid}) exited with {ExitText(code)}; its log is {node.LogFile}.", pid);
                    watch.State = SupervisedState.Restarting;
                    SaveDescription();
                    continue;
                }
                case SupervisedState.Restarting:
                {
                    TimeSpan? delay;
                    lock (watch)
                    {
                        delay = watch.Backoff.NextDelay(DateTimeOffset.UtcNow);
                    }
                    if (delay is not { } wait)
                    {
                        watch.State = SupervisedState.GivenUp;
                        var error = LocalErrors.NodeGivenUp(string.Create(CultureInfo.InvariantCulture,
                            $"{org} exited again after {_options.MaxRestarts} restarts in {Minutes(_options.Window)}; it is left stopped. Its log ({node.LogFile}) says why; fix that, then `ledger node restart {org}`."));
                        Report(org, SupervisionEventKind.GaveUp, error.Message, code: error.Code);
                        SaveDescription();
                        continue;
                    }
                    Report(org, SupervisionEventKind.Restarting, string.Create(CultureInfo.InvariantCulture,
                        $"restarting {org} in {Seconds(wait)} (restart {watch.Backoff.RecentRestarts + 1} of at most {_options.MaxRestarts} in {Minutes(_options.Window)})."));
                    var delayed = Task.Delay(wait, cancellationToken);
                    await Task.WhenAny(delayed, requested).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    if (requested.IsCompleted)
                    {
                        requested = null;
                        await ServeRequestsAsync(watch, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    lock (watch)
                    {
                        watch.Backoff.Restarted(DateTimeOffset.UtcNow);
                    }
                    await StartNodeAsync(watch, "restarted", cancellationToken).ConfigureAwait(false);
                    continue;
                }
                default:
                {
                    // Given up, or stopped on purpose: only a request (or its owner starting it again) brings it back.
                    if (node.IsRunning && !node.StopRequested)
                    {
                        watch.State = SupervisedState.Running;
                        SaveDescription();
                        continue;
                    }
                    await Task.WhenAny(requested, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    if (requested.IsCompleted)
                    {
                        requested = null;
                        await ServeRequestsAsync(watch, cancellationToken).ConfigureAwait(false);
                    }
                    continue;
                }
            }
        }
    }

    private async Task ServeRequestsAsync(NodeWatch watch, CancellationToken cancellationToken)
    {
        var node = watch.Node;
        var org = node.Spec.Org;
        while (watch.Requests.Reader.TryRead(out var request))
        {
            var previous = node.IsRunning ? node.ProcessId : null;
            Report(org, SupervisionEventKind.RestartRequested,
                previous is { } running ? $"restarting {org} (process {running}) as asked." : $"starting {org} as asked.", previous);
            try
            {
                await node.StopAsync().ConfigureAwait(false);
                lock (watch)
                {
                    watch.Backoff.RestartedByHand();
                }
                var error = await StartNodeAsync(watch, "restarted as asked", cancellationToken).ConfigureAwait(false);
                request.Outcome.TrySetResult(new NodeRestartOutcome(org, previous, error is null ? node.ProcessId : null, error));
            }
            catch (OperationCanceledException)
            {
                request.Outcome.TrySetException(LocalErrors.NotSupervised($"The consortium is stopping; {org} was not restarted."));
                throw;
            }
        }
    }

    /// <summary>Starts the node's process and waits until it is ready; on failure what is left of it is killed and it stays restarting.</summary>
    private async Task<LedgerException?> StartNodeAsync(NodeWatch watch, string verb, CancellationToken cancellationToken)
    {
        var node = watch.Node;
        var org = node.Spec.Org;
        try
        {
            node.StartProcess();
            watch.State = SupervisedState.Running;
            SaveDescription();
            await node.WaitReadyAsync(cancellationToken).ConfigureAwait(false);
            Report(org, SupervisionEventKind.Restarted,
                $"{org} {verb}: process {node.ProcessId}, ready on {node.Url} with its key store and data ({node.DataDir}).", node.ProcessId);
            SaveDescription();
            return null;
        }
        catch (LedgerException ex)
        {
            node.Kill();
            watch.State = SupervisedState.Restarting;
            Report(org, SupervisionEventKind.RestartFailed, $"{org} did not come back: {FirstLine(ex.Message)}", code: ex.Code);
            SaveDescription();
            return ex;
        }
    }

    // ------------------------------------------------------------------ chain

    private async Task SuperviseChainAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var chain = _consortium.ChainProcess ?? throw new InvalidOperationException("An rpc chain has no local process to wait for.");
            var pid = chain.ProcessId;
            var code = await chain.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            _chainState = SupervisedState.Restarting;
            if (_consortium.Options.Chain == ChainKind.Hardhat)
            {
                Fail(LocalErrors.ChainLost(
                    $"The hardhat chain (process {pid}) exited with {ExitText(code)}. Hardhat keeps its state in memory, so a restarted one would hold none of the contracts, members or records the nodes know; the consortium is stopped rather than left pointing at a chain that is gone. Start it again with `ledger up` (a fresh chain), or use `ledger up --chain anvil`, whose state file survives restarts."));
                return;
            }
            Report(SupervisionEvent.ChainSubject, SupervisionEventKind.Exited,
                $"the anvil chain (process {pid}) exited with {ExitText(code)}; the nodes wait for it to come back.", pid);
            SaveDescription();
            LedgerException? last = null;
            while (true)
            {
                var delay = _chainBackoff.NextDelay(DateTimeOffset.UtcNow);
                if (delay is not { } wait)
                {
                    Fail(LocalErrors.ChainLost(string.Create(CultureInfo.InvariantCulture,
                        $"The anvil chain did not stay up: {_options.MaxRestarts} restarts in {Minutes(_options.Window)}{(last is null ? "" : $", the last failing with {last.Code}: {FirstLine(last.Message)}")}. The consortium is stopped; its state file {_consortium.Options.StateFile ?? Path.Combine(_consortium.WorkDir, "anvil-state.json")} is kept for `ledger up --chain anvil`.")));
                    return;
                }
                Report(SupervisionEvent.ChainSubject, SupervisionEventKind.Restarting, string.Create(CultureInfo.InvariantCulture,
                    $"restarting the anvil chain in {Seconds(wait)} on {_consortium.RpcUrl} (restart {_chainBackoff.RecentRestarts + 1} of at most {_options.MaxRestarts} in {Minutes(_options.Window)})."));
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                _chainBackoff.Restarted(DateTimeOffset.UtcNow);
                try
                {
                    var state = await _consortium.RestartChainAsync(cancellationToken).ConfigureAwait(false);
                    _chainState = SupervisedState.Running;
                    Report(SupervisionEvent.ChainSubject, SupervisionEventKind.Restarted,
                        $"the anvil chain is back on {_consortium.RpcUrl} (process {_consortium.ChainProcess?.ProcessId}) from {state}.", _consortium.ChainProcess?.ProcessId);
                    SaveDescription();
                    break;
                }
                catch (LedgerException ex) when (ex.Code == LocalErrors.ChainLostCode)
                {
                    Fail(ex);
                    return;
                }
                catch (LedgerException ex)
                {
                    last = ex;
                    Report(SupervisionEvent.ChainSubject, SupervisionEventKind.RestartFailed, $"the anvil chain did not come back: {FirstLine(ex.Message)}", code: ex.Code);
                }
            }
        }
    }

    /// <summary>Keeps a last complete copy of anvil's state file (<see cref="AnvilStateFiles"/>), in case anvil dies mid-write.</summary>
    private async Task SnapshotChainStateAsync(string stateFile, CancellationToken cancellationToken)
    {
        var kept = DateTime.MinValue;
        while (true)
        {
            if (_chainState == SupervisedState.Running)
            {
                kept = AnvilStateFiles.TrySnapshot(stateFile, kept);
            }
            await Task.Delay(_options.ChainStateSnapshotInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Fail(LedgerException error)
    {
        Report(SupervisionEvent.ChainSubject, SupervisionEventKind.ChainLost, error.Message, code: error.Code);
        SaveDescription();
        _fatal.TrySetResult(error);
    }

    // ------------------------------------------------------------------ control requests from other processes

    private async Task ServeControlAsync(CancellationToken cancellationToken)
    {
        var folder = ConsortiumControl.Folder(_consortium.WorkDir);
        var pending = new List<Task>();
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(_options.ControlPollInterval, cancellationToken).ConfigureAwait(false);
            if (!Directory.Exists(folder))
            {
                continue;
            }
            foreach (var file in Directory.EnumerateFiles(folder, "*" + ConsortiumControl.RequestSuffix).ToList())
            {
                var id = Path.GetFileName(file)[..^ConsortiumControl.RequestSuffix.Length];
                var resultFile = Path.Combine(folder, id + ConsortiumControl.ResultSuffix);
                ControlRequest? request;
                try
                {
                    request = JsonSerializer.Deserialize<ControlRequest>(File.ReadAllText(file), ConsortiumControl.Json);
                    File.Delete(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
                {
                    ConsortiumControl.TryDelete(file);
                    Answer(resultFile, new ControlResult { Error = ErrorOf(LocalErrors.Options($"The control request {file} is unreadable ({ex.Message}).")) });
                    continue;
                }
                if (request is not { Format: ConsortiumControl.FormatTag, Action: ConsortiumControl.RestartNodeAction, Org: { } org } || !_nodes.ContainsKey(org))
                {
                    Answer(resultFile, new ControlResult
                    {
                        Org = request?.Org,
                        Error = ErrorOf(LocalErrors.Options(request?.Org is { } unknown && !_nodes.ContainsKey(unknown)
                            ? $"No node of this consortium serves {unknown}; it has {string.Join(", ", _nodes.Keys)}."
                            : $"The control request {file} is not a {ConsortiumControl.FormatTag} restart-node request.")),
                    });
                    continue;
                }
                pending.RemoveAll(t => t.IsCompleted);
                pending.Add(AnswerRestartAsync(org, resultFile, cancellationToken));
            }
        }
    }

    private async Task AnswerRestartAsync(string org, string resultFile, CancellationToken cancellationToken)
    {
        NodeRestartOutcome outcome;
        try
        {
            outcome = await RestartNodeAsync(org, cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerException ex)
        {
            outcome = new NodeRestartOutcome(org, null, null, ex);
        }
        catch (OperationCanceledException)
        {
            outcome = new NodeRestartOutcome(org, null, null, LocalErrors.NotSupervised($"The consortium is stopping; {org} was not restarted."));
        }
        Answer(resultFile, new ControlResult
        {
            Ok = outcome.Error is null,
            Org = org,
            PreviousProcessId = outcome.PreviousProcessId,
            ProcessId = outcome.ProcessId,
            Error = outcome.Error is { } error ? ErrorOf(error) : null,
        });
    }

    private void Answer(string resultFile, ControlResult result)
    {
        try
        {
            ConsortiumControl.WriteWhole(resultFile, JsonSerializer.Serialize(result, ConsortiumControl.Json));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Report("control", SupervisionEventKind.Warning, $"the answer {resultFile} could not be written ({ex.Message}).");
        }
    }

    private static ControlError ErrorOf(LedgerException error) => new(error.Code, error.Category.ToString(), error.Message);

    private void ClearControlFolder()
    {
        // Requests and answers of an earlier run are stale: nobody waits for them any more.
        var folder = ConsortiumControl.Folder(_consortium.WorkDir);
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                ConsortiumControl.TryDelete(file);
            }
        }
    }

    // ------------------------------------------------------------------ shared

    private NodeWatch Watch(string org) =>
        _nodes.TryGetValue(org, out var watch) ? watch : throw new KeyNotFoundException($"No node of this consortium serves {org}.");

    /// <summary>Runs one supervision loop until cancelled; a defect in it is reported rather than lost.</summary>
    private async Task GuardAsync(string subject, Func<Task> loop, CancellationToken cancellationToken)
    {
        try
        {
            await loop().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Supervision ends.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Report(subject, SupervisionEventKind.Warning, $"supervision of {subject} failed unexpectedly ({ex.GetType().Name}: {ex.Message}); it is no longer supervised.");
            if (subject == SupervisionEvent.ChainSubject)
            {
                _fatal.TrySetResult(LocalErrors.ChainLost($"Supervision of the chain failed unexpectedly ({ex.Message}); the consortium is stopped."));
            }
        }
    }

    /// <summary>Rewrites the description (atomically) with the live process ids and states.</summary>
    private void SaveDescription()
    {
        if (_descriptionFile is null)
        {
            return;
        }
        lock (_writeGate)
        {
            try
            {
                _consortium.Describe().Save(_descriptionFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteLog(new SupervisionEvent(DateTimeOffset.UtcNow, "description", SupervisionEventKind.Warning, $"{_descriptionFile} could not be rewritten ({ex.Message})."));
            }
        }
    }

    private void Report(string subject, SupervisionEventKind kind, string message, int? processId = null, string? code = null)
    {
        var report = new SupervisionEvent(DateTimeOffset.UtcNow, subject, kind, message, processId, code);
        WriteLog(report);
        _report?.Invoke(report);
    }

    private void WriteLog(SupervisionEvent report)
    {
        lock (_writeGate)
        {
            try
            {
                File.AppendAllText(_logFile, report + Environment.NewLine);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The report callback still has it.
            }
        }
    }

    private static string ExitText(int? code) => code switch
    {
        null => "no exit code",
        > 128 and < 160 when !OperatingSystem.IsWindows() => string.Create(CultureInfo.InvariantCulture, $"code {code} (signal {code - 128}{(code == 137 ? ", SIGKILL" : code == 143 ? ", SIGTERM" : "")})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"code {code}"),
    };

    private static string Seconds(TimeSpan delay) => string.Create(CultureInfo.InvariantCulture, $"{delay.TotalSeconds:0.#} s");

    private static string Minutes(TimeSpan window) => string.Create(CultureInfo.InvariantCulture, $"{window.TotalMinutes:0.#} min");

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? message : message[..end].TrimEnd();
    }

    private sealed class NodeWatch(LocalNode node, RestartBackoff backoff)
    {
        public LocalNode Node { get; } = node;

        public RestartBackoff Backoff { get; } = backoff;

        public Channel<RestartRequest> Requests { get; } = Channel.CreateUnbounded<RestartRequest>();

        private volatile SupervisedState _state = SupervisedState.Running;

        public SupervisedState State
        {
            get => _state;
            set => _state = value;
        }
    }

    private sealed class RestartRequest
    {
        public TaskCompletionSource<NodeRestartOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
