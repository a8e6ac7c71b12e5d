using System.Globalization;
using System.Runtime.InteropServices;
using Ledger.Chain.Abi;
using Ledger.Chain.Deployment;
using Ledger.Chain.Errors;
using Ledger.Chain.Rpc;
using Ledger.Chain.Transactions;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Microsoft.Extensions.Logging;
using Polly;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Chain.Profiles;

/// <summary>
/// A chain a node works on, as its <see cref="ChainProfile"/> says: an embedded hardhat node (started on a free
/// loopback port, deployed fresh, stopped on dispose), a persistent anvil node (state file; deployed only when the
/// state is new), or any JSON-RPC endpoint with a deployment file. Dispose stops a local node.
/// </summary>
public sealed class ChainEnvironment : IAsyncDisposable
{
    private readonly LocalNodeProcess? _node;
    private readonly ILogger _logger;

    private ChainEnvironment(ChainProfile profile, ChainRpc rpc, LedgerDeployment deployment, LocalNodeProcess? node, ILogger logger)
    {
        Profile = profile;
        Rpc = rpc;
        Deployment = deployment;
        _node = node;
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

    /// <summary>The local node's process id (hardhat and anvil), for diagnostics.</summary>
    public int? ProcessId => _node?.ProcessId;

    /// <summary>
    /// Completes when the local node's process (hardhat, anvil) exits — however it ends — with its exit code, so an
    /// orchestrator can notice at once and restart it.
    /// </summary>
    /// <exception cref="InvalidOperationException">for an rpc chain, which has no process here.</exception>
    public Task<int> WaitForExitAsync(CancellationToken cancellationToken = default) =>
        _node?.WaitForExitAsync(cancellationToken) ?? throw new InvalidOperationException("An rpc chain has no local process to wait for.");

    /// <summary>Sender settings from the profile (finality depth, polling).</summary>
    public SenderOptions SenderOptions => new() { FinalityDepth = Profile.EffectiveFinalityDepth, PollInterval = Profile.EffectivePollInterval };

    /// <summary>A transaction sender for the account of <paramref name="privateKey"/> on this chain.</summary>
    public TransactionSender CreateSender(ReadOnlySpan<byte> privateKey, ITransactionJournal journal, ILogger? logger = null) =>
        new(Rpc, privateKey, journal, SenderOptions, Deployment.ChainId, logger ?? _logger);

    /// <summary>Starts (or connects to) the chain of <paramref name="profile"/>.</summary>
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
            _ => await ConnectAsync(profile, log, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>Stops a local node (anvil writes its state file first). Nothing to do for rpc.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
        {
            var pid = _node.ProcessId;
            await _node.DisposeAsync().ConfigureAwait(false);
            ChainLog.NodeStopped(_logger, Profile.Kind, pid);
        }
    }

    // ------------------------------------------------------------------ ports

    // A local node on the profile's port, or on a free one: a free port can be taken by another process between being
    // found and being bound (two chains started at once), so a node that could not bind it is started again on another
    // (Polly: at most twice more).
    private static async Task<LocalNodeProcess> StartOnAPortAsync(int? fixedPort, Func<int, Task<LocalNodeProcess>> start, CancellationToken cancellationToken)
    {
        if (fixedPort is { } port)
        {
            return await start(port).ConfigureAwait(false);
        }
        var pipeline = new ResiliencePipelineBuilder<LocalNodeProcess>()
            .AddRetry(new Polly.Retry.RetryStrategyOptions<LocalNodeProcess>
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(50),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is LocalChainException e && PortTaken(e.Message)),
            })
            .Build();
        return await pipeline.ExecuteAsync(async _ => await start(LocalNodeProcess.FreePort()).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
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
        var node = await StartOnAPortAsync(profile.Port, port => LocalNodeProcess.StartAsync(
            "hardhat", "node", [hardhat, "node", "--hostname", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture)],
            root, port, profile.StartTimeout, cancellationToken), cancellationToken).ConfigureAwait(false);
        try
        {
            ChainLog.NodeStarted(logger, "hardhat", node.RpcUrl, node.ProcessId);
            ChainLog.DevAccountsInUse(logger, "hardhat");
            var rpc = new ChainRpc(node.RpcUrl, logger: logger);
            var deployment = await DeployLocalAsync(profile, rpc, "hardhat", logger, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(profile.DeploymentFile))
            {
                deployment.Save(profile.DeploymentFile);
            }
            return new ChainEnvironment(profile, rpc, deployment, node, logger);
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
        var node = await StartOnAPortAsync(profile.Port, port => LocalNodeProcess.StartAsync(
            "anvil",
            anvil,
            ["--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--state", stateFile, "--state-interval", "2", "--preserve-historical-states"],
            root, port, profile.StartTimeout, cancellationToken), cancellationToken).ConfigureAwait(false);
        try
        {
            ChainLog.NodeStarted(logger, "anvil", node.RpcUrl, node.ProcessId);
            ChainLog.DevAccountsInUse(logger, "anvil");
            var rpc = new ChainRpc(node.RpcUrl, logger: logger);
            LedgerDeployment deployment;
            if (fresh)
            {
                deployment = await DeployLocalAsync(profile, rpc, "anvil", logger, cancellationToken).ConfigureAwait(false);
                deployment.Save(deploymentFile);
                ChainLog.Deployed(logger, deployment.ChainId, deployment.DeployBlock, deploymentFile);
            }
            else
            {
                deployment = LedgerDeployment.Load(deploymentFile);
                await VerifyAsync(rpc, deployment, cancellationToken).ConfigureAwait(false);
            }
            return new ChainEnvironment(profile, rpc, deployment, node, logger);
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

    // ------------------------------------------------------------------ rpc

    private static async Task<ChainEnvironment> ConnectAsync(ChainProfile profile, ILogger logger, CancellationToken cancellationToken)
    {
        var deployment = LedgerDeployment.Load(profile.DeploymentFile!);
        var rpc = new ChainRpc(profile.RpcUrl!, logger: logger);
        await VerifyAsync(rpc, deployment, cancellationToken).ConfigureAwait(false);
        return new ChainEnvironment(profile, rpc, deployment, null, logger);
    }

    // ------------------------------------------------------------------ shared

    private static async Task<LedgerDeployment> DeployLocalAsync(ChainProfile profile, ChainRpc rpc, string network, ILogger logger, CancellationToken cancellationToken)
    {
        using var sender = new TransactionSender(
            rpc, DevAccounts.PrivateKey(0), new InMemoryTransactionJournal(),
            new SenderOptions { FinalityDepth = 0, PollInterval = profile.EffectivePollInterval }, logger: logger);
        EthAddress[] governors = [DevAccounts.Address(0), DevAccounts.Address(1), DevAccounts.Address(2)];
        return await LedgerDeployer.DeployAsync(sender, governors, profile.LocalThreshold, network, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks that the deployment file describes this chain: same chain id, contract code at every address.</summary>
    private static async Task VerifyAsync(ChainRpc rpc, LedgerDeployment deployment, CancellationToken cancellationToken)
    {
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

/// <summary>Finds the repository root: the folder with hardhat.config.js (and node_modules).</summary>
public static class RepositoryRoot
{
    /// <summary>
    /// <paramref name="configured"/> when given; otherwise the first folder with hardhat.config.js walking up from
    /// the working folder, then from the program's folder.
    /// </summary>
    public static string Find(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = Path.GetFullPath(configured);
            return File.Exists(Path.Combine(full, "hardhat.config.js"))
                ? full
                : throw ChainConfigurationException.Profile($"RepositoryRoot {full} has no hardhat.config.js; point it at the Ledger repository");
        }
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "hardhat.config.js")))
                {
                    return dir.FullName;
                }
            }
        }
        throw ChainConfigurationException.Profile(
            "no hardhat.config.js was found above the working or program folder, so the local chain cannot be started; run from the Ledger repository or set RepositoryRoot");
    }
}
