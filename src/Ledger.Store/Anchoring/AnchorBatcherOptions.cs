namespace Ledger.Store.Anchoring;

/// <summary>How the anchor batcher forms batches and retries (configuration section <c>Ledger:Anchoring</c>).</summary>
public sealed class AnchorBatcherOptions
{
    /// <summary>Largest batch: a batch is formed as soon as this many records wait (1 to 65,536).</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Longest a record waits for a batch: a smaller batch is formed when the oldest waiting record is this old.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First delay after a failure (chain unreachable, …); doubled on each further failure.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between retries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The reference anchored with each root; <c>{org}</c>, <c>{sequence}</c> and <c>{batchId}</c> are filled in.</summary>
    public string BatchUriTemplate { get; set; } = "ledger://{org}/batches/{sequence}";

    internal void Validate()
    {
        if (MaxBatchSize is < 1 or > 65_536)
        {
            throw StoreErrors.InvalidBatcherOptions($"MaxBatchSize is {MaxBatchSize}; use 1 to 65536");
        }
        if (MaxWait < TimeSpan.Zero || MaxWait > TimeSpan.FromDays(1))
        {
            throw StoreErrors.InvalidBatcherOptions($"MaxWait is {MaxWait}; use 0 to 1 day");
        }
        if (InitialRetryDelay <= TimeSpan.Zero || MaxRetryDelay < InitialRetryDelay)
        {
            throw StoreErrors.InvalidBatcherOptions($"retry delays are {InitialRetryDelay} to {MaxRetryDelay}; the first must be positive and not above the longest");
        }
        if (string.IsNullOrWhiteSpace(BatchUriTemplate) || BatchUriTemplate.Length > 512)
        {
            throw StoreErrors.InvalidBatcherOptions("BatchUriTemplate is empty or longer than 512 characters");
        }
    }
}
