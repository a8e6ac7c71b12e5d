using System.Collections.Concurrent;
using Grpc.Core;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk;

namespace Ledger.Faults.Tests.Support;

/// <summary>One fetch of the load: what was asked, when, and what came back.</summary>
/// <param name="StartedMs">When the client sent it (unix ms, the test's clock).</param>
/// <param name="EndedMs">When the answer (or the failure) arrived.</param>
/// <param name="Report">The served report (null unless served).</param>
/// <param name="Code">The LEDGER code of a refusal or failure.</param>
/// <param name="RefusalRecord">The refusal record the node said it wrote (trailer <c>ledger-refusal-record</c>).</param>
public sealed record FetchAttempt(
    int Client, string RequestId, ConsentId Consent, long StartedMs, long EndedMs,
    FetchedReport? Report, string? Code, StatusCode? Status, Hash32? RefusalRecord, string? Message)
{
    public bool Served => Report is not null;

    /// <summary>A refusal the node answered with a record of it (an acknowledged refusal).</summary>
    public bool Refused => Report is null && RefusalRecord is not null;

    /// <summary>The record the node acknowledged: the access record of a served fetch, the refusal record of a refused one.</summary>
    public Hash32? AcknowledgedRecord => Report?.AccessRecord.RecordHash.Value ?? RefusalRecord;

    public override string ToString() =>
        $"client {Client} {RequestId} consent {Consent.ToString()[..10]}… {StartedMs}–{EndedMs}: " +
        (Served ? $"served (servedAtMs {Report!.ServedAtMs}, block {Report.CheckedAtBlock})" : $"{Code} {Status} {Message}");
}

/// <summary>
/// Bounded load on the tax node: a few clients, each fetching in a loop (a new request id each time, a short pause
/// between fetches) over the consents given, round robin, until stopped or a total count is reached. Every attempt is
/// kept with its outcome.
/// </summary>
public sealed class FetchLoad : IAsyncDisposable
{
    /// <summary>Upper bound of fetches per load, whatever happens.</summary>
    public const int MaxFetches = 3000;

    private readonly ConcurrentQueue<FetchAttempt> _attempts = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private int _started;

    private FetchLoad(LedgerConnection connection, IReadOnlyList<ConsentId> consents, int clients, TimeSpan pause, string tag)
    {
        _clients = Enumerable.Range(0, clients).Select(c => Task.Run(() => RunClientAsync(connection, consents, c, pause, tag))).ToArray();
    }

    /// <summary>Starts <paramref name="clients"/> clients fetching as the connection's organization.</summary>
    public static FetchLoad Start(LedgerConnection connection, IReadOnlyList<ConsentId> consents, string tag, int clients = 4, TimeSpan? pause = null) =>
        new(connection, consents, clients, pause ?? TimeSpan.FromMilliseconds(40), tag);

    /// <summary>Every attempt finished so far.</summary>
    public IReadOnlyList<FetchAttempt> Attempts => [.. _attempts];

    /// <summary>Stops the clients and waits for their last fetches.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunClientAsync(LedgerConnection connection, IReadOnlyList<ConsentId> consents, int client, TimeSpan pause, string tag)
    {
        var round = client;
        while (!_stop.IsCancellationRequested && Interlocked.Increment(ref _started) <= MaxFetches)
        {
            var consent = consents[round++ % consents.Count];
            var requestId = $"{tag}-{client}-{round}-{Guid.NewGuid():N}";
            var started = Now();
            FetchAttempt attempt;
            try
            {
                var report = await connection.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating) { RequestId = requestId });
                attempt = new FetchAttempt(client, requestId, consent, started, Now(), report, null, null, null, null);
            }
            catch (LedgerRemoteException ex)
            {
                attempt = new FetchAttempt(client, requestId, consent, started, Now(), null, ex.Code, ex.Status, ex.RefusalRecord, ex.Message);
            }
            catch (LedgerException ex)
            {
                attempt = new FetchAttempt(client, requestId, consent, started, Now(), null, ex.Code, null, null, ex.Message);
            }
            _attempts.Enqueue(attempt);
            try
            {
                await Task.Delay(pause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
