using System.Numerics;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Sdk;
using Ledger.Sdk.Crypto;
using Ledger.Sdk.Mapping;

namespace Ledger.Node.Tests.Unit;

public sealed class WireFormatTests
{
    private static readonly ConsentId Consent = new(Keccak.Hash("consent"));

    [Fact]
    public void FetchRequestHash_IsTheKeccakOfItsAbiEncodingAndChangesWithEveryField()
    {
        var request = new FetchRequest(Consent, OrgId.FromCode("bank.ccb"), OrgId.FromCode("tax.liuzhou"), Scopes.TaxPayments, PurposeCodes.CreditAssessment, 10, 20, "req-1");
        const string type = "FetchReportRequest(bytes32 consentId,bytes32 consumer,bytes32 provider,uint64 scopes,uint32 purpose,"
            + "uint64 periodFrom,uint64 periodUntil,bytes32 requestId)";
        Assert.Equal(type, FetchRequest.Type);
        var expected = new AbiWords()
            .Bytes32(Keccak.Hash(type)).Bytes32(Consent.Value).Bytes32(OrgId.FromCode("bank.ccb").Value)
            .Bytes32(OrgId.FromCode("tax.liuzhou").Value).Number(2UL).Number(1UL).Number(10UL).Number(20UL).Bytes32(Keccak.Hash("req-1")).Keccak();

        Assert.Equal(expected, request.Hash());
        var variants = new[]
        {
            request with { ConsentId = new ConsentId(Keccak.Hash("other")) },
            request with { Consumer = OrgId.FromCode("bank.icbc") },
            request with { Provider = OrgId.FromCode("tax.nanning") },
            request with { Scopes = Scopes.Invoices },
            request with { Purpose = PurposeCodes.PostLoanMonitoring },
            request with { PeriodFrom = 11 },
            request with { PeriodUntil = 21 },
            request with { RequestId = "req-2" },
        };
        Assert.Equal(variants.Length, variants.Select(v => v.Hash()).Distinct().Count(h => h != request.Hash()));
    }

    public static TheoryData<string> RecordKinds => new() { "access", "refusal", "deletion", "fundflow", "decision" };

    [Theory]
    [MemberData(nameof(RecordKinds))]
    public void RecordJson_RoundTrip_KeepsEveryFieldAndSoTheHash(string kind)
    {
        ILedgerRecord record = kind switch
        {
            "access" => new AccessRecord(Consent, OrgId.FromCode("tax.a"), OrgId.FromCode("bank.b"), Scopes.TaxPayments, Keccak.Hash("q"), Keccak.Hash("r"), 12, 1_700_000_000_000, 7),
            "refusal" => new RefusalRecord(Consent, OrgId.FromCode("tax.a"), OrgId.FromCode("bank.b"), Scopes.Invoices, Keccak.Hash("q"), 69, 12, 1_700_000_000_001, 8),
            "deletion" => new DeletionReceipt(Consent, OrgId.FromCode("bank.b"), Keccak.Hash("d"), DeletionCause.ConsentRevoked, 1_700_000_000_002, 9),
            "fundflow" => new FundFlowEvidence(new LoanId(Keccak.Hash("loan")), SpendCategory.NonRnD, UInt128.MaxValue - 5, Keccak.Hash("c"), Keccak.Hash("doc"), OrgId.FromCode("bank.b"), 1_700_000_000_003, 10),
            _ => new CreditDecisionRecord(Consent, OrgId.FromCode("bank.b"), new EnterpriseHash(Keccak.Hash("e")), true, 812, ProductCode.FromCode("SHUIYIDAI"), 300_000_000, 365, 12, Keccak.Hash("why"), 1_700_000_000_004, 11),
        };

        var back = RecordJson.FromJson(RecordJson.TypeOf(record), RecordJson.ToJson(record));

        Assert.Equal(record, back);
        Assert.Equal(record.Hash(), back.Hash());
    }

    [Fact]
    public void RecordJson_Tampered_IsAClearError()
    {
        var json = RecordJson.ToJson(new DeletionReceipt(Consent, OrgId.FromCode("bank.b"), Keccak.Hash("d"), DeletionCause.Voluntary, 1, 2));
        Assert.Equal("LEDGER-1082", Assert.Throws<Core.Errors.LedgerException>(() => RecordJson.FromJson("DeletionReceipt", json.Replace("\"cause\":4", "\"cause\":\"x\"", StringComparison.Ordinal))).Code);
        Assert.Equal("LEDGER-1082", Assert.Throws<Core.Errors.LedgerException>(() => RecordJson.FromJson("Nonsense", json)).Code);
    }

    [Fact]
    public void Secp256k1Fast_SignsTheSameBytesAsTheCoreSignerAndRecoversTheAccount()
    {
        var key = Convert.FromHexString("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
        using var signer = new Secp256k1Fast.SigningKey(key);
        for (var i = 0; i < 20; i++)
        {
            var digest = Keccak.Hash($"message {i}");
            var fast = signer.Sign(digest);
            Assert.Equal(Secp256k1Signer.SignDigest(digest, key), fast);
            Assert.Equal(Secp256k1Signer.AddressOf(key), Secp256k1Fast.Recover(digest, fast));
        }
        var signature = signer.Sign(Keccak.Hash("x"));
        signature[64] = 29;
        Assert.Null(Secp256k1Fast.Recover(Keccak.Hash("x"), signature));
        Assert.Null(Secp256k1Fast.Recover(Keccak.Hash("x"), signature.AsSpan(0, 64)));
    }

    [Fact]
    public void EnterpriseWallet_RefusesToSignAnotherAccountsTermsOrTermsWhoseIdDoesNotMatch()
    {
        using var wallet = EnterpriseWallet.Generate();
        var domain = Eip712Domain.ForConsentRegistry(31337, EthAddress.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));
        var terms = new ConsentTerms(wallet.Address, new EnterpriseHash(Keccak.Hash("cc")), OrgId.FromCode("bank.b"), OrgId.FromCode("tax.a"),
            Scopes.TaxPayments, 1, 100, 200, 0, 100, 1, 0, 3600, new BigInteger(5), new BigInteger(1_000));

        var signature = wallet.SignConsent(terms, terms.IdIn(domain), domain);
        Assert.True(ConsentSignatures.IsSignedByEnterprise(terms, domain, signature));
        Assert.Equal(SdkErrors.WalletDigestMismatchCode, Assert.Throws<Core.Errors.LedgerException>(() => wallet.SignConsent(terms with { Scopes = Scopes.Invoices }, terms.IdIn(domain), domain)).Code);
        using var other = EnterpriseWallet.Generate();
        Assert.Equal(SdkErrors.WalletWrongAccountCode, Assert.Throws<Core.Errors.LedgerException>(() => other.SignConsent(terms, domain)).Code);
        Assert.DoesNotContain(Convert.ToHexStringLower(wallet.ExportPrivateKey()), wallet.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConsentTerms_OnTheWire_RoundTripAndMalformedFieldsAreNamed()
    {
        var terms = new ConsentTerms(EthAddress.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"), new EnterpriseHash(Keccak.Hash("cc")),
            OrgId.FromCode("bank.b"), OrgId.FromCode("tax.a"), Scopes.TaxPayments | Scopes.Judicial, 2, 100, 200, 0, 100, 3, 60, 3600,
            BigInteger.Parse("115792089237316195423570985008687907853269984665640564039457584007913129639935", System.Globalization.CultureInfo.InvariantCulture), new BigInteger(1_000));
        Assert.Equal(terms, ApiMapping.FromProto(ApiMapping.ToProto(terms)));

        var wire = ApiMapping.ToProto(terms);
        wire.CreditCodeHash = "0x12";
        Assert.Contains("terms.credit_code_hash", Assert.Throws<FormatException>(() => ApiMapping.FromProto(wire)).Message, StringComparison.Ordinal);
        wire = ApiMapping.ToProto(terms);
        wire.Nonce = "-1";
        Assert.Contains("terms.nonce", Assert.Throws<FormatException>(() => ApiMapping.FromProto(wire)).Message, StringComparison.Ordinal);
    }
}
