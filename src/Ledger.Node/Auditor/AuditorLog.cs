using Microsoft.Extensions.Logging;

namespace Ledger.Node.Auditor;

/// <summary>The auditor node's log messages (source-generated; structured fields).</summary>
internal static partial class AuditorLog
{
    [LoggerMessage(1570, LogLevel.Information, "Auditor copy loaded from {Path}: {Records} record(s) of {Members} member(s) in {ElapsedMs} ms.")]
    public static partial void Loaded(ILogger logger, string path, int records, int members, long elapsedMs);

    [LoggerMessage(1571, LogLevel.Warning, "Stored audit record {Id} cannot be read ({Reason}); it is skipped and will be pulled again.")]
    public static partial void UnreadableStored(ILogger logger, string id, string reason);

    [LoggerMessage(1572, LogLevel.Information, "Sync: {Pulled} record(s) pulled from {Synced} member(s), {Total} held; unreachable: {Unreachable}.")]
    public static partial void Synced(ILogger logger, ulong pulled, int synced, int total, string unreachable);

    [LoggerMessage(1573, LogLevel.Warning, "Sync: {Member} cannot be pulled from: {Reason}")]
    public static partial void MemberUnreachable(ILogger logger, string member, string reason);

    [LoggerMessage(1574, LogLevel.Warning, "Record {Sequence} of {Member} changed its hash from {Before} to {After} between two exports; the auditor keeps the latest, and verification will judge it.")]
    public static partial void RecordChanged(ILogger logger, string member, ulong sequence, string before, string after);

    [LoggerMessage(1575, LogLevel.Warning, "The background sync failed ({Reason}); it runs again in {IntervalMs} ms.")]
    public static partial void BackgroundSyncFailed(ILogger logger, string reason, long intervalMs);

    [LoggerMessage(1576, LogLevel.Information, "Audit view rebuilt: {Records} record(s), {Batches} batch(es), {Events} event(s) in {ElapsedMs} ms.")]
    public static partial void SnapshotBuilt(ILogger logger, int records, int batches, int events, long elapsedMs);

    [LoggerMessage(1577, LogLevel.Information, "Whole-ledger verification: {Summary} ({ElapsedMs} ms).")]
    public static partial void Verified(ILogger logger, string summary, long elapsedMs);

    [LoggerMessage(1578, LogLevel.Information, "Audit bundle of {Scope} written to {Path} ({Records} record(s), {Bytes} bytes).")]
    public static partial void BundleWritten(ILogger logger, string scope, string path, int records, long bytes);

    [LoggerMessage(1579, LogLevel.Warning, "Sync: the auditor's event indexer is at block {Indexed}, the pulled records refer to block {Needed}; trails show their records pending until it catches up.")]
    public static partial void IndexerBehind(ILogger logger, ulong indexed, ulong needed);
}
