using Ledger.Chain.Profiles;
using Ledger.Core.Model;

namespace Ledger.Local;

/// <summary>One node of a local consortium: the member it serves and how its process is configured.</summary>
/// <param name="Role">The member's consortium role (the node runs with the same role).</param>
/// <param name="Org">The organization code, e.g. <c>bank.ccb.liuzhou</c>.</param>
/// <param name="Name">The member's display name (registered on chain, 1–128 bytes of UTF-8).</param>
public sealed record LocalNodeSpec(Role Role, string Org, string Name)
{
    /// <summary>
    /// The member's Besu enode URL registered on chain (<c>enode://&lt;128 hex&gt;@host:port</c>); empty when the member
    /// runs no Besu node (a local hardhat or anvil chain has none).
    /// </summary>
    public string Enode { get; init; } = "";

    /// <summary>Tax node only: record every access on chain as it happens (one transaction per access).</summary>
    public bool StrongMode { get; init; }

    /// <summary>Extra environment variables of this node's process (e.g. <c>Ledger__Node__Batcher__MaxBatch</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Settings of <see cref="LocalConsortium.StartAsync"/>. The defaults start the demo's consortium on a fresh hardhat
/// chain under <c>out/local</c>.
/// </summary>
public sealed record LocalConsortiumOptions
{
    /// <summary>The demo's topology: one tax bureau, two banks, a guarantor, a regulator and an auditor (柳州).</summary>
    public static IReadOnlyList<LocalNodeSpec> DefaultTopology { get; } =
    [
        new(Role.TaxBureau, "tax.liuzhou", "国家税务总局柳州市税务局"),
        new(Role.Bank, "bank.ccb.liuzhou", "中国建设银行柳州分行"),
        new(Role.Bank, "bank.icbc.liuzhou", "中国工商银行柳州分行"),
        new(Role.Guarantor, "guarantor.gx", "广西融资担保集团"),
        new(Role.Regulator, "regulator.pbc", "中国人民银行柳州市分行"),
        new(Role.Auditor, "auditor.nao", "审计署广西特派员办事处"),
    ];

    /// <summary>
    /// The chain: <see cref="ChainKind.Hardhat"/> (started fresh and deployed; the default), <see cref="ChainKind.Anvil"/>
    /// (state kept in <see cref="StateFile"/>; deployed only when new) or <see cref="ChainKind.Rpc"/> (attach to
    /// <see cref="RpcUrl"/> with <see cref="DeploymentFile"/>; never stopped by the orchestrator).
    /// </summary>
    public ChainKind Chain { get; init; } = ChainKind.Hardhat;

    /// <summary>The JSON-RPC endpoint to attach to (rpc only).</summary>
    public string? RpcUrl { get; init; }

    /// <summary>The deployment file: required for rpc; where a fresh deployment is written otherwise (default <c>WorkDir/deployment.json</c>).</summary>
    public string? DeploymentFile { get; init; }

    /// <summary>The anvil state file (default <c>WorkDir/anvil-state.json</c>).</summary>
    public string? StateFile { get; init; }

    /// <summary>The repository root (for hardhat/anvil in node_modules and for finding the built node); null: searched upward.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>
    /// The orchestrator's folder: key stores, node data and logs (<c>nodes/&lt;org&gt;/…</c>). With a fresh hardhat
    /// chain its node folders are wiped first — only when the folder carries the orchestrator's marker file.
    /// </summary>
    public string WorkDir { get; init; } = Path.Combine("out", "local");

    /// <summary>The nodes to start, in order.</summary>
    public IReadOnlyList<LocalNodeSpec> Nodes { get; init; } = DefaultTopology;

    /// <summary>
    /// The password of every key store; null: a fresh random secret per node, kept in memory only (it reaches each
    /// node process through its environment, never a command line, a file or a log).
    /// </summary>
    public string? KeyStorePassword { get; init; }

    /// <summary>Stretch key store passwords with the strong KDF (scrypt N = 2^18) instead of the fast one for throwaway stores.</summary>
    public bool StrongKdf { get; init; }

    /// <summary>
    /// Development only: the nodes serve plain HTTP/2 on loopback (<c>Ledger:Node:Tls:Mode=plaintext-development</c>)
    /// and no TLS certificates are made or registered. Off by default: every node serves TLS with a certificate whose
    /// pin governance registers at admission.
    /// </summary>
    public bool PlaintextDevelopment { get; init; }

    /// <summary>The built node (<c>ledger-node.dll</c>); null: found as <see cref="NodeProgram.Locate"/> describes.</summary>
    public string? NodeDll { get; init; }

    /// <summary>
    /// Whether the well-known dev accounts fund operators and act as governors (0 proposes, 1 approves). Null: yes on
    /// hardhat and anvil, and on an rpc chain only when its chain id is 31337 (a local hardhat or anvil).
    /// </summary>
    public bool? UseDevAccounts { get; init; }

    /// <summary>How often nodes (and the orchestrator) poll the chain.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The nodes' finality depth; null: 0 on a dev chain, the node's default (2) otherwise.</summary>
    public ulong? FinalityDepth { get; init; }

    /// <summary>How long a node may wait before anchoring a partial batch (milliseconds).</summary>
    public int BatcherMaxWaitMs { get; init; } = 1000;

    /// <summary>Synthetic taxpayers each tax node generates on its first start (0: none).</summary>
    public int TaxSyntheticCount { get; init; }

    /// <summary>Seed of the synthetic taxpayers.</summary>
    public int TaxSyntheticSeed { get; init; } = 1;

    /// <summary>The nodes' default log level (their own <c>Ledger.*</c> categories log at Information regardless).</summary>
    public string NodeLogLevel { get; init; } = "Warning";

    /// <summary>Extra environment variables of every node process.</summary>
    public IReadOnlyDictionary<string, string> NodeEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long one node may take to become ready.</summary>
    public TimeSpan NodeStartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Progress sentences ("admitting bank.ccb.liuzhou…"), for a progress display; never a secret.</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>Checks the options; throws LEDGER-1653 with what to fix.</summary>
    internal void Validate()
    {
        if (Nodes.Count == 0)
        {
            throw LocalErrors.Options("The consortium has no nodes; give at least one node spec (role, org code, name).");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in Nodes)
        {
            if (node.Role == Role.None)
            {
                throw LocalErrors.Options($"Node {node.Org} has no role; use tax, bank, guarantor, regulator or auditor.");
            }
            try
            {
                _ = OrgId.FromCode(node.Org);
            }
            catch (ArgumentException)
            {
                throw LocalErrors.Options($"'{node.Org}' is not an organization code; use 1 to 31 printable ASCII characters without spaces, e.g. bank.ccb.");
            }
            if (!seen.Add(node.Org))
            {
                throw LocalErrors.Options($"Organization {node.Org} appears twice in the topology; each member runs one node.");
            }
            var nameBytes = System.Text.Encoding.UTF8.GetByteCount(node.Name ?? "");
            if (nameBytes is 0 or > 128)
            {
                throw LocalErrors.Options($"The name of {node.Org} must be 1 to 128 bytes of UTF-8 (it is {nameBytes}).");
            }
            LocalErrors.EnsureEnode(node.Org, node.Enode);
            if (node.StrongMode && node.Role != Role.TaxBureau)
            {
                throw LocalErrors.Options($"Strong mode is for tax nodes only; {node.Org} is a {LocalRoles.Word(node.Role)} node.");
            }
        }
        if (Chain == ChainKind.Rpc && (string.IsNullOrWhiteSpace(RpcUrl) || string.IsNullOrWhiteSpace(DeploymentFile)))
        {
            throw LocalErrors.Options("Attaching to a chain needs both its JSON-RPC URL and its deployment file (--rpc URL --deployment FILE).");
        }
        if (KeyStorePassword is { Length: 0 })
        {
            throw LocalErrors.Options("The key store password is empty; leave it unset to have one generated, or give a non-empty one.");
        }
        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(1))
        {
            throw LocalErrors.Options($"The poll interval {PollInterval} is outside (0, 1 minute].");
        }
    }
}

/// <summary>The configuration words of the consortium roles (as <c>Ledger__Node__Role</c> takes them).</summary>
public static class LocalRoles
{
    /// <summary>tax, bank, guarantor, regulator, auditor (or none); <see cref="RoleWords.Word"/>.</summary>
    public static string Word(Role role) => role.Word();

    /// <summary>The role of a configuration word (also <c>taxbureau</c>); false when it is none of them; <see cref="RoleWords.TryParse"/>.</summary>
    public static bool TryParse(string? word, out Role role) => RoleWords.TryParse(word, out role);
}
