using Ledger.Faults.Tests.Support;
using Xunit.Abstractions;

namespace Ledger.Faults.Tests;

/// <summary>
/// The chain node killed with SIGKILL mid-load and started again from its state file: while it is down the tax node
/// refuses with LEDGER-1330 (recorded, anchored) and says NOT_SERVING; nothing is served under a consent revoked before
/// the kill or right after the restart; nothing is lost or duplicated (docs/faults.md).
/// </summary>
[Collection(SharedFaultConsortium.Name)]
public sealed class ChainKillTests(FaultConsortium consortium, ITestOutputHelper output)
{
    private static readonly TimeSpan MaxFault = TimeSpan.FromSeconds(45);

    /// <summary>
    /// kill -9 of anvil mid-load, started again on the same port from its state file. A revocation made (and dumped)
    /// before the kill holds after it; another is made as soon as the chain is back, while the node recovers.
    /// Blocks mined after anvil's last dump are lost with it; the node confirms an anchor two blocks deep, after its
    /// block was dumped, so no record it holds as anchored loses its anchor — every record is checked on the restarted
    /// chain.
    /// </summary>
    [Fact]
    public async Task ChainKilled_Minus9MidLoadAndRestartedFromItsState_RefusedWith1330NothingServedRevokedNothingLost()
    {
        await using var drill = new FaultDrill(consortium, output, "chain-kill");
        var revokedBefore = consortium.Victim("chain-kill-before");
        var revokedAfter = consortium.Victim("chain-kill-after");
        await drill.StartLoadAsync(revokedBefore, revokedAfter);
        var before = await drill.RevokeAsync(revokedBefore);
        await consortium.Anvil.WaitForDumpsAsync(2); // the revocation's block is in the state file

        drill.FaultBegins();
        await consortium.Anvil.KillAfterDumpAsync();
        await drill.HoldUntilRefusedAsync(MaxFault);
        drill.FaultEnds();
        await consortium.Anvil.RestartAsync(FaultConsortium.BlockSeconds);
        var revokedAt = await consortium.RevokedAtBlockAsync(revokedBefore);
        Assert.True(revokedAt == before.Block, $"the restarted chain does not hold the revocation made before the kill (revoked at {revokedAt}, expected {before.Block})");
        await drill.RevokeAsync(revokedAfter);
        await drill.RecoverAsync();
        var records = await drill.CatchUpAsync();

        drill.AssertNoReportAfterRevocation();
        drill.AssertRefusedWhileChainUnreadable();
        drill.AssertEveryFetchAnswered();
        drill.AssertRevokedRefusedAfterRecovery();
        await drill.AssertRecordsKeptOnceAndAnchoredAsync(records);
    }
}
