using Ledger.Audit.Bundle;
using Ledger.Audit.Indexing;
using Ledger.Audit.Statistics;
using Ledger.Audit.Tests.Support;
using Ledger.Audit.Verification;
using Ledger.Core.Model;
using Ledger.Core.Records;

namespace Ledger.Audit.Tests;

public class StatisticsTests
{
    private const ulong Yuan = TestLedgers.Yuan;

    [Fact]
    public void Compute_TheLendingScenario_GivesEveryFigure()
    {
        var s = TestLedgers.LendingScenario();
        var stats = ProgramStatisticsCalculator.Compute(LedgerIndex.Build(s.ToBundle()));

        Assert.Equal(1UL, stats.EnterprisesServed);
        Assert.Equal(2UL, stats.CreditsGranted);
        Assert.Equal((UInt128)(3_000_000 * Yuan), stats.TotalAmountFen);
        Assert.Equal([new CountAmount("SHUIYIDAI", 1, 1_000_000 * Yuan), new CountAmount("YINSHUIDAI", 1, 2_000_000 * Yuan)], stats.ByProduct);
        Assert.Equal([new CountAmount("A", 1, 1_000_000 * Yuan), new CountAmount("B", 1, 2_000_000 * Yuan)], stats.ByRating);
        Assert.Equal(2UL, stats.RatingsFromReasons);
        Assert.Equal(2UL, stats.DecisionsApproved);
        Assert.Equal(1UL, stats.DecisionsDeclined);
        Assert.Equal(4UL, stats.ConsentsGranted);
        Assert.Equal(1UL, stats.ConsentsRevoked);
        Assert.Equal(4UL, stats.DataAccesses);
        Assert.Equal(1UL, stats.Refusals);
        Assert.Equal(1UL, stats.DeletionReceipts);
        Assert.Equal(1UL, stats.Repayments);
        Assert.Equal((UInt128)(500_000 * Yuan), stats.RepaidPrincipalFen);
        Assert.Equal(1UL, stats.OverdueReports);
        Assert.Equal(1UL, stats.Defaults);
        Assert.Equal((UInt128)(600_000 * Yuan), stats.DefaultLossFen);
        Assert.Equal(1UL, stats.Guarantees);
        Assert.Equal(1UL, stats.GuarantorPayouts);
        Assert.Equal((UInt128)(300_000 * Yuan), stats.GuarantorPayoutFen);
        Assert.Equal(1UL, stats.Compensations);
        Assert.Equal((UInt128)(90_000 * Yuan), stats.CompensationFen);
        Assert.Equal(s.Ledger.Events[^1].BlockNumber, stats.AsOfBlock);
        Assert.Equal(0UL, stats.ExcludedRecords);
    }

    [Fact]
    public void Compute_ACityProgram_GivesThePublishedHeadline()
    {
        // 918 taxpayers, 1,105 credits, 1.905 bn CNY — built loan by loan, counted back from the ledger.
        const int Enterprises = 918;
        const int Credits = 1_105;
        const ulong Total = 1_905_000_000 * Yuan;
        var l = new SyntheticLedger();
        var expectedByProduct = new Dictionary<string, (ulong Count, UInt128 Amount)>();
        var expectedByRating = new Dictionary<string, (ulong Count, UInt128 Amount)>();
        UInt128 sum = 0;
        for (var i = 0; i < Credits; i++)
        {
            var enterprise = i % Enterprises;
            var terms = l.Terms(enterprise);
            var consent = l.Grant(terms);
            var product = i % 2 == 0 ? SyntheticLedger.Shuiyidai : SyntheticLedger.Yinshuidai;
            var rating = "ABM"[i % 3];
            UInt128 amount = i < Credits - 1 ? (1_000_000 + (ulong)(i % 10) * 150_000) * Yuan : Total - sum;
            sum += amount;
            var (_, decision) = l.Decision(consent, terms, true, product, amount, rating);
            l.Disburse($"LOAN-{i}", SyntheticLedger.Bank, terms.CreditCodeHash, product, amount, decision, consent);
            Add(expectedByProduct, product.Code, amount);
            Add(expectedByRating, rating.ToString(), amount);
            if (i % 50 == 49)
            {
                l.NextBlock();
            }
        }
        l.AnchorAll();

        var stats = ProgramStatisticsCalculator.Compute(LedgerIndex.Build(l.ToBundle()));

        Assert.Equal((ulong)Enterprises, stats.EnterprisesServed);
        Assert.Equal((ulong)Credits, stats.CreditsGranted);
        Assert.Equal((UInt128)Total, stats.TotalAmountFen);
        Assert.Equal("918 enterprises served, 1,105 credits granted, 19.05亿 CNY (1,905,000,000.00 CNY)", stats.ToString());
        Assert.Equal(expectedByProduct.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new CountAmount(p.Key, p.Value.Count, p.Value.Amount)), stats.ByProduct);
        Assert.Equal(["A", "B", "M"], stats.ByRating.Select(r => r.Key));
        Assert.All(stats.ByRating, r => Assert.Equal(expectedByRating[r.Key], (r.Count, r.AmountFen)));
        Assert.Equal((ulong)Credits, stats.RatingsFromReasons);
        Assert.Equal((UInt128)Total, stats.ByRating.Aggregate(UInt128.Zero, (a, r) => a + r.AmountFen));
    }

    [Fact]
    public void Compute_RatingsWithoutAVerifiedReasonsDocument_ComeFromTheBanksReportOrAreUnknown()
    {
        var l = new SyntheticLedger();
        var ratings = new List<string>();
        void Lend(int enterprise, bool withReasons, string? reported, char? rating)
        {
            var terms = l.Terms(enterprise);
            var consent = l.Grant(terms);
            var (_, decision) = l.Decision(consent, terms, true, SyntheticLedger.Shuiyidai, 100 * Yuan, rating, withReasons, reported);
            l.Disburse($"L{enterprise}", SyntheticLedger.Bank, terms.CreditCodeHash, SyntheticLedger.Shuiyidai, 100 * Yuan, decision, consent);
        }
        Lend(1, withReasons: true, reported: "C", rating: 'A');   // the verified document wins over the report
        Lend(2, withReasons: false, reported: "M", rating: 'M');  // only the bank's report
        Lend(3, withReasons: false, reported: null, rating: 'B'); // nothing to go on
        Lend(4, withReasons: true, reported: null, rating: null); // "No current tax-credit rating"
        l.AnchorAll();
        var bundle = l.ToBundle();
        // A reasons document that is not the recorded one is not believed.
        var decision5 = bundle.Records.Select((r, i) => (r, i)).First(x => x.r.Record is CreditDecisionRecord d && d.Enterprise == SyntheticLedger.EnterpriseHashOf(1)).i;
        var altered = bundle.Replace(decision5, bundle.Records[decision5] with { ReasonsJson = bundle.Records[decision5].ReasonsJson!.Replace("rating A", "rating B", StringComparison.Ordinal) });

        var stats = ProgramStatisticsCalculator.Compute(LedgerIndex.Build(bundle));
        Assert.Equal(
            [new CountAmount("A", 1, 100 * Yuan), new CountAmount("M", 1, 100 * Yuan), new CountAmount("none", 1, 100 * Yuan), new CountAmount("unknown", 1, 100 * Yuan)],
            stats.ByRating);
        Assert.Equal(2UL, stats.RatingsFromReasons);

        var fallback = ProgramStatisticsCalculator.Compute(LedgerIndex.Build(altered));
        Assert.Contains(new CountAmount("C", 1, 100 * Yuan), fallback.ByRating);
        Assert.Equal(1UL, fallback.RatingsFromReasons);
    }

    [Fact]
    public void Compute_WithAReport_LeavesOutRecordsThatFailed()
    {
        var s = TestLedgers.LendingScenario();
        var late = s.Ledger.Access(s.C2, s.T2, checkedAt: s.RevokedAtBlock + 1);
        s.Ledger.AnchorPending(SyntheticLedger.Tax);
        var index = LedgerIndex.Build(s.ToBundle());
        var report = new LedgerVerifier(index, RootAuthority.FromEvidence()).VerifyAll();
        Assert.Equal(VerificationStatus.Failed, report.StatusOf(late));

        var all = ProgramStatisticsCalculator.Compute(index);
        var verifiedOnly = ProgramStatisticsCalculator.Compute(index, report: report);

        Assert.Equal(5UL, all.DataAccesses);
        Assert.Equal(4UL, verifiedOnly.DataAccesses);
        Assert.Equal(1UL, verifiedOnly.ExcludedRecords);
    }

    [Fact]
    public void Compute_ForATimeRange_CountsOnlyWhatHappenedInIt()
    {
        var s = TestLedgers.LendingScenario();
        var index = LedgerIndex.Build(s.ToBundle());
        var from = SyntheticLedger.TimeOf(s.RevokedAtBlock) * 1000;
        var stats = ProgramStatisticsCalculator.Compute(index, AuditScope.ForTimeRange(from, null));

        Assert.Equal(0UL, stats.CreditsGranted);
        Assert.Equal(0UL, stats.ConsentsGranted);
        Assert.Equal(1UL, stats.ConsentsRevoked);
        Assert.Equal(1UL, stats.Defaults);
        Assert.Equal(1UL, stats.Refusals);
        Assert.Equal(0UL, stats.DataAccesses);
        Assert.Equal(from, stats.FromMs);
    }

    [Fact]
    public void Money_FormatsYuanYiAndPercent()
    {
        Assert.Equal("1,905,000,000.00 CNY", Money.Cny(190_500_000_000));
        Assert.Equal("0.05 CNY", Money.Cny(5));
        Assert.Equal("19.05亿 CNY", Money.Yi(190_500_000_000));
        Assert.Equal("12,345.67 CNY", Money.Yi(1_234_567));
        Assert.Equal("3.65%", Money.Percent(365));
        Assert.Equal("100.00%", Money.Percent(10_000));
    }

    private static void Add(Dictionary<string, (ulong Count, UInt128 Amount)> map, string key, UInt128 amount)
    {
        map.TryGetValue(key, out var current);
        map[key] = (current.Count + 1, current.Amount + amount);
    }
}
