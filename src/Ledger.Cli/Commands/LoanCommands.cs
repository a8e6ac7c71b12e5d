using System.CommandLine;
using System.Globalization;
using Ledger.Core.Model;
using Ledger.Sdk;
using Ledger.Sdk.Mapping;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger loan …</c>: a bank's lending through its own node (<c>Lending</c>, which serves the bank's own operators
/// only): decide on an enterprise's consented data, disburse, record repayments, overdue, current and default, read
/// loans, and the bank's side of guarantees (invite, accept an agreement, enrol) and of the risk-compensation fund
/// (claim). Acts as <c>--org</c> (default the consortium's first bank). A loan is named by its id or by the bank's own
/// reference (contract number), from which the id is derived.
/// </summary>
public sealed class LoanCommands : ICommandGroup
{
    private static readonly string CallerRole = Core.Model.RoleWords.Word(Core.Model.Role.Bank);

    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var loan = new Command("loan", "A bank's lending through its own node: decide, disburse, repay, overdue, current, default, show, list, guarantees and fund claims.");
        loan.Subcommands.Add(Decide(globals));
        loan.Subcommands.Add(Disburse(globals));
        loan.Subcommands.Add(Repay(globals));
        loan.Subcommands.Add(Overdue(globals));
        loan.Subcommands.Add(Current(globals));
        loan.Subcommands.Add(Default(globals));
        loan.Subcommands.Add(Show(globals));
        loan.Subcommands.Add(List(globals));
        loan.Subcommands.Add(InviteGuarantor(globals));
        loan.Subcommands.Add(WithdrawInvitation(globals));
        loan.Subcommands.Add(CancelGuarantee(globals));
        loan.Subcommands.Add(AcceptAgreement(globals));
        loan.Subcommands.Add(Enroll(globals));
        loan.Subcommands.Add(Claim(globals));
        loan.Subcommands.Add(WithdrawClaim(globals));
        return loan;
    }

    private static Argument<string> LoanArgument() => new("loan")
    {
        Description = "The loan: its id (0x + 64 hex digits) or the bank's own reference given at disbursement (e.g. CCB-2026-0001).",
    };

    private static Command Decide(GlobalOptions globals)
    {
        var consent = new Option<string>("--consent") { Description = "The consent the decision rests on (granted to this bank).", Required = true, HelpName = "ID" };
        var product = new Option<string?>("--product") { Description = "The product to decide for (default: the best one the enterprise qualifies for).", HelpName = "CODE" };
        var amount = new Option<string?>("--amount") { Description = "The amount asked for, in yuan (e.g. 500000 or 50万); below the limit it becomes the limit offered.", HelpName = "YUAN" };
        var command = new Command("decide",
            "Decide on credit: the bank node reuses or fetches the enterprise's report under the consent, scores it with the bank's product table, and records the decision (approved or declined) on chain.")
        {
            consent, product, amount,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var request = new DecisionRequest(CliParse.ConsentId(context.Get(consent), "--consent"))
            {
                Product = context.Get(product) is { } p ? LendingParse.Product(p, "--product") : null,
                RequestedAmountFen = context.Get(amount) is { } a ? LendingParse.Yuan(a, "--amount") : null,
            };
            var (_, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var decision = await bank.Bank.DecideAsync(request, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new
                {
                    decisionHash = decision.DecisionHash.ToString(),
                    approved = decision.Approved,
                    score = decision.Score,
                    product = decision.Product?.Code,
                    limitFen = LendingParse.Fen(decision.LimitFen),
                    rateBps = decision.RateBps,
                    termMonths = decision.TermMonths,
                    rating = decision.Rating?.ToString(),
                    enterpriseHash = decision.Enterprise.ToString(),
                    consentId = request.ConsentId.ToString(),
                    factors = decision.Factors.Select(f => new { name = f.Name, points = f.Points, reason = f.Reason }),
                    reasons = decision.Reasons,
                    tx = LendingParse.TxJson(decision.Transaction),
                    record = LendingParse.AnchorJson(decision.Record),
                });
                return CliErrors.Ok;
            }
            var rating = decision.Rating is { } r ? $"rating {r}" : "no current rating";
            context.Console.MarkupLine(decision.Approved
                ? $"[green]Approved[/]: {Markup.Escape(decision.Product?.Code ?? "-")}, limit {LendingParse.YuanText(decision.LimitFen)} at {LendingParse.PercentText(decision.RateBps)} for {decision.TermMonths} months (score {decision.Score}, {rating})."
                : $"[red]Declined[/] (score {decision.Score}, {rating}).");
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("[bold]decision[/]", decision.DecisionHash.ToString());
            grid.AddRow("[bold]enterprise[/]", decision.Enterprise.ToString());
            grid.AddRow("[bold]recorded[/]", Markup.Escape($"{LendingParse.TxText(decision.Transaction)}; record {(decision.Record.IsAnchored ? "anchored" : "anchoring pending")}"));
            context.Console.Write(grid);
            var factors = CliContext.NewTable("Factor", "Points", "Reason");
            foreach (var factor in decision.Factors)
            {
                factors.AddRow(Markup.Escape(factor.Name), factor.Points.ToString("+0;-0;0", CultureInfo.InvariantCulture), Markup.Escape(factor.Reason));
            }
            context.Console.Write(factors);
            foreach (var reason in decision.Reasons)
            {
                context.Console.MarkupLine($"· {Markup.Escape(reason)}");
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command Disburse(GlobalOptions globals)
    {
        var decision = new Option<string>("--decision") { Description = "The approved decision (its hash, as `ledger loan decide` prints it).", Required = true, HelpName = "HASH" };
        var reference = new Option<string>("--reference") { Description = "The bank's own contract number; the loan id is derived from it.", Required = true, HelpName = "TEXT" };
        var amount = new Option<string>("--amount") { Description = "The amount lent in yuan (at most the decision's limit), e.g. 500000 or 50万.", Required = true, HelpName = "YUAN" };
        var purpose = new Option<string>("--purpose")
        {
            Description = "working-capital (default), rnd, equipment, trade or other. An R&D loan opens a fund-flow ledger.",
            DefaultValueFactory = _ => "working-capital",
            HelpName = "WORD",
        };
        var maxNonRnd = new Option<string?>("--max-non-rnd") { Description = "R&D loans: the tolerated non-R&D share of spending, e.g. 20%.", HelpName = "PERCENT" };
        var command = new Command("disburse", "Disburse a loan on an approved decision (one loan per decision), recorded on chain.")
        {
            decision, reference, amount, purpose, maxNonRnd,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var loanPurpose = LendingParse.Purpose(context.Get(purpose), "--purpose");
            ushort threshold = 0;
            if (context.Get(maxNonRnd) is { } share)
            {
                if (loanPurpose != LoanPurpose.RnD)
                {
                    throw CliErrors.BadArgument("--max-non-rnd applies to R&D loans only; add --purpose rnd, or leave it out.");
                }
                threshold = LendingParse.Percent(share, "--max-non-rnd", 1, 9_999);
            }
            else if (loanPurpose == LoanPurpose.RnD)
            {
                throw CliErrors.BadArgument("An R&D loan needs --max-non-rnd PERCENT: the share of spending that may go elsewhere before the bank and its guarantor are alerted, e.g. 20%.");
            }
            var referenceText = CliParse.Required(context.Get(reference), "--reference").Trim();
            if (referenceText.Length > 128 || referenceText.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                throw CliErrors.BadArgument("--reference is the bank's own contract number: 1 to 128 characters, not starting with 0x.");
            }
            var disbursement = new Disbursement(LendingParse.Decision(context.Get(decision), "--decision"), referenceText, LendingParse.Yuan(context.Get(amount), "--amount"), loanPurpose)
            {
                MaxNonRndBps = threshold,
            };
            var (_, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var loan = await bank.Bank.DisburseAsync(disbursement, cancellationToken).ConfigureAwait(false);
            return PrintLoan(context, loan, $"Loan {referenceText} disbursed");
        });
        return command;
    }

    private static Command Repay(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var principal = new Option<string>("--principal") { Description = "Principal repaid, in yuan.", Required = true, HelpName = "YUAN" };
        var interest = new Option<string?>("--interest") { Description = "Interest paid, in yuan (default 0).", HelpName = "YUAN" };
        var command = new Command("repay", "Record a repayment; the loan is repaid when nothing is outstanding.") { loanArg, principal, interest };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var (caller, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Loan(context.Get(loanArg), "loan", caller.Organization);
            var paid = LendingParse.Yuan(context.Get(principal), "--principal");
            var interestFen = context.Get(interest) is { } i ? LendingParse.Yuan(i, "--interest", allowZero: true) : UInt128.Zero;
            var loan = await bank.Bank.RecordRepaymentAsync(id, paid, interestFen, cancellationToken).ConfigureAwait(false);
            return PrintLoan(context, loan, $"Repayment of {LendingParse.YuanText(paid)} recorded");
        });
        return command;
    }

    private static Command Overdue(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var days = new Option<ushort>("--days") { Description = "Days overdue (1–65535).", Required = true, HelpName = "N" };
        var amount = new Option<string>("--amount") { Description = "The amount overdue, in yuan.", Required = true, HelpName = "YUAN" };
        var command = new Command("overdue", "Report the loan overdue (alerts the bank and the guarantor exposed to the enterprise).") { loanArg, days, amount };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var daysOverdue = (ushort)LendingParse.Number(context.Get(days), "--days", 1, ushort.MaxValue);
            var overdueFen = LendingParse.Yuan(context.Get(amount), "--amount");
            var (caller, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Loan(context.Get(loanArg), "loan", caller.Organization);
            var loan = await bank.Bank.MarkOverdueAsync(id, daysOverdue, overdueFen, cancellationToken).ConfigureAwait(false);
            return PrintLoan(context, loan, $"Loan reported {daysOverdue} days overdue ({LendingParse.YuanText(overdueFen)})");
        });
        return command;
    }

    private static Command Current(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var command = new Command("current", "Report the loan's arrears cleared (overdue → active).") { loanArg };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var (caller, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Loan(context.Get(loanArg), "loan", caller.Organization);
            var loan = await bank.Bank.MarkCurrentAsync(id, cancellationToken).ConfigureAwait(false);
            return PrintLoan(context, loan, "Loan current again");
        });
        return command;
    }

    private static Command Default(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var loss = new Option<string>("--loss") { Description = "The bank's loss in yuan (at most the outstanding principal).", Required = true, HelpName = "YUAN" };
        var command = new Command("default", "Declare the loan defaulted with the bank's loss (the guarantor then pays its share; the bank may claim on the fund).") { loanArg, loss };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var lossFen = LendingParse.Yuan(context.Get(loss), "--loss");
            var (caller, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Loan(context.Get(loanArg), "loan", caller.Organization);
            var loan = await bank.Bank.DeclareDefaultAsync(id, lossFen, cancellationToken).ConfigureAwait(false);
            return PrintLoan(context, loan, $"Loan defaulted with a loss of {LendingParse.YuanText(lossFen)}");
        });
        return command;
    }

    private static Command Show(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var command = new Command("show", "Show a loan as the chain has it.") { loanArg };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var (caller, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Loan(context.Get(loanArg), "loan", caller.Organization);
            var loan = await bank.Bank.GetLoanAsync(id, cancellationToken).ConfigureAwait(false);
            return PrintLoan(context, loan, "Loan");
        });
        return command;
    }

    private static Command List(GlobalOptions globals)
    {
        var enterprise = new Option<string?>("--enterprise") { Description = "Only loans to this enterprise: its credit code, its registered name or its credit-code hash.", HelpName = "CODE|NAME|HASH" };
        var status = new Option<string?>("--status") { Description = "Only loans in this status: active, overdue, repaid or defaulted.", HelpName = "WORD" };
        var command = new Command("list", "List the bank's loans as its node's chain index has them.") { enterprise, status };
        globals.Listing(command);
        globals.Run(command, async (context, cancellationToken) =>
        {
            var enterpriseHash = context.Get(enterprise) is { } e ? await LendingParse.EnterpriseAsync(context, e, "--enterprise", CallerRole, cancellationToken).ConfigureAwait(false) : (EnterpriseHash?)null;
            var loanStatus = context.Get(status) is { } s ? LendingParse.Status(s, "--status") : (LoanStatus?)null;
            var (_, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var loans = await bank.Bank.ListLoansAsync(enterpriseHash, loanStatus, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new { loans = loans.Select(LendingParse.LoanJson) });
                return CliErrors.Ok;
            }
            var table = CliContext.NewTable("Loan", "Reference", "Product", "Amount", "Outstanding", "Rate", "Term", "Purpose", "Status", "Enterprise");
            foreach (var loan in loans)
            {
                table.AddRow(
                    loan.LoanId.ToString(),
                    Markup.Escape(loan.Reference.Length == 0 ? "-" : loan.Reference),
                    Markup.Escape(loan.Product.Code),
                    LendingParse.YuanText(loan.AmountFen),
                    LendingParse.YuanText(loan.OutstandingFen),
                    LendingParse.PercentText(loan.RateBps),
                    string.Create(CultureInfo.InvariantCulture, $"{loan.TermMonths} mo"),
                    LendingParse.PurposeWord(loan.Purpose),
                    LendingParse.StatusWord(loan.Status),
                    CliParse.Abbreviate(loan.Enterprise.ToString()));
            }
            context.WriteList(table, $"{loans.Count} loans.");
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command InviteGuarantor(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var guarantor = new Option<string>("--guarantor") { Description = "The guarantor invited (its organization code).", Required = true, HelpName = "ORG" };
        var minCoverage = new Option<string>("--min-coverage") { Description = "The least share of the loss the bank accepts covered, e.g. 60%.", Required = true, HelpName = "PERCENT" };
        var maxFee = new Option<string>("--max-fee") { Description = "The most guarantee fee the bank accepts, in yuan (0 for none).", Required = true, HelpName = "YUAN" };
        var command = new Command(
            "invite-guarantor",
            "Invite a guarantor to guarantee the loan on the bank's terms (it then guarantees it with `ledger guarantee loan`, within them).")
        {
            loanArg, guarantor, minCoverage, maxFee,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var guarantorOrg = CliParse.Org(context.Get(guarantor), "--guarantor");
            var minCoverageBps = LendingParse.Percent(context.Get(minCoverage), "--min-coverage", 1, 10_000);
            var maxFeeFen = LendingParse.Yuan(context.Get(maxFee), "--max-fee", allowZero: true);
            var (caller, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Loan(context.Get(loanArg), "loan", caller.Organization);
            var tx = await bank.Bank.InviteGuarantorAsync(id, guarantorOrg, minCoverageBps, maxFeeFen, cancellationToken).ConfigureAwait(false);
            return PrintTransaction(
                context, tx, new { loanId = id.ToString(), guarantor = guarantorOrg.Code, minCoverageBps, maxFeeFen = LendingParse.Fen(maxFeeFen) },
                $"Invited {guarantorOrg.Code} to guarantee loan {id} (at least {LendingParse.PercentText(minCoverageBps)} coverage, at most {LendingParse.YuanText(maxFeeFen)} fee)");
        });
        return command;
    }

    private static Command WithdrawInvitation(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var command = new Command("withdraw-invitation", "Withdraw the bank's open invitation to guarantee the loan.") { loanArg };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var (caller, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Loan(context.Get(loanArg), "loan", caller.Organization);
            var tx = await bank.Bank.WithdrawInvitationAsync(id, cancellationToken).ConfigureAwait(false);
            return PrintTransaction(context, tx, new { loanId = id.ToString(), invitationWithdrawn = true }, $"Invitation for loan {id} withdrawn");
        });
        return command;
    }

    private static Command CancelGuarantee(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var command = new Command(
            "cancel-guarantee",
            "Cancel the guarantee of a loan that has not defaulted (frees the agreement's limit; the loan may be guaranteed again).") { loanArg };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var (caller, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Loan(context.Get(loanArg), "loan", caller.Organization);
            var tx = await bank.Bank.CancelGuaranteeAsync(id, cancellationToken).ConfigureAwait(false);
            return PrintTransaction(context, tx, new { loanId = id.ToString(), guaranteeCancelled = true }, $"Guarantee of loan {id} cancelled");
        });
        return command;
    }

    private static Command AcceptAgreement(GlobalOptions globals)
    {
        var agreement = new Argument<string>("agreement") { Description = "The agreement id (0x + 64 hex digits, as `ledger guarantee propose-agreement` prints it)." };
        var command = new Command("accept-agreement", "Accept a batch guarantee agreement (总对总) a guarantor proposed to this bank.") { agreement };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var id = LendingParse.Agreement(context.Get(agreement), "agreement", null);
            var (_, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var tx = await bank.Bank.AcceptAgreementAsync(id, cancellationToken).ConfigureAwait(false);
            return PrintTransaction(context, tx, new { agreementId = id.ToString(), accepted = true }, $"Agreement {id} accepted");
        });
        return command;
    }

    private static Command Enroll(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var agreement = new Option<string>("--agreement") { Description = "The accepted agreement to enrol the loan under (its id).", Required = true, HelpName = "ID" };
        var command = new Command("enroll", "Enrol a loan under an accepted batch agreement: the guarantor covers it on the agreement's terms.") { loanArg, agreement };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var agreementId = LendingParse.Agreement(context.Get(agreement), "--agreement", null);
            var (caller, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Loan(context.Get(loanArg), "loan", caller.Organization);
            var tx = await bank.Bank.EnrollLoanAsync(agreementId, id, cancellationToken).ConfigureAwait(false);
            return PrintTransaction(context, tx, new { loanId = id.ToString(), agreementId = agreementId.ToString() }, $"Loan {id} enrolled under agreement {agreementId}");
        });
        return command;
    }

    private static Command Claim(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var fund = new Option<string>("--fund") { Description = "The risk-compensation fund to claim on (its id, as `ledger fund create` prints it).", Required = true, HelpName = "ID" };
        var command = new Command("claim", "File a claim on the risk-compensation fund for a defaulted loan (the regulator approves or rejects it).") { loanArg, fund };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var fundId = LendingParse.Fund(context.Get(fund), "--fund", null);
            var (caller, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Loan(context.Get(loanArg), "loan", caller.Organization);
            var tx = await bank.Bank.FileClaimAsync(fundId, id, cancellationToken).ConfigureAwait(false);
            return PrintTransaction(context, tx, new { loanId = id.ToString(), fundId = fundId.ToString(), filed = true }, $"Claim on fund {fundId} filed for loan {id}");
        });
        return command;
    }

    private static Command WithdrawClaim(GlobalOptions globals)
    {
        var loanArg = LoanArgument();
        var fund = new Option<string>("--fund") { Description = "The fund the claim was filed at (its id).", Required = true, HelpName = "ID" };
        var command = new Command("withdraw-claim", "Withdraw a filed claim nothing was paid on (the loan may then be claimed at another fund).") { loanArg, fund };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var fundId = LendingParse.Fund(context.Get(fund), "--fund", null);
            var (caller, bank) = await LendingParse.ConnectOwnAsync(context, CallerRole, cancellationToken).ConfigureAwait(false);
            var id = LendingParse.Loan(context.Get(loanArg), "loan", caller.Organization);
            var tx = await bank.Bank.WithdrawClaimAsync(fundId, id, cancellationToken).ConfigureAwait(false);
            return PrintTransaction(context, tx, new { loanId = id.ToString(), fundId = fundId.ToString(), withdrawn = true }, $"Claim on fund {fundId} for loan {id} withdrawn");
        });
        return command;
    }

    /// <summary>Prints a loan (one JSON document, or a grid under a title) and returns exit code 0.</summary>
    internal static int PrintLoan(CliContext context, LoanDetails loan, string title)
    {
        if (context.Json)
        {
            context.WriteJson(LendingParse.LoanJson(loan));
            return CliErrors.Ok;
        }
        context.Console.MarkupLine($"[bold]{Markup.Escape(title)}[/]");
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string value) => grid.AddRow($"[bold]{name}[/]", Markup.Escape(value));
        Row("loan", loan.LoanId.ToString());
        if (loan.Reference.Length > 0)
        {
            Row("reference", loan.Reference);
        }
        Row("status", LendingParse.StatusWord(loan.Status));
        Row("bank", loan.Bank.Code);
        Row("enterprise", loan.Enterprise.ToString());
        Row("product", loan.Product.Code);
        Row("amount", LendingParse.YuanText(loan.AmountFen));
        Row("outstanding", LendingParse.YuanText(loan.OutstandingFen));
        if (loan.LossFen > UInt128.Zero)
        {
            Row("loss", LendingParse.YuanText(loan.LossFen));
        }
        Row("rate", $"{LendingParse.PercentText(loan.RateBps)} a year, {loan.TermMonths} months");
        Row("purpose", LendingParse.PurposeWord(loan.Purpose));
        Row("disbursed", CliParse.Time(loan.DisbursedAt));
        Row("decision", loan.Decision.ToString());
        Row("consent", loan.ConsentId.ToString());
        if (loan.Transaction is { } tx)
        {
            Row("recorded", LendingParse.TxText(tx));
        }
        context.Console.Write(grid);
        return CliErrors.Ok;
    }

    /// <summary>Prints the outcome of a call whose result is one transaction: <paramref name="facts"/> plus the transaction.</summary>
    internal static int PrintTransaction(CliContext context, ChainTransaction tx, object facts, string sentence)
    {
        if (context.Json)
        {
            var document = System.Text.Json.JsonSerializer.SerializeToNode(facts, facts.GetType(), CliContext.JsonOptions)!.AsObject();
            document["tx"] = System.Text.Json.JsonSerializer.SerializeToNode(LendingParse.TxJson(tx), CliContext.JsonOptions);
            context.WriteJson(document);
            return CliErrors.Ok;
        }
        context.Console.MarkupLine($"{Markup.Escape(sentence)} ({Markup.Escape(LendingParse.TxText(tx))}).");
        return CliErrors.Ok;
    }
}
