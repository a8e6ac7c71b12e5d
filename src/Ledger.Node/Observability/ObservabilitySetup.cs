using System.Net;
using Ledger.Chain.Rpc;
using Ledger.Node.Hosting;
using Ledger.Store;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ledger.Node.Observability;

/// <summary>The Prometheus scrape endpoint (<c>Ledger:Node:Metrics</c>).</summary>
public sealed class NodeMetricsOptions
{
    /// <summary>
    /// Where the node answers <c>GET /metrics</c> (Prometheus text) and <c>GET /health</c> over plain HTTP/1.1:
    /// <c>http://HOST:PORT</c>, another port than <c>Listen</c>'s (a Prometheus scraper speaks HTTP/1.1, the gRPC port
    /// only HTTP/2). Empty: no endpoint, and no metric is collected.
    /// </summary>
    public string Listen { get; set; } = "";
}

/// <summary>Trace export (<c>Ledger:Node:Tracing</c>).</summary>
public sealed class NodeTracingOptions
{
    /// <summary>The exporters' words.</summary>
    public static readonly string[] Exporters = ["none", "console", "otlp"];

    /// <summary><c>none</c> (default: spans are not even made), <c>console</c> (printed on stdout) or <c>otlp</c>.</summary>
    public string Exporter { get; set; } = "none";

    /// <summary>The OTLP collector (<c>otlp</c> only), e.g. <c>http://127.0.0.1:4317</c>; empty: the exporter's default or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string OtlpEndpoint { get; set; } = "";
}

/// <summary>
/// OpenTelemetry for the node in one place (docs/observability.md): the meters <c>Ledger.Node</c>, <c>Ledger.Store</c>
/// and <c>Ledger.Chain</c> exported on a Prometheus scrape endpoint of their own (HTTP/1.1, <c>Metrics:Listen</c>),
/// spans of <c>Ledger.Node</c> (one per request) and of <c>System.Net.Http</c> (the node's calls to the chain and to
/// other nodes) exported as <c>Tracing:Exporter</c> says, the health monitor behind the gRPC health service, and the
/// request middleware and trace interceptor.
/// </summary>
public static class ObservabilitySetup
{
    /// <summary>Where the metrics endpoint answers its two paths.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The plain-HTTP health path beside it.</summary>
    public const string HealthPath = "/health";

    /// <summary>Registers the health monitor, the trace interceptor and, as configured, the metrics and trace pipelines and the metrics listener.</summary>
    public static WebApplicationBuilder AddLedgerObservability(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<NodeHealthMonitor>();
        services.AddSingleton<TraceTagsInterceptor>();

        var section = builder.Configuration.GetSection(LedgerNodeOptions.Section);
        var metricsListen = section["Metrics:Listen"];
        var exporter = (section["Tracing:Exporter"] ?? "none").Trim().ToLowerInvariant();
        var otlpEndpoint = section["Tracing:OtlpEndpoint"];
        var metricsOn = !string.IsNullOrWhiteSpace(metricsListen);
        var tracingOn = exporter is "console" or "otlp";
        if (!metricsOn && !tracingOn)
        {
            return builder; // nothing listens: instruments stay disabled and no span is made
        }

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource
            .AddService("ledger-node", serviceVersion: typeof(ObservabilitySetup).Assembly.GetName().Version?.ToString(), serviceInstanceId: section["Org"])
            .AddAttributes([new KeyValuePair<string, object>("ledger.role", section["Role"] ?? "")]));
        if (metricsOn)
        {
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(NodeTelemetry.Name, StoreTelemetry.Name, ChainTelemetry.Name)
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
            builder.WebHost.ConfigureKestrel((context, kestrel) =>
            {
                if (!LedgerNodeOptionsValidator.TryParseListen(metricsListen, out var host, out var port))
                {
                    return; // reported by the options validator before the server starts
                }
                void Http1(ListenOptions o) => o.Protocols = HttpProtocols.Http1;
                if (host == "localhost")
                {
                    kestrel.ListenLocalhost(port, Http1);
                }
                else
                {
                    kestrel.Listen(IPAddress.Parse(host.Trim('[', ']')), port, Http1);
                }
            });
        }
        if (tracingOn)
        {
            telemetry.WithTracing(tracing =>
            {
                // The node's HTTP calls (chain JSON-RPC, other nodes) as children of the request that made them; the
                // chain head's and the indexer's polling, outside any request, makes no trace.
                tracing.AddSource(NodeTelemetry.Name, "System.Net.Http")
                    .SetSampler(new ParentBasedSampler(new RequestRootSampler()));
                if (exporter == "console")
                {
                    tracing.AddConsoleExporter();
                }
                else
                {
                    tracing.AddOtlpExporter(otlp =>
                    {
                        if (Uri.TryCreate(otlpEndpoint, UriKind.Absolute, out var endpoint))
                        {
                            otlp.Endpoint = endpoint;
                        }
                    });
                }
            });
        }
        return builder;
    }

    /// <summary>
    /// Puts the metrics listener's two paths in front of everything (nothing else answers on its port) and the request
    /// telemetry in front of the gRPC pipeline.
    /// </summary>
    public static WebApplication UseLedgerObservability(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var metricsListen = app.Configuration[$"{LedgerNodeOptions.Section}:Metrics:Listen"];
        if (LedgerNodeOptionsValidator.TryParseListen(metricsListen, out _, out var metricsPort))
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ledger.Node");
            var exporter = app.Configuration[$"{LedgerNodeOptions.Section}:Tracing:Exporter"] ?? "none";
            app.Lifetime.ApplicationStarted.Register(() => ObservabilityLog.Endpoint(logger, metricsListen!.TrimEnd('/'), exporter));
            app.UseWhen(context => context.Connection.LocalPort == metricsPort, metrics =>
            {
                metrics.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == MetricsPath);
                metrics.Run(async context =>
                {
                    if (context.Request.Path != HealthPath)
                    {
                        context.Response.StatusCode = StatusCodes.Status404NotFound;
                        await context.Response.WriteAsync($"This is the node's metrics endpoint: GET {MetricsPath} or {HealthPath}.\n").ConfigureAwait(false);
                        return;
                    }
                    var report = context.RequestServices.GetRequiredService<NodeHealthMonitor>().Report();
                    context.Response.StatusCode = report.State == NodeHealthState.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync(report.Summary + "\n").ConfigureAwait(false);
                });
            });
        }
        app.Use(RequestTelemetry.InvokeAsync);
        return app;
    }

    /// <summary>The port of <c>Metrics:Listen</c> when it is set and valid.</summary>
    internal static int? MetricsPort(LedgerNodeOptions options) =>
        LedgerNodeOptionsValidator.TryParseListen(options.Metrics.Listen, out _, out var port) ? port : null;
}

/// <summary>Starts traces at the node's request spans only: a root span of anything else (background polling) is dropped.</summary>
internal sealed class RequestRootSampler : Sampler
{
    private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == System.Diagnostics.ActivityKind.Server ? Keep : Drop;
}

internal static partial class ObservabilityLog
{
    [LoggerMessage(1590, LogLevel.Information, "Metrics on {Listen}/metrics and health on {Listen}/health (HTTP/1.1); traces: {Exporter}")]
    public static partial void Endpoint(ILogger logger, string listen, string exporter);
}
