using System.CommandLine;
using Ledger.Core.Model;
using Ledger.Sdk;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger fundflow record | reverse | correct | show</c>: R&amp;D fund flows (研发资金动态追踪). The lending bank (from payments) or a tax
/// bureau (from invoices) records where an R&amp;D loan's money went, through its own node — only the hashes of the
/// counterparty and of the evidence document leave it — and anyone reads a loan's fund-flow ledger. Acts as
/// <c>--org</c> (default the consortium's first bank); on a bank's node a loan may be named by the bank's reference.
/// </summary>
public sealed class FundFlowCommands : ICommandGroup
{
    private static readonly string CallerRole = Core.Model.RoleWords.Word(Core.Model.Role.Bank);

    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var fundflow = new Command("fundflow", "R&D loans' fund flows: record, reverse or correct spending entries (bank or tax bureau), show a loan's fund-flow ledger.");
        fundflow.Subcommands.Add(Record(globals));
        fundflow.Subcommands.Add(Reverse(globals));
        fundflow.Subcommands.Add(Correct(globals));
        fundflow.Subcommands.Add(Show(globals));
        return fundflow;
    }

    private static Argument<string> LoanArgument() => new("loan")
    {
        Description = "The R&D loan: its id (0x + 64 hex digits), or — acting as the lending bank — the bank's reference.",
    };

    private static Command Record(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var category = new Option<string>("--category")
        {
            Description = $"Where the money went: {string.Join(", ", LendingParse.CategoryWords.Select(c => c.Word))}.",
            Required = true,
            HelpName = "WORD",
        };
        var amount = new Option<string>("--amount") { Description = "How much, in yuan.", Required = true, HelpName = "YUAN" };
        var counterparty = new Option<string>("--counterparty") { Description = "The payee's credit code or name (only its hash leaves the node).", Required = true, HelpName = "TEXT" };
        var document = new Option<string>("--document")
        {
            Description = "The invoice number or payment reference (only its hash leaves the node; the same document again returns the first entry).",
            Required = true,
            HelpName = "TEXT",
        };
        var command = new Command("record", "Record a spending entry of an R&D loan: evidence anchored by the acting organization, the entry on chain; says whether the loan now deviates.")
        {
            loanArg, category, amount, counterparty, document,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var spendCategory = LendingParse.Category(context.Get(category), "--category");
            var amountFen = LendingParse.Yuan(context.Get(amount), "--amount");
            var payee = CliParse.Required(context.Get(counterparty), "--counterparty");
            var evidence = CliParse.Required(context.Get(document), "--document");
            var (caller, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var loan = LendingParse.Loan(context.Get(loanArg), "loan", ReferenceBank(caller.Organization, node));
            var outcome = await node.FundFlow.RecordSpendingAsync(new SpendingEntry(loan, spendCategory, amountFen, payee, evidence), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new
                {
                    loanId = loan.ToString(),
                    entryIndex = outcome.EntryIndex,
                    category = LendingParse.CategoryWord(spendCategory),
                    amountFen = LendingParse.Fen(amountFen),
                    nonRndShareBps = outcome.NonRndShareBps,
                    deviated = outcome.Deviated,
                    tx = LendingParse.TxJson(outcome.Transaction),
                    evidence = LendingParse.AnchorJson(outcome.Evidence),
                });
                return CliErrors.Ok;
            }
            context.Console.MarkupLine(
                $"Entry {outcome.EntryIndex} of loan {loan}: {LendingParse.YuanText(amountFen)} {LendingParse.CategoryWord(spendCategory)} ({Markup.Escape(LendingParse.TxText(outcome.Transaction))}).");
            context.Console.MarkupLine(outcome.Deviated
                ? $"[red]Deviated[/]: {LendingParse.PercentText(outcome.NonRndShareBps)} of the spending is not R&D, above the loan's threshold; the bank and its guarantor are alerted."
                : $"Non-R&D share {LendingParse.PercentText(outcome.NonRndShareBps)}; within the loan's threshold.");
            context.Console.MarkupLine($"Evidence record {outcome.Evidence.RecordHash} ({(outcome.Evidence.IsAnchored ? "anchored" : "anchoring pending")}).");
            return CliErrors.Ok;
        });
        return command;
    }

    private static Option<string> DocumentOption(string description) => new("--document") { Description = description, Required = true, HelpName = "TEXT" };

    private static Command Reverse(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var document = DocumentOption("The invoice number or payment reference whose entry is reversed, exactly as it was recorded.");
        var reason = new Option<string>("--reason")
        {
            Description = "Why: the credit note, refund or cancellation reference (only its hash leaves the node; keep the document).",
            Required = true,
            HelpName = "TEXT",
        };
        var command = new Command("reverse", "Reverse an entry the acting organization recorded (a payment returned, an invoice cancelled): it stops counting; the chain keeps the reason's hash.")
        {
            loanArg, document, reason,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var evidence = CliParse.Required(context.Get(document), "--document");
            var why = CliParse.Required(context.Get(reason), "--reason");
            var (caller, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var loan = LendingParse.Loan(context.Get(loanArg), "loan", ReferenceBank(caller.Organization, node));
            var outcome = await node.FundFlow.ReverseSpendingAsync(loan, evidence, why, cancellationToken).ConfigureAwait(false);
            return Report(context, loan, "reversed", outcome, $"Entry {outcome.EntryIndex} of loan {loan} reversed");
        });
        return command;
    }

    private static Command Correct(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var document = DocumentOption("The invoice number or payment reference whose entry is corrected, exactly as it was recorded.");
        var category = new Option<string>("--category")
        {
            Description = $"The corrected category: {string.Join(", ", LendingParse.CategoryWords.Select(c => c.Word))}.",
            Required = true,
            HelpName = "WORD",
        };
        var amount = new Option<string>("--amount") { Description = "The corrected amount, in yuan.", Required = true, HelpName = "YUAN" };
        var counterparty = new Option<string>("--counterparty") { Description = "The corrected payee (only its hash leaves the node).", Required = true, HelpName = "TEXT" };
        var newDocument = new Option<string>("--new-document") { Description = "The corrected entry's document, when it differs (default: --document).", HelpName = "TEXT" };
        var command = new Command("correct", "Correct an entry the acting organization recorded: new evidence anchored, the old entry reversed and the corrected one recorded in one transaction.")
        {
            loanArg, document, category, amount, counterparty, newDocument,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var evidence = CliParse.Required(context.Get(document), "--document");
            var spendCategory = LendingParse.Category(context.Get(category), "--category");
            var amountFen = LendingParse.Yuan(context.Get(amount), "--amount");
            var payee = CliParse.Required(context.Get(counterparty), "--counterparty");
            var replacementDocument = context.Get(newDocument) is { } given ? CliParse.Required(given, "--new-document") : null;
            var (caller, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var loan = LendingParse.Loan(context.Get(loanArg), "loan", ReferenceBank(caller.Organization, node));
            var outcome = await node.FundFlow.CorrectSpendingAsync(
                new SpendingCorrection(loan, evidence, spendCategory, amountFen, payee, replacementDocument), cancellationToken).ConfigureAwait(false);
            return Report(context, loan, "corrected", outcome,
                $"Entry of '{Markup.Escape(evidence)}' on loan {loan} corrected: now entry {outcome.EntryIndex}, {LendingParse.YuanText(amountFen)} {LendingParse.CategoryWord(spendCategory)}");
        });
        return command;
    }

    private static int Report(CliContext context, LoanId loan, string action, SpendingOutcome outcome, string headline)
    {
        if (context.Json)
        {
            context.WriteJson(new
            {
                loanId = loan.ToString(),
                action,
                entryIndex = outcome.EntryIndex,
                nonRndShareBps = outcome.NonRndShareBps,
                deviated = outcome.Deviated,
                tx = LendingParse.TxJson(outcome.Transaction),
                evidence = LendingParse.AnchorJson(outcome.Evidence),
            });
            return CliErrors.Ok;
        }
        context.Console.MarkupLine($"{headline} ({Markup.Escape(LendingParse.TxText(outcome.Transaction))}).");
        context.Console.MarkupLine(outcome.Deviated
            ? $"[red]Deviated[/]: {LendingParse.PercentText(outcome.NonRndShareBps)} of the spending is not R&D, above the loan's threshold."
            : $"Non-R&D share {LendingParse.PercentText(outcome.NonRndShareBps)}; within the loan's threshold.");
        context.Console.MarkupLine($"Evidence record {outcome.Evidence.RecordHash} ({(outcome.Evidence.IsAnchored ? "anchored" : "anchoring pending")}).");
        return CliErrors.Ok;
    }

    private static Command Show(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var command = new Command("show", "Show an R&D loan's fund-flow ledger as the chain has it: totals by category, R&D share, threshold, whether it deviates.") { loanArg };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var (caller, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var loan = LendingParse.Loan(context.Get(loanArg), "loan", ReferenceBank(caller.Organization, node));
            var state = await node.FundFlow.GetAsync(loan, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new
                {
                    loanId = state.Loan.ToString(),
                    totalFen = LendingParse.Fen(state.TotalFen),
                    nonRndFen = LendingParse.Fen(state.NonRndFen),
                    byCategoryFen = state.ByCategoryFen.Select((fen, i) => KeyValuePair.Create(LendingParse.CategoryWord((SpendCategory)i), LendingParse.Fen(fen)))
                        .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
                    rndShareBps = state.RndShareBps,
                    maxNonRndBps = state.MaxNonRndBps,
                    entryCount = state.EntryCount,
                    open = state.Open,
                    deviated = state.Deviated,
                });
                return CliErrors.Ok;
            }
            context.Console.MarkupLine(
                $"[bold]Fund flow of loan {state.Loan}[/]: {state.EntryCount} entries, {LendingParse.YuanText(state.TotalFen)} spent, {LendingParse.PercentText(state.RndShareBps)} on R&D "
                + $"(at most {LendingParse.PercentText(state.MaxNonRndBps)} may go elsewhere){(state.Open ? "" : "; closed")}.");
            var table = CliContext.NewTable("Category", "Amount");
            for (var i = 0; i < state.ByCategoryFen.Count; i++)
            {
                table.AddRow(LendingParse.CategoryWord((SpendCategory)i), LendingParse.YuanText(state.ByCategoryFen[i]));
            }
            context.Console.Write(table);
            context.Console.MarkupLine(state.Deviated ? "[red]Deviated[/]: the non-R&D share is above the threshold." : "Within the threshold.");
            return CliErrors.Ok;
        });
        return command;
    }

    // A reference names a loan of the acting bank: only meaningful when the caller acts through its own bank node.
    private static OrgId? ReferenceBank(OrgId caller, LedgerConnection node) =>
        node.Info.Organization == caller && string.Equals(node.Info.Role, CallerRole, StringComparison.OrdinalIgnoreCase) ? caller : null;
}
