using System.Security.Cryptography;
using Ledger.Chain;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.AccessLog.ContractDefinition;
using Ledger.Chain.Profiles;
using Ledger.Chain.Transactions;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Local;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Store.Tests.RealChain;

[CollectionDefinition(Name)]
public sealed class SharedHardhatChain : ICollectionFixture<HardhatFixture>
{
    public const string Name = "hardhat chain";
}

/// <summary>An organization admitted on the test chain and the key of its one operator account.</summary>
public sealed record TestOperator(OrgId Organization, byte[] PrivateKey, EthAddress Address)
{
    public string KeyHex => "0x" + Convert.ToHexStringLower(PrivateKey);
}

/// <summary>
/// One embedded hardhat node (started by the chain layer's hardhat profile, deployed fresh, stopped at the end),
/// shared by the store's real-chain tests. Each test admits its own organization, with a fresh operator key,
/// through governance (governors 0 and 1 of the deployment), so the tests' batch ids never meet.
/// </summary>
public sealed class HardhatFixture : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ledger-store-chain", Guid.NewGuid().ToString("N"));
    private LedgerChainClient _governor0 = null!;
    private LedgerChainClient _governor1 = null!;
    private int _orgs;

    public ChainEnvironment Chain { get; private set; } = null!;

    /// <summary>The deployment file a separate process (the crash host) connects with.</summary>
    public string DeploymentFile => Path.Combine(_folder, "deployment.json");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        Chain = await LocalChain.StartAsync(new ChainProfile
        {
            Kind = ChainKind.Hardhat,
            PollInterval = TimeSpan.FromMilliseconds(20),
            DeploymentFile = DeploymentFile,
        });
        _governor0 = new LedgerChainClient(Chain.CreateSender(DevAccounts.PrivateKey(0), new InMemoryTransactionJournal()), Chain.Deployment);
        _governor1 = new LedgerChainClient(Chain.CreateSender(DevAccounts.PrivateKey(1), new InMemoryTransactionJournal()), Chain.Deployment);
    }

    public async Task DisposeAsync()
    {
        if (Chain is not null)
        {
            await Chain.DisposeAsync();
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    /// <summary>Admits a new tax-bureau organization whose operator is a fresh, funded account.</summary>
    public async Task<TestOperator> AdmitNewOrganizationAsync(string prefix)
    {
        var org = OrgId.FromCode($"{prefix}.{Interlocked.Increment(ref _orgs)}");
        var key = RandomNumberGenerator.GetBytes(32);
        var address = Secp256k1Signer.AddressOf(key);
        await Chain.Rpc.CallAsync(w => w.Client.SendRequestAsync<object>(new RpcRequest(1, "hardhat_setBalance", address.ToString(), "0x3635C9ADC5DEA00000")));
        var proposal = await _governor0.ProposeAdmitMemberAsync(
            org, Role.TaxBureau, org.Code, $"https://{org.Code}.example:7443", "", Secp256k1Signer.CompressedPublicKey(key), [address]);
        await _governor1.ApproveAsync(proposal);
        return new TestOperator(org, key, address);
    }

    /// <summary>A client of the operator's account whose sender journals into <paramref name="journal"/>.</summary>
    public LedgerChainClient ClientOf(TestOperator op, ITransactionJournal journal) =>
        new(Chain.CreateSender(op.PrivateKey, journal), Chain.Deployment);

    /// <summary>Every BatchAnchored event of <paramref name="org"/> on chain, in chain order.</summary>
    public async Task<IReadOnlyList<BatchAnchoredEventDTO>> AnchorsOfAsync(OrgId org)
    {
        var filter = ABITypedRegistry.GetEvent<BatchAnchoredEventDTO>().CreateFilterInput(
            Chain.Deployment[LedgerContracts.AccessLog].ToString(),
            new object[] { org.Value.ToArray() },
            new BlockParameter(new HexBigInteger(Chain.Deployment.DeployBlock)),
            BlockParameter.CreateLatest());
        var logs = await Chain.Rpc.CallAsync(w => w.Eth.Filters.GetLogs.SendRequestAsync(filter));
        return logs.DecodeAllEvents<BatchAnchoredEventDTO>().Select(e => e.Event).ToList();
    }
}
