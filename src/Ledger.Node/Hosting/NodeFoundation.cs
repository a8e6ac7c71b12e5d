using System.Numerics;
using Ledger.Chain;
using Ledger.Chain.Abi;
using Ledger.Chain.Deployment;
using Ledger.Chain.Profiles;
using Ledger.Chain.Transactions;
using Ledger.Core.Auth;
using Ledger.Core.Consent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting.Auth;
using Ledger.Node.Tax;
using Ledger.Sdk.Keys;
using Ledger.Store;
using Ledger.Store.Anchoring;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Hosting;

/// <summary>Who this node is: its checked options, organization, role, keys and the chain's signing domains.</summary>
public sealed class NodeIdentity
{
    internal NodeIdentity(LedgerNodeOptions options, NodeKeys keys, LedgerDeployment deployment)
    {
        Options = options;
        Organization = OrgId.FromCode(options.Org);
        Role = options.Role!.Value;
        Keys = keys;
        Deployment = deployment;
        RequestDomain = SignedRequest.Domain(deployment.ChainId, deployment[LedgerContracts.Consortium]);
        ConsentDomain = deployment.ConsentDomain;
    }

    /// <summary>The checked options.</summary>
    public LedgerNodeOptions Options { get; }

    /// <summary>The node's organization.</summary>
    public OrgId Organization { get; }

    /// <summary>The node's role.</summary>
    public NodeRole Role { get; }

    /// <summary>The node's keys (public parts in <see cref="NodeKeys.ToString"/>).</summary>
    public NodeKeys Keys { get; }

    /// <summary>The deployment the node works on.</summary>
    public LedgerDeployment Deployment { get; }

    /// <summary>The chain id.</summary>
    public BigInteger ChainId => Deployment.ChainId;

    /// <summary>The domain signed requests are signed in.</summary>
    public Eip712Domain RequestDomain { get; }

    /// <summary>The domain consents are signed in.</summary>
    public Eip712Domain ConsentDomain { get; }
}

/// <summary>
/// The node's start-up, run once by <see cref="NodeHostExtensions.RunLedgerNodeAsync"/> before the host starts, in this
/// order: deployment file read, key store opened, chain reached (its chain id and contracts checked), the operator
/// checked to be an active member of the configured organization with the configured role, the store opened, the
/// transaction sender created on the store's journal and its unfinished transactions recovered, the anchor chain, and
/// the role's own parts (the tax node's data, the bank's product table). Any failure is one sentence and exit code 2.
/// It owns what it opened. Only the composition root reads it: every other class is given the parts it needs
/// (<see cref="NodeIdentity"/>, the chain client, the store, the chain head, …) by dependency injection
/// (NodeHostExtensions), and a test keeps it that way.
/// </summary>
public sealed class NodeFoundation : IAsyncDisposable
{
    private readonly LedgerNodeOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private NodeIdentity? _identity;
    private LedgerStore? _store;
    private TransactionSender? _sender;
    private LedgerChainClient? _chainClient;
    private ChainEnvironment? _chain;
    private AnchorChain? _anchorChain;
    private ITaxDataStore? _taxData;
    private PeerConnections? _peers;

    private readonly NodeCertificate _certificate;

    /// <summary>Creates the (not yet opened) foundation from checked options.</summary>
    public NodeFoundation(LedgerNodeOptions options, ILoggerFactory loggers, NodeCertificate certificate)
    {
        _options = options;
        _certificate = certificate;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Ledger.Node");
        Membership = new MembershipDirectory(Head);
    }

    /// <summary>True once <see cref="OpenAsync"/> succeeded.</summary>
    public bool IsOpen { get; private set; }

    /// <summary>Who this node is.</summary>
    public NodeIdentity Identity => _identity ?? throw NotOpen();

    /// <summary>The chain (rpc profile).</summary>
    public ChainEnvironment Chain => _chain ?? throw NotOpen();

    /// <summary>The node's store.</summary>
    public LedgerStore Store => _store ?? throw NotOpen();

    /// <summary>The operator's transaction sender (journaled in the store).</summary>
    public TransactionSender Sender => _sender ?? throw NotOpen();

    /// <summary>Typed contract calls as the operator.</summary>
    public LedgerChainClient ChainClient => _chainClient ?? throw NotOpen();

    /// <summary>Anchoring for the node's organization.</summary>
    public AnchorChain AnchorChain => _anchorChain ?? throw NotOpen();

    /// <summary>The latest block.</summary>
    public ChainHead Head { get; } = new();

    /// <summary>Membership at a block (cached while the chain's membership is unchanged).</summary>
    public MembershipDirectory Membership { get; }

    /// <summary>The tax node's data (tax role only).</summary>
    public ITaxDataStore TaxData => _taxData ?? throw new InvalidOperationException("This node is not a tax node.");

    /// <summary>The bank's product table (bank role): <c>Bank:ProductTable</c>, or <c>ProductTable.Default</c>.</summary>
    public Core.Scoring.ProductTable ProductTable { get; private set; } = Core.Scoring.ProductTable.Default;

    /// <summary>Signed connections to other members' nodes, found through their endpoints on chain.</summary>
    public PeerConnections Peers => _peers ?? throw NotOpen();

    /// <summary>The anchor batcher options from the node's options.</summary>
    public AnchorBatcherOptions BatcherOptions => new()
    {
        MaxBatchSize = _options.Batcher.MaxBatch,
        MaxWait = TimeSpan.FromMilliseconds(_options.Batcher.MaxWaitMs),
        InitialRetryDelay = TimeSpan.FromMilliseconds(500),
        // Short enough that the first anchor after a chain outage follows the chain's return within a few seconds.
        MaxRetryDelay = TimeSpan.FromSeconds(2),
    };

    /// <summary>Opens everything; throws a <see cref="LedgerException"/> whose message is the one sentence to show.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        var options = _options;
        if (!File.Exists(options.Chain.DeploymentFile))
        {
            throw NodeErrors.Configuration(
                $"The deployment file {Path.GetFullPath(options.Chain.DeploymentFile)} does not exist; set Ledger:Node:Chain:DeploymentFile to the deployments/<network>.json written when the contracts were deployed.");
        }
        var password = Environment.GetEnvironmentVariable(options.KeyStorePasswordEnv);
        if (string.IsNullOrEmpty(password))
        {
            throw NodeErrors.Configuration(
                $"The environment variable {options.KeyStorePasswordEnv} is not set; it must hold the password of the key store {options.KeyStoreFile}.");
        }
        var keys = NodeKeyStore.Load(options.KeyStoreFile, password);
        try
        {
            _chain = await ChainEnvironment.StartAsync(
                new ChainProfile
                {
                    Kind = ChainKind.Rpc,
                    RpcUrl = options.Chain.RpcUrl,
                    DeploymentFile = options.Chain.DeploymentFile,
                    FinalityDepth = options.Chain.FinalityDepth,
                    PollInterval = options.Chain.PollInterval,
                },
                _loggers.CreateLogger("Ledger.Chain"),
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            keys.Dispose();
            throw;
        }
        _identity = new NodeIdentity(options, keys, _chain.Deployment);
        if (PublishedDevelopmentAccounts.IsPublished(keys.Operator) && !PublishedDevelopmentAccounts.IsLocalChain(_chain.Deployment.ChainId))
        {
            throw NodeErrors.Configuration(
                $"The key store {options.KeyStoreFile} holds a published development key (account {keys.Operator}, from the mnemonic every hardhat and anvil user has), "
                + $"and chain {_chain.Deployment.ChainId} is not a local development chain (31337 or 1337): anyone could sign as this node. "
                + "Create a key store of your own (ledger-node keys init) and ask the governors to make its account this member's operator.");
        }
        // No certificate, no start (unless the development flag turned TLS off).
        _certificate.Load();

        // Encrypted at rest with a password derived from the key store's encryption key (a plain store of an earlier
        // version is encrypted in place once): nothing of the node's state is readable from its files alone.
        _store = LedgerStore.Open(new LedgerStoreOptions
        {
            Path = Path.Combine(options.DataDir, "ledger.db"),
            Organization = Identity.Organization,
            Password = keys.StorePassword(Identity.Organization),
            EncryptIfPlain = true,
            Legacy = LegacyFilesOf(Identity.Role, options.DataDir),
        });
        _sender = _chain.CreateSender(keys.OperatorKey, _store.Journal, _loggers.CreateLogger("Ledger.Chain.Sender"));
        _chainClient = new LedgerChainClient(_sender, _chain.Deployment);

        await CheckMembershipAsync(cancellationToken).ConfigureAwait(false);

        var recovered = await _sender.RecoverAsync(cancellationToken).ConfigureAwait(false);
        if (recovered.Count > 0)
        {
            NodeLog.Recovered(_logger, recovered.Count, keys.Operator.ToString());
        }
        _anchorChain = new AnchorChain(_sender, _chain.Deployment, Identity.Organization);
        var (number, timestamp) = await _chainClient.LatestBlockAsync(cancellationToken).ConfigureAwait(false);
        Head.Attach(
            new ChainClientHeadSource(_chainClient),
            new ChainBlock(number, timestamp),
            ChainHeadOptions.For(_chain.Profile.EffectivePollInterval, options.Chain.MaxCheckAge, options.Chain.ReadTimeout, options.Chain.BlockInterval),
            _logger);
        Membership.Attach(_chainClient);

        if (Identity.Role == NodeRole.Bank && !string.IsNullOrWhiteSpace(options.Bank.ProductTable))
        {
            ProductTable = LoadProductTable(options.Bank.ProductTable);
        }
        _peers = new PeerConnections(Identity, Membership, Head, _certificate);
        if (Identity.Role == NodeRole.Tax)
        {
            var salt = Hash32.Parse(LedgerNodeOptionsValidator.NormalizeHex(options.Tax.Salt));
            _taxData = _store.OpenTaxData(salt);
            if (options.Tax.SyntheticCount > 0 && _taxData.Count == 0)
            {
                var generated = Core.TaxData.SyntheticTaxpayers.Generate(options.Tax.SyntheticCount, options.Tax.SyntheticSeed, DateOnly.FromDateTime(DateTime.UtcNow));
                _taxData.Upsert(generated);
                NodeLog.SyntheticGenerated(_logger, generated.Count, options.Tax.SyntheticSeed);
            }
        }
        IsOpen = true;
    }

    private async Task CheckMembershipAsync(CancellationToken cancellationToken)
    {
        var (keys, organization, nodeRole) = (Identity.Keys, Identity.Organization, Identity.Role);
        var account = keys.Operator;
        var (org, role, status) = await ChainClient.OperatorOrgAsync(account, cancellationToken).ConfigureAwait(false);
        var expectedRole = nodeRole.ToChainRole();
        if (org.Value.IsZero)
        {
            throw new LedgerException(NodeErrors.MembershipCode, ErrorCategory.FailedPrecondition,
                $"The key store's operator account {account} operates no consortium member; ask the governors to admit {organization.Code} with this account as its operator (or add it with addOperator).");
        }
        if (org != organization)
        {
            throw new LedgerException(NodeErrors.MembershipCode, ErrorCategory.FailedPrecondition,
                $"The key store's operator account {account} operates {org.Code}, not {organization.Code}; use {organization.Code}'s key store or set Ledger:Node:Org to {org.Code}.");
        }
        if (status != MemberStatus.Active)
        {
            throw new LedgerException(NodeErrors.MembershipCode, ErrorCategory.FailedPrecondition,
                $"{organization.Code} is {status.ToString().ToLowerInvariant()} in the consortium; the governors must reinstate it before its node can run.");
        }
        if (role != expectedRole)
        {
            throw new LedgerException(NodeErrors.MembershipCode, ErrorCategory.FailedPrecondition,
                $"{organization.Code} is a {role.Word()} member on chain, but this node is configured as {nodeRole.Word()}; set Ledger:Node:Role to {role.Word()}.");
        }
        var member = await ChainClient.MemberAsync(organization, cancellationToken).ConfigureAwait(false);
        if (!keys.Encryption.PublicKey.SequenceEqual(member.EncryptionKey ?? []))
        {
            throw new LedgerException(NodeErrors.EncryptionKeyMismatchCode, ErrorCategory.FailedPrecondition,
                $"The encryption key registered for {organization.Code} (0x{Convert.ToHexStringLower(member.EncryptionKey ?? [])}) is not the key store's "
                + $"(0x{Convert.ToHexStringLower(keys.Encryption.PublicKey)}); data sealed to {organization.Code} could not be opened. Use the key store whose key was registered, or have the governors change the encryption key.");
        }
        if (_certificate.Enabled)
        {
            var pins = Sdk.Tls.TlsPins.FromChain(member.TlsPins);
            var pin = _certificate.Pin;
            if (pins.Count == 0)
            {
                NodeLog.NoPinRegistered(_logger, organization.Code, pin.ToString());
            }
            else if (!pins.Contains(pin))
            {
                throw new LedgerException(NodeErrors.CertificateNotRegisteredCode, ErrorCategory.FailedPrecondition,
                    $"The node's TLS certificate {_certificate.File} (pin {pin}) is not among the pins registered for {organization.Code} ({string.Join(", ", pins)}), so every other member's node would refuse it. "
                    + "Have the governors register its pin first (changeTlsPins, with the current pin beside it during a rotation), or put back the certificate whose pin is registered.");
            }
        }
        else
        {
            NodeLog.Plaintext(_logger, _options.Listen);
        }
    }

    private static Core.Scoring.ProductTable LoadProductTable(string path)
    {
        try
        {
            return Core.Scoring.ProductTable.FromJson(File.ReadAllText(path));
        }
        catch (LedgerException ex)
        {
            throw NodeErrors.Configuration($"The product table {Path.GetFullPath(path)} (Ledger:Node:Bank:ProductTable) is not usable: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw NodeErrors.Configuration($"The product table {Path.GetFullPath(path)} (Ledger:Node:Bank:ProductTable) cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The separate files a node of this role kept until store schema 3, imported into the store when it opens (and
    /// renamed to <c>.migrated</c>): the bank's <c>bank.db</c>, the tax bureau's <c>taxdata.db</c>, the auditor's
    /// <c>auditor.db</c>, and the alert log <c>alerts.db</c> of the roles that keep alerts (tax, bank, guarantor).
    /// A file of another role's part is left alone.
    /// </summary>
    internal static LegacyStoreFiles LegacyFilesOf(NodeRole role, string dataDir)
    {
        var all = LegacyStoreFiles.InFolder(dataDir);
        return new LegacyStoreFiles
        {
            Bank = role == NodeRole.Bank ? all.Bank : null,
            TaxData = role == NodeRole.Tax ? all.TaxData : null,
            Auditor = role == NodeRole.Auditor ? all.Auditor : null,
            Alerts = role is NodeRole.Tax or NodeRole.Bank or NodeRole.Guarantor ? all.Alerts : null,
        };
    }

    private static InvalidOperationException NotOpen() => new("The node is not started yet.");

    /// <summary>Closes the store (queued records are committed first) and the sender.</summary>
    public ValueTask DisposeAsync()
    {
        _peers?.Dispose();
        _sender?.Dispose();
        _store?.Dispose();
        _identity?.Keys.Dispose();
        _certificate.Dispose();
        return _chain?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
