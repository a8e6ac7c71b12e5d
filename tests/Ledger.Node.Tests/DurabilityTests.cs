using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.AccessLog.ContractDefinition;
using Ledger.Core.Model;
using Ledger.Core.Records;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Node.Tests;

/// <summary>Durable before acknowledged: a tax node killed with SIGKILL right after answering keeps every access it acknowledged, and anchors each once.</summary>
public sealed class DurabilityTests(DurabilityCluster cluster) : IClassFixture<DurabilityCluster>
{
    [Fact]
    public async Task KilledRightAfterAcknowledging_EveryAcknowledgedAccessIsStoredAndAnchoredExactlyOnceOnChain()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[0], fetchCap: 1000);
        // Enough accesses for several full batches, and a count that leaves a partial batch waiting (for 10 minutes).
        var before = (await cluster.TaxRecordsAsync()).Count;
        var count = 41;
        while ((before + count) % DurabilityCluster.MaxBatch == 0)
        {
            count++;
        }
        var acknowledged = await Task.WhenAll(Enumerable.Range(0, count).Select(_ =>
            cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating | Scopes.TaxPayments))));

        // Not vacuous: some acknowledged accesses are still unanchored, so the restart has outbox work to finish.
        Assert.True((await cluster.TaxAsAuditor.Node.GetInfoAsync()).OutboxPending > 0, "nothing was waiting in the outbox before the kill");
        var ackHashes = acknowledged.Select(a => a.AccessRecord.RecordHash).ToHashSet();
        var unanchored = (await cluster.TaxRecordsAsync()).Count(r => ackHashes.Contains(r.Hash) && !r.Anchor.IsAnchored);
        Assert.True(unanchored > 0, "every acknowledged access was anchored before the kill");
        cluster.Tax.Kill(); // SIGKILL: nothing of the node's shutdown runs

        cluster.Tax.Environment[DurabilityCluster.MaxWaitVariable] = DurabilityCluster.RestartMaxWaitMs; // the partial batch goes out soon
        cluster.Tax.Start();
        await cluster.Tax.WaitReadyAsync();

        var records = await WaitAllAnchoredAsync();
        var byHash = records.ToDictionary(r => r.Hash);
        foreach (var ack in acknowledged)
        {
            Assert.True(byHash.TryGetValue(ack.AccessRecord.RecordHash, out var stored), $"acknowledged access {ack.AccessRecord.RecordHash} is missing after the restart");
            var access = Assert.IsType<AccessRecord>(stored.Record);
            Assert.Equal(ack.RequestHash, access.RequestHash);
        }
        Assert.Equal(acknowledged.Length, records.Count(r => r.Record is AccessRecord));

        // On chain: each batch of the tax bureau anchored once, holding exactly the records the store says.
        var events = await BatchAnchoredEventsAsync();
        Assert.Equal(events.Count, events.Select(e => e.BatchId).Distinct().Count());
        Assert.Equal(records.Count, events.Sum(e => (int)e.Count));
        foreach (var batch in records.GroupBy(r => r.Anchor.BatchId!.Value))
        {
            var anchored = Assert.Single(events, e => e.BatchId == batch.Key);
            Assert.Equal(anchored.Count, (uint)batch.Count());
            Assert.All(batch, r => Assert.Equal(anchored.Root, r.Anchor.Root!.Value));
        }
        foreach (var record in records)
        {
            Assert.True(await cluster.DevClient(2).VerifyRecordAsync(NodeCluster.TaxOrg, record.Anchor.BatchId!.Value, record.Hash, record.Anchor.Proof));
        }
    }

    private async Task<IReadOnlyList<ExportedRecord>> WaitAllAnchoredAsync()
    {
        for (var i = 0; i < 900; i++)
        {
            var records = await cluster.TaxRecordsAsync();
            if (records.All(r => r.Anchor.IsAnchored))
            {
                return records;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The restarted tax node did not anchor every record within 90 s.\n" + cluster.Tax.Output);
    }

    private async Task<IReadOnlyList<(BatchId BatchId, Core.Primitives.Hash32 Root, uint Count)>> BatchAnchoredEventsAsync()
    {
        var deployment = cluster.Chain.Deployment;
        var handler = cluster.Chain.Rpc.Web3.Eth.GetEvent<BatchAnchoredEventDTO>(deployment[LedgerContracts.AccessLog].ToString());
        var filter = handler.CreateFilterInput(new object[] { NodeCluster.TaxOrg.Value.ToArray() },
            new BlockParameter(new HexBigInteger(deployment.DeployBlock)), BlockParameter.CreateLatest());
        var logs = await handler.GetAllChangesAsync(filter);
        return logs.Select(l => (new BatchId(new Core.Primitives.Hash32(l.Event.BatchId)), new Core.Primitives.Hash32(l.Event.Root), l.Event.Count)).ToList();
    }
}
