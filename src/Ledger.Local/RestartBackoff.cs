namespace Ledger.Local;

/// <summary>
/// How <see cref="ConsortiumSupervisor"/> restarts what dies: after a first delay that doubles with each restart still
/// inside <see cref="Window"/> (1 s, 2 s, 4 s, … capped at <see cref="MaxDelay"/>), and not at all once
/// <see cref="MaxRestarts"/> restarts happened inside the window — a process that keeps dying has a cause a restart does
/// not fix (a corrupt store, a port taken, a bad configuration), and restarting it for ever would only hide that.
/// </summary>
public sealed record SupervisionOptions
{
    /// <summary>The delay before the first restart.</summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between restarts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many restarts inside <see cref="Window"/> before the supervisor gives up.</summary>
    public int MaxRestarts { get; init; } = 5;

    /// <summary>How far back restarts count; older ones are forgiven (and the delay shrinks again).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the control folder is read for requests (<c>ledger node restart</c>).</summary>
    public TimeSpan ControlPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a complete copy of an anvil chain's state file is taken (<see cref="AnvilStateFiles"/>).</summary>
    public TimeSpan ChainStateSnapshotInterval { get; init; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        if (FirstDelay < TimeSpan.Zero || MaxDelay < FirstDelay)
        {
            throw LocalErrors.Options($"Restart delays must satisfy 0 ≤ first ({FirstDelay}) ≤ max ({MaxDelay}).");
        }
        if (MaxRestarts is < 1 or > 1000 || Window <= TimeSpan.Zero)
        {
            throw LocalErrors.Options($"Give up after 1 to 1000 restarts (not {MaxRestarts}) in a positive window (not {Window}).");
        }
        if (ControlPollInterval <= TimeSpan.Zero || ControlPollInterval > TimeSpan.FromSeconds(10))
        {
            throw LocalErrors.Options($"The control poll interval {ControlPollInterval} is outside (0, 10 s].");
        }
        if (ChainStateSnapshotInterval <= TimeSpan.Zero || ChainStateSnapshotInterval > TimeSpan.FromHours(1))
        {
            throw LocalErrors.Options($"The chain state snapshot interval {ChainStateSnapshotInterval} is outside (0, 1 h].");
        }
    }
}

/// <summary>
/// The restart history of one supervised process and what it implies: the delay before the next restart, or that
/// the supervisor gives up (<see cref="SupervisionOptions"/>). Pure: the caller passes the time.
/// </summary>
public sealed class RestartBackoff(SupervisionOptions options)
{
    private readonly Queue<DateTimeOffset> _restarts = new();

    /// <summary>Restarts inside the window as of the last call.</summary>
    public int RecentRestarts => _restarts.Count;

    /// <summary>Every restart ever made (for the description).</summary>
    public int TotalRestarts { get; private set; }

    /// <summary>The delay before the next restart at <paramref name="now"/>, or null when it should not be restarted again.</summary>
    public TimeSpan? NextDelay(DateTimeOffset now)
    {
        while (_restarts.Count > 0 && now - _restarts.Peek() >= options.Window)
        {
            _restarts.Dequeue();
        }
        if (_restarts.Count >= options.MaxRestarts)
        {
            return null;
        }
        var ticks = options.FirstDelay.Ticks * Math.Pow(2, _restarts.Count);
        return ticks >= options.MaxDelay.Ticks ? options.MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Records a restart made at <paramref name="now"/>.</summary>
    public void Restarted(DateTimeOffset now)
    {
        _restarts.Enqueue(now);
        TotalRestarts++;
    }

    /// <summary>Records a restart asked for by hand: it starts a fresh window (the recent restarts are forgotten).</summary>
    public void RestartedByHand()
    {
        _restarts.Clear();
        TotalRestarts++;
    }
}
