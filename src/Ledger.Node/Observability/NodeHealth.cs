using System.Globalization;

namespace Ledger.Node.Observability;

/// <summary>What the node's health check says: the gRPC health service answers SERVING for the first two, NOT_SERVING for the last.</summary>
public enum NodeHealthState
{
    /// <summary>Every signal within its thresholds.</summary>
    Serving,
    /// <summary>Serving, but a signal passed its degraded threshold (the reasons say which).</summary>
    Degraded,
    /// <summary>Not serving: not initialized, chain unreachable or stalled, the store unreadable, or a signal past its unhealthy threshold.</summary>
    Unhealthy,
}

/// <summary>
/// Thresholds of the node's health (<c>Ledger:Node:Health</c>). Each signal has a degraded and an unhealthy
/// threshold; 0 turns that threshold off. docs/observability.md lists them with their defaults.
/// </summary>
public sealed class NodeHealthOptions
{
    /// <summary>Blocks the event indexer may be behind the final head before the node counts as degraded.</summary>
    public ulong IndexerLagDegradedBlocks { get; set; } = 20;

    /// <summary>…and before it counts as unhealthy.</summary>
    public ulong IndexerLagUnhealthyBlocks { get; set; } = 1_000;

    /// <summary>Records waiting to be anchored (pending or in an unfinished batch) before the node counts as degraded.</summary>
    public long AnchorBacklogDegraded { get; set; } = 10_000;

    /// <summary>…and before it counts as unhealthy.</summary>
    public long AnchorBacklogUnhealthy { get; set; } = 100_000;

    /// <summary>How long the oldest unanchored record may be overdue (waiting longer than <c>Batcher:MaxWaitMs</c>) before the node counts as degraded.</summary>
    public TimeSpan AnchorOverdueDegraded { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>…and before it counts as unhealthy.</summary>
    public TimeSpan AnchorOverdueUnhealthy { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Free space (MiB) on the store's disk below which the node counts as degraded.</summary>
    public long FreeDiskDegradedMb { get; set; } = 512;

    /// <summary>…and below which it counts as unhealthy.</summary>
    public long FreeDiskUnhealthyMb { get; set; } = 64;

    /// <summary>The sentences of the thresholds that are out of range (none when valid).</summary>
    public IEnumerable<string> Problems()
    {
        if (IndexerLagUnhealthyBlocks != 0 && IndexerLagDegradedBlocks > IndexerLagUnhealthyBlocks)
        {
            yield return $"Ledger:Node:Health:IndexerLagDegradedBlocks {IndexerLagDegradedBlocks} is above IndexerLagUnhealthyBlocks {IndexerLagUnhealthyBlocks}; the degraded threshold comes first (0 turns one off).";
        }
        if (AnchorBacklogDegraded < 0 || AnchorBacklogUnhealthy < 0)
        {
            yield return "Ledger:Node:Health:AnchorBacklogDegraded and AnchorBacklogUnhealthy are record counts; use 0 (off) or more.";
        }
        else if (AnchorBacklogUnhealthy != 0 && AnchorBacklogDegraded > AnchorBacklogUnhealthy)
        {
            yield return $"Ledger:Node:Health:AnchorBacklogDegraded {AnchorBacklogDegraded} is above AnchorBacklogUnhealthy {AnchorBacklogUnhealthy}; the degraded threshold comes first (0 turns one off).";
        }
        if (AnchorOverdueDegraded < TimeSpan.Zero || AnchorOverdueUnhealthy < TimeSpan.Zero || AnchorOverdueUnhealthy > TimeSpan.FromDays(30))
        {
            yield return "Ledger:Node:Health:AnchorOverdueDegraded and AnchorOverdueUnhealthy are times from 0 (off) to 30 days, e.g. 00:02:00.";
        }
        else if (AnchorOverdueUnhealthy != TimeSpan.Zero && AnchorOverdueDegraded > AnchorOverdueUnhealthy)
        {
            yield return $"Ledger:Node:Health:AnchorOverdueDegraded {AnchorOverdueDegraded} is above AnchorOverdueUnhealthy {AnchorOverdueUnhealthy}; the degraded threshold comes first (0 turns one off).";
        }
        if (FreeDiskDegradedMb < 0 || FreeDiskUnhealthyMb < 0)
        {
            yield return "Ledger:Node:Health:FreeDiskDegradedMb and FreeDiskUnhealthyMb are MiB; use 0 (off) or more.";
        }
        else if (FreeDiskDegradedMb != 0 && FreeDiskDegradedMb < FreeDiskUnhealthyMb)
        {
            yield return $"Ledger:Node:Health:FreeDiskDegradedMb {FreeDiskDegradedMb} is below FreeDiskUnhealthyMb {FreeDiskUnhealthyMb}; the degraded threshold comes first (0 turns one off).";
        }
    }
}

/// <summary>The signals the node's health is judged on, read at one moment.</summary>
/// <param name="Ready">The node finished its start-up.</param>
/// <param name="ChainDegraded">The chain cannot be read, or its head stalled (<see cref="Hosting.ChainView.Degraded"/>).</param>
/// <param name="ChainReason">Why.</param>
/// <param name="IndexerLagBlocks">Blocks the event indexer is behind the final head (null: unknown).</param>
/// <param name="AnchorBacklog">Records not yet anchored (null: the store could not say).</param>
/// <param name="AnchorOverdue">How long the oldest of them has waited beyond the batcher's wait (zero when none is overdue).</param>
/// <param name="StoreError">Why the store could not be read (null when it could).</param>
/// <param name="FreeDiskBytes">Free space on the store's disk (null: unknown).</param>
public sealed record NodeHealthSignals(
    bool Ready,
    bool ChainDegraded,
    string ChainReason,
    ulong? IndexerLagBlocks,
    long? AnchorBacklog,
    TimeSpan AnchorOverdue,
    string? StoreError,
    long? FreeDiskBytes);

/// <summary>The verdict: the state and one sentence per signal past a threshold (empty when serving).</summary>
public sealed record NodeHealthReport(NodeHealthState State, IReadOnlyList<string> Reasons)
{
    /// <summary>The state's word: <c>serving</c>, <c>degraded</c> or <c>unhealthy</c>.</summary>
    public string Word => State switch
    {
        NodeHealthState.Serving => "serving",
        NodeHealthState.Degraded => "degraded",
        _ => "unhealthy",
    };

    /// <summary>The reasons in one line.</summary>
    public string Summary => Reasons.Count == 0 ? Word : $"{Word}: {string.Join("; ", Reasons)}";
}

/// <summary>The thresholds applied to the signals: pure, so every edge is unit-tested.</summary>
public static class NodeHealthRules
{
    /// <summary>Judges <paramref name="signals"/> against <paramref name="options"/>: the worst signal decides.</summary>
    public static NodeHealthReport Evaluate(NodeHealthSignals signals, NodeHealthOptions options)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(options);
        if (!signals.Ready)
        {
            return new NodeHealthReport(NodeHealthState.Unhealthy, ["starting"]);
        }
        var state = NodeHealthState.Serving;
        var reasons = new List<string>();
        void Note(NodeHealthState level, string reason)
        {
            state = level > state ? level : state;
            reasons.Add(reason);
        }

        if (signals.ChainDegraded)
        {
            Note(NodeHealthState.Unhealthy, $"chain unreachable or stalled ({signals.ChainReason})");
        }
        if (signals.StoreError is { } storeError)
        {
            Note(NodeHealthState.Unhealthy, $"store unreadable ({storeError})");
        }
        if (signals.IndexerLagBlocks is { } lag)
        {
            if (Past(lag, options.IndexerLagUnhealthyBlocks))
            {
                Note(NodeHealthState.Unhealthy, Invariant($"indexer {lag} blocks behind the chain (unhealthy from {options.IndexerLagUnhealthyBlocks})"));
            }
            else if (Past(lag, options.IndexerLagDegradedBlocks))
            {
                Note(NodeHealthState.Degraded, Invariant($"indexer {lag} blocks behind the chain (degraded from {options.IndexerLagDegradedBlocks})"));
            }
        }
        if (signals.AnchorBacklog is { } backlog)
        {
            if (Past(backlog, options.AnchorBacklogUnhealthy))
            {
                Note(NodeHealthState.Unhealthy, Invariant($"{backlog} records waiting to be anchored (unhealthy from {options.AnchorBacklogUnhealthy})"));
            }
            else if (Past(backlog, options.AnchorBacklogDegraded))
            {
                Note(NodeHealthState.Degraded, Invariant($"{backlog} records waiting to be anchored (degraded from {options.AnchorBacklogDegraded})"));
            }
        }
        if (signals.AnchorOverdue > TimeSpan.Zero)
        {
            if (options.AnchorOverdueUnhealthy > TimeSpan.Zero && signals.AnchorOverdue >= options.AnchorOverdueUnhealthy)
            {
                Note(NodeHealthState.Unhealthy, $"oldest unanchored record overdue by {Seconds(signals.AnchorOverdue)} (unhealthy from {Seconds(options.AnchorOverdueUnhealthy)})");
            }
            else if (options.AnchorOverdueDegraded > TimeSpan.Zero && signals.AnchorOverdue >= options.AnchorOverdueDegraded)
            {
                Note(NodeHealthState.Degraded, $"oldest unanchored record overdue by {Seconds(signals.AnchorOverdue)} (degraded from {Seconds(options.AnchorOverdueDegraded)})");
            }
        }
        if (signals.FreeDiskBytes is { } free)
        {
            var freeMb = free / (1024 * 1024);
            if (options.FreeDiskUnhealthyMb > 0 && freeMb < options.FreeDiskUnhealthyMb)
            {
                Note(NodeHealthState.Unhealthy, Invariant($"{freeMb} MiB free on the store's disk (unhealthy below {options.FreeDiskUnhealthyMb})"));
            }
            else if (options.FreeDiskDegradedMb > 0 && freeMb < options.FreeDiskDegradedMb)
            {
                Note(NodeHealthState.Degraded, Invariant($"{freeMb} MiB free on the store's disk (degraded below {options.FreeDiskDegradedMb})"));
            }
        }
        return new NodeHealthReport(state, reasons);
    }

    // A threshold of 0 is off; otherwise reaching it counts.
    private static bool Past(ulong value, ulong threshold) => threshold != 0 && value >= threshold;

    private static bool Past(long value, long threshold) => threshold > 0 && value >= threshold;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
