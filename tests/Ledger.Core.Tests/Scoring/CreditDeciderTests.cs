using System.Globalization;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;

namespace Ledger.Core.Tests.Scoring;

public class CreditDeciderTests
{
    private static readonly ProductCode ShuiYiDai = ProductCode.FromCode("SHUIYIDAI");
    private static readonly ProductCode YinShuiDai = ProductCode.FromCode("YINSHUIDAI");

    private static CreditDecision Decide(TaxProfile profile, ProductCode? product = null) =>
        CreditDecider.Decide(profile, ProductTable.Default, Profiles.Now, product);

    [Fact]
    public void Decide_StrongARatedEnterprise_IsApprovedWithTheHighestLimit()
    {
        // 360,000 CNY tax paid: 税易贷 10× = 3.6 M capped at 3 M; 银税贷 8× = 2.88 M (cap 5 M) → 税易贷.
        var decision = Decide(Profiles.Strong());
        Assert.True(decision.Approved);
        Assert.Equal(ShuiYiDai, decision.Product);
        Assert.Equal(300_000_000, decision.LimitFen);
        Assert.Equal(365u, decision.RateBps);
        Assert.Equal(12, decision.TermMonths);
        Assert.StartsWith("Approved 税易贷 (SHUIYIDAI): rating A in 2025", decision.Reasons[0], StringComparison.Ordinal);
        Assert.Contains("capped at 3,000,000.00 CNY", decision.Reasons[0], StringComparison.Ordinal);
        Assert.Contains("3.65% a year for 12 months", decision.Reasons[0], StringComparison.Ordinal);
        Assert.Contains(decision.Reasons, r => r.StartsWith("Also eligible for 银税贷 (YINSHUIDAI): rating A in 2025", StringComparison.Ordinal));
        Assert.Equal(Scorecard.Evaluate(Profiles.Strong(), Profiles.Now).Factors, decision.Factors);
        Assert.Equal(ProductTable.Default.Version, decision.TableVersion);
        Assert.Equal(Profiles.Now, decision.DecidedAt);
    }

    [Fact]
    public void Decide_LimitBelowTheCap_IsTheMultipleRoundedDownToWholeThousands()
    {
        // 12 × 23,456.78 CNY = 281,481.36 CNY paid; 税易贷 10× = 2,814,813.60 → 2,814,000 CNY; 银税贷 8× = 2,251,000.
        var profile = Profiles.Strong() with { TaxPayments = Profiles.Monthly(24, _ => 2_345_678) };
        var decision = Decide(profile);
        Assert.Equal(ShuiYiDai, decision.Product);
        Assert.Equal(281_400_000, decision.LimitFen);
        Assert.Contains("10 × 281,481.36 CNY tax paid in the last 12 months", decision.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_WhenTheOtherProductGivesMore_OffersIt()
    {
        // 600,000 CNY paid: 税易贷 capped at 3 M, 银税贷 8× = 4.8 M (cap 5 M).
        var profile = Profiles.Strong() with { TaxPayments = Profiles.Monthly(24, _ => 5_000_000) };
        var decision = Decide(profile);
        Assert.Equal(YinShuiDai, decision.Product);
        Assert.Equal(480_000_000, decision.LimitFen);
        Assert.Equal(385u, decision.RateBps);
        Assert.Equal(36, decision.TermMonths);
    }

    [Fact]
    public void Decide_ARated_GetsALowerRateThanBAndM()
    {
        var rates = new[] { TaxCreditRating.A, TaxCreditRating.B, TaxCreditRating.M }
            .Select(r => Decide(Profiles.Strong().WithLatestRating(r), ShuiYiDai))
            .ToList();
        Assert.All(rates, d => Assert.True(d.Approved, string.Join(" | ", d.Reasons)));
        Assert.True(rates[0].RateBps < rates[1].RateBps);
        Assert.True(rates[1].RateBps < rates[2].RateBps);
        Assert.True(rates[0].LimitFen >= rates[1].LimitFen);
        Assert.True(rates[1].LimitFen >= rates[2].LimitFen);
    }

    [Fact]
    public void Decide_LatestRatingD_IsAHardDeclineWhateverTheScore()
    {
        var decision = Decide(Profiles.Strong().WithLatestRating(TaxCreditRating.D));
        Assert.False(decision.Approved);
        Assert.Equal(0, decision.LimitFen);
        Assert.Equal(0u, decision.RateBps);
        Assert.Null(decision.Product);
        Assert.Equal(["Declined: tax-credit rating D in 2025 is a hard decline for every product"], decision.Reasons);
        Assert.True(decision.Score > 600); // a high score does not save it
    }

    [Fact]
    public void Decide_DInAnEarlierYearOnly_IsNotAHardDecline()
    {
        var profile = Profiles.Strong() with { Ratings = [new(2023, TaxCreditRating.D), new(2024, TaxCreditRating.B), new(2025, TaxCreditRating.A)] };
        Assert.True(Decide(profile).Approved);
    }

    [Fact]
    public void Decide_RatingC_IsNotEligibleForAnyProduct()
    {
        var decision = Decide(Profiles.Strong().WithLatestRating(TaxCreditRating.C));
        Assert.False(decision.Approved);
        Assert.Equal(2, decision.Reasons.Count);
        Assert.Contains("Declined for 税易贷 (SHUIYIDAI): tax-credit rating C in 2025 is not eligible (eligible: A/B/M)", decision.Reasons);
        Assert.Contains("Declined for 银税贷 (YINSHUIDAI): tax-credit rating C in 2025 is not eligible (eligible: A/B)", decision.Reasons);
    }

    [Fact]
    public void Decide_RatingM_IsEligibleOnlyForShuiYiDai()
    {
        var decision = Decide(Profiles.Strong().WithLatestRating(TaxCreditRating.M));
        Assert.True(decision.Approved);
        Assert.Equal(ShuiYiDai, decision.Product);
        Assert.Equal(100_000_000, decision.LimitFen); // 3 × 360,000 CNY = 1.08 M, capped at 1 M
        Assert.Contains("capped at 1,000,000.00 CNY", decision.Reasons[0], StringComparison.Ordinal);
        Assert.Equal(480u, decision.RateBps);
        Assert.Contains(decision.Reasons, r => r.StartsWith("Declined for 银税贷 (YINSHUIDAI): tax-credit rating M", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_NoCurrentRating_Declines()
    {
        var decision = Decide(Profiles.Strong() with { Ratings = [] });
        Assert.False(decision.Approved);
        Assert.All(decision.Reasons, r => Assert.Contains("no current tax-credit rating", r, StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_ScoreBelowTheMinimum_DeclinesWithBothNumbers()
    {
        // Rating B with weak everything else.
        var profile = new TaxProfile(
            [new(2025, TaxCreditRating.B)], Profiles.Monthly(24, back => back % 2 == 0 ? 3_000_000 : 0), [], TaxArrears.None, 2, 0, new DateOnly(2020, 1, 1));
        var decision = Decide(profile, ShuiYiDai);
        Assert.False(decision.Approved);
        Assert.Equal(ShuiYiDai, decision.Product);
        Assert.True(decision.Score < 600, decision.Score.ToString(CultureInfo.InvariantCulture));
        Assert.Contains($"score {decision.Score} is below the minimum 600 for rating B", Assert.Single(decision.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SeveralFailedRules_ListsEveryOne()
    {
        var profile = Profiles.Strong() with
        {
            Arrears = new TaxArrears(1, 50_000),
            EnforcementCases = 1,
            RegisteredOn = new DateOnly(2025, 1, 1),
        };
        var reason = Assert.Single(Decide(profile, ShuiYiDai).Reasons);
        Assert.StartsWith("Declined for 税易贷 (SHUIYIDAI): ", reason, StringComparison.Ordinal);
        Assert.Contains("1 full years in business, fewer than the 2 required", reason, StringComparison.Ordinal);
        Assert.Contains("outstanding tax arrears of 500.00 CNY; the product requires none", reason, StringComparison.Ordinal);
        Assert.Contains("1 court enforcement case(s), more than the 0 accepted", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_LimitBelowTheProductsMinimum_Declines()
    {
        // 12 × 50 CNY = 600 CNY paid; 10× = 6,000 CNY < 10,000 CNY minimum.
        var profile = Profiles.Strong() with { TaxPayments = Profiles.Monthly(24, _ => 5_000) };
        var decision = Decide(profile, ShuiYiDai);
        Assert.False(decision.Approved);
        Assert.Contains("comes to 6,000.00 CNY, below the product's minimum 10,000.00 CNY", Assert.Single(decision.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_UnknownProduct_ThrowsUnknownProduct()
    {
        var ex = Assert.Throws<LedgerException>(() => Decide(Profiles.Strong(), ProductCode.FromCode("XINYIDAI")));
        Assert.Equal(ScoringErrors.UnknownProductCode, ex.Code);
        Assert.Contains("SHUIYIDAI, YINSHUIDAI", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SameInputs_GiveTheSameDecisionAndHash()
    {
        var first = Decide(Profiles.Strong());
        var second = Decide(Profiles.Strong());
        Assert.Equal(first.Reasons, second.Reasons);
        Assert.Equal(first.Factors, second.Factors);
        Assert.Equal(first.ReasonsHash(), second.ReasonsHash());
    }

    [Fact]
    public void ReasonsHash_DoesNotDependOnTheCurrentCulture()
    {
        var expected = Decide(Profiles.Strong()).ReasonsHash();
        var odd = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        odd.NumberFormat.NumberDecimalSeparator = ",";
        odd.NumberFormat.NumberGroupSeparator = ".";
        odd.NumberFormat.NegativeSign = "~";
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = odd;
            CultureInfo.CurrentUICulture = odd;
            var underOddCulture = Decide(Profiles.Strong() with { Arrears = new TaxArrears(2, 1_000_000) });
            Assert.DoesNotContain("~", underOddCulture.CanonicalReasonsJson(), StringComparison.Ordinal);
            Assert.Equal(expected, Decide(Profiles.Strong()).ReasonsHash());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
            CultureInfo.CurrentUICulture = saved;
        }
    }

    [Fact]
    public void CanonicalReasonsJson_HasSortedMembersNoWhitespaceAndHashesToReasonsHash()
    {
        var decision = Decide(Profiles.Strong());
        var json = decision.CanonicalReasonsJson();
        Assert.StartsWith(
            "{\"factors\":[{\"factor\":\"taxCreditRating.latest\",\"maxPoints\":220,\"points\":220,\"reason\":\"Tax-credit rating A in 2025 (+220)\"},",
            json, StringComparison.Ordinal);
        Assert.Contains("],\"format\":\"ledger/credit-reasons/v1\",\"reasons\":[\"Approved 税易贷 (SHUIYIDAI)", json, StringComparison.Ordinal);
        Assert.EndsWith("\"]}", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", json, StringComparison.Ordinal); // Chinese stays raw UTF-8
        using var parsed = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(decision.Factors.Count, parsed.RootElement.GetProperty("factors").GetArrayLength());
        Assert.Equal(Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(json)), decision.ReasonsHash());
    }

    [Fact]
    public void ReasonsHash_AnyChangedReasonOrPoint_ChangesTheHash()
    {
        var decision = Decide(Profiles.Strong());
        var otherReason = decision with { Reasons = [.. decision.Reasons.Skip(1), "x"] };
        var otherPoints = decision with { Factors = [decision.Factors[0] with { Points = 219 }, .. decision.Factors.Skip(1)] };
        Assert.NotEqual(decision.ReasonsHash(), otherReason.ReasonsHash());
        Assert.NotEqual(decision.ReasonsHash(), otherPoints.ReasonsHash());
    }

    [Fact]
    public void ToRecord_CarriesTheDecisionAndItsReasonsHash()
    {
        var decision = Decide(Profiles.Strong());
        var consent = new ConsentId(Keccak.Hash("consent-1"));
        var bank = OrgId.FromCode("bank.ccb.liuzhou");
        var enterprise = new EnterpriseHash(Keccak.Hash("enterprise-1"));

        var record = decision.ToRecord(consent, bank, enterprise, 42);

        Assert.Equal(
            new CreditDecisionRecord(consent, bank, enterprise, true, (uint)decision.Score, ShuiYiDai, 300_000_000, 365, 12,
                decision.ReasonsHash(), (ulong)Profiles.Now.ToUnixTimeMilliseconds(), 42),
            record);
        Assert.Equal("SHUIYIDAI", record.Product.Code);
    }

    [Fact]
    public void ToRecord_DeclineWithoutProduct_RecordsTheZeroProduct()
    {
        var record = Decide(Profiles.Strong().WithLatestRating(TaxCreditRating.D))
            .ToRecord(new ConsentId(Keccak.Hash("c")), OrgId.FromCode("bank.x"), new EnterpriseHash(Keccak.Hash("e")), 1);
        Assert.False(record.Approved);
        Assert.True(record.Product.Value.IsZero);
        Assert.Equal(UInt128.Zero, record.LimitFen);
    }
}
