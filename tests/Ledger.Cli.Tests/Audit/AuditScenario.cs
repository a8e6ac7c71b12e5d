using System.Runtime.CompilerServices;
using System.Text.Json;
using Ledger.Cli.Tests.Loan;
using Ledger.Cli.Tests.Support;

namespace Ledger.Cli.Tests.Audit;

/// <summary>
/// What the audit tests examine, built once per consortium through the CLI: an enterprise's consent, a direct fetch
/// from the tax node (an access record), the bank's decision (a decision record, after the bank node's own fetch),
/// a loan and a repayment; the auditor synced until every record of the enterprise is anchored; and the enterprise's
/// bundle saved by `ledger audit bundle`.
/// </summary>
public sealed record AuditScenario(DisbursedLoan Loan, string AccessRecord, string DecisionRecord, string BundlePath, JsonElement Trail)
{
    private static readonly ConditionalWeakTable<ConsortiumFixture, Task<AuditScenario>> Built = [];

    public Borrower Borrower => Loan.Borrower;

    /// <summary>The scenario of <paramref name="fixture"/>'s consortium (built on first use).</summary>
    public static Task<AuditScenario> OfAsync(ConsortiumFixture fixture) => Built.GetValue(fixture, BuildAsync);

    private static async Task<AuditScenario> BuildAsync(ConsortiumFixture fixture)
    {
        var borrower = await LendingSetup.NewBorrowerAsync(fixture);
        var fetched = LendingSetup.Ok(await fixture.RunAsync("data", "fetch", "--consent", borrower.ConsentId, "--org", LendingSetup.Bank, "--json"));
        var access = fetched.GetProperty("accessRecord").GetProperty("recordHash").GetString()!;
        var loan = await LendingSetup.NewLoanAsync(fixture, borrower, "2万");
        var decision = loan.Decision.GetProperty("record").GetProperty("recordHash").GetString()!;
        LendingSetup.Ok(await fixture.RunAsync("loan", "repay", loan.Reference, "--principal", "5000", "--org", LendingSetup.Bank, "--json"));

        // The tax node and the bank anchor within a second; the auditor pulls records again once they carry their anchor.
        var trail = await LendingSetup.EventuallyAsync(async () =>
        {
            LendingSetup.Ok(await fixture.RunAsync("audit", "sync", "--json"));
            var run = await fixture.RunAsync("audit", "trail", "--enterprise", borrower.EnterpriseHash, "--json");
            var document = run.Json();
            var items = document.GetProperty("items").EnumerateArray().ToList();
            var complete = run.ExitCode == 0
                && document.GetProperty("pending").GetInt32() == 0
                && items.Any(i => i.GetProperty("id").GetString() == access)
                && items.Any(i => i.GetProperty("id").GetString() == decision)
                && items.Any(i => i.GetProperty("kind").GetString() == "LoanRepaid");
            return complete ? (object)document : null;
        }, "every record of the enterprise to be anchored and synced");

        var bundle = Path.Combine(fixture.Dir, "audit", "audit-bundle.json");
        var saved = LendingSetup.Ok(await fixture.RunAsync("audit", "bundle", "--enterprise", borrower.EnterpriseHash, "--out", bundle, "--json"));
        Assert.Equal(bundle, saved.GetProperty("path").GetString());
        return new AuditScenario(loan, access, decision, bundle, (JsonElement)trail);
    }
}
