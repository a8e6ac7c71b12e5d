using Ledger.Chain.Contracts.AccessLog.ContractDefinition;
using Ledger.Chain.Errors;
using Ledger.Chain.Profiles;
using Ledger.Chain.Tests.Support;
using Ledger.Chain.Transactions;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Local;
using static Ledger.Chain.Tests.Support.Reverts;

namespace Ledger.Chain.Tests;

public class AnchorChainTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task CreateAsync_ForATaxOperator_AnchorsUnderItsOrganization()
    {
        var anchors = await AnchorChain.CreateAsync(fixture.TaxOperator.Sender, fixture.Chain.Deployment);
        var batch = BatchId.For(LedgerFixture.Tax, 1);
        var root = Keccak.Hash("root of batch 1");

        Assert.Equal(LedgerFixture.Tax, anchors.Organization);
        Assert.Null(await anchors.FindAnchoredRootAsync(batch));
        var confirmation = await anchors.AnchorAsync(batch, root, 17, BatchKind.AccessRecords, "ledger://tax/1");

        Assert.Equal(root, await anchors.FindAnchoredRootAsync(batch));
        Assert.True(confirmation.Confirmations >= 1);
    }

    [Fact]
    public async Task AnchorAsync_Repeated_ReturnsTheFirstAnchorsConfirmation()
    {
        var anchors = new AnchorChain(fixture.TaxOperator.Sender, fixture.Chain.Deployment, LedgerFixture.Tax);
        var batch = BatchId.For(LedgerFixture.Tax, 2);
        var root = Keccak.Hash("root of batch 2");

        var first = await anchors.AnchorAsync(batch, root, 3, BatchKind.Refusals, "");
        var again = await anchors.AnchorAsync(batch, root, 3, BatchKind.Refusals, "");

        Assert.Equal(first.TxHash, again.TxHash);
        Assert.Equal(first.BlockNumber, again.BlockNumber);
    }

    [Fact]
    public async Task AnchorAsync_AfterTheJournalWasLost_TreatsTheSameRootAsDoneAndAnotherRootAsAConflict()
    {
        var batch = BatchId.For(LedgerFixture.Tax, 3);
        var root = Keccak.Hash("root of batch 3");
        var first = await new AnchorChain(fixture.TaxOperator.Sender, fixture.Chain.Deployment, LedgerFixture.Tax)
            .AnchorAsync(batch, root, 5, BatchKind.Mixed, "");

        // Another process of the same operator with an empty journal (the worst case): the chain itself says "done".
        using var freshSender = fixture.Chain.CreateSender(DevAccounts.PrivateKey(3), new InMemoryTransactionJournal());
        var elsewhere = new AnchorChain(freshSender, fixture.Chain.Deployment, LedgerFixture.Tax);
        var confirmation = await elsewhere.AnchorAsync(batch, root, 5, BatchKind.Mixed, "");
        Assert.Equal(first.TxHash, confirmation.TxHash);

        var (_, conflict) = await Reverts.WithAsync<AnchorBatchExistsError>("LEDGER-1247", () => elsewhere.AnchorAsync(batch, Keccak.Hash("another root"), 5, BatchKind.Mixed, ""));
        Assert.Equal(root, HashOf(conflict.Root));
    }

    [Fact]
    public async Task CreateAsync_ForAnAccountThatOperatesNothing_IsNotAnOperator()
    {
        var ex = await Assert.ThrowsAsync<NotAnOperatorException>(() => AnchorChain.CreateAsync(fixture.Outsider.Sender, fixture.Chain.Deployment));
        Assert.Equal(NotAnOperatorException.NotAnOperatorCode, ex.Code);
    }
}
