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
        Listen = "https://127.0.0.1:7101",
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

    [Theory]
    [InlineData("tls", "https://127.0.0.1:7101", null)]
    [InlineData("tls", "https://0.0.0.0:7101", null)]
    [InlineData("tls", "http://127.0.0.1:7101", "is plain HTTP, and a node serves HTTP/2 over TLS only")]
    [InlineData("plaintext-development", "http://127.0.0.1:7101", null)]
    [InlineData("plaintext-development", "http://localhost:7101", null)]
    [InlineData("plaintext-development", "http://0.0.0.0:7101", "serves on loopback only")]
    [InlineData("plaintext-development", "https://127.0.0.1:7101", "but Ledger:Node:Listen 'https://127.0.0.1:7101' is https")]
    public void TlsRules_PlaintextOnlyWithTheDevelopmentFlagAndOnLoopback(string mode, string listen, string? problem)
    {
        var options = Valid();
        options.Tls.Mode = mode;
        options.Listen = listen;

        Assert.True(new LedgerNodeOptionsValidator().Validate(null, options).Succeeded);
        var found = LedgerNodeOptionsValidator.TlsProblem(options);
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TlsMode_Unknown_IsAMistakeNamingTheSetting()
    {
        var options = Valid();
        options.Tls.Mode = "off";
        var failure = Assert.Single(new LedgerNodeOptionsValidator().Validate(null, options).Failures!);
        Assert.Contains("Ledger:Node:Tls:Mode 'off'", failure, StringComparison.Ordinal);
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
