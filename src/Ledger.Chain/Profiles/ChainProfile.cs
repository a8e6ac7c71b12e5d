using Ledger.Chain.Errors;

namespace Ledger.Chain.Profiles;

/// <summary>
/// Which chain. A node connects only to <see cref="Rpc"/>; the local kinds are started by the development tools
/// (<c>Ledger.Local.LocalChain</c>, <c>ledger up</c>), which <c>ledger-node</c> does not contain.
/// </summary>
public enum ChainKind
{
    /// <summary>An embedded Hardhat node started on a free loopback port, deployed fresh, stopped on dispose (the default; Ledger.Local only).</summary>
    Hardhat,
    /// <summary>A persistent local Anvil node whose state lives in <see cref="ChainProfile.StateFile"/> and survives restarts (Ledger.Local only).</summary>
    Anvil,
    /// <summary>Any JSON-RPC endpoint plus a deployment file (e.g. a Besu QBFT consortium).</summary>
    Rpc,
}

/// <summary>
/// Chain settings (bound from configuration, e.g. <c>Ledger__Chain__Kind=rpc</c>). <see cref="Validate"/> says what to
/// fix when they are wrong. <see cref="ChainEnvironment.StartAsync"/> connects to an rpc profile's chain; the local
/// settings (<see cref="StateFile"/>, <see cref="Port"/>, <see cref="RepositoryRoot"/>, <see cref="LocalThreshold"/>,
/// <see cref="StartTimeout"/>) are read by the development tools that start hardhat and anvil (<c>Ledger.Local.LocalChain</c>).
/// </summary>
public sealed record ChainProfile
{
    /// <summary>The kind of chain.</summary>
    public ChainKind Kind { get; init; } = ChainKind.Hardhat;

    /// <summary>The JSON-RPC endpoint (rpc profile only; local profiles pick a free loopback port).</summary>
    public string? RpcUrl { get; init; }

    /// <summary>
    /// The deployment file: required for rpc; for anvil where it is kept (default: beside the state file); for
    /// hardhat where the fresh deployment is written, if anywhere.
    /// </summary>
    public string? DeploymentFile { get; init; }

    /// <summary>Blocks on top of a transaction before it counts as final. Null: 0 for hardhat and anvil, 2 for rpc.</summary>
    public ulong? FinalityDepth { get; init; }

    /// <summary>How often receipts and new blocks are polled. Null: 100 ms locally, 1 s for rpc.</summary>
    public TimeSpan? PollInterval { get; init; }

    /// <summary>The anvil state file (anvil profile only).</summary>
    public string? StateFile { get; init; }

    /// <summary>
    /// The loopback port of a local node (hardhat, anvil); null picks a free one. An anvil node restarted on its
    /// earlier port comes back at the URL every client was configured with.
    /// </summary>
    public int? Port { get; init; }

    /// <summary>The repository root (holds hardhat.config.js and node_modules); null searches upward from the working and program folders.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>Governance threshold of a fresh local deployment (governors: dev accounts 0, 1, 2).</summary>
    public int LocalThreshold { get; init; } = 2;

    /// <summary>How long a local node may take to answer after start.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The finality depth in force.</summary>
    public ulong EffectiveFinalityDepth => FinalityDepth ?? (Kind == ChainKind.Rpc ? 2UL : 0UL);

    /// <summary>The polling interval in force.</summary>
    public TimeSpan EffectivePollInterval => PollInterval ?? (Kind == ChainKind.Rpc ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(100));

    /// <summary>Checks the settings; throws with a sentence naming what to fix.</summary>
    /// <exception cref="ChainConfigurationException">LEDGER-1302.</exception>
    public void Validate()
    {
        switch (Kind)
        {
            case ChainKind.Rpc:
                if (string.IsNullOrWhiteSpace(RpcUrl))
                {
                    throw ChainConfigurationException.Profile("the rpc profile needs RpcUrl, the node's JSON-RPC address (e.g. http://10.0.0.5:8545)");
                }
                if (string.IsNullOrWhiteSpace(DeploymentFile))
                {
                    throw ChainConfigurationException.Profile("the rpc profile needs DeploymentFile, the deployments/<network>.json written when the contracts were deployed");
                }
                break;
            case ChainKind.Anvil:
                if (string.IsNullOrWhiteSpace(StateFile))
                {
                    throw ChainConfigurationException.Profile("the anvil profile needs StateFile, where the chain is kept between runs (e.g. .ledger/anvil-state.json)");
                }
                break;
            case ChainKind.Hardhat:
                break;
            default:
                throw ChainConfigurationException.Profile($"Kind '{Kind}' is not one of hardhat, anvil, rpc");
        }
        if (Kind != ChainKind.Rpc && FinalityDepth > 1)
        {
            throw ChainConfigurationException.Profile($"a local {Kind} chain has one producer, so FinalityDepth is 0 or 1, not {FinalityDepth}");
        }
        if (Port is < 1 or > 65535)
        {
            throw ChainConfigurationException.Profile($"Port {Port} is outside 1..65535");
        }
        if (PollInterval is { } poll && (poll <= TimeSpan.Zero || poll > TimeSpan.FromMinutes(1)))
        {
            throw ChainConfigurationException.Profile($"PollInterval {poll} is outside (0, 1 min]");
        }
        if (LocalThreshold is < 1 or > 3)
        {
            throw ChainConfigurationException.Profile($"LocalThreshold {LocalThreshold} is outside 1..3 (three dev governors)");
        }
    }
}
