using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.TaxData;
using Ledger.Store.Tests.Support;
using LiteDB;

namespace Ledger.Store.Tests.Parts;

/// <summary>
/// Schema 4's migration: the files a node kept apart from its store until schema 3 (bank.db, alerts.db, auditor.db,
/// taxdata.db — written here with LiteDB in the layout the old node wrote) are imported when the store opens, then
/// renamed to <c>.migrated</c>; a crash between the import and the rename imports nothing twice.
/// </summary>
public sealed class MigrationTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Old(string name) => Path.Combine(_temp.Folder, name);

    [Fact]
    public void Open_WithAnOldBankFile_ImportsHeldDataReasonsReferencesAndCursor_AndRenamesTheFile()
    {
        WriteOldBankFile(Old("bank.db"));

        using (var store = OpenWith(bank: Old("bank.db")))
        {
            var held = store.Held.Get(Keccak.Hash("request/1"))!;
            Assert.Equal(new byte[] { 1, 2, 3, 1 }, held.Envelope);
            Assert.Equal(5_000UL, held.KeepUntilMs);
            Assert.Equal([Keccak.Hash("request/1")], store.Held.Expired(5_000).Select(i => i.RequestHash)); // the liveUntil index works on imported items
            Assert.Equal(DeletionCause.ConsentRevoked, store.Held.Get(Keccak.Hash("request/2"))!.Cause);
            Assert.Equal("event/7", store.Held.RevocationCursor);
            Assert.Equal("CCB-2025-0042", store.Held.Reference(new LoanId(Keccak.Hash("loan"))));
            Assert.Equal("B", store.Held.Find(Keccak.Hash("reasons"))!.Rating);
        }
        Assert.False(File.Exists(Old("bank.db")));
        Assert.True(File.Exists(Old("bank.db.migrated")));
    }

    [Fact]
    public void Open_WithAnOldAlertFile_ImportsAlertsAndCursors_AndNewAlertsFollowTheImportedSequence()
    {
        WriteOldAlertFile(Old("alerts.db"), count: 3);

        using var store = OpenWith(alerts: Old("alerts.db"));

        Assert.Equal(3, store.Alerts.LastSequence);
        Assert.Equal(["k1", "k2", "k3"], store.Alerts.After(0, 10).Select(a => a.Key));
        Assert.Equal("alert 2", store.Alerts.After(1, 1)[0].Alert.Summary);
        Assert.Equal("0000000000000009", store.Alerts.Cursor(PartSamples.Bank));
        Assert.Empty(store.Alerts.Append([("k2", PartSamples.Alert(2), new HashSet<OrgId>())])); // an imported key is raised once
        Assert.Equal(4, store.Alerts.Append([("k4", PartSamples.Alert(4), new HashSet<OrgId>())]).Single().Sequence);
        Assert.True(File.Exists(Old("alerts.db.migrated")));
    }

    [Fact]
    public void Open_WithAnOldAuditorFile_ImportsTheCopyCursorsAndCaches()
    {
        WriteOldAuditorFile(Old("auditor.db"));

        using var store = OpenWith(auditor: Old("auditor.db"));

        var record = Assert.Single(store.AuditorCopy.LoadRecords((id, _, _, ex) => Assert.Fail($"{id}: {ex.Message}")));
        Assert.Equal((TempStore.Org, 5UL, RecordJson.TypeOf(SampleRecords.Access())), (record.Member, record.Sequence, record.Type));
        Assert.Equal([Keccak.Hash("sibling")], record.Anchor!.Proof);
        Assert.Equal("{\"reasons\":1}", record.ReasonsJson);
        Assert.Equal(new MemberCursor(5, 0, 77), store.AuditorCopy.LoadMembers()[TempStore.Org]);
        Assert.Equal(1_700UL, store.AuditorCopy.LoadBlockTimes()[9]);
        Assert.Equal(Keccak.Hash("root"), store.AuditorCopy.LoadRoots()[(TempStore.Org, new BatchId(Keccak.Hash("batch")))]);
        Assert.True(File.Exists(Old("auditor.db.migrated")));
    }

    [Fact]
    public void Open_WithAnOldTaxDataFile_ImportsTaxpayersAndTheSaltFingerprint()
    {
        var taxpayers = PartSamples.Taxpayers(2);
        WriteOldTaxDataFile(Old("taxdata.db"), taxpayers, PartSamples.Salt);

        using var store = OpenWith(taxData: Old("taxdata.db"));

        var data = store.OpenTaxData(PartSamples.Salt);
        Assert.Equal(2, data.Count);
        Assert.Equal(taxpayers[1].Name, data.Get(taxpayers[1].CreditCode)!.Taxpayer.Name);
        Assert.Equal(EthAddress.Parse("0x00000000000000000000000000000000000000bb"), data.Get(taxpayers[0].CreditCode)!.BoundAccount);
        // The old file's salt came along: the store refuses another one, as taxdata.db did.
        Assert.Equal(StoreErrors.TaxSaltMismatchCode, Assert.Throws<LedgerException>(() => store.OpenTaxData(Keccak.Hash("other salt"))).Code);
        Assert.True(File.Exists(Old("taxdata.db.migrated")));
    }

    [Fact]
    public void Open_AfterACrashBetweenTheImportAndTheRename_ImportsNothingTwice_AndKeepsWhatChangedSince()
    {
        WriteOldBankFile(Old("bank.db"));
        WriteOldAlertFile(Old("alerts.db"), count: 3);
        using (var store = OpenWith(bank: Old("bank.db"), alerts: Old("alerts.db")))
        {
            store.Held.MarkDeleted(Keccak.Hash("request/1"), DeletionCause.DataLifeEnded, 6_000);
            store.Alerts.Append([("k4", PartSamples.Alert(4), new HashSet<OrgId>())]);
        }
        // The rename never happened: the old files are back where they were.
        File.Copy(Old("bank.db.migrated"), Old("bank.db"));
        File.Copy(Old("alerts.db.migrated"), Old("alerts.db"));

        using var reopened = OpenWith(bank: Old("bank.db"), alerts: Old("alerts.db"));

        Assert.Equal(2, reopened.Held.List(includeDeleted: true).Count);
        Assert.Null(reopened.Held.Get(Keccak.Hash("request/1"))!.Envelope); // not brought back by a second import
        Assert.Equal(["k1", "k2", "k3", "k4"], reopened.Alerts.After(0, 10).Select(a => a.Key));
        Assert.False(File.Exists(Old("bank.db")));
        Assert.True(File.Exists(Old("bank.db.migrated.1"))); // never over the first
        Assert.True(File.Exists(Old("alerts.db.migrated.1")));
    }

    [Fact]
    public void Open_WithAnOldFileThatIsNotReadable_FailsNamingIt_AndLeavesItAndTheStoreUntouched()
    {
        var content = new byte[32 * 1024];
        new Random(3).NextBytes(content);
        File.WriteAllBytes(Old("bank.db"), content);

        var ex = Assert.Throws<LedgerException>(() => OpenWith(bank: Old("bank.db")));

        Assert.Equal(StoreErrors.LegacyFileUnreadableCode, ex.Code);
        Assert.Contains(Old("bank.db"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("move it away", ex.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(Old("bank.db")));
        using var store = _temp.Open(); // without the file: opens, and holds nothing of it
        Assert.Empty(store.Held.List(includeDeleted: true));
    }

    [Fact]
    public void Open_WithoutOldFiles_ImportsNothing()
    {
        using var store = OpenWith(bank: Old("bank.db"), alerts: Old("alerts.db"), auditor: Old("auditor.db"), taxData: Old("taxdata.db"));

        Assert.Empty(store.Held.List(includeDeleted: true));
        Assert.Equal(0, store.Alerts.LastSequence);
        Assert.False(File.Exists(Old("bank.db.migrated")));
    }

    private LedgerStore OpenWith(string? bank = null, string? alerts = null, string? auditor = null, string? taxData = null)
    {
        var options = _temp.Options();
        options.Legacy = new LegacyStoreFiles { Bank = bank, Alerts = alerts, Auditor = auditor, TaxData = taxData };
        return LedgerStore.Open(options);
    }

    private static LiteDatabase OldFile(string path) => new(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });

    // The layouts below are those of the schema-3 node's BankStore, AlertStore, AuditorStore and TaxDataStore.

    private static void WriteOldBankFile(string path)
    {
        using var db = OldFile(path);
        var held = db.GetCollection("held");
        held.EnsureIndex("consent", "$.consent");
        held.EnsureIndex("liveUntil", "$.liveUntil");
        held.Insert(OldHeld(1, deleted: false));
        held.Insert(OldHeld(2, deleted: true));
        db.GetCollection("reasons").Insert(new BsonDocument { ["_id"] = Keccak.Hash("reasons").ToString(), ["json"] = "{}", ["rating"] = "B" });
        db.GetCollection("references").Insert(new BsonDocument { ["_id"] = new LoanId(Keccak.Hash("loan")).ToString(), ["reference"] = "CCB-2025-0042" });
        db.GetCollection("meta").Insert(new BsonDocument { ["_id"] = "revocation-cursor", ["event"] = "event/7" });
    }

    private static BsonDocument OldHeld(int n, bool deleted) => new()
    {
        ["_id"] = Keccak.Hash($"request/{n}").ToString(),
        ["consent"] = new ConsentId(Keccak.Hash($"consent/{n}")).ToString(),
        ["provider"] = TempStore.Org.Value.ToString(),
        ["scopes"] = (long)Scopes.TaxCreditRating,
        ["response"] = Keccak.Hash($"response/{n}").ToString(),
        ["envelope"] = deleted ? BsonValue.Null : new BsonValue(new byte[] { 1, 2, 3, (byte)n }),
        ["fetchedAt"] = 1_000L + n,
        ["keepUntil"] = 5_000L,
        ["block"] = 40L,
        ["access"] = Keccak.Hash($"access/{n}").ToString(),
        ["deleted"] = deleted,
        ["state"] = deleted ? "deleted" : "held",
        ["liveUntil"] = deleted ? BsonValue.Null : 5_000L,
        ["deletedAt"] = deleted ? 4_000L : BsonValue.Null,
        ["cause"] = deleted ? (int)DeletionCause.ConsentRevoked : BsonValue.Null,
        ["receipt"] = deleted ? new RecordHash(Keccak.Hash("receipt")).ToString() : BsonValue.Null,
    };

    private static void WriteOldAlertFile(string path, int count)
    {
        using var db = OldFile(path);
        var alerts = db.GetCollection("alerts");
        alerts.EnsureIndex("key", unique: true);
        for (var n = 1; n <= count; n++)
        {
            alerts.Insert(new BsonDocument
            {
                ["_id"] = (long)n,
                ["key"] = $"k{n}",
                ["kind"] = (int)AlertKind.RatingDowngrade,
                ["enterprise"] = new EnterpriseHash(Keccak.Hash("enterprise")).ToString(),
                ["summary"] = $"alert {n}",
                ["details"] = new BsonDocument { ["n"] = $"{n}" },
                ["raisedAtMs"] = (long)n,
                ["source"] = TempStore.Org.Value.ToString(),
                ["loan"] = "",
                ["consent"] = "",
                ["block"] = (long)n,
                ["tx"] = "",
                ["audience"] = new BsonArray(new BsonValue(PartSamples.Bank.Value.ToString())),
            });
        }
        db.GetCollection("cursors").Insert(new BsonDocument { ["_id"] = PartSamples.Bank.Value.ToString(), ["after"] = "0000000000000009" });
    }

    private static void WriteOldAuditorFile(string path)
    {
        using var db = OldFile(path);
        var member = TempStore.Org;
        var key = $"{member.Code}/{5UL:D20}";
        var record = SampleRecords.Access(sequence: 5);
        db.GetCollection("records").Insert(new BsonDocument
        {
            ["_id"] = key,
            ["m"] = member.Value.ToArray(),
            ["s"] = 5L,
            ["t"] = RecordJson.TypeOf(record),
            ["j"] = RecordJson.ToJson(record),
            ["h"] = Keccak.Hash("declared").ToArray(),
            ["a"] = new BsonDocument
            {
                ["o"] = member.Value.ToArray(),
                ["b"] = Keccak.Hash("batch").ToArray(),
                ["r"] = Keccak.Hash("root").ToArray(),
                ["p"] = Keccak.Hash("sibling").ToArray(),
                ["n"] = 9L,
                ["x"] = Keccak.Hash("tx").ToArray(),
            },
        });
        db.GetCollection("documents").Insert(new BsonDocument { ["_id"] = key, ["reasons"] = "{\"reasons\":1}", ["rating"] = "" });
        db.GetCollection("members").Insert(new BsonDocument
        {
            ["_id"] = member.Code, ["org"] = member.Value.ToArray(), ["last"] = 5L, ["pending"] = 0L, ["syncedAtMs"] = 77L,
        });
        db.GetCollection("blocktimes").Insert(new BsonDocument { ["_id"] = 9L, ["time"] = 1_700L });
        db.GetCollection("roots").Insert(new BsonDocument
        {
            ["_id"] = $"{member.Value}/{Keccak.Hash("batch")}",
            ["org"] = member.Value.ToArray(),
            ["batch"] = Keccak.Hash("batch").ToArray(),
            ["root"] = Keccak.Hash("root").ToArray(),
        });
    }

    private static void WriteOldTaxDataFile(string path, IReadOnlyList<Taxpayer> taxpayers, Hash32 salt)
    {
        using var db = OldFile(path);
        db.GetCollection("meta").Insert(new BsonDocument { ["_id"] = "salt", ["fingerprint"] = Keccak.Hash(salt, Keccak.Hash("ledger/tax-salt/v1")).ToString() });
        var collection = db.GetCollection("taxpayers");
        collection.EnsureIndex("hash", "$.hash", unique: true);
        for (var i = 0; i < taxpayers.Count; i++)
        {
            var t = taxpayers[i];
            collection.Insert(new BsonDocument
            {
                ["_id"] = t.CreditCode.Value,
                ["hash"] = t.CreditCode.Hash(salt).ToString(),
                ["name"] = t.Name,
                ["latestRating"] = t.LatestRating?.ToString() ?? "",
                ["json"] = TaxpayerImport.ToJsonLine(t),
                ["boundAccount"] = i == 0 ? "0x00000000000000000000000000000000000000bb" : BsonValue.Null,
                ["bindTx"] = i == 0 ? Keccak.Hash("bind").ToString() : BsonValue.Null,
                ["updatedAtMs"] = 1L,
            });
        }
    }
}
