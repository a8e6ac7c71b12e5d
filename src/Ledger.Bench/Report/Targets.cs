using System.Globalization;

namespace Ledger.Bench.Report;

/// <summary>The targets, each with what was measured and, when missed, by how much.</summary>
internal static class Targets
{
    public static List<TargetResult> Evaluate(BenchReport report)
    {
        var results = new List<TargetResult>();
        var c = CultureInfo.InvariantCulture;
        if (report.Gas?.Anchors.FirstOrDefault(a => a.Records == 1024) is { } a1024)
        {
            results.Add(AtMost("gas per record at 1,024 records per batch", 60, a1024.GasPerRecord, "gas", "F1"));
        }
        if (report.Access is { } access)
        {
            var batch16 = access.Batch.FirstOrDefault(l => l.Clients == 16);
            var strong16 = access.Strong.FirstOrDefault(l => l.Clients == 16);
            if (batch16 is not null)
            {
                results.Add(AtLeast("requests/s at 16 clients, batched anchoring", 2_000, batch16.Throughput.Median, "requests/s", "N0"));
                results.Add(AtMost("p99 latency at 16 clients, batched anchoring", 50, batch16.P99Ms.Median, "ms", "F1"));
            }
            if (access.BySize.FirstOrDefault(l => l.StoredRecords == 1_000_000) is { } million)
            {
                results.Add(AtLeast("requests/s at 16 clients, batched anchoring, 1,000,000 records stored", 2_000, million.Throughput.Median, "requests/s", "N0"));
                results.Add(AtMost("p99 latency at 16 clients, batched anchoring, 1,000,000 records stored", 50, million.P99Ms.Median, "ms", "F1"));
            }
            if (batch16 is not null && strong16 is not null && strong16.Throughput.Median > 0)
            {
                var ratio = batch16.Throughput.Median / strong16.Throughput.Median;
                results.Add(new TargetResult
                {
                    Name = "batching's throughput ÷ strong mode's (16 clients)",
                    Target = "≥ 10×",
                    Measured = ratio.ToString("F1", c) + "×",
                    Met = ratio >= 10,
                    Gap = ratio >= 10 ? "" : string.Create(c, $"{10 - ratio:F1}× short"),
                });
            }
        }
        if (report.Audit is { } audit)
        {
            var largest = audit.Sizes.MaxBy(s => s.Records);
            if (largest is not null)
            {
                results.Add(AtLeast($"whole-ledger verification, {largest.Records:N0} records", 500_000, largest.RecordsPerSecond.Median, "records/s", "N0"));
            }
            if (audit.TrailWithReportMs is { } trail)
            {
                results.Add(AtMost($"one enterprise's trail ({audit.TrailRecords:N0} of {audit.TrailOutOf:N0} records)", 50, trail.Median, "ms", "F1"));
            }
        }
        return results;
    }

    private static TargetResult AtLeast(string name, double target, double measured, string unit, string format)
    {
        var c = CultureInfo.InvariantCulture;
        var met = measured >= target;
        return new TargetResult
        {
            Name = name,
            Target = "≥ " + target.ToString(format, c) + " " + unit,
            Measured = measured.ToString(format, c) + " " + unit,
            Met = met,
            Gap = met ? "" : string.Create(c, $"short by {(target - measured).ToString(format, c)} {unit} ({(1 - (measured / target)) * 100:F0} % below; {measured / target * 100:F0} % of the target)"),
        };
    }

    private static TargetResult AtMost(string name, double target, double measured, string unit, string format)
    {
        var c = CultureInfo.InvariantCulture;
        var met = measured <= target;
        return new TargetResult
        {
            Name = name,
            Target = "≤ " + target.ToString(format, c) + " " + unit,
            Measured = measured.ToString(format, c) + " " + unit,
            Met = met,
            Gap = met ? "" : string.Create(c, $"over by {(measured - target).ToString(format, c)} {unit} ({measured / target:F1}× the target)"),
        };
    }
}
