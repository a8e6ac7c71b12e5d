using Polly;
using Polly.Retry;

namespace Ledger.Core.Resilience;

/// <summary>
/// The one way a Ledger process keeps a background job going through failures: a Polly retry pipeline that retries
/// whatever fails (except the job being stopped) for as long as the job runs, waiting <c>initial</c>, then twice as long
/// each time up to <c>max</c>, and starting again from <c>initial</c> after a success (each run of the pipeline is
/// new). The chain client's transient-fault retries are the other use of Polly (Ledger.Chain, <c>ChainRpc</c>); no
/// hand-written retry loop is left.
/// </summary>
public static class Backoff
{
    /// <summary>
    /// A pipeline that runs a step until it succeeds, calling <paramref name="onRetry"/> with each failure and the wait
    /// before the next try. Times come from <paramref name="time"/> (tests give a fake one).
    /// </summary>
    public static ResiliencePipeline UntilItSucceeds(TimeSpan initial, TimeSpan max, Action<Exception, TimeSpan> onRetry, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(onRetry);
        if (initial <= TimeSpan.Zero || max < initial)
        {
            throw new ArgumentOutOfRangeException(nameof(initial), $"The first wait must be positive and at most the longest ({initial} to {max}).");
        }
        var builder = new ResiliencePipelineBuilder();
        if (time is not null)
        {
            builder.TimeProvider = time;
        }
        return builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            Delay = initial,
            MaxDelay = max,
            UseJitter = false,
            // Any failure, a timeout's cancellation too; only the job's own stopping ends the retries.
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e
                && !(e is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested)),
            OnRetry = args =>
            {
                if (args.Outcome.Exception is { } failure)
                {
                    onRetry(failure, args.RetryDelay);
                }
                return default;
            },
        }).Build();
    }

    /// <summary>
    /// A pipeline for one request that may meet a passing refusal (e.g. a provider that could not confirm its view of
    /// the chain in time, LEDGER-1330, which says "retry in a moment"): up to <paramref name="retries"/> more tries,
    /// waiting <paramref name="initial"/>, then twice as long each time; a failure <paramref name="isTransient"/> does
    /// not accept, and the last transient one, reach the caller unchanged.
    /// </summary>
    public static ResiliencePipeline ForTransient(int retries, TimeSpan initial, Func<Exception, bool> isTransient, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(isTransient);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retries);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        var builder = new ResiliencePipelineBuilder();
        if (time is not null)
        {
            builder.TimeProvider = time;
        }
        return builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = retries,
            BackoffType = DelayBackoffType.Exponential,
            Delay = initial,
            UseJitter = false,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && isTransient(e)),
        }).Build();
    }
}
