using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Records;
using Ledger.Node.Bank.UseCases;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Bank;

/// <summary>
/// DeleteHeld (a use case over ports: <see cref="IHeldData"/>, <see cref="IDeletionReceipts"/>,
/// <see cref="IRevocationFeed"/>, a <see cref="TimeProvider"/>). Honours the data life of what a bank holds: deletes held data when its keep-until passes
/// (<see cref="DeletionCause.DataLifeEnded"/>) and when the enterprise revokes the consent
/// (<see cref="DeletionCause.ConsentRevoked"/>, learnt from the <c>ConsentRevoked</c> events the node's indexer puts in
/// the audit index), and for each deletion accepts a <see cref="DeletionReceipt"/> durably, so the bank anchors it.
/// <para>
/// A deletion is three steps, each durable: (1) the envelope is dropped and the time and cause noted in
/// the bank's held data (its part of the node's store); (2) the receipt is accepted into the ledger store — unless a receipt with the same consent, data
/// hash, cause and time is there already (a crash between 2 and 3); (3) the receipt's hash is noted on the item. A
/// sweep first finishes items left between steps, so each deletion gets exactly one receipt. Deletions are serialized.
/// </para>
/// </summary>
public sealed class DataLifeKeeper : IDisposable
{
    private const int RevocationPage = 500;

    private readonly IHeldData _store;
    private readonly IDeletionReceipts _receipts;
    private readonly IRevocationFeed _revocations;
    private readonly TimeProvider _time;
    private readonly ILogger<DataLifeKeeper> _logger;
    private readonly SemaphoreSlim _serial = new(1, 1);

    /// <summary>
    /// Creates the keeper over the bank's held data, its deletion receipts and the revocations naming it (ports: the
    /// bank's part of the node's store, its records and its audit index in a node; in-memory ones in unit tests).
    /// </summary>
    public DataLifeKeeper(IHeldData held, IDeletionReceipts receipts, IRevocationFeed revocations, TimeProvider time, ILogger<DataLifeKeeper> logger)
    {
        _store = held ?? throw new ArgumentNullException(nameof(held));
        _receipts = receipts ?? throw new ArgumentNullException(nameof(receipts));
        _revocations = revocations ?? throw new ArgumentNullException(nameof(revocations));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger;
    }

    private ulong NowMs => (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// One pass: finishes interrupted deletions, deletes what outlived its data life, and deletes what the consents
    /// revoked since the last pass covered. Returns how many items were deleted.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var item in _store.AwaitingReceipt())
            {
                await ReceiptAsync(item).ConfigureAwait(false);
            }
            var deleted = 0;
            var now = NowMs;
            foreach (var item in _store.Expired(now))
            {
                deleted += await DeleteLockedAsync(item, DeletionCause.DataLifeEnded, now).ConfigureAwait(false);
            }
            deleted += await RevocationsLockedAsync(cancellationToken).ConfigureAwait(false);
            return deleted;
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>
    /// Whether the consent is revoked as far as the audit index knows; if so, deletes everything held under it now
    /// (with receipts). Used before held data is reused and right after a fetch is kept, so data fetched in the
    /// moment of a revocation is not kept past it.
    /// </summary>
    public async Task<bool> EnforceRevocationAsync(ConsentId consent, CancellationToken cancellationToken = default)
    {
        if (!_revocations.IsRevoked(consent))
        {
            return false;
        }
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = NowMs;
            foreach (var item in _store.Live(consent))
            {
                await DeleteLockedAsync(item, DeletionCause.ConsentRevoked, now).ConfigureAwait(false);
            }
            return true;
        }
        finally
        {
            _serial.Release();
        }
    }

    private async Task<int> RevocationsLockedAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = _revocations.After(_store.RevocationCursor, RevocationPage);
            foreach (var revocation in page)
            {
                if (revocation.Consent is not { } consent)
                {
                    continue;
                }
                var now = NowMs;
                foreach (var item in _store.Live(consent))
                {
                    deleted += await DeleteLockedAsync(item, DeletionCause.ConsentRevoked, now).ConfigureAwait(false);
                }
            }
            if (page.Count == 0)
            {
                break;
            }
            _store.RevocationCursor = page[^1].Cursor;
            if (page.Count < RevocationPage)
            {
                break;
            }
        }
        return deleted;
    }

    private async Task<int> DeleteLockedAsync(HeldItem item, DeletionCause cause, ulong nowMs)
    {
        var marked = _store.MarkDeleted(item.RequestHash, cause, nowMs);
        if (marked is null)
        {
            return 0;
        }
        await ReceiptAsync(marked).ConfigureAwait(false);
        return 1;
    }

    private async Task ReceiptAsync(HeldItem item)
    {
        var cause = item.Cause ?? DeletionCause.Voluntary;
        var deletedAt = item.DeletedAtMs ?? NowMs;
        var consumer = _receipts.Consumer;
        // A receipt accepted before a crash (same consent, data, cause and time, not yet noted on any item) is reused.
        var earlier = _receipts.Under(item.ConsentId)
            .Where(r => r.Receipt.DataHash == item.ResponseHash && r.Receipt.Cause == cause && r.Receipt.DeletedAtMs == deletedAt && r.Receipt.Consumer == consumer)
            .Select(r => r.Hash)
            .FirstOrDefault(h => !_store.IsAssigned(h));
        var receipt = earlier != default
            ? earlier
            : await _receipts.AcceptAsync(sequence => new DeletionReceipt(item.ConsentId, consumer, item.ResponseHash, cause, deletedAt, sequence)).ConfigureAwait(false);
        _store.SetReceipt(item.RequestHash, receipt);
        BankLog.Deleted(_logger, item.ConsentId.ToString(), item.ResponseHash.ToString(), cause.ToString(), receipt.ToString());
    }

    /// <inheritdoc/>
    public void Dispose() => _serial.Dispose();
}

/// <summary>Runs the <see cref="DataLifeKeeper"/> on a bank node, once per chain polling interval (at least every second).</summary>
internal sealed class DataLifeService(Ledger.Chain.Profiles.ChainEnvironment chainEnvironment, DataLifeKeeper keeper, ILogger<DataLifeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(Math.Clamp(chainEnvironment.Profile.EffectivePollInterval.TotalMilliseconds, 50, 1000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await keeper.SweepAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the sweep must survive any failure; each deletion step is durable, so the next pass resumes
            catch (Exception ex)
#pragma warning restore CA1031
            {
                BankLog.SweepFailed(logger, (ex as LedgerException)?.Code ?? ex.GetType().Name, ex.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
