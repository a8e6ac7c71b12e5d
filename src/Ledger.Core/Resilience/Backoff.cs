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
}
