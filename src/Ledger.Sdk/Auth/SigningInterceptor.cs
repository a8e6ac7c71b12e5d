using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Ledger.Core.Auth;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Sdk.Auth;

/// <summary>
/// Signs every outgoing call as a <see cref="SignedRequest"/>: the EIP-712 <c>LedgerRequest</c> over the full method
/// name, keccak256 of the request message's protobuf bytes, the audience (the called node's organization), the caller's
/// organization, the time in unix milliseconds and a random nonce, signed with the operator key. The four values travel
/// as metadata (<c>ledger-org</c>, <c>ledger-timestamp</c>, <c>ledger-nonce</c>, <c>ledger-signature</c>).
/// </summary>
public sealed class SigningInterceptor : Interceptor
{
    private readonly LedgerIdentity _identity;
    private readonly Eip712Domain _domain;
    private readonly OrgId _audience;
    private readonly TimeProvider _time;

    /// <summary>Signs for <paramref name="identity"/>, calls to <paramref name="audience"/>, in <paramref name="domain"/>.</summary>
    public SigningInterceptor(LedgerIdentity identity, Eip712Domain domain, OrgId audience, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(domain);
        _identity = identity;
        _domain = domain;
        _audience = audience;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The metadata of a signed call of <paramref name="method"/> with <paramref name="body"/>.</summary>
    public Metadata.Entry[] Sign(string method, ReadOnlySpan<byte> body)
    {
        var timestamp = (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds();
        Span<byte> nonceBytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(nonceBytes);
        var nonce = new Hash32(nonceBytes);
        var digest = SignedRequest.Digest(_domain, method, body, _audience, _identity.Organization, timestamp, nonce);
        var signature = _identity.Signer.Sign(digest);
        return
        [
            new Metadata.Entry(SignedRequest.Headers.Org, _identity.Organization.Code),
            new Metadata.Entry(SignedRequest.Headers.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture)),
            new Metadata.Entry(SignedRequest.Headers.Nonce, nonce.ToString()),
            new Metadata.Entry(SignedRequest.Headers.Signature, "0x" + Convert.ToHexStringLower(signature)),
        ];
    }

    /// <inheritdoc/>
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(request, WithSignature(request, context));
    }

    /// <inheritdoc/>
    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(request, WithSignature(request, context));
    }

    /// <inheritdoc/>
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(request, WithSignature(request, context));
    }

    private ClientInterceptorContext<TRequest, TResponse> WithSignature<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        var body = request is IMessage message ? message.ToByteArray() : [];
        var headers = context.Options.Headers ?? [];
        foreach (var entry in Sign(context.Method.FullName, body))
        {
            headers.Add(entry);
        }
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
    }
}
