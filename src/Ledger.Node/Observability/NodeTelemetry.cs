using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ledger.Core.Model;
using Ledger.Core.Records;

namespace Ledger.Node.Observability;

/// <summary>
/// The node's own telemetry: one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named
/// <c>Ledger.Node</c> (the store's and the chain adapter's are <c>Ledger.Store</c> and <c>Ledger.Chain</c>). Every
/// instrument and its labels are listed in docs/observability.md. Labels never carry personal data: no credit code, name,
/// enterprise hash or account — only method names, status words, LEDGER codes and refusal reasons, all from fixed sets.
/// </summary>
public static class NodeTelemetry
{
    /// <summary>The name of the node's meter and activity source.</summary>
    public const string Name = "Ledger.Node";

    /// <summary>Label values: the gRPC method, the gRPC status word, the LEDGER code (<c>none</c> for OK).</summary>
    public const string MethodLabel = "method";

    /// <summary>The gRPC status word label (<c>OK</c>, <c>PERMISSION_DENIED</c>, …).</summary>
    public const string StatusLabel = "status";

    /// <summary>The LEDGER-NNNN code label (<c>none</c> when the answer has no code).</summary>
    public const string CodeLabel = "code";

    /// <summary>The refusal reason label (snake-case words of <see cref="AccessStatus"/> and <see cref="RefusalReason"/>).</summary>
    public const string ReasonLabel = "reason";

    /// <summary>Whether the refusal was kept as a refusal record (<c>true</c>/<c>false</c>).</summary>
    public const string RecordedLabel = "recorded";

    /// <summary>The label value of a method that is not one of the node's (no cardinality from arbitrary paths).</summary>
    public const string UnknownMethod = "unknown";

    /// <summary>Trace attribute: the consent a request is about (a public EIP-712 digest).</summary>
    public const string ConsentIdAttribute = "ledger.consent_id";

    /// <summary>Trace attribute: the record the request made (access or refusal record hash).</summary>
    public const string RecordHashAttribute = "ledger.record_hash";

    /// <summary>Trace attribute: the LEDGER code of a failed request.</summary>
    public const string CodeAttribute = "ledger.code";

    /// <summary>The node's activity source: one server span per gRPC request.</summary>
    public static readonly ActivitySource Source = new(Name, typeof(NodeTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The node's meter.</summary>
    public static readonly Meter Meter = new(Name, typeof(NodeTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary><c>ledger.node.rpc.requests</c>: gRPC requests answered, by method, status and code.</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "ledger.node.rpc.requests", unit: "{request}", description: "gRPC requests answered by the node, by method, gRPC status and LEDGER code.");

    /// <summary><c>ledger.node.rpc.duration</c>: time from a request's arrival to its answer (a stream's whole life), seconds.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "ledger.node.rpc.duration", unit: "s", description: "Time from a gRPC request's arrival to its answer (a stream's whole life), by method, gRPC status and LEDGER code.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    /// <summary><c>ledger.node.refusals</c>: refused requests by method, reason and whether a refusal record was kept.</summary>
    public static readonly Counter<long> Refusals = Meter.CreateCounter<long>(
        "ledger.node.refusals", unit: "{refusal}", description: "Requests the node refused, by method, reason and whether a refusal record was kept.");

    /// <summary><c>ledger.node.anchor.batch.size</c>: records per anchored batch.</summary>
    public static readonly Histogram<long> AnchorBatchSize = Meter.CreateHistogram<long>(
        "ledger.node.anchor.batch.size", unit: "{record}", description: "Records in each batch the node anchored.",
        tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384, 65536] });

    /// <summary><c>ledger.node.anchor.lag</c>: from the acceptance of a batch's oldest record to the anchor's confirmation, seconds.</summary>
    public static readonly Histogram<double> AnchorLag = Meter.CreateHistogram<double>(
        "ledger.node.anchor.lag", unit: "s", description: "Time from the acceptance of an anchored batch's oldest record to the anchor's confirmation.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600] });

    /// <summary>Counts a refusal (called where the node logs one; the label says whether it was recorded).</summary>
    public static void Refused(string method, byte reason, bool recorded)
    {
        if (!Refusals.Enabled)
        {
            return;
        }
        Refusals.Add(1,
            new KeyValuePair<string, object?>(MethodLabel, method),
            new KeyValuePair<string, object?>(ReasonLabel, ReasonWord(reason)),
            new KeyValuePair<string, object?>(RecordedLabel, recorded ? "true" : "false"));
    }

    /// <summary>
    /// The label word of a refusal reason byte: the registry's <see cref="AccessStatus"/> (0–63) or the node's
    /// <see cref="RefusalReason"/> (64 on), in snake case (<c>revoked</c>, <c>wrong_role</c>); <c>other</c> for any other byte.
    /// </summary>
    public static string ReasonWord(byte reason)
    {
        var name = reason < 64
            ? Enum.IsDefined((AccessStatus)reason) ? ((AccessStatus)reason).ToString() : null
            : Enum.IsDefined((RefusalReason)reason) ? ((RefusalReason)reason).ToString() : null;
        return name is null ? "other" : SnakeCase(name);
    }

    /// <summary><c>WrongRole</c> → <c>wrong_role</c>.</summary>
    internal static string SnakeCase(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                text.Append('_');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}
