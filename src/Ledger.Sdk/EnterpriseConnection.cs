using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Ledger.Core.Auth;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk.Mapping;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>What a tax node recorded about an enterprise, for the enterprise (<see cref="EnterpriseConnection.MyAccessesAsync"/>).</summary>
/// <param name="CreditCodeHash">The credit-code hash the enterprise's account is bound to.</param>
/// <param name="Records">Accesses and refusals under its consents, in the order the node made them, each with its anchor.</param>
public sealed record EnterpriseAccesses(EnterpriseHash CreditCodeHash, IReadOnlyList<ExportedRecord> Records);

/// <summary>
/// An enterprise's own connection to a tax node: every call is an <c>EnterpriseRequest</c> signed with the enterprise's
/// key (the account its tax bureau bound to its credit-code hash), never a member's. It reads the enterprise's consents
/// (every consumer, with their state and use) and the records the node made under them. The whole trail, gathered from
/// every node that holds records under the enterprise's consents and verified against the chain, is
/// <see cref="EnterpriseTrails.GatherAsync"/>. The key stays in the
/// <see cref="EnterpriseWallet"/>; only signatures leave the process.
/// </summary>
/// <example>
/// <code>
/// using var wallet = EnterpriseWallet.FromPrivateKey(key);
/// using var self = await EnterpriseConnection.ConnectAsync("http://127.0.0.1:7101", wallet);
/// var consents = await self.MyConsentsAsync();
/// var accesses = await self.MyAccessesAsync();
/// </code>
/// </example>
public sealed class EnterpriseConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Proto.EnterpriseSelf.EnterpriseSelfClient _client;
    private readonly TimeSpan _timeout;

    private EnterpriseConnection(GrpcChannel channel, string address, EnterpriseWallet wallet, NodeDetails info, TimeSpan timeout)
    {
        _channel = channel;
        Address = address;
        Info = info;
        _timeout = timeout;
        _client = new Proto.EnterpriseSelf.EnterpriseSelfClient(channel.Intercept(new EnterpriseSigner(wallet, SignedRequest.Domain(info.ChainId, info.Consortium), info.Organization)));
    }

    /// <summary>The node's address.</summary>
    public string Address { get; }

    /// <summary>The node as it described itself when connecting.</summary>
    public NodeDetails Info { get; }

    /// <summary>Connects to the tax node at <paramref name="address"/> as the enterprise whose key <paramref name="wallet"/> holds.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1600 when the node cannot be reached; LEDGER-1603 when it is not the expected node or chain.</exception>
    public static async Task<EnterpriseConnection> ConnectAsync(
        string address, EnterpriseWallet wallet, LedgerConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        ArgumentNullException.ThrowIfNull(wallet);
        options ??= new LedgerConnectionOptions();
        var (channel, info) = await LedgerConnection.OpenAsync(address, options, cancellationToken).ConfigureAwait(false);
        return new EnterpriseConnection(channel, address, wallet, info, options.CallTimeout);
    }

    /// <summary>The consents the enterprise gave (any consumer, any provider), with their state and use.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1527 when the wallet's account is bound to no enterprise; LEDGER-1519 when the node is not a tax node.</exception>
    public async Task<IReadOnlyList<ConsentDetails>> MyConsentsAsync(bool activeOnly = false, CancellationToken cancellationToken = default)
    {
        var response = await Calls.RunAsync(Address, () => _client.MyConsentsAsync(
            new Proto.MyConsentsRequest { ActiveOnly = activeOnly }, deadline: DateTime.UtcNow + _timeout, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return response.Consents.Select(ConsentDetails.FromProto).ToList();
    }

    /// <summary>
    /// The records the node made about the enterprise (accesses and refusals under its consents, or under
    /// <paramref name="consent"/> only), each parsed and its hash recomputed from its fields.
    /// </summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1518 when <paramref name="consent"/> is not the enterprise's; LEDGER-1604 when a record does not hash to its reference.</exception>
    public async Task<EnterpriseAccesses> MyAccessesAsync(ConsentId? consent = null, CancellationToken cancellationToken = default)
    {
        var response = await MyAccessesResponseAsync(consent, cancellationToken).ConfigureAwait(false);
        return Calls.Parse(() => new EnterpriseAccesses(
            new EnterpriseHash(ApiMapping.Hash(response.CreditCodeHash, "credit_code_hash")),
            response.Records.Select(Checked).ToList()));
    }

    // The node's answer as it came (EnterpriseTrails checks each record itself and reports, rather than refuses, a bad one).
    internal Task<Proto.MyAccessesResponse> MyAccessesResponseAsync(ConsentId? consent, CancellationToken cancellationToken) =>
        Calls.RunAsync(Address, () => _client.MyAccessesAsync(
            new Proto.MyAccessesRequest { ConsentId = consent?.ToString() ?? "" }, deadline: DateTime.UtcNow + _timeout, cancellationToken: cancellationToken));

    // A record whose fields do not hash to the reference the node gave is not the node's record: refuse the answer.
    private static ExportedRecord Checked(Proto.ExportedRecord item)
    {
        var record = RecordsClient.FromProto(item);
        return record.Anchor.RecordHash == record.Hash
            ? record
            : throw new FormatException($"Record {item.Sequence} ({item.Type}) hashes to {record.Hash}, not to the {record.Anchor.RecordHash} the node names.");
    }

    /// <summary>Closes the channel.</summary>
    public void Dispose() => _channel.Dispose();

    // Signs every call as the enterprise: metadata ledger-enterprise, ledger-timestamp, ledger-nonce, ledger-signature.
    private sealed class EnterpriseSigner(EnterpriseWallet wallet, Eip712Domain domain, OrgId audience) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            ArgumentNullException.ThrowIfNull(continuation);
            var body = request is IMessage message ? message.ToByteArray() : [];
            var timestamp = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var nonce = new Hash32(RandomNumberGenerator.GetBytes(32));
            var signature = wallet.SignRequest(domain, context.Method.FullName, body, audience, timestamp, nonce);
            var headers = context.Options.Headers ?? [];
            headers.Add(SignedRequest.Headers.Enterprise, wallet.Address.ToString());
            headers.Add(SignedRequest.Headers.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
            headers.Add(SignedRequest.Headers.Nonce, nonce.ToString());
            headers.Add(SignedRequest.Headers.Signature, "0x" + Convert.ToHexStringLower(signature));
            return continuation(request, new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers)));
        }
    }
}
