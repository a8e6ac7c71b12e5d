namespace Ledger.Bench.Infrastructure;

/// <summary>
/// Samples the resident set of named process trees every 100 ms and keeps each one's peak since the last
/// <see cref="Restart"/>; the kernel's own peak (VmHWM, reset at each restart) is taken too, so a spike between two
/// samples is not missed.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly Dictionary<string, int> _processes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _peaks = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MemorySampler() => _loop = Task.Run(RunAsync);

    public void Watch(string name, int pid)
    {
        lock (_gate)
        {
            _processes[name] = pid;
        }
    }

    /// <summary>Starts a new window: forgets the peaks and resets the kernel's.</summary>
    public void Restart()
    {
        lock (_gate)
        {
            _peaks.Clear();
            foreach (var pid in _processes.Values)
            {
                ProcessStats.ResetPeak(pid);
            }
        }
    }

    /// <summary>Each process tree's peak resident set in the window, in MiB.</summary>
    public Dictionary<string, double> PeaksMiB()
    {
        lock (_gate)
        {
            SampleLocked(useKernelPeak: true);
            return _peaks.ToDictionary(p => p.Key, p => Math.Round(p.Value / 1048576.0, 1), StringComparer.Ordinal);
        }
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            lock (_gate)
            {
                SampleLocked(useKernelPeak: false);
            }
            try
            {
                await Task.Delay(100, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void SampleLocked(bool useKernelPeak)
    {
        foreach (var (name, pid) in _processes)
        {
            var now = useKernelPeak ? Math.Max(ProcessStats.ResidentBytes(pid), ProcessStats.PeakResidentBytes(pid)) : ProcessStats.ResidentBytes(pid);
            if (now > _peaks.GetValueOrDefault(name))
            {
                _peaks[name] = now;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
