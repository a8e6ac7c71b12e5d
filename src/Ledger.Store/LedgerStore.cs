using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Anchoring;
using Ledger.Store.Audit;
using Ledger.Store.Chain;
using Ledger.Store.Internal;
using Ledger.Store.Parts;
using Ledger.Store.Records;
using LiteDB;

namespace Ledger.Store;

/// <summary>
/// A node's durable store: one LiteDB file (direct connection, one process) holding every piece of the node's state —
/// the off-chain records, the anchor outbox and batches, the audit index of chain events, the event indexers'
/// checkpoints, the transaction journal, and (schema 4) the bank's held data, the alert log, the auditor's copy and
/// the tax bureau's data. Opened by one node at a time; every write is one LiteDB transaction, committed and flushed
/// to the disk before the call returns (the one durability rule, docs/store.md). Thread-safe: calls are serialized (LiteDB binds a transaction to its thread, and a single
/// writer keeps sequence numbers gap-free).
/// </summary>
public sealed class LedgerStore : IDisposable
{
    /// <summary>
    /// The schema version this code writes and the newest it reads. 2: a confirmed batch is recorded on the batch
    /// (with its indexed member range) instead of in every member record. 3: accesses and refusals carry a consent
    /// sequence, counted per consent in <c>consentSequences</c> (a record of an older version hashes as it did, without
    /// one). 4: the node's other state moves in (held data, alert log, auditor's copy, tax data: new collections; the
    /// old separate files are imported when found, see <see cref="LedgerStoreOptions.Legacy"/>). 5: a record's hash is
    /// binary and the ids it names are one multikey index <c>refs</c> of binary keys instead of five indexes of hex
    /// strings (<see cref="RecordsUpgrade.ToVersion5"/>; docs/store.md). Older files are upgraded when opened (a 3 or a
    /// 4 by the same records rewrite: 4 changed no record); an older node refuses an upgraded file (LEDGER-1405).
    /// </summary>
    public const int CurrentSchemaVersion = 5;

    // LiteDB's default automatic checkpoint size: 1,000 pages of 8 KiB.
    private const long CheckpointLogBytes = 1000L * 8192;

    internal const string ApplicationName = "Ledger";

    private readonly Lock _gate = new();
    private readonly LiteDatabase _db;
    private readonly StoreFileLock _fileLock;
    private readonly bool _syncWrites;
    private readonly string _logPath;
    private readonly Lock _taxGate = new();
    private TaxDataStore? _taxData;
    private string? _taxSaltFingerprint;
    private bool _disposed;

    private LedgerStore(string path, OrgId organization, LiteDatabase db, StoreFileLock fileLock, TimeProvider time, bool syncWrites)
    {
        Path = path;
        _syncWrites = syncWrites;
        // LiteDB's write-ahead log sits beside the data file: name-log.ext.
        _logPath = System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(path)!,
            System.IO.Path.GetFileNameWithoutExtension(path) + "-log" + System.IO.Path.GetExtension(path));
        Organization = organization;
        _db = db;
        _fileLock = fileLock;
        Time = time;
        Records = new RecordStore(this);
        Outbox = new AnchorOutbox(this);
        Audit = new AuditIndex(this);
        Checkpoints = new IndexerCheckpointStore(this);
        Journal = new TransactionJournalStore(this);
        Held = new BankStore(this);
        Alerts = new AlertStore(this);
        AuditorCopy = new AuditorCopyStore(this);
    }

    /// <summary>Full path of the store file.</summary>
    public string Path { get; }

    /// <summary>The organization that owns the store.</summary>
    public OrgId Organization { get; }

    /// <summary>Off-chain records: accept (durably, with an outbox row) and query.</summary>
    public RecordStore Records { get; }

    /// <summary>The anchor outbox and its batches (worked by <see cref="AnchorBatcher"/>).</summary>
    public AnchorOutbox Outbox { get; }

    /// <summary>Bytes the store takes on the disk: its data file and its write-ahead log (0 for a file that is not there).</summary>
    public long SizeBytes => FileSize(Path) + FileSize(_logPath);

    private static long FileSize(string file)
    {
        try
        {
            return File.Exists(file) ? new FileInfo(file).Length : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The audit index of chain events (the event indexer's sink).</summary>
    public AuditIndex Audit { get; }

    /// <summary>The event indexers' checkpoints.</summary>
    public IIndexerCheckpoints Checkpoints { get; }

    /// <summary>The transaction sender's write-ahead journal.</summary>
    public ITransactionJournal Journal { get; }

    /// <summary>The bank's own data: held data, decision reasons, loan references, revocation cursor (bank nodes use it).</summary>
    public IBankStore Held { get; }

    /// <summary>The node's alert log (tax, bank and guarantor nodes use it).</summary>
    public IAlertStore Alerts { get; }

    /// <summary>The auditor's copy of every member's records (auditor nodes use it).</summary>
    public IAuditorCopy AuditorCopy { get; }

    /// <summary>
    /// The tax bureau's data, kept with <paramref name="salt"/> (tax nodes use it). The salt's fingerprint is written on
    /// first use; a later call with another salt is refused (LEDGER-1462), as every credit-code hash depends on it.
    /// </summary>
    public ITaxDataStore OpenTaxData(Hash32 salt)
    {
        lock (_taxGate)
        {
            if (_taxData is null || TaxDataStore.Fingerprint(salt) != _taxSaltFingerprint)
            {
                _taxData = TaxDataStore.Open(this, salt);
                _taxSaltFingerprint = TaxDataStore.Fingerprint(salt);
            }
            return _taxData;
        }
    }

    internal TimeProvider Time { get; }

    internal ulong NowMs => (ulong)Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Opens the store at <see cref="LedgerStoreOptions.Path"/>, creating it when the path does not exist.
    /// </summary>
    /// <exception cref="LedgerException">
    /// LEDGER-1400 when another node has the file open; 1401 when the file is not a LiteDB file; 1402 when it is a
    /// LiteDB file of another application; 1403 when it is damaged; 1404 when it belongs to another organization;
    /// 1405 when a newer Ledger wrote it; 1406–1408 for password problems; 1409 for invalid options.
    /// </exception>
    public static LedgerStore Open(LedgerStoreOptions options, TimeProvider? time = null) => Open(options, time, CurrentSchemaVersion);

    /// <summary>
    /// Opens the store as a Ledger that reads schema versions up to <paramref name="newestReadable"/> would: a test's
    /// stand-in for an older node (an older node refuses a newer file, LEDGER-1405, before it writes anything).
    /// </summary>
    internal static LedgerStore Open(LedgerStoreOptions options, TimeProvider? time, int newestReadable)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw StoreErrors.InvalidOptions("Ledger:Store:Path is empty; set it to the store file's path, e.g. data/ledger.db");
        }
        if (options.Organization.Value.IsZero)
        {
            throw StoreErrors.InvalidOptions("the store's organization is not set; set the node's organization id (e.g. bank.ccb)");
        }
        if (options.Password is { Length: 0 })
        {
            throw StoreErrors.InvalidOptions("the store password is an empty string; remove it for a plain store or set a real password");
        }

        var path = System.IO.Path.GetFullPath(options.Path);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw StoreErrors.StorageFailure(path, "create its folder", ex);
        }

        var fileLock = StoreFileLock.Acquire(path);
        LiteDatabase? db = null;
        try
        {
            var kind = StoreFileProbe.Probe(path);
            if (kind == StoreFileKind.EncryptedLiteDb && options.Password is null)
            {
                throw StoreErrors.PasswordRequired(path);
            }
            if (kind == StoreFileKind.PlainLiteDb && options.Password is not null)
            {
                if (!options.EncryptIfPlain)
                {
                    throw StoreErrors.NotEncrypted(path);
                }
                EncryptInPlace(path, options.Password);
            }

            db = OpenLiteDb(path, options.Password);
            var store = new LedgerStore(path, options.Organization, db, fileLock, time ?? TimeProvider.System, options.SyncWrites);
            store.InitializeOrValidate(newestReadable);
            store.ImportLegacyFiles(options.Legacy);
            // The data file is written only by checkpoints, which the store runs itself (see CheckpointIfDue); a new
            // file's header reaches the disk here, once.
            store.FlushFiles("open the store", includeDataFile: true);
            return store;
        }
        catch
        {
            db?.Dispose();
            fileLock.Dispose();
            throw;
        }
    }

    // A plain store becomes an encrypted one: LiteDB's rebuild reads every page of the plain file and writes them into
    // a new file encrypted with the password (documents, indexes and pragmas as they were), keeping the plain original
    // as "<name>-backup<ext>" (or "-backup-N"), which is deleted here once the encrypted file opens with the password.
    // A crash during the rebuild leaves the plain file or the backup to open again; nothing is lost.
    private static void EncryptInPlace(string path, string password)
    {
        LiteException? reopen = null;
        var plain = OpenLiteDb(path, password: null);
        try
        {
            plain.Rebuild(new LiteDB.Engine.RebuildOptions { Password = password });
        }
        catch (LiteException ex)
        {
            // LiteDB reopens the rebuilt file with the settings it was opened with (no password), which fails once the
            // file is encrypted; whether the rebuild itself succeeded is what opening it with the password says.
            reopen = ex;
        }
        finally
        {
            try
            {
                plain.Dispose();
            }
            catch (LiteException)
            {
                // The engine was left closed by the failed reopen.
            }
        }
        try
        {
            using (OpenLiteDb(path, password))
            {
                // Opens with the password: the file is the encrypted one.
            }
        }
        catch (LedgerException ex)
        {
            throw StoreErrors.StorageFailure(path, "encrypt the plain store", (Exception?)reopen ?? ex);
        }
        var folder = System.IO.Path.GetDirectoryName(path)!;
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        foreach (var backup in Directory.EnumerateFiles(folder, name + "-backup*"))
        {
            File.Delete(backup);
        }
    }

    private static LiteDatabase OpenLiteDb(string path, string? password)
    {
        try
        {
            var db = new LiteDatabase(new ConnectionString
            {
                Filename = path,
                Connection = ConnectionType.Direct,
                Password = password,
                Upgrade = false,
                // A damaged file is reported, never silently rebuilt (a rebuild may drop records).
                AutoRebuild = false,
            });
            // Checkpoints (log → data file) are run by the store after a commit (CheckpointIfDue), so that a commit
            // that did not checkpoint leaves the data file untouched and only the log needs flushing to the disk.
            db.CheckpointSize = 0;
            return db;
        }
        catch (LiteException ex) when (ex.ErrorCode == LiteException.INVALID_PASSWORD)
        {
            throw StoreErrors.WrongPassword(path, ex);
        }
        catch (LiteException ex) when (ex.ErrorCode == LiteException.NOT_ENCRYPTED)
        {
            throw StoreErrors.NotEncrypted(path);
        }
        catch (Exception ex) when (ex is not LedgerException and not OutOfMemoryException)
        {
            throw StoreErrors.Corrupt(path, ex);
        }
    }

    private void InitializeOrValidate(int newestReadable)
    {
        try
        {
            var meta = _db.GetCollection(Collections.Meta).FindById("store");
            if (meta is null)
            {
                var existing = _db.GetCollectionNames().ToList();
                if (existing.Count > 0)
                {
                    throw StoreErrors.ForeignFile(Path, $"it has the collections {string.Join(", ", existing.Order(StringComparer.Ordinal))} but no Ledger metadata");
                }
                Initialize();
            }
            else
            {
                Validate(meta, newestReadable);
            }
            EnsureIndexes();
            if (meta is not null && meta["schemaVersion"].AsInt32 < CurrentSchemaVersion)
            {
                Upgrade(meta);
            }
            // The version-1 outbox, read by the upgrade: dropped after it committed (LiteDB drops a collection outside
            // a transaction only; a crash in between leaves it for this line at the next open).
            if (_db.CollectionExists(Collections.Outbox))
            {
                _db.DropCollection(Collections.Outbox);
            }
            // Touch every collection's pages once, so a damaged file fails here rather than mid-operation.
            foreach (var name in _db.GetCollectionNames())
            {
                _ = _db.GetCollection(name).Count();
            }
        }
        catch (Exception ex) when (ex is not LedgerException and not OutOfMemoryException)
        {
            throw StoreErrors.Corrupt(Path, ex);
        }
    }

    private void Initialize()
    {
        _db.BeginTrans();
        _db.GetCollection(Collections.Meta).Insert(new BsonDocument
        {
            ["_id"] = "store",
            ["application"] = ApplicationName,
            ["schemaVersion"] = CurrentSchemaVersion,
            ["organization"] = Bson.Hex(Organization.Value),
            ["organizationCode"] = Organization.Code,
            ["createdAtMs"] = Bson.U64(NowMs),
        });
        var counters = _db.GetCollection(Collections.Counters);
        counters.Insert(new BsonDocument { ["_id"] = Counter.RecordSequence, ["value"] = 0L });
        counters.Insert(new BsonDocument { ["_id"] = Counter.BatchSequence, ["value"] = 0L });
        counters.Insert(new BsonDocument { ["_id"] = Counter.BatchedThrough, ["value"] = 0L });
        _db.Commit();
    }

    private void Validate(BsonDocument meta, int newestReadable)
    {
        if (meta["application"].IsString is false || meta["application"].AsString != ApplicationName)
        {
            throw StoreErrors.ForeignFile(Path, $"its metadata names the application '{meta["application"]}'");
        }
        var version = meta["schemaVersion"].IsNumber ? meta["schemaVersion"].AsInt32 : 0;
        if (version > newestReadable)
        {
            throw StoreErrors.SchemaTooNew(Path, version, newestReadable);
        }
        if (version < 1)
        {
            throw StoreErrors.ForeignFile(Path, "its Ledger metadata has no valid schema version");
        }
        var stored = Hash32.TryParse(meta["organization"].IsString ? meta["organization"].AsString : null, out var org)
            ? new OrgId(org)
            : throw StoreErrors.ForeignFile(Path, "its Ledger metadata names no organization");
        if (stored != Organization)
        {
            throw StoreErrors.OrganizationMismatch(Path, stored.Code, Organization.Code);
        }
    }

    // Version 1 → 2, in one transaction. Every batch gets its member range (first, last), by which records find their
    // batch. The outbox rows become the batched-through counter (the last member of any batch not abandoned) and the
    // requeue (rows waiting again below it, given back by an abandoned batch); records after the counter wait as
    // they did. Records anchored by version 1 keep the anchor written into them (read as it is). Nothing is dropped
    // but the outbox rows, whose content is now implied (the collection is dropped after the commit, by the caller).
    // Version 2 → 3 writes nothing but the version: records stored before keep consent sequence 0 (and their hashes);
    // each consent's counter starts at 0, so its first access or refusal from now on is number 1.
    // Version 3 → 4 writes nothing but the version either: the new parts' collections start empty (their indexes are
    // made by EnsureIndexes), and the old separate files are imported by ImportLegacyFiles, at this open or any later.
    private void Upgrade(BsonDocument meta)
    {
        var from = meta["schemaVersion"].AsInt32;
        _db.BeginTrans();
        try
        {
            if (from < 2)
            {
                UpgradeToVersion2();
            }
            if (from < 5)
            {
                RecordsUpgrade.ToVersion5(_db);
            }
            meta["schemaVersion"] = CurrentSchemaVersion;
            meta["upgradedAtMs"] = Bson.U64(NowMs);
            _db.GetCollection(Collections.Meta).Update(meta);
            _db.Commit();
        }
        catch
        {
            TryRollback();
            throw;
        }
        FlushFiles("upgrade the store's schema", includeDataFile: false);
    }

    private void UpgradeToVersion2()
    {
        var batches = _db.GetCollection(Collections.Batches);
        var through = 0UL;
        foreach (var batch in batches.FindAll().ToList())
        {
            var members = batch["members"].AsArray.Select(Bson.ToU64).ToList();
            if (members.Count == 0)
            {
                continue;
            }
            if (!batch.ContainsKey("first"))
            {
                batch["first"] = Bson.U64(members.Min());
                batch["last"] = Bson.U64(members.Max());
                batches.Update(batch);
            }
            if (batch["state"].AsString != nameof(AnchorBatchState.Abandoned))
            {
                through = Math.Max(through, members.Max());
            }
        }
        var requeue = _db.GetCollection(Collections.Requeue);
        if (_db.CollectionExists(Collections.Outbox))
        {
            foreach (var row in _db.GetCollection(Collections.Outbox).FindAll().ToList())
            {
                // "Pending": the schema-1 outbox state of a row no batch held.
                if (row["state"].AsString == "Pending" && Bson.ToU64(row["_id"]) <= through)
                {
                    requeue.Upsert(new BsonDocument { ["_id"] = row["_id"], ["abandonedBatch"] = BsonValue.Null });
                }
            }
        }
        SetValueOrInsert(_db, Counter.BatchedThrough, through);
    }

    private static void SetValueOrInsert(LiteDatabase db, string counter, ulong value) =>
        db.GetCollection(Collections.Counters).Upsert(new BsonDocument { ["_id"] = counter, ["value"] = Bson.U64(value) });

    private void EnsureIndexes()
    {
        var records = _db.GetCollection(Collections.Records);
        // Schema 5: two indexes besides _id, none on the hash (docs/store.md, "Why the records collection has no hash index").
        records.EnsureIndex("refs", "$.refs[*]");
        records.EnsureIndex("timeMs", "$.timeMs");

        var batches = _db.GetCollection(Collections.Batches);
        batches.EnsureIndex("state", "$.state");
        batches.EnsureIndex("last", "$.last");

        var events = _db.GetCollection(Collections.Events);
        events.EnsureIndex("mentions", "$.mentions[*]");
        events.EnsureIndex("block", "$.block");
        events.EnsureIndex("time", "$.time");
        events.EnsureIndex("name", "$.name");

        _db.GetCollection(Collections.Journal).EnsureIndex("from", "$.from");

        BankStore.EnsureIndexes(_db);
        AlertStore.EnsureIndexes(_db);
        TaxDataStore.EnsureIndexes(_db);
    }

    // Schema 4's migration (Internal/LegacyImport): each old file found is imported in one transaction with its marker,
    // flushed, then renamed; a file whose marker is already in the store (a crash came before the rename) is only renamed.
    private void ImportLegacyFiles(LegacyStoreFiles legacy)
    {
        foreach (var (file, part) in new[]
                 {
                     (legacy.Bank, LegacyImport.Bank), (legacy.Alerts, LegacyImport.Alerts),
                     (legacy.Auditor, LegacyImport.Auditor), (legacy.TaxData, LegacyImport.TaxData),
                 })
        {
            if (string.IsNullOrWhiteSpace(file))
            {
                continue;
            }
            var full = System.IO.Path.GetFullPath(file);
            if (!File.Exists(full))
            {
                continue;
            }
            var marker = MetaIds.ImportedPrefix + part.Name;
            var imported = Read("read the import markers", db => db.GetCollection(Collections.Meta).FindById(marker) is not null);
            if (!imported)
            {
                LegacyImport.Contents contents;
                try
                {
                    contents = LegacyImport.Read(full, part);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    throw StoreErrors.LegacyFileUnreadable(full, Path, ex);
                }
                Write("import " + System.IO.Path.GetFileName(full), db =>
                {
                    var copied = LegacyImport.Write(db, contents);
                    db.GetCollection(Collections.Meta).Insert(new BsonDocument
                    {
                        ["_id"] = marker,
                        ["file"] = full,
                        ["documents"] = copied,
                        ["importedAtMs"] = Bson.U64(NowMs),
                    });
                });
            }
            LegacyImport.Rename(full);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one LiteDB transaction, committed before returning; <paramref name="committed"/>
    /// runs right after the commit, still under the store's lock (for state kept in memory beside the file).
    /// </summary>
    internal T Write<T>(string operation, Func<LiteDatabase, T> work, Action<T>? committed = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                _db.BeginTrans();
            }
            catch (Exception ex) when (ex is LiteException or IOException)
            {
                throw StoreErrors.StorageFailure(Path, operation, ex);
            }
            T result;
            long committing;
            try
            {
                result = work(_db);
                committing = System.Diagnostics.Stopwatch.GetTimestamp();
                _db.Commit();
                committed?.Invoke(result);
            }
            catch (Exception ex)
            {
                TryRollback();
                if (ex is LiteException or IOException or UnauthorizedAccessException)
                {
                    throw StoreErrors.StorageFailure(Path, operation, ex);
                }
                throw;
            }
            FlushFiles(operation, includeDataFile: false);
            StoreTelemetry.Record(StoreTelemetry.CommitDuration, committing);
            CheckpointIfDue(operation);
            return result;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one LiteDB transaction, committed before returning.</summary>
    internal void Write(string operation, Action<LiteDatabase> work) => Write(operation, db =>
    {
        work(db);
        return true;
    });

    /// <summary>Runs a read under the store's lock.</summary>
    internal T Read<T>(string operation, Func<LiteDatabase, T> work)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return work(_db);
            }
            catch (Exception ex) when (ex is LiteException or IOException or UnauthorizedAccessException)
            {
                throw StoreErrors.StorageFailure(Path, operation, ex);
            }
        }
    }

    // LiteDB has written the commit to its log with write(); this makes the kernel put it on the disk. fsync on any
    // descriptor of a file flushes that file, so a short-lived descriptor beside LiteDB's own is enough. A commit
    // writes the log only (checkpoints are the store's own, below), so one flush per commit: each fsync costs a
    // device cache flush (milliseconds on virtual disks) even when the file has nothing dirty.
    private void FlushFiles(string operation, bool includeDataFile)
    {
        if (!_syncWrites)
        {
            return;
        }
        try
        {
            FlushFile(_logPath);
            if (includeDataFile)
            {
                FlushFile(Path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Committed but maybe not on the disk: the caller hears of a failure and retries, which is harmless
            // (records are accepted once by hash; journal and checkpoint writes are idempotent).
            throw StoreErrors.StorageFailure(Path, operation + " (flushing the commit to the disk)", ex);
        }
    }

    private static void FlushFile(string file)
    {
        if (File.Exists(file))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            stream.Flush(flushToDisk: true);
        }
    }

    // LiteDB's own threshold (1,000 pages of 8 KiB in the log): copy the log into the data file, flush the data file,
    // and LiteDB empties the log. Runs under the store's lock, after a commit, like LiteDB's automatic checkpoint did.
    private void CheckpointIfDue(string operation)
    {
        long logLength;
        try
        {
            logLength = File.Exists(_logPath) ? new FileInfo(_logPath).Length : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // the next commit looks again
        }
        if (logLength < CheckpointLogBytes)
        {
            return;
        }
        Checkpoint(operation);
    }

    private void Checkpoint(string operation)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            _db.Checkpoint();
        }
        catch (Exception ex) when (ex is LiteException or IOException or UnauthorizedAccessException)
        {
            // The commit is durable in the log (flushed above); a failed checkpoint is retried after the next commit.
            throw StoreErrors.StorageFailure(Path, operation + " (copying the log into the data file)", ex);
        }
        FlushFiles(operation, includeDataFile: true);
        StoreTelemetry.Record(StoreTelemetry.CheckpointDuration, started);
    }

    private void TryRollback()
    {
        try
        {
            _db.Rollback();
        }
        catch (Exception ex) when (ex is LiteException or IOException or InvalidOperationException)
        {
            // The original error is the one worth reporting; LiteDB discards an unfinished transaction anyway.
        }
    }

    /// <summary>Increments a durable counter inside the caller's transaction and returns the new value.</summary>
    internal static ulong NextValue(LiteDatabase db, string counter)
    {
        var counters = db.GetCollection(Collections.Counters);
        var doc = counters.FindById(counter) ?? throw new InvalidOperationException($"The store's counter '{counter}' is missing.");
        var next = Bson.ToU64(doc["value"]) + 1;
        doc["value"] = Bson.U64(next);
        counters.Update(doc);
        return next;
    }

    /// <summary>Sets a durable counter inside the caller's transaction (the caller advanced it).</summary>
    internal static void SetValue(LiteDatabase db, string counter, ulong value)
    {
        var counters = db.GetCollection(Collections.Counters);
        var doc = counters.FindById(counter) ?? throw new InvalidOperationException($"The store's counter '{counter}' is missing.");
        doc["value"] = Bson.U64(value);
        counters.Update(doc);
    }

    internal static ulong CurrentValue(LiteDatabase db, string counter) =>
        db.GetCollection(Collections.Counters).FindById(counter) is { } doc ? Bson.ToU64(doc["value"]) : 0;

    /// <summary>Closes the file (a clean checkpoint) and releases the lock.</summary>
    public void Dispose()
    {
        // Records queued for a group commit are committed first (outside the lock: the queue's commits take it).
        Records.CloseCommitQueue();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            try
            {
                // A clean close: the log copied into the data file (LiteDB skips this with manual checkpoints).
                try
                {
                    Checkpoint("close the store");
                }
                catch (LedgerException)
                {
                    // The log stays and is replayed on the next open; nothing committed is lost.
                }
                _db.Dispose();
            }
            finally
            {
                _fileLock.Dispose();
            }
        }
    }

    internal static class Counter
    {
        public const string RecordSequence = "record-sequence";
        public const string BatchSequence = "batch-sequence";
        /// <summary>Every record up to this sequence was taken into a batch (or given back to <c>requeue</c>).</summary>
        public const string BatchedThrough = "batched-through";
    }
}
