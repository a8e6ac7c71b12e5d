using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Consent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;
using Ledger.Node.Tax;
using Ledger.Sdk.Mapping;
using Ledger.Store.Audit;
using ConsentTerms = Ledger.Core.Consent.ConsentTerms;
using ProtoStatus = Ledger.Api.V1.ConsentStatus;

namespace Ledger.Node.Services;

/// <summary>
/// <c>ledger.v1.Consent</c> on every node: prepares the typed data an enterprise signs (by the chain's clock), relays
/// signed grants, revocations and narrowings through the node's operator (the enterprise needs no gas), and reads
/// consents — one from the chain, lists from the node's audit index. A bank or guarantor sees the consents naming it
/// (as consumer), a tax bureau those naming it (as provider); auditors and regulators see all.
/// </summary>
public sealed class ConsentService(NodeIdentity node, ChainHead head, Ledger.Chain.LedgerChainClient chainClient, ConsentGate gate, TimeProvider time, UseCases.RelayConsent relay, UseCases.RevokeConsent revoke, ConsentIndexView index) : Api.V1.Consent.ConsentBase
{
    private const ulong DefaultValidity = 30 * 86_400;
    private const ulong DefaultDataLife = 30 * 86_400;
    private const ulong DefaultSignatureValidity = 3_600;
    private const ulong MaxValidity = 10UL * 366 * 86_400;

    /// <inheritdoc/>
    public override async Task<PreparedConsent> PrepareConsent(PrepareConsentRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var enterprise = Field(() => ApiMapping.Account(request.Enterprise, "enterprise"));
        var consumer = Field(() => ApiMapping.Org(request.Consumer, "consumer"));
        var provider = Field(() => ApiMapping.Org(request.Provider, "provider"));
        var scopes = CheckScopes(request.Scopes);
        if (request.ValidForSeconds > MaxValidity || request.SignatureValidSeconds > MaxValidity || request.DataLife > MaxValidity)
        {
            throw NodeErrors.InvalidField("valid_for_seconds, signature_valid_seconds and data_life are at most ten years.");
        }
        if (request.DataMonths > 240)
        {
            throw NodeErrors.InvalidField($"data_months {request.DataMonths} is above 240 (twenty years).");
        }
        if (request.FetchCap > ushort.MaxValue)
        {
            throw NodeErrors.InvalidField($"fetch_cap {request.FetchCap} is above 65535.");
        }
        EnterpriseHash creditCodeHash;
        if (string.IsNullOrEmpty(request.CreditCodeHash))
        {
            creditCodeHash = await chainClient.CreditCodeOfAsync(enterprise).ConfigureAwait(false);
            if (creditCodeHash.Value.IsZero)
            {
                throw new LedgerException("LEDGER-1240", ErrorCategory.FailedPrecondition,
                    $"Enterprise account {enterprise} is not bound to a credit code on chain; the tax bureau must bind it (BindEnterprise) before the enterprise can consent.");
            }
        }
        else
        {
            creditCodeHash = new EnterpriseHash(Field(() => ApiMapping.Hash(request.CreditCodeHash, "credit_code_hash")));
        }
        var now = ValidFrom();
        var until = Now(); // the term and the signature's deadline run from the later clock, so neither is cut short
        var months = request.DataMonths == 0 ? 24 : (int)request.DataMonths;
        var local = DateTimeOffset.FromUnixTimeSeconds((long)now).ToOffset(TimeSpan.FromHours(8));
        var dataFrom = (ulong)new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, TimeSpan.FromHours(8)).AddMonths(-months).ToUnixTimeSeconds();
        var terms = new ConsentTerms(
            enterprise,
            creditCodeHash,
            consumer,
            provider,
            scopes,
            request.Purpose == 0 ? PurposeCodes.CreditAssessment : request.Purpose,
            now,
            until + (request.ValidForSeconds == 0 ? DefaultValidity : request.ValidForSeconds),
            dataFrom,
            now,
            request.FetchCap == 0 ? 1 : request.FetchCap,
            request.FetchPeriod,
            request.DataLife == 0 ? DefaultDataLife : request.DataLife,
            string.IsNullOrEmpty(request.Nonce) ? RandomNonce() : Field(() => ApiMapping.UInt256(request.Nonce, "nonce")),
            until + (request.SignatureValidSeconds == 0 ? DefaultSignatureValidity : request.SignatureValidSeconds));
        return new PreparedConsent
        {
            Terms = ApiMapping.ToProto(terms),
            TypedDataJson = TypedData.Consent(node.ConsentDomain, terms),
            ConsentId = terms.IdIn(node.ConsentDomain).ToString(),
        };
    }

    /// <inheritdoc/>
    public override async Task<SubmitConsentResponse> SubmitConsent(SubmitConsentRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Terms is null)
        {
            throw NodeErrors.InvalidField("terms are missing; send the terms the enterprise signed.");
        }
        var terms = Field(() => ApiMapping.FromProto(request.Terms));
        var signature = Signature(request.Signature);
        var granted = await relay.GrantAsync(terms, signature).ConfigureAwait(false);
        return new SubmitConsentResponse { ConsentId = granted.Consent.ToString(), Tx = ApiMapping.ToProto(granted.Tx.TxHash, granted.Tx.BlockNumber) };
    }

    /// <summary>
    /// Relays a revocation the enterprise signed and returns once it is final on chain <b>and</b> the consent's provider
    /// has seen it (its node reports a head at or past the revocation's block), so a fetch sent after this returns is
    /// refused. The same revocation sent again through the same node does not revoke twice: it waits again. A
    /// revocation of a consent revoked before answers LEDGER-1230 once the provider has seen that revocation.
    /// </summary>
    public override async Task<ChainTx> RevokeConsent(RevokeConsentRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var revocation = new ConsentRevocation(
            ConsentIdOf(request.ConsentId),
            Field(() => ApiMapping.UInt256(request.Nonce, "nonce")),
            Field(() => ApiMapping.UInt256(request.Deadline, "deadline")));
        var tx = await revoke.RevokeAsync(revocation, Signature(request.Signature), context.CancellationToken).ConfigureAwait(false);
        return ApiMapping.ToProto(tx.TxHash, tx.BlockNumber);
    }

    /// <inheritdoc/>
    public override async Task<ChainTx> NarrowConsent(NarrowConsentRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var narrowing = new ConsentNarrowing(
            ConsentIdOf(request.ConsentId),
            CheckScopes(request.Scopes),
            request.ValidUntil,
            Field(() => ApiMapping.UInt256(request.Nonce, "nonce")),
            Field(() => ApiMapping.UInt256(request.Deadline, "deadline")));
        var tx = await relay.NarrowAsync(narrowing, Signature(request.Signature)).ConfigureAwait(false);
        return ApiMapping.ToProto(tx.TxHash, tx.BlockNumber);
    }

    /// <inheritdoc/>
    public override Task<PreparedSignature> PrepareRevocation(PrepareRevocationRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var revocation = new ConsentRevocation(ConsentIdOf(request.ConsentId), NonceOf(request.Nonce), Deadline(request.SignatureValidSeconds));
        return Task.FromResult(new PreparedSignature
        {
            TypedDataJson = TypedData.Revocation(node.ConsentDomain, revocation),
            Digest = node.ConsentDomain.Digest(revocation.StructHash()).ToString(),
            Nonce = revocation.Nonce.ToString(CultureInfo.InvariantCulture),
            Deadline = revocation.Deadline.ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <inheritdoc/>
    public override Task<PreparedSignature> PrepareNarrowing(PrepareNarrowingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ValidUntil == 0)
        {
            throw NodeErrors.InvalidField("valid_until is missing; give the (earlier or equal) end of validity, in unix seconds.");
        }
        var narrowing = new ConsentNarrowing(ConsentIdOf(request.ConsentId), CheckScopes(request.Scopes), request.ValidUntil,
            NonceOf(request.Nonce), Deadline(request.SignatureValidSeconds));
        return Task.FromResult(new PreparedSignature
        {
            TypedDataJson = TypedData.Narrowing(node.ConsentDomain, narrowing),
            Digest = node.ConsentDomain.Digest(narrowing.StructHash()).ToString(),
            Nonce = narrowing.Nonce.ToString(CultureInfo.InvariantCulture),
            Deadline = narrowing.Deadline.ToString(CultureInfo.InvariantCulture),
        });
    }

    private static bool Exists(Chain.Contracts.ConsentRegistry.ContractDefinition.ConsentState state) =>
        state.Enterprise is not null && !(EthAddress.TryParse(state.Enterprise, out var enterprise) && enterprise.IsZero);

    /// <inheritdoc/>
    public override async Task<ConsentInfo> GetConsent(GetConsentRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var id = ConsentIdOf(request.ConsentId);
        var block = head.Latest;
        var state = await chainClient.ConsentAsync(id, block.Number).ConfigureAwait(false);
        if (!Exists(state))
        {
            // A consent granted a moment ago (through another node, or the CLI) may be in a block after the head this
            // node polled last: read a head that started after this request before saying it does not exist.
            var newer = await head.ReadNewAsync(context.CancellationToken).ConfigureAwait(false);
            if (newer.Number > block.Number)
            {
                block = newer;
                state = await chainClient.ConsentAsync(id, block.Number).ConfigureAwait(false);
            }
        }
        if (!Exists(state))
        {
            throw new LedgerException("LEDGER-1227", ErrorCategory.NotFound,
                $"Consent {id.Value.ToShortString()} does not exist on this chain (as of block {block.Number}); check the id.");
        }
        var consumer = new OrgId(new Hash32(state.Consumer));
        var provider = new OrgId(new Hash32(state.Provider));
        RequireVisible(context.RequiredCaller(), consumer, provider, id);
        var grant = await gate.GrantAsync(id).ConfigureAwait(false);
        var now = Math.Max(block.Timestamp, WallClock());
        // The chain's counter belongs to the period it was last written in; a later period starts at zero.
        var chainCount = grant is null || state.PeriodIndex == ConsentGate.PeriodOf(grant, now) ? state.FetchesInPeriod : 0u;
        var (fetches, countedBy) = FetchUse(grant, provider, chainCount, now);
        var info = new ConsentInfo
        {
            ConsentId = id.ToString(),
            Enterprise = EthAddress.Parse(state.Enterprise).ToString(),
            Consumer = consumer.Code,
            Provider = provider.Code,
            Scopes = state.Scopes,
            ValidFrom = state.ValidFrom,
            ValidUntil = state.ValidUntil,
            RevokedAtBlock = state.RevokedAtBlock,
            FetchCap = state.FetchCap,
            FetchPeriod = state.FetchPeriod,
            FetchesInPeriod = fetches,
            FetchesCountedBy = countedBy,
            Status = StatusOf(state.RevokedAtBlock, state.ValidFrom, state.ValidUntil, now),
        };
        if (grant is not null)
        {
            info.GrantedAtBlock = grant.GrantedAtBlock;
            info.CreditCodeHash = grant.Terms.CreditCodeHash.ToString();
            info.DataLife = grant.Terms.DataLife;
            info.Purpose = grant.Terms.Purpose;
        }
        return info;
    }

    /// <inheritdoc/>
    public override Task<ListConsentsResponse> ListConsents(ListConsentsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.RequiredCaller();
        var query = new EventQuery
        {
            Name = ConsentEvents.Granted,
            Account = string.IsNullOrEmpty(request.Enterprise) ? null : Field(() => ApiMapping.Account(request.Enterprise, "enterprise")),
            Enterprise = string.IsNullOrEmpty(request.CreditCodeHash) ? null : new EnterpriseHash(Field(() => ApiMapping.Hash(request.CreditCodeHash, "credit_code_hash"))),
            Organization = string.IsNullOrEmpty(request.Consumer) ? null : Field(() => ApiMapping.Org(request.Consumer, "consumer")),
        };
        var consumerFilter = query.Organization;
        var response = new ListConsentsResponse();
        // The organization filter also matches the provider; the request asks for the consumer.
        response.Consents.AddRange(index.List(query, terms => (consumerFilter is not { } c || terms.Consumer == c) && IsVisible(caller, terms.Consumer, terms.Provider), request.ActiveOnly));
        return Task.FromResult(response);
    }

    private (uint Fetches, string CountedBy) FetchUse(GrantedConsent? grant, OrgId provider, uint chainCount, ulong now) => index.FetchUse(grant, provider, chainCount, now);

    /// <summary><c>fetches_counted_by</c>: the provider's node counted them.</summary>
    public const string CountedByProvider = "provider";

    /// <summary><c>fetches_counted_by</c>: the registry counted them (strong mode).</summary>
    public const string CountedByChain = "chain";

    internal static ProtoStatus StatusOf(ulong revokedAtBlock, ulong validFrom, ulong validUntil, ulong now) =>
        revokedAtBlock != 0 ? ProtoStatus.Revoked
        : now < validFrom ? ProtoStatus.NotYetValid
        : now > validUntil ? ProtoStatus.Expired
        : ProtoStatus.Active;

    private static bool IsVisible(CallerIdentity caller, OrgId consumer, OrgId provider) =>
        caller.Role is Role.Auditor or Role.Regulator || caller.Org == consumer || caller.Org == provider;

    private static void RequireVisible(CallerIdentity caller, OrgId consumer, OrgId provider, ConsentId id)
    {
        if (!IsVisible(caller, consumer, provider))
        {
            throw NodeErrors.NotParty($"Consent {id.Value.ToShortString()} is between {consumer.Code} and {provider.Code}; only its parties, auditors and regulators may read it.");
        }
    }

    /// <summary>"Now" for new terms: the chain's clock when it runs ahead (a test chain), else the wall clock.</summary>
    private ulong Now() => Math.Max(head.Latest.Timestamp, WallClock());

    // A consent is valid from the earlier of this node's clock and the chain's latest block time (when that block is
    // recent): whichever clock the chain judges validity by — a block's timestamp, or, in an eth_call at the head, a
    // busy hardhat chain's clock running ahead of or behind the wall clock — the consent is already valid in the block
    // that grants it. (With the later of the two, a fetch right after the grant was refused as "not yet valid" whenever
    // the clocks differed by a second.)
    private ulong ValidFrom()
    {
        var wall = WallClock();
        var latest = head.Latest.Timestamp;
        return latest + 300 >= wall ? Math.Min(latest, wall) : wall;
    }

    private ulong WallClock() => (ulong)time.GetUtcNow().ToUnixTimeSeconds();

    private BigInteger Deadline(ulong validSeconds)
    {
        if (validSeconds > MaxValidity)
        {
            throw NodeErrors.InvalidField("signature_valid_seconds is at most ten years.");
        }
        return Now() + (validSeconds == 0 ? DefaultSignatureValidity : validSeconds);
    }

    private static BigInteger NonceOf(string? text) => string.IsNullOrEmpty(text) ? RandomNonce() : Field(() => ApiMapping.UInt256(text, "nonce"));

    private static BigInteger RandomNonce() => new(RandomNumberGenerator.GetBytes(8), isUnsigned: true);

    private static Scopes CheckScopes(ulong scopes) =>
        scopes is 0 or > 0x7F
            ? throw NodeErrors.InvalidField($"scopes {scopes} is not a set of known scopes (bits 0 to 6: rating 1, payments 2, invoices 4, social insurance 8, customs 16, judicial 32, IP 64).")
            : (Scopes)scopes;

    private static ConsentId ConsentIdOf(string? text) => new(Field(() => ApiMapping.Hash(text, "consent_id")));

    private static byte[] Signature(string? text)
    {
        if (text is { Length: >= 4 and <= 8194 } && text.StartsWith("0x", StringComparison.Ordinal) && text.Length % 2 == 0)
        {
            var bytes = new byte[(text.Length - 2) / 2];
            if (Convert.FromHexString(text.AsSpan(2), bytes, out _, out var written) == System.Buffers.OperationStatus.Done && written == bytes.Length)
            {
                return bytes;
            }
        }
        throw NodeErrors.InvalidField("signature must be 0x followed by the signature's bytes in hex (65 bytes for an account key, up to 4096 for a contract wallet).");
    }

    private static T Field<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException ex)
        {
            throw NodeErrors.InvalidField(ex.Message);
        }
    }
}
