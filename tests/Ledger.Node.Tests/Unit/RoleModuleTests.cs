using System.Reflection;
using Ledger.Core.Errors;
using Ledger.Node.Alerts;
using Ledger.Node.Auditor;
using Ledger.Node.Bank;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;
using Ledger.Node.Tax;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The node's shape (issue 12): one module per role, picked once from the checked options; a node holds no part of
/// another role; only the composition root reads the start-up's foundation.
/// </summary>
public sealed class RoleModuleTests
{
    private static WebApplicationBuilder Builder(string role)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:Node:Org"] = role + ".one",
            ["Ledger:Node:Role"] = role,
            ["Ledger:Node:DataDir"] = Path.Combine(Path.GetTempPath(), "ledger-module-test"),
            ["Ledger:Node:Listen"] = "https://127.0.0.1:7199",
            ["Ledger:Node:KeyStoreFile"] = "keys/none.json",
            ["Ledger:Node:Chain:RpcUrl"] = "http://127.0.0.1:8545",
            ["Ledger:Node:Chain:DeploymentFile"] = "deployments/none.json",
            ["Ledger:Node:Tax:Salt"] = "0x" + new string('a', 64),
        });
        builder.AddLedgerNode();
        return builder;
    }

    private static bool Registered<T>(WebApplicationBuilder builder) => builder.Services.Any(d => d.ServiceType == typeof(T));

    private static bool HostedService<T>(WebApplicationBuilder builder) =>
        builder.Services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(T));

    [Fact]
    public void TaxNode_HasTheTaxRoom_AndNoPartOfABankOrAuditor()
    {
        var builder = Builder("tax");
        Assert.True(Registered<ITaxDataStore>(builder));
        Assert.True(Registered<DataExchangeProcessor>(builder));
        Assert.True(Registered<IRefusalRecorder>(builder));
        Assert.True(Registered<IAlertPublisher>(builder)); // a rating downgrade raises an alert
        Assert.False(Registered<IBankStore>(builder));
        Assert.False(Registered<ReportFetcher>(builder));
        Assert.False(Registered<DataLifeKeeper>(builder));
        Assert.False(Registered<AuditorLedger>(builder));
        Assert.False(HostedService<AlertUpstreamService>(builder)); // the tax node is where alerts start, it follows no one
    }

    [Fact]
    public void BankNode_HasTheBankRoom_AndNoTaxDataOrAuditorCopy()
    {
        var builder = Builder("bank");
        Assert.True(Registered<IBankStore>(builder));
        Assert.True(Registered<ReportFetcher>(builder));
        Assert.True(HostedService<DataLifeService>(builder));
        Assert.True(HostedService<AlertUpstreamService>(builder));
        Assert.False(Registered<ITaxDataStore>(builder));
        Assert.False(Registered<DataExchangeProcessor>(builder));
        Assert.False(Registered<IRefusalRecorder>(builder));
        Assert.False(Registered<AuditorLedger>(builder));
        // The record export attaches the bank's kept reasons: the bank's store answers, not the empty source.
        var reasons = builder.Services.Last(d => d.ServiceType == typeof(ICreditReasonsSource));
        Assert.NotSame(NoCreditReasons.Instance, reasons.ImplementationInstance);
    }

    [Theory]
    [InlineData(NodeRole.Tax, "alerts.db taxdata.db")]
    [InlineData(NodeRole.Bank, "alerts.db bank.db")]
    [InlineData(NodeRole.Guarantor, "alerts.db")]
    [InlineData(NodeRole.Regulator, "")]
    [InlineData(NodeRole.Auditor, "auditor.db")]
    public void EachRole_ImportsOnlyItsOwnOldFiles_IntoTheStore(NodeRole role, string files)
    {
        var legacy = NodeFoundation.LegacyFilesOf(role, "/data/node");

        var named = new[] { legacy.Bank, legacy.Alerts, legacy.Auditor, legacy.TaxData }.OfType<string>().ToList();
        Assert.All(named, f => Assert.Equal("/data/node", Path.GetDirectoryName(f)));
        Assert.Equal(files, string.Join(' ', named.Select(Path.GetFileName).Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("regulator")]
    [InlineData("auditor")]
    public void RegulatorAndAuditorNodes_HoldNeitherTaxDataNorHeldDataNorAlerts(string role)
    {
        var builder = Builder(role);
        Assert.False(Registered<ITaxDataStore>(builder));
        Assert.False(Registered<IBankStore>(builder));
        Assert.False(Registered<AlertHub>(builder));
        Assert.False(HostedService<DataLifeService>(builder));
        Assert.Equal(role == "auditor", Registered<AuditorLedger>(builder));
        Assert.Equal(role == "auditor", HostedService<AuditorSyncService>(builder));
    }

    [Theory]
    [InlineData("tax", new[] { "ledger.v1.DataExchange", "ledger.v1.TaxAdmin", "ledger.v1.EnterpriseSelf", "ledger.v1.FundFlow", "ledger.v1.Alerts" })]
    [InlineData("bank", new[] { "ledger.v1.Lending", "ledger.v1.EnterpriseSelf", "ledger.v1.FundFlow", "ledger.v1.Alerts" })]
    [InlineData("guarantor", new[] { "ledger.v1.Guarantee", "ledger.v1.Alerts" })]
    [InlineData("regulator", new[] { "ledger.v1.Compensation" })]
    [InlineData("auditor", new[] { "ledger.v1.Audit" })]
    public async Task EachRole_MapsTheServicesOfEveryNode_AndOnlyItsModules(string role, string[] own)
    {
        await using var app = Builder(role).Build();
        app.MapLedgerNode();
        var mapped = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText?.TrimStart('/').Split('/')[0] ?? "")
            .Where(s => s.StartsWith("ledger.v1.", StringComparison.Ordinal))
            .ToHashSet();
        string[] everyNode = ["ledger.v1.Node", "ledger.v1.Consent", "ledger.v1.RecordExport"];
        Assert.Equal(everyNode.Concat(own).Order(), mapped.Order());
    }

    [Fact]
    public void WrongOptions_FailWhenTheHostIsBuilt_BeforeAnyModuleIsPicked()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ledger:Node:Role"] = "teller" });
        var error = Assert.Throws<LedgerException>(() => builder.AddLedgerNode());
        Assert.Equal(NodeErrors.ConfigurationCode, error.Code);
        Assert.Contains("Role is one of tax, bank, guarantor, regulator, auditor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRole_HasExactlyOneModule_AndEachModuleDeclaresPoliciesOnlyForItsOwnServices()
    {
        Assert.Equal(Enum.GetValues<NodeRole>().Order(), NodeModule.All.Select(m => m.Role).Order());
        foreach (var endpoint in NodeModule.All.SelectMany(m => m.Endpoints))
        {
            Assert.NotEmpty(endpoint.Policies);
            Assert.All(endpoint.Policies.Keys, method => Assert.StartsWith($"/{endpoint.Service}/", method, StringComparison.Ordinal));
        }
        Assert.Equal([NodeRole.Tax, NodeRole.Bank], NodeModule.RolesServing("ledger.v1.FundFlow"));
        Assert.Equal([NodeRole.Tax, NodeRole.Bank, NodeRole.Guarantor], NodeModule.RolesServing("ledger.v1.Alerts"));
        Assert.Empty(NodeModule.RolesServing("ledger.v1.Consent")); // every node
    }

    [Fact]
    public void OnlyTheCompositionRoot_ReadsTheFoundation_EveryOtherClassIsGivenItsParts()
    {
        var takers = typeof(NodeFoundation).Assembly.GetTypes()
            .SelectMany(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                .Where(c => c.GetParameters().Any(p => p.ParameterType == typeof(NodeFoundation)))
                .Select(_ => t.FullName))
            .ToList();
        Assert.Empty(takers);
        Assert.Null(typeof(NodeFoundation).Assembly.GetType("Ledger.Node.Hosting.NodeContext"));
    }

    [Theory]
    [InlineData("tax")]
    [InlineData("bank")]
    [InlineData("guarantor")]
    [InlineData("regulator")]
    [InlineData("auditor")]
    public async Task EveryClassTheRoleUses_GetsEachPartItsConstructorAsksFor(string role)
    {
        await using var app = Builder(role).Build();
        var container = app.Services.GetRequiredService<IServiceProviderIsService>();
        var module = app.Services.GetRequiredService<NodeModule>();
        var nodeAssembly = typeof(NodeFoundation).Assembly;
        var classes = Builder(role).Services
            .Select(d => d.ImplementationType)
            .OfType<Type>()
            .Where(t => t.Assembly == nodeAssembly)
            .Concat(module.Endpoints.Select(e => e.Implementation))
            .Concat([typeof(Services.NodeService), typeof(Services.ConsentService), typeof(Services.RecordExportService)])
            .Distinct()
            .ToList();
        Assert.Contains(typeof(SignedRequestInterceptor), classes);
        var missing = (
            from type in classes
            let constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First()
            from parameter in constructor.GetParameters()
            where !parameter.HasDefaultValue && !container.IsService(parameter.ParameterType)
            select $"{type.Name}({parameter.ParameterType.Name} {parameter.Name})").ToList();
        Assert.Empty(missing);
    }
}
