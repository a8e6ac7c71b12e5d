using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using Ledger.Chain;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.Consortium.ContractDefinition;
using Ledger.Chain.Deployment;
using Ledger.Chain.Profiles;
using Ledger.Chain.Transactions;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk;
using Ledger.Sdk.Keys;

namespace Ledger.Local;

/// <summary>
/// A consortium on this machine: a chain and one <c>ledger-node</c> process per member, on loopback. Started by
/// <see cref="StartAsync"/> in this order:
/// <list type="number">
/// <item>the chain: a fresh hardhat node (deployed; the default), an anvil node with a state file (deployed when new),
/// or an existing JSON-RPC endpoint with its deployment file;</item>
/// <item>(while the chain starts) an encrypted key store per node under <c>WorkDir/nodes/&lt;org&gt;/</c> — fast KDF unless
/// strong is asked for; the password a fresh random secret per node unless one is given — and a free loopback port;</item>
/// <item>on a local chain, dev account 9 funds each operator account, and governance admits each member (dev governor
/// 0 proposes, dev governor 1 approves; threshold 2) with its name, endpoint, enode, encryption key and operator;</item>
/// <item>each node process starts (<c>dotnet ledger-node.dll</c>, configured by environment variables — the password
/// among them, never on a command line — output appended to <c>node.log</c>), and the orchestrator waits until every
/// node answers its health check and <c>Node.GetInfo</c> names its member.</item>
/// </list>
/// <see cref="DisposeAsync"/> stops every process it started (and the chain if it started it) — also when the start
/// fails or is cancelled midway, and when the process exits.
/// </summary>
/// <example>
/// <code>
/// await using var consortium = await LocalConsortium.StartAsync(new LocalConsortiumOptions { WorkDir = "out/local" });
/// var tax = consortium["tax.liuzhou"];
/// using var asBank = await consortium.ConnectAsync("tax.liuzhou", asOrg: "bank.ccb.liuzhou");
/// </code>
/// </example>
public sealed class LocalConsortium : IAsyncDisposable
{
    /// <summary>The dev account that funds operator accounts on a local chain.</summary>
    public const int FundingDevAccount = 9;

    /// <summary>The chain id of local hardhat and anvil chains.</summary>
    public const ulong LocalChainId = 31337;

    private const string MarkerFile = ".ledger-local";
    private static readonly BigInteger Wei = BigInteger.Pow(10, 18);

    private readonly List<LocalNode> _nodes = [];
    private readonly List<NodeKeys> _unownedKeys = [];
    private readonly Dictionary<int, LedgerChainClient> _governors = [];
    private readonly NodeProgram _program;
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly FileStream _workDirLock;
    private volatile ChainEnvironment? _chain;
    private ConsortiumSupervisor? _supervisor;
    private ulong _bootFinality;
    private int _stopped;

    private LocalConsortium(LocalConsortiumOptions options, string workDir, NodeProgram program, FileStream workDirLock)
    {
        Options = options;
        WorkDir = workDir;
        _program = program;
        _workDirLock = workDirLock;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The options it was started with.</summary>
    public LocalConsortiumOptions Options { get; }

    /// <summary>The orchestrator's folder (absolute).</summary>
    public string WorkDir { get; }

    /// <summary>The chain.</summary>
    public ChainEnvironment Chain => _chain ?? throw new InvalidOperationException("The chain is not started.");

    /// <summary>True when the orchestrator started the chain (and stops it).</summary>
    public bool OwnsChain => Options.Chain != ChainKind.Rpc;

    /// <summary>The chain's local process (hardhat, anvil) when the orchestrator started it; null for an rpc chain.</summary>
    public LocalChainProcess? ChainProcess => LocalChain.ProcessOf(Chain);

    /// <summary>Where the contracts are.</summary>
    public LedgerDeployment Deployment => Chain.Deployment;

    /// <summary>The chain's JSON-RPC endpoint.</summary>
    public string RpcUrl => Chain.RpcUrl;

    /// <summary>The deployment file the nodes read.</summary>
    public string DeploymentFile { get; private set; } = "";

    /// <summary>True when the dev accounts fund and govern (a local chain).</summary>
    public bool UsesDevAccounts { get; private set; }

    /// <summary>The node program that runs.</summary>
    public NodeProgram Program => _program;

    /// <summary>The nodes, in the order of <see cref="LocalConsortiumOptions.Nodes"/>.</summary>
    public IReadOnlyList<LocalNode> Nodes => _nodes;

    /// <summary>The node of an organization.</summary>
    /// <exception cref="KeyNotFoundException">when no node serves it.</exception>
    public LocalNode this[string org] =>
        _nodes.FirstOrDefault(n => n.Spec.Org == org) ?? throw new KeyNotFoundException($"No node of this consortium serves {org}.");

    /// <summary>The nodes of a role.</summary>
    public IEnumerable<LocalNode> NodesOf(Role role) => _nodes.Where(n => n.Role == role);

    /// <summary>Every process the consortium started: each node's processes (restarts included) and the local chain node's.</summary>
    public IReadOnlyList<int> ProcessIds =>
        [.. _nodes.SelectMany(n => n.ProcessIds), .. OwnsChain && _chain is { } chain && LocalChain.ProcessOf(chain)?.ProcessId is { } chainPid ? new[] { chainPid } : []];

    /// <summary>Starts a consortium (see the class summary); on failure or cancellation everything started is stopped.</summary>
    /// <exception cref="LedgerException">with what to fix: options (1653), work folder (1652), node program (1650),
    /// chain (13xx), key stores (161x), membership (1655, 12xx), node start (1651).</exception>
    public static async Task<LocalConsortium> StartAsync(LocalConsortiumOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalConsortiumOptions();
        options.Validate();
        var program = NodeProgram.Locate(options.NodeDll, options.RepositoryRoot);
        var workDir = Path.GetFullPath(options.WorkDir);
        var workDirLock = PrepareWorkDir(workDir, options.Chain);
        var consortium = new LocalConsortium(options, workDir, program, workDirLock);
        try
        {
            await consortium.BootAsync(cancellationToken).ConfigureAwait(false);
            return consortium;
        }
        catch
        {
            await consortium.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The client of dev governor <paramref name="index"/> (0–2) on a local chain, for governance in tests and demos.
    /// </summary>
    /// <exception cref="InvalidOperationException">when the chain is not a local one.</exception>
    public LedgerChainClient DevGovernor(int index)
    {
        if (!UsesDevAccounts)
        {
            throw new InvalidOperationException("The dev accounts govern local chains only.");
        }
        lock (_governors)
        {
            if (!_governors.TryGetValue(index, out var client))
            {
                var sender = new TransactionSender(
                    Chain.Rpc, DevAccounts.PrivateKey(index), new InMemoryTransactionJournal(),
                    Chain.SenderOptions with { FinalityDepth = _bootFinality }, Chain.Deployment.ChainId);
                client = new LedgerChainClient(sender, Chain.Deployment);
                _governors[index] = client;
            }
            return client;
        }
    }

    /// <summary>
    /// Connects to the node of <paramref name="nodeOrg"/>, signing as the operator of <paramref name="asOrg"/> (default:
    /// the node's own member). The caller disposes the connection.
    /// </summary>
    public async Task<LedgerConnection> ConnectAsync(string nodeOrg, string? asOrg = null, CancellationToken cancellationToken = default)
    {
        var node = this[nodeOrg];
        var caller = this[asOrg ?? nodeOrg];
#pragma warning disable CA2000 // the connection keeps using the identity; the keys it wraps belong to the node
        var identity = caller.CreateIdentity();
#pragma warning restore CA2000
        return await node.ConnectAsync(identity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts supervising the consortium (<see cref="ConsortiumSupervisor"/>: a process that dies is reported and
    /// restarted with back-off; <paramref name="descriptionFile"/>, if given, is rewritten with the live process ids after
    /// every change; <paramref name="report"/> hears every event). Supervision ends when the consortium stops.
    /// </summary>
    /// <exception cref="InvalidOperationException">when it is already supervised or stopped.</exception>
    public ConsortiumSupervisor Supervise(SupervisionOptions? options = null, string? descriptionFile = null, Action<SupervisionEvent>? report = null)
    {
        lock (_nodes)
        {
            if (Volatile.Read(ref _stopped) == 1)
            {
                throw new InvalidOperationException("The consortium is stopped.");
            }
            if (_supervisor is not null)
            {
                throw new InvalidOperationException("The consortium is already supervised.");
            }
            _supervisor = ConsortiumSupervisor.Create(this, options ?? new SupervisionOptions(), descriptionFile, report);
            _supervisor.Begin();
            return _supervisor;
        }
    }

    /// <summary>The anvil chain's state file (null for other chains).</summary>
    internal string? AnvilStateFile => Options.Chain == ChainKind.Anvil ? StateFile() : null;

    /// <summary>The supervisor, once <see cref="Supervise"/> started one.</summary>
    public ConsortiumSupervisor? Supervisor => _supervisor;

    /// <summary>
    /// Starts the anvil chain again after its process ended: on the same port (the URL every node was configured with)
    /// from its state file — or, when anvil died while writing it, from its last complete copy
    /// (<see cref="AnvilStateFiles"/>) — checked against the deployment file. Returns where the state came from.
    /// </summary>
    /// <exception cref="LedgerException">LEDGER-1657 when the chain cannot come back with its state (not anvil, no
    /// state file was ever written, or it is damaged with no good copy); 13xx when anvil does not start.</exception>
    internal async Task<string> RestartChainAsync(CancellationToken cancellationToken)
    {
        var old = Chain;
        if (Options.Chain != ChainKind.Anvil)
        {
            throw LocalErrors.ChainLost($"Only an anvil chain can be restarted with its state; this one is {Options.Chain.ToString().ToLowerInvariant()}.");
        }
        var stateFile = StateFile();
        if (!File.Exists(stateFile))
        {
            throw LocalErrors.ChainLost(
                $"The anvil chain ended before it wrote its state file {stateFile}, so it cannot come back as the chain the nodes know; the consortium is stopped. Delete the work folder's deployment and start again.");
        }
        var repaired = AnvilStateFiles.Repair(stateFile);
        var port = new Uri(old.RpcUrl).Port;
        // The old process is gone (its port free); its environment is disposed only once the new one runs, so a failed
        // start leaves one environment to stop, not a disposed one.
        _chain = await LocalChain.StartAsync(old.Profile with { Port = port }, null, cancellationToken).ConfigureAwait(false);
        await old.DisposeAsync().ConfigureAwait(false);
        return repaired is null ? $"its state file {stateFile}" : $"{stateFile}: {repaired}";
    }

    /// <summary>A description of the running consortium (public facts and paths only) for <c>consortium.json</c>.</summary>
    public ConsortiumDescription Describe() => new()
    {
        StartedAt = _startedAt.ToString("O", CultureInfo.InvariantCulture),
        ProcessId = Environment.ProcessId,
        WorkDir = WorkDir,
        KeyStorePassword = Options.KeyStorePassword is null ? "generated" : "environment",
        KeyStorePasswordVariable = Options.KeyStorePassword is null ? null : NodeKeyStore.DefaultPasswordVariable,
        Chain = new ChainDescription
        {
            Kind = Options.Chain.ToString().ToLowerInvariant(),
            RpcUrl = RpcUrl,
            ChainId = (ulong)Deployment.ChainId,
            DeploymentFile = DeploymentFile,
            Consortium = Deployment[LedgerContracts.Consortium].ToString(),
            StateFile = Options.Chain == ChainKind.Anvil ? StateFile() : null,
            ProcessId = OwnsChain && _supervisor?.ChainState is null or SupervisedState.Running ? ChainProcess?.ProcessId : null,
            DevAccounts = UsesDevAccounts,
            State = OwnsChain && _supervisor is { } chainSupervisor ? StateWord(chainSupervisor.ChainState) : null,
            Restarts = OwnsChain ? _supervisor?.ChainRestarts : null,
        },
        Nodes = _nodes.Select(n => new NodeDescription
        {
            Org = n.Spec.Org,
            Role = LocalRoles.Word(n.Role),
            Name = n.Spec.Name,
            Url = n.Url,
            Operator = n.Operator.ToString(),
            EncryptionKey = "0x" + Convert.ToHexStringLower(n.Keys.Encryption.PublicKey),
            TlsPin = n.TlsPin?.ToString(),
            KeyStore = n.KeyStoreFile,
            DataDir = n.DataDir,
            Log = n.LogFile,
            ProcessId = n.IsRunning ? n.ProcessId : null,
            State = _supervisor is { } supervisor ? StateWord(supervisor.NodeState(n.Spec.Org)) : null,
            Restarts = _supervisor?.NodeRestarts(n.Spec.Org),
        }).ToList(),
    };

    private static string StateWord(SupervisedState state) => state switch
    {
        SupervisedState.Restarting => "restarting",
        SupervisedState.GivenUp => "given-up",
        SupervisedState.Stopped => "stopped",
        _ => "running",
    };

    /// <summary>Stops every node (politely, in parallel), then the chain if the orchestrator started it. Idempotent.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        ConsortiumSupervisor? supervisor;
        lock (_nodes)
        {
            supervisor = _supervisor;
        }
        if (supervisor is not null)
        {
            // First, so nothing is restarted while it stops; then whatever runs now is stopped.
            await supervisor.DisposeAsync().ConfigureAwait(false);
        }
        Report("stopping the nodes…");
        await Task.WhenAll(_nodes.Select(n => n.StopAsync())).ConfigureAwait(false);
        lock (_governors)
        {
            foreach (var client in _governors.Values)
            {
                client.Sender.Dispose();
            }
            _governors.Clear();
        }
        if (_chain is not null && OwnsChain)
        {
            Report("stopping the chain…");
            await _chain.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops everything (<see cref="StopAsync"/>) and forgets the keys.</summary>
    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        await StopAsync().ConfigureAwait(false);
        foreach (var node in _nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var keys in _unownedKeys)
        {
            keys.Dispose();
        }
        _unownedKeys.Clear();
        await _workDirLock.DisposeAsync().ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ start

    private async Task BootAsync(CancellationToken cancellationToken)
    {
        var options = Options;
        DeploymentFile = Path.GetFullPath(options.Chain switch
        {
            ChainKind.Rpc => options.DeploymentFile!,
            ChainKind.Anvil => options.DeploymentFile ?? StateFile() + ".deployment.json",
            _ => options.DeploymentFile ?? Path.Combine(WorkDir, "deployment.json"),
        });
        var profile = new ChainProfile
        {
            Kind = options.Chain,
            RpcUrl = options.RpcUrl,
            DeploymentFile = DeploymentFile,
            StateFile = options.Chain == ChainKind.Anvil ? StateFile() : null,
            RepositoryRoot = options.RepositoryRoot,
            PollInterval = options.PollInterval,
            // A local automining chain attached over rpc mines a block only when a transaction comes, so waiting for
            // blocks on top would wait for ever: 0 there too, for the boot client (funding, governance) and the nodes.
            FinalityDepth = options.Chain == ChainKind.Rpc ? options.FinalityDepth ?? (DeploymentChainId(DeploymentFile) == LocalChainId ? 0UL : null) : 0,
        };
        Report(options.Chain == ChainKind.Rpc ? $"attaching to the chain at {options.RpcUrl}…" : $"starting a {options.Chain.ToString().ToLowerInvariant()} chain…");
        if (options.Chain == ChainKind.Anvil && AnvilStateFiles.Repair(StateFile()) is { } repaired)
        {
            Report($"anvil: {repaired}");
        }
        var chainStart = LocalChain.StartAsync(profile, null, cancellationToken);
        IReadOnlyList<KeyedSpec> keyed;
        try
        {
            keyed = await Task.Run(() => OpenKeyStores(cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await (await chainStart.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is LedgerException or OperationCanceledException)
            {
                // The key store failure is the one to report.
            }
            throw;
        }
        _chain = await chainStart.ConfigureAwait(false);
        var chainId = (ulong)_chain.Deployment.ChainId;
        Report(LocalChain.ProcessOf(_chain)?.ProcessId is { } chainProcess && OwnsChain
            ? string.Create(CultureInfo.InvariantCulture, $"chain {chainId} ready at {RpcUrl} (process {chainProcess})")
            : string.Create(CultureInfo.InvariantCulture, $"chain {chainId} reached at {RpcUrl}"));
        UsesDevAccounts = options.UseDevAccounts ?? (options.Chain != ChainKind.Rpc || chainId == LocalChainId);
        var finality = options.FinalityDepth ?? (UsesDevAccounts || chainId == LocalChainId ? 0UL : null);
        _bootFinality = finality ?? profile.EffectiveFinalityDepth;

        var directory = new MemberDirectory(_chain.Rpc, _chain.Deployment);
        var (members, _) = await directory.ListAsync(cancellationToken).ConfigureAwait(false);
        var plans = keyed.Select(k => PlanNode(k, members.FirstOrDefault(m => m.Org == OrgId.FromCode(k.Spec.Org)))).ToList();

        foreach (var plan in plans)
        {
            var environment = NodeEnvironment(plan, finality);
            _nodes.Add(new LocalNode(plan.Keyed.Spec, plan.Keyed.Directory, plan.Port, plan.Keyed.Keys, plan.Keyed.KeyStoreFile, plan.Keyed.TlsPin, environment, _program, options.NodeStartTimeout));
            _unownedKeys.Remove(plan.Keyed.Keys);
        }

        if (UsesDevAccounts)
        {
            await FundAsync(cancellationToken).ConfigureAwait(false);
            await AdmitAsync(plans, directory, cancellationToken).ConfigureAwait(false);
            await RegisterPinsAsync(plans, directory, cancellationToken).ConfigureAwait(false);
        }
        else if (plans.FirstOrDefault(p => p.Existing is null) is { } missing)
        {
            throw LocalErrors.MembershipConflict(
                $"{missing.Keyed.Spec.Org} is not a member of the consortium at {RpcUrl}, and on a chain that is not local the orchestrator does not govern; have the governors admit it (`ledger members propose-admit …`) with operator {missing.Keyed.Keys.Operator}, then start again.");
        }

        Report($"starting {_nodes.Count} nodes…");
        await Task.WhenAll(_nodes.Select(n => StartNodeAsync(n, cancellationToken))).ConfigureAwait(false);
        Report("all nodes are ready");
    }

    private async Task StartNodeAsync(LocalNode node, CancellationToken cancellationToken)
    {
        node.StartProcess();
        Report(string.Create(CultureInfo.InvariantCulture, $"{node.Spec.Org} started (process {node.ProcessId})"));
        await node.WaitReadyAsync(cancellationToken).ConfigureAwait(false);
        Report($"{node.Spec.Org} is ready on {node.Url}");
    }

    private sealed record KeyedSpec(LocalNodeSpec Spec, string Directory, string KeyStoreFile, NodeKeys Keys, string Password, Hash32? TlsPin);

    private sealed record NodePlan(KeyedSpec Keyed, int Port, ConsortiumMember? Existing)
    {
        public string Url => string.Create(CultureInfo.InvariantCulture, $"{(Keyed.TlsPin is null ? "http" : "https")}://127.0.0.1:{Port}");
    }

    private List<KeyedSpec> OpenKeyStores(CancellationToken cancellationToken)
    {
        var result = new List<KeyedSpec>();
        var kdf = Options.StrongKdf ? KeyStoreKdf.Strong : KeyStoreKdf.Light;
        // Scrypt is the slow part: the stores are opened in parallel, then kept in topology order.
        var opened = new KeyedSpec[Options.Nodes.Count];
        try
        {
            Parallel.For(0, Options.Nodes.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                var spec = Options.Nodes[i];
                var directory = Path.Combine(WorkDir, "nodes", spec.Org);
                var file = Path.Combine(directory, "keystore.json");
                Directory.CreateDirectory(directory);
                NodeKeys keys;
                string password;
                if (File.Exists(file))
                {
                    password = Options.KeyStorePassword
                        ?? throw LocalErrors.Options(
                            $"A key store from an earlier run exists at {file}, and its password was generated then and is gone; set {NodeKeyStore.DefaultPasswordVariable} to the password it was made with, or use a fresh work folder.");
                    keys = NodeKeyStore.Load(file, password);
                }
                else
                {
                    password = Options.KeyStorePassword ?? GenerateSecret();
                    keys = NodeKeyStore.Create(file, password, kdf);
                }
                // The node's TLS certificate beside its key store, made once; its pin is registered at admission.
                Hash32? pin = null;
                if (!Options.PlaintextDevelopment)
                {
                    var certificate = NodeTlsCertificates.CurrentFile(file);
                    pin = File.Exists(certificate) ? NodeTlsCertificates.PinOf(certificate, password) : NodeTlsCertificates.Create(certificate, password, spec.Org);
                }
                opened[i] = new KeyedSpec(spec, directory, file, keys, password, pin);
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is LedgerException or OperationCanceledException) is { } first)
        {
            DisposeOpened(opened);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
        catch
        {
            DisposeOpened(opened);
            throw;
        }
        foreach (var keyed in opened)
        {
            result.Add(keyed);
            _unownedKeys.Add(keyed.Keys);
        }
        Report($"{result.Count} key stores ready under {Path.Combine(WorkDir, "nodes")}");
        return result;
    }

    private static void DisposeOpened(KeyedSpec?[] opened)
    {
        foreach (var keyed in opened)
        {
            keyed?.Keys.Dispose();
        }
    }

    private static NodePlan PlanNode(KeyedSpec keyed, ConsortiumMember? existing)
    {
        var spec = keyed.Spec;
        if (existing is not null && existing.Status != MemberStatus.None)
        {
            if (!existing.Operators.Contains(keyed.Keys.Operator))
            {
                throw LocalErrors.MembershipConflict(
                    $"{spec.Org} is already a member of this consortium with operators {string.Join(", ", existing.Operators)}, not this work folder's key store ({keyed.Keys.Operator}); use the work folder of the run that admitted it, or a fresh chain.");
            }
            if (existing.Status != MemberStatus.Active)
            {
                throw LocalErrors.MembershipConflict(
                    $"{spec.Org} is {existing.Status.ToString().ToLowerInvariant()} in this consortium, so its node cannot start; reinstate it by governance first (`ledger members reinstate {spec.Org}`).");
            }
            if (existing.Role != spec.Role)
            {
                throw LocalErrors.MembershipConflict(
                    $"{spec.Org} is a {LocalRoles.Word(existing.Role)} member on chain, not a {LocalRoles.Word(spec.Role)}; change the topology to match.");
            }
            // A persistent chain remembers the endpoint: keep its port when it is free, so nothing needs re-registering.
            if (Uri.TryCreate(existing.Endpoint, UriKind.Absolute, out var endpoint) && endpoint.IsLoopback && PortIsFree(endpoint.Port))
            {
                return new NodePlan(keyed, endpoint.Port, existing);
            }
        }
        return new NodePlan(keyed, FreePort(), existing is { Status: not MemberStatus.None } ? existing : null);
    }

    private Dictionary<string, string> NodeEnvironment(NodePlan plan, ulong? finality)
    {
        var spec = plan.Keyed.Spec;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Ledger__Node__Org"] = spec.Org,
            ["Ledger__Node__Role"] = LocalRoles.Word(spec.Role),
            ["Ledger__Node__DataDir"] = Path.Combine(plan.Keyed.Directory, "data"),
            ["Ledger__Node__Listen"] = plan.Url,
            ["Ledger__Node__KeyStoreFile"] = plan.Keyed.KeyStoreFile,
            ["Ledger__Node__KeyStorePasswordEnv"] = NodeKeyStore.DefaultPasswordVariable,
            [NodeKeyStore.DefaultPasswordVariable] = plan.Keyed.Password,
            ["Ledger__Node__Chain__RpcUrl"] = Chain.RpcUrl,
            ["Ledger__Node__Chain__DeploymentFile"] = DeploymentFile,
            ["Ledger__Node__Chain__PollInterval"] = Options.PollInterval.ToString("c", CultureInfo.InvariantCulture),
            ["Ledger__Node__Batcher__MaxWaitMs"] = Options.BatcherMaxWaitMs.ToString(CultureInfo.InvariantCulture),
            ["Ledger__Node__StrongMode"] = spec.StrongMode ? "true" : "false",
            ["Ledger__Node__Tls__Mode"] = Options.PlaintextDevelopment ? "plaintext-development" : "tls",
            ["Logging__LogLevel__Default"] = Options.NodeLogLevel,
            ["Logging__LogLevel__Ledger"] = "Information",
            ["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled",
        };
        if (finality is { } depth)
        {
            environment["Ledger__Node__Chain__FinalityDepth"] = depth.ToString(CultureInfo.InvariantCulture);
        }
        if (spec.Role == Role.TaxBureau)
        {
            environment["Ledger__Node__Tax__Salt"] = TaxSalt(plan.Keyed.Directory);
            environment["Ledger__Node__Tax__SyntheticCount"] = Options.TaxSyntheticCount.ToString(CultureInfo.InvariantCulture);
            environment["Ledger__Node__Tax__SyntheticSeed"] = Options.TaxSyntheticSeed.ToString(CultureInfo.InvariantCulture);
        }
        foreach (var (key, value) in Options.NodeEnvironment.Concat(spec.Environment))
        {
            environment[key] = value;
        }
        return environment;
    }

    /// <summary>
    /// The tax node's credit-code salt: made once per work folder and kept (owner-only) beside its key store, because a
    /// tax node must never change it — every binding and consent names the salted hash.
    /// </summary>
    private static string TaxSalt(string directory)
    {
        var file = Path.Combine(directory, "tax-salt");
        if (File.Exists(file) && Hash32.TryParse(File.ReadAllText(file).Trim(), out var existing) && !existing.IsZero)
        {
            return existing.ToString();
        }
        var salt = new Hash32(RandomNumberGenerator.GetBytes(32)).ToString();
        File.WriteAllText(file, salt);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return salt;
    }

    private async Task FundAsync(CancellationToken cancellationToken)
    {
        var account = new Nethereum.Web3.Accounts.Account(DevAccounts.PrivateKey(FundingDevAccount), Deployment.ChainId);
        var web3 = new Nethereum.Web3.Web3(account, RpcUrl);
        foreach (var node in _nodes)
        {
            var balance = await Chain.Rpc.CallAsync(_ => web3.Eth.GetBalance.SendRequestAsync(node.Operator.ToString()), cancellationToken).ConfigureAwait(false);
            if (balance.Value >= Wei)
            {
                continue;
            }
            Report($"funding {node.Spec.Org}'s operator {node.Operator}…");
            await Chain.Rpc.CallAsync(
                _ => web3.Eth.GetEtherTransferService().TransferEtherAndWaitForReceiptAsync(node.Operator.ToString(), 100m, cancellationToken: cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AdmitAsync(IReadOnlyList<NodePlan> plans, MemberDirectory directory, CancellationToken cancellationToken)
    {
        var governance = await directory.GovernanceAsync(cancellationToken).ConfigureAwait(false);
        if (!governance.Governors.Contains(DevAccounts.Address(0)) || (governance.Threshold > 1 && !governance.Governors.Contains(DevAccounts.Address(1))))
        {
            throw LocalErrors.MembershipConflict(
                $"Dev accounts 0 and 1 are not governors of the consortium at {RpcUrl}, so the orchestrator cannot admit members; admit them by governance (`ledger members propose-admit …`) and start again.");
        }
        var proposer = DevGovernor(0);
        foreach (var plan in plans)
        {
            var spec = plan.Keyed.Spec;
            var org = OrgId.FromCode(spec.Org);
            BigInteger proposal;
            if (plan.Existing is null)
            {
                Report($"admitting {spec.Org} ({LocalRoles.Word(spec.Role)}) by governance…");
                proposal = await proposer.ProposeAdmitMemberAsync(
                    org, spec.Role, spec.Name, plan.Url, spec.Enode, plan.Keyed.Keys.Encryption.PublicKey.ToArray(), [plan.Keyed.Keys.Operator],
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else if (plan.Existing.Endpoint != plan.Url || plan.Existing.Enode != spec.Enode)
            {
                Report($"updating {spec.Org}'s endpoint to {plan.Url} by governance…");
                proposal = await proposer.ProposeAsync(
                    new ChangeEndpointFunction { OrgId = org.Value.ToArray(), Endpoint = plan.Url, Enode = spec.Enode },
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                continue;
            }
            if (!(await directory.ProposalAsync(proposal, cancellationToken).ConfigureAwait(false)).Executed)
            {
                await DevGovernor(1).ApproveAsync(proposal, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Each node's TLS pin, registered by governance like its endpoint (dev governor 0 proposes, 1 approves) unless the
    // chain has it already: peers then recognize the node by the certificate it presents.
    private async Task RegisterPinsAsync(IReadOnlyList<NodePlan> plans, MemberDirectory directory, CancellationToken cancellationToken)
    {
        var proposer = DevGovernor(0);
        foreach (var plan in plans)
        {
            if (plan.Keyed.TlsPin is not { } pin || plan.Existing?.TlsPins.Contains(pin) == true)
            {
                continue;
            }
            Report($"registering {plan.Keyed.Spec.Org}'s TLS pin by governance…");
            var proposal = await proposer.ProposeAsync(
                new ChangeTlsPinsFunction { OrgId = OrgId.FromCode(plan.Keyed.Spec.Org).Value.ToArray(), Pins = [pin.ToArray()] },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!(await directory.ProposalAsync(proposal, cancellationToken).ConfigureAwait(false)).Executed)
            {
                await DevGovernor(1).ApproveAsync(proposal, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>The chain id a deployment file names, or null when it cannot be read (the chain's start then says why).</summary>
    private static ulong? DeploymentChainId(string file)
    {
        try
        {
            var chainId = LedgerDeployment.Load(file).ChainId;
            return chainId >= 0 && chainId <= ulong.MaxValue ? (ulong)chainId : null;
        }
        catch (LedgerException)
        {
            return null;
        }
    }

    private string StateFile() => Path.GetFullPath(Options.StateFile ?? Path.Combine(WorkDir, "anvil-state.json"));

    private void Report(string message) => Options.Progress?.Report(message);

    /// <summary>
    /// Makes the work folder ready and locks it for this consortium (a second orchestrator on the same folder would
    /// wipe or share its key stores). A fresh hardhat chain makes earlier key stores and node data meaningless, so its
    /// node folders are wiped — only when the folder carries the orchestrator's marker and was used for hardhat too: a
    /// folder of a persistent chain (anvil, rpc) holds keys registered on that chain and is never wiped.
    /// </summary>
    private static FileStream PrepareWorkDir(string workDir, ChainKind kind)
    {
        var marker = Path.Combine(workDir, MarkerFile);
        var word = kind.ToString().ToLowerInvariant();
        FileStream? workDirLock = null;
        try
        {
            var previous = File.Exists(marker) ? File.ReadAllText(marker).Trim() : null;
            if (previous is null && Directory.Exists(workDir) && Directory.EnumerateFileSystemEntries(workDir).Any())
            {
                throw LocalErrors.WorkDir(
                    $"The work folder {workDir} is not empty and was not made by the local consortium; choose an empty or new folder (--work-dir) so nothing of yours is overwritten.");
            }
            Directory.CreateDirectory(workDir);
            try
            {
                workDirLock = new FileStream(Path.Combine(workDir, MarkerFile + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex)
            {
                throw LocalErrors.WorkDir($"The work folder {workDir} is in use by another running local consortium; stop it first or choose another folder (--work-dir).", ex);
            }
            if (kind == ChainKind.Hardhat && previous is not null && previous != word)
            {
                throw LocalErrors.WorkDir(
                    $"The work folder {workDir} holds key stores registered on a persistent {previous} chain; a fresh hardhat chain would need new ones. Use another work folder (--work-dir).");
            }
            // Key stores of a hardhat run are worthless on any other chain, and on a new hardhat chain too.
            if (previous == "hardhat")
            {
                var nodes = Path.Combine(workDir, "nodes");
                if (Directory.Exists(nodes))
                {
                    Directory.Delete(nodes, recursive: true);
                }
                File.Delete(Path.Combine(workDir, "deployment.json"));
            }
            File.WriteAllText(marker, word + "\n");
            return workDirLock;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            workDirLock?.Dispose();
            throw LocalErrors.WorkDir($"The work folder {workDir} cannot be prepared ({ex.Message}).", ex);
        }
        catch
        {
            workDirLock?.Dispose();
            throw;
        }
    }

    private static string GenerateSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        // The process is ending (SIGTERM, end of Main) without the consortium having been disposed: stop the children
        // rather than leave them running.
        try
        {
            DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(20));
        }
        catch (AggregateException)
        {
            // Nothing more can be done while the process exits.
        }
    }
}
