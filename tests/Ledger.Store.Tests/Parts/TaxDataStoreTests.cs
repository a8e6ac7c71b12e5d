using Ledger.Core.Errors;
using Ledger.Core.Primitives;
using Ledger.Core.Scoring;
using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.Parts;

/// <summary>The tax bureau's data, a part of the store (schema 4; was taxdata.db): kept with its salt, found, bound, rated.</summary>
public sealed class TaxDataStoreTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TaxData_UpsertedBoundAndRated_ReadsBackAfterReopening_AndAReplacedTaxpayerKeepsItsBinding()
    {
        var taxpayers = PartSamples.Taxpayers(3);
        var account = EthAddress.Parse("0x00000000000000000000000000000000000000aa");
        var code = taxpayers[0].CreditCode;
        using (var store = _temp.Open())
        {
            var tax = store.OpenTaxData(PartSamples.Salt);
            Assert.Equal(3, tax.Upsert(taxpayers));
            tax.RecordBinding(code, account, Keccak.Hash("bind tx"));
            tax.Upsert([taxpayers[0]]); // replaced: keeps its binding
            var (previous, updated) = tax.UpdateRating(code, 2026, TaxCreditRating.D);
            Assert.Equal(taxpayers[0].LatestRating, previous);
            Assert.Equal(TaxCreditRating.D, updated.Taxpayer.LatestRating);
        }

        using var reopened = _temp.Open();
        var data = reopened.OpenTaxData(PartSamples.Salt);
        Assert.Equal(3, data.Count);
        var entry = data.Find(data.HashOf(code))!;
        Assert.Equal(account, entry.BoundAccount);
        Assert.Equal(TaxCreditRating.D, entry.Taxpayer.LatestRating);
        Assert.Equal(code, data.Get(code)!.Taxpayer.CreditCode);
        Assert.Equal([code], data.ByName(taxpayers[0].Name).Select(e => e.Taxpayer.CreditCode));
        Assert.Equal(taxpayers.Select(t => t.CreditCode.Value).Order(StringComparer.Ordinal), data.List(10).Select(e => e.Taxpayer.CreditCode.Value));
    }

    [Fact]
    public void OpenTaxData_WithAnotherSalt_IsRefused_AndRatingATaxpayerNotHeldIsNotFound()
    {
        using (var store = _temp.Open())
        {
            store.OpenTaxData(PartSamples.Salt).Upsert(PartSamples.Taxpayers(1));
        }

        using var reopened = _temp.Open();
        var ex = Assert.Throws<LedgerException>(() => reopened.OpenTaxData(Keccak.Hash("another salt")));
        Assert.Equal(StoreErrors.TaxSaltMismatchCode, ex.Code);
        Assert.Contains("Ledger:Node:Tax:Salt", ex.Message, StringComparison.Ordinal);

        var unknown = PartSamples.Taxpayers(2)[1].CreditCode;
        var notHeld = Assert.Throws<LedgerException>(() => reopened.OpenTaxData(PartSamples.Salt).UpdateRating(unknown, 2026, TaxCreditRating.A));
        Assert.Equal(StoreErrors.TaxpayerNotHeldCode, notHeld.Code);
        Assert.Equal(ErrorCategory.NotFound, notHeld.Category);
    }
}
