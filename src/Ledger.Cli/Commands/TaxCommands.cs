using System.CommandLine;
using System.Globalization;
using Ledger.Core.Primitives;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger tax import | generate | bind | rate | list</c>: the tax bureau's administration of its own node, signed by
/// the bureau's operator (<c>--org</c>; default the consortium's tax node).
/// </summary>
public sealed class TaxCommands : ICommandGroup
{
    private const string CallerRole = "tax";

    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var tax = new Command("tax", "The tax bureau's node: import or generate taxpayers, bind enterprise accounts, record ratings.");
        tax.Subcommands.Add(Import(globals));
        tax.Subcommands.Add(Generate(globals));
        tax.Subcommands.Add(Bind(globals));
        tax.Subcommands.Add(Rate(globals));
        tax.Subcommands.Add(List(globals));
        return tax;
    }

    private static Command Import(GlobalOptions globals)
    {
        var file = new Argument<string>("file")
        {
            Description = "Taxpayers as a JSON array (.json), JSON lines (.jsonl, .ndjson) or CSV (.csv); the formats and the CSV header are in docs/api.md, 'Tax data import'.",
        };
        var format = new Option<string?>("--format") { Description = "json, jsonl or csv (default: from the file's extension)." };
        format.AcceptOnlyFromAmong("json", "jsonl", "csv");
        var command = new Command("import", "Import taxpayers into the tax node. Exits 1 when any row is rejected (each is named).") { file, format };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var path = context.Environment.FullPath(CliParse.Required(context.Get(file), "file"));
            var kind = context.Get(format) ?? Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".csv" => "csv",
                ".json" => "json",
                ".jsonl" or ".ndjson" => "jsonl",
                _ => throw CliErrors.BadArgument($"The format of {path} is not clear from its name; give --format json, --format jsonl or --format csv."),
            };
            byte[] content;
            try
            {
                content = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw CliErrors.File($"The file {path} cannot be read ({ex.Message}).", ex);
            }
            var caller = context.Identity(CallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            var outcome = await connection.Tax.ImportTaxDataAsync(kind, content, cancellationToken).ConfigureAwait(false);
            return Report(context, outcome.Imported, outcome.Rejected, "imported");
        });
        return command;
    }

    private static Command Generate(GlobalOptions globals)
    {
        var count = new Option<uint>("--count") { Description = "How many taxpayers.", Required = true, HelpName = "N" };
        var seed = new Option<ulong>("--seed") { Description = "The seed (the same seed gives the same taxpayers).", DefaultValueFactory = _ => 1UL, HelpName = "N" };
        var command = new Command("generate", "Generate realistic synthetic taxpayers on the tax node (ratings, monthly payments by tax type, invoices, arrears).")
        {
            count, seed,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var n = context.Get(count);
            if (n is 0 or > 100_000)
            {
                throw CliErrors.BadArgument("--count must be between 1 and 100000.");
            }
            var caller = context.Identity(CallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            var outcome = await connection.Tax.GenerateSyntheticDataAsync(n, context.Get(seed), cancellationToken).ConfigureAwait(false);
            return Report(context, outcome.Imported, outcome.Rejected, "generated");
        });
        return command;
    }

    private static Command Bind(GlobalOptions globals)
    {
        var creditCode = new Option<string>("--credit-code") { Description = "The enterprise's unified social credit code.", Required = true, HelpName = "CODE" };
        var account = new Option<string?>("--account") { Description = "The enterprise's account (or --enterprise-key).", HelpName = "ADDRESS" };
        var enterpriseKey = new Option<string?>("--enterprise-key") { Description = "The enterprise's wallet key file (only its address is used).", HelpName = "FILE" };
        var command = new Command("bind", "Bind an enterprise's account to its credit code on chain (the bureau has verified the enterprise).")
        {
            creditCode, account, enterpriseKey,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var code = CliParse.CreditCode(context.Get(creditCode), "--credit-code");
            EthAddress address;
            if (context.Get(account) is { } text)
            {
                address = CliParse.Address(text, "--account");
            }
            else if (context.Get(enterpriseKey) is { } keyFile)
            {
                using var wallet = ConsentCommands.OpenWallet(context, keyFile);
                address = wallet.Address;
            }
            else
            {
                throw CliErrors.BadArgument("Which account? Give --account ADDRESS or --enterprise-key FILE.");
            }
            var caller = context.Identity(CallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            var (hash, tx) = await connection.Tax.BindEnterpriseAsync(code, address, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new { creditCode = code.Value, account = address.ToString(), creditCodeHash = hash.ToString(), tx = tx.TxHash.ToString(), block = tx.BlockNumber });
            }
            else
            {
                context.Console.MarkupLine($"Bound {address} to {code} (salted hash {hash}; tx {tx.TxHash.ToShortString()}, block {tx.BlockNumber}).");
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command Rate(GlobalOptions globals)
    {
        var creditCode = new Option<string>("--credit-code") { Description = "The enterprise's unified social credit code.", Required = true, HelpName = "CODE" };
        var year = new Option<int>("--year") { Description = "The rating year.", Required = true, HelpName = "YYYY" };
        var rating = new Option<string>("--rating") { Description = "A, B, M, C or D.", Required = true };
        var command = new Command("rate", "Record an enterprise's tax credit rating for a year; a downgrade alerts the members exposed to it.")
        {
            creditCode, year, rating,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var code = CliParse.CreditCode(context.Get(creditCode), "--credit-code");
            var value = CliParse.Rating(context.Get(rating), "--rating");
            var y = context.Get(year);
            if (y is < 1990 or > 2100)
            {
                throw CliErrors.BadArgument($"--year {y} is not a plausible rating year (1990–2100).");
            }
            var caller = context.Identity(CallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            await connection.Tax.UpdateRatingAsync(code, y, value, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new { creditCode = code.Value, year = y, rating = value.ToString() });
            }
            else
            {
                context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"Recorded rating {value} for {code} in {y}."));
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command List(GlobalOptions globals)
    {
        var limit = new Option<uint>("--limit") { Description = "At most this many (default 100).", DefaultValueFactory = _ => 100u, HelpName = "N" };
        var command = new Command("list", "List the enterprises the tax node holds: credit code, name, latest rating, bound account.") { limit };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var caller = context.Identity(CallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            var enterprises = await connection.Tax.ListEnterprisesAsync(context.Get(limit), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new
                {
                    enterprises = enterprises.Select(e => new
                    {
                        creditCode = e.CreditCode.Value,
                        name = e.Name,
                        creditCodeHash = e.CreditCodeHash.ToString(),
                        latestRating = e.LatestRating?.ToString(),
                        boundAccount = e.BoundAccount?.ToString(),
                    }),
                });
                return CliErrors.Ok;
            }
            var table = CliContext.NewTable("Credit code", "Name", "Rating", "Bound account");
            foreach (var e in enterprises)
            {
                table.AddRow(e.CreditCode.Value, Markup.Escape(e.Name), e.LatestRating?.ToString() ?? "-", e.BoundAccount?.ToString() ?? "-");
            }
            context.Console.Write(table);
            context.Console.MarkupLine($"{enterprises.Count} enterprises.");
            return CliErrors.Ok;
        });
        return command;
    }

    private static int Report(CliContext context, int imported, IReadOnlyList<string> rejected, string verb)
    {
        // Rows rejected: exit 1 like any refusal, with its code and sentence on stderr (and in the JSON document).
        var failure = rejected.Count == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"{rejected.Count} row(s) were rejected, each named {(context.Json ? "in rejected" : "above")}; correct them and import those rows again (the {imported} others were {verb}).");
        if (failure is not null)
        {
            context.Environment.Error.WriteLine($"{CliErrors.ImportRejectedCode}: {failure}");
        }
        if (context.Json)
        {
            context.WriteJson(new { imported, rejected, error = failure is null ? null : new { code = CliErrors.ImportRejectedCode, message = failure, exitCode = CliErrors.Refused } });
        }
        else
        {
            context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{imported} taxpayers {verb}, {rejected.Count} rejected."));
            foreach (var line in rejected)
            {
                context.Console.MarkupLine($"  [red]rejected[/] {Markup.Escape(line)}");
            }
        }
        return rejected.Count == 0 ? CliErrors.Ok : CliErrors.Refused;
    }
}
