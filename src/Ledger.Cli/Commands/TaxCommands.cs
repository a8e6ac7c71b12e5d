using System.CommandLine;
using System.Globalization;
using Ledger.Core.Consent;
using Ledger.Core.Primitives;
using Ledger.Sdk;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger tax import | generate | bind | rotate-key | rate | list</c>: the tax bureau's administration of its own node, signed by
/// the bureau's operator (<c>--org</c>; default the consortium's tax node).
/// </summary>
public sealed class TaxCommands : ICommandGroup
{
    private static readonly string CallerRole = Core.Model.RoleWords.Word(Core.Model.Role.TaxBureau);

    private static readonly System.Text.Json.JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var tax = new Command("tax", "The tax bureau's node: import or generate taxpayers, bind enterprise accounts, record ratings.");
        tax.Subcommands.Add(Import(globals));
        tax.Subcommands.Add(Generate(globals));
        tax.Subcommands.Add(Bind(globals));
        tax.Subcommands.Add(RotateKey(globals));
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

    private static Command Bind(GlobalOptions globals) => BindOrRotate(globals, rotate: false);

    private static Command RotateKey(GlobalOptions globals) => BindOrRotate(globals, rotate: true);

    /// <summary>
    /// <c>ledger tax bind</c> and <c>ledger tax rotate-key</c>: the enterprise account signs its binding (EIP-712
    /// <c>Binding</c>, naming this bureau) and the bureau relays it. With <c>--enterprise-key</c> the signature is made
    /// here from the enterprise's key file; otherwise <c>--account</c> alone prints the binding to sign, and
    /// <c>--account --nonce --deadline --signature</c> relays a signature made elsewhere (the portal, a wallet).
    /// </summary>
    private static Command BindOrRotate(GlobalOptions globals, bool rotate)
    {
        var creditCode = new Option<string>("--credit-code") { Description = "The enterprise's unified social credit code.", Required = true, HelpName = "CODE" };
        var account = new Option<string?>("--account")
        {
            Description = rotate ? "The enterprise's new account (with --signature, or alone to print the binding to sign)." : "The enterprise's account (with --signature, or alone to print the binding to sign).",
            HelpName = "ADDRESS",
        };
        var enterpriseKey = new Option<string?>("--enterprise-key")
        {
            Description = rotate ? "The enterprise's new wallet key file: signs the binding here." : "The enterprise's wallet key file: signs the binding here.",
            HelpName = "FILE",
        };
        var signature = new Option<string?>("--signature") { Description = "The account's EIP-712 signature of the binding (0x + 130 hex digits).", HelpName = "HEX" };
        var nonce = new Option<string?>("--nonce") { Description = "The nonce the account signed (as printed without --signature).", HelpName = "N" };
        var deadline = new Option<ulong?>("--deadline") { Description = "The deadline the account signed (unix seconds, as printed without --signature).", HelpName = "UNIX" };
        var description = rotate
            ? "Replace an enterprise's lost or compromised account: the new key signs, this bureau (the one that made the binding) relays, the old account is retired and every consent it signed stops working."
            : "Bind an enterprise's account to its credit code on chain: the account signs its binding (proof it holds the key), this bureau relays it after verifying the enterprise.";
        var command = new Command(rotate ? "rotate-key" : "bind", description)
        {
            creditCode, account, enterpriseKey, signature, nonce, deadline,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var code = CliParse.CreditCode(context.Get(creditCode), "--credit-code");
            var caller = context.Identity(CallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            EnterpriseBinding binding;
            byte[] signed;
            if (context.Get(enterpriseKey) is { } keyFile)
            {
                using var wallet = ConsentCommands.OpenWallet(context, keyFile);
                var prepared = await connection.Tax.PrepareBindingAsync(code, wallet.Address, cancellationToken).ConfigureAwait(false);
                RequireState(prepared, rotate);
                binding = prepared.Binding;
                signed = wallet.SignBinding(binding, connection.ConsentDomain);
            }
            else if (context.Get(account) is { } text)
            {
                var address = CliParse.Address(text, "--account");
                var prepared = await connection.Tax.PrepareBindingAsync(code, address, cancellationToken).ConfigureAwait(false);
                if (context.Get(signature) is not { } hex)
                {
                    // Nothing to relay yet: print what the account must sign.
                    PrintBinding(context, connection.ConsentDomain, prepared, rotate);
                    return CliErrors.Ok;
                }
                RequireState(prepared, rotate);
                var n = CliParse.UInt256(context.Get(nonce), "--nonce");
                var d = context.Get(deadline) ?? throw CliErrors.BadArgument("--deadline is missing: give the deadline the account signed.");
                binding = prepared.Binding with { Nonce = n, Deadline = d };
                signed = CliParse.Signature(hex, "--signature");
            }
            else
            {
                throw CliErrors.BadArgument("Whose account? Give --enterprise-key FILE (the enterprise signs here), or --account ADDRESS (prints the binding to sign) with --signature, --nonce and --deadline to relay it.");
            }
            var (hash, tx) = await connection.Tax.BindEnterpriseAsync(code, binding, signed, rotate, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new { creditCode = code.Value, account = binding.Enterprise.ToString(), creditCodeHash = hash.ToString(), rotated = rotate, tx = tx.TxHash.ToString(), block = tx.BlockNumber });
            }
            else if (rotate)
            {
                context.Console.MarkupLine($"Rotated {code} to account {binding.Enterprise}: the old account is retired and its consents stopped (salted hash {hash}; tx {tx.TxHash.ToShortString()}, block {tx.BlockNumber}).");
            }
            else
            {
                context.Console.MarkupLine($"Bound {binding.Enterprise} to {code} (salted hash {hash}; tx {tx.TxHash.ToShortString()}, block {tx.BlockNumber}).");
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static void RequireState(PreparedBinding prepared, bool rotate)
    {
        if (rotate && prepared.BoundAccount is null)
        {
            throw CliErrors.BadArgument("The credit code has no active account on chain, so there is no key to rotate; bind the account with `ledger tax bind`.");
        }
        if (!rotate && prepared.BoundAccount is { } bound)
        {
            throw CliErrors.BadArgument($"The credit code is already bound to {bound}; an enterprise has one account at a time. To replace a lost or compromised key, use `ledger tax rotate-key`.");
        }
    }

    private static void PrintBinding(CliContext context, Eip712Domain domain, PreparedBinding prepared, bool rotate)
    {
        var b = prepared.Binding;
        using var typedDataJson = System.Text.Json.JsonDocument.Parse(Eip712TypedData.Json(domain, b.ToStruct()));
        var typedData = typedDataJson.RootElement;
        if (context.Json)
        {
            context.WriteJson(new { digest = prepared.Digest.ToString(), boundAccount = prepared.BoundAccount?.ToString(), typedData });
            return;
        }
        var verb = rotate ? "rotate-key" : "bind";
        context.Console.WriteLine($"The account {b.Enterprise} signs this binding (EIP-712 digest {prepared.Digest}); then run");
        context.Console.WriteLine($"  ledger tax {verb} --credit-code … --account {b.Enterprise} --nonce {b.Nonce} --deadline {b.Deadline} --signature 0x…");
        context.Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(typedData, IndentedJson));
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
        globals.Listing(command);
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
            context.WriteList(table, $"{enterprises.Count} enterprises.");
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
