using Ledger.Chain.Abi;
using Ledger.Chain.Deployment;
using Ledger.Chain.Errors;
using Ledger.Chain.Rpc;
using Ledger.Chain.Transactions;
using Ledger.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Chain.Profiles;

/// <summary>
/// The chain a node works on: a JSON-RPC endpoint and the deployment file that says where the Ledger contracts are
/// (<see cref="StartAsync"/> with an <c>rpc</c> <see cref="ChainProfile"/>). Ledger.Chain only connects; it starts no
/// chain. A local hardhat or anvil chain is launched by the development tools (<c>Ledger.Local.LocalChain</c>), which
/// hand the process they started to <see cref="Attach"/> as the environment's <see cref="Owner"/>: disposing the
/// environment disposes its owner, and nothing else.
/// </summary>
public sealed class ChainEnvironment : IAsyncDisposable
{
    private readonly ILogger _logger;

    private ChainEnvironment(ChainProfile profile, ChainRpc rpc, LedgerDeployment deployment, IAsyncDisposable? owner, ILogger logger)
    {
        Profile = profile;
        Rpc = rpc;
        Deployment = deployment;
        Owner = owner;
        _logger = logger;
    }

    /// <summary>The profile in force.</summary>
    public ChainProfile Profile { get; }

    /// <summary>The node's JSON-RPC endpoint.</summary>
    public string RpcUrl => Rpc.Url;

    /// <summary>The endpoint with retries and error translation.</summary>
    public ChainRpc Rpc { get; }

    /// <summary>Where the Ledger contracts are.</summary>
    public LedgerDeployment Deployment { get; }

    /// <summary>
    /// What this environment stops when it is disposed: the local chain process the development tools started for it,
    /// or null for a chain it only connected to.
    /// </summary>
    public IAsyncDisposable? Owner { get; }

    /// <summary>Sender settings from the profile (finality depth, polling).</summary>
    public SenderOptions SenderOptions => new() { FinalityDepth = Profile.EffectiveFinalityDepth, PollInterval = Profile.EffectivePollInterval };

    /// <summary>A transaction sender for the account of <paramref name="privateKey"/> on this chain.</summary>
    public TransactionSender CreateSender(ReadOnlySpan<byte> privateKey, ITransactionJournal journal, ILogger? logger = null) =>
        new(Rpc, privateKey, journal, SenderOptions, Deployment.ChainId, logger ?? _logger);

    /// <summary>
    /// Connects to the chain of an <c>rpc</c> <paramref name="profile"/>: loads its deployment file and checks it
    /// against the node (<see cref="VerifyDeploymentAsync"/>).
    /// </summary>
    /// <exception cref="Ledger.Core.Errors.LedgerException">with what to fix when the profile, the node or the deployment
    /// is wrong — also for a hardhat or anvil profile, which only the development tools start.</exception>
    public static async Task<ChainEnvironment> StartAsync(ChainProfile profile, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        profile.Validate();
        if (profile.Kind != ChainKind.Rpc)
        {
            throw ChainConfigurationException.Profile(
                $"a {profile.Kind.ToString().ToLowerInvariant()} chain is a local development chain, started by the development tools (`ledger up`, Ledger.Local's LocalChain), not by a node; a node connects to a JSON-RPC endpoint with Kind rpc, RpcUrl and DeploymentFile");
        }
        var log = logger ?? NullLogger.Instance;
        var deployment = LedgerDeployment.Load(profile.DeploymentFile!);
        var rpc = new ChainRpc(profile.RpcUrl!, logger: log);
        await VerifyDeploymentAsync(rpc, deployment, cancellationToken).ConfigureAwait(false);
        return new ChainEnvironment(profile, rpc, deployment, null, log);
    }

    /// <summary>
    /// An environment for a chain someone else reached or started, with its deployment already known (deployed or
    /// checked by the caller). <paramref name="owner"/>, if given, is disposed with the environment.
    /// </summary>
    public static ChainEnvironment Attach(ChainProfile profile, ChainRpc rpc, LedgerDeployment deployment, IAsyncDisposable? owner = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(deployment);
        return new ChainEnvironment(profile, rpc, deployment, owner, logger ?? NullLogger.Instance);
    }

    /// <summary>Disposes the <see cref="Owner"/> (stops a local chain the development tools started); nothing for rpc.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Owner is not null)
        {
            await Owner.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Checks that the deployment file describes this chain: same chain id, contract code at every address.</summary>
    /// <exception cref="ChainConfigurationException">LEDGER-1304 when it does not.</exception>
    public static async Task VerifyDeploymentAsync(ChainRpc rpc, LedgerDeployment deployment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(deployment);
        var chainId = (await rpc.CallAsync(w => w.Eth.ChainId.SendRequestAsync(), cancellationToken).ConfigureAwait(false)).Value;
        if (chainId != deployment.ChainId)
        {
            throw ChainConfigurationException.Mismatch(rpc.Url, $"the file is for chain {deployment.ChainId}, the node is chain {chainId}");
        }
        foreach (var name in LedgerContracts.Names)
        {
            var address = deployment[name].ToString();
            var code = await rpc.CallAsync(w => w.Eth.GetCode.SendRequestAsync(address, BlockParameter.CreateLatest()), cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(code) || code == "0x")
            {
                throw ChainConfigurationException.Mismatch(rpc.Url, $"there is no contract at {name}'s address {address}");
            }
        }
    }
}
