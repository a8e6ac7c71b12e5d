using System.Globalization;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Ledger.Chain;
using Ledger.Core.Auth;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Sdk.Crypto;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Hosting.Auth;

/// <summary>
/// Records a refused call of a method whose refusals are kept (<see cref="MethodPolicy.RecordsRefusals"/>): accepts a
/// refusal record durably and returns its hash. The tax node registers one for data requests.
/// </summary>
public interface IRefusalRecorder
{
    /// <summary>Records that <paramref name="request"/> of <paramref name="method"/> from <paramref name="claimedCaller"/> was refused.</summary>
    Task<Hash32> RecordAsync(string method, object request, OrgId claimedCaller, RefusalReason reason, ulong block);
}

/// <summary>
/// Authenticates every call as a <see cref="SignedRequest"/> and applies the <see cref="AccessPolicy"/> table: recovers
/// the signing account from the EIP-712 <c>LedgerRequest</c> (method, keccak256 of the request's protobuf bytes, this
/// node's organization as audience, the claimed caller organization, time, nonce), asks the chain which member the
/// account operates as of the latest block (cached per block), and refuses a stale time (±120 s), a reused nonce, an
/// account that operates another organization, an inactive member or a role the method does not allow — each with
/// PERMISSION_DENIED, a sentence, and its LEDGER-15xx code. The caller is then available as
/// <see cref="CallerContext.Caller"/>.
/// </summary>
public sealed class SignedRequestInterceptor : Interceptor
{
    /// <summary>How far a request's time may be from the node's clock.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(120);

    private readonly NodeIdentity _node;
    private readonly ChainHead _head;
    private readonly MembershipDirectory _membership;
    private readonly LedgerChainClient _chain;
    private readonly NonceCache _nonces;
    private readonly IRefusalRecorder? _refusals;
    private readonly ILogger<SignedRequestInterceptor> _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the interceptor (one per node).</summary>
    public SignedRequestInterceptor(
        NodeIdentity node, ChainHead head, MembershipDirectory membership, LedgerChainClient chain, NonceCache nonces,
        IServiceProvider services, ILogger<SignedRequestInterceptor> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        _node = node;
        _head = head;
        _membership = membership;
        _chain = chain;
        _nonces = nonces;
        _refusals = services.GetService(typeof(IRefusalRecorder)) as IRefusalRecorder;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AuthorizeAsync(request, context).ConfigureAwait(false);
        return await continuation(request, context).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AuthorizeAsync(request, context).ConfigureAwait(false);
        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>Client streams carry no single body to sign: only public methods (reflection) may use them.</remarks>
    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        RequirePublic(context);
        return continuation(requestStream, context);
    }

    /// <inheritdoc/>
    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        RequirePublic(context);
        return continuation(requestStream, responseStream, context);
    }

    private static void RequirePublic(ServerCallContext context)
    {
        if (AccessPolicy.For(context.Method) is not { Public: true })
        {
            throw NotServed(context.Method);
        }
    }

    private static LedgerException NotServed(string method) => new(
        NodeErrors.NotServedCode, ErrorCategory.PermissionDenied,
        $"{method} is not open to callers of this node; check the method name and the node's role (docs/nodes.md, 'Allowed roles').");

    private async Task AuthorizeAsync<TRequest>(TRequest request, ServerCallContext context)
        where TRequest : class
    {
        var method = context.Method;
        var policy = AccessPolicy.For(method) ?? throw NotServed(method);
        var headers = context.RequestHeaders;
        var orgText = headers.GetValue(SignedRequest.Headers.Org);
        var signatureText = headers.GetValue(SignedRequest.Headers.Signature);
        if (policy.Public && orgText is null && signatureText is null)
        {
            return; // an anonymous call of a public method
        }

        var block = _head.Latest.Number;
        if (policy.Enterprise)
        {
            try
            {
                context.UserState[CallerContext.EnterpriseKey] = await AuthenticateEnterpriseAsync(request, method, headers, block).ConfigureAwait(false);
                return;
            }
            catch (RefusalFailure failure)
            {
                NodeLog.Refused(_logger, method, "(an enterprise)", failure.Error.Code, failure.Error.Message);
                throw failure.Error;
            }
        }
        var claimed = TryOrg(orgText);
        try
        {
            var caller = await AuthenticateAsync(request, context, method, headers, orgText, signatureText, block).ConfigureAwait(false);
            if (!policy.Public)
            {
                if (!policy.Roles.Contains(caller.Role))
                {
                    throw new RefusalFailure(RefusalReason.WrongRole, new LedgerException(NodeErrors.WrongRoleCode, ErrorCategory.PermissionDenied,
                        $"{caller.Org.Code} is a {caller.Role.Word()} member, and {method} is open to {policy.Describe()} members only."));
                }
                if (policy.OwnOrganizationOnly && caller.Org != _node.Organization)
                {
                    throw new RefusalFailure(RefusalReason.WrongRole, new LedgerException(NodeErrors.NotOwnOrganizationCode, ErrorCategory.PermissionDenied,
                        $"{method} is open to operators of {_node.Organization.Code} only, and the caller acts for {caller.Org.Code}."));
                }
            }
            context.UserState[CallerContext.Key] = caller;
        }
        catch (RefusalFailure failure) when (policy.Public && failure.Reason == RefusalReason.ChainViewStale)
        {
            // A public method (GetInfo, health) answers anyone: while the caller's membership cannot be read it gets the
            // anonymous answer — a node's status must be readable exactly when its chain is away.
            return;
        }
        catch (RefusalFailure failure)
        {
            NodeLog.Refused(_logger, method, claimed?.Code ?? "(unknown)", failure.Error.Code, failure.Error.Message);
            Observability.NodeTelemetry.Refused(method, (byte)failure.Reason, recorded: policy.RecordsRefusals && _refusals is not null);
            if (policy.RecordsRefusals && _refusals is not null)
            {
                var hash = await _refusals.RecordAsync(method, request, claimed ?? default, failure.Reason, block).ConfigureAwait(false);
                throw new RequestRefusedException(failure.Error, hash);
            }
            throw failure.Error;
        }
    }

    // Mutual TLS between members: a caller that presents a certificate (another member's node) must present one its
    // member registered on chain. A caller without one (the member's own software, an SDK) is known by its signature alone.
    private async Task CheckClientCertificateAsync(ServerCallContext context, OrgId org, ulong block)
    {
        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        if (certificate is null)
        {
            return;
        }
        var pin = Sdk.Tls.TlsPins.Of(certificate);
        IReadOnlyList<Hash32> pins;
        try
        {
            pins = Sdk.Tls.TlsPins.FromChain((await _membership.MemberAsync(org, block).ConfigureAwait(false)).TlsPins);
        }
        catch (LedgerException unreadable) when (unreadable.Category == ErrorCategory.Unavailable)
        {
            throw new RefusalFailure(RefusalReason.ChainViewStale, new LedgerException(ChainHead.StaleViewCode, ErrorCategory.Unavailable,
                $"The node could not read {org.Code}'s registered TLS pins from the chain ({unreadable.Code}: {unreadable.Message.TrimEnd('.')}), so it decides nothing on the request. Retry when the node's chain is back (its health check says SERVING again).",
                unreadable));
        }
        if (!pins.Contains(pin))
        {
            throw new RefusalFailure(RefusalReason.BadRequestSignature, new LedgerException(NodeErrors.ClientCertificateCode, ErrorCategory.PermissionDenied,
                $"The caller's TLS certificate (pin {pin}) is not one {org.Code} registered on chain (as of block {block}: {(pins.Count == 0 ? "none" : string.Join(", ", pins))}), "
                + $"and a node presenting a certificate must present its member's. If {org.Code} rotated its certificate, the governors register the new pin first (changeTlsPins); a caller without a node certificate presents none."));
        }
    }

    private async Task<CallerIdentity> AuthenticateAsync<TRequest>(
        TRequest request, ServerCallContext context, string method, Metadata headers, string? orgText, string? signatureText, ulong block)
        where TRequest : class
    {
        if (orgText is null && headers.GetValue(SignedRequest.Headers.Enterprise) is not null)
        {
            throw Bad(NodeErrors.WrongSignerKindCode,
                $"{method} is a member's call and the request is signed by an enterprise's key; an enterprise's key reads only its own consents and accesses (ledger.v1.EnterpriseSelf, `ledger enterprise …`).");
        }
        if (orgText is null || signatureText is null)
        {
            throw Bad(NodeErrors.UnsignedCode,
                $"{method} needs a signed request: the metadata {SignedRequest.Headers.Org}, {SignedRequest.Headers.Timestamp}, {SignedRequest.Headers.Nonce} and {SignedRequest.Headers.Signature} (use the Ledger SDK, which signs every call).");
        }
        var org = TryOrg(orgText) ?? throw Bad(NodeErrors.MalformedSignatureCode, $"The {SignedRequest.Headers.Org} metadata '{Clip(orgText)}' is not an organization code.");
        var (timestamp, nonce, signature, now) = SignedParts(method, headers, SignedRequest.Headers.Org);

        var digest = SignedRequest.Digest(_node.RequestDomain, method, BodyHash(request, method), _node.Organization, org, timestamp, nonce);
        var account = Secp256k1Fast.Recover(digest, signature)
            ?? throw Bad(NodeErrors.BadSignatureCode, "The request's signature is malformed (not a low-s secp256k1 signature); sign it with the Ledger SDK.");
        OperatorStanding standing;
        try
        {
            standing = await _membership.OperatorAsync(account, block).ConfigureAwait(false);
        }
        catch (LedgerException unreadable) when (unreadable.Category == ErrorCategory.Unavailable)
        {
            // Membership is read at the last head the node knows (a value read before is still used when nothing
            // changed since); when it must be read and the chain cannot be, the call is refused like a stale consent check.
            throw new RefusalFailure(RefusalReason.ChainViewStale, new LedgerException(ChainHead.StaleViewCode, ErrorCategory.Unavailable,
                $"The node could not read the caller's membership from the chain ({unreadable.Code}: {unreadable.Message.TrimEnd('.')}), so it decides nothing on the request; the refusal is recorded. Retry when the node's chain is back (its health check says SERVING again).",
                unreadable));
        }
        if (standing.Org.Value.IsZero)
        {
            throw new RefusalFailure(RefusalReason.NotAMember, new LedgerException(NodeErrors.NotAMemberCode, ErrorCategory.PermissionDenied,
                $"The request is signed by account {account}, which operates no consortium member (as of block {block}); "
                + $"only operators of members may call {method}. If the caller is {org.Code}, check that it signs with its registered operator key and for this node ({_node.Organization.Code}) on this chain."));
        }
        if (standing.Org != org)
        {
            throw Bad(NodeErrors.BadSignatureCode,
                $"The request claims to come from {org.Code}, but it is signed by account {account}, an operator of {standing.Org.Code}; sign with an operator key of the organization you act for.");
        }
        if (standing.Status != MemberStatus.Active)
        {
            throw new RefusalFailure(RefusalReason.NotAMember, new LedgerException(NodeErrors.NotAMemberCode, ErrorCategory.PermissionDenied,
                $"{org.Code} is {standing.Status.ToString().ToLowerInvariant()} in the consortium (as of block {block}), so it may not call {method}; the governors must reinstate it first."));
        }
        await CheckClientCertificateAsync(context, org, block).ConfigureAwait(false);
        RequireSignedSinceStart(timestamp);
        if (!_nonces.TryUse(nonce, now))
        {
            throw Bad(NodeErrors.ReplayCode, $"The request's nonce {nonce.ToShortString()} was used before: a signed request is accepted once. Send a newly signed request.");
        }
        return new CallerIdentity(org, standing.Role, account, block);
    }

    // A request signed before this node process started may have been accepted by the node before its restart, whose
    // nonces were in memory only: refused, so a restart opens no replay window (docs/tls.md, "Signed bytes and replay").
    private void RequireSignedSinceStart(ulong timestamp)
    {
        if ((long)Math.Min(timestamp, long.MaxValue) < _nonces.AcceptsSignedFromMs)
        {
            var started = DateTimeOffset.FromUnixTimeMilliseconds(_nonces.AcceptsSignedFromMs).ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
            throw Bad(NodeErrors.ReplayCode,
                $"The request was signed before this node started (at {started} UTC): a restarted node cannot tell whether it accepted it before, so it accepts only requests signed since. Send a newly signed request (the Ledger SDK signs every call anew).");
        }
    }

    // The time, nonce and signature every signed call carries, checked for form and the time window.
    private (ulong Timestamp, Hash32 Nonce, byte[] Signature, long Now) SignedParts(string method, Metadata headers, string identityHeader)
    {
        var timestampText = headers.GetValue(SignedRequest.Headers.Timestamp);
        var nonceText = headers.GetValue(SignedRequest.Headers.Nonce);
        var signatureText = headers.GetValue(SignedRequest.Headers.Signature);
        if (signatureText is null || timestampText is null || nonceText is null)
        {
            throw Bad(NodeErrors.UnsignedCode,
                $"{method} needs a signed request: the metadata {identityHeader}, {SignedRequest.Headers.Timestamp}, {SignedRequest.Headers.Nonce} and {SignedRequest.Headers.Signature} (use the Ledger SDK, which signs every call).");
        }
        if (!ulong.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            throw Bad(NodeErrors.MalformedSignatureCode, $"The {SignedRequest.Headers.Timestamp} metadata '{Clip(timestampText)}' is not unix milliseconds.");
        }
        if (nonceText.Length != 66 || !Hash32.TryParse(nonceText, out var nonce))
        {
            throw Bad(NodeErrors.MalformedSignatureCode, $"The {SignedRequest.Headers.Nonce} metadata is not 0x followed by 64 hex digits.");
        }
        var signature = signatureText.Length == 132 && signatureText.StartsWith("0x", StringComparison.Ordinal) ? TryHex(signatureText.AsSpan(2)) : null;
        if (signature is null)
        {
            throw Bad(NodeErrors.MalformedSignatureCode, $"The {SignedRequest.Headers.Signature} metadata is not 0x followed by a 65-byte signature in hex.");
        }
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var skew = Math.Abs(now - (long)Math.Min(timestamp, long.MaxValue));
        if (skew > Window.TotalMilliseconds)
        {
            throw Bad(NodeErrors.StaleRequestCode,
                $"The request was signed {skew / 1000} s away from this node's clock (at most {Window.TotalSeconds:0} s is accepted); check the caller's clock and send it again.");
        }
        return (timestamp, nonce, signature, now);
    }

    // An enterprise's own call: an EnterpriseRequest signed by the account the chain binds to a credit-code hash now.
    private async Task<EnterpriseCaller> AuthenticateEnterpriseAsync<TRequest>(TRequest request, string method, Metadata headers, ulong block)
        where TRequest : class
    {
        var accountText = headers.GetValue(SignedRequest.Headers.Enterprise);
        if (accountText is null)
        {
            throw Bad(headers.GetValue(SignedRequest.Headers.Org) is null ? NodeErrors.UnsignedCode : NodeErrors.WrongSignerKindCode,
                $"{method} is the enterprise's own view: sign it with the enterprise's bound key (metadata {SignedRequest.Headers.Enterprise}; `ledger enterprise …` or the SDK's EnterpriseConnection), not a member's operator key.");
        }
        if (!EthAddress.TryParse(accountText, out var claimed) || claimed.IsZero)
        {
            throw Bad(NodeErrors.MalformedSignatureCode, $"The {SignedRequest.Headers.Enterprise} metadata '{Clip(accountText)}' is not an account (0x followed by 40 hex digits).");
        }
        var (timestamp, nonce, signature, now) = SignedParts(method, headers, SignedRequest.Headers.Enterprise);
        var digest = SignedRequest.EnterpriseDigest(_node.RequestDomain, method, BodyHash(request, method), _node.Organization, claimed, timestamp, nonce);
        var account = Secp256k1Fast.Recover(digest, signature)
            ?? throw Bad(NodeErrors.BadSignatureCode, "The request's signature is malformed (not a low-s secp256k1 signature); sign it with the Ledger SDK.");
        if (account != claimed)
        {
            throw Bad(NodeErrors.BadSignatureCode,
                $"The request claims to come from enterprise account {claimed}, but it is signed by {account}; sign with the key of the account you name, for this node ({_node.Organization.Code}) on this chain.");
        }
        EnterpriseHash bound;
        try
        {
            bound = await _chain.CreditCodeOfAsync(account).ConfigureAwait(false);
        }
        catch (LedgerException unreadable) when (unreadable.Category == ErrorCategory.Unavailable)
        {
            throw new RefusalFailure(RefusalReason.ChainViewStale, new LedgerException(ChainHead.StaleViewCode, ErrorCategory.Unavailable,
                $"The node could not read the enterprise's binding from the chain ({unreadable.Code}: {unreadable.Message.TrimEnd('.')}); retry when the node's chain is back (its health check says SERVING again).",
                unreadable));
        }
        if (bound.Value.IsZero)
        {
            throw new RefusalFailure(RefusalReason.NotAMember, new LedgerException(NodeErrors.EnterpriseNotBoundCode, ErrorCategory.PermissionDenied,
                $"Account {account} is bound to no enterprise on this chain (never bound by a tax bureau, or its key was rotated or unbound); sign with the enterprise's current key, or ask the tax bureau to bind it (`ledger tax bind`)."));
        }
        RequireSignedSinceStart(timestamp);
        if (!_nonces.TryUse(nonce, now))
        {
            throw Bad(NodeErrors.ReplayCode, $"The request's nonce {nonce.ToShortString()} was used before: a signed request is accepted once. Send a newly signed request.");
        }
        return new EnterpriseCaller(account, bound, block);
    }

    // The keccak256 of the request's bytes as received (kept by the deserializer): a signature is checked over what was
    // sent, not over this node's re-serialization of it.
    private static Hash32 BodyHash(object request, string method) =>
        ReceivedBodies.TryGet(request, out var hash)
            ? hash
            : throw new InvalidOperationException($"The bytes of the {method} request were not kept by the node's deserializer; the request cannot be authenticated.");

    private static RefusalFailure Bad(string code, string sentence) =>
        new(RefusalReason.BadRequestSignature, new LedgerException(code, ErrorCategory.PermissionDenied, sentence));

    private static OrgId? TryOrg(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        try
        {
            return OrgId.Parse(text);
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[]? TryHex(ReadOnlySpan<char> hex)
    {
        var bytes = new byte[hex.Length / 2];
        return Convert.FromHexString(hex, bytes, out _, out var written) == System.Buffers.OperationStatus.Done && written == bytes.Length ? bytes : null;
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>An authentication failure with the refusal reason it is recorded under.</summary>
    private sealed class RefusalFailure(RefusalReason reason, LedgerException error) : Exception(error.Message)
    {
        public RefusalReason Reason { get; } = reason;
        public LedgerException Error { get; } = error;
    }
}
