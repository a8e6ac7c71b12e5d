using System.Globalization;
using System.Runtime.InteropServices;
using Ledger.Chain.Deployment;
using Ledger.Chain.Errors;
using Ledger.Chain.Profiles;
using Ledger.Chain.Rpc;
using Ledger.Chain.Transactions;
using Ledger.Core.Primitives;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Ledger.Local;

/// <summary>
/// The local development chains: an embedded hardhat node (started on a free loopback port, deployed fresh with
/// development accounts 0, 1, 2 as governors, stopped on dispose) or a persistent anvil node (state file; deployed only
/// when the state is new). Development tooling only — <c>ledger-node</c> does not reference this assembly and cannot
/// start a chain; it connects to one over JSON-RPC (<see cref="ChainEnvironment.StartAsync"/>).
/// </summary>
public static class LocalChain
{
    /// <summary>
    /// Starts the hardhat or anvil chain of <paramref name="profile"/> and returns its environment, which owns the
    /// process (<see cref="ChainEnvironment.Owner"/>, a <see cref="LocalChainProcess"/>): disposing the environment
    /// stops it. An rpc profile is only connected to (<see cref="ChainEnvironment.StartAsync"/>), with no process.
    /// </summary>
    /// <exception cref="Ledger.Core.Errors.LedgerException">with what to fix when the profile, the node or the deployment is wrong.</exception>
    public static async Task<ChainEnvironment> StartAsync(ChainProfile profile, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        profile.Validate();
        var log = logger ?? NullLogger.Instance;
        return profile.Kind switch
        {
            ChainKind.Hardhat => await StartHardhatAsync(profile, log, cancellationToken).ConfigureAwait(false),
            ChainKind.Anvil => await StartAnvilAsync(profile, log, cancellationToken).ConfigureAwait(false),
            _ => await ChainEnvironment.StartAsync(profile, log, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>The local process behind <paramref name="chain"/> (hardhat, anvil), or null for a chain only connected to.</summary>
    public static LocalChainProcess? ProcessOf(ChainEnvironment chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return chain.Owner as LocalChainProcess;
    }

    // ------------------------------------------------------------------ ports

    // A local node on the profile's port, or on a free one: a free port can be taken by another process between being
    // found and being bound (two chains started at once), so a node that could not bind it is started again on another
    // (Polly: at most twice more).
    private static async Task<LocalChainProcess> StartOnAPortAsync(int? fixedPort, Func<int, Task<LocalChainProcess>> start, CancellationToken cancellationToken)
    {
        if (fixedPort is { } port)
        {
            return await start(port).ConfigureAwait(false);
        }
        var pipeline = new ResiliencePipelineBuilder<LocalChainProcess>()
            .AddRetry(new Polly.Retry.RetryStrategyOptions<LocalChainProcess>
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(50),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is LocalChainException e && PortTaken(e.Message)),
            })
            .Build();
        return await pipeline.ExecuteAsync(async _ => await start(LocalChainProcess.FreePort()).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    private static bool PortTaken(string message) =>
        message.Contains("EADDRINUSE", StringComparison.Ordinal)
        || message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
        || message.Contains("never said it listens there", StringComparison.Ordinal);

    // ------------------------------------------------------------------ hardhat

    private static async Task<ChainEnvironment> StartHardhatAsync(ChainProfile profile, ILogger logger, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot.Find(profile.RepositoryRoot);
        var hardhat = Path.Combine(root, "node_modules", ".bin", "hardhat");
        if (!File.Exists(hardhat))
        {
            throw LocalChainException.NotInstalled("hardhat", hardhat);
        }
        var node = await StartOnAPortAsync(profile.Port, port => LocalChainProcess.StartAsync(
            "hardhat", "node", [hardhat, "node", "--hostname", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture)],
            root, port, profile.StartTimeout, cancellationToken), cancellationToken).ConfigureAwait(false);
        try
        {
            LocalChainLog.NodeStarted(logger, "hardhat", node.RpcUrl, node.ProcessId);
            LocalChainLog.DevAccountsInUse(logger, "hardhat");
            var rpc = new ChainRpc(node.RpcUrl, logger: logger);
            var deployment = await DeployLocalAsync(profile, rpc, "hardhat", logger, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(profile.DeploymentFile))
            {
                deployment.Save(profile.DeploymentFile);
            }
            node.Logger = logger;
            return ChainEnvironment.Attach(profile, rpc, deployment, node, logger);
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // ------------------------------------------------------------------ anvil

    private static async Task<ChainEnvironment> StartAnvilAsync(ChainProfile profile, ILogger logger, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot.Find(profile.RepositoryRoot);
        var anvil = AnvilProgram(root);
        var stateFile = Path.GetFullPath(profile.StateFile!);
        var deploymentFile = Path.GetFullPath(profile.DeploymentFile ?? stateFile + ".deployment.json");
        Directory.CreateDirectory(Path.GetDirectoryName(stateFile)!);
        var fresh = !File.Exists(stateFile);
        if (!fresh && !File.Exists(deploymentFile))
        {
            throw ChainConfigurationException.DeploymentFile(
                deploymentFile,
                $"the anvil state {stateFile} exists but its deployment file does not; restore the deployment file or delete the state file to start a new chain");
        }
        var node = await StartOnAPortAsync(profile.Port, port => LocalChainProcess.StartAsync(
            "anvil",
            anvil,
            ["--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--state", stateFile, "--state-interval", "2", "--preserve-historical-states"],
            root, port, profile.StartTimeout, cancellationToken), cancellationToken).ConfigureAwait(false);
        try
        {
            LocalChainLog.NodeStarted(logger, "anvil", node.RpcUrl, node.ProcessId);
            LocalChainLog.DevAccountsInUse(logger, "anvil");
            var rpc = new ChainRpc(node.RpcUrl, logger: logger);
            LedgerDeployment deployment;
            if (fresh)
            {
                deployment = await DeployLocalAsync(profile, rpc, "anvil", logger, cancellationToken).ConfigureAwait(false);
                deployment.Save(deploymentFile);
                LocalChainLog.Deployed(logger, deployment.ChainId, deployment.DeployBlock, deploymentFile);
            }
            else
            {
                deployment = LedgerDeployment.Load(deploymentFile);
                await ChainEnvironment.VerifyDeploymentAsync(rpc, deployment, cancellationToken).ConfigureAwait(false);
            }
            node.Logger = logger;
            return ChainEnvironment.Attach(profile, rpc, deployment, node, logger);
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string AnvilProgram(string root)
    {
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "win32" : "unknown";
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            var other => other.ToString().ToLowerInvariant(),
        };
        var program = Path.Combine(root, "node_modules", "@foundry-rs", $"anvil-{os}-{arch}", "bin", OperatingSystem.IsWindows() ? "anvil.exe" : "anvil");
        return File.Exists(program) ? program : throw LocalChainException.NotInstalled("anvil", program);
    }

    // ------------------------------------------------------------------ deployment

    private static async Task<LedgerDeployment> DeployLocalAsync(ChainProfile profile, ChainRpc rpc, string network, ILogger logger, CancellationToken cancellationToken)
    {
        using var sender = new TransactionSender(
            rpc, DevAccounts.PrivateKey(0), new InMemoryTransactionJournal(),
            new SenderOptions { FinalityDepth = 0, PollInterval = profile.EffectivePollInterval }, logger: logger);
        EthAddress[] governors = [DevAccounts.Address(0), DevAccounts.Address(1), DevAccounts.Address(2)];
        return await LedgerDeployer.DeployAsync(sender, governors, profile.LocalThreshold, network, cancellationToken).ConfigureAwait(false);
    }
}
