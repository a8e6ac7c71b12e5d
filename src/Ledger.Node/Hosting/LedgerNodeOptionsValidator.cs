using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Microsoft.Extensions.Options;

namespace Ledger.Node.Hosting;

/// <summary>
/// Checks a node's configuration before anything starts. Each failure is one sentence naming the setting (as an
/// environment variable too) and what to put there.
/// </summary>
public sealed class LedgerNodeOptionsValidator : IValidateOptions<LedgerNodeOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, LedgerNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Fail(string sentence) => failures.Add(sentence);

        if (string.IsNullOrWhiteSpace(options.Org))
        {
            Fail("Ledger:Node:Org is not set; set it to the organization code this node serves, e.g. Ledger__Node__Org=tax.liuzhou.");
        }
        else
        {
            try
            {
                _ = OrgId.FromCode(options.Org);
            }
            catch (ArgumentException)
            {
                Fail($"Ledger:Node:Org '{options.Org}' is not an organization code; use 1 to 31 printable ASCII characters without spaces, e.g. bank.ccb.");
            }
        }
        if (options.Role is null)
        {
            Fail("Ledger:Node:Role is not set; set it to tax, bank, guarantor, regulator or auditor (e.g. Ledger__Node__Role=bank).");
        }
        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            Fail("Ledger:Node:DataDir is not set; set it to the folder where the node keeps its store, e.g. Ledger__Node__DataDir=data/tax.");
        }
        var mode = options.Tls.Mode?.Trim().ToLowerInvariant();
        if (mode is not (NodeTlsOptions.Required or NodeTlsOptions.PlaintextDevelopment))
        {
            Fail($"Ledger:Node:Tls:Mode '{options.Tls.Mode}' is not one of tls (the default) or plaintext-development.");
        }
        if (!TryParseListen(options.Listen, out _, out _, Uri.UriSchemeHttps) && !TryParseListen(options.Listen, out _, out _))
        {
            Fail($"Ledger:Node:Listen '{options.Listen}' is not an address the node can listen on; use https://HOST:PORT with an IP address or localhost, e.g. https://127.0.0.1:7101.");
        }
        if (string.IsNullOrWhiteSpace(options.KeyStoreFile))
        {
            Fail("Ledger:Node:KeyStoreFile is not set; create a key store with `ledger-node keys init --file FILE` and set Ledger__Node__KeyStoreFile=FILE.");
        }
        if (string.IsNullOrWhiteSpace(options.KeyStorePasswordEnv))
        {
            Fail("Ledger:Node:KeyStorePasswordEnv is empty; name the environment variable that holds the key store password (default LEDGER_KEYSTORE_PASSWORD).");
        }
        if (string.IsNullOrWhiteSpace(options.Chain.RpcUrl))
        {
            Fail("Ledger:Node:Chain:RpcUrl is not set; set it to the chain node's JSON-RPC address, e.g. Ledger__Node__Chain__RpcUrl=http://127.0.0.1:8545.");
        }
        else if (!Uri.TryCreate(options.Chain.RpcUrl, UriKind.Absolute, out var rpc) || (rpc.Scheme != Uri.UriSchemeHttp && rpc.Scheme != Uri.UriSchemeHttps))
        {
            Fail($"Ledger:Node:Chain:RpcUrl '{options.Chain.RpcUrl}' is not an http(s) URL such as http://127.0.0.1:8545.");
        }
        if (string.IsNullOrWhiteSpace(options.Chain.DeploymentFile))
        {
            Fail("Ledger:Node:Chain:DeploymentFile is not set; set it to the deployments/<network>.json written when the contracts were deployed.");
        }
        if (options.Chain.FinalityDepth > 64)
        {
            Fail($"Ledger:Node:Chain:FinalityDepth {options.Chain.FinalityDepth} is too deep; use 0 to 64 blocks (2 suits a QBFT consortium).");
        }
        if (options.Chain.PollInterval is { } poll && (poll <= TimeSpan.Zero || poll > TimeSpan.FromMinutes(1)))
        {
            Fail($"Ledger:Node:Chain:PollInterval {poll} is outside (0, 1 minute]; use e.g. 00:00:01.");
        }
        if (options.Chain.MaxCheckAge is { } maxAge && (maxAge <= TimeSpan.Zero || maxAge > TimeSpan.FromSeconds(10)))
        {
            Fail($"Ledger:Node:Chain:MaxCheckAge {maxAge} is outside (0, 10 seconds]; a consent check older than that is not a check. Use e.g. 00:00:01.");
        }
        if (options.Chain.ReadTimeout is { } readTimeout && (readTimeout <= TimeSpan.Zero || readTimeout > TimeSpan.FromMinutes(2)))
        {
            Fail($"Ledger:Node:Chain:ReadTimeout {readTimeout} is outside (0, 2 minutes]; use e.g. 00:00:02.");
        }
        if (options.Chain.BlockInterval is { } blockInterval && (blockInterval <= TimeSpan.Zero || blockInterval > TimeSpan.FromHours(1)))
        {
            Fail($"Ledger:Node:Chain:BlockInterval {blockInterval} is outside (0, 1 hour]; set it to the chain's block period (e.g. 00:00:02 for QBFT blockperiodseconds 2), or leave it unset for a chain that makes blocks only with transactions.");
        }
        if (options.Batcher.MaxBatch is < 1 or > 65_536)
        {
            Fail($"Ledger:Node:Batcher:MaxBatch {options.Batcher.MaxBatch} is outside 1..65536.");
        }
        if (options.Batcher.MaxWaitMs is < 0 or > 86_400_000)
        {
            Fail($"Ledger:Node:Batcher:MaxWaitMs {options.Batcher.MaxWaitMs} is outside 0..86400000 (one day).");
        }
        if (options.Role == NodeRole.Tax)
        {
            if (!Hash32.TryParse(NormalizeHex(options.Tax.Salt), out var salt) || salt.IsZero)
            {
                Fail("Ledger:Node:Tax:Salt is not 32 bytes of hex; a tax node needs its secret credit-code salt, e.g. Ledger__Node__Tax__Salt=0x…(64 hex digits), and must keep it for good.");
            }
            if (options.Tax.SyntheticCount is < 0 or > 100_000)
            {
                Fail($"Ledger:Node:Tax:SyntheticCount {options.Tax.SyntheticCount} is outside 0..100000.");
            }
        }
        if (options.StrongMode && options.Role is not null && options.Role != NodeRole.Tax)
        {
            Fail("Ledger:Node:StrongMode is for tax nodes only (it records each data access on chain); remove it from this node's configuration.");
        }
        if (options.Role == NodeRole.Bank && !string.IsNullOrWhiteSpace(options.Bank.ProductTable) && !File.Exists(options.Bank.ProductTable))
        {
            Fail($"Ledger:Node:Bank:ProductTable '{options.Bank.ProductTable}' does not exist; point it at the bank's product table JSON, or remove it to use the default table.");
        }
        if (options.Auditor.SyncInterval < TimeSpan.Zero || options.Auditor.SyncInterval > global::Ledger.Node.Auditor.NodeAuditorOptions.MaxSyncInterval)
        {
            Fail($"Ledger:Node:Auditor:SyncInterval {options.Auditor.SyncInterval} is outside 0 (off) .. 1 day; use e.g. 00:00:30.");
        }
        if (options.Auditor.IndexerWait < TimeSpan.Zero || options.Auditor.IndexerWait > TimeSpan.FromMinutes(10))
        {
            Fail($"Ledger:Node:Auditor:IndexerWait {options.Auditor.IndexerWait} is outside 0 .. 10 minutes; use e.g. 00:00:15.");
        }
        if (!string.IsNullOrWhiteSpace(options.Metrics.Listen))
        {
            if (!TryParseListen(options.Metrics.Listen, out _, out var metricsPort))
            {
                Fail($"Ledger:Node:Metrics:Listen '{options.Metrics.Listen}' is not an address the node can listen on; use http://HOST:PORT with an IP address or localhost, e.g. http://127.0.0.1:9464, or leave it empty for no metrics endpoint.");
            }
            else if ((TryParseListen(options.Listen, out _, out var grpcPort, Uri.UriSchemeHttps) || TryParseListen(options.Listen, out _, out grpcPort)) && grpcPort == metricsPort)
            {
                Fail($"Ledger:Node:Metrics:Listen '{options.Metrics.Listen}' uses the port of Ledger:Node:Listen; the metrics endpoint speaks HTTP/1.1 and needs a port of its own, e.g. http://127.0.0.1:9464.");
            }
        }
        if (!Observability.NodeTracingOptions.Exporters.Contains(options.Tracing.Exporter.Trim().ToLowerInvariant()))
        {
            Fail($"Ledger:Node:Tracing:Exporter '{options.Tracing.Exporter}' is not one of none, console, otlp.");
        }
        if (!string.IsNullOrWhiteSpace(options.Tracing.OtlpEndpoint)
            && (!Uri.TryCreate(options.Tracing.OtlpEndpoint, UriKind.Absolute, out var otlp) || (otlp.Scheme != Uri.UriSchemeHttp && otlp.Scheme != Uri.UriSchemeHttps)))
        {
            Fail($"Ledger:Node:Tracing:OtlpEndpoint '{options.Tracing.OtlpEndpoint}' is not an http(s) URL such as http://127.0.0.1:4317.");
        }
        foreach (var problem in options.Health.Problems())
        {
            Fail(problem);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The salt as 0x-prefixed hex.</summary>
    internal static string NormalizeHex(string? hex) =>
        string.IsNullOrWhiteSpace(hex) ? "" : hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex.Trim() : "0x" + hex.Trim();

    /// <summary>
    /// The TLS rules of the listening address, once the options are otherwise valid: <c>https://</c> by default;
    /// <c>http://</c> only with the development flag, and then on loopback only. Null when they hold.
    /// </summary>
    internal static string? TlsProblem(LedgerNodeOptions options)
    {
        var https = TryParseListen(options.Listen, out _, out _, Uri.UriSchemeHttps);
        if (!options.Tls.IsPlaintext)
        {
            return https ? null
                : $"Ledger:Node:Listen '{options.Listen}' is plain HTTP, and a node serves HTTP/2 over TLS only; listen on https://HOST:PORT (e.g. https://127.0.0.1:7101). "
                + "Only for development on one machine, set Ledger:Node:Tls:Mode=plaintext-development to serve plaintext on a loopback address.";
        }
        if (https)
        {
            return $"Ledger:Node:Tls:Mode is plaintext-development, but Ledger:Node:Listen '{options.Listen}' is https; listen on http://127.0.0.1:PORT for plaintext development, or remove the development flag.";
        }
        _ = TryParseListen(options.Listen, out var host, out _);
        return host == "localhost" || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip)) ? null
            : $"Ledger:Node:Tls:Mode=plaintext-development serves on loopback only, and Ledger:Node:Listen '{options.Listen}' is not a loopback address; use http://127.0.0.1:PORT, or remove the development flag and listen on https://.";
    }

    /// <summary>Parses <c>SCHEME://HOST:PORT</c> (HOST an IP address or localhost; scheme http unless given).</summary>
    internal static bool TryParseListen(string? listen, out string host, out int port, string scheme = "http")
    {
        host = "";
        port = 0;
        if (!Uri.TryCreate(listen, UriKind.Absolute, out var uri) || uri.Scheme != scheme
            || uri.IsDefaultPort && !listen!.Contains(scheme == Uri.UriSchemeHttps ? ":443" : ":80", StringComparison.Ordinal))
        {
            return false;
        }
        if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
        {
            return false;
        }
        host = uri.Host;
        port = uri.Port;
        return port is > 0 and <= 65535
            && (host == "localhost" || System.Net.IPAddress.TryParse(host.Trim('[', ']'), out _));
    }
}
