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
    /// A node passes the password it derives from its key store (<c>NodeKeys.StorePassword</c>); never keep one in a
    /// file beside the store.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>
    /// With <see cref="Password"/>: a plain store found at <see cref="Path"/> (one made before its node encrypted its
    /// store) is encrypted in place when it opens — LiteDB's rebuild into an encrypted file, then the plain copy LiteDB
    /// keeps beside it (<c>*-backup*</c>) is deleted — instead of being refused (LEDGER-1408). The node sets it; nothing
    /// is lost (the rebuild copies every document and index) and it runs once.
    /// </summary>
    public bool EncryptIfPlain { get; set; }

    /// <summary>
    /// After each commit, have the OS write the store's data and log files to the disk (fsync) before the call
    /// returns, so an acknowledged write survives a power loss or kernel crash, not only a process crash.
    /// LiteDB itself does not flush on commit. On by default; turn off only for throwaway stores.
    /// </summary>
    public bool SyncWrites { get; set; } = true;

    /// <summary>
    /// Files of schema 3 and before that kept a part of the node's state apart from the store (<c>DataDir/bank.db</c>, …):
    /// each one that exists is imported into the store when it opens (in one transaction) and renamed to
    /// <c>&lt;name&gt;.migrated</c>. Read only for this migration; nothing writes them any more (docs/store.md, "Migration").
    /// </summary>
    public LegacyStoreFiles Legacy { get; set; } = new();
}

/// <summary>The old separate files a node of schema 3 or before kept beside its store (null: none of that kind to import).</summary>
public sealed class LegacyStoreFiles
{
    /// <summary>The bank's <c>bank.db</c>: held data, decision reasons, loan references, revocation cursor.</summary>
    public string? Bank { get; set; }

    /// <summary>The alert log <c>alerts.db</c> (tax, bank and guarantor nodes).</summary>
    public string? Alerts { get; set; }

    /// <summary>The auditor's copy <c>auditor.db</c>.</summary>
    public string? Auditor { get; set; }

    /// <summary>The tax bureau's data <c>taxdata.db</c>.</summary>
    public string? TaxData { get; set; }

    /// <summary>The files of a node's data folder as schema 3 named them: <c>bank.db</c>, <c>alerts.db</c>, <c>auditor.db</c>, <c>taxdata.db</c>.</summary>
    public static LegacyStoreFiles InFolder(string dataDir) => new()
    {
        Bank = System.IO.Path.Combine(dataDir, "bank.db"),
        Alerts = System.IO.Path.Combine(dataDir, "alerts.db"),
        Auditor = System.IO.Path.Combine(dataDir, "auditor.db"),
        TaxData = System.IO.Path.Combine(dataDir, "taxdata.db"),
    };
}
