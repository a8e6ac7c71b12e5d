using Ledger.Core.Scoring;

namespace Ledger.Core.TaxData;

/// <summary>
/// Realistic synthetic taxpayers for demos, tests and benchmarks: a rating mix close to what a city tax bureau
/// reports (most B, a good share A, few C/D, young firms M), monthly payments by tax type that follow revenue (VAT and
/// surcharges monthly, corporate income tax quarterly, withheld individual income tax with headcount), output
/// invoices, arrears and enforcement cases that come with poor ratings, and valid unified social credit codes.
/// Deterministic: the same seed and date give the same taxpayers on any machine.
/// </summary>
public static class SyntheticTaxpayers
{
    private static readonly (string City, string Division)[] Regions =
    [
        ("柳州", "450200"), ("南宁", "450100"), ("桂林", "450300"), ("梧州", "450400"), ("玉林", "450900"),
    ];

    private static readonly string[] Brands =
    [
        "达迪", "华盛", "鑫源", "恒通", "宏远", "博瑞", "金泰", "瑞丰", "嘉禾", "中科", "汇智", "启航", "新宇", "联创", "正阳",
        "东升", "海纳", "天骄", "润达", "腾跃", "锦程", "长虹", "佳和", "立信", "盛隆", "百川", "星河", "安达", "永固", "明德",
    ];

    private static readonly (string Business, string Industry)[] Businesses =
    [
        ("通信技术", "Information technology"), ("汽车零部件", "Automotive parts"), ("机械制造", "Machinery"),
        ("新材料科技", "New materials"), ("电子科技", "Electronics"), ("物流", "Logistics"), ("食品", "Food processing"),
        ("软件开发", "Software"), ("新能源科技", "New energy"), ("医疗器械", "Medical devices"), ("建筑工程", "Construction"),
        ("农业科技", "Agriculture technology"), ("商贸", "Trade"), ("环保科技", "Environmental technology"),
    ];

    /// <summary>Generates <paramref name="count"/> taxpayers with 36 months of history before <paramref name="asOf"/>'s month.</summary>
    public static IReadOnlyList<Taxpayer> Generate(int count, int seed, DateOnly asOf)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Taxpayer>(count);
        while (result.Count < count)
        {
            var taxpayer = One(random, asOf);
            if (used.Add(taxpayer.CreditCode.Value))
            {
                result.Add(taxpayer);
            }
        }
        return result;
    }

    private static Taxpayer One(Random random, DateOnly asOf)
    {
        var (city, division) = Regions[random.Next(Regions.Length)];
        var (business, industry) = Businesses[random.Next(Businesses.Length)];
        var brand = Brands[random.Next(Brands.Length)];
        var name = $"{city}{brand}{business}{(random.NextDouble() < 0.2 ? "股份有限公司" : "有限公司")}";
        var orgBody = "MA" + string.Concat(Enumerable.Range(0, 6).Select(_ => CreditCode.Alphabet[random.Next(CreditCode.Alphabet.Length)]));
        var code = CreditCode.Complete("91" + division + orgBody);

        var ageYears = random.NextDouble() < 0.12 ? random.Next(0, 2) : random.Next(2, 16);
        var registeredOn = asOf.AddYears(-ageYears).AddDays(-random.Next(0, 365));

        // Quality drives the rating and the payment discipline: A ≈ 30 %, B ≈ 42 %, C ≈ 12 %, D ≈ 4 %, young → M.
        var quality = random.NextDouble();
        var baseRating = ageYears < 2 ? TaxCreditRating.M
            : quality < 0.30 ? TaxCreditRating.A
            : quality < 0.84 ? TaxCreditRating.B
            : quality < 0.96 ? TaxCreditRating.C
            : TaxCreditRating.D;

        var lastYear = asOf.Year - 1;
        var ratings = new List<RatingOfYear>();
        for (var year = lastYear - 2; year <= lastYear; year++)
        {
            if (year < registeredOn.Year + 1)
            {
                continue;
            }
            var rating = baseRating;
            if (baseRating is TaxCreditRating.A or TaxCreditRating.B && random.NextDouble() < 0.15)
            {
                rating = baseRating == TaxCreditRating.A ? TaxCreditRating.B : TaxCreditRating.A;
            }
            ratings.Add(new RatingOfYear(year, rating));
        }

        var headcount = Math.Max(3, (int)Math.Round(Math.Exp(Normal(random, 3.2, 0.9))));
        var monthlyRevenueFen = (long)(Math.Exp(Normal(random, 14.6, 1.0)) * 100); // median ≈ 2.2 million CNY a month
        var yearlyTrend = baseRating switch
        {
            TaxCreditRating.A => Normal(random, 0.12, 0.08),
            TaxCreditRating.B => Normal(random, 0.05, 0.10),
            TaxCreditRating.M => Normal(random, 0.30, 0.20),
            TaxCreditRating.C => Normal(random, -0.05, 0.12),
            _ => Normal(random, -0.20, 0.15),
        };
        var missRate = baseRating switch
        {
            TaxCreditRating.A => 0.0,
            TaxCreditRating.B => 0.01,
            TaxCreditRating.M => 0.03,
            TaxCreditRating.C => 0.12,
            _ => 0.30,
        };
        var vatRate = random.NextDouble() < 0.35 ? 0.01 + (random.NextDouble() * 0.02) : 0.03 + (random.NextDouble() * 0.03);

        var payments = new List<TaxPayment>();
        var invoices = new List<MonthlyAmount>();
        var end = YearMonth.Of(asOf).AddMonths(-1);
        var start = end.AddMonths(-35);
        var firstMonth = YearMonth.Of(registeredOn).AddMonths(1);
        for (var month = start; month <= end; month = month.AddMonths(1))
        {
            if (month < firstMonth)
            {
                continue;
            }
            var yearsFromEnd = (end.Index - month.Index) / 12.0;
            var seasonal = 1 + (0.12 * Math.Sin(month.Month / 12.0 * 2 * Math.PI));
            var revenue = (long)(monthlyRevenueFen * Math.Pow(1 + yearlyTrend, -yearsFromEnd) * seasonal * (0.85 + (random.NextDouble() * 0.3)));
            revenue = Math.Max(revenue, 0);
            invoices.Add(new MonthlyAmount(month, revenue));
            if (random.NextDouble() < missRate)
            {
                continue; // a month with nothing paid
            }
            var vat = (long)(revenue * vatRate);
            payments.Add(new TaxPayment(month, TaxType.Vat, vat));
            payments.Add(new TaxPayment(month, TaxType.Surcharges, (long)(vat * 0.12)));
            payments.Add(new TaxPayment(month, TaxType.IndividualIncomeWithheld, headcount * (20_000L + random.Next(0, 40_000))));
            if (month.Month % 3 == 0)
            {
                payments.Add(new TaxPayment(month, TaxType.CorporateIncome, (long)(revenue * 3 * (0.008 + (random.NextDouble() * 0.015)))));
            }
            if (month.Month is 6 or 12)
            {
                payments.Add(new TaxPayment(month, TaxType.Other, 50_000L + random.Next(0, 500_000)));
            }
        }

        var arrears = baseRating switch
        {
            TaxCreditRating.D => new TaxArrears(random.Next(2, 6), monthlyRevenueFen / 20 * random.Next(1, 5)),
            TaxCreditRating.C => new TaxArrears(random.Next(1, 3), monthlyRevenueFen / 40 * random.Next(1, 3)),
            TaxCreditRating.B when random.NextDouble() < 0.08 => new TaxArrears(1, monthlyRevenueFen / 200),
            _ => TaxArrears.None,
        };
        var enforcement = baseRating switch
        {
            TaxCreditRating.D => random.Next(1, 6),
            TaxCreditRating.C => random.Next(0, 3),
            _ => random.NextDouble() < 0.03 ? 1 : 0,
        };

        return new Taxpayer(code, name, industry, city, registeredOn, ratings, payments, invoices, arrears, headcount, enforcement);
    }

    private static double Normal(Random random, double mean, double sd)
    {
        // Box–Muller
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return mean + (sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
}
