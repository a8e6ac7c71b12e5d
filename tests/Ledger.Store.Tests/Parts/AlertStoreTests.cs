using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.Parts;

/// <summary>The node's alert log, a part of the store (schema 4; was alerts.db): ordered ids, one alert per key, paging past the in-memory ring, reopening, cursors.</summary>
public sealed class AlertStoreTests : IDisposable
{
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    private static readonly OrgId Guarantor = OrgId.FromCode("guarantee.gx");
    private static readonly EnterpriseHash Enterprise = new(Keccak.Hash("enterprise"));

    private readonly TempStore _temp = new();

    private static LoanId Loan(string name) => new(Keccak.Hash("loan:" + name));

    private static NodeAlert Alert(int n) =>
        new(AlertKind.RatingDowngrade, Enterprise, $"alert {n}", new Dictionary<string, string> { ["n"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture) }, (ulong)n, Bank)
        {
            Loan = n % 2 == 0 ? Loan("l") : null,
            TxHash = n % 3 == 0 ? Keccak.Hash("t") : null,
            BlockNumber = (ulong)n,
        };

    private static IReadOnlySet<OrgId> Audience => new HashSet<OrgId> { Bank, Guarantor };

    [Fact]
    public void Append_SameKeyTwice_KeepsOneAlertAndSequencesWithoutGaps()
    {
        using var ledger = _temp.Open();
        var store = ledger.Alerts;
        var first = store.Append([("k1", Alert(1), Audience), ("k2", Alert(2), Audience)]);
        var again = store.Append([("k2", Alert(2), Audience), ("k3", Alert(3), Audience), ("k3", Alert(3), Audience)]);

        Assert.Equal(new long[] { 1, 2 }, first.Select(a => a.Sequence));
        Assert.Equal(new long[] { 3 }, again.Select(a => a.Sequence));
        Assert.Equal(3, store.LastSequence);
        Assert.Equal("0000000000000003", again[0].Id);
        Assert.Equal(new[] { "k2", "k3" }, store.After(1, 10).Select(a => a.Key));
        Assert.Empty(store.After(3, 10));
    }

    [Fact]
    public void After_BeyondTheRingAndAfterReopening_ReadsTheSameAlertsFromDisk()
    {
        var count = global::Ledger.Store.Parts.AlertStore.RingSize + 50;
        List<StoredAlert> written;
        using (var ledger = _temp.Open())
        {
            var store = ledger.Alerts;
            written = [.. store.Append(Enumerable.Range(1, count).Select(n => ($"k{n}", Alert(n), Audience)), (Bank, "0000000000000042"))];
            var fromDisk = store.After(10, 5); // older than the ring holds
            Assert.Equal(written.Skip(10).Take(5).Select(a => a.Id), fromDisk.Select(a => a.Id));
            Assert.Equal(written[^3..].Select(a => a.Id), store.After(count - 3, 100).Select(a => a.Id));
        }
        using var reopenedStore = _temp.Open();
        var reopened = reopenedStore.Alerts;
        Assert.Equal(count, reopened.LastSequence);
        Assert.Equal("0000000000000042", reopened.Cursor(Bank));
        Assert.Null(reopened.Cursor(Guarantor));
        var read = reopened.After(0, 3);
        Assert.Equal(written.Take(3).Select(a => (a.Id, a.Key, a.Alert.Summary, a.Alert.Loan, a.Alert.TxHash, a.Alert.BlockNumber, a.Alert.Details["n"])),
            read.Select(a => (a.Id, a.Key, a.Alert.Summary, a.Alert.Loan, a.Alert.TxHash, a.Alert.BlockNumber, a.Alert.Details["n"])));
        Assert.Equal(Audience.ToHashSet(), read[0].Audience.ToHashSet());
        Assert.Empty(reopened.Append([("k1", Alert(1), Audience)])); // the keys survive too
        reopened.ResetCursor(Bank);
        Assert.Null(reopened.Cursor(Bank));
    }

    [Fact]
    public void AlertIds_ParseTheirOwnFormatAndZero_AndRefuseAnythingElse()
    {
        Assert.True(AlertIds.TryParse(AlertIds.Format(42), out var n) && n == 42);
        Assert.True(AlertIds.TryParse("0", out var zero) && zero == 0);
        Assert.False(AlertIds.TryParse("-1", out _));
        Assert.False(AlertIds.TryParse("0x10", out _));
        Assert.False(AlertIds.TryParse("1234567890123456789", out _));
        Assert.False(AlertIds.TryParse("", out _));
    }

    public void Dispose() => _temp.Dispose();
}
