using System.Diagnostics;
using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Ledger.Core.Model;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests.Observability;

/// <summary>
/// A real tax node with its metrics endpoint on and spans printed: requests, latency and refusals counted with the
/// right labels on a Prometheus scrape over HTTP/1.1, no personal data in any label, the store's, the anchoring's and
/// the chain adapter's figures there, a span per request that continues the caller's trace and carries the consent id
/// and record hash, and the health check following the chain away and back.
/// </summary>
public sealed class ObservabilityTests(ObservedCluster cluster) : IClassFixture<ObservedCluster>
{
    private const string FetchReport = "/ledger.v1.DataExchange/FetchReport";

    [Fact]
    public async Task Metrics_AfterServedAndRefusedFetches_CountRequestsLatencyAndRefusalsByMethodOutcomeAndReason()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[0]);
        var before = await Scrape.TakeAsync(cluster.MetricsUrl);

        await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));
        await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxPayments));
        // The consent names bank.ccb: bank.icbc is refused, and the refusal recorded.
        await Refusals.ExpectAsync(
            () => cluster.TaxAsOtherBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)),
            StatusCode.PermissionDenied, "LEDGER-1231");
        var after = await Scrape.TakeAsync(cluster.MetricsUrl);

        (string, string)[] served = [("method", FetchReport), ("status", "OK"), ("code", "none")];
        (string, string)[] refused = [("method", FetchReport), ("status", "PERMISSION_DENIED"), ("code", "LEDGER-1231")];
        Assert.Equal(2, Delta(before, after, "ledger_node_rpc_requests_total", served));
        Assert.Equal(1, Delta(before, after, "ledger_node_rpc_requests_total", refused));
        Assert.Equal(2, Delta(before, after, "ledger_node_rpc_duration_seconds_count", served));
        Assert.Equal(1, Delta(before, after, "ledger_node_rpc_duration_seconds_count", refused));
        Assert.Equal(2, Delta(before, after, "ledger_node_rpc_duration_seconds_bucket", [.. served, ("le", "+Inf")]));
        Assert.True(Delta(before, after, "ledger_node_rpc_duration_seconds_sum", served) > 0);
        Assert.Equal(1, Delta(before, after, "ledger_node_refusals_total", ("method", FetchReport), ("reason", "wrong_consumer"), ("recorded", "true")));
        Assert.Equal(0, Delta(before, after, "ledger_node_refusals_total", ("reason", "revoked")));
        // Nothing else was asked of the node meanwhile (the scrape itself is not a gRPC request).
        Assert.Equal(3, Delta(before, after, "ledger_node_rpc_requests_total"));

        // The node's gauges and the store's and chain adapter's meters are on the same endpoint.
        Assert.True(after.One("ledger_node_chain_head") > 0);
        Assert.True(after.One("ledger_node_store_size_bytes") > 0);
        Assert.True(after.One("ledger_store_commit_duration_seconds_count") >= before.Sum("ledger_store_commit_duration_seconds_count") + 3);
        Assert.Equal(0, after.One("ledger_node_health"));
        Assert.True(after.One("ledger_node_indexer_lag") < 20);
        Assert.True(after.One("ledger_node_anchor_backlog") >= 0);

        // Anchoring (every 300 ms here): the batch holding these records shows in the batch-size and lag histograms.
        var anchored = await EventuallyAsync(async () =>
        {
            var now = await Scrape.TakeAsync(cluster.MetricsUrl);
            return now.Sum("ledger_node_anchor_batch_size_sum") >= before.Sum("ledger_node_anchor_batch_size_sum") + 3 ? now : null;
        });
        Assert.True(anchored.Sum("ledger_node_anchor_lag_seconds_count") > before.Sum("ledger_node_anchor_lag_seconds_count"));
        Assert.True(anchored.Sum("ledger_node_anchor_lag_seconds_sum") > 0);

        // No label carries personal data: no credit code, name, enterprise hash, wallet or consent id.
        foreach (var enterprise in cluster.Enterprises)
        {
            Assert.DoesNotContain(enterprise.Taxpayer.CreditCode.Value, anchored.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(enterprise.Taxpayer.Name, anchored.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(enterprise.CreditCodeHash.ToString()[2..], anchored.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(enterprise.Wallet.Address.ToString()[2..], anchored.Text, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain(consent.ToString()[2..], anchored.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task MetricsEndpoint_SpeaksHttp11_AnswersHealthAndNothingElse()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var health = await http.GetAsync(new Uri(cluster.MetricsUrl + "/health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.StartsWith("serving", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var other = await http.GetAsync(new Uri(cluster.MetricsUrl + "/ledger.v1.Node/GetInfo"));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        // …and the gRPC port does not answer a scrape: it speaks HTTP/2 only (Kestrel refuses an HTTP/1.1 request).
        try
        {
            using var grpcPort = await http.GetAsync(new Uri(cluster.Tax.Url + "/metrics"));
            Assert.False(grpcPort.IsSuccessStatusCode, $"the gRPC port answered a scrape with {(int)grpcPort.StatusCode}");
            Assert.DoesNotContain("ledger_node_", await grpcPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        catch (HttpRequestException)
        {
            // Or it closes the connection: either way, no metrics there.
        }
    }

    [Fact]
    public async Task Tracing_ARequestInsideACallersTrace_IsASpanOfThatTraceWithTheConsentIdAndRecordHash()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[1]);
        string traceId;
        FetchedReport report;
        using (var caller = Sampled("bank.decide"))
        {
            traceId = caller.TraceId.ToHexString();
            report = await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));
        }
        var recordHash = report.AccessRecord.RecordHash.ToString();

        var span = await EventuallyAsync(() => Task.FromResult(SpanOf(cluster.Tax.Output, traceId)), describe: () => Tail(cluster.Tax.Output));
        Assert.Contains($"Activity.DisplayName:        {FetchReport}", span, StringComparison.Ordinal);
        Assert.Contains("Activity.Kind:               Server", span, StringComparison.Ordinal);
        Assert.Contains($"ledger.consent_id: {consent}", span, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"ledger.record_hash: {recordHash}", span, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("rpc.grpc.status_code: 0", span, StringComparison.Ordinal);
        Assert.DoesNotContain(cluster.Enterprises[1].Taxpayer.CreditCode.Value, span, StringComparison.OrdinalIgnoreCase);

        // A refusal's span names the refusal record the caller was given.
        string refusedTrace;
        LedgerRemoteException error;
        using (var caller = Sampled("bank.decide"))
        {
            refusedTrace = caller.TraceId.ToHexString();
            error = await Refusals.ExpectAsync(
                () => cluster.TaxAsOtherBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)),
                StatusCode.PermissionDenied, "LEDGER-1231");
        }
        var refusedSpan = await EventuallyAsync(() => Task.FromResult(SpanOf(cluster.Tax.Output, refusedTrace)), describe: () => Tail(cluster.Tax.Output));
        Assert.Contains("ledger.code: LEDGER-1231", refusedSpan, StringComparison.Ordinal);
        Assert.Contains($"ledger.record_hash: {error.RefusalRecord!.Value}", refusedSpan, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Health_ChainCutOff_IsNotServingWithTheReason_ThenServingWhenItIsBack()
    {
        var before = await Scrape.TakeAsync(cluster.MetricsUrl);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        cluster.TaxChainRelay.Cut();
        try
        {
            await EventuallyAsync(async () =>
                await cluster.TaxAsBank.Node.CheckHealthAsync() == HealthCheckResponse.Types.ServingStatus.NotServing ? true : (bool?)null);
            var info = await RawInfoAsync();
            Assert.Equal("unhealthy", info.Health);
            Assert.Contains(info.HealthReasons, r => r.StartsWith("chain unreachable or stalled", StringComparison.Ordinal));
            using var health = await http.GetAsync(new Uri(cluster.MetricsUrl + "/health"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("chain unreachable", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            // The failed chain calls are counted (after their retries) and the health gauge says unhealthy.
            var during = await EventuallyAsync(async () =>
            {
                var now = await Scrape.TakeAsync(cluster.MetricsUrl);
                return now.Sum("ledger_chain_rpc_errors_total", ("kind", "unavailable")) > before.Sum("ledger_chain_rpc_errors_total", ("kind", "unavailable")) ? now : null;
            });
            Assert.Equal(2, during.One("ledger_node_health"));
            Assert.True(during.Sum("ledger_chain_rpc_retries_total") > before.Sum("ledger_chain_rpc_retries_total"));
        }
        finally
        {
            cluster.TaxChainRelay.Restore();
        }

        await EventuallyAsync(async () =>
            await cluster.TaxAsBank.Node.CheckHealthAsync() == HealthCheckResponse.Types.ServingStatus.Serving ? true : (bool?)null);
        var restored = await RawInfoAsync();
        Assert.Equal("serving", restored.Health);
        Assert.Empty(restored.HealthReasons);
        Assert.Equal(0, (await Scrape.TakeAsync(cluster.MetricsUrl)).One("ledger_node_health"));
    }

    [Theory]
    [InlineData("http://metrics.internal:9464", "LEDGER-1500: Ledger:Node:Metrics:Listen 'http://metrics.internal:9464' is not an address the node can listen on")]
    [InlineData("taken", "LEDGER-1500: Ledger:Node:Metrics:Listen http://127.0.0.1:{port} cannot be used")]
    public async Task Start_WithAMetricsAddressItCannotUse_StopsWithExitCode2NamingTheSetting(string listen, string expected)
    {
        // Another data folder, so the start gets as far as binding its ports; the taken port is the running node's.
        var environment = new Dictionary<string, string>(cluster.Tax.Environment, StringComparer.Ordinal)
        {
            ["Ledger__Node__DataDir"] = Path.Combine(cluster.Dir, "second-" + Guid.NewGuid().ToString("N")[..6]),
            ["Ledger__Node__Metrics__Listen"] = listen == "taken" ? cluster.MetricsUrl : listen,
            ["Ledger__Node__Tracing__Exporter"] = "none",
        };
        environment.Remove("Ledger__Node__Listen");
        await using var node = new NodeProcess("tax-second", environment);
        node.Start();

        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 2, $"exit code {exitCode}; output:\n{node.Output}");
        Assert.Contains(expected.Replace("{port}", cluster.MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), node.Output, StringComparison.Ordinal);
        if (listen != "taken")
        {
            // (a port in use is also logged by ASP.NET's host, with its exception, before the node's sentence)
            Assert.DoesNotContain("   at ", node.Output, StringComparison.Ordinal);
        }
    }

    // A caller's span that its own tracer records: its traceparent says "sampled" (flags 01).
    private static Activity Sampled(string name)
    {
        var activity = new Activity(name).SetIdFormat(ActivityIdFormat.W3C);
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        return activity.Start();
    }

    private static double Delta(Scrape before, Scrape after, string name, params (string, string)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);

    private async Task<Api.V1.NodeInfo> RawInfoAsync()
    {
        using var channel = Ledger.Sdk.Tls.LedgerChannels.ForAddress(cluster.Tax.Url, cluster.Tax.Tls);
        return await new Api.V1.Node.NodeClient(channel).GetInfoAsync(new Api.V1.Empty(), deadline: DateTime.UtcNow.AddSeconds(10));
    }

    // The console exporter's block of the node's span in trace `traceId` (null until it is printed).
    private static string? SpanOf(string output, string traceId)
    {
        var at = output.IndexOf($"Activity.TraceId:            {traceId}", StringComparison.Ordinal);
        while (at >= 0)
        {
            var end = output.IndexOf("Activity.TraceId:", at + 20, StringComparison.Ordinal);
            var block = end < 0 ? output[at..] : output[at..end];
            if (block.Contains("Activity.Kind:               Server", StringComparison.Ordinal) && block.Contains("Resource associated with Activity", StringComparison.Ordinal))
            {
                return block;
            }
            at = output.IndexOf($"Activity.TraceId:            {traceId}", at + 20, StringComparison.Ordinal);
        }
        return null;
    }

    private static string Tail(string output) => output.Length <= 4000 ? output : output[^4000..];

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, int seconds = 30, Func<string>? describe = null)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {seconds} s. {describe?.Invoke()}");
            }
            await Task.Delay(100);
        }
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool?>> probe, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is true)
            {
                return true;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {seconds} s");
            }
            await Task.Delay(100);
        }
    }
}
