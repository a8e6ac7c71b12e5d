using System.Security.Cryptography;
using System.Text;
using Ledger.Chain;
using Ledger.Chain.Contracts.Consortium.ContractDefinition;
using Ledger.Chain.Profiles;
using Ledger.Chain.Transactions;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.TaxData;
using Ledger.Local;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Ledger.Sdk.Keys;
using Ledger.Sdk.Tls;

namespace Ledger.Node.Tests.Support;

/// <summary>An organization of the test consortium: its key store (and the keys, which the test may use as the SDK identity).</summary>
public sealed record OrgSetup(OrgId Org, Role Role, string KeyStoreFile, NodeKeys Keys)
{
    public LedgerIdentity Identity() => LedgerIdentity.FromKeys(Org, Keys);

    /// <summary>The node's TLS certificate file (beside the key store; made when the org is admitted with a node).</summary>
    public string TlsCertificateFile => NodeTlsCertificates.CurrentFile(KeyStoreFile);

    /// <summary>The pin of the node's TLS certificate, made (once) when missing.</summary>
    public Hash32 EnsureTlsCertificate() => File.Exists(TlsCertificateFile)
        ? NodeTlsCertificates.PinOf(TlsCertificateFile, NodeCluster.Password)
        : NodeTlsCertificates.Create(TlsCertificateFile, NodeCluster.Password, Org.Code);
}

/// <summary>An enterprise of the test: its tax data, its wallet (the account bound on chain) and its salted hash.</summary>
public sealed record TestEnterprise(Taxpayer Taxpayer, EnterpriseWallet Wallet, EnterpriseHash CreditCodeHash);

/// <summary>
/// One hardhat chain and real ledger-node processes on loopback, shared by the tests of a class:
/// <list type="number">
/// <item>hardhat starts and the suite is deployed (governors: dev accounts 0–2, threshold 2), the deployment file written;</item>
/// <item>each organization gets an encrypted key store; dev account 9 funds its operator account;</item>
/// <item>governance admits them (dev 0 proposes, dev 1 approves) with their operator accounts and encryption keys, and suspends one bank;</item>
/// <item>the tax, bank and auditor nodes start as processes (dotnet ledger-node.dll), configured by environment;</item>
/// <item>through the SDK the tax bureau imports taxpayers and binds three enterprises' wallets.</item>
/// </list>
/// </summary>
public class NodeCluster : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";

    public static readonly OrgId TaxOrg = OrgId.FromCode("tax.liuzhou");
    public static readonly OrgId BankOrg = OrgId.FromCode("bank.ccb");
    public static readonly OrgId OtherBankOrg = OrgId.FromCode("bank.icbc");
    public static readonly OrgId AuditorOrg = OrgId.FromCode("audit.gx");
    public static readonly OrgId SuspendedOrg = OrgId.FromCode("bank.paused");

    private readonly List<LedgerConnection> _connections = [];
    private readonly Dictionary<int, LedgerChainClient> _devClients = [];

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "ledger-node-tests", Guid.NewGuid().ToString("N")[..12]);

    public ChainEnvironment Chain { get; private set; } = null!;

    public string DeploymentFile => Path.Combine(Dir, "deployment.json");

    public Hash32 Salt { get; } = new(RandomNumberGenerator.GetBytes(32));

    public Dictionary<OrgId, OrgSetup> Orgs { get; } = [];

    public NodeProcess Tax { get; private set; } = null!;

    /// <summary>The tax node reaches the chain through this relay, so a test can cut the chain off for it alone.</summary>
    public ChainRelay TaxChainRelay { get; private set; } = null!;
    public NodeProcess Bank { get; private set; } = null!;
    public NodeProcess Auditor { get; private set; } = null!;

    /// <summary>Taxpayers imported into the tax node (the test's copy of what the bureau holds).</summary>
    public IReadOnlyList<Taxpayer> Taxpayers { get; private set; } = [];

    /// <summary>Enterprises bound on chain, with wallets.</summary>
    public IReadOnlyList<TestEnterprise> Enterprises { get; private set; } = [];

    /// <summary>The tax node as the bureau's own operator.</summary>
    public LedgerConnection TaxAsTax { get; private set; } = null!;
    /// <summary>The tax node as bank.ccb.</summary>
    public LedgerConnection TaxAsBank { get; private set; } = null!;
    /// <summary>The tax node as bank.icbc.</summary>
    public LedgerConnection TaxAsOtherBank { get; private set; } = null!;
    /// <summary>The tax node as the auditor.</summary>
    public LedgerConnection TaxAsAuditor { get; private set; } = null!;
    /// <summary>The bank node as bank.ccb (relays consents).</summary>
    public LedgerConnection BankAsBank { get; private set; } = null!;

    /// <summary>Tax node in strong mode.</summary>
    protected virtual bool StrongMode => false;

    /// <summary>Whether the bank and auditor nodes run too.</summary>
    protected virtual bool WithBankAndAuditor => true;

    public OrgSetup this[OrgId org] => Orgs[org];

    public async Task InitializeAsync()
    {
        try
        {
            await SetUpAsync();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"The cluster did not start: {ex.Message}\n--- tax node ---\n{Tax?.Output}\n--- bank node ---\n{Bank?.Output}\n--- auditor node ---\n{Auditor?.Output}", ex);
        }
    }

    protected virtual async Task SetUpAsync()
    {
        Directory.CreateDirectory(Dir);
        var chainStart = LocalChain.StartAsync(new ChainProfile
        {
            Kind = ChainKind.Hardhat,
            PollInterval = TimeSpan.FromMilliseconds(50),
            DeploymentFile = DeploymentFile,
        });
        // Key stores while hardhat starts.
        foreach (var (org, role) in new[] { (TaxOrg, Role.TaxBureau), (BankOrg, Role.Bank), (OtherBankOrg, Role.Bank), (AuditorOrg, Role.Auditor), (SuspendedOrg, Role.Bank) })
        {
            var file = Path.Combine(Dir, org.Code, "keystore.json");
            var keys = NodeKeyStore.Create(file, Password, KeyStoreKdf.Light);
            Orgs[org] = new OrgSetup(org, role, file, keys);
        }
        Chain = await chainStart;
        TaxChainRelay = new ChainRelay(Chain.RpcUrl);

        var taxEnvironment = NodeEnvironment(TaxOrg, "tax", StrongMode);
        taxEnvironment["Ledger__Node__Chain__RpcUrl"] = TaxChainRelay.Url;
        Tax = new NodeProcess("tax", taxEnvironment);
        Bank = new NodeProcess("bank", NodeEnvironment(BankOrg, "bank", false));
        Auditor = new NodeProcess("auditor", NodeEnvironment(AuditorOrg, "auditor", false));

        await FundAsync(Orgs.Values.Select(o => o.Keys.Operator));
        await AdmitAsync(this[TaxOrg], Tax.Url);
        await AdmitAsync(this[BankOrg], Bank.Url);
        await AdmitAsync(this[OtherBankOrg], "https://127.0.0.1:1");
        await AdmitAsync(this[AuditorOrg], Auditor.Url);
        await AdmitAsync(this[SuspendedOrg], "https://127.0.0.1:1");
        var suspend = await DevClient(0).ProposeAsync(new SuspendMemberFunction { OrgId = SuspendedOrg.Value.ToArray() });
        await DevClient(1).ApproveAsync(suspend);

        Tax.Start();
        if (WithBankAndAuditor)
        {
            Bank.Start();
            Auditor.Start();
            await Task.WhenAll(Tax.WaitReadyAsync(), Bank.WaitReadyAsync(), Auditor.WaitReadyAsync());
        }
        else
        {
            await Tax.WaitReadyAsync();
        }

        TaxAsTax = await ConnectAsync(Tax, TaxOrg);
        TaxAsBank = await ConnectAsync(Tax, BankOrg);
        TaxAsOtherBank = await ConnectAsync(Tax, OtherBankOrg);
        TaxAsAuditor = await ConnectAsync(Tax, AuditorOrg);
        BankAsBank = WithBankAndAuditor ? await ConnectAsync(Bank, BankOrg) : TaxAsBank;

        // The bureau's data: taxpayers imported as JSON lines, three enterprises bound to wallets.
        Taxpayers = SyntheticTaxpayers.Generate(6, 7, DateOnly.FromDateTime(DateTime.UtcNow));
        var jsonl = string.Join('\n', Taxpayers.Select(TaxpayerImport.ToJsonLine));
        var imported = await TaxAsTax.Tax.ImportTaxDataAsync("jsonl", Encoding.UTF8.GetBytes(jsonl));
        if (imported.Imported != Taxpayers.Count)
        {
            throw new InvalidOperationException($"Import took {imported.Imported} of {Taxpayers.Count}: {string.Join("; ", imported.Rejected)}");
        }
        var enterprises = new List<TestEnterprise>();
        foreach (var taxpayer in Taxpayers.Take(3))
        {
            var wallet = EnterpriseWallet.Generate();
            var (hash, _) = await TaxAsTax.Tax.BindEnterpriseAsync(taxpayer.CreditCode, wallet);
            enterprises.Add(new TestEnterprise(taxpayer, wallet, hash));
        }
        Enterprises = enterprises;
    }

    /// <summary>The environment of a node process.</summary>
    public Dictionary<string, string> NodeEnvironment(OrgId org, string role, bool strongMode)
    {
        var environment = BaseEnvironment(org, role, strongMode);
        Configure(environment);
        return environment;
    }

    /// <summary>Lets a derived cluster change the nodes' settings.</summary>
    protected virtual void Configure(Dictionary<string, string> environment)
    {
    }

    private Dictionary<string, string> BaseEnvironment(OrgId org, string role, bool strongMode) => new(StringComparer.Ordinal)
    {
        ["Ledger__Node__Org"] = org.Code,
        ["Ledger__Node__Role"] = role,
        ["Ledger__Node__DataDir"] = Path.Combine(Dir, org.Code, "data"),
        ["Ledger__Node__KeyStoreFile"] = this[org].KeyStoreFile,
        ["LEDGER_KEYSTORE_PASSWORD"] = Password,
        ["Ledger__Node__Chain__RpcUrl"] = Chain.RpcUrl,
        ["Ledger__Node__Chain__DeploymentFile"] = DeploymentFile,
        ["Ledger__Node__Chain__PollInterval"] = "00:00:00.050",
        // T as on a consortium chain (1 s): with T at the 50 ms poll, 41 concurrent fetches on two loaded cores could
        // not get a chain read confirmed within T of its use and were refused (LEDGER-1330), which is what T is for,
        // but not what these tests are about (FailClosedTests and ChainHeadTests are).
        ["Ledger__Node__Chain__MaxCheckAge"] = "00:00:01",
        // hardhat mines only when a transaction comes: no blocks would ever pile on top of ours.
        ["Ledger__Node__Chain__FinalityDepth"] = "0",
        ["Ledger__Node__Batcher__MaxWaitMs"] = "300",
        ["Ledger__Node__Tax__Salt"] = Salt.ToString(),
        ["Ledger__Node__StrongMode"] = strongMode ? "true" : "false",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Ledger.Node"] = "Information",
    };

    /// <summary>
    /// A connection to <paramref name="node"/> as <paramref name="org"/>'s operator, the node's certificate checked
    /// against the pins its member registered on chain (so it follows a rotation).
    /// </summary>
    public async Task<LedgerConnection> ConnectAsync(NodeProcess node, OrgId org)
    {
        var tls = node.Plaintext ? LedgerTlsOptions.PlaintextDevelopment : new LedgerTlsOptions { RegisteredPins = RegisteredPinsAsync };
        var connection = await LedgerConnection.ConnectAsync(node.Url, this[org].Identity(), new LedgerConnectionOptions { Tls = tls });
        lock (_connections)
        {
            _connections.Add(connection);
        }
        return connection;
    }

    /// <summary>A connection signing with a key that operates no member.</summary>
    public async Task<LedgerConnection> ConnectAsOutsiderAsync(NodeProcess node, OrgId claimed)
    {
        var keys = NodeKeys.Generate();
        var connection = await LedgerConnection.ConnectAsync(node.Url, new LedgerIdentity(claimed, keys.OperatorKey, keys.Encryption), new LedgerConnectionOptions { Tls = node.Tls });
        lock (_connections)
        {
            _connections.Add(connection);
        }
        return connection;
    }

    /// <summary>The client of a dev account (governors 0–2; 9 funds).</summary>
    public LedgerChainClient DevClient(int account)
    {
        lock (_devClients)
        {
            if (!_devClients.TryGetValue(account, out var client))
            {
                client = new LedgerChainClient(Chain.CreateSender(DevAccounts.PrivateKey(account), new InMemoryTransactionJournal()), Chain.Deployment);
                _devClients[account] = client;
            }
            return client;
        }
    }

    /// <summary>Dev account 9 sends each account 100 ETH.</summary>
    public async Task FundAsync(IEnumerable<EthAddress> accounts)
    {
        var account = new Nethereum.Web3.Accounts.Account(DevAccounts.PrivateKey(9), Chain.Deployment.ChainId);
        var web3 = new Nethereum.Web3.Web3(account, Chain.RpcUrl);
        foreach (var address in accounts)
        {
            await web3.Eth.GetEtherTransferService().TransferEtherAndWaitForReceiptAsync(address.ToString(), 100m);
        }
    }

    /// <summary>
    /// Governor 0 proposes, governor 1 approves (threshold 2 of 3). A member with a node (an https endpoint) gets its
    /// TLS certificate beside its key store, and its pin registered the same way.
    /// </summary>
    public async Task AdmitAsync(OrgSetup org, string endpoint)
    {
        var proposal = await DevClient(0).ProposeAdmitMemberAsync(
            org.Org, org.Role, org.Org.Code, endpoint, "", org.Keys.Encryption.PublicKey.ToArray(), [org.Keys.Operator]);
        await DevClient(1).ApproveAsync(proposal);
        if (endpoint.StartsWith("https://", StringComparison.Ordinal))
        {
            await RegisterTlsPinsAsync(org.Org, org.EnsureTlsCertificate());
        }
    }

    /// <summary>The TLS pins the chain registers for <paramref name="org"/>.</summary>
    public async Task<IReadOnlyCollection<Hash32>> RegisteredPinsAsync(OrgId org, CancellationToken cancellationToken = default) =>
        TlsPins.FromChain((await DevClient(0).MemberAsync(org, cancellationToken)).TlsPins);

    /// <summary>Governance sets the TLS pins of <paramref name="org"/> (governor 0 proposes, governor 1 approves).</summary>
    public async Task RegisterTlsPinsAsync(OrgId org, params Hash32[] pins)
    {
        var proposal = await DevClient(0).ProposeAsync(new ChangeTlsPinsFunction { OrgId = org.Value.ToArray(), Pins = pins.Select(p => p.ToArray()).ToList() });
        await DevClient(1).ApproveAsync(proposal);
    }

    /// <summary>A consent of <paramref name="enterprise"/> to <paramref name="consumer"/>, relayed by the bank node.</summary>
    public async Task<(ConsentId Id, Core.Consent.ConsentTerms Terms)> GrantAsync(TestEnterprise enterprise, OrgId? consumer = null, Scopes scopes = Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices,
        uint fetchCap = 100, TimeSpan? validFor = null, uint purpose = Core.Consent.PurposeCodes.CreditAssessment)
    {
        var (id, terms, _) = await BankAsBank.Consents.GrantAsync(enterprise.Wallet, new ConsentRequest(enterprise.Wallet.Address, consumer ?? BankOrg, TaxOrg, scopes)
        {
            FetchCap = fetchCap,
            ValidFor = validFor,
            Purpose = purpose,
        });
        return (id, terms);
    }

    /// <summary>
    /// Waits until the tax node has seen <paramref name="block"/>: it decides "as of the latest block it knows", which
    /// follows the chain within one polling interval.
    /// </summary>
    public async Task WaitTaxHeadAsync(ulong block)
    {
        for (var i = 0; i < 800; i++)
        {
            if ((await TaxAsAuditor.Node.GetInfoAsync()).LatestBlock >= block)
            {
                return;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"The tax node did not see block {block} within 20 s.");
    }

    /// <summary>Every record the tax node holds (read as the auditor).</summary>
    public Task<IReadOnlyList<ExportedRecord>> TaxRecordsAsync() => TaxAsAuditor.Records.ListAsync();

    /// <summary>Raw JSON-RPC on the chain (evm_increaseTime, evm_mine, …).</summary>
    public Task<T> RpcAsync<T>(string method, params object[] parameters) => Chain.Rpc.RequestAsync<T>(method, CancellationToken.None, parameters);

    public virtual async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
        foreach (var node in new[] { Tax, Bank, Auditor })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }
        foreach (var client in _devClients.Values)
        {
            client.Sender.Dispose();
        }
        if (TaxChainRelay is not null)
        {
            await TaxChainRelay.DisposeAsync();
        }
        if (Chain is not null)
        {
            await Chain.DisposeAsync();
        }
        foreach (var org in Orgs.Values)
        {
            org.Keys.Dispose();
        }
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
