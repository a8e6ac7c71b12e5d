using Ledger.Audit.Bundle;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Auditor;
using Ledger.Node.Hosting;
using Proto = Ledger.Api.V1;

namespace Ledger.Node.Tests.Auditor;

/// <summary>The auditor's parts that need no chain: its file, reading exported records, bundle files, options.</summary>
public sealed class AuditorUnitTests : IDisposable
{
    private static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb");

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ledger-auditor-unit", Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static AccessRecord Access(ulong sequence) => new(
        new ConsentId(Keccak.Hash("consent")), Tax, Bank, Scopes.TaxCreditRating, Keccak.Hash($"request/{sequence}"), Keccak.Hash($"response/{sequence}"),
        100 + sequence, 1_767_225_600_000 + sequence, sequence);

    private static RecordAnchorRef Anchor(ulong block) =>
        new(Tax, new BatchId(Keccak.Hash("batch/1")), Keccak.Hash("root/1"), [Keccak.Hash("sibling/1"), Keccak.Hash("sibling/2")], block, Keccak.Hash("tx/1"));

    // The auditor's copy is a part of the node's store (schema 4): a real store file in the test's folder.
    private Ledger.Store.LedgerStore OpenLedger() => Ledger.Store.LedgerStore.Open(new Ledger.Store.LedgerStoreOptions
    {
        Path = Path.Combine(_dir, "ledger.db"),
        Organization = OrgId.FromCode("auditor.one"),
    });

    private static AuditorStore Copy(Ledger.Store.LedgerStore ledger) => new(ledger.AuditorCopy, ledger.Path);

    private static PulledRecord Pulled(ILedgerRecord record, ulong sequence, RecordAnchorRef? anchor) =>
        new(Tax, sequence, RecordJson.TypeOf(record), RecordJson.ToJson(record), BundleRecord.Of(record, anchor));

    [Fact]
    public void AuditorStore_SavedPagesAndCaches_ReadBackAfterReopening()
    {
        var anchored = Pulled(Access(1), 1, Anchor(120));
        var pending = Pulled(Access(2), 2, null);
        var decision = new CreditDecisionRecord(new ConsentId(Keccak.Hash("consent")), Bank, new EnterpriseHash(Keccak.Hash("enterprise")), true, 720,
            ProductCode.FromCode("SHUIYIDAI"), 50_000_000, 435, 12, Keccak.Hash("reasons"), 1_767_225_600_500, 1);
        var withReasons = new PulledRecord(Bank, 1, RecordJson.TypeOf(decision), RecordJson.ToJson(decision),
            BundleRecord.Of(decision, null) with { ReasonsJson = "{\"format\":\"ledger/credit-reasons/v1\"}", Rating = "A" });
        var batch = new BatchKey(Tax, new BatchId(Keccak.Hash("batch/1")));
        var unanchored = new BatchKey(Tax, new BatchId(Keccak.Hash("batch/2")));
        using (var ledger = OpenLedger())
        {
            var store = Copy(ledger);
            store.Save(Tax, [anchored, pending], [], new MemberCursor(2, 2, 1_000));
            store.Save(Bank, [withReasons], [], new MemberCursor(1, 1, 2_000));
            store.SaveBlockTimes(new Dictionary<ulong, ulong> { [101] = 1_767_225_600, [120] = 1_767_225_640 });
            store.SaveRoots(new Dictionary<BatchKey, Hash32> { [batch] = Keccak.Hash("root/1"), [unanchored] = Hash32.Zero });
        }

        using var reopenedLedger = OpenLedger();
        var reopened = Copy(reopenedLedger);
        var unreadable = new List<string>();
        var records = reopened.LoadRecords((id, _, _, _) => unreadable.Add(id)).ToList();

        Assert.Empty(unreadable);
        Assert.Equal(3, records.Count);
        var first = Assert.Single(records, r => r.Member == Tax && r.Sequence == 1);
        Assert.Equal(anchored.Record.DeclaredHash, first.Record.DeclaredHash);
        Assert.Equal(Access(1), first.Record.Record);
        Assert.Equal(anchored.Record.Anchor!.Proof, first.Record.Anchor!.Proof);
        Assert.Equal(anchored.Record.Anchor with { Proof = first.Record.Anchor.Proof }, first.Record.Anchor);
        Assert.Null(Assert.Single(records, r => r.Member == Tax && r.Sequence == 2).Record.Anchor);
        var fromBank = Assert.Single(records, r => r.Member == Bank);
        Assert.Equal("A", fromBank.Record.Rating);
        Assert.Equal(withReasons.Record.ReasonsJson, fromBank.Record.ReasonsJson);
        Assert.Equal(new MemberCursor(2, 2, 1_000), reopened.LoadMembers()[Tax]);
        Assert.Equal(1_767_225_640UL, reopened.LoadBlockTimes()[120]);
        var roots = reopened.LoadRoots();
        Assert.Equal(Keccak.Hash("root/1"), roots[batch]);
        Assert.False(roots.ContainsKey(unanchored)); // a zero root is asked for again: the batch may be anchored later
    }

    [Fact]
    public void AuditorStore_ARecordSavedAgainWithItsAnchor_ReplacesThePendingCopy()
    {
        using var ledger = OpenLedger();
        var store = Copy(ledger);

        store.Save(Tax, [Pulled(Access(1), 1, null)], [], new MemberCursor(1, 1, 1));
        store.Save(Tax, [], [Pulled(Access(1), 1, Anchor(130))], new MemberCursor(1, 0, 2));

        var record = Assert.Single(store.LoadRecords((_, _, _, _) => { }));
        Assert.Equal(130UL, record.Record.Anchor!.BlockNumber);
        Assert.Equal(1UL, store.LoadMembers()[Tax].ResumeAfter); // nothing pending: the next pull starts after sequence 1
    }

    [Theory]
    [InlineData(0UL, 0UL, 0UL)]
    [InlineData(40UL, 0UL, 40UL)]
    [InlineData(40UL, 31UL, 30UL)]
    public void MemberCursor_ResumeAfter_RestartsAtTheFirstRecordStillWaitingForItsAnchor(ulong last, ulong firstPending, ulong expected) =>
        Assert.Equal(expected, new MemberCursor(last, firstPending, 0).ResumeAfter);

    [Fact]
    public void Read_AnExportedRecord_KeepsTheDeclaredHashAnchorAndSideDocuments()
    {
        var record = Access(7);
        var anchor = Anchor(140);
        var declared = Keccak.Hash("what the holder declares");
        var exported = new Proto.ExportedRecord
        {
            Type = RecordJson.TypeOf(record),
            Json = RecordJson.ToJson(record),
            Sequence = 7,
            Anchor = new Proto.AnchorRef
            {
                RecordHash = declared.ToString(),
                Org = Tax.Code,
                BatchId = anchor.BatchId.Value.ToString(),
                Root = anchor.Root.ToString(),
                AnchoredInBlock = 140,
                AnchorTx = anchor.TxHash.ToString(),
            },
            Rating = "B",
        };
        exported.Anchor.Proof.AddRange(anchor.Proof.Select(p => p.ToString()));

        var pulled = AuditorSync.Read(Tax, exported);

        Assert.Equal(record, pulled.Record.Record);
        // Verification recomputes the hash; the auditor keeps what the member declared, so a mismatch is seen.
        Assert.Equal(declared, pulled.Record.DeclaredHash.Value);
        Assert.Equal(anchor.Proof, pulled.Record.Anchor!.Proof);
        Assert.Equal(anchor with { Proof = pulled.Record.Anchor.Proof }, pulled.Record.Anchor);
        Assert.Equal("B", pulled.Record.Rating);
        Assert.Null(pulled.Record.ReasonsJson);
        Assert.Equal(7UL, pulled.Sequence);
    }

    [Fact]
    public void Read_APendingRecord_HasNoAnchorAndItsOwnHash()
    {
        var record = Access(8);
        var exported = new Proto.ExportedRecord
        {
            Type = RecordJson.TypeOf(record),
            Json = RecordJson.ToJson(record),
            Sequence = 8,
            Anchor = new Proto.AnchorRef { RecordHash = record.Hash().ToString(), Org = Tax.Code },
        };

        var pulled = AuditorSync.Read(Tax, exported);

        Assert.Null(pulled.Record.Anchor);
        Assert.Equal(record.Hash(), pulled.Record.DeclaredHash);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("type")]
    [InlineData("batch")]
    [InlineData("proof")]
    public void Read_AMalformedExport_IsRefusedWithItsSequence(string mistake)
    {
        var record = Access(9);
        var exported = new Proto.ExportedRecord
        {
            Type = RecordJson.TypeOf(record),
            Json = RecordJson.ToJson(record),
            Sequence = 9,
            Anchor = new Proto.AnchorRef
            {
                RecordHash = record.Hash().ToString(),
                Org = Tax.Code,
                BatchId = Keccak.Hash("batch").ToString(),
                Root = Keccak.Hash("root").ToString(),
                AnchoredInBlock = 1,
                AnchorTx = Keccak.Hash("tx").ToString(),
            },
        };
        switch (mistake)
        {
            case "json": exported.Json = exported.Json[..^5]; break;
            case "type": exported.Type = "Gossip"; break;
            case "batch": exported.Anchor.BatchId = "0x1234"; break;
            case "proof": exported.Anchor.Proof.Add("not hex"); break;
        }

        var error = Assert.ThrowsAny<LedgerException>(() => AuditorSync.Read(Tax, exported));

        Assert.Equal(AuditorErrors.UnreadableRecordCode, error.Code);
        Assert.Contains("record 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteBundle_WritesANewBundleFileAtomically()
    {
        var folder = Path.Combine(_dir, "bundles");
        var scope = Audit.Bundle.AuditScope.ForEnterprise(new EnterpriseHash(Keccak.Hash("enterprise")));
        byte[] bytes = [1, 2, 3];

        var first = AuditService.WriteBundle(folder, scope, bytes);
        var second = AuditService.WriteBundle(folder, scope, bytes);

        Assert.NotEqual(first, second);
        Assert.StartsWith("audit-bundle-enterprise-", Path.GetFileName(first), StringComparison.Ordinal);
        Assert.EndsWith(".json", first, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(first));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Theory]
    [InlineData("SyncInterval", "-00:00:01", true)]
    [InlineData("SyncInterval", "2.00:00:00", true)]
    [InlineData("SyncInterval", "00:00:00", false)]
    [InlineData("SyncInterval", "00:05:00", false)]
    [InlineData("IndexerWait", "-00:00:01", true)]
    [InlineData("IndexerWait", "00:11:00", true)]
    [InlineData("IndexerWait", "00:00:00", false)]
    public void Validate_AuditorSettings_MustBeWithinTheirRanges(string setting, string value, bool refused)
    {
        var options = new LedgerNodeOptions
        {
            Org = "audit.gx",
            Role = NodeRole.Auditor,
            DataDir = "data/auditor",
            KeyStoreFile = "keys/auditor.json",
            Chain = new NodeChainOptions { RpcUrl = "http://127.0.0.1:8545", DeploymentFile = "deployments/local.json" },
        };
        var time = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        if (setting == "SyncInterval")
        {
            options.Auditor.SyncInterval = time;
        }
        else
        {
            options.Auditor.IndexerWait = time;
        }

        var result = new LedgerNodeOptionsValidator().Validate(null, options);

        Assert.Equal(refused, result.Failed);
        if (refused)
        {
            Assert.Contains($"Ledger:Node:Auditor:{setting}", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
