namespace Ledger.Node.Auditor;

/// <summary>Auditor node settings (<c>Ledger:Node:Auditor</c>).</summary>
public sealed class NodeAuditorOptions
{
    /// <summary>Largest interval <see cref="SyncInterval"/> may be set to.</summary>
    public static readonly TimeSpan MaxSyncInterval = TimeSpan.FromDays(1);

    /// <summary>
    /// How often the auditor pulls new records from every active member in the background (default 30 s);
    /// <c>00:00:00</c> turns the background sync off (<c>Audit.Sync</c> still pulls on demand).
    /// </summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a sync waits for the auditor's own event indexer to reach the blocks the pulled records refer to
    /// (their checked and anchor blocks), so a trail right after a sync sees their consents and anchors (default 15 s).
    /// </summary>
    public TimeSpan IndexerWait { get; set; } = TimeSpan.FromSeconds(15);
}
