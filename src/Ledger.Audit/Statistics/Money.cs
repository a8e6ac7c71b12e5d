using System.Globalization;

namespace Ledger.Audit.Statistics;

/// <summary>Amounts and rates for people, formatted invariantly (as the scorecard's reasons are).</summary>
public static class Money
{
    /// <summary>Fen as yuan: <c>1,905,000,000.00 CNY</c>.</summary>
    public static string Cny(UInt128 fen)
    {
        var yuan = fen / 100;
        var cents = (int)(fen % 100);
        return string.Create(CultureInfo.InvariantCulture, $"{Group(yuan)}.{cents:D2} CNY");
    }

    /// <summary>Fen in 亿 (10⁸ yuan) as the bureaus publish totals, e.g. <c>19.05亿</c>; small sums in yuan.</summary>
    public static string Yi(UInt128 fen)
    {
        const ulong FenPerYi = 10_000_000_000UL;
        if (fen < FenPerYi / 100)
        {
            return Cny(fen);
        }
        var hundredths = (fen * 100 + FenPerYi / 2) / FenPerYi;
        return string.Create(CultureInfo.InvariantCulture, $"{Group(hundredths / 100)}.{(int)(hundredths % 100):D2}亿 CNY");
    }

    /// <summary>Basis points as a percentage with two decimals: 365 → <c>3.65%</c>.</summary>
    public static string Percent(uint basisPoints) => string.Create(CultureInfo.InvariantCulture, $"{basisPoints / 100}.{basisPoints % 100:D2}%");

    private static string Group(UInt128 value)
    {
        var digits = value.ToString(CultureInfo.InvariantCulture);
        var groups = new System.Text.StringBuilder(digits.Length + digits.Length / 3);
        for (var i = 0; i < digits.Length; i++)
        {
            if (i > 0 && (digits.Length - i) % 3 == 0)
            {
                groups.Append(',');
            }
            groups.Append(digits[i]);
        }
        return groups.ToString();
    }
}
