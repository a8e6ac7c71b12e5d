using Ledger.Bench.Infrastructure;

namespace Ledger.Bench.Report;

// The machine-readable report (docs/benchmarks.json). Times in milliseconds or seconds as named; gas in gas units;
// every repeated measurement as a Summary (median, min, max, rounds).

internal sealed class BenchReport
{
    public string Format { get; set; } = "ledger/benchmarks/v1";
    public string Mode { get; set; } = "full";
    public string Command { get; set; } = "scripts/bench";
    public string StartedAt { get; set; } = "";
    public double DurationSeconds { get; set; }
    public MachineInfo Machine { get; set; } = new();
    public Dictionary<string, string> Versions { get; set; } = [];
    public Dictionary<string, string> Configuration { get; set; } = [];
    public GasSection? Gas { get; set; }
    public AccessSection? Access { get; set; }
    public LagSection? AnchoringLag { get; set; }
    public AuditSection? Audit { get; set; }
    public IndexerSection? Indexer { get; set; }
    public List<StageCost> Profile { get; set; } = [];
    public List<PhaseLoad> MachineLoad { get; set; } = [];
    public List<TargetResult> Targets { get; set; } = [];
    public List<string> Notes { get; set; } = [];
}

internal sealed class MachineInfo
{
    public string Cpu { get; set; } = "";
    public int Cores { get; set; }
    public double RamGiB { get; set; }
    public string Os { get; set; } = "";
    public string Kernel { get; set; } = "";
    public string Virtualization { get; set; } = "";
    public double LoadAverageAtStart { get; set; }
    public double LoadAverageAtEnd { get; set; }
}

/// <summary>CPU the machine spent during a phase: ours (the bench, its nodes and chain) and everyone else's.</summary>
internal sealed class PhaseLoad
{
    public string Phase { get; set; } = "";
    public double WallSeconds { get; set; }
    public double MachineBusyCores { get; set; }
    public double OursCores { get; set; }
    public double OthersCores { get; set; }
}

internal sealed class TargetResult
{
    public string Name { get; set; } = "";
    public string Target { get; set; } = "";
    public string Measured { get; set; } = "";
    public bool Met { get; set; }
    public string Gap { get; set; } = "";
}

internal sealed class GasSection
{
    public List<AnchorGas> Anchors { get; set; } = [];
    public List<OperationGas> Operations { get; set; } = [];
    public long EasAttestGas { get; set; } = 274_000;
}

internal sealed class AnchorGas
{
    public int Records { get; set; }
    public long Gas { get; set; }
    public double GasPerRecord { get; set; }
    public double EasRatio { get; set; }
    public int ProofLength { get; set; }
    public bool ProofVerifiedOnChain { get; set; }
}

internal sealed class OperationGas
{
    public string Area { get; set; } = "";
    public string Operation { get; set; } = "";
    public long Gas { get; set; }
    public double EasRatio { get; set; }
    public string Note { get; set; } = "";
}

internal sealed class AccessSection
{
    public string Scopes { get; set; } = "";
    public int ReportBytes { get; set; }
    public List<AccessLevel> Batch { get; set; } = [];
    public List<AccessLevel> Strong { get; set; } = [];
    /// <summary>16 clients in batch mode with the store holding a given number of records when the rounds start.</summary>
    public List<AccessLevel> BySize { get; set; } = [];
    public Dictionary<string, double> PeakMemoryMiB { get; set; } = [];
    public int EnvelopesOpened { get; set; }
    public int EnvelopesCorrect { get; set; }
}

internal sealed class AccessLevel
{
    public int Clients { get; set; }
    /// <summary>Records the tax node's store held when the level's rounds started (BySize levels: the level's size).</summary>
    public long StoredRecords { get; set; }
    public int RequestsPerRound { get; set; }
    public int Errors { get; set; }
    public Summary Throughput { get; set; } = Summary.Of([]);
    public Summary P50Ms { get; set; } = Summary.Of([]);
    public Summary P95Ms { get; set; } = Summary.Of([]);
    public Summary P99Ms { get; set; } = Summary.Of([]);
    /// <summary>CPU milliseconds per request of each process tree (tax node, chain node, bench clients).</summary>
    public Dictionary<string, Summary> CpuMsPerRequest { get; set; } = [];
    public Summary OthersCores { get; set; } = Summary.Of([]);
    public List<RoundDetail> Rounds { get; set; } = [];
}

internal sealed class RoundDetail
{
    public int Requests { get; set; }
    public double Seconds { get; set; }
    public double Throughput { get; set; }
    public double P50Ms { get; set; }
    public double P95Ms { get; set; }
    public double P99Ms { get; set; }
    public double MaxMs { get; set; }
    public long FirstServedAtMs { get; set; }
    public long LastServedAtMs { get; set; }
}

internal sealed class LagSection
{
    public int Records { get; set; }
    public int Batches { get; set; }
    public double MeanBatchSize { get; set; }
    public double P50Ms { get; set; }
    public double P99Ms { get; set; }
    public double MaxMs { get; set; }
    public List<LagLevel> ByClients { get; set; } = [];
    public string Settings { get; set; } = "";
}

internal sealed class LagLevel
{
    public int Clients { get; set; }
    public int Records { get; set; }
    public double P50Ms { get; set; }
    public double P99Ms { get; set; }
}

internal sealed class AuditSection
{
    public List<AuditSize> Sizes { get; set; } = [];
    public Summary? TrailWithReportMs { get; set; }
    public Summary? TrailStandaloneMs { get; set; }
    public int TrailRecords { get; set; }
    public int TrailOutOf { get; set; }
    public string Linearity { get; set; } = "";
}

internal sealed class AuditSize
{
    public int Records { get; set; }
    public int Batches { get; set; }
    public int Consents { get; set; }
    public double GenerateSeconds { get; set; }
    public Summary IndexSeconds { get; set; } = Summary.Of([]);
    public Summary VerifySeconds { get; set; } = Summary.Of([]);
    public Summary TotalSeconds { get; set; } = Summary.Of([]);
    public Summary RecordsPerSecond { get; set; } = Summary.Of([]);
    public Summary CpuSeconds { get; set; } = Summary.Of([]);
    public bool Passed { get; set; }
    public double PeakMemoryMiB { get; set; }
}

internal sealed class IndexerSection
{
    public ulong Blocks { get; set; }
    public long Events { get; set; }
    public long GeneratedTransactions { get; set; }
    public double GenerateSeconds { get; set; }
    public Summary Seconds { get; set; } = Summary.Of([]);
    public Summary BlocksPerSecond { get; set; } = Summary.Of([]);
    public Summary EventsPerSecond { get; set; } = Summary.Of([]);
    public Dictionary<string, Summary> CpuSeconds { get; set; } = [];
}

/// <summary>One stage of the fetch path measured on its own (microseconds per request or per record).</summary>
internal sealed class StageCost
{
    public string Side { get; set; } = "";
    public string Stage { get; set; } = "";
    public double Microseconds { get; set; }
    public string Note { get; set; } = "";
}
