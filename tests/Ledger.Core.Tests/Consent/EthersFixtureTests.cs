using System.Numerics;
using System.Text.Json;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Consent;

/// <summary>
/// The consent artefacts of tests/fixtures/eip712/consent-signatures.json, hashed and signed by ethers v6: the C# side
/// must give the same struct hashes, consent ids and digests, the same signatures byte for byte (both sign with
/// RFC 6979 deterministic nonces), and must accept ethers' signatures.
/// </summary>
public class EthersFixtureTests
{
    private static readonly JsonElement Document = Fixtures.Load("eip712/consent-signatures.json");

    private static Eip712Domain Domain(int index)
    {
        var d = Document.GetProperty("domains")[index];
        return new Eip712Domain(d.Str("name"), d.Str("version"), BigInteger.Parse(d.Str("chainId"), System.Globalization.CultureInfo.InvariantCulture), EthAddress.Parse(d.Str("verifyingContract")));
    }

    private static byte[] SignerKey(int index) => Document.GetProperty("signers")[index].GetProperty("privateKey").HexBytes();

    private static EthAddress SignerAddress(int index) => EthAddress.Parse(Document.GetProperty("signers")[index].Str("address"));

    private static ulong U64(JsonElement e, string name) => ulong.Parse(e.Str(name), System.Globalization.CultureInfo.InvariantCulture);

    private static uint U32(JsonElement e, string name) => uint.Parse(e.Str(name), System.Globalization.CultureInfo.InvariantCulture);

    private static BigInteger U256(JsonElement e, string name) => BigInteger.Parse(e.Str(name), System.Globalization.CultureInfo.InvariantCulture);

    private static ConsentTerms Terms(JsonElement t) => new(
        EthAddress.Parse(t.Str("enterprise")),
        new EnterpriseHash(t.GetProperty("creditCodeHash").Hash()),
        new OrgId(t.GetProperty("consumer").Hash()),
        new OrgId(t.GetProperty("provider").Hash()),
        (Scopes)U64(t, "scopes"),
        U32(t, "purpose"),
        U64(t, "validFrom"),
        U64(t, "validUntil"),
        U64(t, "dataFrom"),
        U64(t, "dataUntil"),
        U32(t, "fetchCap"),
        U32(t, "fetchPeriod"),
        U64(t, "dataLife"),
        U256(t, "nonce"),
        U256(t, "deadline"));

    public static TheoryData<int> ConsentIndices() => Indices("consents");
    public static TheoryData<int> RevocationIndices() => Indices("revocations");
    public static TheoryData<int> NarrowingIndices() => Indices("narrowings");
    public static TheoryData<int> BindingIndices() => Indices("bindings");

    private static TheoryData<int> Indices(string property)
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Document.GetProperty(property).GetArrayLength(); i++)
        {
            data.Add(i);
        }
        return data;
    }

    [Fact]
    public void Fixture_CoversTwoChainsTwoSignersAndAllThreeArtefacts()
    {
        Assert.Equal("ledger-eip712-fixtures/1", Document.Str("format"));
        Assert.Equal(2, Document.GetProperty("domains").GetArrayLength());
        Assert.NotEqual(Domain(0).ChainId, Domain(1).ChainId);
        Assert.True(Document.GetProperty("consents").GetArrayLength() >= 10);
        Assert.True(Document.GetProperty("revocations").GetArrayLength() >= 4);
        Assert.True(Document.GetProperty("narrowings").GetArrayLength() >= 4);
    }

    [Fact]
    public void TypeStrings_EqualEthersEncodeType()
    {
        var types = Document.GetProperty("typeStrings");
        Assert.Equal(ConsentTerms.TypeString, types.Str("Consent"));
        Assert.Equal(ConsentRevocation.TypeString, types.Str("Revocation"));
        Assert.Equal(ConsentNarrowing.TypeString, types.Str("Narrowing"));
        Assert.Equal(EnterpriseBinding.TypeString, types.Str("Binding"));
    }

    [Fact]
    public void Separator_EachDomain_EqualsEthersHashDomain()
    {
        for (var i = 0; i < Document.GetProperty("domains").GetArrayLength(); i++)
        {
            Assert.Equal(Document.GetProperty("domains")[i].GetProperty("separator").Hash(), Domain(i).Separator());
        }
        Assert.Equal(Domain(0), Eip712Domain.ForConsentRegistry(31337, Domain(0).VerifyingContract));
    }

    [Fact]
    public void Signers_AddressOfTheirKeys_EqualsEthersWalletAddress()
    {
        for (var i = 0; i < Document.GetProperty("signers").GetArrayLength(); i++)
        {
            Assert.Equal(SignerAddress(i), Secp256k1Signer.AddressOf(SignerKey(i)));
        }
    }

    [Theory]
    [MemberData(nameof(ConsentIndices))]
    public void Consent_StructHashAndId_EqualEthers(int index)
    {
        var c = Document.GetProperty("consents")[index];
        var terms = Terms(c.GetProperty("terms"));
        Assert.Equal(c.GetProperty("structHash").Hash(), terms.StructHash());
        Assert.Equal(c.GetProperty("consentId").Hash(), terms.IdIn(Domain(c.GetProperty("domain").GetInt32())).Value);
    }

    [Theory]
    [MemberData(nameof(ConsentIndices))]
    public void Consent_CSharpSignature_EqualsEthersByteForByte(int index)
    {
        var c = Document.GetProperty("consents")[index];
        var signature = ConsentSignatures.Sign(Terms(c.GetProperty("terms")), Domain(c.GetProperty("domain").GetInt32()), SignerKey(c.GetProperty("signer").GetInt32()));
        Assert.Equal(c.GetProperty("signature").HexBytes(), signature);
    }

    [Theory]
    [MemberData(nameof(ConsentIndices))]
    public void Consent_EthersSignature_VerifiesInCSharp(int index)
    {
        var c = Document.GetProperty("consents")[index];
        var terms = Terms(c.GetProperty("terms"));
        var domain = Domain(c.GetProperty("domain").GetInt32());
        var signature = c.GetProperty("signature").HexBytes();
        Assert.True(ConsentSignatures.IsSignedByEnterprise(terms, domain, signature));
        Assert.Equal(SignerAddress(c.GetProperty("signer").GetInt32()), Secp256k1Signer.Recover(terms.IdIn(domain).Value, signature));
    }

    [Theory]
    [MemberData(nameof(ConsentIndices))]
    public void Consent_EthersSignatureUnderTheOtherChain_DoesNotVerify(int index)
    {
        var c = Document.GetProperty("consents")[index];
        var otherDomain = Domain(1 - c.GetProperty("domain").GetInt32());
        Assert.False(ConsentSignatures.IsSignedByEnterprise(Terms(c.GetProperty("terms")), otherDomain, c.GetProperty("signature").HexBytes()));
    }

    [Theory]
    [MemberData(nameof(RevocationIndices))]
    public void Revocation_HashesAndSignature_EqualEthers(int index)
    {
        var r = Document.GetProperty("revocations")[index];
        var fields = r.GetProperty("revocation");
        var revocation = new ConsentRevocation(new ConsentId(fields.GetProperty("consentId").Hash()), U256(fields, "nonce"), U256(fields, "deadline"));
        var domain = Domain(r.GetProperty("domain").GetInt32());
        var signer = r.GetProperty("signer").GetInt32();
        var signature = r.GetProperty("signature").HexBytes();

        Assert.Equal(r.GetProperty("structHash").Hash(), revocation.StructHash());
        Assert.Equal(r.GetProperty("digest").Hash(), domain.Digest(revocation.StructHash()));
        Assert.Equal(signature, ConsentSignatures.Sign(revocation, domain, SignerKey(signer)));
        Assert.Equal(SignerAddress(signer), Secp256k1Signer.Recover(domain.Digest(revocation.StructHash()), signature));
    }

    [Theory]
    [MemberData(nameof(NarrowingIndices))]
    public void Narrowing_HashesAndSignature_EqualEthers(int index)
    {
        var n = Document.GetProperty("narrowings")[index];
        var fields = n.GetProperty("narrowing");
        var narrowing = new ConsentNarrowing(
            new ConsentId(fields.GetProperty("consentId").Hash()), (Scopes)U64(fields, "scopes"), U64(fields, "validUntil"),
            U256(fields, "nonce"), U256(fields, "deadline"));
        var domain = Domain(n.GetProperty("domain").GetInt32());
        var signer = n.GetProperty("signer").GetInt32();
        var signature = n.GetProperty("signature").HexBytes();

        Assert.Equal(n.GetProperty("structHash").Hash(), narrowing.StructHash());
        Assert.Equal(n.GetProperty("digest").Hash(), domain.Digest(narrowing.StructHash()));
        Assert.Equal(signature, ConsentSignatures.Sign(narrowing, domain, SignerKey(signer)));
        Assert.Equal(SignerAddress(signer), Secp256k1Signer.Recover(domain.Digest(narrowing.StructHash()), signature));
    }

    [Theory]
    [MemberData(nameof(BindingIndices))]
    public void Binding_HashesAndSignature_EqualEthers(int index)
    {
        var b = Document.GetProperty("bindings")[index];
        var fields = b.GetProperty("binding");
        var binding = new EnterpriseBinding(
            EthAddress.Parse(fields.Str("enterprise")), new EnterpriseHash(fields.GetProperty("creditCodeHash").Hash()),
            new OrgId(fields.GetProperty("taxBureau").Hash()), U256(fields, "nonce"), U256(fields, "deadline"));
        var domain = Domain(b.GetProperty("domain").GetInt32());
        var signer = b.GetProperty("signer").GetInt32();
        var signature = b.GetProperty("signature").HexBytes();

        Assert.Equal(b.GetProperty("structHash").Hash(), binding.StructHash());
        Assert.Equal(b.GetProperty("digest").Hash(), binding.DigestIn(domain));
        Assert.Equal(signature, ConsentSignatures.Sign(binding, domain, SignerKey(signer)));
        Assert.True(ConsentSignatures.IsSignedByEnterprise(binding, domain, signature));
    }
}
