using Ledger.Chain.Tests.Support;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Tests;

/// <summary>
/// <see cref="LedgerChainClient.AccessStateChangedAsync"/>, which nodes use to keep membership and consent checks
/// across blocks: anchors alone change nothing those checks read; consents, revocations, strong-mode accesses and
/// membership changes do.
/// </summary>
public class AccessStateChangeTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task AccessStateChangedAsync_BlocksWithOnlyAnchors_ChangeNothing()
    {
        var first = await fixture.TaxOperator.AnchorAsync(BatchId.For(LedgerFixture.Tax, 101), Keccak.Hash("root 101"), 64, BatchKind.AccessRecords, "");
        var second = await fixture.TaxOperator.AnchorAsync(BatchId.For(LedgerFixture.Tax, 102), Keccak.Hash("root 102"), 64, BatchKind.AccessRecords, "");

        Assert.False(await fixture.TaxOperator.AccessStateChangedAsync(first.BlockNumber, second.BlockNumber));
    }

    [Fact]
    public async Task AccessStateChangedAsync_AConsentGrantedAndRevoked_ChangesTheState()
    {
        var consent = await fixture.GrantAsync(LedgerFixture.Terms());
        var granted = await fixture.ClientOf(0).LatestBlockAsync();
        Assert.True(await fixture.TaxOperator.AccessStateChangedAsync(granted.Number, granted.Number));

        var revoked = await fixture.ClientOf(LedgerFixture.EnterpriseAccount).RevokeConsentAsync(consent);
        Assert.True(await fixture.TaxOperator.AccessStateChangedAsync(revoked.BlockNumber, revoked.BlockNumber));
    }

    [Fact]
    public async Task AccessStateChangedAsync_AStrongModeAccess_ChangesTheState()
    {
        // The registry counts the fetch without an event of its own; the access log's AccessRecorded stands for it.
        var consent = await fixture.GrantAsync(LedgerFixture.Terms());
        var access = await fixture.TaxOperator.RecordAccessAsync(consent, LedgerFixture.Bank, Scopes.TaxCreditRating, Keccak.Hash("request"), Keccak.Hash("response"));

        Assert.True(await fixture.TaxOperator.AccessStateChangedAsync(access.BlockNumber, access.BlockNumber));
    }

    [Fact]
    public async Task AccessStateChangedAsync_AMemberAdmitted_ChangesTheState()
    {
        var before = await fixture.ClientOf(0).LatestBlockAsync();
        await fixture.AdmitAsync(OrgId.FromCode("bank.state-change.test"), Role.Bank, LedgerFixture.OutsiderAccount);
        var after = await fixture.ClientOf(0).LatestBlockAsync();

        Assert.True(await fixture.TaxOperator.AccessStateChangedAsync(before.Number + 1, after.Number));
    }

    [Fact]
    public async Task AccessStateChangedAsync_AnEmptyRange_ChangesNothing()
    {
        var head = await fixture.ClientOf(0).LatestBlockAsync();
        Assert.False(await fixture.TaxOperator.AccessStateChangedAsync(head.Number + 1, head.Number));
    }
}
