using Grpc.Health.V1;
using Grpc.Net.Client;
using Ledger.Core.Model;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests.Observability;

/// <summary>
/// The anchoring backlog drives the health of a real tax node (degraded from 2 waiting records, unhealthy from 3,
/// batches of 5): serving, then degraded but still SERVING, then NOT_SERVING, then serving again once the batch is
/// anchored — as the gRPC health service, <c>Node.GetInfo</c> and <c>ledger status</c> see it.
/// </summary>
public sealed class HealthBacklogTests(BacklogCluster cluster) : IClassFixture<BacklogCluster>
{
    [Fact]
    public async Task Health_FollowsTheAnchoringBacklogAcrossItsThresholds_AndRecoversWhenTheBatchIsAnchored()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[0]);
        var start = await cluster.TaxAsAuditor.Node.GetInfoAsync();
        Assert.Equal(0UL, start.OutboxPending); // nothing accepted yet: setup makes no record
        await ExpectAsync(HealthCheckResponse.Types.ServingStatus.Serving, "serving");

        await FetchAsync(consent, 2);
        var degraded = await ExpectAsync(HealthCheckResponse.Types.ServingStatus.Serving, "degraded");
        Assert.Equal(["2 records waiting to be anchored (degraded from 2)"], degraded.HealthReasons);
        var waiting = await Scrape.TakeAsync(cluster.MetricsUrl);
        Assert.Equal(2, waiting.One("ledger_node_anchor_backlog"));
        Assert.Equal(1, waiting.One("ledger_node_health"));
        Assert.True(waiting.One("ledger_node_anchor_oldest_wait_seconds") > 0);

        await FetchAsync(consent, 1);
        var unhealthy = await ExpectAsync(HealthCheckResponse.Types.ServingStatus.NotServing, "unhealthy");
        Assert.Equal(["3 records waiting to be anchored (unhealthy from 3)"], unhealthy.HealthReasons);
        // Unhealthy is a signal, not a gate: the node still serves data.
        await FetchAsync(consent, 1);
        await ExpectAsync(HealthCheckResponse.Types.ServingStatus.NotServing, "unhealthy");

        // The fifth record fills the batch: it is anchored and the backlog is gone.
        await FetchAsync(consent, 1);
        var recovered = await ExpectAsync(HealthCheckResponse.Types.ServingStatus.Serving, "serving", TimeSpan.FromSeconds(30));
        Assert.Empty(recovered.HealthReasons);
        var anchored = await Scrape.TakeAsync(cluster.MetricsUrl);
        Assert.Equal(0, anchored.One("ledger_node_anchor_backlog"));
        Assert.Empty(anchored.Matching("ledger_node_anchor_oldest_wait_seconds"));
        Assert.Equal(1, anchored.One("ledger_node_anchor_batch_size_count"));
        Assert.Equal(BacklogCluster.MaxBatch, anchored.One("ledger_node_anchor_batch_size_sum"));
        Assert.Equal(0UL, (await cluster.TaxAsAuditor.Node.GetInfoAsync()).OutboxPending);
    }

    private async Task FetchAsync(Core.Model.ConsentId consent, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));
        }
    }

    // Waits (the verdict is kept for 250 ms) until health and GetInfo agree on `word`; fails with the last answer.
    private async Task<Api.V1.NodeInfo> ExpectAsync(HealthCheckResponse.Types.ServingStatus status, string word, TimeSpan? within = null)
    {
        using var channel = Ledger.Sdk.Tls.LedgerChannels.ForAddress(cluster.Tax.Url, cluster.Tax.Tls);
        var node = new Api.V1.Node.NodeClient(channel);
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var served = await cluster.TaxAsBank.Node.CheckHealthAsync();
            var info = await node.GetInfoAsync(new Api.V1.Empty());
            if (served == status && info.Health == word)
            {
                return info;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"expected {status} / {word}, got {served} / {info.Health}: {string.Join("; ", info.HealthReasons)}");
            }
            await Task.Delay(100);
        }
    }
}
