using Ledger.Faults.Tests.Support;
using Xunit.Abstractions;

namespace Ledger.Faults.Tests;

/// <summary>
/// Faults the tax node rides through: a slow chain (it keeps serving on fresh reads), and its own crash with SIGKILL
/// mid-load (restarted on the same store, every acknowledged record kept once). A consent is revoked on chain during
/// each; nothing is served under it afterwards (docs/faults.md).
/// </summary>
[Collection(SharedFaultConsortium.Name)]
public sealed class SlowChainAndCrashTests(FaultConsortium consortium, ITestOutputHelper output)
{
    private static readonly TimeSpan MaxFault = TimeSpan.FromSeconds(45);

    /// <summary>Every chain call 400 ms late: the node keeps serving on fresh reads, and the revocation still takes effect within T.</summary>
    [Fact]
    public async Task Delay_EveryChainCallLate_KeepsServingRevokedRefusedNothingLost()
    {
        await using var drill = new FaultDrill(consortium, output, "delay");
        var victim = consortium.Victim("delay");
        await drill.StartLoadAsync(victim);
        var before = consortium.Proxy.Handled(FaultMode.Delay);
        drill.FaultBegins();
        await consortium.Proxy.DelayAsync(TimeSpan.FromMilliseconds(400));
        await drill.RevokeAsync(victim);
        await drill.HoldWhileServingAsync(MaxFault);
        drill.FaultEnds();
        drill.Figures.ProxyRequestsFaulted = consortium.Proxy.Handled(FaultMode.Delay) - before;
        await consortium.Proxy.PassThroughAsync();
        await drill.RecoverAsync();
        var records = await drill.CatchUpAsync();

        drill.AssertNoReportAfterRevocation();
        drill.AssertEveryFetchAnswered();
        var servedWhileSlow = drill.Attempts.Count(a => a.Served && a.Consent == consortium.Steady && a.StartedMs >= drill.FaultStartedMs && a.EndedMs < drill.FaultEndedMs);
        Assert.True(servedWhileSlow >= 5, $"only {servedWhileSlow} report(s) were served while the chain was slow (but readable)\n{drill.Figures.Line()}");
        drill.AssertRevokedRefusedAfterRecovery();
        await drill.AssertRecordsKeptOnceAndAnchoredAsync(records);
    }

    /// <summary>kill -9 of the tax node mid-load; the consent is revoked while it is down; it starts again on the same store.</summary>
    [Fact]
    public async Task TaxNodeKilled_Minus9MidLoadAndRestartedOnItsStore_EveryAcknowledgedRecordOnceRevokedRefused()
    {
        await using var drill = new FaultDrill(consortium, output, "tax-kill");
        var victim = consortium.Victim("tax-kill");
        await drill.StartLoadAsync(victim);
        // Not vacuous: acknowledged records are still waiting for their anchor when the node dies.
        var waiting = (await consortium.TaxAsAuditor.Node.GetInfoAsync()).OutboxPending;
        drill.FaultBegins();
        consortium.Tax.Kill();
        var killedMs = FetchLoad.Now();
        await drill.RevokeAsync(victim);
        await FaultDrill.HoldAsync(() => drill.Attempts.Count(a => a.StartedMs >= killedMs + 500) >= 3, MaxFault);
        drill.FaultEnds();
        consortium.Tax.Start();
        await consortium.Tax.WaitReadyAsync();
        await drill.RecoverAsync();
        var records = await drill.CatchUpAsync();

        Assert.True(waiting > 0, "no record was waiting for its anchor when the tax node was killed");
        drill.AssertNoReportAfterRevocation();
        var whileDown = drill.Attempts.Where(a => a.StartedMs >= killedMs && a.EndedMs < drill.FaultEndedMs).ToList();
        Assert.NotEmpty(whileDown);
        Assert.All(whileDown, a => Assert.False(a.Served || a.Refused, $"answered while the tax node was down: {a}"));
        drill.AssertEveryFetchAnswered(downFromMs: drill.FaultStartedMs);
        drill.AssertRevokedRefusedAfterRecovery();
        await drill.AssertRecordsKeptOnceAndAnchoredAsync(records);
    }
}
