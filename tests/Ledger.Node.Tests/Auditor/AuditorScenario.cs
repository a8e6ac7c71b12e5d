using Ledger.Chain;
using Ledger.Chain.Transactions;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests.Auditor;

/// <summary>
/// The audit scenario on a chain of its own, with tax, bank and auditor nodes as processes (<see cref="NodeCluster"/>,
/// unchanged) — the tax node anchors exactly every 4 records (no time limit), so what the auditor sees before the
/// 4th record is deterministically unanchored:
/// <list type="number">
/// <item>enterprise 0 consents to bank.ccb; bank.ccb fetches twice; bank.icbc asks under that consent and is refused
/// (3 records, waiting in the tax node's outbox);</item>
/// <item>the auditor syncs: <see cref="Before"/> is enterprise 0's trail then;</item>
/// <item>enterprise 0 consents to bank.icbc, which records an approving decision and disburses a loan on chain (its
/// node is not running: its endpoint is unreachable), and repays part of it;</item>
/// <item>bank.ccb fetches a third time: the 4th record, so the tax node anchors the batch;</item>
/// <item>the auditor syncs again: <see cref="After"/> is the trail then;</item>
/// <item>bank.ccb lends through its own node (<c>Lending.Decide</c>, which fetches from the tax node, then
/// <c>Disburse</c>) to an A- or B-rated enterprise: its decision record, with the reasons document, is anchored by the
/// bank node; the auditor syncs a third time.</item>
/// </list>
/// The auditor's background sync runs every second as well.
/// </summary>
public sealed class AuditorScenario : NodeCluster
{
    public const ulong LoanAmountFen = 50_000_000; // 500,000.00 CNY
    public const ulong RepaidFen = 1_000_000;
    public static readonly ProductCode Product = ProductCode.FromCode("SHUIYIDAI");

    private LedgerChainClient? _lender;

    public TestEnterprise Enterprise => Enterprises[0];

    public LedgerConnection AuditorAsAuditor { get; private set; } = null!;

    public ConsentId BankConsent { get; private set; }

    public ConsentId LoanConsent { get; private set; }

    public LoanId Loan { get; private set; }

    /// <summary>The three access records of bank.ccb (the third made after the first sync).</summary>
    public IReadOnlyList<Hash32> Accesses { get; private set; } = [];

    /// <summary>The refusal of bank.icbc's request.</summary>
    public Hash32 Refusal { get; private set; }

    public SyncSummary FirstSync { get; private set; } = null!;

    public SyncSummary SecondSync { get; private set; } = null!;

    /// <summary>Enterprise 0's trail after the first sync (its records not anchored yet).</summary>
    public AuditTrailView Before { get; private set; } = null!;

    /// <summary>Enterprise 0's trail after the second sync (anchored).</summary>
    public AuditTrailView After { get; private set; } = null!;

    public string AuditorDataDir => Path.Combine(Dir, AuditorOrg.Code, "data");

    /// <summary>The enterprise bank.ccb lends to through its node.</summary>
    public TestEnterprise Borrower { get; private set; } = null!;

    /// <summary>bank.ccb's decision, as its node answered.</summary>
    public CreditDecisionResult BankDecision { get; private set; } = null!;

    /// <summary>bank.ccb's loan.</summary>
    public LoanDetails BankLoan { get; private set; } = null!;

    public SyncSummary ThirdSync { get; private set; } = null!;

    protected override void Configure(Dictionary<string, string> environment)
    {
        if (environment["Ledger__Node__Role"] == "tax")
        {
            environment["Ledger__Node__Batcher__MaxBatch"] = "4";
            environment["Ledger__Node__Batcher__MaxWaitMs"] = "86400000";
        }
        environment["Ledger__Node__Auditor__SyncInterval"] = "00:00:01";
    }

    protected override async Task SetUpAsync()
    {
        await base.SetUpAsync();
        AuditorAsAuditor = await ConnectAsync(Auditor, AuditorOrg);

        (BankConsent, _) = await GrantAsync(Enterprise);
        var first = await TaxAsBank.Tax.FetchReportAsync(new ReportRequest(BankConsent, Scopes.TaxCreditRating));
        var second = await TaxAsBank.Tax.FetchReportAsync(new ReportRequest(BankConsent, Scopes.TaxPayments));
        var refused = await Assert.ThrowsAsync<LedgerRemoteException>(() => TaxAsOtherBank.Tax.FetchReportAsync(new ReportRequest(BankConsent, Scopes.TaxCreditRating)));
        Refusal = refused.RefusalRecord ?? throw new InvalidOperationException("The refusal names no refusal record.");

        FirstSync = await AuditorAsAuditor.Audit.SyncAsync();
        Before = await AuditorAsAuditor.Audit.GetTrailAsync(AuditQuery.ForEnterprise(Enterprise.CreditCodeHash));

        // bank.icbc lends on chain under a consent of its own.
        (LoanConsent, _) = await GrantAsync(Enterprise, OtherBankOrg, Scopes.TaxCreditRating);
        _lender = new LedgerChainClient(Chain.CreateSender(this[OtherBankOrg].Keys.OperatorKey, new InMemoryTransactionJournal()), Chain.Deployment);
        var decision = new DecisionHash(Keccak.Hash("bank.icbc/decision/1"));
        await _lender.RecordDecisionAsync(decision, LoanConsent, approved: true);
        Loan = LoanId.FromReference(OtherBankOrg, "contract-2026-001");
        await _lender.DisburseAsync("contract-2026-001", decision, Product, LoanAmountFen, 435, 12, LoanPurpose.WorkingCapital);
        await _lender.RecordRepaymentAsync(Loan, RepaidFen, 20_000);

        var third = await TaxAsBank.Tax.FetchReportAsync(new ReportRequest(BankConsent, Scopes.TaxCreditRating | Scopes.Invoices));
        Accesses = [first.AccessRecord.RecordHash.Value, second.AccessRecord.RecordHash.Value, third.AccessRecord.RecordHash.Value];
        await WaitTaxRecordsAnchoredAsync(4);

        SecondSync = await AuditorAsAuditor.Audit.SyncAsync();
        After = await AuditorAsAuditor.Audit.GetTrailAsync(AuditQuery.ForEnterprise(Enterprise.CreditCodeHash));

        // bank.ccb lends through its own node; its records (the decision, with its reasons document) are exported by it.
        Borrower = Enterprises.FirstOrDefault(e => e.Taxpayer.LatestRating is Core.Scoring.TaxCreditRating.A or Core.Scoring.TaxCreditRating.B)
            ?? throw new InvalidOperationException("None of the bound enterprises is rated A or B; the scenario needs one the bank approves.");
        var (lendingConsent, _) = await GrantAsync(Borrower, scopes: Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices | Scopes.Judicial);
        BankDecision = await BankAsBank.Bank.DecideAsync(new DecisionRequest(lendingConsent));
        if (!BankDecision.Approved)
        {
            throw new InvalidOperationException($"bank.ccb declined an enterprise rated {Borrower.Taxpayer.LatestRating}: {string.Join("; ", BankDecision.Reasons)}");
        }
        BankLoan = await BankAsBank.Bank.DisburseAsync(new Disbursement(BankDecision.DecisionHash, "ccb-2026-0001", BankDecision.LimitFen, LoanPurpose.WorkingCapital));
        var bankAsAuditor = await ConnectAsync(Bank, AuditorOrg);
        for (var i = 0; i < 600 && !(await bankAsAuditor.Records.ListAsync()).All(r => r.Anchor.IsAnchored); i++)
        {
            await Task.Delay(50);
        }
        ThirdSync = await AuditorAsAuditor.Audit.SyncAsync();
    }

    /// <summary>Waits until the tax node holds at least <paramref name="count"/> anchored records.</summary>
    public async Task WaitTaxRecordsAnchoredAsync(int count)
    {
        for (var i = 0; i < 600; i++)
        {
            if ((await TaxRecordsAsync()).Count(r => r.Anchor.IsAnchored) >= count)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"The tax node did not anchor {count} records within 30 s.");
    }

    public override async Task DisposeAsync()
    {
        _lender?.Sender.Dispose();
        await base.DisposeAsync();
    }
}
