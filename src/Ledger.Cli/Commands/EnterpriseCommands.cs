using System.CommandLine;
using System.Globalization;
using Ledger.Core.Model;
using Ledger.Core.Records;
using Ledger.Sdk;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger enterprise consents|accesses|trail</c>: the enterprise's own view, authenticating with its own key (the
/// account its tax bureau bound to its credit-code hash), never a member's — the consents it gave, to anyone, with their
/// state and use; every access and refusal the tax node recorded under them; and its whole trail (the tax node's
/// records and each consumer bank's — deletion receipts, decisions), each verified against the chain. The tax node is
/// <c>--node</c> or the local consortium's tax node; the chain <c>--rpc</c>/<c>--deployment</c> or the consortium's.
/// </summary>
public sealed class EnterpriseCommands : ICommandGroup
{
    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var enterprise = new Command("enterprise", "The enterprise's own view, signed with its own key: its consents and who accessed its data.");
        enterprise.Subcommands.Add(Consents(globals));
        enterprise.Subcommands.Add(Accesses(globals));
        enterprise.Subcommands.Add(Trail(globals));
        return enterprise;
    }

    private static Option<string> KeyOption() => new("--enterprise-key")
    {
        Description = "The enterprise's wallet key file (the account its tax bureau bound). It signs the request here and is never sent.",
        Required = true,
        HelpName = "FILE",
    };

    private static async Task<EnterpriseConnection> ConnectAsync(CliContext context, Option<string> key, CancellationToken cancellationToken)
    {
        // The wallet signs every call of the connection: it lives (and its key is cleared) with the command.
        var wallet = context.Own(ConsentCommands.OpenWallet(context, context.Get(key)));
        var url = context.NodeUrl(null, "tax");
        return context.Own(await EnterpriseConnection.ConnectAsync(url, wallet, new LedgerConnectionOptions { Tls = context.TlsFor(url) }, cancellationToken).ConfigureAwait(false));
    }

    private static Command Consents(GlobalOptions globals)
    {
        var key = KeyOption();
        var active = new Option<bool>("--active") { Description = "Only consents usable now." };
        var command = new Command("consents", "List every consent the enterprise gave (any bank or guarantor), with its state, purpose and fetches used.")
        {
            key, active,
        };
        globals.Listing(command);
        globals.Run(command, async (context, cancellationToken) =>
        {
            var self = await ConnectAsync(context, key, cancellationToken).ConfigureAwait(false);
            var consents = await self.MyConsentsAsync(context.Get(active), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new { consents = consents.Select(ConsentCommands.DetailsJson) });
                return CliErrors.Ok;
            }
            var table = CliContext.NewTable("Consent", "Consumer", "Provider", "Purpose", "Scopes", "Status", "Valid until", "Fetches");
            foreach (var item in consents)
            {
                table.AddRow(
                    item.ConsentId.ToString(),
                    Markup.Escape(item.Consumer.Code),
                    Markup.Escape(item.Provider.Code),
                    ConsentCommands.PurposeWord(item.Purpose),
                    CliParse.ScopesText(item.Scopes),
                    CliParse.Status(item.Status),
                    CliParse.Time(item.ValidUntil),
                    ConsentCommands.FetchesText(item));
            }
            context.WriteList(table, $"{consents.Count} consents.");
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command Accesses(GlobalOptions globals)
    {
        var key = KeyOption();
        var consent = new Option<string?>("--consent") { Description = "Only the records under this consent of the enterprise's.", HelpName = "ID" };
        var utc = new Option<bool>("--utc") { Description = "Print times in UTC (default: China time, UTC+8)." };
        var command = new Command(
            "accesses",
            "List every access to the enterprise's data and every refused request the tax node recorded under its consents, oldest first, with who asked, what, and where the record is anchored.")
        {
            key, consent, utc,
        };
        globals.Listing(command);
        globals.Run(command, async (context, cancellationToken) =>
        {
            var only = context.Get(consent) is { } c ? CliParse.ConsentId(c, "--consent") : (ConsentId?)null;
            var self = await ConnectAsync(context, key, cancellationToken).ConfigureAwait(false);
            var found = await self.MyAccessesAsync(only, cancellationToken).ConfigureAwait(false);
            var rows = found.Records.Select(Row).ToList();
            if (context.Json)
            {
                context.WriteJson(new
                {
                    creditCodeHash = found.CreditCodeHash.ToString(),
                    records = rows.Select(r => new
                    {
                        type = r.Record.Type,
                        recordHash = r.Record.Hash.ToString(),
                        sequence = r.Record.Sequence,
                        consentId = r.Consent.ToString(),
                        consumer = r.Consumer,
                        scopes = CliParse.ScopesText(r.Scopes),
                        timeMs = r.TimeMs,
                        outcome = r.Outcome,
                        anchoredInBlock = r.Record.Anchor.AnchoredInBlock,
                        batchId = r.Record.Anchor.BatchId?.ToString(),
                    }),
                });
                return CliErrors.Ok;
            }
            var inUtc = context.Get(utc);
            var table = CliContext.NewTable("Time", "Outcome", "Consumer", "Scopes", "Consent", "Anchored");
            foreach (var row in rows)
            {
                table.AddRow(
                    AuditCommands.TimeText(row.TimeMs, inUtc),
                    row.Outcome == "served" ? "[green]served[/]" : $"[yellow]{Markup.Escape(row.Outcome)}[/]",
                    Markup.Escape(row.Consumer),
                    CliParse.ScopesText(row.Scopes),
                    CliParse.Abbreviate(row.Consent.ToString()),
                    row.Record.Anchor.AnchoredInBlock > 0
                        ? string.Create(CultureInfo.InvariantCulture, $"block {row.Record.Anchor.AnchoredInBlock}")
                        : "pending");
            }
            var served = rows.Count(r => r.Outcome == "served");
            context.WriteList(table, string.Create(CultureInfo.InvariantCulture,
                $"{rows.Count} record(s) about enterprise {CliParse.Abbreviate(found.CreditCodeHash.ToString())}: {served} served, {rows.Count - served} refused. Each record's hash was recomputed from its fields."));
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command Trail(GlobalOptions globals)
    {
        var key = KeyOption();
        var utc = new Option<bool>("--utc") { Description = "Print times in UTC (default: China time, UTC+8)." };
        var command = new Command(
            "trail",
            "The enterprise's whole trail, oldest first: every access, refusal and alert delivery at the tax node and every deletion receipt and decision at the banks it consented to, each checked against the chain (hash, Merkle proof, anchored root). Exits 1 when anything failed or a node could not be asked.")
        {
            key, utc,
        };
        globals.Listing(command);
        globals.Run(command, async (context, cancellationToken) =>
        {
            var wallet = context.Own(ConsentCommands.OpenWallet(context, context.Get(key)));
            var url = context.NodeUrl(null, "tax");
            var chain = await context.OpenChainAsync(cancellationToken).ConfigureAwait(false);
            var trail = await EnterpriseTrails.GatherAsync(
                url, wallet, new ChainTrailReader(chain.Rpc, chain.Deployment), new LedgerConnectionOptions { Tls = context.TlsFor(url) }, cancellationToken).ConfigureAwait(false);
            var unreached = trail.Sources.Where(s => s.Problem is not null).ToList();
            var failure = trail.Failed > 0 || !trail.Complete
                ? string.Join(" ", new[]
                {
                    trail.Failed > 0 ? string.Create(CultureInfo.InvariantCulture, $"{trail.Failed} record(s) of the trail failed verification against the chain.") : null,
                    unreached.Count > 0 ? $"The trail is incomplete: {string.Join("; ", unreached.Select(s => s.Problem!.TrimEnd('.')))}." : null,
                    trail.Gaps.Count > 0 ? $"Records are missing: {string.Join(" ", trail.Gaps)}" : null,
                }.Where(t => t is not null))
                : null;
            if (context.Json)
            {
                context.WriteJson(new
                {
                    creditCodeHash = trail.CreditCodeHash.ToString(),
                    complete = trail.Complete,
                    verified = trail.Verified,
                    pending = trail.Pending,
                    failed = trail.Failed,
                    entries = trail.Entries.Select(e => new
                    {
                        timeMs = e.TimeMs,
                        kind = KindWord(e.Kind),
                        what = e.What,
                        who = e.Who.Code,
                        consentId = e.Consent.ToString(),
                        keptBy = e.Source.Code,
                        type = e.Record.Type,
                        recordHash = e.Record.Anchor.RecordHash.ToString(),
                        sequence = e.Record.Sequence,
                        status = e.Status.ToString().ToLowerInvariant(),
                        anchoredInBlock = e.AnchoredInBlock,
                        batchId = e.Record.Anchor.BatchId?.ToString(),
                        problem = e.Problem,
                        alert = e.Alert is null ? null : new { id = e.Alert.AlertId, kind = e.Alert.Kind.Word(), raisedAtMs = e.Alert.RaisedAtMs, summary = e.Alert.Summary },
                    }),
                    gaps = trail.Gaps,
                    sources = trail.Sources.Select(s => new { org = s.Org.Code, role = s.Role.ToString().ToLowerInvariant(), endpoint = s.Endpoint, records = s.Records, problem = s.Problem, note = s.Note }),
                    consents = trail.Consents.Select(ConsentCommands.DetailsJson),
                    error = failure is null ? null : new { code = CliErrors.TrailNotVerifiedCode, message = failure, exitCode = CliErrors.Refused },
                });
            }
            else
            {
                var inUtc = context.Get(utc);
                var table = CliContext.NewTable("Time", "What", "Who", "Consent", "Kept by", "Verified");
                foreach (var e in trail.Entries)
                {
                    table.AddRow(
                        AuditCommands.TimeText(e.TimeMs, inUtc),
                        e.Kind == EnterpriseTrailKind.Refused ? $"[yellow]{Markup.Escape(e.What)}[/]" : Markup.Escape(e.What),
                        Markup.Escape(e.Who.Code),
                        CliParse.Abbreviate(e.Consent.ToString()),
                        Markup.Escape(e.Source.Code),
                        e.Status switch
                        {
                            TrailVerdict.Verified => string.Create(CultureInfo.InvariantCulture, $"[green]anchored in block {e.AnchoredInBlock}, proof checked[/]"),
                            TrailVerdict.Pending => "[yellow]pending[/]",
                            _ => $"[red]FAILED: {Markup.Escape(e.Problem ?? "")}[/]",
                        });
                }
                var notes = string.Concat(trail.Sources.Where(s => s.Note is not null).Select(s => $"\n[grey]{Markup.Escape(s.Org.Code)}: {Markup.Escape(s.Note!)}[/]"));
                context.WriteList(table, string.Create(CultureInfo.InvariantCulture,
                    $"{trail.Entries.Count} record(s) about enterprise {CliParse.Abbreviate(trail.CreditCodeHash.ToString())} from {trail.Sources.Count(s => s.Problem is null && s.Note is null)} node(s), under {trail.Consents.Count} consent(s): {trail.Verified} verified against the chain, {trail.Pending} pending, {trail.Failed} failed.") + notes);
            }
            if (failure is not null)
            {
                await context.Environment.Error.WriteLineAsync($"{CliErrors.TrailNotVerifiedCode}: {failure}").ConfigureAwait(false);
                return CliErrors.Refused;
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static string KindWord(EnterpriseTrailKind kind) => kind switch
    {
        EnterpriseTrailKind.Served => "served",
        EnterpriseTrailKind.Refused => "refused",
        EnterpriseTrailKind.AlertDelivered => "alert-delivered",
        EnterpriseTrailKind.Deleted => "deleted",
        EnterpriseTrailKind.Decided => "decided",
        _ => "other",
    };

    private sealed record AccessRow(ExportedRecord Record, ConsentId Consent, string Consumer, Scopes Scopes, ulong TimeMs, string Outcome);

    private static AccessRow Row(ExportedRecord exported) => exported.Record switch
    {
        AccessRecord a => new AccessRow(exported, a.ConsentId, a.Consumer.Code, a.Scopes, a.ServedAtMs, "served"),
        RefusalRecord r => new AccessRow(exported, r.ConsentId, r.Consumer.Code, r.Scopes, r.RefusedAtMs, "refused: " + EnterpriseTrails.ReasonWords(r.Reason)),
        _ => new AccessRow(exported, default, "-", default, 0, exported.Type),
    };
}
