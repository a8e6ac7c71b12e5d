using System.Net;
using System.Net.Sockets;
using Ledger.Core.Errors;
using Ledger.Node.Alerts;
using Ledger.Node.Hosting.Auth;
using Ledger.Node.Observability;
using Ledger.Node.Services;
using Ledger.Node.Tax;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ledger.Node.Hosting;

/// <summary>
/// The node host's setup in one place: configuration and its validation, the node's context and background work
/// (chain head, event indexer, anchor batcher), gRPC with the error and signed-request interceptors, health and
/// reflection, Kestrel on the configured HTTP/2 endpoint, and the services of the configured role.
/// </summary>
public static class NodeHostExtensions
{
    /// <summary>Largest request any method accepts, except the tax data import.</summary>
    public const int MaxRequestBytes = 1024 * 1024;

    /// <summary>Largest tax data import.</summary>
    public const int MaxImportBytes = 64 * 1024 * 1024;

    /// <summary>Registers everything a node needs.</summary>
    public static WebApplicationBuilder AddLedgerNode(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<LedgerNodeOptions>().Bind(builder.Configuration.GetSection(LedgerNodeOptions.Section));
        services.AddSingleton<IValidateOptions<LedgerNodeOptions>, LedgerNodeOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<NodeContext>();

        services.AddSingleton<ErrorInterceptor>();
        services.AddSingleton<SignedRequestInterceptor>();
        services.AddGrpc(grpc =>
        {
            // The first interceptor is the outermost: errors raised while authenticating are mapped too.
            grpc.Interceptors.Add<ErrorInterceptor>();
            grpc.Interceptors.Add<Observability.TraceTagsInterceptor>(); // the consent id and record hash on the request's span
            grpc.Interceptors.Add<SignedRequestInterceptor>();
            grpc.MaxReceiveMessageSize = MaxRequestBytes;
            grpc.EnableDetailedErrors = false;
        }).AddServiceOptions<TaxAdminService>(o => o.MaxReceiveMessageSize = MaxImportBytes);
        // grpc-dotnet's binder, except that a request body that does not parse is LEDGER-1570 (WireErrors).
        services.RemoveAll(typeof(Grpc.AspNetCore.Server.Model.IServiceMethodProvider<>));
        services.AddSingleton(typeof(Grpc.AspNetCore.Server.Model.IServiceMethodProvider<>), typeof(LedgerServiceMethodProvider<>));
        services.AddGrpcReflection();
        // Health from chain reachability, indexer lag, anchoring backlog and store state; metrics and traces as configured.
        builder.AddLedgerObservability();
        services.AddGrpcHealthChecks().AddCheck<NodeHealthCheck>("ledger-node");

        services.AddHostedService<ChainHeadService>();
        services.AddHostedService<IndexerService>();
        services.AddHostedService<AnchorService>();

        // Role parts. Registering them on every node is harmless (they are only reached through the role's services).
        services.AddLedgerAlerts(); // the alert hub (IAlertPublisher, chain alerts) and the upstream streams of bank and guarantor nodes
        services.AddSingleton<ConsentGate>();
        services.AddSingleton<RevocationWitness>();
        services.AddSingleton<ConsentIndexView>();
        services.AddSingleton<DataExchangeProcessor>();
        services.AddSingleton<IRefusalRecorder>(sp => sp.GetRequiredService<DataExchangeProcessor>());
        services.AddSingleton<Bank.BankStore>();
        services.AddSingleton<Bank.ICreditReasonsSource>(sp => sp.GetRequiredService<Bank.BankStore>());
        services.AddSingleton<Bank.DataLifeKeeper>();
        services.AddSingleton<Bank.ReportFetcher>();
        services.AddHostedService<Bank.DataLifeService>(); // returns at once on other roles

        Auditor.AuditorRegistration.AddLedgerAuditor(services, builder.Configuration); // only on the auditor role

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var listen = context.Configuration[$"{LedgerNodeOptions.Section}:Listen"] ?? new LedgerNodeOptions().Listen;
            if (!LedgerNodeOptionsValidator.TryParseListen(listen, out var host, out var port))
            {
                return; // reported by the options validator before the server starts
            }
            void Http2(ListenOptions o) => o.Protocols = HttpProtocols.Http2;
            if (host == "localhost")
            {
                kestrel.ListenLocalhost(port, Http2);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(host.Trim('[', ']')), port, Http2);
            }
        });
        return builder;
    }

    /// <summary>
    /// The services each role's node serves beyond those every node has (Node, Consent, RecordExport, health,
    /// reflection): one table, read when the endpoints are mapped and when a call reaches a node that does not serve
    /// its service (LEDGER-1519 names the roles that do).
    /// </summary>
    internal static readonly (NodeRole[] Roles, string Service, Action<IEndpointRouteBuilder> Map)[] RoleServices =
    [
        ([NodeRole.Tax], Api.V1.DataExchange.Descriptor.FullName, a => a.MapGrpcService<DataExchangeService>()),
        ([NodeRole.Tax], Api.V1.TaxAdmin.Descriptor.FullName, a => a.MapGrpcService<TaxAdminService>()),
        // The enterprise's own view is on the tax node: where its bureau bound it and where its data is served from.
        ([NodeRole.Tax], Api.V1.EnterpriseSelf.Descriptor.FullName, a => a.MapGrpcService<EnterpriseSelfService>()),
        ([NodeRole.Tax, NodeRole.Bank], Api.V1.FundFlow.Descriptor.FullName, a => a.MapGrpcService<FundFlow.FundFlowService>()),
        ([NodeRole.Bank], Api.V1.Lending.Descriptor.FullName, a => a.MapGrpcService<Bank.LendingService>()),
        ([NodeRole.Auditor], Api.V1.Audit.Descriptor.FullName, a => a.MapGrpcService<Auditor.AuditService>()),
        ([NodeRole.Guarantor], Api.V1.Guarantee.Descriptor.FullName, a => a.MapGrpcService<Guarantor.GuaranteeService>()),
        ([NodeRole.Regulator], Api.V1.Compensation.Descriptor.FullName, a => a.MapGrpcService<Regulator.CompensationService>()),
        // The alerts stream is on the nodes of the parties exposed to enterprises.
        ([NodeRole.Tax, NodeRole.Bank, NodeRole.Guarantor], Api.V1.Alerts.Descriptor.FullName, a => a.MapGrpcService<AlertsService>()),
    ];

    /// <summary>The roles whose nodes serve <paramref name="service"/> (e.g. <c>ledger.v1.Lending</c>); empty for one every node serves or none does.</summary>
    internal static IReadOnlyList<NodeRole> RolesServing(string service) =>
        RoleServices.Where(s => s.Service == service).SelectMany(s => s.Roles).Distinct().ToList();

    /// <summary>Maps the services every node serves and those of its role.</summary>
    public static WebApplication MapLedgerNode(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The metrics endpoint's own port, then every gRPC request measured and traced (outermost: it sees the codes below).
        app.UseLedgerObservability();
        // grpc-dotnet's own refusals (too large, no such method) get their Ledger code (WireErrors).
        app.Use(async (context, next) =>
        {
            await next(context).ConfigureAwait(false);
            WireErrors.AddCodes(context);
        });
        app.MapGrpcService<NodeService>();
        app.MapGrpcService<ConsentService>();
        app.MapGrpcService<RecordExportService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();

        var role = Enum.TryParse<NodeRole>(app.Configuration[$"{LedgerNodeOptions.Section}:Role"], ignoreCase: true, out var r) ? r : (NodeRole?)null;
        foreach (var (roles, _, map) in RoleServices)
        {
            if (role is { } served && roles.Contains(served))
            {
                map(app);
            }
        }
        return app;
    }

    /// <summary>
    /// Initializes the node (exit code 2 with one sentence on stderr when its configuration, keys, chain or membership
    /// are wrong), then serves until stopped. Returns the process exit code.
    /// </summary>
    public static async Task<int> RunLedgerNodeAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var node = app.Services.GetRequiredService<NodeContext>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ledger.Node");
        try
        {
            await node.InitializeAsync(app.Lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (LedgerException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Code}: {ex.Message}").ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            return 2;
        }
        app.Lifetime.ApplicationStarted.Register(() => NodeLog.Serving(
            logger, node.Organization.Code, node.Role.Word(), node.Options.Listen, node.Keys.Operator.ToString(),
            node.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture), node.Chain.RpcUrl, node.Options.StrongMode));
        try
        {
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (IOException ex) when (ex.InnerException is SocketException || ex.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            // Kestrel names the address it could not bind: the gRPC one or the metrics endpoint's.
            var setting = ObservabilitySetup.MetricsPort(node.Options) is { } metricsPort
                && ex.Message.Contains(":" + metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                ? $"Ledger:Node:Metrics:Listen {node.Options.Metrics.Listen}"
                : $"Ledger:Node:Listen {node.Options.Listen}";
            await Console.Error.WriteLineAsync(
                $"{NodeErrors.ConfigurationCode}: {setting} cannot be used ({ex.Message.TrimEnd('.')}); choose a free port or stop what holds it.").ConfigureAwait(false);
            return 2;
        }
    }
}
