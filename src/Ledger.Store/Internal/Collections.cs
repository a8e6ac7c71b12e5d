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
}
