using Ledger.Core.Errors;
using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.Files;

/// <summary>The store across real processes: the lock between two processes, and acknowledgements that survive SIGKILL.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Open_WhileAnotherProcessHoldsTheStore_FailsWithLocked_AndSucceedsOnceThatProcessIsKilled()
    {
        using var holder = HostProcess.Start("hold", "--store", _temp.FilePath, "--org", TempStore.Org.Code);
        await holder.WaitForLineAsync(l => l == "READY", "the other process opened the store");

        var ex = Assert.Throws<LedgerException>(() => _temp.Open());
        Assert.Equal(StoreErrors.LockedCode, ex.Code);

        await holder.KillAsync();
        using var store = _temp.Open();
        Assert.Equal(TempStore.Org, store.Organization);
    }

    [Fact]
    public async Task Open_InASecondProcessWhileThisProcessHoldsTheStore_FailsWithLocked()
    {
        using var store = _temp.Open();

        using var second = HostProcess.Start("hold", "--store", _temp.FilePath, "--org", TempStore.Org.Code);
        var exit = await second.WaitForExitAsync();

        Assert.Equal(1, exit);
        Assert.Contains(StoreErrors.LockedCode, second.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("READY", second.Lines);
    }

    [Fact]
    public async Task Accept_ProcessKilledMidway_EveryAcknowledgedRecordIsInTheStoreWithItsOutboxRow()
    {
        const int total = 400;
        using (var first = HostProcess.Start("accept", "--store", _temp.FilePath, "--org", TempStore.Org.Code, "--records", $"{total}"))
        {
            await first.WaitForLineAsync(l => l.StartsWith("ACK 50 ", StringComparison.Ordinal), "fifty records are acknowledged");
            await first.KillAsync();
            Assert.DoesNotContain("DONE", first.Lines);
            var acknowledged = first.Acknowledged();

            using var store = _temp.Open();
            Assert.True(store.Records.LastSequence >= (ulong)acknowledged.Count);
            foreach (var (sequence, hash) in acknowledged)
            {
                var record = store.Records.Get(sequence);
                Assert.NotNull(record);
                Assert.Equal(hash, record.Hash.ToString());
            }
            Assert.Equal(store.Records.Count, store.Outbox.PendingCount);
        }

        using var second = HostProcess.Start("accept", "--store", _temp.FilePath, "--org", TempStore.Org.Code, "--records", $"{total}");
        Assert.Equal(0, await second.WaitForExitAsync());
        Assert.Contains("DONE", second.Lines);
        using var reopened = _temp.Open();
        Assert.Equal((ulong)total, reopened.Records.LastSequence);
        Assert.Equal(total, reopened.Records.Count);
        Assert.Equal(total, reopened.Outbox.PendingCount);
        Assert.Equal(
            Enumerable.Range(1, total).Select(i => (ulong)i),
            reopened.Records.Find(new Store.Records.RecordQuery { Limit = total }).Select(r => r.Sequence));
    }
}
