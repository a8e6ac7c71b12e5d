using System.Diagnostics;
using System.Globalization;
using Ledger.Bench.Infrastructure;
using Ledger.Bench.Report;
using Ledger.Bench.Setup;
using Ledger.Chain;
using Ledger.Chain.Indexing;
using Ledger.Chain.Rpc;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store;

namespace Ledger.Bench.Phases;

/// <summary>
/// Indexer catch-up: the chain the run built (consents, anchors, strong-mode accesses, plus anchors sent here until
/// the chain has the wanted number of blocks; hardhat mines one block per transaction) is replayed from the
/// deployment block by a fresh <see cref="EventIndexer"/> into a fresh store, as a node that starts late or
/// rebuilds its audit index would.
/// </summary>
internal static class IndexerPhase
{
    public static async Task<IndexerSection> RunAsync(BenchConsortium bench, ulong wantedBlocks, int rounds, string scratchDir, Action<string> log, CancellationToken ct)
    {
        var section = new IndexerSection();
        var rpc = new ChainRpc(bench.Local.RpcUrl);
        var deployment = bench.Local.Deployment;
        async Task<ulong> HeadAsync() => (ulong)(await rpc.CallAsync(w => w.Eth.Blocks.GetBlockNumber.SendRequestAsync(), ct).ConfigureAwait(false)).Value;

        var head = await HeadAsync().ConfigureAwait(false);
        var blocks = head - deployment.DeployBlock + 1;
        if (blocks < wantedBlocks)
        {
            var missing = (long)(wantedBlocks - blocks);
            log($"  the chain has {blocks:N0} blocks; sending {missing:N0} anchors from {bench.Anchorers.Count} members (one block each)…");
            var watch = Stopwatch.StartNew();
            var next = -1L;
            var senders = bench.Anchorers.Select(member => Task.Run(async () =>
            {
                var client = member.Chain!;
                var inFlight = new List<Task>();
                while (true)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= missing)
                    {
                        break;
                    }
                    var root = Keccak.Hash("bench/indexer/root/" + i.ToString(CultureInfo.InvariantCulture));
                    var sequence = 10_000_000UL + (ulong)i;
                    inFlight.Add(client.AnchorAsync(BatchId.For(member.Org, sequence), root, 1000, BatchKind.AccessRecords, "", cancellationToken: ct));
                    if (inFlight.Count >= 8)
                    {
                        var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                        await done.ConfigureAwait(false);
                        inFlight.Remove(done);
                    }
                }
                await Task.WhenAll(inFlight).ConfigureAwait(false);
            }, ct)).ToList();
            await Task.WhenAll(senders).ConfigureAwait(false);
            section.GeneratedTransactions = missing;
            section.GenerateSeconds = Math.Round(watch.Elapsed.TotalSeconds, 1);
            log($"  sent {missing:N0} anchors in {watch.Elapsed.TotalSeconds:F1} s ({missing / watch.Elapsed.TotalSeconds:F0} transactions/s)");
        }
        head = await HeadAsync().ConfigureAwait(false);
        section.Blocks = head - deployment.DeployBlock + 1;

        var seconds = new List<double>();
        var bps = new List<double>();
        var eps = new List<double>();
        var cpu = new Dictionary<string, List<double>>(StringComparer.Ordinal) { ["bench (indexer + store)"] = [], ["chain node"] = [] };
        var chainPid = bench.Local.ChainProcess?.ProcessId ?? 0;
        for (var r = 0; r < rounds; r++)
        {
            // A fresh store each replay: a store left in the scratch directory by an earlier run holds that run's
            // checkpoint, and a replay from it reads nothing (it once reported 0 events for 13,183 blocks).
            var dir = Path.Combine(scratchDir, $"indexer-{r}");
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
            var path = Path.Combine(dir, "ledger.db");
            using var store = LedgerStore.Open(new LedgerStoreOptions { Path = path, Organization = OrgId.FromCode("auditor.load") });
            var sink = new CountingSink(store.Audit);
            var indexer = new EventIndexer(rpc, deployment, store.Checkpoints, sink, new IndexerOptions { Name = "bench-replay" });
            var selfCpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            var chainCpu0 = ProcessStats.CpuSeconds(chainPid);
            var watch = Stopwatch.StartNew();
            var last = await indexer.RunOnceAsync(ct).ConfigureAwait(false);
            var elapsed = watch.Elapsed.TotalSeconds;
            cpu["bench (indexer + store)"].Add(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - selfCpu0);
            cpu["chain node"].Add(ProcessStats.CpuSeconds(chainPid) - chainCpu0);
            var replayed = (last ?? deployment.DeployBlock) - deployment.DeployBlock + 1;
            seconds.Add(elapsed);
            bps.Add(replayed / elapsed);
            eps.Add(sink.Events / elapsed);
            section.Events = sink.Events;
            log(string.Create(CultureInfo.InvariantCulture, $"  replay {r + 1}/{rounds}: {replayed:N0} blocks, {sink.Events:N0} events in {elapsed:F1} s = {replayed / elapsed:F0} blocks/s, {sink.Events / elapsed:F0} events/s"));
        }
        section.Seconds = Summary.Of(seconds);
        section.BlocksPerSecond = Summary.Of(bps);
        section.EventsPerSecond = Summary.Of(eps);
        section.CpuSeconds = cpu.ToDictionary(p => p.Key, p => Summary.Of(p.Value), StringComparer.Ordinal);
        return section;
    }

    private sealed class CountingSink(IChainEventSink inner) : IChainEventSink
    {
        public long Events { get; private set; }

        public void Accept(IReadOnlyList<ChainEvent> events, ulong throughBlock)
        {
            inner.Accept(events, throughBlock);
            Events += events.Count;
        }
    }
}
