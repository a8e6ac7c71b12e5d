using Ledger.Faults.Tests.Support;
using Xunit.Abstractions;

namespace Ledger.Faults.Tests;

/// <summary>
/// The tax node cannot read its chain — connections dropped or refused, HTTP 503, a head that stops moving — under
/// load from four clients while the enterprise revokes a consent on chain: the node refuses with LEDGER-1330
/// (recorded, anchored), says NOT_SERVING, serves nothing under the revoked consent, and loses and duplicates no
/// record (docs/faults.md). One consortium for every fault test, each leaving it healthy for the next.
/// </summary>
[Collection(SharedFaultConsortium.Name)]
public sealed class ChainOutageTests(FaultConsortium consortium, ITestOutputHelper output)
{
    private static readonly TimeSpan MaxFault = TimeSpan.FromSeconds(45);

    /// <summary>The auditor's clock skew allowance (docs/audit.md, <c>VerificationOptions.ClockSkew</c>), for the stalled head only.</summary>
    private static readonly TimeSpan StalledHeadDetection = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Drop_ChainConnectionsClosedUnanswered_RefusedWith1330NothingServedRevokedNothingLost() =>
        await ProxyFaultAsync("drop", FaultMode.Drop, () => consortium.Proxy.DropAsync());

    [Fact]
    public async Task Refuse_ChainConnectionsRefused_RefusedWith1330NothingServedRevokedNothingLost() =>
        await ProxyFaultAsync("refuse", FaultMode.Refuse, () => consortium.Proxy.RefuseAsync());

    [Fact]
    public async Task ServiceUnavailable_ChainAnswers503_RefusedWith1330NothingServedRevokedNothingLost() =>
        await ProxyFaultAsync("503", FaultMode.ServiceUnavailable, () => consortium.Proxy.ServiceUnavailableAsync());

    /// <summary>
    /// The head stops moving while the chain goes on mining a block a second (calls at a block number, receipts and
    /// logs still answered). Detectable only because blocks are expected: with pure automining no block is due until a
    /// transaction comes, so a head that stands still is a quiet chain, not a fault.
    /// </summary>
    [Fact]
    public async Task StalledHead_HeadStopsWhileBlocksAreMined_RefusedWith1330NothingServedRevokedNothingLost() =>
        await ProxyFaultAsync("stalled-head", FaultMode.StalledHead, () => consortium.Proxy.StallHeadAsync(), StalledHeadDetection);

    private async Task ProxyFaultAsync(string kind, FaultMode mode, Func<Task> inject, TimeSpan detectionAllowance = default)
    {
        await using var drill = new FaultDrill(consortium, output, kind) { DetectionAllowance = detectionAllowance };
        var victim = consortium.Victim(kind);
        await drill.StartLoadAsync(victim);
        var before = consortium.Proxy.Handled(mode);
        drill.FaultBegins();
        await inject();
        await drill.RevokeAsync(victim);
        await drill.HoldUntilRefusedAsync(MaxFault);
        drill.FaultEnds();
        drill.Figures.ProxyRequestsFaulted = consortium.Proxy.Handled(mode) - before;
        await consortium.Proxy.PassThroughAsync();
        await drill.RecoverAsync();
        var records = await drill.CatchUpAsync();

        drill.AssertNoReportAfterRevocation();
        drill.AssertRefusedWhileChainUnreadable();
        drill.AssertEveryFetchAnswered();
        drill.AssertRevokedRefusedAfterRecovery();
        await drill.AssertRecordsKeptOnceAndAnchoredAsync(records);
    }
}
