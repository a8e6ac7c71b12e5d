using Ledger.Core.Errors;
using Ledger.Node.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The chain head decides nothing on a view it cannot confirm: a head is handed out only when a chain read completed
/// at most T ago (reading again when older), and an unreachable, hanging or stalled chain is a LEDGER-1330 refusal and
/// a degraded health — never the last head it happened to know.
/// </summary>
public sealed class ChainHeadTests
{
    private static readonly TimeSpan T = TimeSpan.FromMilliseconds(500);

    /// <summary>A chain whose head, failures and hangs the test sets.</summary>
    private sealed class ScriptedChain : IChainHeadSource
    {
        private int _reads;

        public ulong Number { get; set; } = 10;

        public Exception? Failure { get; set; }

        public TaskCompletionSource? Hang { get; set; }

        public int Reads => _reads;

        /// <summary>Answer with the head as it was when the read began (as a node answers a request it took then).</summary>
        public bool AnswerAtStart { get; set; }

        public async Task<(ulong Number, ulong Timestamp)> LatestBlockAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            var atStart = Number;
            if (Hang is { } hang)
            {
                await hang.Task;
            }
            if (Failure is { } failure)
            {
                throw failure;
            }
            var number = AnswerAtStart ? atStart : Number;
            return (number, 1_000 + number);
        }

        public Task<bool> AccessStateChangedAsync(ulong fromBlock, ulong toBlock, CancellationToken cancellationToken) => Task.FromResult(false);
    }

    private static (ChainHead Head, ScriptedChain Chain, FakeTimeProvider Time) Attached(TimeSpan? blockInterval = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var chain = new ScriptedChain();
        var head = new ChainHead(time);
        head.Attach(chain, new ChainBlock(10, 1_010), new ChainHeadOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(100),
            MaxCheckAge = T,
            ReadTimeout = TimeSpan.FromSeconds(2),
            BlockInterval = blockInterval,
        });
        return (head, chain, time);
    }

    [Fact]
    public async Task RefreshAsync_TheChainShorterThanTheHead_GoesBackToItInANewEpoch_AndCachedReadsAreTakenAgain()
    {
        var (head, chain, _) = Attached();
        chain.Number = 148;
        await head.RefreshAsync();
        var cache = new PerBlockCache<string, string>(head, (_, _) => true);
        var reads = 0;
        Task<string> Load(string key, ulong block) => Task.FromResult($"{key}@{block}#{++reads}");
        Assert.Equal("k@148#1", await cache.GetAsync(148, "k", Load));
        var epoch = head.Epoch;

        // The chain node restarts from a state saved at block 147: block 148 is gone (and may be mined again, differently).
        chain.Number = 147;
        var rolledBack = await head.RefreshAsync();

        Assert.Equal(147UL, rolledBack.Number);
        Assert.Equal(147UL, head.Latest.Number);
        Assert.Equal(147UL, head.StateSince);
        Assert.Equal(epoch + 1, head.Epoch);
        chain.Number = 148;
        await head.RefreshAsync();
        Assert.Equal("k@148#2", await cache.GetAsync(148, "k", Load)); // not the read of the old block 148
    }

    [Fact]
    public async Task ConfirmAsync_WithinT_AnswersWithoutReadingTheChain()
    {
        var (head, chain, time) = Attached();
        time.Advance(T - TimeSpan.FromMilliseconds(1));

        var confirmed = await head.ConfirmAsync();

        Assert.Equal(10UL, confirmed.Block.Number);
        Assert.Equal(0, chain.Reads);
    }

    [Fact]
    public async Task ConfirmAsync_OlderThanT_ReadsTheChainAgainAndSeesTheNewHead()
    {
        var (head, chain, time) = Attached();
        chain.Number = 12;
        time.Advance(T + TimeSpan.FromMilliseconds(1));

        var confirmed = await head.ConfirmAsync();

        Assert.Equal(1, chain.Reads);
        Assert.Equal(12UL, confirmed.Block.Number);
        Assert.True(head.IsCurrent(confirmed.ConfirmedAt));
    }

    [Fact]
    public async Task ConfirmAsync_ChainUnreachable_RefusesWithLedger1330AndTheNodeIsDegraded()
    {
        var (head, chain, time) = Attached();
        chain.Failure = new LedgerException("LEDGER-1300", ErrorCategory.Unavailable, "The chain node at http://127.0.0.1:1 cannot be reached.");
        time.Advance(T + TimeSpan.FromMilliseconds(1));

        var refused = await Assert.ThrowsAsync<LedgerException>(() => head.ConfirmAsync());

        Assert.Equal(ChainHead.StaleViewCode, refused.Code);
        Assert.Equal(ErrorCategory.Unavailable, refused.Category);
        Assert.Contains("LEDGER-1300", refused.Message, StringComparison.Ordinal);
        var view = head.View();
        Assert.True(view.Degraded);
        Assert.Contains("cannot be read", view.Reason, StringComparison.Ordinal);
        Assert.NotNull(view.DegradedSince);
        // The head it knew is still its head, but nothing is decided on it.
        Assert.Equal(10UL, head.Latest.Number);
    }

    [Fact]
    public async Task ConfirmAsync_ChainHangs_RefusesAfterTheReadTimeoutInsteadOfWaiting()
    {
        var (head, chain, time) = Attached();
        chain.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        time.Advance(T + TimeSpan.FromMilliseconds(1));

        var confirming = head.ConfirmAsync();
        Assert.False(confirming.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));

        var refused = await Assert.ThrowsAsync<LedgerException>(() => confirming);
        Assert.Equal(ChainHead.StaleViewCode, refused.Code);
        Assert.Contains("did not answer within 2 s", refused.Message, StringComparison.Ordinal);
        Assert.True(head.View().Degraded);
        chain.Hang.SetResult();
    }

    [Fact]
    public async Task RefreshAsync_ConcurrentCallersWhileAReadIsUnderWay_ShareOneRead()
    {
        var (head, chain, _) = Attached();
        chain.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = head.RefreshAsync();
        var second = head.RefreshAsync();
        var third = head.RefreshAsync();
        chain.Number = 11;
        chain.Hang.SetResult();

        Assert.Equal(11UL, (await first).Number);
        Assert.Equal(11UL, (await second).Number);
        Assert.Equal(11UL, (await third).Number);
        Assert.Equal(1, chain.Reads);
    }

    [Fact]
    public async Task ReadNewAsync_DoesNotJoinAReadThatBeganBeforeIt_SoABlockMinedMeanwhileIsSeen()
    {
        // The second look at a refused consent: the poll in flight asked before the grant's block was mined; joining
        // it (RefreshAsync) would answer the old head again and the consent would be refused as unknown.
        var (head, chain, _) = Attached();
        chain.AnswerAtStart = true;
        var firstHang = chain.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        chain.Number = 11;
        var poll = head.RefreshAsync();          // began at block 11
        chain.Number = 12;                       // the grant is mined in block 12

        var joined = head.RefreshAsync();
        var fresh = head.ReadNewAsync();
        chain.Hang = null;
        firstHang.SetResult();

        Assert.Equal(11UL, (await poll).Number);
        Assert.Equal(11UL, (await joined).Number);
        Assert.Equal(12UL, (await fresh).Number);
        Assert.Equal(2, chain.Reads);
    }

    [Fact]
    public async Task AReadThatCompletesAgain_EndsTheDegradationAndRecordsHowLongItLasted()
    {
        var (head, chain, time) = Attached();
        chain.Failure = new HttpRequestException("Connection refused");
        time.Advance(T + TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<LedgerException>(() => head.ConfirmAsync());
        Assert.Null(head.View().LastOutage);

        time.Advance(TimeSpan.FromSeconds(7));
        chain.Failure = null;
        chain.Number = 15;
        var confirmed = await head.ConfirmAsync();

        var view = head.View();
        Assert.False(view.Degraded);
        Assert.Equal("", view.Reason);
        Assert.Equal(TimeSpan.FromSeconds(7), view.LastOutage);
        Assert.NotNull(view.LastOutageEnded);
        Assert.Equal(15UL, confirmed.Block.Number);
    }

    [Fact]
    public async Task AHeadThatStandsStillWhileBlocksAreExpected_HasStalled_AndConfirmsNothing()
    {
        var (head, chain, time) = Attached(blockInterval: TimeSpan.FromSeconds(1));
        // The chain answers every read, but its head stays at block 10 (a node that no longer follows the chain).
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(10UL, (await head.ConfirmAsync()).Block.Number);

        time.Advance(TimeSpan.FromSeconds(1.5));
        var refused = await Assert.ThrowsAsync<LedgerException>(() => head.ConfirmAsync());

        Assert.Equal(ChainHead.StaleViewCode, refused.Code);
        Assert.Contains("has stood at block 10", refused.Message, StringComparison.Ordinal);
        Assert.True(head.View().Degraded);

        chain.Number = 11;
        var moved = await head.ConfirmAsync();
        Assert.Equal(11UL, moved.Block.Number);
        Assert.False(head.View().Degraded);
    }

    [Fact]
    public async Task WithoutABlockInterval_AHeadThatStandsStillIsNormal()
    {
        // Automine: blocks come only with transactions, so a quiet chain keeps its head and that is no fault.
        var (head, chain, time) = Attached();
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(10UL, (await head.ConfirmAsync()).Block.Number);
        Assert.Equal(1, chain.Reads);
        Assert.False(head.View().Degraded);
    }

    [Fact]
    public void View_NoReadCompletedForLongerThanAReadTimeoutAndAPoll_IsDegraded()
    {
        var (head, _, time) = Attached();
        Assert.False(head.View().Degraded);

        time.Advance(TimeSpan.FromSeconds(3));

        var view = head.View();
        Assert.True(view.Degraded);
        Assert.Contains("no chain read has completed", view.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100, 300)]
    [InlineData(1000, 3000)]
    [InlineData(5000, 7000)]
    public void StallAfter_IsThreeBlockPeriods_AtMostOnePeriodAndTwoSeconds(int periodMs, int expectedMs)
    {
        var options = new ChainHeadOptions { BlockInterval = TimeSpan.FromMilliseconds(periodMs) };

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), options.StallAfter);
    }

    [Theory]
    [InlineData(50, 50)]
    [InlineData(100, 100)]
    [InlineData(1000, 1000)]
    [InlineData(5000, 1000)]
    public void DefaultT_IsThePollInterval_OneSecondAtMost(int pollMs, int expectedMs)
    {
        var options = ChainHeadOptions.For(TimeSpan.FromMilliseconds(pollMs), null, null, null);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), options.MaxCheckAge);
    }
}
