using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Store.Anchoring;
using Ledger.Store.Records;
using Ledger.Store.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Ledger.Store.Tests.Anchoring;

public sealed class AnchorBatcherTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly ScriptedAnchorChain _chain = new(TempStore.Org);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AnchorPending_TenRecordsInBatchesOfFour_AnchorsThreeBatchesWithDeterministicIds()
    {
        using var store = _temp.Open();
        for (var i = 0; i < 10; i++)
        {
            store.Records.Accept(SampleRecords.Access());
        }
        await using var batcher = new AnchorBatcher(store, _chain, new AnchorBatcherOptions { MaxBatchSize = 4 });

        var anchored = await batcher.AnchorPendingAsync();

        Assert.Equal(3, anchored);
        var batches = store.Outbox.Batches();
        Assert.Equal([4u, 4u, 2u], batches.Select(b => b.Count));
        Assert.Equal([1UL, 2, 3], batches.Select(b => b.Sequence));
        Assert.Equal(batches.Select(b => BatchId.For(TempStore.Org, b.Sequence)), batches.Select(b => b.Id));
        Assert.Equal([1UL, 2, 3, 4], batches[0].Members);
        AnchorAssertions.EveryRecordAnchoredExactlyOnce(store, _chain, 10);
    }

    [Fact]
    public async Task AnchorPending_BatchOfOneKind_IsAnchoredAsThatKind_MixedOtherwise()
    {
        using var store = _temp.Open();
        store.Records.Accept(SampleRecords.Access());
        store.Records.Accept(SampleRecords.Access());
        store.Records.Accept(SampleRecords.Deletion());
        await using var batcher = new AnchorBatcher(store, _chain, new AnchorBatcherOptions { MaxBatchSize = 2 });

        await batcher.AnchorPendingAsync();

        var batches = store.Outbox.Batches();
        Assert.Equal(BatchKind.AccessRecords, _chain.Anchors[batches[0].Id].Kind);
        Assert.Equal(BatchKind.DeletionReceipts, _chain.Anchors[batches[1].Id].Kind);

        store.Records.Accept(SampleRecords.Refusal());
        store.Records.Accept(SampleRecords.Decision());
        await batcher.AnchorPendingAsync();
        Assert.Equal(BatchKind.Mixed, _chain.Anchors[store.Outbox.GetBatch(3)!.Id].Kind);
    }

    [Fact]
    public async Task AnchorPending_SendsTheUriTemplateFilledIn()
    {
        using var store = _temp.Open();
        store.Records.Accept(SampleRecords.Access());
        await using var batcher = new AnchorBatcher(store, _chain, new AnchorBatcherOptions { BatchUriTemplate = "https://node.example/{org}/b/{sequence}?id={batchId}" });

        await batcher.AnchorPendingAsync();

        var batch = store.Outbox.GetBatch(1)!;
        Assert.Equal($"https://node.example/tax.liuzhou/b/1?id={batch.Id}", _chain.Anchors[batch.Id].Uri);
    }

    [Fact]
    public async Task AnchorPending_EveryProofVerifiesAgainstTheRootOnChain()
    {
        using var store = _temp.Open();
        var hashes = SampleRecords.OneOfEach().Concat(SampleRecords.OneOfEach()).Select(r => store.Records.Accept(r).Hash).ToList();
        await using var batcher = new AnchorBatcher(store, _chain, new AnchorBatcherOptions { MaxBatchSize = 7 });

        await batcher.AnchorPendingAsync();

        foreach (var hash in hashes)
        {
            var anchor = store.Records.Get(hash)!.Anchor!;
            Assert.True(anchor.Proves(hash));
            Assert.Equal(_chain.Anchors[anchor.BatchId].Root, anchor.Root);
            Assert.False(anchor.Proves(new RecordHash(SampleRecords.RandomHash())));
        }
    }

    [Fact]
    public async Task Running_WhenMaxBatchSizeRecordsWait_FormsABatchWithoutWaitingForMaxWait()
    {
        using var store = _temp.Open();
        await using var batcher = new AnchorBatcher(store, _chain, new AnchorBatcherOptions { MaxBatchSize = 5, MaxWait = TimeSpan.FromHours(1) });
        batcher.Start();

        for (var i = 0; i < 5; i++)
        {
            store.Records.Accept(SampleRecords.Access());
        }

        await Eventually.TrueAsync(() => store.Outbox.UnanchoredCount == 0, "the five records are anchored");
        var batch = Assert.Single(store.Outbox.Batches());
        Assert.Equal(5u, batch.Count);
        await batcher.StopAsync();
        AnchorAssertions.EveryRecordAnchoredExactlyOnce(store, _chain, 5);
    }

    [Fact]
    public async Task Running_FewerRecordsThanMaxBatchSize_AreAnchoredOnceTheOldestHasWaitedMaxWait()
    {
        using var store = _temp.Open();
        await using var batcher = new AnchorBatcher(store, _chain, new AnchorBatcherOptions { MaxBatchSize = 1000, MaxWait = TimeSpan.FromMilliseconds(100) });
        batcher.Start();

        store.Records.Accept(SampleRecords.Access());
        store.Records.Accept(SampleRecords.Refusal());

        await Eventually.TrueAsync(() => store.Outbox.UnanchoredCount == 0, "the two records are anchored");
        await batcher.StopAsync();
        AnchorAssertions.EveryRecordAnchoredExactlyOnce(store, _chain, 2);
    }

    [Fact]
    public async Task Running_DuringAChainOutage_KeepsRecordsPendingLogsAndAnchorsThemWhenTheChainIsBack()
    {
        using var store = _temp.Open();
        var logger = new ListLogger<AnchorBatcher>();
        _chain.Unreachable = true;
        await using var batcher = new AnchorBatcher(store, _chain, new AnchorBatcherOptions
        {
            MaxBatchSize = 3,
            MaxWait = TimeSpan.FromMilliseconds(20),
            InitialRetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(100),
        }, logger);
        batcher.Start();
        for (var i = 0; i < 7; i++)
        {
            store.Records.Accept(SampleRecords.Access());
        }

        await Eventually.TrueAsync(() => logger.Entries.Count(e => e.Id.Id == 1407) >= 3, "three failed attempts are logged");
        Assert.Equal(7, store.Outbox.UnanchoredCount);
        Assert.Empty(store.Records.Find(new RecordQuery { Anchored = true }));
        var failure = logger.Entries.First(e => e.Id.Id == 1407);
        Assert.Equal(LogLevel.Warning, failure.Level);
        Assert.Contains("LEDGER-1300", failure.Message, StringComparison.Ordinal);
        Assert.Contains("nothing is lost", failure.Message, StringComparison.Ordinal);
        Assert.Contains("LEDGER-1300", store.Outbox.GetBatch(1)!.LastError, StringComparison.Ordinal);

        _chain.Unreachable = false;

        await Eventually.TrueAsync(() => store.Outbox.UnanchoredCount == 0, "the records are anchored after the outage");
        await batcher.StopAsync();
        AnchorAssertions.EveryRecordAnchoredExactlyOnce(store, _chain, 7);
    }

    [Fact]
    public async Task AnchorPending_BatchIdAlreadyOnChainWithAnotherRoot_AbandonsItAndAnchorsTheRecordsInTheNextBatch()
    {
        using var store = _temp.Open();
        var planted = SampleRecords.RandomHash();
        _chain.Plant(BatchId.For(TempStore.Org, 1), planted);
        var logger = new ListLogger<AnchorBatcher>();
        store.Records.Accept(SampleRecords.Access());
        store.Records.Accept(SampleRecords.Access());
        await using var batcher = new AnchorBatcher(store, _chain, logger: logger);

        var anchored = await batcher.AnchorPendingAsync();

        Assert.Equal(1, anchored);
        var abandoned = store.Outbox.GetBatch(1)!;
        Assert.Equal(AnchorBatchState.Abandoned, abandoned.State);
        Assert.Equal(planted, abandoned.ConflictingRoot);
        Assert.Equal(planted, _chain.Anchors[abandoned.Id].Root);
        var second = store.Outbox.GetBatch(2)!;
        Assert.Equal(AnchorBatchState.Anchored, second.State);
        Assert.Equal(abandoned.Members, second.Members);
        Assert.Contains(logger.Entries, e => e.Id.Id == 1406 && e.Level == LogLevel.Warning);
        Assert.All(store.Records.Find(new RecordQuery()), r => Assert.Equal(2UL, r.Anchor!.BatchSequence));
    }

    [Fact]
    public async Task AnchorPending_RecordsAcceptedAfterABatch_GoIntoALaterBatchNeverTheSame()
    {
        using var store = _temp.Open();
        await using var batcher = new AnchorBatcher(store, _chain, new AnchorBatcherOptions { MaxBatchSize = 3 });
        store.Records.Accept(SampleRecords.Access());
        store.Records.Accept(SampleRecords.Access());
        await batcher.AnchorPendingAsync();
        store.Records.Accept(SampleRecords.Access());

        await batcher.AnchorPendingAsync();

        Assert.Equal([[1UL, 2], [3UL]], store.Outbox.Batches().Select(b => b.Members.ToArray()));
        AnchorAssertions.EveryRecordAnchoredExactlyOnce(store, _chain, 3);
    }

    [Fact]
    public async Task AnchorPending_NothingPending_SendsNothing()
    {
        using var store = _temp.Open();
        await using var batcher = new AnchorBatcher(store, _chain);

        Assert.Equal(0, await batcher.AnchorPendingAsync());

        Assert.Equal(0, _chain.AnchorCalls);
        Assert.Empty(store.Outbox.Batches());
    }

    [Fact]
    public void Create_WithAChainOfAnotherOrganization_IsRefused()
    {
        using var store = _temp.Open();

        var ex = Assert.Throws<LedgerException>(() => new AnchorBatcher(store, new ScriptedAnchorChain(OrgId.FromCode("bank.ccb"))));

        Assert.Equal(StoreErrors.AnchorOrganizationMismatchCode, ex.Code);
        Assert.Contains("bank.ccb", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(70_000, 1000)]
    [InlineData(10, -1)]
    public void Create_WithInvalidOptions_IsRefused(int maxBatchSize, int maxWaitMs)
    {
        using var store = _temp.Open();

        var ex = Assert.Throws<LedgerException>(() => new AnchorBatcher(store, _chain, new AnchorBatcherOptions
        {
            MaxBatchSize = maxBatchSize,
            MaxWait = TimeSpan.FromMilliseconds(maxWaitMs),
        }));

        Assert.Equal(StoreErrors.InvalidBatcherOptionsCode, ex.Code);
    }

    [Fact]
    public async Task Resume_BatchWhoseStoredHashesWereAltered_IsRefusedAsTamperedBeforeAnythingIsSent()
    {
        using (var store = _temp.Open())
        {
            store.Records.Accept(SampleRecords.Access());
            store.Records.Accept(SampleRecords.Access());
            await using var batcher = new AnchorBatcher(store, _chain);
            batcher.StageHook = (stage, _) =>
            {
                if (stage == AnchorStage.Sending)
                {
                    throw new SimulatedCrashException(stage);
                }
            };
            await Assert.ThrowsAsync<SimulatedCrashException>(() => batcher.AnchorPendingAsync());
        }
        using (var db = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = _temp.FilePath }))
        {
            var batches = db.GetCollection("batches");
            var doc = batches.FindById(1L);
            doc["hashes"].AsArray[1] = Hash32.Zero.ToString();
            batches.Update(doc);
        }
        using var reopened = _temp.Open();
        await using var again = new AnchorBatcher(reopened, _chain);

        var ex = await Assert.ThrowsAsync<LedgerException>(() => again.ResumeAsync());

        Assert.Equal(StoreErrors.BatchTamperedCode, ex.Code);
        Assert.Equal(0, _chain.AnchorCalls);
        Assert.Equal(2, reopened.Outbox.UnanchoredCount);
        Assert.Contains(StoreErrors.BatchTamperedCode, reopened.Outbox.GetBatch(1)!.LastError, StringComparison.Ordinal);
    }
}
