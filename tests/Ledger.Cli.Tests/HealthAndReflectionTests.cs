using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Ledger.Cli.Tests.Support;
using Ledger.Core.Model;

namespace Ledger.Cli.Tests;

/// <summary>
/// Every node of the local consortium answers the standard gRPC health check and server reflection without a signed
/// request (they reveal nothing beyond the API), and reflection lists the <c>ledger.v1</c> services of the node's role.
/// </summary>
[Collection(SharedConsortium.Name)]
public sealed class HealthAndReflectionTests(ConsortiumFixture fixture)
{
    private static readonly string[] Common = ["ledger.v1.Consent", "ledger.v1.Node", "ledger.v1.RecordExport"];

    /// <summary>The ledger.v1 services each role's node maps (src/Ledger.Node/Hosting/NodeHostExtensions.cs).</summary>
    private static readonly Dictionary<Role, string[]> ByRole = new()
    {
        [Role.TaxBureau] = ["ledger.v1.Alerts", "ledger.v1.DataExchange", "ledger.v1.EnterpriseSelf", "ledger.v1.FundFlow", "ledger.v1.TaxAdmin"],
        [Role.Bank] = ["ledger.v1.Alerts", "ledger.v1.EnterpriseSelf", "ledger.v1.FundFlow", "ledger.v1.Lending"],
        [Role.Guarantor] = ["ledger.v1.Alerts", "ledger.v1.Guarantee"],
        [Role.Regulator] = ["ledger.v1.Compensation"],
        [Role.Auditor] = ["ledger.v1.Audit"],
    };

    [Fact]
    public async Task HealthCheck_Anonymous_IsServingOnEveryRolesNode()
    {
        var nodes = fixture.Consortium.Nodes;
        Assert.Equal(ByRole.Keys.Order(), nodes.Select(n => n.Role).Distinct().Order());
        foreach (var node in nodes)
        {
            using var channel = Ledger.Sdk.Tls.LedgerChannels.ForAddress(node.Url, node.Tls);
            var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
            Assert.True(response.Status == HealthCheckResponse.Types.ServingStatus.Serving, $"{node.Organization} ({node.Role}) answered {response.Status}");
        }
    }

    [Fact]
    public async Task Reflection_Anonymous_ListsTheLedgerServicesOfEachRole()
    {
        foreach (var node in fixture.Consortium.Nodes)
        {
            var services = await ListServicesAsync(node);
            Assert.Contains("grpc.health.v1.Health", services);
            Assert.Contains("grpc.reflection.v1alpha.ServerReflection", services);
            var ledger = services.Where(s => s.StartsWith("ledger.v1.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(Common.Concat(ByRole[node.Role]).Order(StringComparer.Ordinal), ledger);
        }
    }

    [Fact]
    public async Task Reflection_Anonymous_DescribesALedgerService()
    {
        var tax = fixture.Consortium.NodesOf(Role.TaxBureau).First();
        using var channel = Ledger.Sdk.Tls.LedgerChannels.ForAddress(tax.Url, tax.Tls);
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "ledger.v1.DataExchange" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var files = call.ResponseStream.Current.FileDescriptorResponse;
        Assert.NotNull(files);
        var file = Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(files.FileDescriptorProto[0]); // the file defining the symbol comes first
        Assert.Equal("ledger.v1", file.Package);
        var service = Assert.Single(file.Service, s => s.Name == "DataExchange");
        Assert.Contains(service.Method, m => m.Name == "FetchReport" && m.InputType == ".ledger.v1.FetchReportRequest");
    }

    private static async Task<List<string>> ListServicesAsync(Ledger.Local.LocalNode node)
    {
        var url = node.Url;
        using var channel = Ledger.Sdk.Tls.LedgerChannels.ForAddress(url, node.Tls);
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), $"{url} closed the reflection stream without an answer");
        var response = call.ResponseStream.Current;
        Assert.True(response.ErrorResponse is null, $"{url}: reflection error {response.ErrorResponse?.ErrorCode} {response.ErrorResponse?.ErrorMessage}");
        return response.ListServicesResponse.Service.Select(s => s.Name).ToList();
    }
}
