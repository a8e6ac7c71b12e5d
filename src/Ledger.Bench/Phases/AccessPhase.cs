using System.Diagnostics;
using System.Globalization;
using Ledger.Bench.Infrastructure;
using Ledger.Bench.Report;
using Ledger.Bench.Setup;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Records;
using Ledger.Sdk;
using Ledger.Store;
using Ledger.Store.Records;

namespace Ledger.Bench.Phases;

/// <summary>How many requests and rounds the access measurements make.</summary>
internal sealed record AccessPlan(int[] Clients, int Rounds, int BatchRequests, int StrongRequests, TimeSpan StrongMaxRound, int WarmupRequests)
{
    /// <summary>Records stored in the batch node's store before each 16-client by-size level (0: the fresh store, first).</summary>
    public long[] StoreSizes { get; init; } = [0];
}

/// <summary>
/// End-to-end consented data access: bank clients in the bench process, each with its own HTTP/2 connection, sign
/// every request with the SDK and ask a tax node (a real <c>ledger-node</c> process) for reports over gRPC. The node
/// authenticates the request against the chain, checks the consent, builds and seals the report, stores the access
/// record durably (group commit) before answering, and anchors in the background (batch mode) or sends one
/// transaction per access and waits for it (strong mode). Clients do not open envelopes on the hot path; a sample is
/// opened and checked (binding and response hash) to prove the answers are right.
/// </summary>
internal sealed class AccessPhase
{
    private const int SampleEvery = 499;
    private readonly BenchConsortium _bench;
    private readonly MemorySampler _memory;
    private readonly Action<string> _log;
    private readonly int _chainPid;
    private int _opened;
    private int _correct;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];

    public AccessPhase(BenchConsortium bench, MemorySampler memory, Action<string> log)
    {
        _bench = bench;
        _memory = memory;
        _log = log;
        _chainPid = bench.Local.ChainProcess?.ProcessId ?? 0;
    }

    /// <summary>When each batch-mode round ran (unix ms), for the anchoring lag by concurrency.</summary>
    public List<(int Clients, long FromMs, long UntilMs)> BatchWindows { get; } = [];

    public async Task<AccessSection> RunAsync(AccessPlan plan, CancellationToken ct)
    {
        var section = new AccessSection { Scopes = BenchConsortium.ReportScopes.ToString() };
        var maxClients = plan.Clients.Max();
        var batchConnections = await ConnectAsync(_bench.Batch, maxClients, ct).ConfigureAwait(false);
        var strongConnections = await ConnectAsync(_bench.Strong, maxClients, ct).ConfigureAwait(false);
        try
        {
            _memory.Restart();
            // One sample report, to say how large a response is.
            var sample = await batchConnections[0].Tax.FetchAndOpenAsync(new ReportRequest(_bench.Batch.ConsentsByBank[0][0], BenchConsortium.ReportScopes), ct).ConfigureAwait(false);
            section.ReportBytes = sample.Fetched.Envelope.Length;

            // The store-size levels: the fresh store first, then, after the levels by clients, the store filled to each size.
            var bySize = plan.StoreSizes.Order().ToList();
            if (bySize.Count > 0 && bySize[0] == 0)
            {
                _log("  16 clients, batch mode, on the fresh store (0 records stored)");
                var fresh = await LevelAsync(_bench.Batch, batchConnections, SizeClients, plan.Rounds, plan.BatchRequests, null, plan.WarmupRequests, ct).ConfigureAwait(false);
                fresh.StoredRecords = 0;
                section.BySize.Add(fresh);
                bySize.RemoveAt(0);
            }
            foreach (var clients in plan.Clients)
            {
                section.Batch.Add(await LevelAsync(_bench.Batch, batchConnections, clients, plan.Rounds, plan.BatchRequests, null, plan.WarmupRequests, ct).ConfigureAwait(false));
            }
            foreach (var size in bySize)
            {
                await FillBatchStoreAsync(size, ct).ConfigureAwait(false);
                foreach (var c in batchConnections)
                {
                    c.Dispose();
                }
                batchConnections = await ConnectAsync(_bench.Batch, maxClients, ct).ConfigureAwait(false);
                _memory.Watch("tax node (batch)", _bench.Batch.Node.ProcessId ?? 0);
                _log(string.Create(CultureInfo.InvariantCulture, $"  16 clients, batch mode, {size:N0} records stored"));
                var level = await LevelAsync(_bench.Batch, batchConnections, SizeClients, plan.Rounds, plan.BatchRequests, null, plan.WarmupRequests, ct).ConfigureAwait(false);
                level.StoredRecords = size;
                section.BySize.Add(level);
            }
            foreach (var clients in plan.Clients)
            {
                section.Strong.Add(await LevelAsync(_bench.Strong, strongConnections, clients, plan.Rounds, plan.StrongRequests, plan.StrongMaxRound, Math.Min(plan.WarmupRequests, 20), ct).ConfigureAwait(false));
            }
            section.PeakMemoryMiB = _memory.PeaksMiB();
        }
        finally
        {
            foreach (var c in batchConnections.Concat(strongConnections))
            {
                c.Dispose();
            }
        }
        section.EnvelopesOpened = _opened;
        section.EnvelopesCorrect = _correct;
        return section;
    }

    private const int SizeClients = 16;

    // Stops the batch node once its outbox is empty, fills its store to `size` records (StoreSeeder: anchored, as a
    // store that old would be) and starts it again on the same file.
    private async Task FillBatchStoreAsync(long size, CancellationToken ct)
    {
        var node = _bench.Batch.Node;
        await DrainAsync(node, ct).ConfigureAwait(false);
        await node.StopAsync().ConfigureAwait(false);
        _log(string.Create(CultureInfo.InvariantCulture, $"  filling the batch node's store to {size:N0} records (node stopped)…"));
        await StoreSeeder.SeedAsync(Path.Combine(node.DataDir, "ledger.db"), node.Organization, size, _log, node.Keys.StorePassword(node.Organization)).ConfigureAwait(false);
        await node.StartAsync(ct).ConfigureAwait(false);
    }

    private async Task DrainAsync(Ledger.Local.LocalNode node, CancellationToken ct)
    {
        using var asTax = await _bench.Local.ConnectAsync(node.Spec.Org, cancellationToken: ct).ConfigureAwait(false);
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(3))
        {
            var info = await asTax.Node.GetInfoAsync(ct).ConfigureAwait(false);
            if (info.OutboxPending == 0)
            {
                break;
            }
            await Task.Delay(250, ct).ConfigureAwait(false);
        }
    }

    private async Task<List<LedgerConnection>> ConnectAsync(TaxTarget target, int count, CancellationToken ct)
    {
        var list = new List<LedgerConnection>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(await target.Node.ConnectAsync(_bench.Banks[i % _bench.Banks.Count].Identity, ct).ConfigureAwait(false));
        }
        return list;
    }

    private async Task<AccessLevel> LevelAsync(
        TaxTarget target, List<LedgerConnection> connections, int clients, int rounds, int requests, TimeSpan? maxRound, int warmup, CancellationToken ct)
    {
        var level = new AccessLevel { Clients = clients, RequestsPerRound = requests };
        var mode = target.StrongMode ? "strong" : "batch";
        await RoundAsync(target, connections, clients, warmup, null, ct).ConfigureAwait(false);
        var cpu = new Dictionary<string, List<double>>(StringComparer.Ordinal) { ["tax node"] = [], ["chain node"] = [], ["bench clients"] = [] };
        var others = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var taxPid = target.Node.ProcessId ?? 0;
            var taxCpu0 = ProcessStats.CpuSeconds(taxPid);
            var chainCpu0 = ProcessStats.CpuSeconds(_chainPid);
            var selfCpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            var (busy0, _) = ProcessStats.MachineCpu();
            var oursPids = OursCpu();
            var round = await RoundAsync(target, connections, clients, requests, maxRound, ct).ConfigureAwait(false);
            var taxCpu = ProcessStats.CpuSeconds(taxPid) - taxCpu0;
            var chainCpu = ProcessStats.CpuSeconds(_chainPid) - chainCpu0;
            var selfCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - selfCpu0;
            var (busy1, _) = ProcessStats.MachineCpu();
            var oursDelta = OursCpu() - oursPids;
            level.Errors += round.Errors;
            level.Rounds.Add(round.Detail);
            var n = Math.Max(1, round.Detail.Requests);
            cpu["tax node"].Add(taxCpu * 1000 / n);
            cpu["chain node"].Add(chainCpu * 1000 / n);
            cpu["bench clients"].Add(selfCpu * 1000 / n);
            others.Add(Math.Max(0, (busy1 - busy0) - oursDelta) / round.Detail.Seconds);
            if (!target.StrongMode)
            {
                BatchWindows.Add((clients, round.Detail.FirstServedAtMs, round.Detail.LastServedAtMs));
            }
            _log(string.Create(CultureInfo.InvariantCulture,
                $"  {mode,-6} {clients,2} clients, round {r + 1}/{rounds}: {round.Detail.Requests} requests in {round.Detail.Seconds:F1} s = {round.Detail.Throughput:F0}/s; p50 {round.Detail.P50Ms:F1} ms, p95 {round.Detail.P95Ms:F1}, p99 {round.Detail.P99Ms:F1}; CPU ms/request: tax {taxCpu * 1000 / n:F2}, chain {chainCpu * 1000 / n:F2}, bench {selfCpu * 1000 / n:F2}{(round.Errors > 0 ? $"; {round.Errors} errors ({round.FirstError})" : "")}"));
        }
        level.Throughput = Summary.Of(level.Rounds.Select(x => x.Throughput));
        level.P50Ms = Summary.Of(level.Rounds.Select(x => x.P50Ms));
        level.P95Ms = Summary.Of(level.Rounds.Select(x => x.P95Ms));
        level.P99Ms = Summary.Of(level.Rounds.Select(x => x.P99Ms));
        level.CpuMsPerRequest = cpu.ToDictionary(p => p.Key, p => Summary.Of(p.Value), StringComparer.Ordinal);
        level.OthersCores = Summary.Of(others);
        return level;
    }

    // CPU of everything the bench started (itself, the nodes, the chain), for "what else ran on the machine".
    private static double OursCpu() => ProcessStats.CpuSeconds(Environment.ProcessId);

    private sealed record RoundResult(RoundDetail Detail, int Errors, string? FirstError);

    private async Task<RoundResult> RoundAsync(TaxTarget target, List<LedgerConnection> connections, int clients, int requests, TimeSpan? maxRound, CancellationToken ct)
    {
        var issued = -1;
        var errors = 0;
        string? firstError = null;
        var latencies = new List<double>[clients];
        var roundId = _runId + "-" + Guid.NewGuid().ToString("N")[..8];
        var deadline = maxRound is { } m ? Stopwatch.GetTimestamp() + (long)(m.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        long firstServed = long.MaxValue, lastServed = 0;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(w => Task.Run(async () =>
        {
            var connection = connections[w];
            var bankIndex = w % _bench.Banks.Count;
            var consents = target.ConsentsByBank[bankIndex];
            var mine = latencies[w] = new List<double>(requests / clients + 8);
            while (true)
            {
                var i = Interlocked.Increment(ref issued);
                if (i >= requests || Stopwatch.GetTimestamp() > deadline)
                {
                    return;
                }
                var consent = consents[i % consents.Count];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var fetched = await connection.Tax.FetchReportAsync(new ReportRequest(consent, BenchConsortium.ReportScopes) { RequestId = $"{roundId}-{i}" }, ct).ConfigureAwait(false);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    var served = (long)fetched.ServedAtMs;
                    InterlockedMin(ref firstServed, served);
                    InterlockedMax(ref lastServed, served);
                    if (i % SampleEvery == 0)
                    {
                        Interlocked.Increment(ref _opened);
                        // Open checks the binding (consent, request) and that the plaintext hashes to the recorded
                        // response hash; it throws otherwise (counted as an error of the round).
                        var report = fetched.Open(_bench.Banks[bankIndex].Keys.Encryption);
                        if (report.Scopes == BenchConsortium.ReportScopes && report.Format == Core.TaxData.TaxReport.FormatV1)
                        {
                            Interlocked.Increment(ref _correct);
                        }
                    }
                }
                catch (LedgerException ex)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, $"{ex.Code}: {ex.Message}", null);
                }
            }
        }, ct)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var seconds = watch.Elapsed.TotalSeconds;
        var all = latencies.Where(l => l is not null).SelectMany(l => l).Order().ToArray();
        return new RoundResult(new RoundDetail
        {
            Requests = all.Length,
            Seconds = Math.Round(seconds, 3),
            Throughput = Math.Round(all.Length / seconds, 1),
            P50Ms = Math.Round(Stats.Percentile(all, 50), 2),
            P95Ms = Math.Round(Stats.Percentile(all, 95), 2),
            P99Ms = Math.Round(Stats.Percentile(all, 99), 2),
            MaxMs = all.Length == 0 ? double.NaN : Math.Round(all[^1], 2),
            FirstServedAtMs = firstServed == long.MaxValue ? 0 : firstServed,
            LastServedAtMs = lastServed,
        }, errors, firstError);
    }

    private static void InterlockedMin(ref long target, long value)
    {
        long current;
        while (value < (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>
    /// Anchoring lag of the batch node: waits until its outbox is empty, stops it, and reads its store — each access
    /// record's acceptance (the moment the node acknowledged it) and the moment the node stored its batch's receipt.
    /// </summary>
    public async Task<LagSection> AnchoringLagAsync(CancellationToken ct)
    {
        var node = _bench.Batch.Node;
        await DrainAsync(node, ct).ConfigureAwait(false);
        await node.StopAsync().ConfigureAwait(false);
        var lags = new List<(long ServedAtMs, double Lag)>();
        var batches = new HashSet<ulong>();
        using (var store = LedgerStore.Open(new LedgerStoreOptions { Path = Path.Combine(node.DataDir, "ledger.db"), Organization = node.Organization, Password = node.Keys.StorePassword(node.Organization) }))
        {
            // The bench banks' records only: records seeded into the store (StoreSeeder) are not the run's.
            foreach (var bank in _bench.Banks)
            {
                var after = 0UL;
                while (true)
                {
                    var page = store.Records.Find(new RecordQuery { Organization = bank.Org, AfterSequence = after, Limit = RecordStore.MaxQueryLimit });
                    foreach (var stored in page)
                    {
                        after = stored.Sequence;
                        if (stored.Record is AccessRecord access && stored.Anchor is { } anchor)
                        {
                            lags.Add(((long)access.ServedAtMs, anchor.AnchoredAtMs - (double)stored.AcceptedAtMs));
                            batches.Add(anchor.BatchSequence);
                        }
                    }
                    if (page.Count < RecordStore.MaxQueryLimit)
                    {
                        break;
                    }
                }
            }
        }
        var sorted = lags.Select(l => l.Lag).Order().ToArray();
        var section = new LagSection
        {
            Records = sorted.Length,
            Batches = batches.Count,
            MeanBatchSize = batches.Count == 0 ? 0 : Math.Round(sorted.Length / (double)batches.Count, 1),
            P50Ms = Stats.Percentile(sorted, 50),
            P99Ms = Stats.Percentile(sorted, 99),
            MaxMs = sorted.Length == 0 ? double.NaN : sorted[^1],
            Settings = "Batcher MaxBatch 256 (node default), MaxWaitMs 1000 (local consortium), chain poll 100 ms, finality depth 0",
        };
        foreach (var group in BatchWindows.GroupBy(w => w.Clients))
        {
            var inLevel = lags.Where(l => group.Any(w => l.ServedAtMs >= w.FromMs && l.ServedAtMs <= w.UntilMs)).Select(l => l.Lag).Order().ToArray();
            section.ByClients.Add(new LagLevel { Clients = group.Key, Records = inLevel.Length, P50Ms = Stats.Percentile(inLevel, 50), P99Ms = Stats.Percentile(inLevel, 99) });
        }
        return section;
    }
}
