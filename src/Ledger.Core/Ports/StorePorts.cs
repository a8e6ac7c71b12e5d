using System.Globalization;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;

namespace Ledger.Core.Ports;

// Ports: the node's own state beside its records (the bank's held data, the alert log, the auditor's copy, the tax
// bureau's data). Ledger.Store implements each as a part of the node's one store file (LedgerStore.Held, .Alerts,
// .AuditorCopy, .OpenTaxData): every write is one transaction, committed and flushed to the disk before the call
// returns. The types here are the ports' own; the node's use cases depend on these interfaces, tests of use cases
// may give them in-memory implementations (docs/store.md, "Ports").

// ---- The bank's held data ----------------------------------------------------------------------------------------

/// <summary>
/// Data a bank fetched under a consent and keeps for the consent's data life ("held data"). The report itself is kept
/// as the <see cref="Envelope"/> the provider sealed to the bank's registered encryption key, bound to (consent id,
/// request hash): it is encrypted at rest, and only the bank node's encryption key opens it. Deleting it drops the
/// envelope and keeps the facts (what was held, when it was deleted, why, and the deletion receipt).
/// </summary>
/// <param name="RequestHash">The fetch's request hash (<c>Ledger.Core.Records.FetchRequest</c>): the item's id.</param>
/// <param name="ConsentId">The consent it was fetched under.</param>
/// <param name="Provider">The tax bureau that served it.</param>
/// <param name="Scopes">The scopes served.</param>
/// <param name="ResponseHash">keccak256 of the report's canonical JSON, as the provider recorded it.</param>
/// <param name="Envelope">The sealed report; null once deleted.</param>
/// <param name="FetchedAtMs">When the bank received it (unix ms, the bank's clock).</param>
/// <param name="KeepUntilMs">Fetched-at plus the consent's data life: the node deletes it then.</param>
/// <param name="CheckedAtBlock">The block the provider checked the consent at.</param>
/// <param name="AccessRecord">The provider's access record of the fetch.</param>
/// <param name="DeletedAtMs">When it was deleted (null: still held).</param>
/// <param name="Cause">Why it was deleted.</param>
/// <param name="Receipt">The deletion receipt accepted for it (null until accepted).</param>
public sealed record HeldItem(
    Hash32 RequestHash,
    ConsentId ConsentId,
    OrgId Provider,
    Scopes Scopes,
    Hash32 ResponseHash,
    byte[]? Envelope,
    ulong FetchedAtMs,
    ulong KeepUntilMs,
    ulong CheckedAtBlock,
    Hash32 AccessRecord,
    ulong? DeletedAtMs = null,
    DeletionCause? Cause = null,
    RecordHash? Receipt = null)
{
    /// <summary>True once deleted.</summary>
    public bool Deleted => DeletedAtMs is not null;
}

/// <summary>The reasons document of a credit decision and the rating the bank read, kept beside the record.</summary>
/// <param name="ReasonsJson">The canonical reasons JSON (<c>CreditDecision.CanonicalReasonsJson</c>); keccak256 of it is the record's <c>reasonsHash</c>.</param>
/// <param name="Rating">The latest tax-credit rating the decision saw (A/B/M/C/D), empty when none.</param>
public sealed record CreditReasons(string ReasonsJson, string Rating);

/// <summary>Finds the reasons document of a credit decision record (bank nodes keep them; other nodes have none).</summary>
public interface ICreditReasonsSource
{
    /// <summary>The reasons kept for a decision whose record commits to <paramref name="reasonsHash"/>, or null.</summary>
    CreditReasons? Find(Hash32 reasonsHash);
}

/// <summary>The reasons source of a node that makes no credit decisions (every role but the bank): none.</summary>
public sealed class NoCreditReasons : ICreditReasonsSource
{
    /// <summary>The one instance.</summary>
    public static NoCreditReasons Instance { get; } = new();

    private NoCreditReasons()
    {
    }

    /// <inheritdoc/>
    public CreditReasons? Find(Hash32 reasonsHash) => null;
}

/// <summary>The data a bank holds (its part of the node's store), as the data-life keeper (DeleteHeld) reads and deletes it.</summary>
public interface IHeldData
{
    /// <summary>Deleted items whose receipt is not noted yet (a deletion interrupted between its steps).</summary>
    IReadOnlyList<HeldItem> AwaitingReceipt();

    /// <summary>Live items whose keep-until is at or before <paramref name="nowMs"/>.</summary>
    IReadOnlyList<HeldItem> Expired(ulong nowMs);

    /// <summary>Live items held under <paramref name="consent"/>.</summary>
    IReadOnlyList<HeldItem> Live(ConsentId consent);

    /// <summary>Drops the item's envelope and notes the time and cause; null when it was deleted already.</summary>
    HeldItem? MarkDeleted(Hash32 requestHash, DeletionCause cause, ulong atMs);

    /// <summary>Notes the deletion receipt of a deleted item.</summary>
    void SetReceipt(Hash32 requestHash, RecordHash receipt);

    /// <summary>Whether some item already has <paramref name="receipt"/> as its receipt.</summary>
    bool IsAssigned(RecordHash receipt);

    /// <summary>How far the revocations were followed (an opaque cursor of the node's revocation feed).</summary>
    string? RevocationCursor { get; set; }
}

/// <summary>What the bank keeps beside its ledger records: decisions' reasons and loans' references.</summary>
public interface ILendingBook
{
    /// <summary>Keeps a decision's reasons document under the hash its record commits to.</summary>
    void PutReasons(Hash32 reasonsHash, CreditReasons reasons);

    /// <summary>Keeps the bank's own reference (contract number) of a loan it disbursed.</summary>
    void PutReference(LoanId loan, string reference);
}

/// <summary>The reports the bank fetched, as its report fetch keeps them and finds one to decide on.</summary>
public interface IFetchedReports
{
    /// <summary>Keeps a fetched report (replacing an item with the same request hash).</summary>
    void Add(HeldItem item);

    /// <summary>The most recently fetched item of the consent still held and within its life at <paramref name="nowMs"/>, or null.</summary>
    HeldItem? LatestLive(ConsentId consent, ulong nowMs);
}

/// <summary>
/// The bank node's own data: the reports it holds for their data life, the reasons of its credit decisions, its loan
/// references and the revocation cursor. Every write is committed and flushed to the disk before the call returns.
/// </summary>
public interface IBankStore : ICreditReasonsSource, IHeldData, ILendingBook, IFetchedReports
{
    // The deletion side (Live, Expired, AwaitingReceipt, MarkDeleted, SetReceipt, IsAssigned, RevocationCursor) is
    // IHeldData's; the lending side (PutReasons, PutReference) ILendingBook's; the fetch's (Add, LatestLive)
    // IFetchedReports': the ports the use cases take.

    /// <summary>The item with this request hash, or null.</summary>
#pragma warning disable CA1716 // the name the node's callers have always used (C# only)
    HeldItem? Get(Hash32 requestHash);
#pragma warning restore CA1716

    /// <summary>Every item, newest first; deleted ones only with <paramref name="includeDeleted"/>.</summary>
    IReadOnlyList<HeldItem> List(bool includeDeleted);

    /// <summary>The bank's own reference of a loan it disbursed (null when this node did not keep one).</summary>
    string? Reference(LoanId loan);
}

// ---- The alert log -----------------------------------------------------------------------------------------------

/// <summary>An early-warning event a node raises, to be streamed to the members exposed to the enterprise.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Enterprise">The enterprise (salted credit-code hash).</param>
/// <param name="Summary">One sentence for people.</param>
/// <param name="Details">Facts by name (e.g. year, previous, rating).</param>
/// <param name="RaisedAtMs">When it was raised (unix ms).</param>
/// <param name="Source">The organization whose node raised it.</param>
public sealed record NodeAlert(
    AlertKind Kind,
    EnterpriseHash Enterprise,
    string Summary,
    IReadOnlyDictionary<string, string> Details,
    ulong RaisedAtMs,
    OrgId Source)
{
    /// <summary>The loan concerned, if any.</summary>
    public LoanId? Loan { get; init; }
    /// <summary>The consent concerned, if any.</summary>
    public ConsentId? Consent { get; init; }
    /// <summary>The block of a chain-sourced alert.</summary>
    public ulong BlockNumber { get; init; }
    /// <summary>The transaction of a chain-sourced alert.</summary>
    public Hash32? TxHash { get; init; }
}

/// <summary>An alert as the node keeps it: its sequence (the id streamed), the alert, and who may see it.</summary>
/// <param name="Sequence">The node's sequence number of the alert (1, 2, …); <see cref="Id"/> is its wire form.</param>
/// <param name="Alert">The alert.</param>
/// <param name="Audience">The members exposed to the enterprise when the alert was raised: the only ones it is streamed to.</param>
/// <param name="Key">What the alert was raised from (<c>chain:&lt;event id&gt;</c>, <c>upstream:&lt;org&gt;:&lt;id&gt;</c>, <c>local:…</c>); raised once per key.</param>
public sealed record StoredAlert(long Sequence, NodeAlert Alert, IReadOnlySet<OrgId> Audience, string Key)
{
    /// <summary>The alert id on the wire.</summary>
    public string Id => AlertIds.Format(Sequence);
}

/// <summary>Alert ids on the wire: the node's sequence number, 16 digits zero-padded, so ids order as strings and as numbers.</summary>
public static class AlertIds
{
    /// <summary>The wire form of a sequence number.</summary>
    public static string Format(long sequence) => sequence.ToString("D16", CultureInfo.InvariantCulture);

    /// <summary>Parses an id (any decimal of 1 to 18 digits; <c>0</c> means "before the first alert").</summary>
    public static bool TryParse(string? text, out long sequence)
    {
        sequence = 0;
        return text is { Length: > 0 and <= 18 } && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }
}

/// <summary>
/// The node's alert log: alerts under their sequence numbers, raised once per key, with the cursor of each upstream
/// stream. Thread-safe; an append is committed and flushed to the disk before it returns (and before any stream sees it).
/// </summary>
public interface IAlertStore
{
    /// <summary>The sequence of the latest alert (0 when none yet).</summary>
    long LastSequence { get; }

    /// <summary>
    /// Appends alerts in one transaction, skipping keys raised before, and moves the upstream cursor when given;
    /// returns those appended.
    /// </summary>
    IReadOnlyList<StoredAlert> Append(IEnumerable<(string Key, NodeAlert Alert, IReadOnlySet<OrgId> Audience)> items, (OrgId Upstream, string AfterId)? cursor = null);

    /// <summary>Up to <paramref name="limit"/> alerts after <paramref name="sequence"/>, in order.</summary>
    IReadOnlyList<StoredAlert> After(long sequence, int limit);

    /// <summary>The id after which the stream from <paramref name="upstream"/> resumes (null: never received).</summary>
    string? Cursor(OrgId upstream);

    /// <summary>Forgets where the stream from <paramref name="upstream"/> stood (its node's alert log was reset).</summary>
    void ResetCursor(OrgId upstream);
}

// ---- The auditor's copy ------------------------------------------------------------------------------------------

/// <summary>Where the auditor stands with one member: the last sequence pulled and the first one still waiting for its anchor.</summary>
/// <param name="LastSequence">The highest record sequence pulled from the member (0: none yet).</param>
/// <param name="FirstPending">The lowest sequence pulled without an anchor (0: none); the next pull starts there again,
/// so a record exported while it waited in the member's outbox gets its anchor and proof later.</param>
/// <param name="LastSyncMs">When the member was last pulled from successfully (unix ms).</param>
public sealed record MemberCursor(ulong LastSequence, ulong FirstPending, ulong LastSyncMs)
{
    /// <summary>Nothing pulled yet.</summary>
    public static MemberCursor Start { get; } = new(0, 0, 0);

    /// <summary>The <c>after_sequence</c> of the next pull.</summary>
    public ulong ResumeAfter => FirstPending > 0 ? FirstPending - 1 : LastSequence;
}

/// <summary>The anchor of a copied record: its batch, root, inclusion proof and the anchoring transaction.</summary>
public sealed record CopiedAnchor(OrgId Org, BatchId BatchId, Hash32 Root, IReadOnlyList<Hash32> Proof, ulong BlockNumber, Hash32 TxHash);

/// <summary>
/// A record in the auditor's copy, as kept: its member and sequence there, its type and canonical fields JSON
/// (<c>RecordJson</c>), the hash its holder declared, its anchor once anchored, and a decision's reasons and rating.
/// </summary>
public sealed record CopiedRecord(
    OrgId Member,
    ulong Sequence,
    string Type,
    string FieldsJson,
    RecordHash DeclaredHash,
    CopiedAnchor? Anchor,
    string? ReasonsJson = null,
    string? Rating = null);

/// <summary>
/// The auditor's own copy of every member's off-chain records, with each member's cursor and two caches of chain facts
/// that never change once read (block times, anchored roots). A page of records and its member's cursor are written in
/// one transaction, committed and flushed to the disk before the call returns.
/// </summary>
public interface IAuditorCopy
{
    /// <summary>Every member's cursor.</summary>
    IReadOnlyDictionary<OrgId, MemberCursor> LoadMembers();

    /// <summary>
    /// Every copied record, member by member in sequence order. A document that no longer reads is reported to
    /// <paramref name="unreadable"/> (its id, and its member and sequence when those read) and skipped.
    /// </summary>
    IEnumerable<CopiedRecord> LoadRecords(Action<string, OrgId?, ulong?, Exception> unreadable);

    /// <summary>Writes a page of records (<paramref name="added"/> new, <paramref name="changed"/> replacing) and the member's cursor, in one transaction.</summary>
    void Save(OrgId member, IReadOnlyList<CopiedRecord> added, IReadOnlyList<CopiedRecord> changed, MemberCursor cursor);

    /// <summary>Block times read from the chain before.</summary>
    Dictionary<ulong, ulong> LoadBlockTimes();

    /// <summary>Keeps block times read from the chain.</summary>
    void SaveBlockTimes(IReadOnlyDictionary<ulong, ulong> times);

    /// <summary>Anchored roots read from the chain before, by (organization, batch).</summary>
    Dictionary<(OrgId Org, BatchId Batch), Hash32> LoadRoots();

    /// <summary>Keeps anchored roots read from the chain (a zero root is not kept: that batch may be anchored later).</summary>
    void SaveRoots(IReadOnlyDictionary<(OrgId Org, BatchId Batch), Hash32> roots);
}

// ---- The tax bureau's data ---------------------------------------------------------------------------------------

/// <summary>A taxpayer the tax node holds, with its salted credit-code hash and the enterprise account bound to it.</summary>
public sealed record TaxpayerEntry(Taxpayer Taxpayer, EnterpriseHash CreditCodeHash, EthAddress? BoundAccount);

/// <summary>
/// The tax bureau's own data: one entry per unified social credit code, found by its salted hash (the one the chain
/// knows) or registered name. Every write is committed and flushed to the disk before the call returns.
/// </summary>
public interface ITaxDataStore
{
    /// <summary>Number of taxpayers held.</summary>
    int Count { get; }

    /// <summary>The salted hash the chain knows for a credit code.</summary>
    EnterpriseHash HashOf(CreditCode code);

    /// <summary>Adds or replaces taxpayers (by credit code) in one transaction; a replaced taxpayer keeps its bound account.</summary>
    int Upsert(IEnumerable<Taxpayer> taxpayers);

    /// <summary>The taxpayer whose salted credit-code hash is <paramref name="hash"/>, or null.</summary>
    TaxpayerEntry? Find(EnterpriseHash hash);

    /// <summary>The taxpayers registered under exactly this name (at most <paramref name="limit"/>).</summary>
    IReadOnlyList<TaxpayerEntry> ByName(string name, int limit = 2);

    /// <summary>The taxpayer with this credit code, or null.</summary>
#pragma warning disable CA1716 // the name the node's callers have always used (C# only)
    TaxpayerEntry? Get(CreditCode code);
#pragma warning restore CA1716

    /// <summary>Records that <paramref name="account"/> is bound to the taxpayer on chain.</summary>
    void RecordBinding(CreditCode code, EthAddress account, Hash32 txHash);

    /// <summary>Sets the rating of <paramref name="year"/>; returns the latest rating before the change and the updated entry.</summary>
    (TaxCreditRating? Previous, TaxpayerEntry Updated) UpdateRating(CreditCode code, int year, TaxCreditRating rating);

    /// <summary>Up to <paramref name="limit"/> taxpayers in credit-code order.</summary>
    IReadOnlyList<TaxpayerEntry> List(int limit);
}
