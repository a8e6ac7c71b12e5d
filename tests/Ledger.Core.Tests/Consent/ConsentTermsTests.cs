using System.Numerics;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Consent;

public class ConsentTermsTests
{
    private static readonly byte[] EnterpriseKey = Convert.FromHexString("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    private static readonly EthAddress Registry = EthAddress.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    private static readonly Eip712Domain Local = Eip712Domain.ForConsentRegistry(31337, Registry);

    private static ConsentTerms Terms() => new(
        Secp256k1Signer.AddressOf(EnterpriseKey),
        new EnterpriseHash(Keccak.Hash("uscc")),
        OrgId.FromCode("bank.ccb"),
        OrgId.FromCode("tax.liuzhou"),
        Scopes.TaxCreditRating | Scopes.TaxPayments,
        PurposeCodes.CreditAssessment,
        1_767_225_600,
        1_775_001_600,
        1_672_617_600,
        1_767_225_600,
        4,
        2_592_000,
        15_552_000,
        1,
        new BigInteger(1_767_312_000));

    [Fact]
    public void TypeHash_IsKeccakOfTheTypeString()
    {
        Assert.Equal(Keccak.Hash(ConsentTerms.TypeString), ConsentTerms.TypeHash);
        Assert.Equal(Keccak.Hash(ConsentRevocation.TypeString), ConsentRevocation.TypeHash);
        Assert.Equal(Keccak.Hash(ConsentNarrowing.TypeString), ConsentNarrowing.TypeHash);
    }

    [Fact]
    public void StructHash_AnyFieldChanged_ChangesTheHash()
    {
        var baseline = Terms().StructHash();
        ConsentTerms[] variants =
        [
            Terms() with { Enterprise = EthAddress.Parse("0x0000000000000000000000000000000000000001") },
            Terms() with { CreditCodeHash = new EnterpriseHash(Keccak.Hash("other")) },
            Terms() with { Consumer = OrgId.FromCode("bank.icbc") },
            Terms() with { Provider = OrgId.FromCode("tax.nanning") },
            Terms() with { Scopes = Scopes.TaxCreditRating },
            Terms() with { Purpose = 2 },
            Terms() with { ValidFrom = 1 },
            Terms() with { ValidUntil = 2 },
            Terms() with { DataFrom = 3 },
            Terms() with { DataUntil = 4 },
            Terms() with { FetchCap = 5 },
            Terms() with { FetchPeriod = 6 },
            Terms() with { DataLife = 7 },
            Terms() with { Nonce = 8 },
            Terms() with { Deadline = 9 },
        ];
        Assert.Equal(15, variants.Select(v => v.StructHash()).Append(baseline).Distinct().Count() - 1);
    }

    [Fact]
    public void IdIn_IsBoundToChainAndContract()
    {
        var terms = Terms();
        var otherChain = Local with { ChainId = 1 };
        var otherContract = Local with { VerifyingContract = EthAddress.Parse("0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9") };
        Assert.NotEqual(terms.IdIn(Local), terms.IdIn(otherChain));
        Assert.NotEqual(terms.IdIn(Local), terms.IdIn(otherContract));
        Assert.Equal(terms.IdIn(Local), terms.IdIn(Eip712Domain.ForConsentRegistry(31337, Registry)));
    }

    [Fact]
    public void Digest_IsKeccakOf1901SeparatorAndStructHash()
    {
        var structHash = Terms().StructHash();
        byte[] preimage = [0x19, 0x01, .. Local.Separator().ToArray(), .. structHash.ToArray()];
        Assert.Equal(Keccak.Hash(preimage), Local.Digest(structHash));
        Assert.Equal(Keccak.Hash(preimage), Terms().IdIn(Local).Value);
    }

    [Fact]
    public void Sign_ThenIsSignedByEnterprise_IsTrue()
    {
        var signature = ConsentSignatures.Sign(Terms(), Local, EnterpriseKey);
        Assert.True(ConsentSignatures.IsSignedByEnterprise(Terms(), Local, signature));
    }

    [Fact]
    public void IsSignedByEnterprise_AnotherSigner_IsFalse()
    {
        var otherKey = Convert.FromHexString("5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
        var signature = ConsentSignatures.Sign(Terms(), Local, otherKey);
        Assert.False(ConsentSignatures.IsSignedByEnterprise(Terms(), Local, signature));
    }

    [Fact]
    public void IsSignedByEnterprise_ChangedTermsOrDomain_IsFalse()
    {
        var signature = ConsentSignatures.Sign(Terms(), Local, EnterpriseKey);
        Assert.False(ConsentSignatures.IsSignedByEnterprise(Terms() with { Scopes = Scopes.Invoices }, Local, signature));
        Assert.False(ConsentSignatures.IsSignedByEnterprise(Terms(), Local with { ChainId = 1 }, signature));
    }

    [Fact]
    public void IsSignedByEnterprise_MalformedSignature_IsFalse()
    {
        Assert.False(ConsentSignatures.IsSignedByEnterprise(Terms(), Local, new byte[64]));
        Assert.False(ConsentSignatures.IsSignedByEnterprise(Terms(), Local, new byte[65]));
    }

    [Fact]
    public void RevocationAndNarrowing_SignaturesRecoverToTheEnterprise()
    {
        var id = Terms().IdIn(Local);
        var revocation = new ConsentRevocation(id, 2, 1_767_312_000);
        var narrowing = new ConsentNarrowing(id, Scopes.TaxCreditRating, 1_770_000_000, 3, 1_767_312_000);
        var enterprise = Secp256k1Signer.AddressOf(EnterpriseKey);
        Assert.Equal(enterprise, Secp256k1Signer.Recover(Local.Digest(revocation.StructHash()), ConsentSignatures.Sign(revocation, Local, EnterpriseKey)));
        Assert.Equal(enterprise, Secp256k1Signer.Recover(Local.Digest(narrowing.StructHash()), ConsentSignatures.Sign(narrowing, Local, EnterpriseKey)));
        Assert.NotEqual(revocation.StructHash(), (revocation with { ConsentId = new ConsentId(Keccak.Hash("x")) }).StructHash());
        Assert.NotEqual(narrowing.StructHash(), (narrowing with { ValidUntil = 1 }).StructHash());
    }

    [Fact]
    public void Domain_ForConsentRegistry_HasTheRegistrysNameAndVersion()
    {
        Assert.Equal("Ledger ConsentRegistry", Local.Name);
        Assert.Equal("1", Local.Version);
        Assert.NotEqual(Local.Separator(), (Local with { Version = "2" }).Separator());
        Assert.NotEqual(Local.Separator(), (Local with { Name = "Other" }).Separator());
    }

    [Fact]
    public void Separator_ComputedOnce_IsStillTheDomainsOwn_AfterWithAndEqualityIgnoresIt()
    {
        var domain = Eip712Domain.ForConsentRegistry(31337, EthAddress.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));
        var first = domain.Separator();
        var other = domain with { ChainId = 1 };

        Assert.Equal(first, domain.Separator());
        Assert.Equal(Eip712Domain.ForConsentRegistry(1, domain.VerifyingContract).Separator(), other.Separator());
        Assert.NotEqual(first, other.Separator());
        Assert.Equal(domain, Eip712Domain.ForConsentRegistry(31337, domain.VerifyingContract));
        Assert.Equal(domain.GetHashCode(), Eip712Domain.ForConsentRegistry(31337, domain.VerifyingContract).GetHashCode());
    }
}
