using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Store.Records;

/// <summary>The store's answer to "accept this record": durable (committed with its outbox row) when returned.</summary>
/// <param name="Hash">The record's canonical hash.</param>
/// <param name="Sequence">The node's sequence number of the record (1, 2, 3, … — never reused).</param>
/// <param name="AcceptedAtMs">When the store first accepted it (unix ms).</param>
/// <param name="AlreadyStored">True when a record with the same hash was stored before: nothing new was written and
/// the earlier acceptance is returned (so a client's retry is harmless).</param>
public sealed record AcceptedRecord(RecordHash Hash, ulong Sequence, ulong AcceptedAtMs, bool AlreadyStored);

/// <summary>Where a record was anchored and the proof that it is in that batch.</summary>
/// <param name="Organization">The anchoring organization (the store's owner).</param>
/// <param name="BatchId">The batch id on chain.</param>
/// <param name="BatchSequence">The store's sequence number of the batch.</param>
/// <param name="Root">The Merkle root anchored on chain.</param>
/// <param name="BlockNumber">Block of the anchor transaction.</param>
/// <param name="TxHash">The anchor transaction.</param>
/// <param name="Proof">The record's inclusion proof (OpenZeppelin standard tree, bytes32 leaf = record hash).</param>
/// <param name="AnchoredAtMs">When the store learned of the confirmation (unix ms).</param>
public sealed record RecordAnchor(
    OrgId Organization,
    BatchId BatchId,
    ulong BatchSequence,
    Hash32 Root,
    ulong BlockNumber,
    Hash32 TxHash,
    IReadOnlyList<Hash32> Proof,
    ulong AnchoredAtMs)
{
    /// <summary>True when <see cref="Proof"/> proves <paramref name="hash"/> against <see cref="Root"/> (checked off chain).</summary>
    public bool Proves(RecordHash hash) => StandardMerkleTree.Verify(Root, hash.Value, Proof.ToArray());
}

/// <summary>A record as stored: its sequence, hash (checked against the content when read) and anchor, if any.</summary>
public sealed record StoredRecord(
    ulong Sequence,
    RecordHash Hash,
    ILedgerRecord Record,
    ulong AcceptedAtMs,
    RecordAnchor? Anchor)
{
    /// <summary>True once the record's batch is anchored on chain and its proof stored.</summary>
    public bool IsAnchored => Anchor is not null;
}

/// <summary>
/// A query over stored records. Every filter set must match; results come in sequence order, at most
/// <see cref="Limit"/> of them after <see cref="AfterSequence"/> (page with the last sequence of the previous page).
/// </summary>
public sealed record RecordQuery
{
    /// <summary>Records made under this consent.</summary>
    public ConsentId? Consent { get; init; }

    /// <summary>Records involving this organization in any role (provider, consumer, bank, recorder).</summary>
    public OrgId? Organization { get; init; }

    /// <summary>Records about this enterprise (credit decisions name it; access records are found by consent).</summary>
    public EnterpriseHash? Enterprise { get; init; }

    /// <summary>Records about this loan (fund-flow evidence).</summary>
    public LoanId? Loan { get; init; }

    /// <summary>Records of this kind.</summary>
    public BatchKind? Kind { get; init; }

    /// <summary>Records whose own time (served/refused/deleted/recorded/decided at) is at or after this (unix ms).</summary>
    public ulong? FromMs { get; init; }

    /// <summary>Records whose own time is before this (unix ms, exclusive).</summary>
    public ulong? UntilMs { get; init; }

    /// <summary>Only anchored (true) or only not-yet-anchored (false) records.</summary>
    public bool? Anchored { get; init; }

    /// <summary>Only records with a sequence above this (paging).</summary>
    public ulong AfterSequence { get; init; }

    /// <summary>At most this many records (1 to 10,000).</summary>
    public int Limit { get; init; } = 1000;
}
