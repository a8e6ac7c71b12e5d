using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Core.Errors;

namespace Ledger.Local;

/// <summary>The outcome of a node restart asked of a supervisor.</summary>
/// <param name="Org">The node's organization.</param>
/// <param name="PreviousProcessId">The process that was stopped (null when the node was not running).</param>
/// <param name="ProcessId">The new process, ready (null when it did not come back).</param>
/// <param name="Error">Why it did not come back (LEDGER-1651 with the end of its log), or null.</param>
public sealed record NodeRestartOutcome(string Org, int? PreviousProcessId, int? ProcessId, LedgerException? Error);

/// <summary>
/// Asks the <c>ledger up</c> process that supervises a consortium to do something — today, restart a node — from
/// another process (<c>ledger node restart ORG</c>). The request is a file in <c>WORK-DIR/control/</c>, written whole
/// (a temporary file renamed into place); the supervisor picks it up within a quarter of a second, does it, and
/// answers with a result file beside it. Only the <c>up</c> process can restart a node: it alone holds the key store
/// passwords (generated ones never leave it) and the node's configuration, and the restarted process stays its child,
/// supervised like the others. Files, not a socket: nothing listens, and only whoever may write the work folder —
/// which holds the key stores already — can ask.
/// </summary>
public static class ConsortiumControl
{
    /// <summary>The format tag of requests and results.</summary>
    public const string FormatTag = "ledger-control/1";

    internal const string RestartNodeAction = "restart-node";
    internal const string RequestSuffix = ".request.json";
    internal const string ResultSuffix = ".result.json";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The control folder of a work folder.</summary>
    public static string Folder(string workDir) => Path.Combine(workDir, "control");

    /// <summary>How long the supervisor may take to pick a request up (it reads the folder four times a second).</summary>
    public static readonly TimeSpan PickUpTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Asks the supervisor of <paramref name="description"/> to restart the node of <paramref name="org"/> (stop it
    /// politely, start it on the same port, data and key store, wait until it is ready) and waits for the answer: while
    /// the <c>up</c> process lives, up to <paramref name="timeout"/> once the request was picked up (a start on a loaded
    /// machine can take minutes), and <see cref="PickUpTimeout"/> for the pick-up itself.
    /// </summary>
    /// <exception cref="LedgerException">LEDGER-1659 when no supervisor runs the consortium, or it does not pick the
    /// request up or answer in time; LEDGER-1654 for a description without that node.</exception>
    public static async Task<NodeRestartOutcome> RestartNodeAsync(
        ConsortiumDescription description, string org, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentException.ThrowIfNullOrWhiteSpace(org);
        if (description.Node(org) is null)
        {
            throw LocalErrors.Description(
                $"The consortium in {description.WorkDir} has no node of {org}; it has {string.Join(", ", description.Nodes.Select(n => n.Org))}.");
        }
        EnsureSupervised(description);
        var folder = Folder(description.WorkDir);
        Directory.CreateDirectory(folder);
        var id = Guid.NewGuid().ToString("N");
        var request = new ControlRequest { Action = RestartNodeAction, Org = org, RequestedBy = Environment.ProcessId };
        var requestFile = Path.Combine(folder, id + RequestSuffix);
        var resultFile = Path.Combine(folder, id + ResultSuffix);
        WriteWhole(requestFile, JsonSerializer.Serialize(request, Json));
        var watch = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                if (File.Exists(resultFile))
                {
                    var result = JsonSerializer.Deserialize<ControlResult>(await File.ReadAllTextAsync(resultFile, cancellationToken).ConfigureAwait(false), Json)
                        ?? throw LocalErrors.NotSupervised($"The supervisor's answer {resultFile} is empty.");
                    File.Delete(resultFile);
                    return new NodeRestartOutcome(
                        result.Org ?? org, result.PreviousProcessId, result.ProcessId,
                        result.Error is { } error ? new LedgerException(error.Code, Enum.TryParse<ErrorCategory>(error.Category, out var category) ? category : ErrorCategory.Unavailable, error.Message) : null);
                }
                if (!LocalProcesses.IsAlive(description.ProcessId!.Value))
                {
                    throw LocalErrors.NotSupervised(
                        $"The `ledger up` process {description.ProcessId} ended before it answered; nothing supervises the consortium now. `ledger down` stops what is left; `ledger up` starts it again.");
                }
                if (File.Exists(requestFile) && watch.Elapsed > PickUpTimeout)
                {
                    throw LocalErrors.NotSupervised(
                        $"The `ledger up` process {description.ProcessId} did not pick the request up within {PickUpTimeout.TotalSeconds:0} s (is it an older version, or stuck?); nothing was restarted.");
                }
                if (watch.Elapsed > timeout)
                {
                    throw LocalErrors.NotSupervised(
                        $"The `ledger up` process {description.ProcessId} took the request but did not answer within {timeout.TotalSeconds:0} s; its terminal and WORK-DIR/supervisor.log show how the restart goes.");
                }
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            TryDelete(requestFile);
        }
    }

    /// <summary>Throws LEDGER-1659 unless the description's <c>ledger up</c> process is alive.</summary>
    public static void EnsureSupervised(ConsortiumDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (description.ProcessId is not { } pid || !LocalProcesses.IsAliveAs(pid, LocalProcessKind.Orchestrator))
        {
            throw LocalErrors.NotSupervised(description.ProcessId is { } gone
                ? $"The `ledger up` process {gone} that the description in {description.WorkDir} names is not running, so nothing can restart a node (only it knows the nodes' configuration and key store passwords). `ledger down` stops whatever it left running; `ledger up` starts the consortium again."
                : $"The description of the consortium in {description.WorkDir} names no `ledger up` process; start it with `ledger up`.");
        }
    }

    internal static void WriteWhole(string file, string text)
    {
        var temp = file + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(temp, text);
        File.Move(temp, file, overwrite: true);
    }

    internal static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the supervisor clears the folder when it starts.
        }
    }
}

/// <summary>A request in the control folder.</summary>
internal sealed record ControlRequest
{
    public string Format { get; init; } = ConsortiumControl.FormatTag;

    public string Action { get; init; } = "";

    public string? Org { get; init; }

    public int? RequestedBy { get; init; }
}

/// <summary>The supervisor's answer to a request.</summary>
internal sealed record ControlResult
{
    public string Format { get; init; } = ConsortiumControl.FormatTag;

    public bool Ok { get; init; }

    public string? Org { get; init; }

    public int? PreviousProcessId { get; init; }

    public int? ProcessId { get; init; }

    public ControlError? Error { get; init; }
}

/// <summary>A failure in a control result.</summary>
internal sealed record ControlError(string Code, string Category, string Message);
