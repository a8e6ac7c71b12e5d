using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.Tests.Unit;

public sealed class OptionsTests
{
    private static LedgerNodeOptions Valid() => new()
    {
        Org = "tax.liuzhou",
        Role = NodeRole.Tax,
        DataDir = "data/tax",
        Listen = "http://127.0.0.1:7101",
        KeyStoreFile = "keys/tax.json",
        Chain = new NodeChainOptions { RpcUrl = "http://127.0.0.1:8545", DeploymentFile = "deployments/local.json" },
        Tax = new NodeTaxOptions { Salt = "0x" + new string('a', 64) },
    };

    [Fact]
    public void Validate_ACompleteConfiguration_Succeeds() =>
        Assert.True(new LedgerNodeOptionsValidator().Validate(null, Valid()).Succeeded);

    [Theory]
    [InlineData("org", "Ledger:Node:Org '" )]
    [InlineData("listen", "Ledger:Node:Listen")]
    [InlineData("rpc", "Ledger:Node:Chain:RpcUrl")]
    [InlineData("salt", "Ledger:Node:Tax:Salt")]
    [InlineData("batch", "Ledger:Node:Batcher:MaxBatch")]
    [InlineData("strong", "StrongMode is for tax nodes only")]
    [InlineData("depth", "FinalityDepth")]
    public void Validate_OneMistake_NamesTheSettingInOneSentence(string mistake, string expected)
    {
        var options = Valid();
        switch (mistake)
        {
            case "org": options.Org = "has space"; break;
            case "listen": options.Listen = "127.0.0.1:7101"; break;
            case "rpc": options.Chain.RpcUrl = "ws://x"; break;
            case "salt": options.Tax.Salt = "0x1234"; break;
            case "batch": options.Batcher.MaxBatch = 0; break;
            case "strong":
                options.Role = NodeRole.Bank;
                options.StrongMode = true;
                break;
            case "depth": options.Chain.FinalityDepth = 1000; break;
        }
        var result = new LedgerNodeOptionsValidator().Validate(null, options);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.EndsWith(".", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AccessPolicy_EveryServiceMethodOfTheApi_HasAPolicyOrIsDeliberatelyLeftOut()
    {
        var descriptors = new[]
        {
            Api.V1.NodeReflection.Descriptor, Api.V1.ConsentReflection.Descriptor, Api.V1.AuditReflection.Descriptor,
            Api.V1.DataReflection.Descriptor, Api.V1.LendingReflection.Descriptor, Api.V1.RiskReflection.Descriptor,
            Api.V1.AlertsReflection.Descriptor,
        };
        foreach (var service in descriptors.SelectMany(d => d.Services))
        {
            foreach (var method in service.Methods)
            {
                Assert.True(AccessPolicy.For($"/{service.FullName}/{method.Name}") is not null, $"{service.FullName}/{method.Name} has no access policy");
            }
        }
        Assert.Null(AccessPolicy.For("/ledger.v1.Lending/NoSuchMethod")); // not in the table: refused, fail closed
        Assert.True(AccessPolicy.For("/ledger.v1.DataExchange/FetchReport")!.RecordsRefusals);
    }
}
