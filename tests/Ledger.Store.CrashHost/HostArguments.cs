using System.Globalization;
using Ledger.Core.Model;

namespace Ledger.Store.CrashHost;

/// <summary>
/// <c>hold --store P --org O</c>: open the store and keep it open until killed.
/// <c>accept --store P --org O --records N</c>: accept records until the store holds N, printing ACK for each.
/// <c>parts --store P --org O --records N</c>: write N rounds of the store's other parts (held item, alert, auditor page,
/// taxpayer), printing ACK n after each round.
/// <c>anchor --store P --org O --records N --rpc URL --deployment FILE --key HEX [--batch-size B] [--max-wait-ms T]
/// [--kill-at STAGE --kill-at-batch K] [--accept-delay-ms D]</c>: the same, with the anchor batcher running against the chain, until every
/// record is anchored; with --kill-at the process SIGKILLs itself at that stage of batch K.
/// </summary>
internal sealed record HostArguments(
    string Mode,
    string Store,
    OrgId Organization,
    int Records,
    string? RpcUrl,
    string? DeploymentFile,
    string? Key,
    int BatchSize,
    int MaxWaitMs,
    string? KillAt,
    ulong KillAtBatch,
    int AcceptDelayMs)
{
    public static HostArguments Parse(string[] args)
    {
        if (args.Length == 0)
        {
            throw new ArgumentException("a mode is required: hold, accept or anchor");
        }
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value' at '{args[i]}'");
            }
            options[args[i][2..]] = args[i + 1];
        }
        string Required(string name) => options.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
        int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        return new HostArguments(
            args[0],
            Required("store"),
            OrgId.Parse(Required("org")),
            Int("records", 0),
            options.GetValueOrDefault("rpc"),
            options.GetValueOrDefault("deployment"),
            options.GetValueOrDefault("key"),
            Int("batch-size", 8),
            Int("max-wait-ms", 50),
            options.GetValueOrDefault("kill-at"),
            (ulong)Int("kill-at-batch", 1),
            Int("accept-delay-ms", 0));
    }
}
