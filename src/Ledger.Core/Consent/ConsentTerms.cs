using System.Numerics;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Consent;

/// <summary>
/// The consent artefact an enterprise signs (EIP-712 primary type <c>Consent</c>), field for field as
/// <c>IConsentRegistry.ConsentTerms</c>. Modelled on India's Account Aggregator consent artefact: who may read
/// which data from whom, for what, for how long, how often, and how long the data may be kept.
/// </summary>
/// <param name="Enterprise">The enterprise's account (bound to <paramref name="CreditCodeHash"/> by the tax bureau).</param>
/// <param name="CreditCodeHash">Salted hash of the unified social credit code.</param>
/// <param name="Consumer">The bank (or guarantor) allowed to read.</param>
/// <param name="Provider">The tax bureau that serves the data.</param>
/// <param name="Scopes">Data scopes.</param>
/// <param name="Purpose">Purpose code (see <see cref="PurposeCodes"/>).</param>
/// <param name="ValidFrom">First second of use (unix time).</param>
/// <param name="ValidUntil">Last second of use (unix time).</param>
/// <param name="DataFrom">Start of the period the data may cover (unix time).</param>
/// <param name="DataUntil">End of the period the data may cover (unix time).</param>
/// <param name="FetchCap">Accesses allowed per fetch period (1 with period 0 = one-time).</param>
/// <param name="FetchPeriod">Seconds per fetch period from <paramref name="ValidFrom"/>; 0 = the whole validity.</param>
/// <param name="DataLife">Seconds the consumer may keep fetched data.</param>
/// <param name="Nonce">Any unused number of the enterprise.</param>
/// <param name="Deadline">Last second the signature may be submitted (unix time).</param>
public sealed record ConsentTerms(
    EthAddress Enterprise,
    EnterpriseHash CreditCodeHash,
    OrgId Consumer,
    OrgId Provider,
    Scopes Scopes,
    uint Purpose,
    ulong ValidFrom,
    ulong ValidUntil,
    ulong DataFrom,
    ulong DataUntil,
    uint FetchCap,
    uint FetchPeriod,
    ulong DataLife,
    BigInteger Nonce,
    BigInteger Deadline)
{
    /// <summary>The EIP-712 type string (from contracts/eip712/types.json; ConsentRegistry.CONSENT_TYPEHASH is its hash).</summary>
    public static readonly string TypeString = Eip712Types.TypeString("Consent");

    /// <summary>keccak256 of <see cref="TypeString"/>.</summary>
    public static readonly Hash32 TypeHash = Eip712Types.TypeHash("Consent");

    /// <summary>The artefact as an EIP-712 struct, fields named as in the definition.</summary>
    public Eip712Struct ToStruct() => Eip712Types.Struct("Consent")
        .Set("enterprise", Enterprise)
        .Set("creditCodeHash", CreditCodeHash.Value)
        .Set("consumer", Consumer.Value)
        .Set("provider", Provider.Value)
        .Set("scopes", (ulong)Scopes)
        .Set("purpose", Purpose)
        .Set("validFrom", ValidFrom)
        .Set("validUntil", ValidUntil)
        .Set("dataFrom", DataFrom)
        .Set("dataUntil", DataUntil)
        .Set("fetchCap", FetchCap)
        .Set("fetchPeriod", FetchPeriod)
        .Set("dataLife", DataLife)
        .Set("nonce", Nonce)
        .Set("deadline", Deadline);

    /// <summary>The EIP-712 struct hash.</summary>
    public Hash32 StructHash() => ToStruct().Hash();

    /// <summary>The consent id under <paramref name="domain"/>: the EIP-712 digest the enterprise signs.</summary>
    public ConsentId IdIn(Eip712Domain domain) => new(domain.Digest(StructHash()));
}

/// <summary>A signed revocation (EIP-712 primary type <c>Revocation</c>).</summary>
public sealed record ConsentRevocation(ConsentId ConsentId, BigInteger Nonce, BigInteger Deadline)
{
    /// <summary>The EIP-712 type string (from contracts/eip712/types.json).</summary>
    public static readonly string TypeString = Eip712Types.TypeString("Revocation");

    /// <summary>keccak256 of <see cref="TypeString"/>.</summary>
    public static readonly Hash32 TypeHash = Eip712Types.TypeHash("Revocation");

    /// <summary>The revocation as an EIP-712 struct.</summary>
    public Eip712Struct ToStruct() => Eip712Types.Struct("Revocation").Set("consentId", ConsentId.Value).Set("nonce", Nonce).Set("deadline", Deadline);

    /// <summary>The EIP-712 struct hash.</summary>
    public Hash32 StructHash() => ToStruct().Hash();
}

/// <summary>A signed narrowing (EIP-712 primary type <c>Narrowing</c>): scopes only shrink, validity only shortens.</summary>
public sealed record ConsentNarrowing(ConsentId ConsentId, Scopes Scopes, ulong ValidUntil, BigInteger Nonce, BigInteger Deadline)
{
    /// <summary>The EIP-712 type string (from contracts/eip712/types.json).</summary>
    public static readonly string TypeString = Eip712Types.TypeString("Narrowing");

    /// <summary>keccak256 of <see cref="TypeString"/>.</summary>
    public static readonly Hash32 TypeHash = Eip712Types.TypeHash("Narrowing");

    /// <summary>The narrowing as an EIP-712 struct.</summary>
    public Eip712Struct ToStruct() => Eip712Types.Struct("Narrowing")
        .Set("consentId", ConsentId.Value).Set("scopes", (ulong)Scopes).Set("validUntil", ValidUntil).Set("nonce", Nonce).Set("deadline", Deadline);

    /// <summary>The EIP-712 struct hash.</summary>
    public Hash32 StructHash() => ToStruct().Hash();
}

/// <summary>
/// An enterprise account's consent to be bound to its credit-code hash by one tax bureau (EIP-712 primary type
/// <c>Binding</c>). The account signs it to prove possession; the named bureau relays it (<c>bindEnterprise</c>, or
/// <c>rotateEnterprise</c> when the account replaces a lost or compromised one). The nonce is one of the account's
/// consent nonces.
/// </summary>
public sealed record EnterpriseBinding(EthAddress Enterprise, EnterpriseHash CreditCodeHash, OrgId TaxBureau, BigInteger Nonce, BigInteger Deadline)
{
    /// <summary>The EIP-712 type string (from contracts/eip712/types.json; ConsentRegistry.BINDING_TYPEHASH is its hash).</summary>
    public static readonly string TypeString = Eip712Types.TypeString("Binding");

    /// <summary>keccak256 of <see cref="TypeString"/>.</summary>
    public static readonly Hash32 TypeHash = Eip712Types.TypeHash("Binding");

    /// <summary>The binding as an EIP-712 struct.</summary>
    public Eip712Struct ToStruct() => Eip712Types.Struct("Binding")
        .Set("enterprise", Enterprise).Set("creditCodeHash", CreditCodeHash.Value).Set("taxBureau", TaxBureau.Value).Set("nonce", Nonce).Set("deadline", Deadline);

    /// <summary>The EIP-712 struct hash.</summary>
    public Hash32 StructHash() => ToStruct().Hash();

    /// <summary>The digest the enterprise account signs under <paramref name="domain"/>.</summary>
    public Hash32 DigestIn(Eip712Domain domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return domain.Digest(StructHash());
    }
}

/// <summary>Purpose codes of a consent (the <c>purpose</c> field).</summary>
public static class PurposeCodes
{
    /// <summary>Credit assessment before lending (贷前审查).</summary>
    public const uint CreditAssessment = 1;
    /// <summary>Monitoring after lending (贷后管理).</summary>
    public const uint PostLoanMonitoring = 2;
    /// <summary>Guarantee assessment by a guarantor.</summary>
    public const uint GuaranteeAssessment = 3;
    /// <summary>R&amp;D fund-flow verification.</summary>
    public const uint RnDFundFlowVerification = 4;
}
