using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.RealChain;

/// <summary>
/// A real node process (tests/Ledger.Store.CrashHost) accepting records and anchoring them on a real chain is killed
/// with SIGKILL — at each point of a batch's life, and at a random moment — then restarted on the same store file:
/// every record it acknowledged is in the store and anchored exactly once on chain.
/// </summary>
[Collection(SharedHardhatChain.Name)]
public sealed class ProcessKillTests(HardhatFixture fixture) : IDisposable
{
    private const int Records = 40;
    private const int SigKillExitCode = 137; // 128 + SIGKILL, as the runtime reports a killed child on Linux

    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("Assigned")]   // batch persisted, nothing sent
    [InlineData("Sending")]    // batch marked Sent, transaction not yet signed
    [InlineData("Broadcast")]  // transaction signed and journaled, broadcast or about to be, no receipt
    [InlineData("Confirmed")]  // anchor mined and confirmed, the store not yet told
    [InlineData("Anchored")]   // the store recorded it all
    public async Task Restart_AfterTheProcessWasKilledAtStage_EveryAcknowledgedRecordIsAnchoredExactlyOnceOnChain(string stage)
    {
        var op = await fixture.AdmitNewOrganizationAsync("tax.kill");
        var acknowledged = new List<string>();

        using (var first = StartHost(op, "--kill-at", stage, "--kill-at-batch", "2"))
        {
            var exit = await first.WaitForExitAsync();
            Assert.True(exit == SigKillExitCode, $"the host should have killed itself at {stage} but exited with {exit}: {first.Errors}");
            Assert.Contains(first.Lines, l => l.StartsWith($"KILLING at {stage} of batch 2", StringComparison.Ordinal));
            Assert.DoesNotContain("DONE", first.Lines);
            acknowledged.AddRange(first.Acknowledged().Select(a => a.Hash));
        }

        using (var second = StartHost(op))
        {
            Assert.Equal(0, await second.WaitForExitAsync());
            Assert.Contains("DONE", second.Lines);
            acknowledged.AddRange(second.Acknowledged().Select(a => a.Hash));
        }

        await AssertAnchoredExactlyOnceAsync(op, acknowledged, Records);
    }

    [Fact]
    public async Task Restart_AfterTheProcessWasKilledAtARandomMoment_EveryAcknowledgedRecordIsAnchoredExactlyOnceOnChain()
    {
        var op = await fixture.AdmitNewOrganizationAsync("tax.random");
        var acknowledged = new List<string>();

        using (var first = StartHost(op, "--records", "150", "--batch-size", "6", "--max-wait-ms", "5", "--accept-delay-ms", "3"))
        {
            await first.WaitForLineAsync(l => l.StartsWith("ANCHORED 3 ", StringComparison.Ordinal), "three batches are anchored");
            await Task.Delay(Random.Shared.Next(0, 40));
            await first.KillAsync();
            Assert.DoesNotContain("DONE", first.Lines);
            acknowledged.AddRange(first.Acknowledged().Select(a => a.Hash));
        }

        using (var second = StartHost(op, "--records", "150", "--batch-size", "6", "--max-wait-ms", "5", "--accept-delay-ms", "3"))
        {
            Assert.Equal(0, await second.WaitForExitAsync());
            acknowledged.AddRange(second.Acknowledged().Select(a => a.Hash));
        }

        await AssertAnchoredExactlyOnceAsync(op, acknowledged, 150);
    }

    private HostProcess StartHost(TestOperator op, params string[] extra)
    {
        var args = new List<string>
        {
            "anchor",
            "--store", _temp.FilePath,
            "--org", op.Organization.Code,
            "--rpc", fixture.Chain.RpcUrl,
            "--deployment", fixture.DeploymentFile,
            "--key", op.KeyHex,
        };
        if (!extra.Contains("--records"))
        {
            args.AddRange(["--records", $"{Records}", "--batch-size", "8", "--max-wait-ms", "20"]);
        }
        args.AddRange(extra);
        return HostProcess.Start([.. args]);
    }

    private async Task AssertAnchoredExactlyOnceAsync(TestOperator op, IReadOnlyCollection<string> acknowledged, int records)
    {
        using var store = LedgerStore.Open(_temp.Options(op.Organization));
        Assert.Equal(records, store.Records.Count);
        var client = fixture.ClientOf(op, store.Journal);
        await OnChainAssertions.EveryRecordAnchoredExactlyOnceOnChainAsync(fixture, store, client, acknowledged);
    }
}
