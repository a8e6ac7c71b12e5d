using Ledger.Node.Hosting;
using Ledger.Node.Observability;

namespace Ledger.Node.Tests.Unit;

/// <summary>The health thresholds: each signal at, below and above its degraded and unhealthy thresholds; 0 is off; the worst signal decides.</summary>
public sealed class NodeHealthRulesTests
{
    private static readonly NodeHealthSignals Calm = new(
        Ready: true, ChainDegraded: false, ChainReason: "", IndexerLagBlocks: 0, AnchorBacklog: 0, AnchorOverdue: TimeSpan.Zero,
        StoreError: null, FreeDiskBytes: 10L * 1024 * 1024 * 1024);

    private static NodeHealthReport Judge(NodeHealthSignals signals, NodeHealthOptions? options = null) =>
        NodeHealthRules.Evaluate(signals, options ?? new NodeHealthOptions());

    [Fact]
    public void Evaluate_EverySignalWithinItsThresholds_IsServingWithNoReason()
    {
        var report = Judge(Calm);
        Assert.Equal(NodeHealthState.Serving, report.State);
        Assert.Empty(report.Reasons);
        Assert.Equal("serving", report.Summary);
    }

    [Fact]
    public void Evaluate_BeforeStartUpFinished_IsUnhealthy() =>
        Assert.Equal(new[] { "starting" }, Judge(Calm with { Ready = false, ChainDegraded = true }) is { State: NodeHealthState.Unhealthy } r ? r.Reasons : null);

    [Fact]
    public void Evaluate_ChainUnreachable_IsUnhealthyWithTheChainsReason()
    {
        var report = Judge(Calm with { ChainDegraded = true, ChainReason = "LEDGER-1300: connection refused" });
        Assert.Equal(NodeHealthState.Unhealthy, report.State);
        Assert.Equal("chain unreachable or stalled (LEDGER-1300: connection refused)", Assert.Single(report.Reasons));
    }

    [Fact]
    public void Evaluate_StoreUnreadable_IsUnhealthy() =>
        Assert.Equal(NodeHealthState.Unhealthy, Judge(Calm with { StoreError = "LEDGER-1400: locked", AnchorBacklog = null, IndexerLagBlocks = null }).State);

    [Theory]
    [InlineData(19UL, NodeHealthState.Serving)]
    [InlineData(20UL, NodeHealthState.Degraded)]
    [InlineData(999UL, NodeHealthState.Degraded)]
    [InlineData(1000UL, NodeHealthState.Unhealthy)]
    public void Evaluate_IndexerLag_AgainstTheDefaultThresholds(ulong lag, NodeHealthState expected)
    {
        var report = Judge(Calm with { IndexerLagBlocks = lag });
        Assert.Equal(expected, report.State);
        if (expected != NodeHealthState.Serving)
        {
            Assert.StartsWith($"indexer {lag} blocks behind the chain", Assert.Single(report.Reasons), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(1L, NodeHealthState.Serving)]
    [InlineData(2L, NodeHealthState.Degraded)]
    [InlineData(3L, NodeHealthState.Unhealthy)]
    [InlineData(50L, NodeHealthState.Unhealthy)]
    public void Evaluate_AnchorBacklog_AgainstConfiguredThresholds(long backlog, NodeHealthState expected) =>
        Assert.Equal(expected, Judge(Calm with { AnchorBacklog = backlog }, new NodeHealthOptions { AnchorBacklogDegraded = 2, AnchorBacklogUnhealthy = 3 }).State);

    [Theory]
    [InlineData(119, NodeHealthState.Serving)]
    [InlineData(120, NodeHealthState.Degraded)]
    [InlineData(1800, NodeHealthState.Unhealthy)]
    public void Evaluate_AnchorOverdue_AgainstTheDefaultThresholds(int seconds, NodeHealthState expected) =>
        Assert.Equal(expected, Judge(Calm with { AnchorOverdue = TimeSpan.FromSeconds(seconds) }).State);

    [Theory]
    [InlineData(600L, NodeHealthState.Serving)]
    [InlineData(511L, NodeHealthState.Degraded)]
    [InlineData(63L, NodeHealthState.Unhealthy)]
    public void Evaluate_FreeDisk_AgainstTheDefaultThresholds(long freeMb, NodeHealthState expected) =>
        Assert.Equal(expected, Judge(Calm with { FreeDiskBytes = freeMb * 1024 * 1024 }).State);

    [Fact]
    public void Evaluate_AThresholdOfZero_IsOff()
    {
        var off = new NodeHealthOptions
        {
            IndexerLagDegradedBlocks = 0, IndexerLagUnhealthyBlocks = 0, AnchorBacklogDegraded = 0, AnchorBacklogUnhealthy = 0,
            AnchorOverdueDegraded = TimeSpan.Zero, AnchorOverdueUnhealthy = TimeSpan.Zero, FreeDiskDegradedMb = 0, FreeDiskUnhealthyMb = 0,
        };
        var report = Judge(Calm with { IndexerLagBlocks = 1_000_000, AnchorBacklog = 10_000_000, AnchorOverdue = TimeSpan.FromDays(3), FreeDiskBytes = 0 }, off);
        Assert.Equal(NodeHealthState.Serving, report.State);
    }

    [Fact]
    public void Evaluate_SeveralSignals_TheWorstDecidesAndEachIsNamed()
    {
        var report = Judge(Calm with { IndexerLagBlocks = 25, AnchorBacklog = 200_000 });
        Assert.Equal(NodeHealthState.Unhealthy, report.State);
        Assert.Equal(2, report.Reasons.Count);
        Assert.Equal("unhealthy: indexer 25 blocks behind the chain (degraded from 20); 200000 records waiting to be anchored (unhealthy from 100000)", report.Summary);
    }

    [Fact]
    public void Options_DegradedAboveUnhealthy_IsRefusedByTheValidator()
    {
        var options = new LedgerNodeOptions
        {
            Org = "tax.liuzhou", Role = NodeRole.Tax, DataDir = "d", KeyStoreFile = "k",
            Chain = new NodeChainOptions { RpcUrl = "http://127.0.0.1:8545", DeploymentFile = "x.json" },
            Tax = new NodeTaxOptions { Salt = "0x" + new string('a', 64) },
        };
        Assert.True(new LedgerNodeOptionsValidator().Validate(null, options).Succeeded);

        options.Health.AnchorBacklogDegraded = 10;
        options.Health.AnchorBacklogUnhealthy = 5;
        var failure = Assert.Single(new LedgerNodeOptionsValidator().Validate(null, options).Failures!);
        Assert.Contains("Ledger:Node:Health:AnchorBacklogDegraded 10 is above AnchorBacklogUnhealthy 5", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metrics-address", "Ledger:Node:Metrics:Listen '127.0.0.1:9464' is not an address")]
    [InlineData("metrics-port", "uses the port of Ledger:Node:Listen")]
    [InlineData("exporter", "Ledger:Node:Tracing:Exporter 'jaeger' is not one of none, console, otlp.")]
    [InlineData("otlp", "Ledger:Node:Tracing:OtlpEndpoint 'collector:4317' is not an http(s) URL")]
    [InlineData("overdue", "AnchorOverdueDegraded and AnchorOverdueUnhealthy are times")]
    public void Options_ObservabilityMistake_NamesTheSetting(string mistake, string expected)
    {
        var options = new LedgerNodeOptions
        {
            Org = "tax.liuzhou", Role = NodeRole.Tax, DataDir = "d", KeyStoreFile = "k", Listen = "https://127.0.0.1:7101",
            Chain = new NodeChainOptions { RpcUrl = "http://127.0.0.1:8545", DeploymentFile = "x.json" },
            Tax = new NodeTaxOptions { Salt = "0x" + new string('a', 64) },
        };
        options.Metrics.Listen = "http://127.0.0.1:9464";
        options.Tracing.Exporter = "otlp";
        Assert.True(new LedgerNodeOptionsValidator().Validate(null, options).Succeeded);
        switch (mistake)
        {
            case "metrics-address": options.Metrics.Listen = "127.0.0.1:9464"; break;
            case "metrics-port": options.Metrics.Listen = "http://127.0.0.1:7101"; break;
            case "exporter": options.Tracing.Exporter = "jaeger"; break;
            case "otlp": options.Tracing.OtlpEndpoint = "collector:4317"; break;
            case "overdue": options.Health.AnchorOverdueDegraded = TimeSpan.FromSeconds(-1); break;
        }
        var failure = Assert.Single(new LedgerNodeOptionsValidator().Validate(null, options).Failures!);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData((byte)4, "revoked")]
    [InlineData((byte)5, "wrong_consumer")]
    [InlineData((byte)65, "wrong_role")]
    [InlineData((byte)70, "chain_view_stale")]
    [InlineData((byte)40, "other")]
    [InlineData((byte)200, "other")]
    public void ReasonWord_IsAFixedSnakeCaseWord(byte reason, string expected) =>
        Assert.Equal(expected, NodeTelemetry.ReasonWord(reason));
}
