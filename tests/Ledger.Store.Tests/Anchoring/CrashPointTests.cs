using Ledger.Store.Anchoring;
using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.Anchoring;

/// <summary>
/// A batch interrupted at each point of its life, then a restart (new store and batcher instances on the same file,
/// the same chain): every record ends anchored exactly once, in one batch, with a proof of the chain's root.
/// The real process kill (SIGKILL) of the same points is in RealChain/ProcessKillTests.
/// </summary>
public sealed class CrashPointTests : IDisposable
{
    private const int Records = 11;
    private static readonly AnchorBatcherOptions Options = new() { MaxBatchSize = 4 };

    private readonly TempStore _temp = new();
    private readonly ScriptedAnchorChain _chain = new(TempStore.Org);

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("Assigned")]   // batch persisted, nothing sent
    [InlineData("Sending")]    // batch marked Sent, the anchor call next
    [InlineData("Confirmed")]  // anchor mined and confirmed, not yet recorded in the store
    [InlineData("Anchored")]   // everything recorded
    public async Task Restart_AfterACrashAtStage_AnchorsEveryRecordExactlyOnce(string stageName)
    {
        var crashAt = Enum.Parse<AnchorStage>(stageName);
        await RunUntilCrashAsync(batcher => batcher.StageHook = (stage, batch) =>
        {
            if (stage == crashAt && batch.Sequence == 2)
            {
                throw new SimulatedCrashException(stage);
            }
        });

        var resumed = await RestartAsync();

        Assert.Equal(crashAt == AnchorStage.Anchored ? 0 : 1, resumed.ResumedBatches);
        Assert.Equal(crashAt is AnchorStage.Confirmed or AnchorStage.Anchored ? 2 : 1, resumed.AnchorTransactionsBeforeRestart);
    }

    [Fact]
    public async Task Restart_AfterTheChainFailedBeforeTheTransactionWasSent_AnchorsEveryRecordExactlyOnce()
    {
        _chain.FailBeforeSending = 1;

        await RunUntilCrashAsync(_ => { });

        var resumed = await RestartAsync();
        Assert.Equal(1, resumed.ResumedBatches);
        Assert.Equal(0, resumed.AnchorTransactionsBeforeRestart);
    }

    [Fact]
    public async Task Restart_AfterTheAnchorWasMinedButItsReceiptLost_RecordsTheExistingAnchorWithoutASecond()
    {
        _chain.FailAfterAnchoring = 1;

        await RunUntilCrashAsync(_ => { });

        var callsBefore = _chain.AnchorCalls;
        var resumed = await RestartAsync();
        Assert.Equal(1, resumed.ResumedBatches);
        Assert.Equal(1, resumed.AnchorTransactionsBeforeRestart);
        Assert.True(_chain.AnchorCalls > callsBefore, "the restart asked the chain again for the anchor's confirmation");
    }

    [Fact]
    public async Task Restart_RepeatedCrashesAtEveryStageOfTheSameBatch_StillAnchorItOnce()
    {
        foreach (var crashAt in new[] { AnchorStage.Assigned, AnchorStage.Sending, AnchorStage.Confirmed })
        {
            using var store = _temp.Open();
            if (store.Records.Count == 0)
            {
                for (var i = 0; i < Records; i++)
                {
                    store.Records.Accept(SampleRecords.Access());
                }
            }
            await using var batcher = new AnchorBatcher(store, _chain, Options);
            batcher.StageHook = (stage, _) =>
            {
                if (stage >= crashAt)
                {
                    throw new SimulatedCrashException(stage);
                }
            };
            await Assert.ThrowsAsync<SimulatedCrashException>(() => batcher.AnchorPendingAsync());
        }

        var resumed = await RestartAsync();
        Assert.Equal(1, resumed.ResumedBatches);
        Assert.Equal(1, resumed.AnchorTransactionsBeforeRestart);
    }

    private async Task RunUntilCrashAsync(Action<AnchorBatcher> arm)
    {
        using var store = _temp.Open();
        for (var i = 0; i < Records; i++)
        {
            store.Records.Accept(SampleRecords.Access());
        }
        await using var batcher = new AnchorBatcher(store, _chain, Options);
        arm(batcher);

        await Assert.ThrowsAnyAsync<Exception>(() => batcher.AnchorPendingAsync());
        // The "process" ends here: batcher and store are dropped; the chain lives on.
    }

    private async Task<(int ResumedBatches, int AnchorTransactionsBeforeRestart)> RestartAsync()
    {
        var before = _chain.AnchorTransactions;
        using var store = _temp.Open();
        await using var batcher = new AnchorBatcher(store, _chain, Options);
        var unfinished = store.Outbox.UnfinishedBatches().Count;

        Assert.Equal(unfinished, await batcher.ResumeAsync());
        Assert.Empty(store.Outbox.UnfinishedBatches());
        await batcher.AnchorPendingAsync();

        AnchorAssertions.EveryRecordAnchoredExactlyOnce(store, _chain, Records);
        return (unfinished, before);
    }
}
