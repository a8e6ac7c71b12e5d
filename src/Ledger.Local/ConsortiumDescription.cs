using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ledger.Local;

/// <summary>
/// A running local consortium as <c>ledger up</c> writes it to <c>out/consortium.json</c>, so other commands (and
/// other programs) reach its nodes and chain by organization code. Only public facts and file paths: no key, no
/// password. The format is documented in docs/cli.md.
/// </summary>
public sealed record ConsortiumDescription
{
    /// <summary>The format tag.</summary>
    public const string FormatTag = "ledger-consortium/1";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Always <see cref="FormatTag"/>.</summary>
    public string Format { get; init; } = FormatTag;

    /// <summary>When the consortium was started (UTC, ISO 8601).</summary>
    public string StartedAt { get; init; } = "";

    /// <summary>The process that runs it (<c>ledger up</c>), while it runs.</summary>
    public int? ProcessId { get; init; }

    /// <summary>The orchestrator's folder.</summary>
    public string WorkDir { get; init; } = "";

    /// <summary>
    /// Where the key stores' passwords come from: <c>environment</c> (the variable named by
    /// <see cref="KeyStorePasswordVariable"/> holds the password of every store) or <c>generated</c> (random secrets
    /// known only to the process that runs the consortium; other programs cannot open the stores).
    /// </summary>
    public string KeyStorePassword { get; init; } = "generated";

    /// <summary>The environment variable of the password when <see cref="KeyStorePassword"/> is <c>environment</c>.</summary>
    public string? KeyStorePasswordVariable { get; init; }

    /// <summary>The chain.</summary>
    public ChainDescription Chain { get; init; } = new();

    /// <summary>The nodes, in start order.</summary>
    public IReadOnlyList<NodeDescription> Nodes { get; init; } = [];

    /// <summary>
    /// The processes it names that are alive and are what it says (<see cref="LocalProcesses.IsAliveAs"/>, with each node's
    /// data folder and the chain's state file or port as evidence): nodes first, then a chain the orchestrator started.
    /// </summary>
    public IReadOnlyList<(string What, int ProcessId)> LiveProcesses()
    {
        var live = Nodes
            .Where(n => n.ProcessId is { } pid && LocalProcesses.IsAliveAs(pid, LocalProcessKind.Node, n.DataDir))
            .Select(n => (n.Org, n.ProcessId!.Value))
            .ToList();
        var chainEvidence = Chain.StateFile ?? (Uri.TryCreate(Chain.RpcUrl, UriKind.Absolute, out var url) ? url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        if (Chain.ProcessId is { } chain && LocalProcesses.IsAliveAs(chain, LocalProcessKind.Chain, chainEvidence))
        {
            live.Add(($"{Chain.Kind} chain", chain));
        }
        return live;
    }

    /// <summary>The node of an organization, or null.</summary>
    public NodeDescription? Node(string org) => Nodes.FirstOrDefault(n => string.Equals(n.Org, org, StringComparison.Ordinal));

    /// <summary>The JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes the description atomically (a temporary file renamed over the old one).</summary>
    public void Save(string file)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        var full = Path.GetFullPath(file);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(temp, ToJson() + "\n");
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Reads a description.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1654 when the file is missing or is not a consortium description.</exception>
    public static ConsortiumDescription Load(string file)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        var full = Path.GetFullPath(file);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw LocalErrors.Description(
                ex is FileNotFoundException or DirectoryNotFoundException
                    ? $"There is no consortium description at {full}; start a local consortium with `ledger up`, or name the node with --node URL (and the chain with --rpc URL --deployment FILE)."
                    : $"The consortium description {full} cannot be read ({ex.Message}).",
                ex);
        }
        ConsortiumDescription? description;
        try
        {
            description = JsonSerializer.Deserialize<ConsortiumDescription>(text, Json);
        }
        catch (JsonException ex)
        {
            throw LocalErrors.Description($"The consortium description {full} is not valid JSON ({ex.Message}); run `ledger up` again to rewrite it.", ex);
        }
        if (description is null || description.Format != FormatTag)
        {
            throw LocalErrors.Description($"The file {full} is not a {FormatTag} consortium description; run `ledger up` again to rewrite it.");
        }
        return description;
    }
}

/// <summary>The chain of a described consortium.</summary>
public sealed record ChainDescription
{
    /// <summary>hardhat, anvil or rpc.</summary>
    public string Kind { get; init; } = "";

    /// <summary>The JSON-RPC endpoint.</summary>
    public string RpcUrl { get; init; } = "";

    /// <summary>The chain id.</summary>
    public ulong ChainId { get; init; }

    /// <summary>The deployment file.</summary>
    public string DeploymentFile { get; init; } = "";

    /// <summary>The Consortium contract's address.</summary>
    public string Consortium { get; init; } = "";

    /// <summary>The anvil state file (anvil only).</summary>
    public string? StateFile { get; init; }

    /// <summary>The local chain node's process (hardhat, anvil).</summary>
    public int? ProcessId { get; init; }

    /// <summary>True when the well-known dev accounts are usable (a local chain): they fund and govern.</summary>
    public bool DevAccounts { get; init; }

    /// <summary>Under supervision (<c>ledger up</c>): running, restarting or given-up (a chain that is not the orchestrator's has none).</summary>
    public string? State { get; init; }

    /// <summary>Under supervision: how often the chain was restarted.</summary>
    public int? Restarts { get; init; }
}

/// <summary>A node of a described consortium.</summary>
public sealed record NodeDescription
{
    /// <summary>The organization code.</summary>
    public string Org { get; init; } = "";

    /// <summary>tax, bank, guarantor, regulator or auditor.</summary>
    public string Role { get; init; } = "";

    /// <summary>The member's display name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The node's gRPC address.</summary>
    public string Url { get; init; } = "";

    /// <summary>The operator account.</summary>
    public string Operator { get; init; } = "";

    /// <summary>The envelope encryption public key (hex).</summary>
    public string EncryptionKey { get; init; } = "";

    /// <summary>The pin of the node's TLS certificate (registered on chain); null when the node serves plaintext (development).</summary>
    public string? TlsPin { get; init; }

    /// <summary>The node's key store (encrypted).</summary>
    public string KeyStore { get; init; } = "";

    /// <summary>The node's data folder.</summary>
    public string DataDir { get; init; } = "";

    /// <summary>The node's log.</summary>
    public string Log { get; init; } = "";

    /// <summary>The node's process, while it runs.</summary>
    public int? ProcessId { get; init; }

    /// <summary>Under supervision (<c>ledger up</c>): running, restarting, given-up or stopped.</summary>
    public string? State { get; init; }

    /// <summary>Under supervision: how often the node was restarted (by the supervisor or by hand).</summary>
    public int? Restarts { get; init; }
}
