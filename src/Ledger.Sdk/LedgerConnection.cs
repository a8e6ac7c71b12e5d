using System.Numerics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Ledger.Core.Auth;
using Ledger.Core.Consent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk.Auth;
using Ledger.Sdk.Mapping;
using Ledger.Sdk.Tls;
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

    /// <summary>
    /// How the node is checked: by the pins given, or the pins its member registered on chain; plaintext only with
    /// the development flag (<see cref="LedgerTlsOptions"/>). The default checks nothing and so connects to nothing.
    /// </summary>
    public LedgerTlsOptions Tls { get; init; } = new();
}

/// <summary>
/// A connection to one Ledger node: an HTTP/2 gRPC channel over TLS (the node's certificate checked by pin,
/// <see cref="LedgerTlsOptions"/>) whose every call is signed by the caller's operator key
/// (<see cref="SigningInterceptor"/>), with the node's organization as the audience. Create it with
/// <see cref="ConnectAsync"/>, which asks the node who it is (<c>Node.GetInfo</c>, the one unsigned call) and checks
/// it against the expectations. The typed clients (<see cref="Tax"/>, <see cref="Consents"/>, <see cref="Node"/>, and
/// others constructed from a connection) map every failure to a <see cref="Core.Errors.LedgerException"/>.
/// </summary>
/// <example>
/// <code>
/// using var identity = new LedgerIdentity(OrgId.FromCode("bank.ccb"), operatorKey, encryptionKeyPair);
/// using var tax = await LedgerConnection.ConnectAsync("https://127.0.0.1:7101", identity,
///     new LedgerConnectionOptions { Tls = LedgerTlsOptions.Pinned(taxNodePin) });
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

    /// <summary>Connects to the node at <paramref name="address"/> (e.g. <c>https://127.0.0.1:7101</c>) as <paramref name="identity"/>.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1600 when the node cannot be reached; LEDGER-1603 when it is not the expected node or chain;
    /// LEDGER-1670/1671 when its TLS certificate is not the expected or registered one; LEDGER-1672/1673 when the connection could not be secured (plaintext, no pins).</exception>
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
    /// The node at <paramref name="address"/> as it describes itself (<c>Node.GetInfo</c>, unsigned), reached and checked
    /// as a connection would be (its TLS certificate by pin), without signing anything.
    /// </summary>
    /// <exception cref="Core.Errors.LedgerException">as <see cref="ConnectAsync"/>.</exception>
    public static async Task<NodeDetails> DescribeAsync(string address, LedgerConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var (channel, info) = await OpenAsync(address, options ?? new LedgerConnectionOptions(), cancellationToken).ConfigureAwait(false);
        channel.Dispose();
        return info;
    }

    /// <summary>
    /// An HTTP/2 channel to the node at <paramref name="address"/> and the node as it describes itself
    /// (<c>Node.GetInfo</c>, the one unsigned call), checked against <paramref name="options"/>' expectations: what
    /// every connection — a member's or an enterprise's — starts with. The caller owns the channel.
    /// </summary>
    internal static async Task<(GrpcChannel Channel, NodeDetails Info)> OpenAsync(string address, LedgerConnectionOptions options, CancellationToken cancellationToken)
    {
        var channel = LedgerChannels.Create(address, options.Tls, options.MaxReceiveMessageSize, out var check);
        try
        {
            Proto.NodeInfo raw;
            try
            {
                raw = await Calls.RunAsync(
                    address,
                    () => new Proto.Node.NodeClient(channel).GetInfoAsync(new Proto.Empty(), deadline: DateTime.UtcNow + options.CallTimeout, cancellationToken: cancellationToken))
                    .ConfigureAwait(false);
            }
            catch (LedgerException) when (LedgerChannels.Refusal(address, check, options.ExpectedNode) is { } refused)
            {
                throw refused;
            }
            var info = NodeDetails.FromProto(raw);
            if (options.ExpectedNode is { } expected && expected != info.Organization)
            {
                throw SdkErrors.InvalidArgument($"The node at {address} is {info.Organization.Code}, not {expected.Code} as expected; check the address.");
            }
            if (options.ExpectedChainId is { } chainId && chainId != info.ChainId)
            {
                throw SdkErrors.InvalidArgument($"The node at {address} works on chain {info.ChainId}, not {chainId} as expected; check the address.");
            }
            if (check is { FromChain: true } && options.Tls.RegisteredPins is { } registered)
            {
                // The node said who it is; its certificate must be one that member registered on chain.
                var pins = await registered(info.Organization, cancellationToken).ConfigureAwait(false);
                if (check.Seen is not { } seen || !pins.Contains(seen))
                {
                    throw new LedgerException(SdkErrors.PinNotRegisteredCode, ErrorCategory.PermissionDenied,
                        $"The node at {address} says it is {info.Organization.Code}, but its TLS certificate (pin {check.Seen?.ToString() ?? "none"}) is not one the chain registers for {info.Organization.Code} ({TlsPins.Describe(pins)}): nothing is sent to it. "
                        + $"If {info.Organization.Code} rotated its certificate, the governors register the new pin first (changeTlsPins); otherwise check the address.");
                }
                check.Learnt(info.Organization, pins);
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

    /// <summary>The node's health word (serving, degraded, unhealthy; null from a node that does not say).</summary>
    public string? Health { get; init; }

    /// <summary>Why the node is not healthy (empty when it is).</summary>
    public IReadOnlyList<string> HealthReasons { get; init; } = [];

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
                Health = string.IsNullOrEmpty(info.Health) ? null : info.Health,
                HealthReasons = [.. info.HealthReasons],
            };
        }
        catch (FormatException ex)
        {
            throw SdkErrors.MalformedResponse(ex.Message);
        }
    }
}
