using System.Diagnostics.Metrics;
using Ledger.Chain.Errors;
using Ledger.Core.Errors;

namespace Ledger.Chain.Rpc;

/// <summary>
/// The chain adapter's meter, <c>Ledger.Chain</c> (docs/observability.md): failed and retried JSON-RPC calls. The
/// labels are the kind of failure and its LEDGER code, never a call's arguments.
/// </summary>
public static class ChainTelemetry
{
    /// <summary>The meter's name.</summary>
    public const string Name = "Ledger.Chain";

    /// <summary>The chain adapter's meter.</summary>
    public static readonly Meter Meter = new(Name, typeof(ChainTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary><c>ledger.chain.rpc.errors</c>: chain calls that failed after their retries, by kind and code.</summary>
    public static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "ledger.chain.rpc.errors", unit: "{call}",
        description: "Chain JSON-RPC calls that failed after their retries, by kind (unavailable: unreachable or timed out; revert: a contract refused; rejected: any other node error) and LEDGER code.");

    /// <summary><c>ledger.chain.rpc.retries</c>: retries of chain calls after a transient fault.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "ledger.chain.rpc.retries", unit: "{retry}", description: "Chain JSON-RPC calls retried after a transient fault (unreachable, dropped, timed out).");

    /// <summary>Counts a failed call by the error it became.</summary>
    internal static void Failed(LedgerException error)
    {
        if (!Errors.Enabled)
        {
            return;
        }
        var kind = error switch
        {
            ChainUnavailableException => "unavailable",
            ContractRevertException => "revert",
            _ => "rejected",
        };
        Errors.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("code", error.Code));
    }
}
