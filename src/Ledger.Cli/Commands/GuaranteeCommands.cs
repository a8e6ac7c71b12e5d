using System.CommandLine;
using Ledger.Core.Model;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger guarantee loan | propose-agreement | terminate | payout | list</c>: a guarantor's work through its own node
/// (<c>Guarantee</c>, which serves the guarantor's own operators only): single guarantees on loans a bank invited it
/// to, batch agreements (总对总) with a bank, payouts (代偿) on default, and the guarantees it holds. Acts as
/// <c>--org</c> (default the consortium's first guarantor).
/// </summary>
public sealed class GuaranteeCommands : ICommandGroup
{
    private static readonly string CallerRole = Core.Model.RoleWords.Word(Core.Model.Role.Guarantor);

    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var guarantee = new Command("guarantee", "A guarantor's guarantees through its own node: guarantee a loan, batch agreements, payouts, list.");
        guarantee.Subcommands.Add(GuaranteeLoan(globals));
        guarantee.Subcommands.Add(ProposeAgreement(globals));
        guarantee.Subcommands.Add(Terminate(globals));
        guarantee.Subcommands.Add(Payout(globals));
        guarantee.Subcommands.Add(List(globals));
        return guarantee;
    }

    private static Argument<string> LoanArgument() => new("loan") { Description = "The loan id (0x + 64 hex digits, as the bank's `ledger loan show` prints it)." };

    private static Command GuaranteeLoan(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var coverage = new Option<string>("--coverage") { Description = "Share of the loss covered, e.g. 70%.", Required = true, HelpName = "PERCENT" };
        var fee = new Option<string?>("--fee") { Description = "The guarantee fee in yuan (default 0).", HelpName = "YUAN" };
        var command = new Command("loan", "Guarantee a loan its bank invited this guarantor to (`ledger loan invite-guarantor`).") { loanArg, coverage, fee };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var id = LendingParse.Loan(context.Get(loanArg), "loan", null);
            var coverageBps = LendingParse.Percent(context.Get(coverage), "--coverage", 1, 10_000);
            var feeFen = context.Get(fee) is { } f ? LendingParse.Yuan(f, "--fee", allowZero: true) : UInt128.Zero;
            var (_, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var tx = await node.Guarantees.GuaranteeLoanAsync(id, coverageBps, feeFen, cancellationToken).ConfigureAwait(false);
            return LoanCommands.PrintTransaction(context, tx,
                new { loanId = id.ToString(), coverageBps, feeFen = LendingParse.Fen(feeFen) },
                $"Loan {id} guaranteed: {LendingParse.PercentText(coverageBps)} of its loss, fee {LendingParse.YuanText(feeFen)}");
        });
        return command;
    }

    private static Command ProposeAgreement(GlobalOptions globals)
    {
        var reference = new Argument<string>("reference") { Description = "The guarantor's own contract number; the agreement id is derived from it." };
        var bank = new Option<string>("--bank") { Description = "The bank the agreement is proposed to.", Required = true, HelpName = "ORG" };
        var coverage = new Option<string>("--coverage") { Description = "Share of each enrolled loan's loss covered, e.g. 80%.", Required = true, HelpName = "PERCENT" };
        var feeRate = new Option<string>("--fee-rate") { Description = "Fee on each enrolled loan's amount, e.g. 1.5% (default 0).", DefaultValueFactory = _ => "0", HelpName = "PERCENT" };
        var perLoan = new Option<string>("--per-loan-limit") { Description = "The largest loan that can be enrolled, in yuan.", Required = true, HelpName = "YUAN" };
        var total = new Option<string>("--total-limit") { Description = "The largest total of enrolled loans, in yuan.", Required = true, HelpName = "YUAN" };
        var validDays = new Option<int>("--valid-days") { Description = "Days loans can be enrolled from now (default 365).", DefaultValueFactory = _ => 365, HelpName = "N" };
        var command = new Command("propose-agreement",
            "Propose a batch guarantee agreement (总对总) to a bank: it accepts (`ledger loan accept-agreement`) and enrols its loans (`ledger loan enroll`).")
        {
            reference, bank, coverage, feeRate, perLoan, total, validDays,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var referenceText = CliParse.Required(context.Get(reference), "reference").Trim();
            if (referenceText.Length > 128 || referenceText.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                throw CliErrors.BadArgument("The reference is the guarantor's own contract number: 1 to 128 characters, not starting with 0x.");
            }
            var days = (int)LendingParse.Number((ulong)Math.Max(0, context.Get(validDays)), "--valid-days", 1, 3660);
            var perLoanFen = LendingParse.Yuan(context.Get(perLoan), "--per-loan-limit");
            var totalFen = LendingParse.Yuan(context.Get(total), "--total-limit");
            if (perLoanFen > totalFen)
            {
                throw CliErrors.BadArgument("--per-loan-limit is above --total-limit; no loan could be enrolled at that size.");
            }
            var proposal = new Sdk.AgreementProposal(
                referenceText,
                CliParse.Org(context.Get(bank), "--bank"),
                LendingParse.Percent(context.Get(coverage), "--coverage", 1, 10_000),
                LendingParse.Percent(context.Get(feeRate), "--fee-rate", 0, 10_000),
                perLoanFen,
                totalFen,
                (ulong)DateTimeOffset.UtcNow.AddDays(days).ToUnixTimeSeconds());
            var (_, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var (id, tx) = await node.Guarantees.ProposeAgreementAsync(proposal, cancellationToken).ConfigureAwait(false);
            return LoanCommands.PrintTransaction(context, tx,
                new
                {
                    agreementId = id.ToString(),
                    reference = proposal.Reference,
                    bank = proposal.Bank.Code,
                    coverageBps = proposal.CoverageBps,
                    feeBps = proposal.FeeBps,
                    perLoanLimitFen = LendingParse.Fen(proposal.PerLoanLimitFen),
                    totalLimitFen = LendingParse.Fen(proposal.TotalLimitFen),
                    validUntil = proposal.ValidUntil,
                },
                $"Agreement {id} proposed to {proposal.Bank.Code}: {LendingParse.PercentText(proposal.CoverageBps)} cover, fee {LendingParse.PercentText(proposal.FeeBps)}, "
                + $"up to {LendingParse.YuanText(proposal.PerLoanLimitFen)} a loan and {LendingParse.YuanText(proposal.TotalLimitFen)} in all, until {CliParse.Time(proposal.ValidUntil)}");
        });
        return command;
    }

    private static Command Terminate(GlobalOptions globals)
    {
        var agreement = new Argument<string>("agreement") { Description = "The agreement: its id, or the guarantor's reference." };
        var command = new Command("terminate", "End a batch agreement: no more loans can be enrolled; enrolled loans stay guaranteed.") { agreement };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var (caller, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Agreement(context.Get(agreement), "agreement", caller.Organization);
            var tx = await node.Guarantees.TerminateAgreementAsync(id, cancellationToken).ConfigureAwait(false);
            return LoanCommands.PrintTransaction(context, tx, new { agreementId = id.ToString(), terminated = true }, $"Agreement {id} terminated");
        });
        return command;
    }

    private static Command Payout(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var amount = new Option<string?>("--amount") { Description = "This instalment in yuan (default: what remains of the obligation, loss × coverage less what was paid).", HelpName = "YUAN" };
        var command = new Command("payout", "Record one instalment of the guarantor's payment (代偿) on a defaulted guaranteed loan, up to its obligation in all.") { loanArg, amount };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var id = LendingParse.Loan(context.Get(loanArg), "loan", null);
            var payoutFen = context.Get(amount) is { } a ? LendingParse.Yuan(a, "--amount") : (UInt128?)null;
            var (_, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var payout = await node.Guarantees.RecordPayoutAsync(id, payoutFen, cancellationToken).ConfigureAwait(false);
            return LoanCommands.PrintTransaction(context, payout.Transaction,
                new { loanId = payout.Loan.ToString(), payoutFen = LendingParse.Fen(payout.PayoutFen), paidFen = LendingParse.Fen(payout.PaidFen), obligationFen = LendingParse.Fen(payout.ObligationFen) },
                $"Paid {LendingParse.YuanText(payout.PayoutFen)} on loan {payout.Loan} ({LendingParse.YuanText(payout.PaidFen)} of {LendingParse.YuanText(payout.ObligationFen)} owed)");
        });
        return command;
    }

    private static Command List(GlobalOptions globals)
    {
        var enterprise = new Option<string?>("--enterprise") { Description = "Only guarantees of loans to this enterprise: its credit code, its registered name or its credit-code hash.", HelpName = "CODE|NAME|HASH" };
        var command = new Command("list", "List the guarantees this guarantor holds, with their payouts (from its node's chain index).") { enterprise };
        globals.Listing(command);
        globals.Run(command, async (context, cancellationToken) =>
        {
            var enterpriseHash = context.Get(enterprise) is { } e ? await LendingParse.EnterpriseAsync(context, e, "--enterprise", CallerRole, cancellationToken).ConfigureAwait(false) : (EnterpriseHash?)null;
            var (_, node) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var guarantees = await node.Guarantees.ListAsync(enterpriseHash, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new
                {
                    guarantees = guarantees.Select(g => new
                    {
                        loanId = g.Loan.ToString(),
                        guarantor = g.Guarantor.Code,
                        bank = g.Bank.Code,
                        enterpriseHash = g.Enterprise.ToString(),
                        agreementId = g.Agreement?.ToString(),
                        coverageBps = g.CoverageBps,
                        feeFen = LendingParse.Fen(g.FeeFen),
                        paidOut = g.PaidOut,
                        payoutFen = LendingParse.Fen(g.PayoutFen),
                    }),
                });
                return CliErrors.Ok;
            }
            var table = CliContext.NewTable("Loan", "Bank", "Enterprise", "Coverage", "Fee", "Agreement", "Payout");
            foreach (var g in guarantees)
            {
                table.AddRow(
                    g.Loan.ToString(),
                    Markup.Escape(g.Bank.Code),
                    CliParse.Abbreviate(g.Enterprise.ToString()),
                    LendingParse.PercentText(g.CoverageBps),
                    LendingParse.YuanText(g.FeeFen),
                    g.Agreement is { } a ? CliParse.Abbreviate(a.ToString()) : "single",
                    g.PaidOut ? LendingParse.YuanText(g.PayoutFen) : "-");
            }
            context.WriteList(table, $"{guarantees.Count} guarantees.");
            return CliErrors.Ok;
        });
        return command;
    }
}
