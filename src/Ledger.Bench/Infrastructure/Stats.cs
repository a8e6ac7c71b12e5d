namespace Ledger.Bench.Infrastructure;

/// <summary>The median and range of one measurement over repeated rounds.</summary>
/// <param name="Median">The median of the rounds (the mean of the two middle ones for an even count).</param>
/// <param name="Min">The smallest round.</param>
/// <param name="Max">The largest round.</param>
/// <param name="Rounds">How many rounds.</param>
internal sealed record Summary(double Median, double Min, double Max, int Rounds)
{
    public static Summary Of(IEnumerable<double> rounds)
    {
        var values = rounds.Where(v => !double.IsNaN(v)).Order().ToArray();
        return values.Length == 0 ? new Summary(double.NaN, double.NaN, double.NaN, 0) : new Summary(Stats.Median(values), values[0], values[^1], values.Length);
    }
}

/// <summary>Order statistics.</summary>
internal static class Stats
{
    /// <summary>The median of sorted values.</summary>
    public static double Median(double[] sorted) =>
        sorted.Length == 0 ? double.NaN
        : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
        : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    /// <summary>The p-th percentile (0–100) of sorted values, nearest rank (the value at or below which p % of them lie).</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
