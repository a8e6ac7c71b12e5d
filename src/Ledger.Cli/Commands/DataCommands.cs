using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ledger.Core.Model;
using Ledger.Sdk;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger data fetch</c>: asks the tax node for an enterprise's report under a consent, as the acting bank or
/// guarantor (<c>--org</c>; default the consortium's first bank), then decrypts it with that member's encryption key and
/// checks it against the response hash the tax node recorded. (When the bank node's lending service exists, this goes
/// through the bank node instead.)
/// </summary>
public sealed class DataCommands : ICommandGroup
{
    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var data = new Command("data", "Consented data exchange.");
        var consent = new Option<string>("--consent") { Description = "The consent to fetch under (0x + 64 hex digits).", Required = true, HelpName = "ID" };
        var scopes = new Option<string?>("--scopes") { Description = "The scopes wanted (default: all the consent grants).", HelpName = "LIST" };
        var from = new Option<string?>("--from") { Description = "Start of the data period, yyyy-MM-dd (default: the consent's).", HelpName = "DATE" };
        var until = new Option<string?>("--until") { Description = "End of the data period, yyyy-MM-dd (default: the consent's).", HelpName = "DATE" };
        var purpose = new Option<string>("--purpose")
        {
            Description = "What the data is for: credit-assessment (default), post-loan, guarantee or rnd-fund-flow; the tax node serves only the consent's purpose.",
            DefaultValueFactory = _ => "credit-assessment",
            HelpName = "WORD",
        };
        var fetch = new Command("fetch", "Fetch an enterprise's tax report under a consent, decrypt it and print it (the tax node records the access).")
        {
            consent, scopes, from, until, purpose,
        };
        globals.Run(fetch, async (context, cancellationToken) =>
        {
            var id = CliParse.ConsentId(context.Get(consent), "--consent");
            var periodFrom = Date(context.Get(from), "--from");
            var periodUntil = Date(context.Get(until), "--until");
            var purposeCode = CliParse.Purpose(context.Get(purpose), "--purpose");
            var caller = context.Identity("bank");
            if (caller.Encryption is null)
            {
                throw CliErrors.Target("The acting organization's key store has no encryption key, so the report could not be opened.");
            }
            var connection = await context.ConnectAsync(context.NodeUrl(null, "tax"), caller, cancellationToken).ConfigureAwait(false);
            var wanted = context.Get(scopes) is { } text
                ? CliParse.Scopes(text, "--scopes")
                : (await connection.Consents.GetAsync(id, cancellationToken).ConfigureAwait(false)).Scopes;
            var request = new ReportRequest(id, wanted)
            {
                PeriodFrom = periodFrom,
                PeriodUntil = periodUntil,
                Purpose = purposeCode,
            };
            var (fetched, report) = await connection.Tax.FetchAndOpenAsync(request, cancellationToken).ConfigureAwait(false);
            using var reportJson = JsonDocument.Parse(report.ToJson());
            if (context.Json)
            {
                context.WriteJson(new
                {
                    consentId = id.ToString(),
                    requestId = fetched.Request.RequestId,
                    requestHash = fetched.RequestHash.ToString(),
                    responseHash = fetched.ResponseHash.ToString(),
                    checkedAtBlock = fetched.CheckedAtBlock,
                    servedAtMs = fetched.ServedAtMs,
                    accessRecord = new
                    {
                        recordHash = fetched.AccessRecord.RecordHash.ToString(),
                        organization = fetched.AccessRecord.Organization.Code,
                        anchored = fetched.AccessRecord.IsAnchored,
                    },
                    strongModeTx = fetched.StrongModeTransaction?.TxHash.ToString(),
                    report = reportJson.RootElement,
                });
                return CliErrors.Ok;
            }
            context.Console.MarkupLine(
                $"[bold]{Markup.Escape(report.Name)}[/] ({report.CreditCode}) — scopes {CliParse.ScopesText(report.Scopes)}, {report.PeriodFrom}–{report.PeriodUntil}");
            context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"Consent checked at block {fetched.CheckedAtBlock}; access record {fetched.AccessRecord.RecordHash} ({(fetched.AccessRecord.IsAnchored ? "anchored" : "anchoring pending")}); response hash verified."));
            PrintSummary(context, report);
            context.Console.MarkupLine("The whole report: add --json.");
            return CliErrors.Ok;
        });
        data.Subcommands.Add(fetch);
        return data;
    }

    // What a loan officer reads first: one line per scope the consent grants, amounts in yuan.
    private static void PrintSummary(CliContext context, Core.TaxData.TaxReport report)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string value) => grid.AddRow($"[bold]{name}[/]", Markup.Escape(value));
        static string Yuan(long fen) => LendingParse.YuanText(fen < 0 ? 0 : (UInt128)fen);
        Row("registered", report.RegisteredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (report.Ratings is { } ratings)
        {
            Row("tax-credit rating", ratings.Count == 0 ? "none in the period" : string.Join(", ", ratings.OrderByDescending(r => r.Year).Select(r => $"{r.Year} {r.Rating}")));
        }
        if (report.Payments is { } payments)
        {
            Row("tax paid", string.Create(CultureInfo.InvariantCulture, $"{Yuan(payments.Sum(p => p.AmountFen))} in {payments.Count} payments"));
        }
        if (report.Arrears is { } arrears)
        {
            Row("arrears", arrears.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{arrears.Count}, {Yuan(arrears.AmountFen)}"));
        }
        if (report.Invoices is { } invoices)
        {
            Row("invoiced", string.Create(CultureInfo.InvariantCulture, $"{Yuan(invoices.Sum(i => i.AmountFen))} over {invoices.Count} months"));
        }
        if (report.SocialInsuranceHeadcount is { } headcount)
        {
            Row("social insurance", string.Create(CultureInfo.InvariantCulture, $"{headcount} insured employees"));
        }
        if (report.EnforcementCases is { } cases)
        {
            Row("court enforcement cases", cases.ToString(CultureInfo.InvariantCulture));
        }
        if (report.Unavailable != Core.Model.Scopes.None)
        {
            Row("not held by the bureau", CliParse.ScopesText(report.Unavailable));
        }
        context.Console.Write(grid);
    }

    private static ulong? Date(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw CliErrors.BadArgument($"{option} '{text}' is not a date; use yyyy-MM-dd, e.g. 2024-01-01.");
        }
        // Before 1970 the day has no unix time (and 0001-01-01 in China Standard Time is not even a DateTimeOffset).
        return date.Year >= 1970
            ? (ulong)new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).ToUnixTimeSeconds()
            : throw CliErrors.BadArgument($"{option} '{text}' is before 1970; give a date of the data period, e.g. 2024-01-01.");
    }
}
