using System.Globalization;
using System.Text.Json;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Core.Tests.Records;

/// <summary>
/// Every record type against tests/fixtures/records/record-hashes.json, where ethers computed each sample's hash
/// from the type string alone (AbiCoder + keccak256): same type string, same hash.
/// </summary>
public class RecordFixtureTests
{
    private static readonly JsonElement Document = Fixtures.Load("records/record-hashes.json");

    private static ulong U64(JsonElement f, string name) => ulong.Parse(f.Str(name), CultureInfo.InvariantCulture);
    private static uint U32(JsonElement f, string name) => uint.Parse(f.Str(name), CultureInfo.InvariantCulture);
    private static byte U8(JsonElement f, string name) => byte.Parse(f.Str(name), CultureInfo.InvariantCulture);
    private static UInt128 U128(JsonElement f, string name) => UInt128.Parse(f.Str(name), CultureInfo.InvariantCulture);
    private static Hash32 H(JsonElement f, string name) => f.GetProperty(name).Hash();

    // Accesses and refusals made before consent sequences have none (0: their legacy type string).
    private static ulong ConsentSequence(JsonElement f) => f.TryGetProperty("consentSequence", out _) ? U64(f, "consentSequence") : 0;

    private static ILedgerRecord Build(string recordType, JsonElement f) => recordType switch
    {
        nameof(AccessRecord) => new AccessRecord(
            new ConsentId(H(f, "consentId")), new OrgId(H(f, "provider")), new OrgId(H(f, "consumer")), (Scopes)U64(f, "scopes"),
            H(f, "requestHash"), H(f, "responseHash"), U64(f, "checkedAtBlock"), U64(f, "servedAtMs"), U64(f, "sequence"), ConsentSequence(f)),
        nameof(RefusalRecord) => new RefusalRecord(
            new ConsentId(H(f, "consentId")), new OrgId(H(f, "provider")), new OrgId(H(f, "consumer")), (Scopes)U64(f, "scopes"),
            H(f, "requestHash"), U8(f, "reason"), U64(f, "checkedAtBlock"), U64(f, "refusedAtMs"), U64(f, "sequence"), ConsentSequence(f)),
        nameof(DeletionReceipt) => new DeletionReceipt(
            new ConsentId(H(f, "consentId")), new OrgId(H(f, "consumer")), H(f, "dataHash"), (DeletionCause)U8(f, "cause"),
            U64(f, "deletedAtMs"), U64(f, "sequence")),
        nameof(FundFlowEvidence) => new FundFlowEvidence(
            new LoanId(H(f, "loanId")), (SpendCategory)U8(f, "category"), U128(f, "amountFen"), H(f, "counterpartyHash"),
            H(f, "documentHash"), new OrgId(H(f, "recorder")), U64(f, "recordedAtMs"), U64(f, "sequence")),
        nameof(CreditDecisionRecord) => new CreditDecisionRecord(
            new ConsentId(H(f, "consentId")), new OrgId(H(f, "bank")), new EnterpriseHash(H(f, "enterprise")),
            f.GetProperty("approved").GetBoolean(), U32(f, "score"), new ProductCode(H(f, "product")),
            U128(f, "limitFen"), U32(f, "rateBps"), ushort.Parse(f.Str("termMonths"), CultureInfo.InvariantCulture), H(f, "reasonsHash"),
            U64(f, "decidedAtMs"), U64(f, "sequence")),
        _ => throw new InvalidOperationException($"The fixture has a record type {recordType} these tests do not know; add it here."),
    };

    public static TheoryData<string> RecordTypes()
    {
        var data = new TheoryData<string>();
        foreach (var r in Document.GetProperty("records").EnumerateArray())
        {
            data.Add(r.Str("record"));
        }
        return data;
    }

    [Fact]
    public void Fixture_CoversEveryRecordTypeOfTheCore()
    {
        var inCore = typeof(ILedgerRecord).Assembly.GetTypes()
            .Where(t => typeof(ILedgerRecord).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal);
        var inFixture = Document.GetProperty("records").EnumerateArray().Select(r => r.Str("record")).Order(StringComparer.Ordinal);
        Assert.Equal(inCore, inFixture);
    }

    [Theory]
    [MemberData(nameof(RecordTypes))]
    public void Hash_EverySample_EqualsEthers(string recordType)
    {
        var entry = Document.GetProperty("records").EnumerateArray().Single(r => r.Str("record") == recordType);
        var samples = entry.GetProperty("samples").EnumerateArray().ToArray();
        Assert.NotEmpty(samples);
        foreach (var sample in samples)
        {
            var record = Build(recordType, sample.GetProperty("fields"));
            Assert.Equal(entry.Str("typeString"), record.TypeString);
            Assert.Equal(entry.GetProperty("typeHash").Hash(), Keccak.Hash(record.TypeString));
            Assert.Equal(sample.GetProperty("hash").Hash(), record.Hash().Value);
        }
    }

    [Fact]
    public void Hash_LegacyAccessesAndRefusals_KeepTheHashesTheyHadBeforeConsentSequences()
    {
        var legacy = Document.GetProperty("legacyRecords").EnumerateArray().ToArray();
        Assert.Equal([nameof(AccessRecord), nameof(RefusalRecord)], legacy.Select(r => r.Str("record")));
        foreach (var entry in legacy)
        {
            var samples = entry.GetProperty("samples").EnumerateArray().ToArray();
            Assert.NotEmpty(samples);
            foreach (var sample in samples)
            {
                var record = Build(entry.Str("record"), sample.GetProperty("fields"));
                Assert.Equal(0UL, ((IConsentSequencedRecord)record).ConsentSequence);
                Assert.Equal(entry.Str("typeString"), record.TypeString);
                Assert.Equal(sample.GetProperty("hash").Hash(), record.Hash().Value);
            }
        }
        Assert.Equal(AccessRecord.LegacyType, legacy[0].Str("typeString"));
        Assert.Equal(RefusalRecord.LegacyType, legacy[1].Str("typeString"));
    }

    [Fact]
    public void OrgIdAndProductCode_EqualEthersEncodeBytes32String()
    {
        foreach (var entry in Document.GetProperty("ids").GetProperty("orgIds").EnumerateArray())
        {
            var code = entry.Str("code");
            var expected = entry.GetProperty("bytes32").Hash();
            Assert.Equal(expected, OrgId.FromCode(code).Value);
            Assert.Equal(expected, ProductCode.FromCode(code).Value);
            Assert.Equal(code, new OrgId(expected).Code);
        }
    }

    [Fact]
    public void BatchIdFor_EqualsEthers()
    {
        foreach (var entry in Document.GetProperty("ids").GetProperty("batchIds").EnumerateArray())
        {
            Assert.Equal(entry.GetProperty("batchId").Hash(), BatchId.For(OrgId.FromCode(entry.Str("org")), U64(entry, "sequence")).Value);
        }
    }

    [Fact]
    public void LoanIdFromReference_EqualsEthers()
    {
        foreach (var entry in Document.GetProperty("ids").GetProperty("loanIds").EnumerateArray())
        {
            Assert.Equal(entry.GetProperty("loanId").Hash(), LoanId.FromReference(OrgId.FromCode(entry.Str("bank")), entry.Str("reference")).Value);
        }
    }
}
