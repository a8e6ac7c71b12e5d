using Ledger.Core.Resilience;

namespace Ledger.Node.Tests.Unit;

/// <summary>The background jobs' one retry pipeline (Polly): doubling waits up to the longest, a fresh start after a success, stopping ends it.</summary>
public sealed class BackoffTests
{
    [Fact]
    public async Task UntilItSucceeds_FailuresWaitDoublingUpToTheLongest_ThenTheStepsResult()
    {
        var waits = new List<TimeSpan>();
        var failures = new List<string>();
        var retry = Backoff.UntilItSucceeds(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(8), (ex, wait) =>
        {
            failures.Add(ex.Message);
            waits.Add(wait);
        });
        var attempts = 0;

        var result = await retry.ExecuteAsync(_ => ++attempts < 7 ? throw new InvalidOperationException($"try {attempts}") : ValueTask.FromResult("done"));

        Assert.Equal("done", result);
        Assert.Equal(7, attempts);
        Assert.Equal([1, 2, 4, 8, 8, 8], waits.Select(w => w.TotalMilliseconds));
        Assert.Equal(["try 1", "try 2", "try 3", "try 4", "try 5", "try 6"], failures);

        // The next run starts from the first wait again.
        waits.Clear();
        attempts = 0;
        await retry.ExecuteAsync(_ => ++attempts < 3 ? throw new InvalidOperationException("again") : ValueTask.FromResult(0));
        Assert.Equal([1, 2], waits.Select(w => w.TotalMilliseconds));
    }

    [Fact]
    public async Task UntilItSucceeds_ACancellationThatIsNotTheJobStopping_IsRetried_TheJobStopping_EndsIt()
    {
        var retries = 0;
        var retry = Backoff.UntilItSucceeds(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), (_, _) => retries++);
        var attempts = 0;

        // A timeout inside the step (its own cancellation) is a failure like any other.
        await retry.ExecuteAsync(_ => ++attempts < 3 ? throw new TaskCanceledException("an HTTP timeout") : ValueTask.FromResult(0));
        Assert.Equal(2, retries);

        using var stopping = new CancellationTokenSource();
        retries = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await retry.ExecuteAsync(ct =>
        {
            stopping.Cancel();
            ct.ThrowIfCancellationRequested();
            return ValueTask.FromResult(0);
        }, stopping.Token));
        Assert.Equal(0, retries);
    }

    [Fact]
    public void UntilItSucceeds_AWaitThatIsNotPositiveOrAboveTheLongest_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.UntilItSucceeds(TimeSpan.Zero, TimeSpan.FromSeconds(1), (_, _) => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.UntilItSucceeds(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), (_, _) => { }));
    }

    [Fact]
    public async Task ForTransient_APassingRefusal_IsAskedAgain_UpToTheRetries_ThenTheLastRefusalReachesTheCaller()
    {
        var retry = Backoff.ForTransient(2, TimeSpan.FromMilliseconds(1), e => e is InvalidOperationException { Message: "passing" });
        var attempts = 0;

        var result = await retry.ExecuteAsync(_ => ++attempts < 3 ? throw new InvalidOperationException("passing") : ValueTask.FromResult("served"));
        Assert.Equal("served", result);
        Assert.Equal(3, attempts);

        attempts = 0;
        var last = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await retry.ExecuteAsync<int>(_ => throw new InvalidOperationException(++attempts < 99 ? "passing" : "")));
        Assert.Equal(3, attempts); // one try and two retries
        Assert.Equal("passing", last.Message);

        attempts = 0;
        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await retry.ExecuteAsync<int>(_ => throw new ArgumentException($"final {++attempts}")));
        Assert.Equal(1, attempts); // any other failure is final
    }
}
