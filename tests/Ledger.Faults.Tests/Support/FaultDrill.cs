using Grpc.Health.V1;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.AccessLog.ContractDefinition;
using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Sdk;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Xunit.Abstractions;

namespace Ledger.Faults.Tests.Support;

/// <summary>
/// One fault under load, step by step: the node healthy and serving both consents; the fault begins (the test
/// injects it) and a consent is revoked on chain while it lasts; the fault is held until the node has shown it; the
/// fault ends and the node recovers; anchoring catches up. Then the figures, and the assertions every fault shares:
/// <list type="number">
/// <item>no report served under a revoked consent after the revocation's block time + T (nor one asked for T + a
/// block after the test had the revocation's receipt);</item>
/// <item>while the chain cannot be read: every fetch refused with LEDGER-1330 (or LEDGER-1230 once the revocation is
/// seen), a refusal record for each, and the health check NOT_SERVING;</item>
/// <item>afterwards: every acknowledged record — each served fetch's access record, each refusal's record — in the
/// tax node's store exactly once, no request recorded twice, and every record anchored, each batch once on chain
/// with the root its records' proofs lead to.</item>
/// </list>
/// </summary>
public sealed class FaultDrill : IAsyncDisposable
{
    public const string ChainUnavailableCode = "LEDGER-1330";
    public const string RevokedCode = "LEDGER-1230";

    /// <summary>Fetches asked for at least this much after the fault began must all be refused (T plus the node's time to notice).</summary>
    public static readonly TimeSpan RefusalWindowStart = FaultConsortium.CheckAge + TimeSpan.FromSeconds(2);

    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(90);

    private readonly FaultConsortium _consortium;
    private readonly ITestOutputHelper _output;
    private readonly List<Revocation> _revocations = [];
    private FetchLoad? _load;
    private IReadOnlyList<FetchAttempt> _attempts = [];
    private bool _stopped;
    private long _recoveredMs;

    public FaultDrill(FaultConsortium consortium, ITestOutputHelper output, string kind)
    {
        _consortium = consortium;
        _output = output;
        Figures = new FaultFigures(kind);
        lock (consortium.Figures)
        {
            consortium.Figures.Add(Figures);
        }
    }

    public FaultFigures Figures { get; }

    /// <summary>
    /// How much later than a chain that cannot be read at all the node may notice this fault: added to the time after a
    /// revocation's block time + 1 s + T during which a report under it still counts as served in time, and to the
    /// start of the refusal window. Zero for an unreadable chain. A stalled head needs more: the node can tell a head
    /// that stands still from a late block only after blocks have failed to come, so that fault is given the auditor's
    /// clock allowance (docs/audit.md, "Served in time") — no report the auditor would fail.
    /// </summary>
    public TimeSpan DetectionAllowance { get; init; }

    /// <summary>When the fault began (unix ms).</summary>
    public long FaultStartedMs { get; private set; }

    /// <summary>When the fault ended (unix ms): the proxy passes through again, the process is back.</summary>
    public long FaultEndedMs { get; private set; }

    /// <summary>The load's attempts (all of them once it stopped).</summary>
    public IReadOnlyList<FetchAttempt> Attempts => _stopped ? _attempts : _load?.Attempts ?? [];

    /// <summary>Makes sure the node serves (proxy passing through, health SERVING), then starts the load over the steady consent and <paramref name="victims"/> and waits until each has been served.</summary>
    public async Task StartLoadAsync(params ConsentId[] victims)
    {
        if (_consortium.Proxy.Mode != FaultMode.PassThrough)
        {
            await _consortium.Proxy.PassThroughAsync();
        }
        await WaitUntilAsync(async () => await _consortium.TaxHealthAsync() == HealthCheckResponse.Types.ServingStatus.Serving, LongWait, "the tax node to be healthy before the fault");
        ConsentId[] consents = [_consortium.Steady, .. victims];
        _load = FetchLoad.Start(_consortium.TaxAsBank, consents, Figures.Kind);
        await WaitUntilAsync(() => Task.FromResult(consents.All(c => _load.Attempts.Count(a => a.Consent == c && a.Served) >= 2)), LongWait,
            "reports to be served under every consent before the fault");
    }

    /// <summary>Marks the fault's start (call right before injecting it).</summary>
    public void FaultBegins()
    {
        FaultStartedMs = FetchLoad.Now();
        Figures.Injected++;
    }

    /// <summary>The enterprise revokes <paramref name="consent"/> directly on chain.</summary>
    public async Task<Revocation> RevokeAsync(ConsentId consent)
    {
        var revocation = await _consortium.RevokeDirectAsync(consent);
        _revocations.Add(revocation);
        _output.WriteLine($"revoked {consent} in block {revocation.Block} (time {revocation.BlockTimestamp}), receipt seen at {revocation.SeenAtMs} (fault began at {FaultStartedMs})");
        return revocation;
    }

    /// <summary>
    /// Holds the fault until the node has shown it — health NOT_SERVING, LEDGER-1330 refusals, fetches in the refusal
    /// window, fetches under every revocation made after T + a block — or until <paramref name="max"/>. False when
    /// it did not (the assertions say what was missing).
    /// </summary>
    public async Task<bool> HoldUntilRefusedAsync(TimeSpan max)
    {
        var deadline = DateTime.UtcNow + max;
        while (DateTime.UtcNow < deadline)
        {
            if (await _consortium.TaxHealthAsync() == HealthCheckResponse.Types.ServingStatus.NotServing)
            {
                Figures.NotServingSeen = true;
            }
            var attempts = _load!.Attempts;
            var refusals = attempts.Count(a => a.Code == ChainUnavailableCode && a.StartedMs >= FaultStartedMs);
            var inWindow = attempts.Count(a => a.StartedMs >= WindowStartMs);
            if (Figures.NotServingSeen && refusals >= 3 && inWindow >= 3 && RevocationsCovered(attempts))
            {
                return true;
            }
            await Task.Delay(200);
        }
        return false;
    }

    /// <summary>Holds a fault under which the node keeps serving (a slow chain) until the revocations are covered and reports were served meanwhile.</summary>
    public async Task<bool> HoldWhileServingAsync(TimeSpan max)
    {
        var deadline = DateTime.UtcNow + max;
        while (DateTime.UtcNow < deadline)
        {
            var attempts = _load!.Attempts;
            var served = attempts.Count(a => a.Served && a.Consent == _consortium.Steady && a.StartedMs >= FaultStartedMs);
            if (served >= 5 && RevocationsCovered(attempts))
            {
                return true;
            }
            await Task.Delay(200);
        }
        return false;
    }

    /// <summary>Holds until <paramref name="condition"/> or <paramref name="max"/>.</summary>
    public static async Task<bool> HoldAsync(Func<bool> condition, TimeSpan max)
    {
        var deadline = DateTime.UtcNow + max;
        while (DateTime.UtcNow < deadline && !condition())
        {
            await Task.Delay(200);
        }
        return condition();
    }

    /// <summary>Marks the fault's end (call right before clearing it).</summary>
    public void FaultEnds() => FaultEndedMs = FetchLoad.Now();

    /// <summary>
    /// Waits for health SERVING and a report served again, then lets the load run until enough fetches under every
    /// revoked consent were answered after the revocation took effect (and a second more), and stops it.
    /// </summary>
    public async Task RecoverAsync()
    {
        await WaitUntilAsync(async () =>
            await _consortium.TaxHealthAsync() == HealthCheckResponse.Types.ServingStatus.Serving
            && _load!.Attempts.Any(a => a.Served && a.Consent == _consortium.Steady && a.StartedMs >= FaultEndedMs), LongWait,
            "the tax node to serve again after the fault");
        _recoveredMs = FetchLoad.Now();
        Figures.RecoveredAfter = TimeSpan.FromMilliseconds(_recoveredMs - FaultEndedMs);
        await WaitUntilAsync(() => Task.FromResult(_revocations.All(r =>
            _load!.Attempts.Count(a => a.Consent == r.Consent && (a.Served || a.Refused) && a.StartedMs >= Math.Max(_recoveredMs, RevocationDeadlineMs(r))) >= 3)),
            LongWait, "fetches under the revoked consents to be answered after the recovery");
        await Task.Delay(1000);
        await _load!.StopAsync();
        _attempts = _load.Attempts;
        _stopped = true;
    }

    /// <summary>
    /// Waits until every acknowledged record is in the store and every record is anchored (bounded), computes the
    /// figures and prints them; returns the store's records.
    /// </summary>
    public async Task<IReadOnlyList<ExportedRecord>> CatchUpAsync()
    {
        var attempts = Attempts;
        var acknowledged = attempts.Where(a => a.AcknowledgedRecord is not null).Select(a => a.AcknowledgedRecord!.Value).ToList();
        IReadOnlyList<ExportedRecord> records = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var info = await _consortium.TaxAsAuditor.Node.GetInfoAsync();
            if (info.OutboxPending == 0 || DateTime.UtcNow > deadline)
            {
                records = await _consortium.TaxAsAuditor.Records.ListAsync();
                var held = records.Select(r => r.Hash.Value).ToHashSet();
                if ((records.All(r => r.Anchor.IsAnchored) && acknowledged.All(held.Contains)) || DateTime.UtcNow > deadline)
                {
                    if (records.All(r => r.Anchor.IsAnchored))
                    {
                        Figures.CatchUp = TimeSpan.FromMilliseconds(FetchLoad.Now() - FaultEndedMs);
                    }
                    break;
                }
            }
            await Task.Delay(250);
        }

        Figures.Attempted = attempts.Count;
        Figures.Served = attempts.Count(a => a.Served);
        foreach (var refused in attempts.Where(a => a.Refused))
        {
            Figures.RefusedByCode[refused.Code!] = Figures.RefusedByCode.GetValueOrDefault(refused.Code!) + 1;
        }
        foreach (var failed in attempts.Where(a => !a.Served && !a.Refused))
        {
            Figures.FailedByCode[failed.Code ?? "?"] = Figures.FailedByCode.GetValueOrDefault(failed.Code ?? "?") + 1;
        }
        var firstRefusal = attempts.Where(a => a.Code == ChainUnavailableCode && a.StartedMs >= FaultStartedMs).Select(a => a.EndedMs).DefaultIfEmpty().Min();
        Figures.FirstRefusalAfter = firstRefusal > 0 ? TimeSpan.FromMilliseconds(firstRefusal - FaultStartedMs) : null;
        Figures.ServedAfterRevocation = ServedAfterRevocation(attempts).Count;
        Figures.Acknowledged = acknowledged.Count;
        var held2 = records.Select(r => r.Hash.Value).ToHashSet();
        Figures.Lost = acknowledged.Count(h => !held2.Contains(h));
        Figures.Duplicated = Duplicates(records).Count;
        Figures.StoreRecords = records.Count;
        _output.WriteLine(Figures.Line());
        return records;
    }

    // ------------------------------------------------------------------ assertions

    /// <summary>No report served under a revoked consent after its block time + T, nor one asked for T + a block after the test saw the receipt; and enough were asked for that this means something.</summary>
    public void AssertNoReportAfterRevocation()
    {
        var attempts = Attempts;
        Assert.NotEmpty(_revocations);
        var late = ServedAfterRevocation(attempts);
        Assert.True(late.Count == 0,
            $"{late.Count} report(s) served under a revoked consent after its revocation's block time + 1 s + T ({FaultConsortium.CheckAge.TotalSeconds} s) + {DetectionAllowance.TotalSeconds} s:\n" +
            string.Join('\n', late.Take(10).Select(a => a.ToString())) + Context());
        foreach (var revocation in _revocations)
        {
            var after = attempts.Count(a => a.Consent == revocation.Consent && (a.Served || a.Refused) && a.StartedMs >= RevocationDeadlineMs(revocation));
            Assert.True(after >= 3, $"only {after} fetch(es) under {revocation.Consent} were answered after its revocation took effect; the check proves nothing{Context()}");
        }
    }

    /// <summary>
    /// While the fault lasted: fetches were refused with LEDGER-1330, and every fetch asked for from
    /// <see cref="RefusalWindowStart"/> (+ <see cref="DetectionAllowance"/>) after the fault began and answered before it ended was refused (LEDGER-1330,
    /// or LEDGER-1230 under the revoked consent) with a refusal record; the health check said NOT_SERVING.
    /// </summary>
    public void AssertRefusedWhileChainUnreadable()
    {
        var attempts = Attempts;
        var unavailable = attempts.Count(a => a.Code == ChainUnavailableCode && a.StartedMs >= FaultStartedMs);
        Assert.True(unavailable > 0, $"no fetch was refused with {ChainUnavailableCode} while the tax node could not read the chain{Context()}");
        // Every fetch asked for and answered while the fault lasted got an answer of the node's: a report, or a refusal it recorded.
        var unanswered = attempts.Where(a => a.StartedMs >= FaultStartedMs && a.EndedMs <= FaultEndedMs && !a.Served && !a.Refused).ToList();
        Assert.True(unanswered.Count == 0,
            $"{unanswered.Count} fetch(es) asked for while the chain could not be read were neither served nor refused with a refusal record:\n" +
            string.Join('\n', unanswered.Take(10).Select(a => a.ToString())) + Context());
        var window = attempts.Where(a => a.StartedMs >= WindowStartMs && a.EndedMs <= FaultEndedMs).ToList();
        Assert.True(window.Count >= 3, $"only {window.Count} fetch(es) were asked for and answered while the fault lasted{Context()}");
        var wrong = window.Where(a => !a.Refused || a.Code is not (ChainUnavailableCode or RevokedCode)).ToList();
        Assert.True(wrong.Count == 0,
            $"{wrong.Count} of {window.Count} fetches asked for while the chain could not be read were not refused with {ChainUnavailableCode} and a refusal record:\n" +
            string.Join('\n', wrong.Take(10).Select(a => a.ToString())) + Context());
        Assert.True(Figures.NotServingSeen, $"the health check never answered NOT_SERVING while the chain could not be read{Context()}");
    }

    /// <summary>
    /// Every fetch of the load got the node's answer — a report, or a refusal it recorded (no bare chain error, no
    /// failure without a record) — except those asked for while the node itself was down (from
    /// <paramref name="downFromMs"/> until it served again).
    /// </summary>
    public void AssertEveryFetchAnswered(long? downFromMs = null)
    {
        var unanswered = Attempts.Where(a => !a.Served && !a.Refused && !(downFromMs is { } down && a.EndedMs >= down && a.StartedMs <= _recoveredMs)).ToList();
        Assert.True(unanswered.Count == 0,
            $"{unanswered.Count} fetch(es) were neither served nor refused with a refusal record:\n" + string.Join('\n', unanswered.Take(10).Select(a => a.ToString())) + Context());
    }

    /// <summary>After the node recovered, every fetch under a revoked consent asked for once the revocation had taken effect was refused as revoked (LEDGER-1230).</summary>
    public void AssertRevokedRefusedAfterRecovery()
    {
        var after = Attempts.Where(a => _revocations.Any(r => r.Consent == a.Consent && a.StartedMs >= Math.Max(_recoveredMs, RevocationDeadlineMs(r)))).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, a => Assert.True(a.Refused && a.Code == RevokedCode, $"after recovery, under a revoked consent: {a}"));
    }

    /// <summary>Every acknowledged record held once, no request recorded twice, every record anchored (each batch once on chain, every proof leading to its batch's root).</summary>
    public async Task AssertRecordsKeptOnceAndAnchoredAsync(IReadOnlyList<ExportedRecord> records)
    {
        var attempts = Attempts;
        var byHash = records.GroupBy(r => r.Hash.Value).ToDictionary(g => g.Key, g => g.ToList());
        var lost = attempts.Where(a => a.AcknowledgedRecord is { } hash && !byHash.ContainsKey(hash)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged record(s) are not in the tax node's store:\n" + string.Join('\n', lost.Take(10)) + Context());
        foreach (var served in attempts.Where(a => a.Served))
        {
            var access = Assert.IsType<AccessRecord>(byHash[served.Report!.AccessRecord.RecordHash.Value][0].Record);
            Assert.Equal(served.Report.RequestHash, access.RequestHash);
            Assert.Equal(served.Consent, access.ConsentId);
        }
        foreach (var refused in attempts.Where(a => a.Refused))
        {
            Assert.IsType<RefusalRecord>(byHash[refused.RefusalRecord!.Value][0].Record);
        }
        var duplicates = Duplicates(records);
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} duplicate(s) in the tax node's store: {string.Join("; ", duplicates.Take(10))}");

        var unanchored = records.Count(r => !r.Anchor.IsAnchored);
        Assert.True(unanchored == 0, $"{unanchored} of {records.Count} records are still not anchored after 120 s{Context()}");
        var events = await BatchAnchoredEventsAsync();
        Assert.Equal(events.Count, events.Select(e => e.BatchId).Distinct().Count());
        Assert.Equal(records.Count, events.Sum(e => (long)e.Count));
        foreach (var batch in records.GroupBy(r => r.Anchor.BatchId!.Value))
        {
            var anchored = Assert.Single(events, e => e.BatchId == batch.Key);
            Assert.Equal(anchored.Count, (uint)batch.Count());
            foreach (var record in batch)
            {
                Assert.Equal(anchored.Root, record.Anchor.Root!.Value);
                Assert.True(StandardMerkleTree.Verify(anchored.Root, record.Hash.Value, record.Anchor.Proof.ToArray()),
                    $"the proof of record {record.Hash} does not lead to its batch's root");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_load is not null)
        {
            await _load.DisposeAsync();
        }
    }

    // ------------------------------------------------------------------ helpers

    private long WindowStartMs => FaultStartedMs + (long)(RefusalWindowStart + DetectionAllowance).TotalMilliseconds;

    private long RevocationDeadlineMs(Revocation revocation) =>
        revocation.SeenAtMs + (long)(FaultConsortium.CheckAge.TotalMilliseconds + FaultConsortium.BlockSeconds * 1000 + DetectionAllowance.TotalMilliseconds);

    // A block's timestamp is the second it was mined in, so the revocation was on chain by (timestamp + 1 s); a check
    // confirmed by a read after that sees it, and a report may follow such a read by T at most.
    private List<FetchAttempt> ServedAfterRevocation(IReadOnlyList<FetchAttempt> attempts) =>
        attempts.Where(a => a.Served && _revocations.Any(r => r.Consent == a.Consent
            && (a.Report!.ServedAtMs > (r.BlockTimestamp + FaultConsortium.BlockSeconds) * 1000 + (ulong)(FaultConsortium.CheckAge + DetectionAllowance).TotalMilliseconds
                || a.StartedMs >= RevocationDeadlineMs(r)))).ToList();

    private bool RevocationsCovered(IReadOnlyList<FetchAttempt> attempts) =>
        _revocations.All(r => attempts.Count(a => a.Consent == r.Consent && (a.Served || a.Refused) && a.StartedMs >= RevocationDeadlineMs(r)) >= 3);

    private static List<string> Duplicates(IReadOnlyList<ExportedRecord> records)
    {
        var duplicates = records.GroupBy(r => r.Hash.Value).Where(g => g.Count() > 1).Select(g => $"record {g.Key} held {g.Count()} times").ToList();
        duplicates.AddRange(records
            .Select(r => r.Record switch { AccessRecord access => access.RequestHash, RefusalRecord refusal => refusal.RequestHash, _ => (Hash32?)null })
            .Where(h => h is not null)
            .GroupBy(h => h!.Value)
            .Where(g => g.Count() > 1)
            .Select(g => $"request {g.Key} recorded {g.Count()} times"));
        return duplicates;
    }

    private async Task<IReadOnlyList<(BatchId BatchId, Hash32 Root, uint Count)>> BatchAnchoredEventsAsync()
    {
        var deployment = _consortium.Chain.Deployment;
        var handler = _consortium.Chain.Rpc.Web3.Eth.GetEvent<BatchAnchoredEventDTO>(deployment[LedgerContracts.AccessLog].ToString());
        var filter = handler.CreateFilterInput(new object[] { FaultConsortium.TaxOrg.Value.ToArray() },
            new BlockParameter(new HexBigInteger(deployment.DeployBlock)), BlockParameter.CreateLatest());
        var logs = await handler.GetAllChangesAsync(filter);
        return logs.Select(l => (new BatchId(new Hash32(l.Event.BatchId)), new Hash32(l.Event.Root), l.Event.Count)).ToList();
    }

    private string Context() =>
        $"\n{Figures.Line()}\nfault {FaultStartedMs}–{FaultEndedMs}; revocations: {string.Join("; ", _revocations)}\n--- tax node (last lines) ---\n{Last(_consortium.Tax.Output, 60)}";

    private static string Last(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                var attempts = Attempts;
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}. Last fetches:\n{string.Join('\n', attempts.TakeLast(8))}{Context()}");
            }
            await Task.Delay(200);
        }
    }
}
