using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Hosting;
using LiteDB;

namespace Ledger.Node.Bank;

/// <summary>
/// Data a bank fetched under a consent and keeps for the consent's data life ("held data"). The report itself is kept
/// as the <see cref="Envelope"/> the provider sealed to the bank's registered encryption key, bound to (consent id,
/// request hash): it is encrypted at rest, and only this node's encryption key opens it. Deleting it drops the envelope
/// and keeps the facts (what was held, when it was deleted, why, and the deletion receipt).
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

/// <summary>
/// The bank node's own file, <c>DataDir/bank.db</c> (LiteDB, apart from the ledger store, opened on first use):
/// <list type="bullet">
/// <item><c>held</c>: one document per fetch (<c>_id</c> = request hash) — consent, provider, scopes, response hash,
/// the sealed envelope (removed on deletion), fetched-at, keep-until, checked-at block, the provider's access record,
/// and after deletion its time, cause and receipt; indexed by consent, live-until (keep-until while held), state
/// (held / deleting / deleted) and receipt;</item>
/// <item><c>reasons</c>: the canonical reasons JSON and rating of each credit decision, keyed by the reasons hash the
/// decision record commits to — written <em>before</em> the record is accepted, so no accepted decision lacks its
/// reasons (the record export attaches them);</item>
/// <item><c>meta</c>: the revocation cursor (the last <c>ConsentRevoked</c> event of the audit index handled).</item>
/// </list>
/// Every write is one LiteDB transaction (its write-ahead log is written before the call returns, so a write survives
/// the process dying).
/// </summary>
public sealed class BankStore : ICreditReasonsSource, IDisposable
{
    private const string Held = "held";
    private const string Reasons = "reasons";
    private const string References = "references";
    private const string Meta = "meta";
    private const string CursorId = "revocation-cursor";
    private const string HeldState = "held";
    private const string Deleting = "deleting";
    private const string DeletedState = "deleted";

    private readonly string _dataDir;
    private readonly Lock _gate = new();
    private LiteDatabase? _db;
    private bool _disposed;

    /// <summary>The bank node's store in the node's data folder (opened on first use; only the bank module registers it).</summary>
    public BankStore(LedgerNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataDir = options.DataDir;
    }

    /// <summary>The file's path.</summary>
    public string Path => System.IO.Path.GetFullPath(System.IO.Path.Combine(_dataDir, "bank.db"));

    private LiteDatabase Db
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _db ??= Open();
            }
        }
    }

    private LiteDatabase Open()
    {
        var path = Path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        LiteDatabase db;
        try
        {
            db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, Upgrade = false });
        }
        catch (Exception ex) when (ex is LiteException or IOException or UnauthorizedAccessException or InvalidCastException)
        {
            throw new LedgerException(BankErrors.NotABankCode, ErrorCategory.Unavailable,
                $"The bank's data file {path} cannot be opened ({ex.Message}); restore it from a backup or move it away to start empty.", ex);
        }
        // The sweep's queries stay proportional to what is due, not to everything ever held: liveUntil (keep-until while
        // held, null once deleted) and state (held / deleting / deleted) are indexed, as are consent and receipt.
        var held = db.GetCollection(Held);
        held.EnsureIndex("consent", "$.consent");
        held.EnsureIndex("liveUntil", "$.liveUntil");
        held.EnsureIndex("state", "$.state");
        held.EnsureIndex("receipt", "$.receipt");
        return db;
    }

    /// <summary>Keeps a fetched report.</summary>
    public void Add(HeldItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        Db.GetCollection(Held).Upsert(ToDocument(item));
    }

    /// <summary>The item with this request hash, or null.</summary>
    public HeldItem? Get(Hash32 requestHash) =>
        Db.GetCollection(Held).FindById(requestHash.ToString()) is { } doc ? FromDocument(doc) : null;

    /// <summary>The most recently fetched item of the consent still held and within its life at <paramref name="nowMs"/>, or null.</summary>
    public HeldItem? LatestLive(ConsentId consent, ulong nowMs) =>
        Live(consent).Where(i => i.KeepUntilMs > nowMs).OrderByDescending(i => i.FetchedAtMs).FirstOrDefault();

    /// <summary>Every item of the consent still held.</summary>
    public IReadOnlyList<HeldItem> Live(ConsentId consent) =>
        Db.GetCollection(Held).Find(Query.EQ("consent", consent.ToString())).Select(FromDocument).Where(i => !i.Deleted).ToList();

    /// <summary>Items still held whose life ended at or before <paramref name="nowMs"/>.</summary>
    public IReadOnlyList<HeldItem> Expired(ulong nowMs) =>
        Db.GetCollection(Held).Find(Query.Between("liveUntil", 0L, Signed(Math.Min(nowMs, (ulong)long.MaxValue)))).Select(FromDocument).Where(i => !i.Deleted).ToList();

    /// <summary>Items deleted whose deletion receipt is not accepted yet (a crash came between the two).</summary>
    public IReadOnlyList<HeldItem> AwaitingReceipt() =>
        Db.GetCollection(Held).Find(Query.EQ("state", Deleting)).Select(FromDocument).ToList();

    /// <summary>Every item, newest first; deleted ones only with <paramref name="includeDeleted"/>.</summary>
    public IReadOnlyList<HeldItem> List(bool includeDeleted) =>
        Db.GetCollection(Held).FindAll().Select(FromDocument).Where(i => includeDeleted || !i.Deleted).OrderByDescending(i => i.FetchedAtMs).ToList();

    /// <summary>
    /// Deletes the report of an item (drops its envelope) and notes when and why, in one transaction. Returns the
    /// updated item, or null when it was deleted already.
    /// </summary>
    public HeldItem? MarkDeleted(Hash32 requestHash, DeletionCause cause, ulong atMs)
    {
        lock (_gate)
        {
            var held = Db.GetCollection(Held);
            var doc = held.FindById(requestHash.ToString());
            if (doc is null || doc["deleted"].AsBoolean)
            {
                return null;
            }
            doc["envelope"] = BsonValue.Null;
            doc["deleted"] = true;
            doc["state"] = Deleting;
            doc["liveUntil"] = BsonValue.Null;
            doc["deletedAt"] = Signed(atMs);
            doc["cause"] = (int)cause;
            held.Update(doc);
            return FromDocument(doc);
        }
    }

    /// <summary>Notes the deletion receipt accepted for an item.</summary>
    public void SetReceipt(Hash32 requestHash, RecordHash receipt)
    {
        lock (_gate)
        {
            var held = Db.GetCollection(Held);
            if (held.FindById(requestHash.ToString()) is { } doc)
            {
                doc["receipt"] = receipt.ToString();
                doc["state"] = DeletedState;
                held.Update(doc);
            }
        }
    }

    /// <summary>Whether a deletion receipt is already noted on an item.</summary>
    public bool IsAssigned(RecordHash receipt) =>
        Db.GetCollection(Held).Exists(Query.EQ("receipt", receipt.ToString()));

    /// <summary>The id of the last <c>ConsentRevoked</c> event handled, or null.</summary>
    public string? RevocationCursor
    {
        get => Db.GetCollection(Meta).FindById(CursorId) is { } doc ? doc["event"].AsString : null;
        set => Db.GetCollection(Meta).Upsert(new BsonDocument { ["_id"] = CursorId, ["event"] = value });
    }

    /// <summary>
    /// Keeps the bank's own reference (contract number) of a loan: the chain has only the loan id derived from it
    /// (<see cref="LoanId.FromReference"/>), so the node that disbursed it is where the reference is read back.
    /// </summary>
    public void PutReference(LoanId loan, string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Db.GetCollection(References).Upsert(new BsonDocument { ["_id"] = loan.ToString(), ["reference"] = reference });
    }

    /// <summary>The bank's own reference of a loan it disbursed (null when this node did not keep one).</summary>
    public string? Reference(LoanId loan) =>
        Db.GetCollection(References).FindById(loan.ToString()) is { } doc ? doc["reference"].AsString : null;

    /// <summary>Keeps the reasons of a decision under the reasons hash its record commits to.</summary>
    public void PutReasons(Hash32 reasonsHash, CreditReasons reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        Db.GetCollection(Reasons).Upsert(new BsonDocument
        {
            ["_id"] = reasonsHash.ToString(),
            ["json"] = reasons.ReasonsJson,
            ["rating"] = reasons.Rating,
        });
    }

    /// <inheritdoc/>
    public CreditReasons? Find(Hash32 reasonsHash)
    {
        return Db.GetCollection(Reasons).FindById(reasonsHash.ToString()) is { } doc
            ? new CreditReasons(doc["json"].AsString, doc["rating"].AsString)
            : null;
    }

    private static BsonDocument ToDocument(HeldItem i) => new()
    {
        ["_id"] = i.RequestHash.ToString(),
        ["consent"] = i.ConsentId.ToString(),
        ["provider"] = i.Provider.Value.ToString(),
        ["scopes"] = Signed((ulong)i.Scopes),
        ["response"] = i.ResponseHash.ToString(),
        ["envelope"] = i.Envelope is null ? BsonValue.Null : new BsonValue(i.Envelope),
        ["fetchedAt"] = Signed(i.FetchedAtMs),
        ["keepUntil"] = Signed(i.KeepUntilMs),
        ["block"] = Signed(i.CheckedAtBlock),
        ["access"] = i.AccessRecord.ToString(),
        ["deleted"] = i.Deleted,
        ["state"] = !i.Deleted ? HeldState : i.Receipt is null ? Deleting : DeletedState,
        ["liveUntil"] = i.Deleted ? BsonValue.Null : Signed(Math.Min(i.KeepUntilMs, (ulong)long.MaxValue)),
        ["deletedAt"] = i.DeletedAtMs is { } at ? Signed(at) : BsonValue.Null,
        ["cause"] = i.Cause is { } c ? (int)c : BsonValue.Null,
        ["receipt"] = i.Receipt?.ToString() ?? BsonValue.Null,
    };

    private static HeldItem FromDocument(BsonDocument d) => new(
        Hash32.Parse(d["_id"].AsString),
        ConsentId.Parse(d["consent"].AsString),
        new OrgId(Hash32.Parse(d["provider"].AsString)),
        (Scopes)Unsigned(d["scopes"]),
        Hash32.Parse(d["response"].AsString),
        d["envelope"].IsNull ? null : d["envelope"].AsBinary,
        Unsigned(d["fetchedAt"]),
        Unsigned(d["keepUntil"]),
        Unsigned(d["block"]),
        Hash32.Parse(d["access"].AsString),
        d["deletedAt"].IsNull ? null : Unsigned(d["deletedAt"]),
        d["cause"].IsNull ? null : (DeletionCause)d["cause"].AsInt32,
        d["receipt"].IsNull ? null : RecordHash.Parse(d["receipt"].AsString));

    // Unsigned 64-bit values are kept bit for bit in LiteDB's Int64 (as the ledger store does).
    private static long Signed(ulong value) => unchecked((long)value);

    private static ulong Unsigned(BsonValue value) => unchecked((ulong)value.AsInt64);

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _db?.Dispose();
            _db = null;
        }
    }
}
