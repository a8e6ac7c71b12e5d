using Ledger.Node.Hosting;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The node's chain-read cache: a value read at one block answers for later heads only while the head says nothing it
/// depends on changed (no state-changing event since) and the value still holds at the head's time.
/// </summary>
public sealed class PerBlockCacheTests
{
    private sealed class CountingLoader
    {
        private int _calls;

        public int Calls => _calls;

        public Task<string> LoadAsync(string key, ulong block)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult($"{key}@{block}");
        }
    }

    private static ChainHead HeadAt(ulong number, ulong timestamp = 1_000)
    {
        var head = new ChainHead();
        head.Advance(new ChainBlock(number, timestamp), stateChanged: true);
        return head;
    }

    [Fact]
    public async Task GetAsync_NewHeadWithoutStateChange_AnswersFromTheEarlierRead()
    {
        var head = HeadAt(10);
        var cache = new PerBlockCache<string, string>(head, (_, _) => true);
        var loader = new CountingLoader();

        Assert.Equal("k@10", await cache.GetAsync(10, "k", loader.LoadAsync));
        head.Advance(new ChainBlock(11, 1_001), stateChanged: false);
        head.Advance(new ChainBlock(12, 1_002), stateChanged: false);

        Assert.Equal("k@10", await cache.GetAsync(12, "k", loader.LoadAsync));
        Assert.Equal(1, loader.Calls);
        Assert.Equal(10UL, head.StateSince);
    }

    [Fact]
    public async Task GetAsync_NewHeadAfterAStateChange_ReadsAgain()
    {
        var head = HeadAt(10);
        var cache = new PerBlockCache<string, string>(head, (_, _) => true);
        var loader = new CountingLoader();
        await cache.GetAsync(10, "k", loader.LoadAsync);

        head.Advance(new ChainBlock(11, 1_001), stateChanged: false);
        head.Advance(new ChainBlock(12, 1_002), stateChanged: true);

        Assert.Equal("k@12", await cache.GetAsync(12, "k", loader.LoadAsync));
        Assert.Equal(2, loader.Calls);
        // ...and the new read is carried from then on.
        head.Advance(new ChainBlock(13, 1_003), stateChanged: false);
        Assert.Equal("k@12", await cache.GetAsync(13, "k", loader.LoadAsync));
        Assert.Equal(2, loader.Calls);
    }

    [Fact]
    public async Task GetAsync_ValueNoLongerHoldingAtTheHeadsTime_ReadsAgain()
    {
        var head = HeadAt(10, timestamp: 1_000);
        // Holds until time 1,005 (as an allowed consent until its validUntil).
        var cache = new PerBlockCache<string, string>(head, (_, block) => block.Timestamp <= 1_005);
        var loader = new CountingLoader();
        await cache.GetAsync(10, "k", loader.LoadAsync);

        head.Advance(new ChainBlock(11, 1_005), stateChanged: false);
        Assert.Equal("k@10", await cache.GetAsync(11, "k", loader.LoadAsync));
        head.Advance(new ChainBlock(12, 1_006), stateChanged: false);
        Assert.Equal("k@12", await cache.GetAsync(12, "k", loader.LoadAsync));
        Assert.Equal(2, loader.Calls);
    }

    [Fact]
    public async Task GetAsync_AValueThatNeverHolds_IsReadOncePerBlockOnly()
    {
        var head = HeadAt(10);
        var cache = new PerBlockCache<string, string>(head, (_, _) => false);
        var loader = new CountingLoader();

        await cache.GetAsync(10, "k", loader.LoadAsync);
        await cache.GetAsync(10, "k", loader.LoadAsync);
        head.Advance(new ChainBlock(11, 1_001), stateChanged: false);
        Assert.Equal("k@11", await cache.GetAsync(11, "k", loader.LoadAsync));
        Assert.Equal(2, loader.Calls);
    }

    [Fact]
    public async Task GetAsync_ManyKeys_HoldsOnlyWhatCanStillBeCarried()
    {
        var head = HeadAt(10);
        var cache = new PerBlockCache<string, string>(head, (_, _) => true);
        var loader = new CountingLoader();
        for (var i = 0; i < 4096; i++)
        {
            await cache.GetAsync(10, $"k{i}", loader.LoadAsync);
        }
        Assert.Equal(4096, cache.Count);

        // Nothing is old enough to go yet: a new key is added beside them.
        await cache.GetAsync(10, "recent", loader.LoadAsync);
        Assert.Equal(4097, cache.Count);

        await Task.Delay(PerBlockCache<string, string>.MaxCarry + TimeSpan.FromMilliseconds(200));
        await cache.GetAsync(10, "after", loader.LoadAsync);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task GetAsync_ABlockThatIsNotTheHead_IsNotAnsweredByACarriedValue()
    {
        var head = HeadAt(10);
        var cache = new PerBlockCache<string, string>(head, (_, _) => true);
        var loader = new CountingLoader();
        await cache.GetAsync(10, "k", loader.LoadAsync);
        head.Advance(new ChainBlock(12, 1_002), stateChanged: false);

        // Block 11 is neither the block read at nor the head: the head's mark says nothing about it alone.
        Assert.Equal("k@11", await cache.GetAsync(11, "k", loader.LoadAsync));
        // An older block than the cached read is read and not cached.
        Assert.Equal("k@9", await cache.GetAsync(9, "k", loader.LoadAsync));
        Assert.Equal("k@9", await cache.GetAsync(9, "k", loader.LoadAsync));
        Assert.Equal(4, loader.Calls);
    }

    [Fact]
    public async Task GetAsync_ConcurrentReadersOfANewBlock_ShareOneRead()
    {
        var head = HeadAt(10);
        var cache = new PerBlockCache<string, string>(head, (_, _) => true);
        var calls = 0;
        var gate = new TaskCompletionSource();
        async Task<string> SlowLoad(string key, ulong block)
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            return $"{key}@{block}";
        }

        var readers = Enumerable.Range(0, 16).Select(_ => Task.Run(() => cache.GetAsync(10, "k", SlowLoad))).ToList();
        await Task.Delay(50);
        gate.SetResult();
        var values = await Task.WhenAll(readers);

        Assert.All(values, v => Assert.Equal("k@10", v));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task GetAsync_AFailedRead_IsForgottenAndNotCarried()
    {
        var head = HeadAt(10);
        var cache = new PerBlockCache<string, string>(head, (_, _) => true);
        var fail = true;
        var calls = 0;
        Task<string> Flaky(string key, ulong block)
        {
            calls++;
            return fail ? Task.FromException<string>(new InvalidOperationException("chain unreachable")) : Task.FromResult($"{key}@{block}");
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync(10, "k", Flaky));
        fail = false;
        head.Advance(new ChainBlock(11, 1_001), stateChanged: false);
        Assert.Equal("k@11", await cache.GetAsync(11, "k", Flaky));
        Assert.Equal(2, calls);
    }

    [Fact]
    public void Advance_NeverMovesTheHeadBack()
    {
        var head = HeadAt(10, timestamp: 1_000);
        head.Advance(new ChainBlock(9, 999), stateChanged: true);
        Assert.Equal(new ChainBlock(10, 1_000), head.Latest);
        Assert.Equal(10UL, head.StateSince);
    }
}
