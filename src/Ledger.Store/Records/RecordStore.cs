using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Store.Anchoring;
using Ledger.Store.Internal;
using LiteDB;

namespace Ledger.Store.Records;

/// <summary>
/// The node's off-chain records. <see cref="Accept(ILedgerRecord)"/> writes the record (with the record sequence)
/// in one LiteDB transaction and returns only after the commit, so "accepted" always means "durable and queued
/// for anchoring" (a record waits for a batch by its sequence, see <see cref="AnchorOutbox"/>); once its batch is
/// anchored, a record read from the store carries its anchor and proof, derived from the batch
/// (<see cref="BatchAnchors"/>).
/// </summary>
public sealed class RecordStore
{
    /// <summary>Largest page a query returns.</summary>
    public const int MaxQueryLimit = 10_000;

    private readonly LedgerStore _store;

    private readonly RecordCommitQueue _commits;

    private readonly BatchAnchors _anchors;

    // Where records are found by hash (schema 5 has no hash index).
    private readonly HashDirectory _hashes = new();
    private readonly CommittedCounters _committed = new();

    /// <summary>
    /// Counter (in <c>counters</c>): the highest sequence field of a stored record that was above the sequence it was
    /// stored under (0 when none; the node's records carry their own sequence). See AcceptInTransaction.
    /// </summary>
    internal const string ClaimedAheadCounter = "claimed-ahead";

    internal RecordStore(LedgerStore store)
    {
        _store = store;
        _commits = new RecordCommitQueue(this);
        _anchors = new BatchAnchors(store.Organization);
    }

    /// <summary>Raised after a commit that added records (outside the store's lock), with how many; the batcher listens.</summary>
    internal event Action<int>? Accepted;

    /// <summary>Sequence number of the last record accepted (0 when none).</summary>
    public ulong LastSequence => _store.Read("read the record sequence", db => LedgerStore.CurrentValue(db, LedgerStore.Counter.RecordSequence));

    /// <summary>Number of records stored.</summary>
    public long Count => _store.Read("count records", db => db.GetCollection(Collections.Records).LongCount());

    /// <summary>
    /// Stores <paramref name="record"/> durably with its outbox row and returns its hash and sequence number.
    /// A record already stored (same hash) is not stored twice: its earlier acceptance is returned.
    /// </summary>
    /// <exception cref="LedgerException">LEDGER-1421 for a record type the store does not know; LEDGER-1410 when the
    /// file cannot be written (nothing is stored then).</exception>
    public AcceptedRecord Accept(ILedgerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return AcceptCore(_ => record);
    }

    /// <summary>
    /// Stores the record that <paramref name="create"/> builds with the node's next sequence number, so a record's
    /// own <c>Sequence</c> field can be the store's (gap-free, never reused, durable across restarts).
    /// </summary>
    public AcceptedRecord Accept(Func<ulong, ILedgerRecord> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        return AcceptCore(create);
    }

    /// <summary>Stores several records in one transaction: all of them, or none when any fails.</summary>
    public IReadOnlyList<AcceptedRecord> AcceptAll(IEnumerable<ILedgerRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var list = records.Select(r => (Func<ulong, ILedgerRecord>)(_ => r)).ToList();
        return list.Count == 0 ? [] : WriteRecords("accept records", list);
    }

    /// <summary>
    /// Stores the records the factories build, in ONE transaction (one commit, one flush to the disk): each factory is
    /// called with the sequence number its record gets. All of them are stored, or none when any fails. A factory must
    /// be a pure function of the sequence it is given (it may be called again on a retry).
    /// </summary>
    /// <exception cref="LedgerException">LEDGER-1421 for a record type the store does not know; LEDGER-1410 when the
    /// file cannot be written (nothing is stored then).</exception>
    public IReadOnlyList<AcceptedRecord> AcceptMany(IReadOnlyList<Func<ulong, ILedgerRecord>> creates)
    {
        ArgumentNullException.ThrowIfNull(creates);
        return creates.Count == 0 ? [] : WriteRecords("accept records", creates);
    }

    /// <summary>
    /// Group commit: queues the record and completes once it is durable, like <see cref="Accept(Func{ulong, ILedgerRecord})"/>,
    /// but records accepted concurrently by many callers share one transaction and one flush to the disk, so a busy
    /// node pays the disk's latency once per group instead of once per record. When a group fails as a whole, its
    /// records are retried one by one, so one bad record fails only its own caller.
    /// </summary>
    /// <remarks>The factory must be a pure function of the sequence number it is given (it may be called again on a retry).</remarks>
    /// <exception cref="LedgerException">as <see cref="Accept(Func{ulong, ILedgerRecord})"/>.</exception>
    /// <exception cref="ObjectDisposedException">when the store is closed.</exception>
    public Task<AcceptedRecord> AcceptAsync(Func<ulong, ILedgerRecord> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        return _commits.Enqueue(create);
    }

    /// <summary>Commits what is queued and stops the group-commit queue (called when the store closes).</summary>
    internal void CloseCommitQueue() => _commits.Close();

    private AcceptedRecord AcceptCore(Func<ulong, ILedgerRecord> create) => WriteRecords("accept a record", [create])[0];

    // Accepts the records in one transaction. The counters (record sequence, claimed-ahead, each consent's sequence)
    // are read once and written once per transaction: on the group-commit path a counter's read and write cost as much
    // as a record's insert. The hash directory learns the new records once the transaction committed.
    private AcceptedRecord[] WriteRecords(string operation, IReadOnlyList<Func<ulong, ILedgerRecord>> creates)
    {
        var builtBefore = _hashes.IsBuilt;
        AcceptedRecord[] results;
        try
        {
            Transaction? open = null;
            results = _store.Write(operation, db =>
            {
                var tx = open = new Transaction(db, _committed);
                var accepted = new AcceptedRecord[creates.Count];
                for (var i = 0; i < creates.Count; i++)
                {
                    accepted[i] = AcceptInTransaction(tx, creates[i]);
                }
                tx.Save();
                return accepted;
            }, committed: accepted =>
            {
                open?.Committed();
                foreach (var record in accepted)
                {
                    if (!record.AlreadyStored)
                    {
                        _hashes.Add(record.Hash.Value, record.Sequence);
                    }
                }
            });
        }
        catch when (!builtBefore && _hashes.IsBuilt)
        {
            // Built inside a transaction that was rolled back: it may name records that are not stored.
            _hashes.Reset();
            throw;
        }
        if (results.Count(r => !r.AlreadyStored) is var added and > 0)
        {
            Accepted?.Invoke(added);
        }
        return results;
    }

    // Accepts one record inside the caller's transaction (advancing the transaction's counters when it is new).
    private AcceptedRecord AcceptInTransaction(Transaction tx, Func<ulong, ILedgerRecord> create)
    {
        var next = tx.LastSequence + 1;
        var record = create(next) ?? throw new InvalidOperationException("The record factory returned null.");

        // Accesses and refusals are numbered per consent here, in the accepting transaction: the store is the one
        // source of consent sequences, so they are gapless (docs/store.md, "Consent sequences").
        ConsentId? numbered = null;
        if (record is IConsentSequencedRecord answer)
        {
            var consentNext = tx.Consents.Last(answer.ConsentId) + 1;
            if (answer.ConsentSequence == 0)
            {
                record = answer.WithConsentSequence(consentNext);
            }
            else if (answer.ConsentSequence != consentNext)
            {
                // Only a record stored before may carry another number (accepted again: it is returned as it was).
                if (Existing(tx, record.Hash()) is { } stored)
                {
                    return stored;
                }
                throw StoreErrors.ConsentSequenceOutOfOrder(answer.ConsentId.ToString(), answer.ConsentSequence, consentNext);
            }
            numbered = answer.ConsentId;
        }
        var hash = record.Hash();
        var (body, index) = RecordCodec.Encode(record);

        // A record numbered with the sequence it is stored under, above every number a stored record claimed ahead
        // of its own, cannot be stored already: every record's hash covers its sequence field, and no stored record
        // has this one (docs/store.md, "Why the records collection has no hash index"). Others are looked up.
        var fresh = index.Sequence == next && next > tx.ClaimedAhead;
        if (tx.Added.TryGetValue(hash, out var inThisTransaction))
        {
            return inThisTransaction with { AlreadyStored = true };
        }
        if (!fresh && Existing(tx, hash) is { } duplicate)
        {
            return duplicate;
        }

        var sequence = next;
        var now = _store.NowMs;
        var doc = new BsonDocument
        {
            ["_id"] = Bson.U64(sequence),
            ["hash"] = Bson.Binary(hash.Value),
            ["kind"] = (int)record.Kind,
            ["type"] = index.Type,
            ["timeMs"] = Bson.U64(index.TimeMs),
            ["acceptedAtMs"] = Bson.U64(now),
            ["refs"] = RecordKeys.Refs(index),
            ["body"] = body,
        };
        tx.Records.Insert(doc);
        tx.LastSequence = sequence;
        if (index.Sequence > sequence)
        {
            tx.ClaimAhead(index.Sequence);
        }
        if (numbered is { } numberedUnder)
        {
            tx.Consents.Advance(numberedUnder);
        }
        var accepted = new AcceptedRecord(hash, sequence, now, AlreadyStored: false);
        tx.Added[hash] = accepted;
        return accepted;
    }

    // The stored record with this hash, seen from inside a transaction (its own inserts included).
    private AcceptedRecord? Existing(Transaction tx, RecordHash hash)
    {
        if (tx.Added.TryGetValue(hash, out var added))
        {
            return added with { AlreadyStored = true };
        }
        return Find(tx.Db, hash) is { } existing
            ? new AcceptedRecord(hash, Bson.ToU64(existing["_id"]), Bson.ToU64(existing["acceptedAtMs"]), AlreadyStored: true)
            : null;
    }

    // The stored document with this hash, or null: the hash directory's candidates, checked against their stored hash.
    private BsonDocument? Find(LiteDatabase db, RecordHash hash)
    {
        _hashes.EnsureBuilt(db);
        var records = db.GetCollection(Collections.Records);
        foreach (var sequence in _hashes.Candidates(hash.Value))
        {
            if (records.FindById(Bson.U64(sequence)) is { } doc && RecordKeys.TryHash(doc["hash"], out var stored) && stored == hash.Value)
            {
                return doc;
            }
        }
        return null;
    }

    /// <summary>
    /// The counters as the last committed accepting transaction left them, kept beside the file so that a transaction
    /// does not read them again (a read costs a parsed query and an index walk per counter and consent, under the
    /// store's lock). Only accepting transactions write these counters; the store's lock serialises them; a
    /// transaction rolled back leaves the cache as it was (it is updated after the commit only). Used under the lock.
    /// </summary>
    private sealed class CommittedCounters
    {
        public const int MaxConsents = 100_000;

        public ulong? RecordSequence { get; set; }

        public ulong? ClaimedAhead { get; set; }

        public Dictionary<ConsentId, ulong> Consents { get; } = [];
    }

    /// <summary>
    /// What one accepting transaction reads once and writes back once before its commit: the record sequence, the
    /// highest sequence field a stored record claimed ahead of its own sequence, the consent sequences it used, and
    /// the records it added (by hash).
    /// </summary>
    private sealed class Transaction
    {
        private readonly ulong _firstSequence;
        private readonly ulong _firstClaimedAhead;
        private readonly CommittedCounters _committed;

        public Transaction(LiteDatabase db, CommittedCounters committed)
        {
            Db = db;
            _committed = committed;
            Records = db.GetCollection(Collections.Records);
            LastSequence = _firstSequence = committed.RecordSequence ??= LedgerStore.CurrentValue(db, LedgerStore.Counter.RecordSequence);
            ClaimedAhead = _firstClaimedAhead = committed.ClaimedAhead ??= LedgerStore.CurrentValue(db, ClaimedAheadCounter);
            Consents = new ConsentSequences(db, committed);
        }

        // After the commit (under the store's lock): what this transaction wrote is what the file holds now.
        public void Committed()
        {
            _committed.RecordSequence = LastSequence;
            _committed.ClaimedAhead = ClaimedAhead;
            Consents.Committed();
        }

        public LiteDatabase Db { get; }

        public ILiteCollection<BsonDocument> Records { get; }

        public ulong LastSequence { get; set; }

        public ulong ClaimedAhead { get; private set; }

        public ConsentSequences Consents { get; }

        public Dictionary<RecordHash, AcceptedRecord> Added { get; } = [];

        public void ClaimAhead(ulong sequence) => ClaimedAhead = Math.Max(ClaimedAhead, sequence);

        public void Save()
        {
            if (LastSequence != _firstSequence)
            {
                LedgerStore.SetValue(Db, LedgerStore.Counter.RecordSequence, LastSequence);
            }
            if (ClaimedAhead != _firstClaimedAhead)
            {
                Db.GetCollection(Collections.Counters).Upsert(new BsonDocument { ["_id"] = ClaimedAheadCounter, ["value"] = Bson.U64(ClaimedAhead) });
            }
            Consents.Save();
        }
    }

    /// <summary>
    /// The consent-sequence counters one transaction uses: each read once, advanced in memory as records are
    /// accepted, written back by <see cref="Save"/> before the commit (one read and one write per consent per group).
    /// </summary>
    private sealed class ConsentSequences(LiteDatabase db, CommittedCounters committed)
    {
        private readonly Dictionary<ConsentId, (ulong Last, bool Changed)> _counters = [];

        public ulong Last(ConsentId consent)
        {
            if (!_counters.TryGetValue(consent, out var counter))
            {
                if (!committed.Consents.TryGetValue(consent, out var last))
                {
                    var doc = db.GetCollection(Collections.ConsentSequences).FindById(Bson.Hex(consent.Value));
                    last = doc is null ? 0 : Bson.ToU64(doc["value"]);
                }
                counter = (last, false);
                _counters[consent] = counter;
            }
            return counter.Last;
        }

        public void Committed()
        {
            if (committed.Consents.Count + _counters.Count > CommittedCounters.MaxConsents)
            {
                committed.Consents.Clear(); // read again from the file when used again
            }
            foreach (var (consent, counter) in _counters)
            {
                committed.Consents[consent] = counter.Last;
            }
        }

        public void Advance(ConsentId consent) => _counters[consent] = (Last(consent) + 1, true);

        public void Save()
        {
            var collection = db.GetCollection(Collections.ConsentSequences);
            foreach (var (consent, counter) in _counters)
            {
                if (counter.Changed)
                {
                    collection.Upsert(new BsonDocument { ["_id"] = Bson.Hex(consent.Value), ["value"] = Bson.U64(counter.Last) });
                }
            }
        }
    }

    /// <summary>The record with this hash, or null.</summary>
    /// <exception cref="LedgerException">LEDGER-1420 when the stored content no longer matches its hash.</exception>
    public StoredRecord? Get(RecordHash hash) =>
        _store.Read("read a record", db => Find(db, hash) is { } doc ? ToStored(db, doc) : null);

    /// <summary>The record with this sequence number, or null.</summary>
    /// <exception cref="LedgerException">LEDGER-1420 when the stored content no longer matches its hash.</exception>
    public StoredRecord? Get(ulong sequence) =>
        _store.Read("read a record", db => db.GetCollection(Collections.Records).FindById(Bson.U64(sequence)) is { } doc ? ToStored(db, doc) : null);

    /// <summary>Records matching <paramref name="query"/>, in sequence order.</summary>
    /// <exception cref="LedgerException">LEDGER-1420 when a stored record no longer matches its hash.</exception>
    public IReadOnlyList<StoredRecord> Find(RecordQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > MaxQueryLimit)
        {
            throw StoreErrors.InvalidEntry($"A record query returns 1 to {MaxQueryLimit} records per page; {query.Limit} was asked.");
        }
        return _store.Read("query records", db =>
        {
            var records = db.GetCollection(Collections.Records);
            if (query.Anchored is not { } anchored)
            {
                return Filtered(records, query, query.AfterSequence).ToList().Select(doc => ToStored(db, doc)).ToList();
            }
            // Whether a record is anchored is its batch's state, not a field of the record: filter pages of matches.
            // Records not yet anchored are all at or after the lowest waiting sequence, so that search starts there.
            var results = new List<StoredRecord>(Math.Min(query.Limit, 1024));
            var after = anchored ? query.AfterSequence : Math.Max(query.AfterSequence, AnchorOutbox.LowestUnanchored(db) - 1);
            while (results.Count < query.Limit)
            {
                var page = Filtered(records, query, after).ToList();
                foreach (var doc in page)
                {
                    var stored = ToStored(db, doc);
                    after = stored.Sequence;
                    if (stored.IsAnchored == anchored)
                    {
                        results.Add(stored);
                        if (results.Count == query.Limit)
                        {
                            break;
                        }
                    }
                }
                if (page.Count < query.Limit)
                {
                    break;
                }
            }
            return results;
        });
    }

    // One page of the records matching the query's filters (all but Anchored), after a sequence, in sequence order.
    private static ILiteQueryableResult<BsonDocument> Filtered(ILiteCollection<BsonDocument> records, RecordQuery query, ulong afterSequence)
    {
        var q = records.Query();
        // The ids go through the one multikey index `refs` (LiteDB uses it for the first; the others filter).
        if (query.Consent is { } consent)
        {
            q = q.Where("$.refs[*] ANY = @0", RecordKeys.Ref(RecordKeys.ConsentTag, consent.Value));
        }
        if (query.Organization is { } org)
        {
            q = q.Where("$.refs[*] ANY = @0", RecordKeys.Ref(RecordKeys.OrganizationTag, org.Value));
        }
        if (query.Enterprise is { } enterprise)
        {
            q = q.Where("$.refs[*] ANY = @0", RecordKeys.Ref(RecordKeys.EnterpriseTag, enterprise.Value));
        }
        if (query.Loan is { } loan)
        {
            q = q.Where("$.refs[*] ANY = @0", RecordKeys.Ref(RecordKeys.LoanTag, loan.Value));
        }
        if (query.Kind is { } kind)
        {
            q = q.Where("$.kind = @0", (int)kind);
        }
        if (query.FromMs is { } from)
        {
            q = q.Where("$.timeMs >= @0", Bson.U64(from));
        }
        if (query.UntilMs is { } until)
        {
            q = q.Where("$.timeMs < @0", Bson.U64(until));
        }
        if (afterSequence > 0)
        {
            q = q.Where("$._id > @0", Bson.U64(afterSequence));
        }
        return q.OrderBy("$._id").Limit(query.Limit);
    }

    private StoredRecord ToStored(LiteDatabase db, BsonDocument doc)
    {
        var sequence = Bson.ToU64(doc["_id"]);
        ILedgerRecord record;
        RecordHash hash;
        RecordAnchor? anchor;
        try
        {
            hash = new RecordHash(Bson.ToHash(doc["hash"]));
            record = RecordCodec.Decode(doc["type"].AsString, doc["body"].AsDocument);
            // Schema version 1 wrote the anchor into the record; since version 2 it is read from the anchored batch.
            anchor = doc["anchor"] is { IsDocument: true } a ? ToAnchor(a.AsDocument) : null;
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or NullReferenceException or KeyNotFoundException or ArgumentException)
        {
            throw StoreErrors.RecordTampered(sequence, RecordKeys.HashText(doc["hash"]), $"nothing readable ({ex.Message})");
        }
        var computed = record.Hash();
        if (computed != hash)
        {
            throw StoreErrors.RecordTampered(sequence, hash.ToString(), computed.ToString());
        }
        anchor ??= _anchors.AnchorOf(db, sequence, hash);
        return new StoredRecord(sequence, hash, record, Bson.ToU64(doc["acceptedAtMs"]), anchor);
    }

    private static RecordAnchor ToAnchor(BsonDocument a) => new(
        new OrgId(Bson.ToHash(a["organization"])),
        new BatchId(Bson.ToHash(a["batchId"])),
        Bson.ToU64(a["batch"]),
        Bson.ToHash(a["root"]),
        Bson.ToU64(a["block"]),
        Bson.ToHash(a["txHash"]),
        Bson.ToHashes(a["proof"]),
        Bson.ToU64(a["anchoredAtMs"]));
}
