using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ledger.Store;

/// <summary>
/// The store's meter, <c>Ledger.Store</c> (docs/observability.md): how long commits and checkpoints take. A host that
/// wants them subscribes to the meter by name (the node's OpenTelemetry setup does); otherwise recording costs a
/// check of <see cref="Instrument.Enabled"/>.
/// </summary>
public static class StoreTelemetry
{
    /// <summary>The meter's name.</summary>
    public const string Name = "Ledger.Store";

    /// <summary>The store's meter.</summary>
    public static readonly Meter Meter = new(Name, typeof(StoreTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary><c>ledger.store.commit.duration</c>: one write transaction's commit and its flush to the disk, seconds.</summary>
    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>(
        "ledger.store.commit.duration", unit: "s", description: "Time to commit one store transaction and flush it to the disk (a group commit counts once).",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });

    /// <summary><c>ledger.store.checkpoint.duration</c>: copying the log into the data file and flushing it, seconds.</summary>
    public static readonly Histogram<double> CheckpointDuration = Meter.CreateHistogram<double>(
        "ledger.store.checkpoint.duration", unit: "s", description: "Time to copy the store's log into its data file and flush it.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    internal static void Record(Histogram<double> histogram, long startedAt)
    {
        if (histogram.Enabled)
        {
            histogram.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
        }
    }
}
