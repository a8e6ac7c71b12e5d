using System.Net;
using System.Net.Sockets;
using Ledger.Core.Errors;
using Ledger.Node.Alerts;
using Ledger.Node.Hosting.Auth;
using Ledger.Node.Observability;
using Ledger.Node.Services;
using Ledger.Node.Tax;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
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

    /// <summary>
    /// Registers everything a node needs: the options, checked now (a <see cref="LedgerException"/> with every failure
    /// when they are wrong); the parts the start-up opens (<see cref="NodeFoundation"/>), each given to the classes
    /// that need it; the services every node has; and the one module of the configured role (<see cref="NodeModule"/>).
    /// </summary>
    public static WebApplicationBuilder AddLedgerNode(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = LoadOptions(builder.Configuration);
        var module = NodeModule.For(options.Role!.Value);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(module);
        var certificate = new NodeCertificate(options);
        services.AddSingleton(sp => certificate.WithLogger(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Ledger.Node.Tls")));
        services.AddSingleton(TimeProvider.System);

        // The parts the start-up opens (RunLedgerNodeAsync opens the foundation before the host starts; nothing below
        // is resolved earlier). Only this composition root reads the foundation.
        services.AddSingleton<NodeFoundation>();
        services.AddSingleton(sp => sp.GetRequiredService<NodeFoundation>().Identity);
        services.AddSingleton(sp => sp.GetRequiredService<NodeFoundation>().Chain);
        services.AddSingleton(sp => sp.GetRequiredService<NodeFoundation>().Store);
        services.AddSingleton(sp => sp.GetRequiredService<NodeFoundation>().Sender);
        services.AddSingleton(sp => sp.GetRequiredService<NodeFoundation>().ChainClient);
        services.AddSingleton(sp => sp.GetRequiredService<NodeFoundation>().AnchorChain);
        services.AddSingleton(sp => sp.GetRequiredService<NodeFoundation>().Head);
        services.AddSingleton(sp => sp.GetRequiredService<NodeFoundation>().Membership);
        services.AddSingleton(sp => sp.GetRequiredService<NodeFoundation>().Peers);
        services.AddSingleton(sp => sp.GetRequiredService<NodeFoundation>().BatcherOptions);
        services.AddSingleton(_ => new NonceCache(SignedRequestInterceptor.Window, NonceCache.ProcessStartMs()));

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

        // What every node serves (Node, Consent, RecordExport): consent reads and checks, revocation witnesses.
        services.AddSingleton<IConsentRegistry>(sp => new ChainConsentRegistry(sp.GetRequiredService<Chain.LedgerChainClient>()));
        services.AddSingleton<IConsentHistory>(sp => new StoreConsentHistory(sp.GetRequiredService<Store.LedgerStore>()));
        services.AddSingleton(sp => new ConsentGate(
            sp.GetRequiredService<NodeIdentity>().Organization, sp.GetRequiredService<ChainHead>(),
            sp.GetRequiredService<IConsentRegistry>(), sp.GetRequiredService<IConsentHistory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RevocationWitness>();
        services.AddSingleton<Services.UseCases.IRevocationWitness>(sp => sp.GetRequiredService<RevocationWitness>());
        services.AddSingleton<Services.UseCases.IRevocationChain, Services.UseCases.ChainRevocations>();
        services.AddSingleton<Services.UseCases.RevokeConsent>();
        services.AddSingleton<Services.UseCases.IConsentRelayChain, Services.UseCases.ChainConsentRelay>();
        services.AddSingleton<Services.UseCases.RelayConsent>();
        services.AddSingleton<ConsentIndexView>();
        services.AddSingleton<ICreditReasonsSource>(NoCreditReasons.Instance); // the bank module puts its held reasons here

        // The role's room, and nothing of any other role.
        module.AddServices(services, options);

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var listen = context.Configuration[$"{LedgerNodeOptions.Section}:Listen"] ?? new LedgerNodeOptions().Listen;
            var tls = !options.Tls.IsPlaintext;
            if (!LedgerNodeOptionsValidator.TryParseListen(listen, out var host, out var port, tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp))
            {
                return; // reported by the options validator before the server starts
            }
            void Http2(ListenOptions o)
            {
                o.Protocols = HttpProtocols.Http2;
                if (tls)
                {
                    // HTTP/2 over TLS with the node's certificate (re-read on rotation). Every caller is asked for a
                    // certificate; one that presents one must present its member's registered one
                    // (SignedRequestInterceptor), the pin decides, so the chain and name of a certificate are not checked here.
                    o.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificateSelector = (_, _) => certificate.Current,
                        ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                        ClientCertificateValidation = (_, _, _) => true,
                        CheckCertificateRevocation = false,
                        SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
                    });
                }
            }
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
    /// The node's options from configuration, checked: a <see cref="LedgerException"/> (LEDGER-1501, exit code 2) whose
    /// message lists every failure, one sentence each.
    /// </summary>
    public static LedgerNodeOptions LoadOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new LedgerNodeOptions();
        try
        {
            configuration.GetSection(LedgerNodeOptions.Section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // The configuration binder could not convert a value (e.g. Role=teller).
            throw NodeErrors.Configuration(
                $"A Ledger:Node setting has a value of the wrong kind ({ex.Message.TrimEnd('.')}); Role is one of tax, bank, guarantor, regulator, auditor, and numbers and times must be written as such.", ex);
        }
        var result = new LedgerNodeOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw NodeErrors.Configuration(string.Join("\n", result.Failures));
        }
        if (LedgerNodeOptionsValidator.TlsProblem(options) is { } plaintext)
        {
            throw new LedgerException(NodeErrors.PlaintextCode, ErrorCategory.FailedPrecondition, plaintext);
        }
        return options;
    }

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

        foreach (var endpoint in app.Services.GetRequiredService<NodeModule>().Endpoints)
        {
            endpoint.Map(app);
        }
        return app;
    }

    /// <summary>
    /// Opens the node's foundation (exit code 2 with one sentence on stderr when its configuration, keys, chain or membership
    /// are wrong), then serves until stopped. Returns the process exit code.
    /// </summary>
    public static async Task<int> RunLedgerNodeAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var foundation = app.Services.GetRequiredService<NodeFoundation>();
        var options = app.Services.GetRequiredService<LedgerNodeOptions>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ledger.Node");
        try
        {
            await foundation.OpenAsync(app.Lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (LedgerException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Code}: {ex.Message}").ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            return 2;
        }
        var identity = foundation.Identity;
        app.Lifetime.ApplicationStarted.Register(() => NodeLog.Serving(
            logger, identity.Organization.Code, identity.Role.Word(), options.Listen, identity.Keys.Operator.ToString(),
            identity.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture), foundation.Chain.RpcUrl, options.StrongMode));
        try
        {
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (IOException ex) when (ex.InnerException is SocketException || ex.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            // Kestrel names the address it could not bind: the gRPC one or the metrics endpoint's.
            var setting = ObservabilitySetup.MetricsPort(options) is { } metricsPort
                && ex.Message.Contains(":" + metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                ? $"Ledger:Node:Metrics:Listen {options.Metrics.Listen}"
                : $"Ledger:Node:Listen {options.Listen}";
            await Console.Error.WriteLineAsync(
                $"{NodeErrors.ConfigurationCode}: {setting} cannot be used ({ex.Message.TrimEnd('.')}); choose a free port or stop what holds it.").ConfigureAwait(false);
            return 2;
        }
    }
}
