using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Sdk;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger alerts watch</c>: streams the early-warning alerts (风险预警) of the enterprises the acting bank or
/// guarantor is exposed to — rating downgrades, overdue repayments, defaults, fund-flow deviations, revoked consents —
/// from its own node, as they happen, until Ctrl-C (or <c>--count</c> alerts). With <c>--json</c> each alert is one JSON
/// object on one line (JSON Lines), so a script can read them as they come.
/// </summary>
public sealed class AlertsCommands : ICommandGroup
{
    private static readonly string CallerRole = Core.Model.RoleWords.Word(Core.Model.Role.Bank);

    private static readonly JsonSerializerOptions JsonLine = new(CliContext.JsonOptions) { WriteIndented = false };

    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var alerts = new Command("alerts", "Early-warning alerts for banks and guarantors.");
        alerts.Subcommands.Add(Watch(globals));
        return alerts;
    }

    private static Command Watch(GlobalOptions globals)
    {
        var kinds = new Option<string?>("--kinds")
        {
            Description = $"Only these kinds, comma-separated: {string.Join(", ", LendingParse.AlertWords.Select(a => a.Word))} "
                + "(controller-change is reserved; not raised yet: no on-chain source of controller changes).",
            HelpName = "LIST",
        };
        var enterprise = new Option<string?>("--enterprise") { Description = "Only this enterprise's alerts: its credit code, its registered name or its credit-code hash.", HelpName = "CODE|NAME|HASH" };
        var after = new Option<string?>("--after")
        {
            Description = "Start after this alert id (resume), or 0 for every alert the node keeps; default: live alerts only.",
            HelpName = "ID",
        };
        var count = new Option<uint?>("--count") { Description = "Stop after this many alerts (default: run until Ctrl-C).", HelpName = "N" };
        var command = new Command("watch",
            "Stream the alerts of the enterprises the acting bank or guarantor is exposed to (a loan, a guarantee or a valid consent), as they happen, until Ctrl-C. "
            + "--json: one JSON object per line.")
        {
            kinds, enterprise, after, count,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var afterId = context.Get(after)?.Trim();
            if (afterId is not null && (afterId.Length is 0 or > 32 || !afterId.All(char.IsAsciiDigit)))
            {
                throw CliErrors.BadArgument($"--after '{afterId}' is not an alert id; an alert id is a number such as 0000000000000042 (or 0 for every alert kept).");
            }
            var filter = new AlertFilter
            {
                Kinds = context.Get(kinds) is { } k ? LendingParse.AlertKinds(k, "--kinds") : [],
                Enterprise = context.Get(enterprise) is { } e ? await LendingParse.EnterpriseAsync(context, e, "--enterprise", CallerRole, cancellationToken).ConfigureAwait(false) : null,
                AfterId = afterId,
            };
            var limit = context.Get(count) is { } n ? LendingParse.Number(n, "--count", 1, uint.MaxValue) : ulong.MaxValue;
            var (caller, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            ulong received = 0;
            try
            {
                using var subscription = await node.Alerts.SubscribeAsync(filter, cancellationToken).ConfigureAwait(false);
                var watching = $"Watching the alerts of {caller.Organization.Code} at {node.Address}"
                    + (subscription.StartsAfterId is { } start ? $" (after alert {start})" : "") + "; Ctrl-C stops.";
                if (context.Json)
                {
                    // stdout carries only the alerts; the acknowledgement goes where progress goes for scripts.
                    await context.Environment.Error.WriteLineAsync(watching).ConfigureAwait(false);
                }
                else
                {
                    context.Progress(watching);
                }
                await foreach (var alert in subscription.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    if (context.Json)
                    {
                        await context.Environment.Out.WriteLineAsync(JsonSerializer.Serialize(AlertJson(alert), JsonLine)).ConfigureAwait(false);
                        await context.Environment.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        PrintAlert(context, alert);
                    }
                    if (++received >= limit)
                    {
                        return CliErrors.Ok;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C is how a watch ends: not an interruption of unfinished work.
                if (!context.Json)
                {
                    context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"Stopped after {received} alert(s)."));
                }
                return CliErrors.Ok;
            }
            throw new LedgerException(Sdk.SdkErrors.UnreachableCode, ErrorCategory.Unavailable,
                string.Create(CultureInfo.InvariantCulture, $"The node at {node.Address} closed the alert stream after {received} alert(s) (it stopped); watch again with --after and the last id to resume."));
        });
        return command;
    }

    private static object AlertJson(LedgerAlert alert) => new
    {
        id = alert.Id,
        kind = LendingParse.AlertWord(alert.Kind),
        enterpriseHash = alert.Enterprise.ToString(),
        loanId = alert.Loan?.ToString(),
        consentId = alert.Consent?.ToString(),
        summary = alert.Summary,
        details = alert.Details,
        block = alert.BlockNumber == 0 ? (ulong?)null : alert.BlockNumber,
        tx = alert.TxHash?.ToString(),
        raisedAtMs = alert.RaisedAtMs,
        source = alert.Source.Code,
    };

    private static void PrintAlert(CliContext context, LedgerAlert alert)
    {
        var colour = alert.Kind is AlertKind.Default or AlertKind.FundFlowDeviation ? "red" : "yellow";
        var time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(alert.RaisedAtMs, 253402300799999UL)).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var subject = alert.Loan is { } loan ? $"loan {CliParse.Abbreviate(loan.ToString())}" : $"enterprise {CliParse.Abbreviate(alert.Enterprise.ToString())}";
        context.Console.MarkupLine(
            $"{time}  [{colour}]{LendingParse.AlertWord(alert.Kind)}[/]  {Markup.Escape(subject)}  {Markup.Escape(alert.Summary)}  [grey](#{Markup.Escape(alert.Id)} from {Markup.Escape(alert.Source.Code)})[/]");
    }
}
