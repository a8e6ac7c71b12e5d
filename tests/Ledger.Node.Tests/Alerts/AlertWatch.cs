using Ledger.Sdk;

namespace Ledger.Node.Tests.Alerts;

/// <summary>
/// A test's view of an alert stream: an accepted subscription read one alert at a time. Reading waits at most
/// <see cref="Patience"/> for an alert (a hang guard, not a timing assertion).
/// </summary>
public sealed class AlertWatch : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly AlertSubscription _subscription;
    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<LedgerAlert> _alerts;

    private AlertWatch(AlertSubscription subscription)
    {
        _subscription = subscription;
        _alerts = subscription.GetAsyncEnumerator(_stop.Token);
    }

    /// <summary>Every alert read so far, in order.</summary>
    public List<LedgerAlert> Seen { get; } = [];

    public string? StartsAfterId => _subscription.StartsAfterId;

    public static async Task<AlertWatch> StartAsync(LedgerConnection connection, AlertFilter? filter = null) =>
        new(await connection.Alerts.SubscribeAsync(filter));

    /// <summary>Reads until an alert matches; returns it and the alerts read before it.</summary>
    public async Task<(LedgerAlert Alert, IReadOnlyList<LedgerAlert> Before)> NextAsync(Func<LedgerAlert, bool> match, string what)
    {
        var before = new List<LedgerAlert>();
        while (true)
        {
            var moved = _alerts.MoveNextAsync().AsTask();
            if (await Task.WhenAny(moved, Task.Delay(Patience)) != moved)
            {
                throw new TimeoutException($"No alert {what} within {Patience.TotalSeconds} s; seen: {string.Join("; ", Seen.Select(a => $"{a.Id} {a.Kind} {a.Enterprise}"))}");
            }
            if (!await moved)
            {
                throw new InvalidOperationException($"The alert stream ended before an alert {what}.");
            }
            var alert = _alerts.Current;
            Seen.Add(alert);
            if (match(alert))
            {
                return (alert, before);
            }
            before.Add(alert);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _alerts.DisposeAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or NotSupportedException or Core.Errors.LedgerException)
        {
            // A read still pending when the test gave up: cancelled with the call.
        }
        _subscription.Dispose();
        _stop.Dispose();
    }
}
