using System.Text;
using Ledger.Audit.Bundle;
using Ledger.Audit.Tests.Support;
using Ledger.Audit.Verification;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Audit.Tests;

public class CodecTests
{
    private static readonly ConsentId Consent = new(Keccak.Hash("consent"));

    public static TheoryData<ILedgerRecord> EveryRecordType() => new()
    {
        new AccessRecord(Consent, SyntheticLedger.Tax, SyntheticLedger.Bank, Scopes.TaxCreditRating | Scopes.Invoices, Keccak.Hash("q"), Keccak.Hash("r"), 41, 1_760_000_000_123, 7),
        new RefusalRecord(Consent, SyntheticLedger.Tax, SyntheticLedger.OtherBank, Scopes.TaxPayments, Keccak.Hash("q2"), (byte)AccessStatus.Revoked, 42, 1_760_000_000_456, 8),
        new AccessRecord(Consent, SyntheticLedger.Tax, SyntheticLedger.Bank, Scopes.TaxPayments, Keccak.Hash("q3"), Keccak.Hash("r3"), 43, 1_760_000_000_789, 9, 3),
        new RefusalRecord(Consent, SyntheticLedger.Tax, SyntheticLedger.Bank, Scopes.TaxPayments, Keccak.Hash("q4"), (byte)AccessStatus.FetchCapReached, 43, 1_760_000_000_790, 10, 4),
        new DeletionReceipt(Consent, SyntheticLedger.Bank, Keccak.Hash("data"), DeletionCause.ConsentRevoked, 1_760_000_001_000, 3),
        new FundFlowEvidence(new LoanId(Keccak.Hash("loan")), SpendCategory.NonRnD, UInt128.Parse("340282366920938463463374607431768211455", System.Globalization.CultureInfo.InvariantCulture),
            Keccak.Hash("cp"), Keccak.Hash("doc"), SyntheticLedger.Bank, 1_760_000_002_000, 4),
        new CreditDecisionRecord(Consent, SyntheticLedger.Bank, SyntheticLedger.EnterpriseHashOf(1), true, 945, SyntheticLedger.Shuiyidai, 300_000_000, 365, 12,
            Keccak.Hash("reasons"), 1_760_000_003_000, 5),
        new CreditDecisionRecord(Consent, SyntheticLedger.Bank, SyntheticLedger.EnterpriseHashOf(2), false, 300, default, 0, 0, 0, Keccak.Hash("reasons2"), 1_760_000_003_500, 6),
    };

    [Theory]
    [MemberData(nameof(EveryRecordType))]
    public void RecordHasher_EveryRecordType_EqualsTheCanonicalHash(ILedgerRecord record) =>
        Assert.Equal(record.Hash(), RecordHasher.Hash(record));

    [Theory]
    [MemberData(nameof(EveryRecordType))]
    public void AuditRecordJson_EveryRecordType_RoundTripsWithItsHash(ILedgerRecord record)
    {
        var json = AuditRecordJson.ToJson(record);
        var back = AuditRecordJson.FromJson(json);
        Assert.Equal(record, back);
        Assert.Equal(record.Hash(), back.Hash());
        Assert.Contains($"\"hash\":\"{record.Hash()}\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EveryRecordType))]
    public void AuditRecordJson_Fields_AreWrittenExactlyAsTheNodesExportThem(ILedgerRecord record) =>
        Assert.Equal(RecordJson.ToJson(record), AuditRecordJson.FieldsJson(record));

    [Theory]
    [MemberData(nameof(EveryRecordType))]
    public void AuditRecordJson_NodeExport_ReadsBackToTheSameRecord(ILedgerRecord record) =>
        Assert.Equal(record, AuditRecordJson.FromFieldsJson(AuditRecordJson.TypeName(record), RecordJson.ToJson(record)));

    [Fact]
    public void AuditRecordJson_OrganizationCodesAndDecimalStrings_AreAccepted()
    {
        var expected = new AccessRecord(Consent, SyntheticLedger.Tax, SyntheticLedger.Bank, Scopes.TaxPayments, Keccak.Hash("q"), Keccak.Hash("r"), 41, 1000, 7);
        var json = $$"""
            {"consentId":"{{Consent}}","provider":"tax.liuzhou","consumer":"bank.ccb.liuzhou","scopes":"2",
             "requestHash":"{{Keccak.Hash("q")}}","responseHash":"{{Keccak.Hash("r")}}","checkedAtBlock":41,"servedAtMs":"1000","sequence":7}
            """;
        Assert.Equal(expected, AuditRecordJson.FromFieldsJson("AccessRecord", json));
    }

    [Fact]
    public void AuditRecordJson_AlteredFieldUnderTheOriginalHash_IsRefusedNamingTheAlteration()
    {
        var record = new DeletionReceipt(Consent, SyntheticLedger.Bank, Keccak.Hash("data"), DeletionCause.Voluntary, 1000, 3);
        var json = AuditRecordJson.ToJson(record).Replace("\"deletedAtMs\":1000", "\"deletedAtMs\":2000", StringComparison.Ordinal);
        var ex = Assert.Throws<AuditException>(() => AuditRecordJson.FromJson(json));
        Assert.Equal(AuditErrors.InvalidRecordCode, ex.Code);
        Assert.Contains("altered", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Loan", "{}", "not a record type")]
    [InlineData("AccessRecord", "{\"consentId\":\"0x12\"}", "fields.consentId")]
    [InlineData("DeletionReceipt", "{\"consentId\":\"0x0000000000000000000000000000000000000000000000000000000000000001\"}", "fields.consumer is missing")]
    [InlineData("Refusal", "[1,2]", "expected an object")]
    public void AuditRecordJson_BadFields_SayWhereAndWhat(string type, string fields, string expected)
    {
        var ex = Assert.Throws<AuditException>(() => AuditRecordJson.FromFieldsJson(type, fields));
        Assert.Equal(AuditErrors.InvalidRecordCode, ex.Code);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditBundleJson_AWholeLedger_RoundTripsValueForValue()
    {
        var ledger = TestLedgers.Lending();
        var bundle = ledger.ToBundle();
        var json = Encoding.UTF8.GetString(AuditBundleJson.ToUtf8(bundle));
        var back = AuditBundleJson.Parse(json);

        Assert.Equal(bundle.Chain.ChainId, back.Chain.ChainId);
        Assert.Equal(bundle.Chain.Contracts, back.Chain.Contracts);
        Assert.Equal(bundle.Records.Count, back.Records.Count);
        for (var i = 0; i < bundle.Records.Count; i++)
        {
            var (a, b) = (bundle.Records[i], back.Records[i]);
            Assert.Equal(a.Record, b.Record);
            Assert.Equal(a.DeclaredHash, b.DeclaredHash);
            Assert.Equal(a.ReasonsJson, b.ReasonsJson);
            Assert.Equal(a.Anchor?.Root, b.Anchor?.Root);
            Assert.Equal(a.Anchor?.Proof, b.Anchor?.Proof);
            Assert.Equal(a.Anchor?.Batch, b.Anchor?.Batch);
        }
        Assert.Equal(bundle.Anchors, back.Anchors);
        Assert.Equal(bundle.Events.Count, back.Events.Count);
        for (var k = 0; k < bundle.Events.Count; k++)
        {
            Assert.Equal(bundle.Events[k].Id, back.Events[k].Id);
            Assert.Equal(bundle.Events[k].Args, back.Events[k].Args);
            Assert.Equal(bundle.Events[k].TxHash, back.Events[k].TxHash);
        }
        Assert.Equal(bundle.BlockTimes, back.BlockTimes);
        Assert.Equal(json, Encoding.UTF8.GetString(AuditBundleJson.ToUtf8(back)));
    }

    [Fact]
    public void AuditBundleJson_CutShort_IsMalformed()
    {
        var json = Encoding.UTF8.GetString(AuditBundleJson.ToUtf8(TestLedgers.Lending().ToBundle()));
        var ex = Assert.Throws<AuditException>(() => AuditBundleJson.Parse(json[..(json.Length / 2)]));
        Assert.Equal(AuditErrors.BundleMalformedCode, ex.Code);
        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditBundleJson_WithoutItsEvents_IsIncomplete()
    {
        var json = Encoding.UTF8.GetString(AuditBundleJson.ToUtf8(TestLedgers.Lending().ToBundle()));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var without = new System.Text.Json.Nodes.JsonObject();
        foreach (var property in document.RootElement.EnumerateObject().Where(p => p.Name != "events"))
        {
            without[property.Name] = System.Text.Json.Nodes.JsonNode.Parse(property.Value.GetRawText());
        }
        var ex = Assert.Throws<AuditException>(() => AuditBundleJson.Parse(without.ToJsonString()));
        Assert.Equal(AuditErrors.BundleIncompleteCode, ex.Code);
        Assert.Contains("bundle.events is missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditBundleJson_AnotherFormat_IsUnsupported()
    {
        var ex = Assert.Throws<AuditException>(() => AuditBundleJson.Parse("{\"format\":\"ledger/audit-bundle/v9\"}"));
        Assert.Equal(AuditErrors.BundleUnsupportedCode, ex.Code);
    }

    [Fact]
    public void AuditBundleJson_AMalformedProofStep_NamesItsPath()
    {
        var bundle = TestLedgers.Lending().ToBundle();
        var json = Encoding.UTF8.GetString(AuditBundleJson.ToUtf8(bundle));
        var step = bundle.Records[0].Anchor!.Proof[0].ToString();
        var ex = Assert.Throws<AuditException>(() => AuditBundleJson.Parse(json.Replace(step, "0xnothex", StringComparison.Ordinal)));
        Assert.Equal(AuditErrors.BundleMalformedCode, ex.Code);
        Assert.Contains("bundle.records[", ex.Message, StringComparison.Ordinal);
        Assert.Contains(".anchor.proof[0]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditBundleJson_AMissingFile_IsUnreadable()
    {
        var ex = Assert.Throws<AuditException>(() => AuditBundleJson.ReadFile(Path.Combine(Path.GetTempPath(), "no-such-bundle-" + Guid.NewGuid() + ".json")));
        Assert.Equal(AuditErrors.BundleUnreadableCode, ex.Code);
        Assert.Contains("there is no such file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrustedRoots_RoundTrip_AndRejectTwoRootsForOneBatch()
    {
        var ledger = TestLedgers.Lending();
        var trusted = TrustedRoots.FromAnchors(SyntheticLedger.ChainId, ledger.ToBundle().Anchors);
        var back = TrustedRoots.Parse(trusted.ToJson());
        Assert.Equal(trusted.Count, back.Count);
        Assert.Equal(SyntheticLedger.ChainId, back.ChainId);
        foreach (var (batch, root) in trusted.Roots)
        {
            Assert.True(back.TryGetRoot(batch, out var again));
            Assert.Equal(root, again);
        }

        var anchor = ledger.ToBundle().Anchors[0];
        var twice = $$"""
            {"format":"ledger/trusted-roots/v1","roots":[
              {"org":"{{anchor.Org.Code}}","batchId":"{{anchor.BatchId}}","root":"{{anchor.Root}}"},
              {"org":"{{anchor.Org.Code}}","batchId":"{{anchor.BatchId}}","root":"{{Keccak.Hash("other")}}"}]}
            """;
        var ex = Assert.Throws<AuditException>(() => TrustedRoots.Parse(twice));
        Assert.Equal(AuditErrors.TrustedRootsUnusableCode, ex.Code);
        Assert.Contains("listed twice", ex.Message, StringComparison.Ordinal);
    }
}
