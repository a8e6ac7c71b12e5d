using System.CommandLine;
using System.Globalization;
using Ledger.Core.Errors;
using Ledger.Local;
using Ledger.Sdk;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger status</c>: asks every node of the consortium (or the one given with <c>--node</c>) who it is and where
/// it stands (<c>Node.GetInfo</c>, which needs no signature), beside what the description says of its process
/// (its id, the supervisor's state: restarting, given-up…, and restarts). Exits 2 when a node cannot be reached.
/// </summary>
public sealed class StatusCommand : ICommandGroup
{
    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var command = new Command("status", "Show every node of the consortium (or --node): organization, role, chain position, version.");
        globals.Run(command, async (context, cancellationToken) =>
        {
            var targets = context.NodeOption is { } url
                ? [(Org: (string?)null, Role: (string?)null, Url: CliParse.Url(url, "--node"), Described: (NodeDescription?)null)]
                : context.Consortium().Nodes.Select(n => (Org: (string?)n.Org, Role: (string?)n.Role, n.Url, Described: (NodeDescription?)n)).ToList();
            var results = await Task.WhenAll(targets.Select(t => AskAsync(context, t.Org, t.Role, t.Url, t.Described, cancellationToken))).ConfigureAwait(false);
            foreach (var failed in results.Where(r => r.Error is not null))
            {
                context.Environment.Error.WriteLine($"{failed.Error!.Code}: {failed.Error.Message}");
            }
            if (context.Json)
            {
                context.WriteJson(new
                {
                    nodes = results.Select(r => new
                    {
                        org = r.Info?.Organization.Code ?? r.Org,
                        role = r.Info?.Role ?? r.Role,
                        url = r.Url,
                        reachable = r.Info is not null,
                        chainId = r.Info?.ChainId.ToString(CultureInfo.InvariantCulture),
                        @operator = r.Info?.Operator.ToString(),
                        latestBlock = r.Info?.LatestBlock,
                        indexedBlock = r.Info?.IndexedBlock,
                        version = r.Info?.Version,
                        strongMode = r.Info?.StrongMode,
                        processId = r.Described?.ProcessId,
                        supervision = r.Described?.State,
                        restarts = r.Described?.Restarts,
                        chainDegraded = r.Info?.ChainDegraded,
                        chainDegradedReason = r.Info is { ChainDegraded: true } ? r.Info.ChainDegradedReason : null,
                        chainDegradedSince = r.Info?.ChainDegradedSince?.ToString("O", CultureInfo.InvariantCulture),
                        lastOutageMs = r.Info?.LastOutage is { } outage ? (long?)outage.TotalMilliseconds : null,
                        lastOutageEnded = r.Info?.LastOutageEnded?.ToString("O", CultureInfo.InvariantCulture),
                        health = r.Health,
                        healthReasons = r.HealthReasons,
                        error = r.Error is null ? null : new { code = r.Error.Code, message = r.Error.Message },
                    }),
                });
            }
            else
            {
                var table = CliContext.NewTable("Org", "Role", "URL", "State", "Chain", "Block", "Indexed", "Version", "Strong mode");
                foreach (var r in results)
                {
                    table.AddRow(
                        Markup.Escape(r.Info?.Organization.Code ?? r.Org ?? "?"),
                        Markup.Escape(r.Info?.Role ?? r.Role ?? "?"),
                        Markup.Escape(r.Url),
                        State(r.Info, r.Described, r.Health, r.HealthReasons),
                        r.Info?.ChainId.ToString(CultureInfo.InvariantCulture) ?? "-",
                        r.Info?.LatestBlock.ToString(CultureInfo.InvariantCulture) ?? "-",
                        r.Info?.IndexedBlock.ToString(CultureInfo.InvariantCulture) ?? "-",
                        Markup.Escape(r.Info?.Version ?? "-"),
                        r.Info is null ? "-" : r.Info.StrongMode ? "yes" : "no");
                }
                context.Console.Write(table);
            }
            return results.Any(r => r.Error is not null) ? CliErrors.UnusableInput : CliErrors.Ok;
        });
        return command;
    }

    // Ready, or degraded with why and since when (the node refuses data while its chain view is stale), and the last
    // outage once one has ended; unreachable with the supervisor's word (restarting, given-up) when it has one, and how
    // often the node was restarted.
    private static string State(NodeDetails? info, NodeDescription? described, string? health = null, IReadOnlyList<string>? healthReasons = null)
    {
        if (info is null)
        {
            return described?.State is { } state and not "running" ? $"[red]unreachable[/] ({Markup.Escape(state)})" : "[red]unreachable[/]";
        }
        if (info.ChainDegraded)
        {
            var since = info.ChainDegradedSince is { } at ? $" since {at.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm:ss} (UTC+8)" : "";
            return $"[red]chain degraded{Markup.Escape(since)}[/]: {Markup.Escape(info.ChainDegradedReason)}";
        }
        // The health check's verdict on the other signals (indexer lag, anchoring backlog, store, disk; docs/observability.md).
        if (health is "unhealthy" or "degraded")
        {
            var colour = health == "unhealthy" ? "red" : "yellow";
            return $"[{colour}]{health}[/]: {Markup.Escape(string.Join("; ", healthReasons ?? []))}";
        }
        var notes = new List<string>();
        if (info.LastOutage is { } outage)
        {
            notes.Add($"last chain outage {outage.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s");
        }
        if (described?.Restarts is > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"restarted {described.Restarts}×"));
        }
        return notes.Count == 0 ? "[green]ready[/]" : $"[green]ready[/] ({string.Join("; ", notes)})";
    }

    private sealed record NodeStatus(string? Org, string? Role, string Url, NodeDetails? Info, LedgerException? Error)
    {
        public NodeDescription? Described { get; init; }

        /// <summary>The node's health word (serving, degraded, unhealthy; null from a node that does not say).</summary>
        public string? Health { get; init; }

        public IReadOnlyList<string>? HealthReasons { get; init; }
    }

    private static async Task<NodeStatus> AskAsync(CliContext context, string? org, string? role, string url, NodeDescription? described, CancellationToken cancellationToken) =>
        await AskNodeAsync(context, org, role, url, cancellationToken).ConfigureAwait(false) with { Described = described };

    private static async Task<NodeStatus> AskNodeAsync(CliContext context, string? org, string? role, string url, CancellationToken cancellationToken)
    {
        try
        {
            // Reached as any connection is: over TLS, the node's certificate checked by pin (or plaintext with the flag).
            var tls = context.TlsFor(url);
            var info = await LedgerConnection.DescribeAsync(url, new LedgerConnectionOptions { CallTimeout = TimeSpan.FromSeconds(5), Tls = tls }, cancellationToken).ConfigureAwait(false);
            return new NodeStatus(org, role, url, info, null)
            {
                Health = info.Health,
                HealthReasons = info.HealthReasons,
            };
        }
        catch (LedgerException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new NodeStatus(org, role, url, null, ex);
        }
    }
}
