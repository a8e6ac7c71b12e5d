using Ledger.Core.Resilience;
using Ledger.Core.Errors;
using Ledger.Core.Merkle;
using Ledger.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ledger.Store.Anchoring;

/// <summary>A point in the anchoring of one batch (a seam for crash tests; see <see cref="AnchorBatcher"/>).</summary>
internal enum AnchorStage
{
    /// <summary>The batch was persisted as Assigned; nothing sent.</summary>
    Assigned,
    /// <summary>The batch was persisted as Sent; the anchor call is next.</summary>
    Sending,
    /// <summary>The chain confirmed the anchor; the store has not recorded it yet.</summary>
    Confirmed,
    /// <summary>The confirmation and every proof are stored.</summary>
    Anchored,
}

/// <summary>
/// Works the anchor outbox: forms a batch when <see cref="AnchorBatcherOptions.MaxBatchSize"/> records wait or the
/// oldest has waited <see cref="AnchorBatcherOptions.MaxWait"/>, persists it (id, root, members) before sending, sends
/// one anchor through <see cref="IAnchorChain"/>, and on the confirmation stores each record's anchor and proof.
/// <para>
/// Crash safety: batch ids are <c>BatchId.For(org, batchSequence)</c> and the batch is persisted before anything is
/// sent, so after a crash at any point the same id and root are sent again; the contract accepts a batch id once
/// and <see cref="IAnchorChain.AnchorAsync"/> is idempotent for the same root, so each batch is anchored exactly once.
/// On start, unfinished batches are finished before new ones are formed. One batch is worked at a time.
/// </para>
/// Failures (chain unreachable, …) are logged and retried with exponential backoff; records stay in the outbox.
/// </summary>
public sealed class AnchorBatcher : IAsyncDisposable
{
    private readonly LedgerStore _store;
    private readonly IAnchorChain _chain;
    private readonly AnchorBatcherOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _work = new(1, 1);
    private readonly SemaphoreSlim _signal = new(0, 1);
    private CancellationTokenSource? _stopping;
    private Task? _loop;
    // Wake-up discipline: the loop is signalled when it waits for records with none pending (_idle = 1), or when the
    // records accepted since its last look (_pendingHint, an over-estimate) fill a batch. A partial batch waits for
    // MaxWait without being woken by every commit — each wake-up scanned the outbox, once per commit under load.
    private int _idle = 1;
    private long _pendingHint;

    /// <summary>Creates a batcher for <paramref name="store"/> anchoring through <paramref name="chain"/>.</summary>
    /// <exception cref="LedgerException">LEDGER-1430 when the chain anchors for another organization than the store's;
    /// LEDGER-1432 for invalid options.</exception>
    public AnchorBatcher(LedgerStore store, IAnchorChain chain, AnchorBatcherOptions? options = null, ILogger<AnchorBatcher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(chain);
        _options = options ?? new AnchorBatcherOptions();
        _options.Validate();
        if (chain.Organization != store.Organization)
        {
            throw StoreErrors.AnchorOrganizationMismatch(store.Organization.Code, chain.Organization.Code);
        }
        _store = store;
        _chain = chain;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _store.Records.Accepted += OnAccepted;
    }

    /// <summary>Raised after a batch's confirmation and proofs are stored.</summary>
    public event Action<AnchorBatch>? BatchAnchored;

    /// <summary>Called at each <see cref="AnchorStage"/>; an exception thrown here stops the batch there (crash tests).</summary>
    internal Action<AnchorStage, AnchorBatch>? StageHook { get; set; }

    /// <summary>Starts the background loop (resumes unfinished batches first).</summary>
    public void Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The anchor batcher is already running.");
        }
        _stopping = new CancellationTokenSource();
        BatcherLog.Started(_logger, _store.Organization.Code, _options.MaxBatchSize, _options.MaxWait);
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>Stops the background loop; a batch being sent is left for the next start to resume.</summary>
    public async Task StopAsync()
    {
        if (_loop is null || _stopping is null)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        finally
        {
            _loop = null;
            _stopping.Dispose();
            _stopping = null;
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var unanchored = SafeUnanchoredCount();
                BatcherLog.Stopped(_logger, unanchored);
            }
        }
    }

    /// <summary>
    /// Finishes the batches an earlier run left Assigned or Sent (asking the chain whether each is already there).
    /// Returns how many were anchored. Throws on the first failure.
    /// </summary>
    public async Task<int> ResumeAsync(CancellationToken cancellationToken = default)
    {
        await _work.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ResumeCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _work.Release();
        }
    }

    /// <summary>
    /// Resumes unfinished batches, then anchors every pending record now, in batches of at most
    /// <see cref="AnchorBatcherOptions.MaxBatchSize"/> (ignoring <see cref="AnchorBatcherOptions.MaxWait"/>).
    /// Returns how many batches were anchored. Throws on the first failure (records stay in the outbox).
    /// </summary>
    public async Task<int> AnchorPendingAsync(CancellationToken cancellationToken = default)
    {
        await _work.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var anchored = await ResumeCoreAsync(cancellationToken).ConfigureAwait(false);
            while (_store.Outbox.AssignNextBatch(_options.MaxBatchSize, _options.BatchUriTemplate) is { } batch)
            {
                anchored += await AnchorNewBatchAsync(batch, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                cancellationToken.ThrowIfCancellationRequested();
            }
            return anchored;
        }
        finally
        {
            _work.Release();
        }
    }

    private async Task<int> ResumeCoreAsync(CancellationToken cancellationToken)
    {
        var anchored = 0;
        foreach (var batch in _store.Outbox.UnfinishedBatches())
        {
            BatcherLog.Resuming(_logger, batch.Sequence, batch.Id, batch.State);
            anchored += await ProcessAsync(batch, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }
        return anchored;
    }

    private Task<bool> AnchorNewBatchAsync(AnchorBatch batch, CancellationToken cancellationToken)
    {
        BatcherLog.BatchAssigned(_logger, batch.Sequence, batch.Id, batch.Count, batch.Root);
        StageHook?.Invoke(AnchorStage.Assigned, batch);
        return ProcessAsync(batch, cancellationToken);
    }

    // Returns true when the batch ended Anchored, false when it was abandoned (its records went back to Pending).
    private async Task<bool> ProcessAsync(AnchorBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            // A batch altered on disk must not reach the chain: its members would not prove against the root.
            var rebuilt = StandardMerkleTree.Of(batch.Hashes).Root;
            if (rebuilt != batch.Root)
            {
                throw StoreErrors.BatchTampered(batch.Sequence, batch.Root.ToString(), rebuilt.ToString());
            }
            var onChain = await _chain.FindAnchoredRootAsync(batch.Id, cancellationToken).ConfigureAwait(false);
            if (onChain is { } chainRoot && chainRoot != batch.Root)
            {
                BatcherLog.Conflict(_logger, batch.Sequence, batch.Id, chainRoot, batch.Root, batch.Count);
                _store.Outbox.Abandon(batch.Sequence, chainRoot);
                return false;
            }
            if (onChain is null)
            {
                batch = _store.Outbox.MarkSent(batch.Sequence);
                BatcherLog.Sending(_logger, batch.Sequence, batch.Attempts);
                StageHook?.Invoke(AnchorStage.Sending, batch);
            }
            else
            {
                BatcherLog.AlreadyAnchored(_logger, batch.Sequence);
            }

            // Idempotent: for a batch already anchored with this root it returns that anchor's confirmation.
            var confirmation = await _chain.AnchorAsync(batch.Id, batch.Root, batch.Count, batch.Kind, batch.Uri, cancellationToken).ConfigureAwait(false);
            StageHook?.Invoke(AnchorStage.Confirmed, batch);

            var anchored = _store.Outbox.MarkAnchored(batch.Sequence, confirmation);
            BatcherLog.Anchored(_logger, anchored.Sequence, anchored.Count, confirmation.BlockNumber, confirmation.TxHash);
            StageHook?.Invoke(AnchorStage.Anchored, anchored);
            BatchAnchored?.Invoke(anchored);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            TryRecordFailure(batch.Sequence, ex);
            throw;
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        // A failed turn is retried after 1 s, 2 s, 4 s … up to the longest delay; a turn that succeeds starts over.
        var retry = Backoff.UntilItSucceeds(_options.InitialRetryDelay, _options.MaxRetryDelay, (ex, delay) =>
        {
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                BatcherLog.Failed(_logger, ex, Describe(ex), SafeUnanchoredCount(), delay);
            }
        }, _store.Time);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var wait = await retry.ExecuteAsync(async ct => await StepAsync(ct).ConfigureAwait(false), stopping).ConfigureAwait(false);
                if (wait is { } w)
                {
                    await _signal.WaitAsync(w, stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // One turn of the loop: finish what an earlier turn or run left, then form and anchor a batch if one is due.
    // Returns how long to wait for new records before the next turn (null: go on at once).
    private async Task<TimeSpan?> StepAsync(CancellationToken stopping)
    {
        await _work.WaitAsync(stopping).ConfigureAwait(false);
        try
        {
            await ResumeCoreAsync(stopping).ConfigureAwait(false);
            // Idle and the hint reset before looking, so a record accepted meanwhile signals (or is counted twice,
            // which only wakes the loop early).
            Volatile.Write(ref _idle, 1);
            Interlocked.Exchange(ref _pendingHint, 0);
            var (pending, oldest) = _store.Outbox.PendingSummary();
            if (pending == 0)
            {
                return Timeout.InfiniteTimeSpan;
            }
            Volatile.Write(ref _idle, 0);
            Interlocked.Add(ref _pendingHint, pending);
            var dueInMs = (long)(oldest!.Value + (ulong)_options.MaxWait.TotalMilliseconds) - (long)_store.NowMs;
            if (pending < _options.MaxBatchSize && dueInMs > 0)
            {
                return TimeSpan.FromMilliseconds(dueInMs);
            }
            if (_store.Outbox.AssignNextBatch(_options.MaxBatchSize, _options.BatchUriTemplate) is { } batch)
            {
                await AnchorNewBatchAsync(batch, stopping).ConfigureAwait(false);
            }
            return null;
        }
        finally
        {
            _work.Release();
        }
    }

    private void OnAccepted(int count)
    {
        var pending = Interlocked.Add(ref _pendingHint, count);
        if (Volatile.Read(ref _idle) == 0 && pending < _options.MaxBatchSize)
        {
            return; // a partial batch is waiting for MaxWait; the loop's timeout wakes it
        }
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
        catch (ObjectDisposedException)
        {
            // The batcher was disposed while the store lives on.
        }
    }

    private void TryRecordFailure(ulong sequence, Exception ex)
    {
        try
        {
            _store.Outbox.RecordFailure(sequence, Describe(ex));
        }
        catch (Exception recordEx) when (recordEx is LedgerException or ObjectDisposedException or InvalidOperationException)
        {
            // The original failure is what the caller needs; the store may be the thing failing.
        }
    }

    private long SafeUnanchoredCount()
    {
        try
        {
            return _store.Outbox.UnanchoredCount;
        }
        catch (Exception ex) when (ex is LedgerException or ObjectDisposedException)
        {
            return -1;
        }
    }

    private static string Describe(Exception ex) => ex is LedgerException le ? $"{le.Code}: {le.Message}" : $"{ex.GetType().Name}: {ex.Message}";

    /// <summary>Stops the loop and detaches from the store (the store stays open).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _store.Records.Accepted -= OnAccepted;
        _work.Dispose();
        _signal.Dispose();
    }
}
