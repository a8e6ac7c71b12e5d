using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Bench.Infrastructure;
using Ledger.Bench.Phases;
using Ledger.Bench.Report;
using Ledger.Bench.Setup;

namespace Ledger.Bench;

/// <summary>
/// <c>ledger-bench [--quick] [--out DIR] [--work-dir DIR] [--phases profile,gas,access,lag,indexer,audit] [--command TEXT]
/// [--clients 1,4,16,64] [--requests N] [--rounds N] [--store-sizes 0,100000,1000000]</c>: starts a local consortium, runs every measurement in one run
/// on one chain node, and writes benchmarks.md and benchmarks.json (docs/ by default). The last three override the
/// access plan (client levels, batch-mode requests per round, rounds per level), e.g. to measure one level longer
/// while working on the fetch path. Exit code 0 when every phase ran (whatever the numbers), 1 on a failure.
/// </summary>
internal static class Program
{
    private static readonly string[] AllPhases = ["profile", "gas", "access", "lag", "indexer", "audit"];

    public static async Task<int> Main(string[] args)
    {
        var quick = args.Contains("--quick");
        var repoRoot = FindRepoRoot();
        var outDir = Option(args, "--out") ?? Path.Combine(repoRoot, "docs");
        var workDir = Path.GetFullPath(Option(args, "--work-dir") ?? Path.Combine(repoRoot, "out", "bench"));
        var phases = (Option(args, "--phases") ?? string.Join(',', AllPhases)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var command = Option(args, "--command") ?? ("ledger-bench " + string.Join(' ', args));
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        var ct = cts.Token;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        void Log(string message) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {message}");

        var report = new BenchReport
        {
            Mode = quick ? "quick" : "full",
            Command = command,
            StartedAt = started.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            Machine = BenchEnvironment.Machine(),
            Versions = BenchEnvironment.Versions(repoRoot),
        };
        var plan = quick
            ? new AccessPlan([1, 4, 16, 64], Rounds: 1, BatchRequests: 1_000, StrongRequests: 150, StrongMaxRound: TimeSpan.FromSeconds(3), WarmupRequests: 100)
            : new AccessPlan([1, 4, 16, 64], Rounds: 3, BatchRequests: 10_000, StrongRequests: 1_000, StrongMaxRound: TimeSpan.FromSeconds(12), WarmupRequests: 500);
        // Records stored in the tax node's store for the 16-client by-size levels (and the store stage of the profile).
        plan = plan with { StoreSizes = quick ? [0, 100_000] : [0, 100_000, 1_000_000] };
        if (Option(args, "--store-sizes") is { } sizes)
        {
            plan = plan with { StoreSizes = [.. sizes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => long.Parse(c, CultureInfo.InvariantCulture))] };
        }
        if (Option(args, "--clients") is { } clientLevels)
        {
            plan = plan with { Clients = [.. clientLevels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture))] };
        }
        if (Option(args, "--requests") is { } requests)
        {
            plan = plan with { BatchRequests = int.Parse(requests, CultureInfo.InvariantCulture) };
        }
        if (Option(args, "--rounds") is { } rounds)
        {
            plan = plan with { Rounds = int.Parse(rounds, CultureInfo.InvariantCulture) };
        }
        var indexerBlocks = quick ? 1_500UL : 10_000UL;
        var indexerRounds = quick ? 1 : 3;
        int[] auditSizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
        var auditRounds = quick ? 1 : 3;
        report.Configuration = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["access: concurrent clients"] = string.Join(", ", plan.Clients),
            ["access: rounds per level"] = plan.Rounds.ToString(CultureInfo.InvariantCulture),
            ["access: requests per batch-mode round"] = plan.BatchRequests.ToString("N0", CultureInfo.InvariantCulture),
            ["access: requests per strong-mode round"] = string.Create(CultureInfo.InvariantCulture, $"up to {plan.StrongRequests:N0}, at most {plan.StrongMaxRound.TotalSeconds:0} s"),
            ["access: warm-up requests per level"] = plan.WarmupRequests.ToString(CultureInfo.InvariantCulture),
            ["access: records stored before the 16-client by-size levels"] = string.Join(", ", plan.StoreSizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture))),
            ["access: banks / consents per bank per tax node"] = "4 / 8",
            ["indexer: blocks at least"] = indexerBlocks.ToString("N0", CultureInfo.InvariantCulture),
            ["indexer: replays"] = indexerRounds.ToString(CultureInfo.InvariantCulture),
            ["audit: sizes"] = string.Join(", ", auditSizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture))),
            ["audit: rounds per size"] = auditRounds.ToString(CultureInfo.InvariantCulture),
        };

        await using var memory = new MemorySampler();
        memory.Watch("bench", Environment.ProcessId);
        var failed = false;
        BenchConsortium? bench = null;
        try
        {
            if (phases.Contains("profile"))
            {
                Log("profile: each stage of a request on its own (µs per request or record, this process)");
                report.Profile = await Measure(report, "profile", () => ProfilePhase.RunAsync(Path.Combine(workDir, "scratch"), plan.StoreSizes, Log)).ConfigureAwait(false);
            }
            if (phases.Overlaps(["gas", "access", "lag", "indexer"]))
            {
                Log($"starting the consortium (hardhat chain, tax node in batch mode, tax node in strong mode) under {workDir}…");
                bench = await Measure(report, "setup", () => BenchConsortium.StartAsync(repoRoot, Path.Combine(workDir, "consortium"), banks: 4, enterprisesPerTaxNode: 8, Log, ct)).ConfigureAwait(false);
                memory.Watch("tax node (batch)", bench.Batch.Node.ProcessId ?? 0);
                memory.Watch("tax node (strong)", bench.Strong.Node.ProcessId ?? 0);
                memory.Watch("chain node (hardhat)", bench.Local.ChainProcess?.ProcessId ?? 0);
                report.Configuration["chain"] = $"hardhat node (automine: one block per transaction), {bench.Local.RpcUrl}";
                report.Configuration["tax nodes"] = "tax.liuzhou (batch mode: Batcher MaxBatch 256, MaxWaitMs 1000), tax.strong (StrongMode=true); chain poll 100 ms, finality depth 0";
            }
            if (bench is not null && phases.Contains("gas"))
            {
                Log("1. gas per record and per operation (real transactions, receipts' gasUsed)");
                report.Gas = await Measure(report, "gas", () => GasPhase.RunAsync(bench, Log, ct)).ConfigureAwait(false);
            }
            AccessPhase? access = null;
            if (bench is not null && phases.Contains("access"))
            {
                Log("2. end-to-end consented data access (signed gRPC requests, consent check, seal, durable record, anchoring)");
                access = new AccessPhase(bench, memory, Log);
                report.Access = await Measure(report, "access", () => access.RunAsync(plan, ct)).ConfigureAwait(false);
            }
            if (bench is not null && access is not null && phases.Contains("lag"))
            {
                Log("3. anchoring lag (acknowledgement → the batch's receipt, from the batch node's store)");
                report.AnchoringLag = await Measure(report, "anchoring lag", () => access.AnchoringLagAsync(ct)).ConfigureAwait(false);
                Log(string.Create(CultureInfo.InvariantCulture, $"  {report.AnchoringLag.Records:N0} records in {report.AnchoringLag.Batches:N0} batches: p50 {report.AnchoringLag.P50Ms:F0} ms, p99 {report.AnchoringLag.P99Ms:F0} ms"));
            }
            if (bench is not null && phases.Contains("indexer"))
            {
                Log("5. indexer catch-up (a fresh EventIndexer from the deployment block into a fresh store)");
                report.Indexer = await Measure(report, "indexer", () => IndexerPhase.RunAsync(bench, indexerBlocks, indexerRounds, Path.Combine(workDir, "scratch"), Log, ct)).ConfigureAwait(false);
            }
            if (bench is not null)
            {
                Log("stopping the consortium…");
                await bench.DisposeAsync().ConfigureAwait(false);
                bench = null;
            }
            if (phases.Contains("audit"))
            {
                Log("4. audit: whole-ledger verification and one enterprise's trail (Ledger.Audit, synthetic ledger, real hashes and trees)");
                report.Audit = await Measure(report, "audit", () => Task.FromResult(AuditPhase.Run(auditSizes, auditRounds, quick ? 3 : 5, memory, Log))).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // a failed phase is reported, and the report still written with what was measured
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failed = true;
            Console.Error.WriteLine($"The benchmark failed: {ex}");
            report.Notes.Add($"The run failed in its last phase: {ex.GetType().Name}: {ex.Message}");
            if (bench is not null)
            {
                foreach (var node in bench.Local.Nodes)
                {
                    Console.Error.WriteLine($"--- {node.Spec.Org} log tail ---{Environment.NewLine}{node.LogTail(40)}");
                }
            }
        }
        finally
        {
            if (bench is not null)
            {
                await bench.DisposeAsync().ConfigureAwait(false);
            }
        }

        report.Machine.LoadAverageAtEnd = ProcessStats.LoadAverage();
        report.DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
        report.Targets = Targets.Evaluate(report);
        Directory.CreateDirectory(outDir);
        var json = JsonSerializer.Serialize(report, JsonOptions);
        await File.WriteAllTextAsync(Path.Combine(outDir, "benchmarks.json"), json + Environment.NewLine, ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(outDir, "benchmarks.md"), MarkdownReport.Write(report), ct).ConfigureAwait(false);
        Log($"wrote {Path.Combine(outDir, "benchmarks.md")} and benchmarks.json in {clock.Elapsed.TotalMinutes:F1} min");
        foreach (var target in report.Targets)
        {
            Log($"  target {target.Name}: {target.Measured} — {(target.Met ? "met" : "MISSED " + target.Gap)}");
        }
        return failed ? 1 : 0;
    }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static async Task<T> Measure<T>(BenchReport report, string phase, Func<Task<T>> run)
    {
        var (busy0, _) = ProcessStats.MachineCpu();
        var ours0 = ProcessStats.CpuSeconds(Environment.ProcessId);
        var watch = Stopwatch.StartNew();
        try
        {
            return await run().ConfigureAwait(false);
        }
        finally
        {
            var wall = watch.Elapsed.TotalSeconds;
            var (busy1, _) = ProcessStats.MachineCpu();
            var ours = ProcessStats.CpuSeconds(Environment.ProcessId) - ours0;
            report.MachineLoad.Add(new PhaseLoad
            {
                Phase = phase,
                WallSeconds = Math.Round(wall, 1),
                MachineBusyCores = Math.Round((busy1 - busy0) / wall, 2),
                OursCores = Math.Round(ours / wall, 2),
                OthersCores = Math.Round(Math.Max(0, busy1 - busy0 - ours) / wall, 2),
            });
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindRepoRoot()
    {
        if (Environment.GetEnvironmentVariable("LEDGER_ROOT") is { Length: > 0 } configured && File.Exists(Path.Combine(configured, "hardhat.config.js")))
        {
            return configured;
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "hardhat.config.js")) && File.Exists(Path.Combine(dir.FullName, "Ledger.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("Run the benchmark from the repository (hardhat.config.js and Ledger.sln not found), or set LEDGER_ROOT.");
    }
}
