using Ledger.Chain.Indexing;
using Ledger.Chain.Tests.Support;
using Ledger.Core.Model;
using Nethereum.Hex.HexTypes;

namespace Ledger.Chain.Tests;

public class EventIndexerTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private EventIndexer Indexer(MemoryCheckpoints checkpoints, DedupingSink sink, ulong pageSize = 4, ulong depth = 0) =>
        new(fixture.Chain.Rpc, fixture.Chain.Deployment, checkpoints, sink, new IndexerOptions { PageSize = pageSize, FinalityDepth = depth });

    private async Task<ulong> HeadAsync() => (ulong)(await fixture.Chain.Rpc.Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;

    [Fact]
    public async Task RunOnce_FromTheDeployBlock_DecodesEveryEventInPagesWithStringArgs()
    {
        var sink = new DedupingSink();
        var checkpoints = new MemoryCheckpoints();

        var last = await Indexer(checkpoints, sink).RunOnceAsync();

        var head = await HeadAsync();
        Assert.Equal(head, last);
        Assert.Equal(head, checkpoints.LastProcessedBlock("ledger-events"));
        Assert.Equal(sink.Events.Count, sink.Deliveries);
        var admitted = sink.Events.Where(e => e.Name == "MemberAdmitted").ToList();
        Assert.Equal(5, admitted.Count);
        var bank = admitted.Single(e => e.Args["orgId"] == LedgerFixture.Bank.Value.ToString());
        Assert.Equal("Consortium", bank.Contract);
        Assert.Equal(((int)Role.Bank).ToString(System.Globalization.CultureInfo.InvariantCulture), bank.Args["role"]);
        Assert.Equal("bank.ccb.liuzhou", bank.Args["name"]);
        var bound = Assert.Single(sink.Events, e => e.Name == "EnterpriseBound");
        Assert.Equal(LedgerFixture.Enterprise.ToString(), bound.Args["enterprise"]);
        Assert.True(bound.BlockTimestamp > 1_600_000_000);
        Assert.Equal(sink.Events.OrderBy(e => e.BlockNumber).ThenBy(e => e.LogIndex).Select(e => e.Id), sink.Events.Select(e => e.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunOnce_AfterRestart_ResumesFromTheCheckpointAndDeliversOnlyNewEvents()
    {
        var sink = new DedupingSink();
        var checkpoints = new MemoryCheckpoints();
        await Indexer(checkpoints, sink).RunOnceAsync();
        var before = sink.Deliveries;

        var terms = LedgerFixture.Terms();
        var consentId = await fixture.GrantAsync(terms);
        await Indexer(checkpoints, sink).RunOnceAsync(); // a new instance, as after a restart

        Assert.Equal(before + 1, sink.Deliveries);
        var granted = Assert.Single(sink.Events, e => e.Name == "ConsentGranted" && e.Args["consentId"] == consentId.Value.ToString());
        Assert.Equal(LedgerFixture.Enterprise.ToString(), granted.Args["terms.enterprise"]);
        Assert.Equal(terms.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), granted.Args["terms.nonce"]);
        Assert.Equal(fixture.BankOperator.Account.ToString(), granted.Args["relayer"]);
    }

    [Fact]
    public async Task RunOnce_CrashBeforeTheCheckpoint_RedeliversThePageAndTheSinkKeepsEachEventOnce()
    {
        var sink = new DedupingSink();
        var checkpoints = new MemoryCheckpoints(failFirstMark: true);

        await Assert.ThrowsAsync<IOException>(() => Indexer(checkpoints, sink, pageSize: 10_000).RunOnceAsync());
        var firstDeliveries = sink.Deliveries;
        Assert.Null(checkpoints.LastProcessedBlock("ledger-events"));

        await Indexer(checkpoints, sink, pageSize: 10_000).RunOnceAsync();

        Assert.Equal(2 * firstDeliveries, sink.Deliveries);
        Assert.Equal(firstDeliveries, sink.Events.Count);
    }

    [Fact]
    public async Task RunOnce_WithFinalityDepth_WaitsUntilTheBlockIsDeepEnough()
    {
        var sink = new DedupingSink();
        var checkpoints = new MemoryCheckpoints();
        var indexer = Indexer(checkpoints, sink, depth: 2);
        await indexer.RunOnceAsync();

        var consentId = await fixture.GrantAsync(LedgerFixture.Terms());
        bool Seen() => sink.Events.Any(e => e.Name == "ConsentGranted" && e.Args["consentId"] == consentId.Value.ToString());
        await indexer.RunOnceAsync();
        Assert.False(Seen());

        await fixture.Chain.Rpc.RequestAsync<object>("hardhat_mine", CancellationToken.None, new HexBigInteger(1).HexValue);
        await indexer.RunOnceAsync();
        Assert.False(Seen());

        await fixture.Chain.Rpc.RequestAsync<object>("hardhat_mine", CancellationToken.None, new HexBigInteger(1).HexValue);
        await indexer.RunOnceAsync();
        Assert.True(Seen());
        Assert.Equal(await HeadAsync() - 2, checkpoints.LastProcessedBlock("ledger-events"));
    }
}
