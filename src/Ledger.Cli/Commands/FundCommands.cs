using System.CommandLine;
using Ledger.Sdk;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger fund create | top-up | approve | reject | show | claims</c>: a regulator's risk-compensation funds
/// (风险补偿资金池) through its own node (<c>Compensation</c>, which serves the regulator's own operators only). Banks file
/// claims with <c>ledger loan claim</c>; the payout of an approved claim is computed on chain: min(net loss × ratio,
/// balance). Acts as <c>--org</c> (default the consortium's first regulator). A fund is named by its id or by the
/// regulator's own reference.
/// </summary>
public sealed class FundCommands : ICommandGroup
{
    private static readonly string CallerRole = Core.Model.RoleWords.Word(Core.Model.Role.Regulator);

    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var fund = new Command("fund", "A regulator's risk-compensation funds through its own node: create, top up, approve or reject claims, show.");
        fund.Subcommands.Add(Create(globals));
        fund.Subcommands.Add(TopUp(globals));
        fund.Subcommands.Add(Approve(globals));
        fund.Subcommands.Add(Reject(globals));
        fund.Subcommands.Add(Grace(globals));
        fund.Subcommands.Add(Show(globals));
        fund.Subcommands.Add(Claims(globals));
        return fund;
    }

    private static Argument<string> FundArgument() => new("fund") { Description = "The fund: its id (0x + 64 hex digits) or the regulator's reference given at creation." };

    private static Argument<string> LoanArgument() => new("loan") { Description = "The defaulted loan the claim is for (its id, 0x + 64 hex digits)." };

    private static Command Create(GlobalOptions globals)
    {
        var reference = new Argument<string>("reference") { Description = "The regulator's own programme number; the fund id is derived from it." };
        var ratio = new Option<string>("--ratio") { Description = "Share of a bank's net loss the fund pays, above 0% and below 100%, e.g. 50%.", Required = true, HelpName = "PERCENT" };
        var balance = new Option<string>("--balance") { Description = "The starting balance in yuan, e.g. 1000万.", Required = true, HelpName = "YUAN" };
        var products = new Option<string>("--products") { Description = "The loan products covered, comma-separated, e.g. SHUIYIDAI,YINSHUIDAI.", Required = true, HelpName = "LIST" };
        var command = new Command("create", "Create a risk-compensation fund (its id derived from the reference).") { reference, ratio, balance, products };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var referenceText = CliParse.Required(context.Get(reference), "reference").Trim();
            if (referenceText.Length > 128 || referenceText.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                throw CliErrors.BadArgument("The reference is the regulator's own programme number: 1 to 128 characters, not starting with 0x.");
            }
            var setup = new FundSetup(
                referenceText,
                LendingParse.Percent(context.Get(ratio), "--ratio", 1, 9_999),
                LendingParse.Yuan(context.Get(balance), "--balance"),
                LendingParse.Products(context.Get(products), "--products"));
            var (_, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var fund = await node.Compensation.CreateFundAsync(setup, cancellationToken).ConfigureAwait(false);
            return PrintFund(context, fund, $"Fund {referenceText} created");
        });
        return command;
    }

    private static Command TopUp(GlobalOptions globals)
    {
        var fundArg = FundArgument();
        var amount = new Option<string>("--amount") { Description = "The amount added, in yuan.", Required = true, HelpName = "YUAN" };
        var command = new Command("top-up", "Add to a fund's balance (two top-ups are two top-ups).") { fundArg, amount };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var amountFen = LendingParse.Yuan(context.Get(amount), "--amount");
            var (caller, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Fund(context.Get(fundArg), "fund", caller.Organization);
            var fund = await node.Compensation.TopUpAsync(id, amountFen, cancellationToken).ConfigureAwait(false);
            return PrintFund(context, fund, $"Fund topped up by {LendingParse.YuanText(amountFen)}");
        });
        return command;
    }

    private static Command Approve(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var fundOption = FundOption();
        var command = new Command(
            "approve",
            "Approve a bank's filed claim; the chain pays what is due less what was paid, as far as the balance goes (approve again after a top-up for the rest).")
        {
            loanArg, fundOption,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var id = LendingParse.Loan(context.Get(loanArg), "loan", null);
            var (caller, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            Ledger.Core.Model.FundId? fund = context.Get(fundOption) is { } f ? LendingParse.Fund(f, "--fund", caller.Organization) : null;
            var claim = await node.Compensation.ApproveClaimAsync(id, fund, cancellationToken).ConfigureAwait(false);
            var rest = claim.Status == ClaimState.Paid ? "" : $"; {LendingParse.YuanText(claim.DueFen - claim.PayoutFen)} still due after a top-up";
            return PrintClaim(context, claim, $"Claim approved: {LendingParse.YuanText(claim.PayoutFen)} of {LendingParse.YuanText(claim.DueFen)} paid to {claim.Bank.Code}{rest}");
        });
        return command;
    }

    private static Command Reject(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var reason = new Option<ushort>("--reason") { Description = "The reason code, from the regulator's own catalogue (0–65535).", Required = true, HelpName = "CODE" };
        var fundOption = FundOption();
        var command = new Command("reject", "Reject a bank's filed claim nothing was paid on, with a reason code.") { loanArg, reason, fundOption };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var id = LendingParse.Loan(context.Get(loanArg), "loan", null);
            var (caller, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            Ledger.Core.Model.FundId? fund = context.Get(fundOption) is { } f ? LendingParse.Fund(f, "--fund", caller.Organization) : null;
            var claim = await node.Compensation.RejectClaimAsync(id, context.Get(reason), fund, cancellationToken).ConfigureAwait(false);
            return PrintClaim(context, claim, $"Claim of {claim.Bank.Code} rejected (reason {context.Get(reason)})");
        });
        return command;
    }

    private static Option<string?> FundOption() =>
        new("--fund") { Description = "The fund the claim is at (default: the fund of the loan's filed claim).", HelpName = "ID" };

    private static Command Grace(GlobalOptions globals)
    {
        var fundArg = FundArgument();
        var days = new Option<uint>("--days") { Description = "Days a guarantor has after a default to pay before a claim nets its obligation out unpaid (1–730; new funds: 90).", Required = true, HelpName = "DAYS" };
        var command = new Command("grace", "Set the fund's grace period for guarantors.") { fundArg, days };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var (caller, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Fund(context.Get(fundArg), "fund", caller.Organization);
            var graceDays = LendingParse.Number(context.Get(days), "--days", 1, 730);
            var fund = await node.Compensation.SetGracePeriodAsync(id, TimeSpan.FromDays(graceDays), cancellationToken).ConfigureAwait(false);
            return PrintFund(context, fund, $"Grace period set to {graceDays} days");
        });
        return command;
    }

    private static Command Show(GlobalOptions globals)
    {
        var fundArg = FundArgument();
        var command = new Command("show", "Show a fund: ratio, balance, what it paid, the products it covers.") { fundArg };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var (caller, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Fund(context.Get(fundArg), "fund", caller.Organization);
            var fund = await node.Compensation.GetFundAsync(id, cancellationToken).ConfigureAwait(false);
            return PrintFund(context, fund, "Fund");
        });
        return command;
    }

    private static Command Claims(GlobalOptions globals)
    {
        var fundArg = FundArgument();
        var command = new Command("claims", "List the claims filed on a fund, in filing order, with their status and payout.") { fundArg };
        globals.Listing(command);
        globals.Run(command, async (context, cancellationToken) =>
        {
            var (caller, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Fund(context.Get(fundArg), "fund", caller.Organization);
            var claims = await node.Compensation.ListClaimsAsync(id, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new { fundId = id.ToString(), claims = claims.Select(ClaimJson) });
                return CliErrors.Ok;
            }
            var table = CliContext.NewTable("Loan", "Bank", "Net loss", "Payout", "Status");
            foreach (var claim in claims)
            {
                table.AddRow(claim.Loan.ToString(), Markup.Escape(claim.Bank.Code), LendingParse.YuanText(claim.NetLossFen), LendingParse.YuanText(claim.PayoutFen), StateWord(claim.Status));
            }
            context.WriteList(table, $"{claims.Count} claims.");
            return CliErrors.Ok;
        });
        return command;
    }

    private static string StateWord(ClaimState state) => state switch
    {
        ClaimState.Filed => "filed",
        ClaimState.Paid => "paid",
        ClaimState.Rejected => "rejected",
        ClaimState.Withdrawn => "withdrawn",
        _ => "none",
    };

    private static object ClaimJson(ClaimDetails claim) => new
    {
        loanId = claim.Loan.ToString(),
        fundId = claim.Fund.ToString(),
        bank = claim.Bank.Code,
        netLossFen = LendingParse.Fen(claim.NetLossFen),
        payoutFen = LendingParse.Fen(claim.PayoutFen),
        dueFen = LendingParse.Fen(claim.DueFen),
        status = StateWord(claim.Status),
        tx = LendingParse.TxJson(claim.Transaction),
    };

    private static int PrintClaim(CliContext context, ClaimDetails claim, string title)
    {
        if (context.Json)
        {
            context.WriteJson(ClaimJson(claim));
            return CliErrors.Ok;
        }
        context.Console.MarkupLine($"[bold]{Markup.Escape(title)}[/]");
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string value) => grid.AddRow($"[bold]{name}[/]", Markup.Escape(value));
        Row("loan", claim.Loan.ToString());
        Row("fund", claim.Fund.ToString());
        Row("bank", claim.Bank.Code);
        Row("net loss", LendingParse.YuanText(claim.NetLossFen));
        Row("due", LendingParse.YuanText(claim.DueFen));
        Row("paid", LendingParse.YuanText(claim.PayoutFen));
        Row("status", StateWord(claim.Status));
        if (claim.Transaction is { } tx)
        {
            Row("recorded", LendingParse.TxText(tx));
        }
        context.Console.Write(grid);
        return CliErrors.Ok;
    }

    private static int PrintFund(CliContext context, FundDetails fund, string title)
    {
        if (context.Json)
        {
            context.WriteJson(new
            {
                fundId = fund.Fund.ToString(),
                regulator = fund.Regulator.Code,
                ratioBps = fund.RatioBps,
                balanceFen = LendingParse.Fen(fund.BalanceFen),
                paidFen = LendingParse.Fen(fund.PaidFen),
                graceDays = fund.GraceSeconds / 86_400.0,
                eligibleProducts = fund.EligibleProducts.Select(p => p.Code),
                tx = LendingParse.TxJson(fund.Transaction),
            });
            return CliErrors.Ok;
        }
        context.Console.MarkupLine($"[bold]{Markup.Escape(title)}[/]");
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string value) => grid.AddRow($"[bold]{name}[/]", Markup.Escape(value));
        Row("fund", fund.Fund.ToString());
        Row("regulator", fund.Regulator.Code);
        Row("ratio", LendingParse.PercentText(fund.RatioBps) + " of the net loss");
        Row("grace", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{fund.GraceSeconds / 86_400.0:0.##} days for a guarantor to pay after a default"));
        Row("balance", LendingParse.YuanText(fund.BalanceFen));
        Row("paid", LendingParse.YuanText(fund.PaidFen));
        Row("products", fund.EligibleProducts.Count == 0 ? "-" : string.Join(", ", fund.EligibleProducts.Select(p => p.Code)));
        if (fund.Transaction is { } tx)
        {
            Row("recorded", LendingParse.TxText(tx));
        }
        context.Console.Write(grid);
        return CliErrors.Ok;
    }
}
