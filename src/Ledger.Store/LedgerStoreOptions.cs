using Ledger.Core.Model;

namespace Ledger.Store;

/// <summary>Where a node keeps its store and who owns it (bound from configuration section <c>Ledger:Store</c>).</summary>
public sealed class LedgerStoreOptions
{
    /// <summary>Path of the LiteDB file, e.g. <c>data/bank.ccb.ledger.db</c>. Created (with its folder) when missing.</summary>
    public string Path { get; set; } = "";

    /// <summary>
    /// The organization that owns the store. Written into a new store; a store of another organization is refused at
    /// open, so a misconfigured node cannot mix two organizations' records.
    /// </summary>
    public OrgId Organization { get; set; }

    /// <summary>
    /// Optional password for LiteDB's encryption at rest (AES, key derived from the password and a per-file salt).
    /// Fixed when the file is created: an encrypted store needs it on every open, a plain store refuses one.
    /// Keep it in the node's secret configuration (environment <c>Ledger__Store__Password</c>), never in a file
    /// beside the store.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>
    /// After each commit, have the OS write the store's data and log files to the disk (fsync) before the call
    /// returns, so an acknowledged write survives a power loss or kernel crash, not only a process crash.
    /// LiteDB itself does not flush on commit. On by default; turn off only for throwaway stores.
    /// </summary>
    public bool SyncWrites { get; set; } = true;
}
