using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Store.Anchoring;

/// <summary>Where an anchor batch is in its life (see docs/store.md, "Outbox and batcher").</summary>
public enum AnchorBatchState
{
    /// <summary>Members chosen, root computed, id fixed and persisted; nothing sent yet.</summary>
    Assigned = 0,
    /// <summary>The anchor transaction was (or may have been) sent; the confirmation was not recorded yet.</summary>
    Sent = 1,
    /// <summary>Confirmed on chain; every member carries its anchor and proof and has left the outbox.</summary>
    Anchored = 2,
    /// <summary>
    /// The chain already holds another root under this batch id (the organization anchored it from another store,
    /// e.g. one restored from an old backup). Nothing of this batch is on chain; its members went back to the outbox
    /// and are anchored in a later batch.
    /// </summary>
    Abandoned = 3,
}

/// <summary>An anchor batch as the store keeps it.</summary>
/// <param name="Sequence">The store's batch number (1, 2, 3, …); the batch id is <c>BatchId.For(org, Sequence)</c>.</param>
/// <param name="Id">The deterministic batch id.</param>
/// <param name="Root">The Merkle root of the members' hashes (OpenZeppelin standard tree).</param>
/// <param name="Kind">The members' kind, or <see cref="BatchKind.Mixed"/>.</param>
/// <param name="Uri">The reference anchored with the root (where the records can be asked for).</param>
/// <param name="Members">Sequence numbers of the member records, in tree input order.</param>
/// <param name="Hashes">Their record hashes, in the same order.</param>
/// <param name="State">Where the batch is.</param>
/// <param name="CreatedAtMs">When the batch was formed (unix ms).</param>
/// <param name="Attempts">How many times the anchor was sent.</param>
/// <param name="LastError">The last failure while anchoring, if any.</param>
/// <param name="BlockNumber">Block of the anchor, once anchored.</param>
/// <param name="TxHash">The anchor transaction, once anchored.</param>
/// <param name="AnchoredAtMs">When the confirmation was recorded.</param>
/// <param name="ConflictingRoot">For an abandoned batch: the other root the chain holds under its id.</param>
public sealed record AnchorBatch(
    ulong Sequence,
    BatchId Id,
    Hash32 Root,
    BatchKind Kind,
    string Uri,
    IReadOnlyList<ulong> Members,
    IReadOnlyList<RecordHash> Hashes,
    AnchorBatchState State,
    ulong CreatedAtMs,
    int Attempts,
    string? LastError,
    ulong? BlockNumber,
    Hash32? TxHash,
    ulong? AnchoredAtMs,
    Hash32? ConflictingRoot)
{
    /// <summary>Number of records in the batch.</summary>
    public uint Count => (uint)Members.Count;
}
