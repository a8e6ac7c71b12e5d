using System.Globalization;
using System.Numerics;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk.Mapping;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>What a bank asks an enterprise to consent to; unset values take the node's defaults (docs/api.md).</summary>
/// <param name="Enterprise">The enterprise account.</param>
/// <param name="Consumer">The bank or guarantor that will read.</param>
/// <param name="Provider">The tax bureau that serves.</param>
/// <param name="Scopes">The data scopes.</param>
public sealed record ConsentRequest(EthAddress Enterprise, OrgId Consumer, OrgId Provider, Scopes Scopes)
{
    /// <summary>The salted credit-code hash as bound; null: the node reads the binding from the chain.</summary>
    public EnterpriseHash? CreditCodeHash { get; init; }
    /// <summary>Purpose code (<see cref="PurposeCodes"/>).</summary>
    public uint Purpose { get; init; } = PurposeCodes.CreditAssessment;
    /// <summary>Validity from now (default 30 days).</summary>
    public TimeSpan? ValidFor { get; init; }
    /// <summary>Months of data back from now (default 24).</summary>
    public uint? DataMonths { get; init; }
    /// <summary>Accesses per fetch period (default 1).</summary>
    public uint? FetchCap { get; init; }
    /// <summary>Fetch period in seconds (default 0: the whole validity).</summary>
    public uint? FetchPeriod { get; init; }
    /// <summary>How long the consumer may keep the data (default 30 days).</summary>
    public TimeSpan? DataLife { get; init; }
    /// <summary>The nonce (default: random).</summary>
    public BigInteger? Nonce { get; init; }
    /// <summary>How long the signature may wait to be submitted (default 1 hour).</summary>
    public TimeSpan? SignatureValidFor { get; init; }
}

/// <summary>Terms a node prepared for signing, their typed data (eth_signTypedData_v4) and the consent id.</summary>
public sealed record PreparedConsent(ConsentTerms Terms, string TypedDataJson, ConsentId ConsentId);

/// <summary>A revocation or narrowing prepared for signing.</summary>
public sealed record PreparedSignature(string TypedDataJson, Hash32 Digest, BigInteger Nonce, BigInteger Deadline);

/// <summary>Status of a consent.</summary>
public enum ConsentStatus
{
    /// <summary>Not known.</summary>
    Unspecified = 0,
    /// <summary>Usable now.</summary>
    Active = 1,
    /// <summary>Before its validity.</summary>
    NotYetValid = 2,
    /// <summary>After its validity.</summary>
    Expired = 3,
    /// <summary>Revoked by the enterprise.</summary>
    Revoked = 4,
    /// <summary>Not on this chain.</summary>
    Unknown = 5,
}

/// <summary>A consent as a node reports it (chain state and the terms of its grant).</summary>
public sealed record ConsentDetails(
    ConsentId ConsentId,
    EthAddress? Enterprise,
    OrgId Consumer,
    OrgId Provider,
    Scopes Scopes,
    ulong ValidFrom,
    ulong ValidUntil,
    ulong RevokedAtBlock,
    uint FetchCap,
    uint FetchPeriod,
    uint FetchesInPeriod,
    ConsentStatus Status,
    ulong GrantedAtBlock,
    EnterpriseHash? CreditCodeHash,
    ulong DataLife,
    uint Purpose)
{
    /// <summary>
    /// Who counted <see cref="FetchesInPeriod"/>: "provider" (the provider's node: every fetch it served this period),
    /// "chain" (the registry: strong-mode fetches only), or empty when the node asked cannot count them — batched
    /// fetches are counted by the provider, so ask the provider's node (<c>GetAsync</c> on a connection to it).
    /// </summary>
    public string FetchesCountedBy { get; init; } = "";

    internal static ConsentDetails FromProto(Proto.ConsentInfo c) => Calls.Parse(() => new ConsentDetails(
        new ConsentId(ApiMapping.Hash(c.ConsentId, "consent_id")),
        string.IsNullOrEmpty(c.Enterprise) ? null : ApiMapping.Account(c.Enterprise, "enterprise"),
        string.IsNullOrEmpty(c.Consumer) ? default : ApiMapping.Org(c.Consumer, "consumer"),
        string.IsNullOrEmpty(c.Provider) ? default : ApiMapping.Org(c.Provider, "provider"),
        (Scopes)c.Scopes, c.ValidFrom, c.ValidUntil, c.RevokedAtBlock, c.FetchCap, c.FetchPeriod, c.FetchesInPeriod,
        (ConsentStatus)(int)c.Status, c.GrantedAtBlock,
        string.IsNullOrEmpty(c.CreditCodeHash) ? null : new EnterpriseHash(ApiMapping.Hash(c.CreditCodeHash, "credit_code_hash")),
        c.DataLife, c.Purpose) { FetchesCountedBy = c.FetchesCountedBy });
}

/// <summary>A filter for <see cref="ConsentClient.ListAsync"/>; every value set must match.</summary>
public sealed record ConsentFilter
{
    /// <summary>The enterprise account.</summary>
    public EthAddress? Enterprise { get; init; }
    /// <summary>The salted credit-code hash.</summary>
    public EnterpriseHash? CreditCodeHash { get; init; }
    /// <summary>The consumer.</summary>
    public OrgId? Consumer { get; init; }
    /// <summary>Only consents usable now.</summary>
    public bool ActiveOnly { get; init; }
}

/// <summary>
/// Consents through a member node: prepare terms, relay what the enterprise signed, revoke, narrow, read and list.
/// The <c>Grant</c>/<c>Revoke</c>/<c>Narrow</c> helpers take an <see cref="EnterpriseWallet"/>: they prepare through
/// the node, check and sign locally, and relay the signature.
/// </summary>
public sealed class ConsentClient
{
    private readonly LedgerConnection _connection;
    private readonly Proto.Consent.ConsentClient _client;

    /// <summary>A client over <paramref name="connection"/>.</summary>
    public ConsentClient(LedgerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _client = new Proto.Consent.ConsentClient(connection.Invoker);
    }

    /// <summary>Terms with the node's defaults filled in, their typed data and id. Nothing is written.</summary>
    public async Task<PreparedConsent> PrepareAsync(ConsentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var message = new Proto.PrepareConsentRequest
        {
            Enterprise = request.Enterprise.ToString(),
            CreditCodeHash = request.CreditCodeHash?.ToString() ?? "",
            Consumer = request.Consumer.Code,
            Provider = request.Provider.Code,
            Scopes = (ulong)request.Scopes,
            Purpose = request.Purpose,
            ValidForSeconds = (ulong)(request.ValidFor?.TotalSeconds ?? 0),
            DataMonths = request.DataMonths ?? 0,
            FetchCap = request.FetchCap ?? 0,
            FetchPeriod = request.FetchPeriod ?? 0,
            DataLife = (ulong)(request.DataLife?.TotalSeconds ?? 0),
            Nonce = request.Nonce?.ToString(CultureInfo.InvariantCulture) ?? "",
            SignatureValidSeconds = (ulong)(request.SignatureValidFor?.TotalSeconds ?? 0),
        };
        var prepared = await Calls.RunAsync(_connection.Address, () => _client.PrepareConsentAsync(message, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => new PreparedConsent(ApiMapping.FromProto(prepared.Terms), prepared.TypedDataJson, new ConsentId(ApiMapping.Hash(prepared.ConsentId, "consent_id"))));
    }

    /// <summary>Relays terms the enterprise signed; returns the consent id and the grant transaction.</summary>
    public async Task<(ConsentId ConsentId, ChainTransaction Transaction)> SubmitAsync(ConsentTerms terms, byte[] signature, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(signature);
        var message = new Proto.SubmitConsentRequest { Terms = ApiMapping.ToProto(terms), Signature = "0x" + Convert.ToHexStringLower(signature) };
        var response = await Calls.RunAsync(_connection.Address, () => _client.SubmitConsentAsync(message, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => (new ConsentId(ApiMapping.Hash(response.ConsentId, "consent_id")),
            ApiMapping.FromProto(response.Tx) ?? throw new FormatException("tx is missing")));
    }

    /// <summary>Prepares through the node, checks and signs with <paramref name="wallet"/>, and relays: the whole grant.</summary>
    public async Task<(ConsentId ConsentId, ConsentTerms Terms, ChainTransaction Transaction)> GrantAsync(
        EnterpriseWallet wallet, ConsentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        var prepared = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        var signature = wallet.SignConsent(prepared.Terms, prepared.ConsentId, _connection.ConsentDomain);
        var (id, tx) = await SubmitAsync(prepared.Terms, signature, cancellationToken).ConfigureAwait(false);
        return (id, prepared.Terms, tx);
    }

    /// <summary>Typed data of a revocation (nonce random unless given).</summary>
    public async Task<PreparedSignature> PrepareRevocationAsync(ConsentId consentId, BigInteger? nonce = null, TimeSpan? validFor = null, CancellationToken cancellationToken = default)
    {
        var message = new Proto.PrepareRevocationRequest
        {
            ConsentId = consentId.ToString(),
            Nonce = nonce?.ToString(CultureInfo.InvariantCulture) ?? "",
            SignatureValidSeconds = (ulong)(validFor?.TotalSeconds ?? 0),
        };
        var prepared = await Calls.RunAsync(_connection.Address, () => _client.PrepareRevocationAsync(message, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ParsePrepared(prepared);
    }

    /// <summary>Typed data of a narrowing.</summary>
    public async Task<PreparedSignature> PrepareNarrowingAsync(
        ConsentId consentId, Scopes scopes, ulong validUntil, BigInteger? nonce = null, TimeSpan? validFor = null, CancellationToken cancellationToken = default)
    {
        var message = new Proto.PrepareNarrowingRequest
        {
            ConsentId = consentId.ToString(),
            Scopes = (ulong)scopes,
            ValidUntil = validUntil,
            Nonce = nonce?.ToString(CultureInfo.InvariantCulture) ?? "",
            SignatureValidSeconds = (ulong)(validFor?.TotalSeconds ?? 0),
        };
        var prepared = await Calls.RunAsync(_connection.Address, () => _client.PrepareNarrowingAsync(message, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ParsePrepared(prepared);
    }

    /// <summary>Relays a revocation the enterprise signed. Effective from the block that includes it.</summary>
    public async Task<ChainTransaction> RevokeAsync(ConsentRevocation revocation, byte[] signature, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        ArgumentNullException.ThrowIfNull(signature);
        var message = new Proto.RevokeConsentRequest
        {
            ConsentId = revocation.ConsentId.ToString(),
            Nonce = revocation.Nonce.ToString(CultureInfo.InvariantCulture),
            Deadline = revocation.Deadline.ToString(CultureInfo.InvariantCulture),
            Signature = "0x" + Convert.ToHexStringLower(signature),
        };
        var tx = await Calls.RunAsync(_connection.Address, () => _client.RevokeConsentAsync(message, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => ApiMapping.FromProto(tx) ?? throw new FormatException("tx is missing"));
    }

    /// <summary>
    /// Revokes with <paramref name="wallet"/>: the node proposes a fresh nonce and a deadline (by the chain's clock), the
    /// wallet signs the revocation it builds itself from them, and the node relays it.
    /// </summary>
    public async Task<ChainTransaction> RevokeAsync(EnterpriseWallet wallet, ConsentId consentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        var prepared = await PrepareRevocationAsync(consentId, cancellationToken: cancellationToken).ConfigureAwait(false);
        var revocation = new ConsentRevocation(consentId, prepared.Nonce, prepared.Deadline);
        return await RevokeAsync(revocation, wallet.SignRevocation(revocation, _connection.ConsentDomain), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Relays a narrowing the enterprise signed.</summary>
    public async Task<ChainTransaction> NarrowAsync(ConsentNarrowing narrowing, byte[] signature, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(narrowing);
        ArgumentNullException.ThrowIfNull(signature);
        var message = new Proto.NarrowConsentRequest
        {
            ConsentId = narrowing.ConsentId.ToString(),
            Scopes = (ulong)narrowing.Scopes,
            ValidUntil = narrowing.ValidUntil,
            Nonce = narrowing.Nonce.ToString(CultureInfo.InvariantCulture),
            Deadline = narrowing.Deadline.ToString(CultureInfo.InvariantCulture),
            Signature = "0x" + Convert.ToHexStringLower(signature),
        };
        var tx = await Calls.RunAsync(_connection.Address, () => _client.NarrowConsentAsync(message, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Calls.Parse(() => ApiMapping.FromProto(tx) ?? throw new FormatException("tx is missing"));
    }

    /// <summary>Narrows with <paramref name="wallet"/>: nonce and deadline proposed by the node, signed locally, relayed by the node.</summary>
    public async Task<ChainTransaction> NarrowAsync(EnterpriseWallet wallet, ConsentId consentId, Scopes scopes, ulong validUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        var prepared = await PrepareNarrowingAsync(consentId, scopes, validUntil, cancellationToken: cancellationToken).ConfigureAwait(false);
        var narrowing = new ConsentNarrowing(consentId, scopes, validUntil, prepared.Nonce, prepared.Deadline);
        return await NarrowAsync(narrowing, wallet.SignNarrowing(narrowing, _connection.ConsentDomain), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One consent's current state.</summary>
    public async Task<ConsentDetails> GetAsync(ConsentId consentId, CancellationToken cancellationToken = default)
    {
        var info = await Calls.RunAsync(_connection.Address, () => _client.GetConsentAsync(new Proto.GetConsentRequest { ConsentId = consentId.ToString() }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ConsentDetails.FromProto(info);
    }

    /// <summary>Consents the node's chain index knows, filtered (a bank or guarantor sees the consents naming it).</summary>
    public async Task<IReadOnlyList<ConsentDetails>> ListAsync(ConsentFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new ConsentFilter();
        var message = new Proto.ListConsentsRequest
        {
            Enterprise = filter.Enterprise?.ToString() ?? "",
            CreditCodeHash = filter.CreditCodeHash?.ToString() ?? "",
            Consumer = filter.Consumer?.Code ?? "",
            ActiveOnly = filter.ActiveOnly,
        };
        var response = await Calls.RunAsync(_connection.Address, () => _client.ListConsentsAsync(message, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return response.Consents.Select(ConsentDetails.FromProto).ToList();
    }

    private static PreparedSignature ParsePrepared(Proto.PreparedSignature p) => Calls.Parse(() => new PreparedSignature(
        p.TypedDataJson, ApiMapping.Hash(p.Digest, "digest"), ApiMapping.UInt256(p.Nonce, "nonce"), ApiMapping.UInt256(p.Deadline, "deadline")));
}
