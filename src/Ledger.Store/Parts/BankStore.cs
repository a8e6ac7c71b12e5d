using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Store.Internal;
using LiteDB;

namespace Ledger.Store.Parts;

/// <summary>
/// The bank's part of the store (<see cref="LedgerStore.Held"/>; schema 4, once <c>DataDir/bank.db</c>):
/// <list type="bullet">
/// <item><c>held</c>: one document per fetch (<c>_id</c> = request hash) — consent, provider, scopes, response hash,
/// the sealed envelope (removed on deletion), fetched-at, keep-until, checked-at block, the provider's access record,
/// and after deletion its time, cause and receipt; indexed by consent, live-until (keep-until while held), state
/// (held / deleting / deleted) and receipt;</item>
/// <item><c>creditReasons</c>: the canonical reasons JSON and rating of each credit decision, keyed by the reasons hash
/// the decision record commits to — written <em>before</em> the record is accepted;</item>
/// <item><c>loanReferences</c>: the bank's own reference of each loan it disbursed;</item>
/// <item><c>meta/bank-revocation-cursor</c>: the last <c>ConsentRevoked</c> event of the audit index handled.</item>
/// </list>
/// Every write goes through the store's one write path (committed and flushed before it returns).
/// </summary>
internal sealed class BankStore : IBankStore
{
    internal const string HeldState = "held";
    internal const string Deleting = "deleting";
    internal const string DeletedState = "deleted";

    private readonly LedgerStore _store;

    internal BankStore(LedgerStore store) => _store = store;

    internal static void EnsureIndexes(LiteDatabase db)
    {
        // The sweep's queries stay proportional to what is due, not to everything ever held.
        var held = db.GetCollection(Collections.Held);
        held.EnsureIndex("consent", "$.consent");
        held.EnsureIndex("liveUntil", "$.liveUntil");
        held.EnsureIndex("state", "$.state");
        held.EnsureIndex("receipt", "$.receipt");
    }

    public void Add(HeldItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        _store.Write("keep held data", db => db.GetCollection(Collections.Held).Upsert(ToDocument(item)));
    }

    public HeldItem? Get(Hash32 requestHash) => _store.Read("read held data", db =>
        db.GetCollection(Collections.Held).FindById(requestHash.ToString()) is { } doc ? FromDocument(doc) : null);

    public HeldItem? LatestLive(ConsentId consent, ulong nowMs) =>
        Live(consent).Where(i => i.KeepUntilMs > nowMs).OrderByDescending(i => i.FetchedAtMs).FirstOrDefault();

    public IReadOnlyList<HeldItem> Live(ConsentId consent) => _store.Read("read held data", db =>
        db.GetCollection(Collections.Held).Find(Query.EQ("consent", consent.ToString())).Select(FromDocument).Where(i => !i.Deleted).ToList());

    public IReadOnlyList<HeldItem> Expired(ulong nowMs) => _store.Read("read held data", db =>
        db.GetCollection(Collections.Held).Find(Query.Between("liveUntil", 0L, Signed(Math.Min(nowMs, (ulong)long.MaxValue))))
            .Select(FromDocument).Where(i => !i.Deleted).ToList());

    public IReadOnlyList<HeldItem> AwaitingReceipt() => _store.Read("read held data", db =>
        db.GetCollection(Collections.Held).Find(Query.EQ("state", Deleting)).Select(FromDocument).ToList());

    public IReadOnlyList<HeldItem> List(bool includeDeleted) => _store.Read("read held data", db =>
        db.GetCollection(Collections.Held).FindAll().Select(FromDocument).Where(i => includeDeleted || !i.Deleted)
            .OrderByDescending(i => i.FetchedAtMs).ToList());

    public HeldItem? MarkDeleted(Hash32 requestHash, DeletionCause cause, ulong atMs) => _store.Write<HeldItem?>("delete held data", db =>
    {
        var held = db.GetCollection(Collections.Held);
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
    });

    public void SetReceipt(Hash32 requestHash, RecordHash receipt) => _store.Write("note a deletion receipt", db =>
    {
        var held = db.GetCollection(Collections.Held);
        if (held.FindById(requestHash.ToString()) is { } doc)
        {
            doc["receipt"] = receipt.ToString();
            doc["state"] = DeletedState;
            held.Update(doc);
        }
    });

    public bool IsAssigned(RecordHash receipt) => _store.Read("read held data", db =>
        db.GetCollection(Collections.Held).Exists(Query.EQ("receipt", receipt.ToString())));

    public string? RevocationCursor
    {
        get => _store.Read("read the revocation cursor", db =>
            db.GetCollection(Collections.Meta).FindById(MetaIds.RevocationCursor) is { } doc ? doc["event"].AsString : null);
        set => _store.Write("save the revocation cursor", db =>
            db.GetCollection(Collections.Meta).Upsert(new BsonDocument { ["_id"] = MetaIds.RevocationCursor, ["event"] = value }));
    }

    public void PutReference(LoanId loan, string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        _store.Write("keep a loan reference", db =>
            db.GetCollection(Collections.LoanReferences).Upsert(new BsonDocument { ["_id"] = loan.ToString(), ["reference"] = reference }));
    }

    public string? Reference(LoanId loan) => _store.Read("read a loan reference", db =>
        db.GetCollection(Collections.LoanReferences).FindById(loan.ToString()) is { } doc ? doc["reference"].AsString : null);

    public void PutReasons(Hash32 reasonsHash, CreditReasons reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        _store.Write("keep a decision's reasons", db => db.GetCollection(Collections.CreditReasons).Upsert(new BsonDocument
        {
            ["_id"] = reasonsHash.ToString(),
            ["json"] = reasons.ReasonsJson,
            ["rating"] = reasons.Rating,
        }));
    }

    public CreditReasons? Find(Hash32 reasonsHash) => _store.Read("read a decision's reasons", db =>
        db.GetCollection(Collections.CreditReasons).FindById(reasonsHash.ToString()) is { } doc
            ? new CreditReasons(doc["json"].AsString, doc["rating"].AsString)
            : null);

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

    // Unsigned 64-bit values are kept bit for bit in LiteDB's Int64 (as the rest of the store does).
    private static long Signed(ulong value) => unchecked((long)value);

    private static ulong Unsigned(BsonValue value) => unchecked((ulong)value.AsInt64);
}
