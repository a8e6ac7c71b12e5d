using System.Security.Cryptography;
using System.Text.Json;
using Ledger.Cli.Tests.Support;
using Ledger.Core.Model;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;

namespace Ledger.Cli.Tests.Loan;

/// <summary>An enterprise ready to borrow: imported by the tax bureau, its wallet bound, a consent granted to a bank.</summary>
/// <param name="Taxpayer">Its tax data (approved by the default product table).</param>
/// <param name="KeyFile">Its wallet key file.</param>
/// <param name="Account">Its wallet account.</param>
/// <param name="ConsentId">Its consent to the bank (rating, payments, invoices; 100 fetches).</param>
/// <param name="EnterpriseHash">Its salted credit-code hash.</param>
public sealed record Borrower(Taxpayer Taxpayer, string KeyFile, string Account, string ConsentId, string EnterpriseHash);

/// <summary>A disbursed loan: its id, reference, amount (fen) and the decision it rests on.</summary>
public sealed record DisbursedLoan(Borrower Borrower, string LoanId, string Reference, UInt128 AmountFen, JsonElement Decision);

/// <summary>
/// The lending steps the command-group tests build on, each done through the CLI's command tree against the shared
/// consortium: `tax import`, `consent keygen`, `tax bind`, `consent grant`, `loan decide`, `loan disburse`.
/// </summary>
public static class LendingSetup
{
    public const string Bank = "bank.ccb.liuzhou";
    public const string OtherBank = "bank.icbc.liuzhou";
    public const string Guarantor = "guarantor.gx";
    public const string Regulator = "regulator.pbc";
    public const string Auditor = "auditor.nao";
    public const string Tax = "tax.liuzhou";

    /// <summary>A fresh enterprise the default product table clearly approves, with a consent to <paramref name="bank"/>.</summary>
    public static async Task<Borrower> NewBorrowerAsync(ConsortiumFixture fixture, string bank = Bank)
    {
        var taxpayer = ApprovedTaxpayer();
        var data = Path.Combine(fixture.Dir, $"borrower-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(data, TaxpayerImport.ToJsonLine(taxpayer) + "\n");
        Ok(await fixture.RunAsync("tax", "import", data, "--json"));

        var keyFile = Path.Combine(fixture.Dir, $"borrower-{Guid.NewGuid():N}.key");
        var account = Ok(await fixture.RunAsync("consent", "keygen", "--out", keyFile, "--json")).GetProperty("account").GetString()!;
        Ok(await fixture.RunAsync("tax", "bind", "--credit-code", taxpayer.CreditCode.Value, "--enterprise-key", keyFile, "--json"));

        var granted = Ok(await fixture.RunAsync(
            "consent", "grant", "--enterprise-key", keyFile, "--org", bank, "--scopes", "rating,payments,invoices,judicial", "--fetch-cap", "100", "--json"));
        return new Borrower(
            taxpayer,
            keyFile,
            account,
            granted.GetProperty("consentId").GetString()!,
            granted.GetProperty("terms").GetProperty("creditCodeHash").GetString()!);
    }

    /// <summary>`loan decide` then `loan disburse` of <paramref name="amount"/> (default 1万 yuan) under a fresh reference.</summary>
    public static async Task<DisbursedLoan> NewLoanAsync(ConsortiumFixture fixture, Borrower? borrower = null, string amount = "1万", params string[] extra)
    {
        borrower ??= await NewBorrowerAsync(fixture);
        var decision = Ok(await fixture.RunAsync("loan", "decide", "--consent", borrower.ConsentId, "--org", Bank, "--json"));
        Assert.True(decision.GetProperty("approved").GetBoolean(), decision.ToString());
        var reference = $"CCB-{Guid.NewGuid():N}"[..20];
        var loan = Ok(await fixture.RunAsync(
            ["loan", "disburse", "--decision", decision.GetProperty("decisionHash").GetString()!, "--reference", reference, "--amount", amount, "--org", Bank, "--json", .. extra]));
        return new DisbursedLoan(borrower, loan.GetProperty("loanId").GetString()!, reference, UInt128.Parse(loan.GetProperty("amountFen").GetString()!), decision);
    }

    /// <summary>The JSON document of a successful run (fails the test with the whole run otherwise).</summary>
    public static JsonElement Ok(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Json();
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value (at most 60 s): chain indexes follow the chain within a polling interval.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited 60 s for {what}.");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// A synthetic taxpayer the default product table approves with a score well clear of its minimum and a limit of at
    /// least 10万 yuan (the bank node decides on the same data), so the tests' loans of up to 2万 fit under it.
    /// </summary>
    public static Taxpayer ApprovedTaxpayer()
    {
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var until = YearMonth.Of(DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime));
        while (true)
        {
            foreach (var taxpayer in SyntheticTaxpayers.Generate(40, RandomNumberGenerator.GetInt32(1, int.MaxValue), today))
            {
                var report = taxpayer.Report(Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices | Scopes.Judicial, until.AddMonths(-24), until, now);
                var decision = CreditDecider.Decide(report.ToProfile(), ProductTable.Default, now);
                if (decision.Approved && decision.Score >= 700 && decision.LimitFen >= 10_000_000)
                {
                    return taxpayer;
                }
            }
        }
    }
}
