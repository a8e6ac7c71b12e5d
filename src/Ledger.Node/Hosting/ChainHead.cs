using Ledger.Chain;
using Ledger.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Hosting;

/// <summary>A block as the node knows it: number and time (unix seconds).</summary>
public readonly record struct ChainBlock(ulong Number, ulong Timestamp);

/// <summary>What the chain head reads from the chain (the chain client; a fake in unit tests).</summary>
public interface IChainHeadSource
{
    /// <summary>The chain's latest block.</summary>
    Task<(ulong Number, ulong Timestamp)> LatestBlockAsync(CancellationToken cancellationToken);

    /// <summary>Whether a block from <paramref name="fromBlock"/> to <paramref name="toBlock"/> may have changed membership or consent state.</summary>
    Task<bool> AccessStateChangedAsync(ulong fromBlock, ulong toBlock, CancellationToken cancellationToken);
}

/// <summary>The chain client as the head's source.</summary>
internal sealed class ChainClientHeadSource(LedgerChainClient client) : IChainHeadSource
{
    public Task<(ulong Number, ulong Timestamp)> LatestBlockAsync(CancellationToken cancellationToken) => client.LatestBlockAsync(cancellationToken);

    public Task<bool> AccessStateChangedAsync(ulong fromBlock, ulong toBlock, CancellationToken cancellationToken) =>
        client.AccessStateChangedAsync(fromBlock, toBlock, cancellationToken);
}

/// <summary>How the head decides that its view of the chain is current (<c>Ledger:Node:Chain</c>, docs/nodes.md).</summary>
public sealed record ChainHeadOptions
{
    /// <summary>How often the head is polled.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// T: the longest time between the completion of a chain read that confirmed the head and a decision made on it
    /// (a report is served only on a consent check confirmed at most this long before). Default: the poll interval,
    /// 1 s at most.
    /// </summary>
    public TimeSpan MaxCheckAge { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a caller waits for a chain read before it gives up (the chain counts as unreachable then).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The chain's block period when it makes blocks on a timer (QBFT, anvil --block-time); null when blocks come only
    /// with transactions (automine). A head that has not moved for three periods (at most a period and 2 s) has stalled.
    /// </summary>
    public TimeSpan? BlockInterval { get; init; }

    /// <summary>The options in force for a profile's poll interval and the node's settings (null: defaults).</summary>
    public static ChainHeadOptions For(TimeSpan pollInterval, TimeSpan? maxCheckAge, TimeSpan? readTimeout, TimeSpan? blockInterval) => new()
    {
        PollInterval = pollInterval,
        MaxCheckAge = maxCheckAge ?? DefaultMaxCheckAge(pollInterval),
        ReadTimeout = readTimeout ?? TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(2).Ticks, 2 * pollInterval.Ticks)),
        BlockInterval = blockInterval,
    };

    /// <summary>T's default: the poll interval, 1 s at most.</summary>
    public static TimeSpan DefaultMaxCheckAge(TimeSpan pollInterval) => pollInterval < TimeSpan.FromSeconds(1) ? pollInterval : TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a head may stand still, while blocks are expected, before it counts as stalled: three periods, but at
    /// most one period and 2 s (so on a 5 s QBFT chain a stalled head is refused after 7 s, not 15 s).
    /// </summary>
    public TimeSpan? StallAfter => BlockInterval is { } period ? (3 * period < period + TimeSpan.FromSeconds(2) ? 3 * period : period + TimeSpan.FromSeconds(2)) : null;
}

/// <summary>The node's view of the chain, for its status and health.</summary>
/// <param name="Latest">The latest block seen.</param>
/// <param name="ConfirmedAgo">Time since the last chain read that completed (null: none yet).</param>
/// <param name="Degraded">True while the chain cannot be read, or its head has stalled while blocks are expected.</param>
/// <param name="Reason">Why it is degraded (empty when not).</param>
/// <param name="DegradedSince">When the current degradation began (UTC; null when not degraded).</param>
/// <param name="LastOutage">How long the last degradation that ended lasted (null: none since start).</param>
/// <param name="LastOutageEnded">When it ended (UTC).</param>
public sealed record ChainView(
    ChainBlock Latest, TimeSpan? ConfirmedAgo, bool Degraded, string Reason, DateTimeOffset? DegradedSince, TimeSpan? LastOutage, DateTimeOffset? LastOutageEnded);

/// <summary>A head confirmed by a chain read that completed at <see cref="ConfirmedAt"/> (a <see cref="TimeProvider"/> timestamp).</summary>
public readonly record struct ConfirmedHead(ChainBlock Block, long ConfirmedAt);

/// <summary>
/// The chain's latest block as the node knows it, polled at the profile's interval. Every decision a node makes "as of
/// the latest block" (consent checks, membership of callers) is made against <see cref="Latest"/> and records that
/// block, so it can be replayed later with an eth_call at the same block.
/// </summary>
/// <remarks>
/// <para>With each new head the node also learns whether the state those decisions read changed since the previous head:
/// one eth_getLogs over the new blocks for events of the consortium, the consent registry and the access log other
/// than <c>BatchAnchored</c> (<see cref="LedgerChainClient.AccessStateChangedAsync"/>). The last block where it did
/// (or may have: the head's own number when the query failed) is <see cref="StateSince"/>; a check answered at a block
/// at or after it is still the chain's answer at the head, apart from what depends on the block's time. So the caches
/// of <see cref="PerBlockCache{TKey, TValue}"/> keep their answers across anchor blocks instead of asking again.</para>
/// <para>A head is only as good as the read that last confirmed it: when the chain cannot be reached the head stands
/// still, and "allowed at the head" would go on answering for a consent revoked meanwhile. So every decision that lets
/// data leave asks <see cref="ConfirmAsync"/>, which answers only with a head confirmed by a read that completed at most
/// <see cref="ChainHeadOptions.MaxCheckAge"/> (T) ago — reading again when it is older — and otherwise refuses with
/// LEDGER-1330. A head that has not moved for three block periods (at most one and 2 s) while blocks are expected has stalled (a chain node
/// that answers, but no longer follows the chain) and confirms nothing either. The node's health and status show the
/// degradation, and the log says when it began and how long it lasted.</para>
/// </remarks>
public sealed class ChainHead
{
    /// <summary>LEDGER-1330: the node could not confirm its view of the chain within T, so it decides nothing on it.</summary>
    public const string StaleViewCode = "LEDGER-1330";

    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private IChainHeadSource? _source;
    private ChainHeadOptions _options = new();
    private ILogger? _logger;
    // Boxed, so a reader never sees the number of one block with the time or state mark of another.
    private object _state = new HeadState(default, 0);
    private Task<ChainBlock>? _inflight;
    private long _reads;
    private long _confirmedAt;
    private long _advancedAt;
    private long _degradedAt;
    private string _reason = "";
    private DateTimeOffset? _degradedSince;
    private TimeSpan? _lastOutage;
    private DateTimeOffset? _lastOutageEnded;

    private sealed record HeadState(ChainBlock Block, ulong StateSince, long Epoch = 0);

    /// <summary>A head on the system clock.</summary>
    public ChainHead()
        : this(TimeProvider.System)
    {
    }

    /// <summary>A head on <paramref name="time"/> (tests use a fake clock).</summary>
    public ChainHead(TimeProvider time)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The latest block seen.</summary>
    public ChainBlock Latest => ((HeadState)Volatile.Read(ref _state)).Block;

    /// <summary>
    /// The last block up to <see cref="Latest"/> whose events may have changed membership or consent state (the
    /// head's number when it is not known). Read with the head through <see cref="Snapshot"/>.
    /// </summary>
    public ulong StateSince => ((HeadState)Volatile.Read(ref _state)).StateSince;

    /// <summary>
    /// How many times the chain has gone back below the head (a node restarted from an earlier state): values read
    /// from the chain in an earlier epoch are not the chain's any more, whatever block they were read at.
    /// </summary>
    public long Epoch => ((HeadState)Volatile.Read(ref _state)).Epoch;

    /// <summary>The options in force.</summary>
    public ChainHeadOptions Options => _options;

    /// <summary>The clock the head measures with.</summary>
    public TimeProvider Time => _time;

    /// <summary>The latest block and its state mark, read together.</summary>
    internal (ChainBlock Block, ulong StateSince) Snapshot()
    {
        var state = (HeadState)Volatile.Read(ref _state);
        return (state.Block, state.StateSince);
    }

    /// <summary>Starts following the chain from <paramref name="initial"/>, read just now from <paramref name="source"/>.</summary>
    public void Attach(IChainHeadSource source, ChainBlock initial, ChainHeadOptions options, ILogger? logger = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger;
        var now = _time.GetTimestamp();
        Volatile.Write(ref _confirmedAt, now);
        Volatile.Write(ref _advancedAt, now);
        Volatile.Write(ref _state, new HeadState(initial, initial.Number));
    }

    /// <summary>The node's view of the chain now (status, health).</summary>
    public ChainView View()
    {
        Evaluate();
        lock (_gate)
        {
            var confirmed = Volatile.Read(ref _confirmedAt);
            return new ChainView(
                Latest,
                confirmed == 0 ? null : _time.GetElapsedTime(confirmed),
                _degradedSince is not null,
                _reason,
                _degradedSince,
                _lastOutage,
                _lastOutageEnded);
        }
    }

    /// <summary>True when a decision made now on the head confirmed at <paramref name="confirmedAt"/> is within T.</summary>
    public bool IsCurrent(long confirmedAt) => _time.GetElapsedTime(confirmedAt) <= _options.MaxCheckAge && !Stalled();

    /// <summary>
    /// The head, confirmed by a chain read that completed at most T ago: the last poll's when it is recent enough,
    /// otherwise a read made now (shared with concurrent callers), waited for at most the read timeout.
    /// </summary>
    /// <exception cref="LedgerException">LEDGER-1330 (UNAVAILABLE): the chain could not be read in time, or its head has stalled.</exception>
    public async Task<ConfirmedHead> ConfirmAsync(CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var confirmed = Volatile.Read(ref _confirmedAt);
            if (confirmed != 0 && IsCurrent(confirmed))
            {
                return new ConfirmedHead(Latest, confirmed);
            }
            try
            {
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // whatever stopped the read, the answer is the same: the view is not confirmed
            catch (Exception ex)
#pragma warning restore CA1031
            {
                throw Stale(ex is TimeoutException
                    ? $"the chain did not answer within {Seconds(_options.ReadTimeout)}"
                    : $"the chain cannot be read ({Describe(ex)})", ex);
            }
            if (Stalled())
            {
                throw Stale(StallReason());
            }
            confirmed = Volatile.Read(ref _confirmedAt);
            if (IsCurrent(confirmed))
            {
                return new ConfirmedHead(Latest, confirmed);
            }
            // The read completed, but this caller got to it more than T later (a busy machine): read once more, for as
            // long as the read timeout allows.
            if (_time.GetElapsedTime(started) >= _options.ReadTimeout)
            {
                throw Stale($"no chain read could be confirmed within {Seconds(_options.MaxCheckAge)} of its use for {Seconds(_options.ReadTimeout)}");
            }
        }
    }

    /// <summary>
    /// Asks the chain for its latest block now — concurrent callers share one read, and a read still under way is
    /// joined rather than doubled — and returns the head (it never moves back). Waits at most the read timeout.
    /// </summary>
    /// <exception cref="TimeoutException">The read did not complete within the read timeout (it goes on in the background).</exception>
    public async Task<ChainBlock> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var (read, _) = StartOrJoin();
        return await read.WaitAsync(_options.ReadTimeout, _time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks the chain for its latest block with a read that starts now or later: a read already under way is joined
    /// only when it began after this call, otherwise it is waited out and a new one made. What a caller needs that
    /// must see a block mined before it asked (the second look at a refused consent: the grant may be in the block the
    /// poll in flight did not ask about yet). Waits at most the read timeout in all.
    /// </summary>
    /// <exception cref="TimeoutException">No such read completed within the read timeout.</exception>
    public async Task<ChainBlock> ReadNewAsync(CancellationToken cancellationToken = default)
    {
        var asked = _time.GetTimestamp();
        long before;
        lock (_gate)
        {
            before = _reads; // the reads started so far: one of them may be in flight, begun before this call
        }
        while (true)
        {
            var (read, number) = StartOrJoin();
            var left = _options.ReadTimeout - _time.GetElapsedTime(asked);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No read of the chain's head started after the request completed within {Seconds(_options.ReadTimeout)}.");
            }
            var block = await read.WaitAsync(left, _time, cancellationToken).ConfigureAwait(false);
            if (number > before)
            {
                return block;
            }
        }
    }

    // The read in flight, or a new one; with its number (reads are numbered from 1 as they start).
    private (Task<ChainBlock> Read, long Number) StartOrJoin()
    {
        if (_source is null)
        {
            throw new InvalidOperationException("The chain head is not attached yet.");
        }
        lock (_gate)
        {
            if (_inflight is null || _inflight.IsCompleted)
            {
                _reads++;
                _inflight = ReadAsync();
            }
            return (_inflight, _reads);
        }
    }

    // One read of the head (and of whether the state changed since the previous head); its outcome updates the health.
    private async Task<ChainBlock> ReadAsync()
    {
        var source = _source!;
        var before = Latest;
        try
        {
            var (number, timestamp) = await source.LatestBlockAsync(CancellationToken.None).ConfigureAwait(false);
            if (number > before.Number)
            {
                var changed = await StateChangedAsync(source, before, number).ConfigureAwait(false);
                Advance(new ChainBlock(number, timestamp), changed);
            }
            else if (number < before.Number)
            {
                RollBack(new ChainBlock(number, timestamp));
            }
            Volatile.Write(ref _confirmedAt, _time.GetTimestamp());
            if (Stalled())
            {
                MarkDegraded(StallReason());
            }
            else
            {
                MarkRecovered();
            }
            return Latest;
        }
        catch (Exception ex)
        {
            MarkDegraded($"the chain cannot be read ({Describe(ex)})");
            throw;
        }
    }

    /// <summary>
    /// Moves the head to <paramref name="block"/> (never back). <paramref name="stateChanged"/>: a block after the
    /// current head may have changed membership or consent state; then the state mark becomes the new head, so nothing
    /// read before counts for it; otherwise the mark stays.
    /// </summary>
    internal void Advance(ChainBlock block, bool stateChanged)
    {
        var current = (HeadState)Volatile.Read(ref _state);
        if (block.Number > current.Block.Number)
        {
            Volatile.Write(ref _state, new HeadState(block, stateChanged ? block.Number : current.StateSince, current.Epoch));
            Volatile.Write(ref _advancedAt, _time.GetTimestamp());
        }
    }

    /// <summary>
    /// The chain is shorter than the head (a node restarted from an earlier state): the head goes back to the chain's
    /// block, everything read before is of another epoch (its blocks may be mined again with other contents), and the
    /// state counts as changed at the new head, so every cached read is taken again.
    /// </summary>
    internal void RollBack(ChainBlock block)
    {
        var current = (HeadState)Volatile.Read(ref _state);
        if (block.Number < current.Block.Number)
        {
            Volatile.Write(ref _state, new HeadState(block, block.Number, current.Epoch + 1));
            Volatile.Write(ref _advancedAt, _time.GetTimestamp());
        }
    }

    // Whether the blocks after `before` up to `number` may have changed the state: a state-changing event in them, or
    // the query failed (any failure only makes the caches ask the chain again).
    private static async Task<bool> StateChangedAsync(IChainHeadSource source, ChainBlock before, ulong number)
    {
        if (before.Number == 0)
        {
            return true;
        }
        try
        {
            return await source.AccessStateChangedAsync(before.Number + 1, number, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // any failure only makes the caches ask the chain again
        catch (Exception)
#pragma warning restore CA1031
        {
            return true;
        }
    }

    private bool Stalled()
    {
        var stallAfter = _options.StallAfter;
        return stallAfter is { } limit && Volatile.Read(ref _advancedAt) != 0 && _time.GetElapsedTime(Volatile.Read(ref _advancedAt)) > limit;
    }

    private string StallReason() =>
        $"the chain's head has stood at block {Latest.Number} for {Seconds(_time.GetElapsedTime(Volatile.Read(ref _advancedAt)))} although a block is expected every {Seconds(_options.BlockInterval ?? TimeSpan.Zero)}";

    // Degradation seen without a read failing: the head has stalled, or no read has completed for longer than a poll,
    // the read timeout and T together (a read hanging). Only a completed read ends a degradation (ReadAsync).
    private void Evaluate()
    {
        if (_source is null)
        {
            return;
        }
        if (Stalled())
        {
            MarkDegraded(StallReason());
            return;
        }
        var confirmedAgo = _time.GetElapsedTime(Volatile.Read(ref _confirmedAt));
        if (confirmedAgo > _options.ReadTimeout + _options.PollInterval + _options.MaxCheckAge)
        {
            MarkDegraded($"no chain read has completed for {Seconds(confirmedAgo)}");
        }
    }

    private void MarkDegraded(string reason)
    {
        bool began;
        lock (_gate)
        {
            began = _degradedSince is null;
            if (began)
            {
                _degradedSince = _time.GetUtcNow();
                _degradedAt = _time.GetTimestamp();
            }
            _reason = reason;
        }
        if (began && _logger is not null)
        {
            NodeLog.ChainDegraded(_logger, reason, Latest.Number);
        }
    }

    private void MarkRecovered()
    {
        TimeSpan lasted;
        lock (_gate)
        {
            if (_degradedSince is null)
            {
                return;
            }
            lasted = _time.GetElapsedTime(_degradedAt);
            _lastOutage = lasted;
            _lastOutageEnded = _time.GetUtcNow();
            _degradedSince = null;
            _reason = "";
        }
        if (_logger is not null)
        {
            NodeLog.ChainRecovered(_logger, (long)lasted.TotalMilliseconds, Latest.Number);
        }
    }

    private LedgerException Stale(string why, Exception? inner = null)
    {
        MarkDegraded(why);
        return new LedgerException(StaleViewCode, ErrorCategory.Unavailable,
            $"The node could not confirm its view of the chain within {Seconds(_options.MaxCheckAge)} ({why}; last confirmed block {Latest.Number}), "
            + "so it decides nothing on it and serves no data; the refusal is recorded. Retry when the node's chain is back (its health check says SERVING again).",
            inner);
    }

    private static string Describe(Exception ex) => ex is LedgerException ledger ? $"{ledger.Code}: {ledger.Message}" : $"{ex.GetType().Name}: {ex.Message}";

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString(span < TimeSpan.FromSeconds(10) ? "0.###" : "0.#", System.Globalization.CultureInfo.InvariantCulture) + " s";

    /// <summary>Polls until cancelled; a failed poll marks the chain degraded (logged once) and the next poll tries again.</summary>
    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // polling must survive any failure; the next poll tries again (the failure is in the health)
            catch (Exception)
#pragma warning restore CA1031
            {
                Evaluate();
            }
        }
    }
}
