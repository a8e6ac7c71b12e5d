namespace Ledger.Store.Internal;

/// <summary>The store's LiteDB collections (documented in docs/store.md).</summary>
internal static class Collections
{
    /// <summary>One document, <c>_id = "store"</c>: application, schema version, owning organization.</summary>
    public const string Meta = "meta";
    /// <summary>Durable counters: the record sequence, the batch sequence, and the last record taken into a batch in order.</summary>
    public const string Counters = "counters";
    /// <summary>
    /// Schema 3: the last consent sequence handed out per consent (<c>_id</c> = the consent id, <c>value</c>): accesses and
    /// refusals under a consent are numbered 1, 2, 3 … in the transaction that accepts them.
    /// </summary>
    public const string ConsentSequences = "consentSequences";
    /// <summary>
    /// Off-chain records, <c>_id</c> = the node's sequence number; a record's anchor is read from its batch (schema 1 wrote
    /// it into the record). Schema 5: indexed by <c>refs[*]</c> and <c>timeMs</c> only, found by hash through the store's
    /// hash directory (docs/store.md, "Why the records collection has no hash index").
    /// </summary>
    public const string Records = "records";
    /// <summary>Schema 1 only (removed by the upgrade): records not yet anchored, Pending, then Assigned to a batch.</summary>
    public const string Outbox = "outbox";
    /// <summary>Records an abandoned batch gave back, <c>_id</c> = the record's sequence: the next batch takes them first.</summary>
    public const string Requeue = "requeue";
    /// <summary>Anchor batches, <c>_id</c> = the batch sequence: members (and their range <c>first</c>..<c>last</c>), hashes, root, state, confirmation.</summary>
    public const string Batches = "batches";
    /// <summary>Chain events of the audit index, <c>_id</c> = <see cref="Core.Ports.ChainEvent.Id"/>.</summary>
    public const string Events = "events";
    /// <summary>Event indexers' checkpoints, <c>_id</c> = the indexer's name.</summary>
    public const string Checkpoints = "checkpoints";
    /// <summary>The transaction sender's write-ahead journal, <c>_id</c> = the caller's idempotency key.</summary>
    public const string Journal = "journal";

    // Schema 4: the node's other state, once in files of its own (bank.db, alerts.db, auditor.db, taxdata.db).

    /// <summary>The bank's held data, <c>_id</c> = the fetch's request hash (was <c>held</c> in bank.db).</summary>
    public const string Held = "held";
    /// <summary>The reasons of the bank's credit decisions, <c>_id</c> = the reasons hash (was <c>reasons</c> in bank.db).</summary>
    public const string CreditReasons = "creditReasons";
    /// <summary>The bank's own loan references, <c>_id</c> = the loan id (was <c>references</c> in bank.db).</summary>
    public const string LoanReferences = "loanReferences";
    /// <summary>The alert log, <c>_id</c> = the alert's sequence (was <c>alerts</c> in alerts.db).</summary>
    public const string Alerts = "alerts";
    /// <summary>Upstream alert streams' cursors, <c>_id</c> = the upstream organization (was <c>cursors</c> in alerts.db).</summary>
    public const string AlertCursors = "alertCursors";
    /// <summary>The auditor's copy of members' records, <c>_id</c> = member code/sequence (was <c>records</c> in auditor.db).</summary>
    public const string AuditorRecords = "auditorRecords";
    /// <summary>Reasons and ratings of copied decisions (was <c>documents</c> in auditor.db).</summary>
    public const string AuditorDocuments = "auditorDocuments";
    /// <summary>The auditor's cursor per member (was <c>members</c> in auditor.db).</summary>
    public const string AuditorMembers = "auditorMembers";
    /// <summary>Block times read from the chain by the auditor (was <c>blocktimes</c> in auditor.db).</summary>
    public const string AuditorBlockTimes = "auditorBlockTimes";
    /// <summary>Anchored roots read from the chain by the auditor (was <c>roots</c> in auditor.db).</summary>
    public const string AuditorRoots = "auditorRoots";
    /// <summary>The tax bureau's taxpayers, <c>_id</c> = the credit code (was <c>taxpayers</c> in taxdata.db).</summary>
    public const string Taxpayers = "taxpayers";
}

/// <summary>Documents of the <see cref="Collections.Meta"/> collection beside the store's own (<c>_id = "store"</c>).</summary>
internal static class MetaIds
{
    /// <summary>The bank's revocation cursor (was <c>meta/revocation-cursor</c> in bank.db).</summary>
    public const string RevocationCursor = "bank-revocation-cursor";
    /// <summary>The fingerprint of the tax node's salt (was <c>meta/salt</c> in taxdata.db).</summary>
    public const string TaxSalt = "tax-salt";
    /// <summary>Prefix of the marker written with an old file's import (<c>imported:bank.db</c>, …).</summary>
    public const string ImportedPrefix = "imported:";
}
