using System.Globalization;
using System.Text;

namespace Ledger.Faults.Tests.Support;

/// <summary>
/// What one fault test measured: the figures the issue's closing note asks for (faults injected, reports refused,
/// records lost, duplicated) and the times around them. Printed to the test output as one line starting with
/// <c>FAULT-FIGURES</c>, and written with the others to the summary file when the consortium is disposed.
/// </summary>
public sealed class FaultFigures(string kind)
{
    /// <summary>Environment variable naming the summary file (default: ledger-fault-tests/summary.txt in the temp folder).</summary>
    public const string SummaryVariable = "LEDGER_FAULTS_SUMMARY";

    public string Kind { get; } = kind;

    /// <summary>Fault episodes injected (a proxy mode switched on, a process killed).</summary>
    public int Injected { get; set; }

    /// <summary>Chain requests of the tax node the proxy faulted (dropped, answered 503, delayed, answered with the frozen head).</summary>
    public long ProxyRequestsFaulted { get; set; }

    public int Attempted { get; set; }
    public int Served { get; set; }

    /// <summary>Refusals the node acknowledged with a refusal record, by code.</summary>
    public SortedDictionary<string, int> RefusedByCode { get; } = new(StringComparer.Ordinal);

    /// <summary>Fetches that got no answer of the node's (it was down), by code.</summary>
    public SortedDictionary<string, int> FailedByCode { get; } = new(StringComparer.Ordinal);

    /// <summary>Reports served under a revoked consent after its revocation's block time + T (must be 0).</summary>
    public int ServedAfterRevocation { get; set; }

    /// <summary>Records the node acknowledged (access records of served fetches, refusal records of refused ones).</summary>
    public int Acknowledged { get; set; }

    public int Lost { get; set; }
    public int Duplicated { get; set; }

    /// <summary>Records the tax node held when the test ended, all of them anchored.</summary>
    public int StoreRecords { get; set; }

    /// <summary>From the fault's start to the first LEDGER-1330 refusal.</summary>
    public TimeSpan? FirstRefusalAfter { get; set; }

    /// <summary>Whether the health check answered NOT_SERVING during the fault.</summary>
    public bool NotServingSeen { get; set; }

    /// <summary>From the fault's end to health SERVING and a report served again.</summary>
    public TimeSpan? RecoveredAfter { get; set; }

    /// <summary>From the fault's end to every record anchored.</summary>
    public TimeSpan? CatchUp { get; set; }

    public int Refused => RefusedByCode.Values.Sum();

    public string Line()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"FAULT-FIGURES {Kind}: injected {Injected}, proxy-faulted requests {ProxyRequestsFaulted}, ");
        text.Append(CultureInfo.InvariantCulture, $"fetches {Attempted}, served {Served}, refused {Refused} ({Join(RefusedByCode)}), ");
        if (FailedByCode.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"unanswered {FailedByCode.Values.Sum()} ({Join(FailedByCode)}), ");
        }
        text.Append(CultureInfo.InvariantCulture, $"served after revocation {ServedAfterRevocation}, acknowledged {Acknowledged}, lost {Lost}, duplicated {Duplicated}, ");
        text.Append(CultureInfo.InvariantCulture, $"store {StoreRecords} records all anchored, ");
        text.Append(CultureInfo.InvariantCulture, $"first LEDGER-1330 after {Seconds(FirstRefusalAfter)}, NOT_SERVING seen {(NotServingSeen ? "yes" : "no")}, ");
        text.Append(CultureInfo.InvariantCulture, $"recovered after {Seconds(RecoveredAfter)}, anchoring caught up after {Seconds(CatchUp)}");
        return text.ToString();
    }

    /// <summary>Writes every test's line and the totals to the summary file; never fails the run.</summary>
    public static void WriteSummary(IReadOnlyCollection<FaultFigures> figures)
    {
        if (figures.Count == 0)
        {
            return;
        }
        var path = Environment.GetEnvironmentVariable(SummaryVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "ledger-fault-tests", "summary.txt");
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Ledger fault suite, {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
        foreach (var figure in figures)
        {
            text.AppendLine(figure.Line());
        }
        var refused = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (code, count) in figures.SelectMany(f => f.RefusedByCode))
        {
            refused[code] = refused.GetValueOrDefault(code) + count;
        }
        text.AppendLine(CultureInfo.InvariantCulture,
            $"FAULT-TOTALS faults injected {figures.Sum(f => f.Injected)} ({string.Join(", ", figures.Select(f => $"{f.Kind} {f.Injected}"))}), " +
            $"fetches {figures.Sum(f => f.Attempted)}, served {figures.Sum(f => f.Served)}, reports refused {figures.Sum(f => f.Refused)} ({Join(refused)}), " +
            $"served after revocation {figures.Sum(f => f.ServedAfterRevocation)}, records acknowledged {figures.Sum(f => f.Acknowledged)}, " +
            $"lost {figures.Sum(f => f.Lost)}, duplicated {figures.Sum(f => f.Duplicated)}");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, text.ToString());
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Join(SortedDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));

    private static string Seconds(TimeSpan? span) => span is { } s ? s.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-";
}
