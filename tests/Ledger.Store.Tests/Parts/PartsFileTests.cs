using System.Text;
using Ledger.Core.Errors;
using Ledger.Core.Primitives;
using Ledger.Store.Tests.Support;
using LiteDB;

namespace Ledger.Store.Tests.Parts;

/// <summary>
/// The one store's rules hold for its new parts (schema 4): a write is durable once it returns (even when the process
/// is killed), a damaged page of a new collection is reported when the store opens, and the schema version moves on —
/// an older node refuses the file, an older file is upgraded.
/// </summary>
public sealed class PartsFileTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Parts_ProcessKilledMidway_EveryAcknowledgedRoundIsInTheStore()
    {
        const int total = 400;
        using var host = HostProcess.Start("parts", "--store", _temp.FilePath, "--org", TempStore.Org.Code, "--records", $"{total}");
        await host.WaitForLineAsync(l => l.StartsWith("ACK 30 ", StringComparison.Ordinal), "thirty rounds are acknowledged");
        await host.KillAsync();
        Assert.DoesNotContain("DONE", host.Lines);
        var acknowledged = host.Acknowledged();
        Assert.True(acknowledged.Count >= 30);

        using var store = _temp.Open();
        var member = PartSamples.Bank;
        var alerts = store.Alerts.After(0, total).Select(a => a.Key).ToHashSet();
        var copied = store.AuditorCopy.LoadRecords((id, _, _, ex) => Assert.Fail($"{id}: {ex.Message}")).Select(r => r.Sequence).ToHashSet();
        var tax = store.OpenTaxData(Keccak.Hash("crash-host/tax-salt")); // the crash host's salt
        foreach (var (round, requestHash) in acknowledged)
        {
            Assert.Equal(requestHash, store.Held.Get(Hash32.Parse(requestHash))?.RequestHash.ToString());
            Assert.Contains($"k{round}", alerts);
            Assert.Contains(round, copied);
        }
        Assert.True(store.AuditorCopy.LoadMembers()[member].LastSequence >= (ulong)acknowledged.Count);
        Assert.True(tax.Count >= acknowledged.Count);
        Assert.True(store.Alerts.LastSequence >= acknowledged.Count);
    }

    [Fact]
    public void Open_AFileWithADamagedPageOfTheHeldData_FailsAsCorrupt()
    {
        var keys = new List<string>();
        using (var store = _temp.Open())
        {
            for (var n = 0; n < 200; n++)
            {
                var item = PartSamples.Held(n);
                store.Held.Add(item);
                keys.Add(item.RequestHash.ToString());
            }
        }
        // Only the pages holding the held data (its documents and its _id index: both carry the request hashes).
        var bytes = File.ReadAllBytes(_temp.FilePath);
        var damaged = 0;
        for (var page = 2 * 8192; page + 8192 <= bytes.Length; page += 8192)
        {
            var text = Encoding.ASCII.GetString(bytes, page, 8192);
            if (!keys.Exists(k => text.Contains(k[2..], StringComparison.Ordinal)))
            {
                continue;
            }
            damaged++;
            for (var i = page; i < page + 8192; i += 7)
            {
                bytes[i] ^= 0x5a;
            }
        }
        Assert.True(damaged > 0);
        File.WriteAllBytes(_temp.FilePath, bytes);

        var ex = Assert.Throws<LedgerException>(() => _temp.Open());

        Assert.Equal(StoreErrors.CorruptCode, ex.Code);
        Assert.Equal(ErrorCategory.Tampered, ex.Category);
    }

    [Fact]
    public void Open_ANewStore_WritesTheCurrentSchemaVersion5()
    {
        using (_temp.Open())
        {
        }

        using var db = new LiteDatabase(new ConnectionString { Filename = _temp.FilePath, ReadOnly = true });
        Assert.Equal(5, db.GetCollection("meta").FindById("store")["schemaVersion"].AsInt32);
        Assert.Equal(5, LedgerStore.CurrentSchemaVersion);
    }

    [Fact]
    public void Open_AStoreWithThePartsInANodeThatReadsUpToVersion3_IsRefusedWithBothVersions_AndLeftUntouched()
    {
        using (var store = _temp.Open())
        {
            store.Held.Add(PartSamples.Held(1));
        }
        var before = File.ReadAllBytes(_temp.FilePath);

        var ex = Assert.Throws<LedgerException>(() => LedgerStore.Open(_temp.Options(), null, newestReadable: 3));

        Assert.Equal(StoreErrors.SchemaTooNewCode, ex.Code);
        Assert.Contains($"schema version {LedgerStore.CurrentSchemaVersion}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("up to 3", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_temp.FilePath));
    }

    [Fact]
    public void Open_AVersion3Store_IsUpgraded_AndTakesTheNewParts()
    {
        // (Records across the upgrade: RecordSchema5Tests, with a file written as schema 3 wrote its records.)
        using (var store = _temp.Open())
        {
        }
        // As schema 3 left it: its version, and none of the new collections.
        using (var db = new LiteDatabase(new ConnectionString { Filename = _temp.FilePath }))
        {
            foreach (var name in new[] { "held", "creditReasons", "loanReferences", "alerts", "alertCursors", "auditorRecords", "auditorDocuments", "auditorMembers", "auditorBlockTimes", "auditorRoots", "taxpayers" })
            {
                db.DropCollection(name);
            }
            var meta = db.GetCollection("meta");
            var doc = meta.FindById("store");
            doc["schemaVersion"] = 3;
            meta.Update(doc);
        }

        using (var upgraded = _temp.Open())
        {
            upgraded.Held.Add(PartSamples.Held(1));
            Assert.Equal(1, upgraded.Alerts.Append([("k1", PartSamples.Alert(1), new HashSet<Core.Model.OrgId>())]).Single().Sequence);
        }
        using var reopened = new LiteDatabase(new ConnectionString { Filename = _temp.FilePath, ReadOnly = true });
        Assert.Equal(LedgerStore.CurrentSchemaVersion, reopened.GetCollection("meta").FindById("store")["schemaVersion"].AsInt32);
        Assert.True(reopened.GetCollection("meta").FindById("store")["upgradedAtMs"].IsInt64);
    }
}
