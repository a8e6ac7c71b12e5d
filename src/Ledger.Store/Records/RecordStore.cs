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

    // Parsed once: LiteDB parses a query's expression on every Query.EQ, which cost more than the insert itself on
    // the accept path. Reused only under the store's lock (every read and write holds it), so the parameter is safe.
    private readonly BsonExpression _byHash = BsonExpression.Create("$.hash = @0");

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
        var list = records.ToList();
        var results = _store.Write("accept records", db => list.Select(r => AcceptInTransaction(db, _ => r)).ToList());
        if (results.Count(r => !r.AlreadyStored) is var added and > 0)
        {
            Accepted?.Invoke(added);
        }
        return results;
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
        if (creates.Count == 0)
        {
            return [];
        }
        AcceptedRecord[] results;
        try
        {
            // New records are the rule (a retried request is refused before it reaches the store), so the group is
            // first written without looking each hash up: the unique hash index refuses a record stored before,
            // and then the group is rolled back and written again with the look-ups.
            results = WriteGroup(creates, checkDuplicates: false);
        }
        catch (LedgerException ex) when (ex.InnerException is LiteException { ErrorCode: LiteException.INDEX_DUPLICATE_KEY })
        {
            results = WriteGroup(creates, checkDuplicates: true);
        }
        if (results.Count(r => !r.AlreadyStored) is var added and > 0)
        {
            Accepted?.Invoke(added);
        }
        return results;
    }

    private AcceptedRecord[] WriteGroup(IReadOnlyList<Func<ulong, ILedgerRecord>> creates, bool checkDuplicates) =>
        _store.Write("accept records", db =>
        {
            // The sequence counter is read once and written once per group (two LiteDB operations per group instead
            // of per record: on the group-commit path they cost as much as a record's insert).
            var accepted = new AcceptedRecord[creates.Count];
            var last = LedgerStore.CurrentValue(db, LedgerStore.Counter.RecordSequence);
            var first = last;
            var consents = new ConsentSequences(db);
            for (var i = 0; i < creates.Count; i++)
            {
                accepted[i] = AcceptInTransaction(db, creates[i], ref last, checkDuplicates, consents);
            }
            if (last != first)
            {
                LedgerStore.SetValue(db, LedgerStore.Counter.RecordSequence, last);
            }
            consents.Save();
            return accepted;
        });

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

    private AcceptedRecord AcceptCore(Func<ulong, ILedgerRecord> create)
    {
        var result = _store.Write("accept a record", db => AcceptInTransaction(db, create));
        if (!result.AlreadyStored)
        {
            Accepted?.Invoke(1);
        }
        return result;
    }

    private AcceptedRecord AcceptInTransaction(LiteDatabase db, Func<ulong, ILedgerRecord> create)
    {
        var last = LedgerStore.CurrentValue(db, LedgerStore.Counter.RecordSequence);
        var consents = new ConsentSequences(db);
        var result = AcceptInTransaction(db, create, ref last, checkDuplicate: true, consents);
        if (!result.AlreadyStored)
        {
            LedgerStore.SetValue(db, LedgerStore.Counter.RecordSequence, last);
            consents.Save();
        }
        return result;
    }

    // Accepts one record inside the caller's transaction; lastSequence is the record-sequence counter as the caller
    // keeps it (advanced here when the record is new; the caller writes it back before committing), consents the
    // consent-sequence counters (likewise).
    private AcceptedRecord AcceptInTransaction(LiteDatabase db, Func<ulong, ILedgerRecord> create, ref ulong lastSequence, bool checkDuplicate, ConsentSequences consents)
    {
        var records = db.GetCollection(Collections.Records);
        var next = lastSequence + 1;
        var record = create(next) ?? throw new InvalidOperationException("The record factory returned null.");

        // Accesses and refusals are numbered per consent here, in the accepting transaction: the store is the one
        // source of consent sequences, so they are gapless (docs/store.md, "Consent sequences").
        ConsentId? numbered = null;
        if (record is IConsentSequencedRecord answer)
        {
            var consentNext = consents.Last(answer.ConsentId) + 1;
            if (answer.ConsentSequence == 0)
            {
                record = answer.WithConsentSequence(consentNext);
            }
            else if (answer.ConsentSequence != consentNext)
            {
                // Only a record stored before may carry another number (accepted again: it is returned as it was).
                if (Existing(records, record.Hash()) is { } stored)
                {
                    return stored;
                }
                throw StoreErrors.ConsentSequenceOutOfOrder(answer.ConsentId.ToString(), answer.ConsentSequence, consentNext);
            }
            numbered = answer.ConsentId;
        }
        var hash = record.Hash();
        var (body, index) = RecordCodec.Encode(record);

        if (checkDuplicate && Existing(records, hash) is { } duplicate)
        {
            return duplicate;
        }

        var sequence = next;
        lastSequence = next;
        var now = _store.NowMs;
        var doc = new BsonDocument
        {
            ["_id"] = Bson.U64(sequence),
            ["hash"] = Bson.Hex(hash.Value),
            ["kind"] = (int)record.Kind,
            ["type"] = index.Type,
            ["timeMs"] = Bson.U64(index.TimeMs),
            ["acceptedAtMs"] = Bson.U64(now),
            ["orgs"] = new BsonArray(index.Orgs.Distinct().Select(o => Bson.Hex(o.Value))),
            ["body"] = body,
        };
        if (index.Consent is { } consent)
        {
            doc["consent"] = Bson.Hex(consent.Value);
        }
        if (index.Enterprise is { } enterprise)
        {
            doc["enterprise"] = Bson.Hex(enterprise.Value);
        }
        if (index.Loan is { } loan)
        {
            doc["loan"] = Bson.Hex(loan.Value);
        }
        records.Insert(doc);
        if (numbered is { } numberedUnder)
        {
            consents.Advance(numberedUnder);
        }
        return new AcceptedRecord(hash, sequence, now, AlreadyStored: false);
    }

    private AcceptedRecord? Existing(ILiteCollection<BsonDocument> records, RecordHash hash)
    {
        _byHash.Parameters["0"] = hash.ToString();
        var existing = records.FindOne(_byHash);
        return existing is null ? null : new AcceptedRecord(hash, Bson.ToU64(existing["_id"]), Bson.ToU64(existing["acceptedAtMs"]), AlreadyStored: true);
    }

    /// <summary>
    /// The consent-sequence counters one transaction uses: each read once, advanced in memory as records are
    /// accepted, written back by <see cref="Save"/> before the commit (one read and one write per consent per group).
    /// </summary>
    private sealed class ConsentSequences(LiteDatabase db)
    {
        private readonly Dictionary<ConsentId, (ulong Last, bool Changed)> _counters = [];

        public ulong Last(ConsentId consent)
        {
            if (!_counters.TryGetValue(consent, out var counter))
            {
                var doc = db.GetCollection(Collections.ConsentSequences).FindById(Bson.Hex(consent.Value));
                counter = (doc is null ? 0 : Bson.ToU64(doc["value"]), false);
                _counters[consent] = counter;
            }
            return counter.Last;
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
        _store.Read("read a record", db =>
        {
            _byHash.Parameters["0"] = hash.ToString();
            return db.GetCollection(Collections.Records).FindOne(_byHash) is { } doc ? ToStored(db, doc) : null;
        });

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
        if (query.Consent is { } consent)
        {
            q = q.Where("$.consent = @0", Bson.Hex(consent.Value));
        }
        if (query.Organization is { } org)
        {
            q = q.Where("$.orgs[*] ANY = @0", Bson.Hex(org.Value));
        }
        if (query.Enterprise is { } enterprise)
        {
            q = q.Where("$.enterprise = @0", Bson.Hex(enterprise.Value));
        }
        if (query.Loan is { } loan)
        {
            q = q.Where("$.loan = @0", Bson.Hex(loan.Value));
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
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or NullReferenceException or KeyNotFoundException)
        {
            throw StoreErrors.RecordTampered(sequence, doc["hash"].ToString(), $"nothing readable ({ex.Message})");
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
