using System.Numerics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Ledger.Core.Auth;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk.Auth;
using Ledger.Sdk.Mapping;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>Settings of a <see cref="LedgerConnection"/>.</summary>
public sealed record LedgerConnectionOptions
{
    /// <summary>How long one call may take before it fails with LEDGER-1600 (default 30 s).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The organization the node must be (the audience of every signed call). Null: learnt from the node's
    /// <c>Node.GetInfo</c>; set it to refuse talking to anything else.
    /// </summary>
    public OrgId? ExpectedNode { get; init; }

    /// <summary>The chain id the node must work on; null: learnt from the node.</summary>
    public BigInteger? ExpectedChainId { get; init; }

    /// <summary>The largest message the client accepts (default 64 MiB: exports and bundles can be large).</summary>
    public int MaxReceiveMessageSize { get; init; } = 64 * 1024 * 1024;
}

/// <summary>
/// A connection to one Ledger node: an HTTP/2 gRPC channel whose every call is signed by the caller's operator key
/// (<see cref="SigningInterceptor"/>), with the node's organization as the audience. Create it with
/// <see cref="ConnectAsync"/>, which asks the node who it is (<c>Node.GetInfo</c>, the one unsigned call) and checks
/// it against the expectations. The typed clients (<see cref="Tax"/>, <see cref="Consents"/>, <see cref="Node"/>, and
/// others constructed from a connection) map every failure to a <see cref="Core.Errors.LedgerException"/>.
/// </summary>
/// <example>
/// <code>
/// using var identity = new LedgerIdentity(OrgId.FromCode("bank.ccb"), operatorKey, encryptionKeyPair);
/// using var tax = await LedgerConnection.ConnectAsync("http://127.0.0.1:7101", identity);
/// var fetched = await tax.Tax.FetchReportAsync(new ReportRequest(consentId, Scopes.TaxCreditRating | Scopes.TaxPayments));
/// TaxReport report = fetched.Open(identity.Encryption!);
/// </code>
/// </example>
public sealed class LedgerConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private TaxClient? _tax;
    private ConsentClient? _consents;
    private NodeClient? _node;
    private RecordsClient? _records;
    private GuaranteeClient? _guarantees;
    private CompensationClient? _compensation;
    private AlertsClient? _alerts;
    private BankClient? _bank;
    private FundFlowClient? _fundFlow;
    private AuditClient? _audit;

    private LedgerConnection(GrpcChannel channel, string address, LedgerIdentity identity, NodeDetails info, LedgerConnectionOptions options)
    {
        _channel = channel;
        Address = address;
        Identity = identity;
        Info = info;
        Options = options;
        RequestDomain = SignedRequest.Domain(info.ChainId, info.Consortium);
        ConsentDomain = Eip712Domain.ForConsentRegistry(info.ChainId, info.ConsentRegistry);
        Signer = new SigningInterceptor(identity, RequestDomain, info.Organization);
        Invoker = channel.Intercept(Signer);
    }

    /// <summary>The node's address.</summary>
    public string Address { get; }

    /// <summary>Who the calls are made for.</summary>
    public LedgerIdentity Identity { get; }

    /// <summary>The node as it described itself when connecting.</summary>
    public NodeDetails Info { get; }

    /// <summary>The connection settings.</summary>
    public LedgerConnectionOptions Options { get; }

    /// <summary>The domain calls are signed in (chain id + consortium).</summary>
    public Eip712Domain RequestDomain { get; }

    /// <summary>The domain consents are signed in (chain id + consent registry).</summary>
    public Eip712Domain ConsentDomain { get; }

    /// <summary>The call invoker with signing: give it to any generated client of <c>Ledger.Api.V1</c>.</summary>
    public CallInvoker Invoker { get; }

    /// <summary>The unsigned channel (health checks, reflection).</summary>
    public ChannelBase Channel => _channel;

    /// <summary>The signer (for tools that build calls themselves).</summary>
    public SigningInterceptor Signer { get; }

    /// <summary>The tax node's data exchange and administration.</summary>
    public TaxClient Tax => _tax ??= new TaxClient(this);

    /// <summary>Consents: prepare, relay, revoke, narrow, read, list.</summary>
    public ConsentClient Consents => _consents ??= new ConsentClient(this);

    /// <summary>The node itself: info and health.</summary>
    public NodeClient Node => _node ??= new NodeClient(this);

    /// <summary>The node's off-chain records with their anchors (auditors and regulators).</summary>
    public RecordsClient Records => _records ??= new RecordsClient(this);

    /// <summary>A guarantor node's guarantees: single guarantees, batch agreements, payouts (the guarantor's own operators).</summary>
    public GuaranteeClient Guarantees => _guarantees ??= new GuaranteeClient(this);

    /// <summary>A regulator node's risk-compensation funds and claims (the regulator's own operators).</summary>
    public CompensationClient Compensation => _compensation ??= new CompensationClient(this);

    /// <summary>The alert stream of a tax, bank or guarantor node (banks and guarantors).</summary>
    public AlertsClient Alerts => _alerts ??= new AlertsClient(this);

    /// <summary>A bank node's lending: fetch and keep reports, decide, disburse, loans, held data (the bank's own operators).</summary>
    public BankClient Bank => _bank ??= new BankClient(this);

    /// <summary>R&amp;D fund flows on a bank or tax node: record spending entries, read a loan's ledger.</summary>
    public FundFlowClient FundFlow => _fundFlow ??= new FundFlowClient(this);

    /// <summary>The auditor node: sync, trails, whole-ledger verification, bundles, statistics (auditors and regulators).</summary>
    public AuditClient Audit => _audit ??= new AuditClient(this);

    /// <summary>Connects to the node at <paramref name="address"/> (e.g. <c>http://127.0.0.1:7101</c>) as <paramref name="identity"/>.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1600 when the node cannot be reached; LEDGER-1603 when it is not the expected node or chain.</exception>
    public static async Task<LedgerConnection> ConnectAsync(
        string address, LedgerIdentity identity, LedgerConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        ArgumentNullException.ThrowIfNull(identity);
        options ??= new LedgerConnectionOptions();
        var (channel, info) = await OpenAsync(address, options, cancellationToken).ConfigureAwait(false);
        return new LedgerConnection(channel, address, identity, info, options);
    }

    /// <summary>
    /// An HTTP/2 channel to the node at <paramref name="address"/> and the node as it describes itself
    /// (<c>Node.GetInfo</c>, the one unsigned call), checked against <paramref name="options"/>' expectations: what
    /// every connection — a member's or an enterprise's — starts with. The caller owns the channel.
    /// </summary>
    internal static async Task<(GrpcChannel Channel, NodeDetails Info)> OpenAsync(string address, LedgerConnectionOptions options, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw SdkErrors.InvalidArgument($"'{address}' is not a node address such as http://127.0.0.1:7101.");
        }
#pragma warning disable CA2000 // the channel owns the handler; the connection owns the channel
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        var channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            DisposeHttpClient = true,
        });
#pragma warning restore CA2000
        try
        {
            var raw = await Calls.RunAsync(
                address,
                () => new Proto.Node.NodeClient(channel).GetInfoAsync(new Proto.Empty(), deadline: DateTime.UtcNow + options.CallTimeout, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            var info = NodeDetails.FromProto(raw);
            if (options.ExpectedNode is { } expected && expected != info.Organization)
            {
                throw SdkErrors.InvalidArgument($"The node at {address} is {info.Organization.Code}, not {expected.Code} as expected; check the address.");
            }
            if (options.ExpectedChainId is { } chainId && chainId != info.ChainId)
            {
                throw SdkErrors.InvalidArgument($"The node at {address} works on chain {info.ChainId}, not {chainId} as expected; check the address.");
            }
            return (channel, info);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    /// <summary>The deadline of a call started now.</summary>
    internal DateTime Deadline() => DateTime.UtcNow + Options.CallTimeout;

    /// <summary>Closes the channel.</summary>
    public void Dispose() => _channel.Dispose();
}

/// <summary>A node as it describes itself (<c>Node.GetInfo</c>).</summary>
public sealed record NodeDetails(
    OrgId Organization,
    string Role,
    EthAddress Operator,
    byte[] EncryptionKey,
    BigInteger ChainId,
    EthAddress Consortium,
    EthAddress ConsentRegistry,
    ulong DeployBlock,
    ulong LatestBlock,
    ulong IndexedBlock,
    ulong OutboxPending,
    ulong Records,
    string Version,
    bool StrongMode)
{
    /// <summary>True while the node cannot read the chain or its head has stalled (a tax node then serves no data: LEDGER-1330).</summary>
    public bool ChainDegraded { get; init; }

    /// <summary>Why the node's chain view is degraded (empty when it is not).</summary>
    public string ChainDegradedReason { get; init; } = "";

    /// <summary>When the current degradation began (null when not degraded).</summary>
    public DateTimeOffset? ChainDegradedSince { get; init; }

    /// <summary>Time since the node's last completed chain read.</summary>
    public TimeSpan ChainConfirmedAge { get; init; }

    /// <summary>How long the node's last chain outage lasted (null: none since it started).</summary>
    public TimeSpan? LastOutage { get; init; }

    /// <summary>When the last outage ended.</summary>
    public DateTimeOffset? LastOutageEnded { get; init; }

    /// <summary>T: the longest a consent check may be confirmed before data is served on it.</summary>
    public TimeSpan MaxCheckAge { get; init; }

    /// <summary>From the wire.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1604 when a field is malformed.</exception>
    public static NodeDetails FromProto(Proto.NodeInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        try
        {
            return new NodeDetails(
                ApiMapping.Org(info.Org, "org"),
                info.Role,
                ApiMapping.Account(info.Operator, "operator"),
                string.IsNullOrEmpty(info.EncryptionKey) ? [] : Convert.FromHexString(info.EncryptionKey.StartsWith("0x", StringComparison.Ordinal) ? info.EncryptionKey[2..] : info.EncryptionKey),
                info.ChainId,
                ApiMapping.Account(info.Consortium, "consortium"),
                ApiMapping.Account(info.ConsentRegistry, "consent_registry"),
                info.DeployBlock,
                info.LatestBlock,
                info.IndexedBlock,
                info.OutboxPending,
                info.Records,
                info.Version,
                info.StrongMode)
            {
                ChainDegraded = info.ChainDegraded,
                ChainDegradedReason = info.ChainDegradedReason,
                ChainDegradedSince = info.ChainDegradedSinceMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(info.ChainDegradedSinceMs, 253_402_300_799_000UL)),
                ChainConfirmedAge = TimeSpan.FromMilliseconds(Math.Min(info.ChainConfirmedAgeMs, (ulong)TimeSpan.MaxValue.TotalMilliseconds / 2)),
                LastOutage = info.LastOutageMs == 0 ? null : TimeSpan.FromMilliseconds(Math.Min(info.LastOutageMs, (ulong)TimeSpan.MaxValue.TotalMilliseconds / 2)),
                LastOutageEnded = info.LastOutageEndedMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(info.LastOutageEndedMs, 253_402_300_799_000UL)),
                MaxCheckAge = TimeSpan.FromMilliseconds(Math.Min(info.MaxCheckAgeMs, 86_400_000UL)),
            };
        }
        catch (FormatException ex)
        {
            throw SdkErrors.MalformedResponse(ex.Message);
        }
    }
}
