using System.CommandLine;
using System.Globalization;
using Ledger.Core.Consent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger consent prepare | grant | revoke | list | show | keygen</c>: an enterprise's data authorizations. The
/// enterprise signs with its own key (<c>--enterprise-key FILE</c>, which never leaves this process) and a member node
/// relays what it signed, so the enterprise needs no gas. The calls to the node are signed by the acting member's
/// operator (<c>--org</c>; default the consortium's first bank).
/// </summary>
public sealed class ConsentCommands : ICommandGroup
{
    private static readonly string DefaultCallerRole = Core.Model.RoleWords.Word(Core.Model.Role.Bank);

    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var consent = new Command("consent", "Enterprise data authorizations (EIP-712 consents): prepare, grant (or submit a signature made elsewhere), revoke, narrow, list, show.");
        consent.Subcommands.Add(Prepare(globals));
        consent.Subcommands.Add(Grant(globals));
        consent.Subcommands.Add(Submit(globals));
        consent.Subcommands.Add(Revoke(globals));
        consent.Subcommands.Add(Narrow(globals));
        consent.Subcommands.Add(List(globals));
        consent.Subcommands.Add(Show(globals));
        consent.Subcommands.Add(Keygen(globals));
        return consent;
    }

    /// <summary>The options that describe a consent request.</summary>
    private sealed class TermsOptions
    {
        public Option<string?> Consumer { get; } = new("--consumer") { Description = "The bank or guarantor that will read (default: the acting organization).", HelpName = "ORG" };
        public Option<string?> Provider { get; } = new("--provider") { Description = "The tax bureau that serves (default: the consortium's tax node).", HelpName = "ORG" };
        public Option<string> Scopes { get; } = new("--scopes")
        {
            Description = "Data scopes, comma-separated: rating, payments, invoices, social-insurance, customs, judicial, ip (or all).",
            DefaultValueFactory = _ => "rating,payments,invoices,judicial",
            HelpName = "LIST",
        };
        public Option<string> Purpose { get; } = new("--purpose")
        {
            Description = "credit-assessment (default), post-loan, guarantee or rnd-fund-flow.",
            DefaultValueFactory = _ => "credit-assessment",
            HelpName = "WORD",
        };
        public Option<int?> ValidDays { get; } = new("--valid-days") { Description = "Days the consent is valid from now (default 30).", HelpName = "N" };
        public Option<uint?> DataMonths { get; } = new("--data-months") { Description = "Months of data back from now (default 24).", HelpName = "N" };
        public Option<uint?> FetchCap { get; } = new("--fetch-cap") { Description = "Fetches allowed per fetch period (default 1).", HelpName = "N" };
        public Option<int?> FetchPeriodDays { get; } = new("--fetch-period-days") { Description = "Days per fetch period (default 0: the whole validity).", HelpName = "N" };
        public Option<int?> DataLifeDays { get; } = new("--data-life-days") { Description = "Days the consumer may keep fetched data (default 30).", HelpName = "N" };

        public IEnumerable<Option> All => [Consumer, Provider, Scopes, Purpose, ValidDays, DataMonths, FetchCap, FetchPeriodDays, DataLifeDays];

        public ConsentRequest Request(CliContext context, EthAddress enterprise, LedgerIdentity caller)
        {
            var consumer = context.Get(Consumer) is { } c ? CliParse.Org(c, "--consumer") : caller.Organization;
            var providerCode = context.Get(Provider) ?? context.FirstNodeOf("tax")?.Org
                ?? throw CliErrors.BadArgument("Which tax bureau serves the data? Give --provider ORG.");
            var purpose = CliParse.Purpose(context.Get(Purpose), "--purpose");
            return new ConsentRequest(enterprise, consumer, CliParse.Org(providerCode, "--provider"), CliParse.Scopes(context.Get(Scopes), "--scopes"))
            {
                Purpose = purpose,
                ValidFor = Days(context.Get(ValidDays), "--valid-days", allowZero: false),
                DataMonths = context.Get(DataMonths),
                FetchCap = context.Get(FetchCap),
                FetchPeriod = Days(context.Get(FetchPeriodDays), "--fetch-period-days", allowZero: true) is { } period ? (uint)period.TotalSeconds : null,
                DataLife = Days(context.Get(DataLifeDays), "--data-life-days", allowZero: false),
            };
        }

        private static TimeSpan? Days(int? days, string option, bool allowZero) => days switch
        {
            null => null,
            < 0 or > 3660 => throw CliErrors.BadArgument($"{option} must be between {(allowZero ? 0 : 1)} and 3660 days."),
            0 when !allowZero => throw CliErrors.BadArgument($"{option} must be at least 1 day."),
            _ => TimeSpan.FromDays(days.Value),
        };
    }

    private static Option<string?> EnterpriseKeyOption(bool required) => new("--enterprise-key")
    {
        Description = "The enterprise's wallet key file (64 hex digits; `ledger consent keygen` makes one). It signs here and is never sent.",
        HelpName = "FILE",
        Required = required,
    };

    private static Command Prepare(GlobalOptions globals)
    {
        var terms = new TermsOptions();
        var enterprise = new Option<string?>("--enterprise") { Description = "The enterprise account (or --enterprise-key).", HelpName = "ADDRESS" };
        var enterpriseKey = EnterpriseKeyOption(required: false);
        var output = new Option<string?>("--out") { Description = "Also write the typed data (eth_signTypedData_v4 JSON) to this file, for a wallet to sign.", HelpName = "FILE" };
        var command = new Command("prepare", "Show the consent terms a node prepares (defaults filled in), their id and the EIP-712 typed data to sign; nothing is written on chain.")
        {
            enterprise, enterpriseKey, output,
        };
        foreach (var option in terms.All)
        {
            command.Options.Add(option);
        }
        globals.Run(command, async (context, cancellationToken) =>
        {
            EthAddress account;
            if (context.Get(enterprise) is { } address)
            {
                account = CliParse.Address(address, "--enterprise");
            }
            else if (context.Get(enterpriseKey) is { } keyFile)
            {
                using var wallet = OpenWallet(context, keyFile);
                account = wallet.Address;
            }
            else
            {
                throw CliErrors.BadArgument("Whose consent? Give --enterprise ADDRESS or --enterprise-key FILE.");
            }
            var caller = context.Identity(DefaultCallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            var prepared = await connection.Consents.PrepareAsync(terms.Request(context, account, caller), cancellationToken).ConfigureAwait(false);
            if (context.Get(output) is { } file)
            {
                var path = context.Environment.FullPath(file);
                try
                {
                    await File.WriteAllTextAsync(path, prepared.TypedDataJson, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw CliErrors.File($"The typed data cannot be written to {path} ({ex.Message}).", ex);
                }
            }
            if (context.Json)
            {
                context.WriteJson(new
                {
                    consentId = prepared.ConsentId.ToString(),
                    terms = TermsJson(prepared.Terms),
                    typedData = System.Text.Json.JsonDocument.Parse(prepared.TypedDataJson).RootElement,
                });
            }
            else
            {
                PrintTerms(context, prepared.ConsentId, prepared.Terms, "Prepared consent (not granted yet)");
                context.Console.WriteLine(prepared.TypedDataJson);
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command Grant(GlobalOptions globals)
    {
        var terms = new TermsOptions();
        var enterpriseKey = EnterpriseKeyOption(required: true);
        var command = new Command("grant",
            "Grant a consent: the node prepares the terms, the enterprise key signs them here (after checking their id), and the node relays the signature on chain.")
        {
            enterpriseKey,
        };
        foreach (var option in terms.All)
        {
            command.Options.Add(option);
        }
        globals.Run(command, async (context, cancellationToken) =>
        {
            using var wallet = OpenWallet(context, context.Get(enterpriseKey));
            var caller = context.Identity(DefaultCallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            var (id, granted, tx) = await connection.Consents.GrantAsync(wallet, terms.Request(context, wallet.Address, caller), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new { consentId = id.ToString(), terms = TermsJson(granted), tx = tx.TxHash.ToString(), block = tx.BlockNumber });
            }
            else
            {
                PrintTerms(context, id, granted, $"Consent granted (tx {tx.TxHash.ToShortString()}, block {tx.BlockNumber})");
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command Submit(GlobalOptions globals)
    {
        var typedData = new Option<string>("--typed-data")
        {
            Description = "The typed data `consent prepare --out` wrote (eth_signTypedData_v4 JSON), which the enterprise's wallet signed.",
            Required = true,
            HelpName = "FILE",
        };
        var signature = new Option<string>("--signature") { Description = "The wallet's EIP-712 signature (0x + 130 hex digits).", Required = true, HelpName = "HEX" };
        var command = new Command("submit", "Relay a consent signed elsewhere (the enterprise's own wallet signed the typed data `consent prepare --out` wrote): the consent goes on chain.")
        {
            typedData, signature,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var path = context.Environment.FullPath(CliParse.Required(context.Get(typedData), "--typed-data"));
            var sig = CliParse.Signature(context.Get(signature), "--signature");
            string json;
            try
            {
                json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw CliErrors.File($"The typed data cannot be read from {path} ({ex.Message}).", ex);
            }
            ConsentTerms terms;
            Eip712Domain domain;
            try
            {
                (terms, domain) = ConsentTypedData.Read(json);
            }
            catch (FormatException ex)
            {
                throw CliErrors.BadArgument($"{path}: {ex.Message} Write it with `ledger consent prepare --out FILE`.");
            }
            var caller = context.Identity(DefaultCallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            if (domain != connection.ConsentDomain)
            {
                throw CliErrors.BadArgument(
                    $"{path} was prepared for the registry {domain.VerifyingContract} on chain {domain.ChainId}, but this node's is {connection.ConsentDomain.VerifyingContract} on chain {connection.ConsentDomain.ChainId}; prepare it again against this consortium.");
            }
            var (id, tx) = await connection.Consents.SubmitAsync(terms, sig, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new { consentId = id.ToString(), terms = TermsJson(terms), tx = tx.TxHash.ToString(), block = tx.BlockNumber });
            }
            else
            {
                PrintTerms(context, id, terms, $"Consent granted (tx {tx.TxHash.ToShortString()}, block {tx.BlockNumber})");
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command Narrow(GlobalOptions globals)
    {
        var consent = new Argument<string>("consent") { Description = "The consent id (0x + 64 hex digits)." };
        var enterpriseKey = EnterpriseKeyOption(required: true);
        var scopes = new Option<string?>("--scopes") { Description = "The scopes to keep (a subset of the granted ones; default: all of them).", HelpName = "LIST" };
        var until = new Option<string?>("--until") { Description = "The new last day of use (yyyy-MM-dd, China Standard Time, or an ISO 8601 time); not later than now granted.", HelpName = "DATE" };
        var command = new Command("narrow", "Narrow a consent: fewer scopes and/or an earlier end, signed by the enterprise key here and relayed by the node. A consent never widens.")
        {
            consent, enterpriseKey, scopes, until,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var id = CliParse.ConsentId(context.Get(consent), "consent");
            if (context.Get(scopes) is null && context.Get(until) is null)
            {
                throw CliErrors.BadArgument("Narrow to what? Give --scopes LIST and/or --until DATE.");
            }
            using var wallet = OpenWallet(context, context.Get(enterpriseKey));
            var caller = context.Identity(DefaultCallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            var current = await connection.Consents.GetAsync(id, cancellationToken).ConfigureAwait(false);
            var keep = context.Get(scopes) is { } list ? CliParse.Scopes(list, "--scopes") : current.Scopes;
            var end = context.Get(until) is { } u ? LendingParse.Time(u, "--until") / 1000 : current.ValidUntil;
            var tx = await connection.Consents.NarrowAsync(wallet, id, keep, end, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new { consentId = id.ToString(), scopes = (ulong)keep, validUntil = end, tx = tx.TxHash.ToString(), block = tx.BlockNumber });
            }
            else
            {
                context.Console.MarkupLine($"Consent {id} narrowed to {Markup.Escape(CliParse.ScopesText(keep))} until {CliParse.Time(end)} from block {tx.BlockNumber} (tx {tx.TxHash.ToShortString()}).");
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command Revoke(GlobalOptions globals)
    {
        var consent = new Argument<string>("consent") { Description = "The consent id (0x + 64 hex digits)." };
        var enterpriseKey = EnterpriseKeyOption(required: true);
        var command = new Command("revoke", "Revoke a consent: the enterprise key signs the revocation here and the node relays it; it takes effect from the block that includes it.")
        {
            consent, enterpriseKey,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var id = CliParse.ConsentId(context.Get(consent), "consent");
            using var wallet = OpenWallet(context, context.Get(enterpriseKey));
            var caller = context.Identity(DefaultCallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            var tx = await connection.Consents.RevokeAsync(wallet, id, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new { consentId = id.ToString(), revoked = true, tx = tx.TxHash.ToString(), block = tx.BlockNumber });
            }
            else
            {
                context.Console.MarkupLine($"Consent {id} [yellow]revoked[/] from block {tx.BlockNumber} (tx {tx.TxHash.ToShortString()}).");
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command List(GlobalOptions globals)
    {
        var enterprise = new Option<string?>("--enterprise") { Description = "Only this enterprise's consents: its account, credit code, registered name or credit-code hash.", HelpName = "ADDRESS|CODE|NAME|HASH" };
        var consumer = new Option<string?>("--consumer") { Description = "Only consents naming this consumer.", HelpName = "ORG" };
        var active = new Option<bool>("--active") { Description = "Only consents usable now." };
        var command = new Command("list", "List the consents the node knows (a bank or guarantor sees those naming it; auditors and regulators see all).")
        {
            enterprise, consumer, active,
        };
        globals.Listing(command);
        globals.Run(command, async (context, cancellationToken) =>
        {
            var filter = new ConsentFilter
            {
                Enterprise = context.Get(enterprise) is { } e && e.Trim().Length == 42 ? CliParse.Address(e, "--enterprise") : null,
                CreditCodeHash = context.Get(enterprise) is { } h && h.Trim().Length != 42
                    ? await LendingParse.EnterpriseAsync(context, h, "--enterprise", DefaultCallerRole, cancellationToken).ConfigureAwait(false)
                    : null,
                Consumer = context.Get(consumer) is { } c ? CliParse.Org(c, "--consumer") : null,
                ActiveOnly = context.Get(active),
            };
            var caller = context.Identity(DefaultCallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            var consents = await WithProviderCountsAsync(context, caller, await connection.Consents.ListAsync(filter, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new { consents = consents.Select(DetailsJson) });
                return CliErrors.Ok;
            }
            var table = CliContext.NewTable("Consent", "Enterprise", "Consumer", "Provider", "Scopes", "Status", "Valid until", "Fetches");
            foreach (var item in consents)
            {
                table.AddRow(
                    item.ConsentId.ToString(),
                    CliParse.Abbreviate(item.Enterprise?.ToString() ?? "-"),
                    Markup.Escape(item.Consumer.Code),
                    Markup.Escape(item.Provider.Code),
                    CliParse.ScopesText(item.Scopes),
                    CliParse.Status(item.Status),
                    CliParse.Time(item.ValidUntil),
                    FetchesText(item));
            }
            context.WriteList(table, $"{consents.Count} consents.");
            return CliErrors.Ok;
        });
        return command;
    }

    /// <summary>
    /// Batched fetches never reach the chain's counter: the provider's node counts them. Consents whose count did not
    /// come from their provider are asked again at the provider's node when the consortium description names it.
    /// </summary>
    private static async Task<IReadOnlyList<ConsentDetails>> WithProviderCountsAsync(
        CliContext context, LedgerIdentity caller, IReadOnlyList<ConsentDetails> consents, CancellationToken cancellationToken)
    {
        var providers = new Dictionary<OrgId, LedgerConnection?>();
        var result = new List<ConsentDetails>(consents.Count);
        foreach (var consent in consents)
        {
            if (consent.FetchesCountedBy == "provider")
            {
                result.Add(consent);
                continue;
            }
            if (!providers.TryGetValue(consent.Provider, out var provider))
            {
                provider = context.TryConsortium()?.Node(consent.Provider.Code) is { } node
                    ? await context.ConnectAsync(node.Url, caller, cancellationToken).ConfigureAwait(false)
                    : null;
                providers[consent.Provider] = provider;
            }
            try
            {
                var counted = provider is null ? null : await provider.Consents.GetAsync(consent.ConsentId, cancellationToken).ConfigureAwait(false);
                result.Add(counted is { FetchesCountedBy: "provider" }
                    ? consent with { FetchesInPeriod = counted.FetchesInPeriod, FetchesCountedBy = counted.FetchesCountedBy }
                    : consent);
            }
            catch (LedgerException)
            {
                result.Add(consent); // the provider's node cannot be asked now: the count stays as the chain has it
            }
        }
        return result;
    }

    // "3/5", or "?/5 (counted by tax.liuzhou)" when the provider's count could not be had.
    internal static string FetchesText(ConsentDetails c) => c.FetchesCountedBy switch
    {
        "provider" or "chain" => string.Create(CultureInfo.InvariantCulture, $"{c.FetchesInPeriod}/{c.FetchCap}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"?/{c.FetchCap} (counted by {c.Provider.Code})"),
    };

    private static Command Show(GlobalOptions globals)
    {
        var consent = new Argument<string>("consent") { Description = "The consent id (0x + 64 hex digits)." };
        var command = new Command("show", "Show one consent's terms and current state.") { consent };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var id = CliParse.ConsentId(context.Get(consent), "consent");
            var caller = context.Identity(DefaultCallerRole);
            var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
            var details = (await WithProviderCountsAsync(context, caller, [await connection.Consents.GetAsync(id, cancellationToken).ConfigureAwait(false)], cancellationToken).ConfigureAwait(false))[0];
            if (context.Json)
            {
                context.WriteJson(DetailsJson(details));
                return CliErrors.Ok;
            }
            var grid = new Grid().AddColumn().AddColumn();
            void Row(string name, string value) => grid.AddRow($"[bold]{name}[/]", Markup.Escape(value));
            Row("consent", details.ConsentId.ToString());
            Row("status", CliParse.Status(details.Status));
            Row("enterprise", details.Enterprise?.ToString() ?? "-");
            Row("credit code hash", details.CreditCodeHash?.ToString() ?? "-");
            Row("consumer", details.Consumer.Code);
            Row("provider", details.Provider.Code);
            Row("scopes", CliParse.ScopesText(details.Scopes));
            Row("purpose", PurposeWord(details.Purpose));
            Row("valid", $"{CliParse.Time(details.ValidFrom)} – {CliParse.Time(details.ValidUntil)}");
            Row("fetches", string.Create(CultureInfo.InvariantCulture, $"{FetchesText(details)} per {(details.FetchPeriod == 0 ? "validity" : $"{details.FetchPeriod} s")}"));
            Row("data life", string.Create(CultureInfo.InvariantCulture, $"{details.DataLife / 86400.0:0.#} days"));
            Row("granted at block", details.GrantedAtBlock.ToString(CultureInfo.InvariantCulture));
            Row("revoked at block", details.RevokedAtBlock == 0 ? "-" : details.RevokedAtBlock.ToString(CultureInfo.InvariantCulture));
            context.Console.Write(grid);
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command Keygen(GlobalOptions globals)
    {
        var output = new Option<string>("--out") { Description = "The key file to create (owner-readable only; never overwritten).", Required = true, HelpName = "FILE" };
        var command = new Command("keygen", "Create an enterprise wallet key file and print its account (the key signs its binding and the tax bureau relays it: `ledger tax bind --enterprise-key`).")
        {
            output,
        };
        globals.Run(command, (context, _) =>
        {
            var file = context.Environment.FullPath(CliParse.Required(context.Get(output), "--out"));
            using var wallet = EnterpriseWallet.Generate();
            var key = wallet.ExportPrivateKey();
            try
            {
                KeyFiles.WritePrivateKey(file, key);
            }
            finally
            {
                Array.Clear(key);
            }
            if (context.Json)
            {
                context.WriteJson(new { file, account = wallet.Address.ToString() });
            }
            else
            {
                context.Console.MarkupLine($"Wrote {Markup.Escape(file)}; enterprise account {wallet.Address}.");
            }
            return Task.FromResult(CliErrors.Ok);
        });
        return command;
    }

    /// <summary>The enterprise wallet of a key file.</summary>
    internal static EnterpriseWallet OpenWallet(CliContext context, string? file)
    {
        var path = context.Environment.FullPath(CliParse.Required(file, "--enterprise-key"));
        var key = KeyFiles.ReadPrivateKey(context, path);
        try
        {
            return EnterpriseWallet.FromPrivateKey(key);
        }
        finally
        {
            Array.Clear(key);
        }
    }

    /// <summary>A consent purpose by the word <c>--purpose</c> takes (the number when it is none of them).</summary>
    internal static string PurposeWord(uint purpose) => PurposeWords.Word(purpose);

    private static object TermsJson(ConsentTerms t) => new
    {
        enterprise = t.Enterprise.ToString(),
        creditCodeHash = t.CreditCodeHash.ToString(),
        consumer = t.Consumer.Code,
        provider = t.Provider.Code,
        scopes = CliParse.ScopesText(t.Scopes),
        scopesMask = (ulong)t.Scopes,
        purpose = t.Purpose,
        validFrom = t.ValidFrom,
        validUntil = t.ValidUntil,
        dataFrom = t.DataFrom,
        dataUntil = t.DataUntil,
        fetchCap = t.FetchCap,
        fetchPeriod = t.FetchPeriod,
        dataLife = t.DataLife,
        nonce = t.Nonce.ToString(CultureInfo.InvariantCulture),
        deadline = t.Deadline.ToString(CultureInfo.InvariantCulture),
    };

    internal static object DetailsJson(ConsentDetails c) => new
    {
        consentId = c.ConsentId.ToString(),
        status = CliParse.Status(c.Status),
        enterprise = c.Enterprise?.ToString(),
        creditCodeHash = c.CreditCodeHash?.ToString(),
        consumer = c.Consumer.Code,
        provider = c.Provider.Code,
        scopes = CliParse.ScopesText(c.Scopes),
        scopesMask = (ulong)c.Scopes,
        purpose = c.Purpose,
        validFrom = c.ValidFrom,
        validUntil = c.ValidUntil,
        fetchCap = c.FetchCap,
        fetchPeriod = c.FetchPeriod,
        fetchesInPeriod = c.FetchesInPeriod,
        fetchesCountedBy = c.FetchesCountedBy,
        dataLife = c.DataLife,
        grantedAtBlock = c.GrantedAtBlock,
        revokedAtBlock = c.RevokedAtBlock,
    };

    private static void PrintTerms(CliContext context, ConsentId id, ConsentTerms t, string title)
    {
        context.Console.MarkupLine($"[bold]{Markup.Escape(title)}[/]");
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string value) => grid.AddRow($"[bold]{name}[/]", Markup.Escape(value));
        Row("consent", id.ToString());
        Row("enterprise", t.Enterprise.ToString());
        Row("consumer", t.Consumer.Code);
        Row("provider", t.Provider.Code);
        Row("scopes", CliParse.ScopesText(t.Scopes));
        Row("valid", $"{CliParse.Time(t.ValidFrom)} – {CliParse.Time(t.ValidUntil)}");
        Row("data period", $"{CliParse.Time(t.DataFrom)} – {CliParse.Time(t.DataUntil)}");
        Row("fetches", string.Create(CultureInfo.InvariantCulture, $"{t.FetchCap} per {(t.FetchPeriod == 0 ? "validity" : $"{t.FetchPeriod} s")}"));
        Row("data life", string.Create(CultureInfo.InvariantCulture, $"{t.DataLife / 86400.0:0.#} days"));
        context.Console.Write(grid);
    }
}
