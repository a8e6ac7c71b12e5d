using Grpc.Core;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.AccessLog.ContractDefinition;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Node.Tests;

/// <summary>Strong mode: every access is also an AccessLog.recordAccess transaction, mined before the answer, and the chain counts the fetch cap.</summary>
public sealed class StrongModeTests(StrongModeCluster cluster) : IClassFixture<StrongModeCluster>
{
    [Fact]
    public async Task FetchReport_InStrongMode_EachAccessHasItsAccessRecordedEventAndTheChainCountsTheCap()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[0], fetchCap: 3);
        var fetched = new List<FetchedReport>();
        for (var i = 0; i < 3; i++)
        {
            fetched.Add(await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating | Scopes.Invoices)));
        }

        var events = await AccessRecordedAsync(consent);
        Assert.Equal(3, events.Count);
        foreach (var report in fetched)
        {
            Assert.NotNull(report.StrongModeTransaction);
            var recorded = Assert.Single(events, e => new Hash32(e.Event.RequestHash) == report.RequestHash);
            Assert.Equal(report.ResponseHash, new Hash32(recorded.Event.ResponseHash));
            Assert.Equal(report.StrongModeTransaction!.TxHash, Hash32.Parse(recorded.Log.TransactionHash));
            Assert.Equal((ulong)(Scopes.TaxCreditRating | Scopes.Invoices), recorded.Event.Scopes);
            Assert.Equal(NodeCluster.BankOrg.Value, new Hash32(recorded.Event.Consumer));
        }
        Assert.Equal(3u, (await cluster.DevClient(2).ConsentAsync(consent)).FetchesInPeriod);

        var capped = await Refusals.ExpectAsync(
            () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)), StatusCode.FailedPrecondition, "LEDGER-1234");
        await Refusals.RecordedAsync(cluster, capped, (byte)AccessStatus.FetchCapReached);
        Assert.Equal(3, (await AccessRecordedAsync(consent)).Count);
    }

    private async Task<List<Nethereum.Contracts.EventLog<AccessRecordedEventDTO>>> AccessRecordedAsync(ConsentId consent)
    {
        var deployment = cluster.Chain.Deployment;
        var handler = cluster.Chain.Rpc.Web3.Eth.GetEvent<AccessRecordedEventDTO>(deployment[LedgerContracts.AccessLog].ToString());
        var filter = handler.CreateFilterInput(new object[] { consent.Value.ToArray() },
            new BlockParameter(new HexBigInteger(deployment.DeployBlock)), BlockParameter.CreateLatest());
        return await handler.GetAllChangesAsync(filter);
    }
}
