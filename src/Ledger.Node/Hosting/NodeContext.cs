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
using Microsoft.Extensions.Options;

namespace Ledger.Node.Hosting;

/// <summary>
/// Everything a running node works with, set up once at start by <see cref="InitializeAsync"/> in this order: options
/// checked, deployment file read, key store opened, chain reached (its chain id and contracts checked), the operator
/// checked to be an active member of the configured organization with the configured role, the store opened, the
/// transaction sender created on the store's journal and its unfinished transactions recovered, the anchor chain, and
/// the role's own parts (the tax node's data). Any failure is one sentence and exit code 2.
/// </summary>
public sealed class NodeContext : IAsyncDisposable
{
    private readonly IOptions<LedgerNodeOptions> _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private NodeKeys? _keys;
    private LedgerStore? _store;
    private TransactionSender? _sender;
    private LedgerChainClient? _chainClient;
    private ChainEnvironment? _chain;
    private AnchorChain? _anchorChain;
    private TaxDataStore? _taxData;

    /// <summary>Creates the (not yet initialized) context.</summary>
    public NodeContext(IOptions<LedgerNodeOptions> options, ILoggerFactory loggers)
    {
        _options = options;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Ledger.Node");
        Membership = new MembershipDirectory(Head);
    }

    /// <summary>True once <see cref="InitializeAsync"/> succeeded.</summary>
    public bool IsReady { get; private set; }

    /// <summary>The checked options.</summary>
    public LedgerNodeOptions Options { get; private set; } = new();

    /// <summary>The node's organization.</summary>
    public OrgId Organization { get; private set; }

    /// <summary>The node's role.</summary>
    public NodeRole Role { get; private set; }

    /// <summary>The node's keys (public parts in <see cref="NodeKeys.ToString"/>).</summary>
    public NodeKeys Keys => _keys ?? throw NotReady();

    /// <summary>The deployment the node works on.</summary>
    public LedgerDeployment Deployment => _chain?.Deployment ?? throw NotReady();

    /// <summary>The chain (rpc profile).</summary>
    public ChainEnvironment Chain => _chain ?? throw NotReady();

    /// <summary>The node's store.</summary>
    public LedgerStore Store => _store ?? throw NotReady();

    /// <summary>The operator's transaction sender (journaled in the store).</summary>
    public TransactionSender Sender => _sender ?? throw NotReady();

    /// <summary>Typed contract calls as the operator.</summary>
    public LedgerChainClient ChainClient => _chainClient ?? throw NotReady();

    /// <summary>Anchoring for the node's organization.</summary>
    public AnchorChain AnchorChain => _anchorChain ?? throw NotReady();

    /// <summary>The latest block.</summary>
    public ChainHead Head { get; } = new();

    /// <summary>Membership at a block (cached while the chain's membership is unchanged).</summary>
    public MembershipDirectory Membership { get; }

    /// <summary>The domain signed requests are signed in.</summary>
    public Eip712Domain RequestDomain { get; private set; } = null!;

    /// <summary>The domain consents are signed in.</summary>
    public Eip712Domain ConsentDomain { get; private set; } = null!;

    /// <summary>The chain id.</summary>
    public BigInteger ChainId => Deployment.ChainId;

    /// <summary>Nonces of signed requests seen.</summary>
    internal NonceCache Nonces { get; } = new(SignedRequestInterceptor.Window);

    /// <summary>The tax node's data (tax role only).</summary>
    public TaxDataStore TaxData => _taxData ?? throw new InvalidOperationException("This node is not a tax node.");

    /// <summary>The bank's product table (bank role): <c>Bank:ProductTable</c>, or <c>ProductTable.Default</c>.</summary>
    public Core.Scoring.ProductTable? ProductTable { get; private set; }

    /// <summary>Signed connections to other members' nodes, found through their endpoints on chain.</summary>
    public PeerConnections Peers { get; private set; } = null!;

    /// <summary>The anchor batcher options from the node's options.</summary>
    public AnchorBatcherOptions BatcherOptions => new()
    {
        MaxBatchSize = Options.Batcher.MaxBatch,
        MaxWait = TimeSpan.FromMilliseconds(Options.Batcher.MaxWaitMs),
        InitialRetryDelay = TimeSpan.FromMilliseconds(500),
        // Short enough that the first anchor after a chain outage follows the chain's return within a few seconds.
        MaxRetryDelay = TimeSpan.FromSeconds(2),
    };

    /// <summary>The chain's polling interval in force.</summary>
    public TimeSpan PollInterval => Chain.Profile.EffectivePollInterval;

    /// <summary>Sets everything up; throws a <see cref="LedgerException"/> whose message is the one sentence to show.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        LedgerNodeOptions options;
        try
        {
            options = _options.Value;
        }
        catch (OptionsValidationException ex)
        {
            throw NodeErrors.Configuration(string.Join("\n", ex.Failures), ex);
        }
        catch (InvalidOperationException ex)
        {
            // The configuration binder could not convert a value (e.g. Role=teller).
            throw NodeErrors.Configuration(
                $"A Ledger:Node setting has a value of the wrong kind ({ex.Message.TrimEnd('.')}); Role is one of tax, bank, guarantor, regulator, auditor, and numbers and times must be written as such.", ex);
        }
        Options = options;
        Organization = OrgId.FromCode(options.Org);
        Role = options.Role!.Value;

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
        _keys = NodeKeyStore.Load(options.KeyStoreFile, password);

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
        if (PublishedDevelopmentAccounts.IsPublished(_keys.Operator) && !PublishedDevelopmentAccounts.IsLocalChain(_chain.Deployment.ChainId))
        {
            throw NodeErrors.Configuration(
                $"The key store {options.KeyStoreFile} holds a published development key (account {_keys.Operator}, from the mnemonic every hardhat and anvil user has), "
                + $"and chain {_chain.Deployment.ChainId} is not a local development chain (31337 or 1337): anyone could sign as this node. "
                + "Create a key store of your own (ledger-node keys init) and ask the governors to make its account this member's operator.");
        }
        RequestDomain = SignedRequest.Domain(_chain.Deployment.ChainId, _chain.Deployment[LedgerContracts.Consortium]);
        ConsentDomain = _chain.Deployment.ConsentDomain;

        _store = LedgerStore.Open(new LedgerStoreOptions { Path = Path.Combine(options.DataDir, "ledger.db"), Organization = Organization });
        _sender = _chain.CreateSender(_keys.OperatorKey, _store.Journal, _loggers.CreateLogger("Ledger.Chain.Sender"));
        _chainClient = new LedgerChainClient(_sender, _chain.Deployment);

        await CheckMembershipAsync(cancellationToken).ConfigureAwait(false);

        var recovered = await _sender.RecoverAsync(cancellationToken).ConfigureAwait(false);
        if (recovered.Count > 0)
        {
            NodeLog.Recovered(_logger, recovered.Count, _keys.Operator.ToString());
        }
        _anchorChain = new AnchorChain(_sender, _chain.Deployment, Organization);
        var (number, timestamp) = await _chainClient.LatestBlockAsync(cancellationToken).ConfigureAwait(false);
        Head.Attach(
            new ChainClientHeadSource(_chainClient),
            new ChainBlock(number, timestamp),
            ChainHeadOptions.For(PollInterval, options.Chain.MaxCheckAge, options.Chain.ReadTimeout, options.Chain.BlockInterval),
            _logger);
        Membership.Attach(_chainClient);

        if (Role == NodeRole.Bank)
        {
            ProductTable = string.IsNullOrWhiteSpace(options.Bank.ProductTable)
                ? Core.Scoring.ProductTable.Default
                : LoadProductTable(options.Bank.ProductTable);
        }
        Peers = new PeerConnections(this);
        if (Role == NodeRole.Tax)
        {
            var salt = Hash32.Parse(LedgerNodeOptionsValidator.NormalizeHex(options.Tax.Salt));
            _taxData = TaxDataStore.Open(Path.Combine(options.DataDir, "taxdata.db"), salt);
            if (options.Tax.SyntheticCount > 0 && _taxData.Count == 0)
            {
                var generated = Core.TaxData.SyntheticTaxpayers.Generate(options.Tax.SyntheticCount, options.Tax.SyntheticSeed, DateOnly.FromDateTime(DateTime.UtcNow));
                _taxData.Upsert(generated);
                NodeLog.SyntheticGenerated(_logger, generated.Count, options.Tax.SyntheticSeed);
            }
        }
        IsReady = true;
    }

    private async Task CheckMembershipAsync(CancellationToken cancellationToken)
    {
        var account = Keys.Operator;
        var (org, role, status) = await ChainClient.OperatorOrgAsync(account, cancellationToken).ConfigureAwait(false);
        var expectedRole = Role.ToChainRole();
        if (org.Value.IsZero)
        {
            throw new LedgerException(NodeErrors.MembershipCode, ErrorCategory.FailedPrecondition,
                $"The key store's operator account {account} operates no consortium member; ask the governors to admit {Organization.Code} with this account as its operator (or add it with addOperator).");
        }
        if (org != Organization)
        {
            throw new LedgerException(NodeErrors.MembershipCode, ErrorCategory.FailedPrecondition,
                $"The key store's operator account {account} operates {org.Code}, not {Organization.Code}; use {Organization.Code}'s key store or set Ledger:Node:Org to {org.Code}.");
        }
        if (status != MemberStatus.Active)
        {
            throw new LedgerException(NodeErrors.MembershipCode, ErrorCategory.FailedPrecondition,
                $"{Organization.Code} is {status.ToString().ToLowerInvariant()} in the consortium; the governors must reinstate it before its node can run.");
        }
        if (role != expectedRole)
        {
            throw new LedgerException(NodeErrors.MembershipCode, ErrorCategory.FailedPrecondition,
                $"{Organization.Code} is a {role.Word()} member on chain, but this node is configured as {Role.Word()}; set Ledger:Node:Role to {role.Word()}.");
        }
        var member = await ChainClient.MemberAsync(Organization, cancellationToken).ConfigureAwait(false);
        if (!Keys.Encryption.PublicKey.SequenceEqual(member.EncryptionKey ?? []))
        {
            throw new LedgerException(NodeErrors.EncryptionKeyMismatchCode, ErrorCategory.FailedPrecondition,
                $"The encryption key registered for {Organization.Code} (0x{Convert.ToHexStringLower(member.EncryptionKey ?? [])}) is not the key store's "
                + $"(0x{Convert.ToHexStringLower(Keys.Encryption.PublicKey)}); data sealed to {Organization.Code} could not be opened. Use the key store whose key was registered, or have the governors change the encryption key.");
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

    private static InvalidOperationException NotReady() => new("The node is not initialized yet.");

    /// <summary>Closes the store (queued records are committed first) and the sender.</summary>
    public ValueTask DisposeAsync()
    {
        Peers?.Dispose();
        _taxData?.Dispose();
        _sender?.Dispose();
        _store?.Dispose();
        _keys?.Dispose();
        return _chain?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
