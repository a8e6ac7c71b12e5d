using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Grpc.Health.V1;
using Ledger.Chain;
using Ledger.Chain.Contracts.Consortium.ContractDefinition;
using Ledger.Chain.Deployment;
using Ledger.Chain.Errors;
using Ledger.Chain.Profiles;
using Ledger.Chain.Rpc;
using Ledger.Chain.Transactions;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.TaxData;
using Ledger.Local;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Ledger.Sdk.Keys;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Faults.Tests.Support;

/// <summary>A member of the fault consortium: its key store and keys.</summary>
public sealed record FaultOrg(OrgId Org, Role Role, string KeyStoreFile, NodeKeys Keys)
{
    public LedgerIdentity Identity() => LedgerIdentity.FromKeys(Org, Keys);
}

/// <summary>A revocation as the chain recorded it and as the test saw it.</summary>
/// <param name="Block">The block that holds it.</param>
/// <param name="BlockTimestamp">That block's time (unix seconds, whole seconds: the block was mined in the second after).</param>
/// <param name="SeenAtMs">When the test had the receipt (unix ms): the revocation was on chain by then.</param>
public sealed record Revocation(ConsentId Consent, ulong Block, ulong BlockTimestamp, long SeenAtMs);

/// <summary>
/// The consortium the fault tests share: one anvil chain on a fixed port with its state file, mining a block every
/// second; the contracts deployed; a tax node whose chain endpoint is a <see cref="FaultProxy"/>, a bank node talking
/// to the chain directly, an auditor organization (on chain only; the tests read the tax node's records as it), two
/// bound enterprises and consents granted by them through the bank node: one that stays valid all along
/// (<see cref="Steady"/>) and one for each fault to revoke while the fault lasts (<see cref="Victim"/>).
/// </summary>
/// <remarks>
/// Set-up runs on automining (a block per transaction, fast); the chain then mines every second, as a consortium
/// chain does, so that a head that stops moving can be told from a quiet chain. With pure automining a stalled head
/// cannot be detected: no block is expected until a transaction comes.
/// </remarks>
public sealed class FaultConsortium : IAsyncLifetime
{
    public const string Password = "fault suite key store";

    /// <summary>Seconds between blocks once set up.</summary>
    public const int BlockSeconds = 1;

    /// <summary>
    /// T: a report is served only on a consent check confirmed by a chain read that completed at most this long
    /// before the answer (the node's default; set explicitly below so the assertions and the node agree).
    /// </summary>
    public static readonly TimeSpan CheckAge = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The tax node's finality depth. Two blocks on a chain that mines every second and dumps its state every second:
    /// a batch counts as anchored only after its block was dumped, so a kill -9 of the chain cannot take back an
    /// anchor the node has already marked confirmed.
    /// </summary>
    public const int TaxFinalityDepth = 2;

    public static readonly OrgId TaxOrg = OrgId.FromCode("tax.faults");
    public static readonly OrgId BankOrg = OrgId.FromCode("bank.faults");
    public static readonly OrgId AuditorOrg = OrgId.FromCode("audit.faults");

    /// <summary>The consents each fault revokes, by name.</summary>
    public static readonly string[] VictimNames = ["drop", "refuse", "503", "delay", "stalled-head", "chain-kill-before", "chain-kill-after", "tax-kill"];

    private readonly List<LedgerConnection> _connections = [];
    private readonly Dictionary<string, ConsentId> _victims = [];
    private TransactionSender? _revokerSender;
    private LedgerChainClient? _revokerClient;

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "ledger-fault-tests", Guid.NewGuid().ToString("N")[..12]);

    public string DeploymentFile => Path.Combine(Dir, "deployment.json");

    private Hash32 Salt { get; } = new(RandomNumberGenerator.GetBytes(32));

    public AnvilNode Anvil { get; private set; } = null!;

    /// <summary>The chain, as the test reads and writes it (directly, never through the proxy).</summary>
    public ChainEnvironment Chain { get; private set; } = null!;

    /// <summary>Between the tax node and the chain.</summary>
    public FaultProxy Proxy { get; private set; } = null!;

    public Dictionary<OrgId, FaultOrg> Orgs { get; } = [];

    public NodeProcess Tax { get; private set; } = null!;
    public NodeProcess Bank { get; private set; } = null!;

    /// <summary>The tax node as the bank (fetches).</summary>
    public LedgerConnection TaxAsBank { get; private set; } = null!;
    /// <summary>The tax node as the auditor (its records).</summary>
    public LedgerConnection TaxAsAuditor { get; private set; } = null!;
    /// <summary>The bank node as the bank (relays consents).</summary>
    public LedgerConnection BankAsBank { get; private set; } = null!;

    /// <summary>The enterprises' wallets (bound on chain).</summary>
    public IReadOnlyList<EnterpriseWallet> Enterprises { get; private set; } = [];

    /// <summary>A consent no fault revokes.</summary>
    public ConsentId Steady { get; private set; }

    /// <summary>What every fault test reported, in the order they ran.</summary>
    public List<FaultFigures> Figures { get; } = [];

    /// <summary>The consent the fault <paramref name="name"/> revokes.</summary>
    public ConsentId Victim(string name) => _victims[name];

    public async Task InitializeAsync()
    {
        try
        {
            await SetUpAsync();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"The fault consortium did not start: {ex.Message}\n--- anvil ---\n{Anvil?.Tail}\n--- tax node ---\n{Tax?.Output}\n--- bank node ---\n{Bank?.Output}", ex);
        }
    }

    private async Task SetUpAsync()
    {
        Directory.CreateDirectory(Dir);
        Anvil = await AnvilNode.StartAsync(Path.Combine(Dir, "anvil-state.json"), blockTime: null);
        using (var deployer = new TransactionSender(new ChainRpc(Anvil.Url), DevAccounts.PrivateKey(0), new InMemoryTransactionJournal(),
            new SenderOptions { FinalityDepth = 0, PollInterval = TimeSpan.FromMilliseconds(50) }))
        {
            var deployment = await LedgerDeployer.DeployAsync(deployer, [DevAccounts.Address(0), DevAccounts.Address(1), DevAccounts.Address(2)], 2, "anvil");
            deployment.Save(DeploymentFile);
        }
        Chain = await ChainEnvironment.StartAsync(new ChainProfile
        {
            Kind = ChainKind.Rpc,
            RpcUrl = Anvil.Url,
            DeploymentFile = DeploymentFile,
            FinalityDepth = 0,
            PollInterval = TimeSpan.FromMilliseconds(50),
        });

        foreach (var (org, role) in new[] { (TaxOrg, Role.TaxBureau), (BankOrg, Role.Bank), (AuditorOrg, Role.Auditor) })
        {
            var file = Path.Combine(Dir, org.Code, "keystore.json");
            Orgs[org] = new FaultOrg(org, role, file, NodeKeyStore.Create(file, Password, KeyStoreKdf.Light));
        }
        Proxy = await FaultProxy.StartAsync(Anvil.Url);
        Tax = new NodeProcess("tax", NodeEnvironment(TaxOrg, "tax", Proxy.Url, TaxFinalityDepth));
        Bank = new NodeProcess("bank", NodeEnvironment(BankOrg, "bank", Anvil.Url, 0));

        using (var sender0 = Chain.CreateSender(DevAccounts.PrivateKey(0), new InMemoryTransactionJournal()))
        using (var sender1 = Chain.CreateSender(DevAccounts.PrivateKey(1), new InMemoryTransactionJournal()))
        {
            var governor0 = new LedgerChainClient(sender0, Chain.Deployment);
            var governor1 = new LedgerChainClient(sender1, Chain.Deployment);
            await FundAsync(Orgs.Values.Select(o => o.Keys.Operator));
            foreach (var (org, endpoint) in new[] { (TaxOrg, Tax.Url), (BankOrg, Bank.Url), (AuditorOrg, "http://127.0.0.1:1") })
            {
                var member = Orgs[org];
                var proposal = await governor0.ProposeAdmitMemberAsync(member.Org, member.Role, member.Org.Code, endpoint, "", member.Keys.Encryption.PublicKey.ToArray(), [member.Keys.Operator]);
                await governor1.ApproveAsync(proposal);
                if (endpoint.StartsWith("https://", StringComparison.Ordinal))
                {
                    // The node's TLS certificate beside its key store, its pin registered like its endpoint.
                    var pin = NodeTlsCertificates.Create(NodeTlsCertificates.CurrentFile(member.KeyStoreFile), Password, member.Org.Code);
                    var pins = await governor0.ProposeAsync(new ChangeTlsPinsFunction { OrgId = member.Org.Value.ToArray(), Pins = [pin.ToArray()] });
                    await governor1.ApproveAsync(pins);
                }
            }
        }
        await Anvil.SetIntervalMiningAsync(BlockSeconds);

        Tax.Start();
        Bank.Start();
        await Task.WhenAll(Tax.WaitReadyAsync(), Bank.WaitReadyAsync());
        TaxAsBank = await ConnectAsync(Tax, BankOrg);
        TaxAsAuditor = await ConnectAsync(Tax, AuditorOrg);
        BankAsBank = await ConnectAsync(Bank, BankOrg);
        using var taxAsTax = await LedgerConnection.ConnectAsync(Tax.Url, Orgs[TaxOrg].Identity(), new LedgerConnectionOptions { Tls = Tax.Tls });

        var taxpayers = SyntheticTaxpayers.Generate(2, 1340, DateOnly.FromDateTime(DateTime.UtcNow));
        var imported = await taxAsTax.Tax.ImportTaxDataAsync("jsonl", Encoding.UTF8.GetBytes(string.Join('\n', taxpayers.Select(TaxpayerImport.ToJsonLine))));
        if (imported.Imported != taxpayers.Count)
        {
            throw new InvalidOperationException($"Import took {imported.Imported} of {taxpayers.Count}: {string.Join("; ", imported.Rejected)}");
        }
        var wallets = taxpayers.Select(_ => EnterpriseWallet.Generate()).ToList();
        await Task.WhenAll(taxpayers.Select((t, i) => taxAsTax.Tax.BindEnterpriseAsync(t.CreditCode, wallets[i])));
        Enterprises = wallets;

        // The steady consent is the first enterprise's, the victims the second's: a revocation touches one consent only.
        var grants = await Task.WhenAll(new[] { 0 }.Concat(VictimNames.Select(_ => 1)).Select(i => GrantAsync(wallets[i])));
        Steady = grants[0];
        for (var i = 0; i < VictimNames.Length; i++)
        {
            _victims[VictimNames[i]] = grants[i + 1];
        }
    }

    /// <summary>The environment of a node process whose chain endpoint is <paramref name="rpcUrl"/>.</summary>
    private Dictionary<string, string> NodeEnvironment(OrgId org, string role, string rpcUrl, int finalityDepth) => new(StringComparer.Ordinal)
    {
        ["Ledger__Node__Org"] = org.Code,
        ["Ledger__Node__Role"] = role,
        ["Ledger__Node__DataDir"] = Path.Combine(Dir, org.Code, "data"),
        ["Ledger__Node__KeyStoreFile"] = Orgs[org].KeyStoreFile,
        ["LEDGER_KEYSTORE_PASSWORD"] = Password,
        ["Ledger__Node__Chain__RpcUrl"] = rpcUrl,
        ["Ledger__Node__Chain__DeploymentFile"] = DeploymentFile,
        ["Ledger__Node__Chain__PollInterval"] = "00:00:00.100",
        ["Ledger__Node__Chain__FinalityDepth"] = finalityDepth.ToString(CultureInfo.InvariantCulture),
        // T, and the chain's block period: a head that stops moving is then a stalled head (docs/nodes.md, failing closed).
        ["Ledger__Node__Chain__MaxCheckAge"] = CheckAge.ToString("c", CultureInfo.InvariantCulture),
        ["Ledger__Node__Chain__BlockInterval"] = TimeSpan.FromSeconds(BlockSeconds).ToString("c", CultureInfo.InvariantCulture),
        ["Ledger__Node__Batcher__MaxWaitMs"] = "300",
        ["Ledger__Node__Tax__Salt"] = Salt.ToString(),
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Ledger.Node"] = "Information",
    };

    private async Task<LedgerConnection> ConnectAsync(NodeProcess node, OrgId org)
    {
        var connection = await LedgerConnection.ConnectAsync(node.Url, Orgs[org].Identity(), new LedgerConnectionOptions { Tls = node.Tls });
        _connections.Add(connection);
        return connection;
    }

    private async Task FundAsync(IEnumerable<EthAddress> accounts)
    {
        var account = new Nethereum.Web3.Accounts.Account(DevAccounts.PrivateKey(9), Chain.Deployment.ChainId);
        var web3 = new Nethereum.Web3.Web3(account, Chain.RpcUrl);
        foreach (var address in accounts)
        {
            await web3.Eth.GetEtherTransferService().TransferEtherAndWaitForReceiptAsync(address.ToString(), 100m);
        }
    }

    private async Task<ConsentId> GrantAsync(EnterpriseWallet wallet)
    {
        var (id, _, _) = await BankAsBank.Consents.GrantAsync(wallet, new ConsentRequest(wallet.Address, BankOrg, TaxOrg, Scopes.TaxCreditRating | Scopes.TaxPayments)
        {
            FetchCap = 65_535, // the most a consent allows; a fault test asks for at most 3,000
            ValidFor = TimeSpan.FromDays(1),
        });
        return id;
    }

    /// <summary>The block the chain says <paramref name="consent"/> was revoked at (0: not revoked), read directly.</summary>
    public async Task<ulong> RevokedAtBlockAsync(ConsentId consent) => (await RevokerClient().ConsentAsync(consent)).RevokedAtBlock;

    // Dev account 3 relays revocations; its sender hands out nonces one at a time, so concurrent revocations are safe.
    private LedgerChainClient RevokerClient()
    {
        lock (Orgs)
        {
            if (_revokerClient is null)
            {
                _revokerSender = Chain.CreateSender(DevAccounts.PrivateKey(3), new InMemoryTransactionJournal());
                _revokerClient = new LedgerChainClient(_revokerSender, Chain.Deployment);
            }
            return _revokerClient;
        }
    }

    /// <summary>
    /// The enterprise revokes <paramref name="consent"/> by signature, relayed on chain by dev account 3 straight to the
    /// chain node — not through the proxy and not through a member's node, so the revocation goes through whatever
    /// the tax node's link to the chain suffers.
    /// </summary>
    public async Task<Revocation> RevokeDirectAsync(ConsentId consent)
    {
        var block = await Chain.Rpc.CallAsync(w => w.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()));
        var revocation = new ConsentRevocation(consent, EnterpriseWallet.NewNonce(), new BigInteger((ulong)block.Timestamp.Value + 3600));
        ulong revokedAt;
        try
        {
            revokedAt = (await RevokerClient().RevokeConsentBySigAsync(revocation, Enterprises[1].SignRevocation(revocation, Chain.Deployment.ConsentDomain))).BlockNumber;
        }
        catch (TransactionFailedException ex) when (ex.Code == TransactionFailedException.SupersededCode)
        {
            // On an interval-mining anvil the account's nonce can read as used a moment before the transaction's
            // receipt does, and the sender then takes its own transaction for another's. The chain says whether
            // the consent is revoked (nobody else revokes it).
            revokedAt = await RevokedAtBlockAsync(consent);
            if (revokedAt == 0)
            {
                throw;
            }
        }
        var seen = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var mined = await Chain.Rpc.CallAsync(w => w.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(new HexBigInteger(revokedAt))));
        return new Revocation(consent, revokedAt, (ulong)mined.Timestamp.Value, seen);
    }

    /// <summary>The tax node's gRPC health, or null when it does not answer.</summary>
    public async Task<HealthCheckResponse.Types.ServingStatus?> TaxHealthAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return await TaxAsBank.Node.CheckHealthAsync(cancellationToken: timeout.Token);
        }
        catch (Core.Errors.LedgerException)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async Task DisposeAsync()
    {
        FaultFigures.WriteSummary(Figures);
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
        foreach (var node in new[] { Tax, Bank })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }
        _revokerSender?.Dispose();
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }
        if (Chain is not null)
        {
            await Chain.DisposeAsync();
        }
        if (Anvil is not null)
        {
            await Anvil.DisposeAsync();
        }
        foreach (var wallet in Enterprises)
        {
            wallet.Dispose();
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

/// <summary>The fault test classes share one <see cref="FaultConsortium"/> (and run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SharedFaultConsortium : ICollectionFixture<FaultConsortium>
{
    public const string Name = "fault consortium";
}
