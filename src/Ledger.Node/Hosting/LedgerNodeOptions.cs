using Ledger.Core.Model;

namespace Ledger.Node.Hosting;

/// <summary>What a node does in the consortium; chosen by configuration (<c>Ledger:Node:Role</c>).</summary>
public enum NodeRole
{
    /// <summary>税务局: holds tax data and serves it under consent.</summary>
    Tax,
    /// <summary>银行: fetches data under consent, decides and lends.</summary>
    Bank,
    /// <summary>担保机构: guarantees loans.</summary>
    Guarantor,
    /// <summary>监管: runs the risk-compensation fund.</summary>
    Regulator,
    /// <summary>审计: reads and verifies everything.</summary>
    Auditor,
}

/// <summary>Conversions between the node's configured role and the consortium's on-chain role.</summary>
public static class NodeRoles
{
    /// <summary>The consortium role of a node role: the role whose word (<see cref="RoleWords"/>) is the node role's name.</summary>
    public static Role ToChainRole(this NodeRole role) => RoleWords.TryParse(role.Word(), out var chainRole) ? chainRole : Role.None;

    /// <summary>The configuration word of a role (tax, bank, guarantor, regulator, auditor): its name in lower case, which is its <see cref="RoleWords"/> word.</summary>
    public static string Word(this NodeRole role) => role.ToString().ToLowerInvariant();
}

/// <summary>
/// A node's configuration, bound from section <c>Ledger:Node</c> of appsettings.json and the environment
/// (<c>Ledger__Node__Role=bank</c>). Checked at start by <see cref="LedgerNodeOptionsValidator"/>; a bad value stops
/// the node with one sentence saying what to fix (exit code 2). The full list is in docs/nodes.md.
/// </summary>
public sealed class LedgerNodeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ledger:Node";

    /// <summary>The organization code this node serves (e.g. <c>tax.liuzhou</c>); must be an active member on chain.</summary>
    public string Org { get; set; } = "";

    /// <summary>The node's role; must be the organization's role on chain.</summary>
    public NodeRole? Role { get; set; }

    /// <summary>Folder of the node's files: <c>ledger.db</c> (records, outbox, audit index, journal) and role data.</summary>
    public string DataDir { get; set; } = "";

    /// <summary>
    /// Where the node listens: <c>https://HOST:PORT</c>, HTTP/2 over TLS with the node's certificate
    /// (<see cref="NodeTlsOptions"/>); <c>http://</c> (plaintext) only on loopback with
    /// <c>Tls:Mode=plaintext-development</c>.
    /// </summary>
    public string Listen { get; set; } = "https://127.0.0.1:7100";

    /// <summary>The encrypted key store (operator key and encryption key), made with <c>ledger-node keys init</c>.</summary>
    public string KeyStoreFile { get; set; } = "";

    /// <summary>The name of the environment variable that holds the key store's password.</summary>
    public string KeyStorePasswordEnv { get; set; } = Sdk.Keys.NodeKeyStore.DefaultPasswordVariable;

    /// <summary>The node's TLS: its certificate, and the development flag that turns TLS off on loopback.</summary>
    public NodeTlsOptions Tls { get; set; } = new();

    /// <summary>The chain the node works on.</summary>
    public NodeChainOptions Chain { get; set; } = new();

    /// <summary>Tax node: record every access on chain too (one transaction per access, awaited before the reply).</summary>
    public bool StrongMode { get; set; }

    /// <summary>How records are batched for anchoring.</summary>
    public NodeBatcherOptions Batcher { get; set; } = new();

    /// <summary>Tax node settings.</summary>
    public NodeTaxOptions Tax { get; set; } = new();

    /// <summary>Bank node settings.</summary>
    public NodeBankOptions Bank { get; set; } = new();

    /// <summary>Auditor node settings.</summary>
    public global::Ledger.Node.Auditor.NodeAuditorOptions Auditor { get; set; } = new();

    /// <summary>The Prometheus scrape endpoint (off unless <c>Metrics:Listen</c> is set).</summary>
    public Observability.NodeMetricsOptions Metrics { get; set; } = new();

    /// <summary>Trace export (none by default).</summary>
    public Observability.NodeTracingOptions Tracing { get; set; } = new();

    /// <summary>The health check's thresholds.</summary>
    public Observability.NodeHealthOptions Health { get; set; } = new();
}

/// <summary>The node's TLS (<c>Ledger:Node:Tls</c>, docs/tls.md).</summary>
public sealed class NodeTlsOptions
{
    /// <summary>The default mode: HTTP/2 over TLS, mutual between members.</summary>
    public const string Required = "tls";

    /// <summary>The development flag: plain HTTP/2 on loopback, no certificates.</summary>
    public const string PlaintextDevelopment = "plaintext-development";

    /// <summary><c>tls</c> (default) or <c>plaintext-development</c> (loopback only; nothing on the wire is protected).</summary>
    public string Mode { get; set; } = Required;

    /// <summary>
    /// The node's certificate (PKCS#12, encrypted with the key store's password); default: <c>keystore.tls.p12</c> beside
    /// the key store, which <c>ledger-node keys init</c> makes. Replacing the file rotates the certificate while the
    /// node runs (<c>ledger-node keys tls-switch</c>).
    /// </summary>
    public string CertificateFile { get; set; } = "";

    /// <summary>True in the development mode.</summary>
    public bool IsPlaintext => string.Equals(Mode?.Trim(), PlaintextDevelopment, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The chain a node works on (<c>Ledger:Node:Chain</c>): any JSON-RPC endpoint plus the deployment file.</summary>
public sealed class NodeChainOptions
{
    /// <summary>The JSON-RPC endpoint, e.g. <c>http://127.0.0.1:8545</c>.</summary>
    public string RpcUrl { get; set; } = "";

    /// <summary>The deployment file written when the contracts were deployed (<c>deployments/&lt;network&gt;.json</c>).</summary>
    public string DeploymentFile { get; set; } = "";

    /// <summary>Blocks on top of a transaction before it counts as final (default 0 on a local chain, 2 on a consortium).</summary>
    public ulong? FinalityDepth { get; set; }

    /// <summary>How often the node polls for new blocks and receipts (default 1 s; 100 ms suits a local chain).</summary>
    public TimeSpan? PollInterval { get; set; }

    /// <summary>
    /// T: a report is served only on a consent check confirmed by a chain read that completed at most this long before
    /// (default: the poll interval, 1 s at most; up to 10 s). Older, the chain is read again; unreadable, the request is
    /// refused (LEDGER-1330).
    /// </summary>
    public TimeSpan? MaxCheckAge { get; set; }

    /// <summary>How long a request waits for a chain read before the chain counts as unreachable (default: 2 s, or two polls if longer).</summary>
    public TimeSpan? ReadTimeout { get; set; }

    /// <summary>
    /// The chain's block period when it makes blocks on a timer (Besu QBFT's blockperiodseconds; anvil --block-time);
    /// unset when blocks come only with transactions (hardhat and anvil automine). A head that stands still for three
    /// periods has stalled: the node then refuses data requests and reports itself unhealthy.
    /// </summary>
    public TimeSpan? BlockInterval { get; set; }
}

/// <summary>Anchor batching (<c>Ledger:Node:Batcher</c>).</summary>
public sealed class NodeBatcherOptions
{
    /// <summary>A batch is anchored as soon as this many records wait (1–65,536).</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>…or when the oldest waiting record is this many milliseconds old.</summary>
    public int MaxWaitMs { get; set; } = 5000;
}

/// <summary>Tax node settings (<c>Ledger:Node:Tax</c>).</summary>
public sealed class NodeTaxOptions
{
    /// <summary>
    /// The bureau's secret salt of credit-code hashes (32 bytes, hex): <c>keccak256(abi.encode(salt, code))</c> is what
    /// the chain sees. Keep it secret and never change it (every binding and consent names the salted hash).
    /// </summary>
    public string Salt { get; set; } = "";

    /// <summary>Taxpayers to generate on first start when the tax data is empty (0: none).</summary>
    public int SyntheticCount { get; set; }

    /// <summary>The seed of the synthetic data.</summary>
    public int SyntheticSeed { get; set; } = 1;
}

/// <summary>Bank node settings (<c>Ledger:Node:Bank</c>).</summary>
public sealed class NodeBankOptions
{
    /// <summary>The product table (JSON, docs/domain.md); empty: <c>ProductTable.Default</c>.</summary>
    public string ProductTable { get; set; } = "";
}
