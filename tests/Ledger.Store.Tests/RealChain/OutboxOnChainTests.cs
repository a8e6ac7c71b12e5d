using Ledger.Chain;
using Ledger.Core.Model;
using Ledger.Store.Anchoring;
using Ledger.Store.Records;
using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.RealChain;

[Collection(SharedHardhatChain.Name)]
public sealed class OutboxOnChainTests(HardhatFixture fixture) : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AnchorPending_OneThousandRecords_EveryProofVerifiesOnChain()
    {
        var op = await fixture.AdmitNewOrganizationAsync("tax.thousand");
        using var store = LedgerStore.Open(_temp.Options(op.Organization));
        var client = fixture.ClientOf(op, store.Journal);
        var chain = await AnchorChain.CreateAsync(client.Sender, fixture.Chain.Deployment);
        Assert.Equal(op.Organization, chain.Organization);
        for (var i = 0; i < 1000; i++)
        {
            store.Records.Accept(sequence => i % 10 == 0
                ? SampleRecords.Refusal() with { Provider = op.Organization, Sequence = sequence }
                : SampleRecords.Access(sequence: sequence) with { Provider = op.Organization });
        }
        await using var batcher = new AnchorBatcher(store, chain, new AnchorBatcherOptions { MaxBatchSize = 256 });

        var anchored = await batcher.AnchorPendingAsync();

        Assert.Equal(4, anchored);
        Assert.Equal([256u, 256u, 256u, 232u], store.Outbox.Batches().Select(b => b.Count));
        Assert.All(store.Outbox.Batches(), b => Assert.Equal(BatchKind.Mixed, b.Kind));
        await OnChainAssertions.EveryRecordAnchoredExactlyOnceOnChainAsync(fixture, store, client);

        // The contract is not a rubber stamp: another record's proof, or another batch, does not verify.
        var first = store.Records.Get(1UL)!;
        var last = store.Records.Get(1000UL)!;
        Assert.False(await client.VerifyRecordAsync(op.Organization, first.Anchor!.BatchId, first.Hash, last.Anchor!.Proof));
        Assert.False(await client.VerifyRecordAsync(op.Organization, last.Anchor.BatchId, first.Hash, first.Anchor.Proof));
    }

    [Fact]
    public async Task Running_AgainstTheRealChain_AnchorsRecordsAsTheyArriveAndTheSenderJournalsEachAnchor()
    {
        var op = await fixture.AdmitNewOrganizationAsync("tax.running");
        using var store = LedgerStore.Open(_temp.Options(op.Organization));
        var client = fixture.ClientOf(op, store.Journal);
        await using var batcher = new AnchorBatcher(store, new AnchorChain(client.Sender, fixture.Chain.Deployment, op.Organization),
            new AnchorBatcherOptions { MaxBatchSize = 10, MaxWait = TimeSpan.FromMilliseconds(50) });
        batcher.Start();

        for (var i = 0; i < 35; i++)
        {
            store.Records.Accept(SampleRecords.Deletion() with { Consumer = op.Organization });
        }

        await Eventually.TrueAsync(() => store.Outbox.UnanchoredCount == 0, "all records are anchored", TimeSpan.FromSeconds(60));
        await batcher.StopAsync();
        await OnChainAssertions.EveryRecordAnchoredExactlyOnceOnChainAsync(fixture, store, client);
        foreach (var batch in store.Outbox.Batches())
        {
            var journaled = store.Journal.Find(AnchorChain.KeyOf(op.Organization, batch.Id));
            Assert.NotNull(journaled);
            Assert.Equal(batch.TxHash, journaled.TxHash);
            Assert.Equal(batch.BlockNumber, journaled.MinedInBlock);
        }
        Assert.Empty(store.Records.Find(new RecordQuery { Anchored = false }));
    }
}
