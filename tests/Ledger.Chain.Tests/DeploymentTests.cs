using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.Consortium;
using Ledger.Chain.Deployment;
using Ledger.Chain.Profiles;
using Ledger.Chain.Tests.Support;
using Ledger.Local;

namespace Ledger.Chain.Tests;

public class DeploymentTests(HardhatChainFixture fixture) : IClassFixture<HardhatChainFixture>
{
    [Fact]
    public async Task HardhatProfile_Start_DeploysTheWiredSuiteWithDevGovernors()
    {
        var deployment = fixture.Chain.Deployment;
        Assert.Equal(31337, (int)deployment.ChainId);
        Assert.Equal(LedgerContracts.Names.Count, deployment.Addresses.Count);
        var consortium = new ConsortiumService(fixture.Chain.Rpc.Web3, deployment[LedgerContracts.Consortium].ToString());
        Assert.Equal(2, (int)await consortium.ThresholdQueryAsync());
        var governors = await consortium.GovernorsQueryAsync();
        Assert.Equal([DevAccounts.Address(0), DevAccounts.Address(1), DevAccounts.Address(2)], governors.Select(Core.Primitives.EthAddress.Parse));
        var registry = new Contracts.ConsentRegistry.ConsentRegistryService(fixture.Chain.Rpc.Web3, deployment[LedgerContracts.ConsentRegistry].ToString());
        Assert.Equal(deployment[LedgerContracts.AccessLog], Core.Primitives.EthAddress.Parse(await registry.AccessLogQueryAsync()));
    }

    [Fact]
    public void DeploymentFile_SaveThenLoad_RoundTripsInTheJsFormat()
    {
        var file = Path.Combine(Path.GetTempPath(), $"ledger-deployment-{Guid.NewGuid():N}.json");
        try
        {
            fixture.Chain.Deployment.Save(file);
            var json = Newtonsoft.Json.Linq.JObject.Parse(File.ReadAllText(file));
            Assert.Equal("ledger-deployment/1", (string?)json["format"]);
            Assert.Equal("Ledger ConsentRegistry", (string?)json["consentDomain"]?["name"]);
            Assert.True(((Newtonsoft.Json.Linq.JArray)json["contracts"]!["AccessLog"]!["abi"]!).Count > 10);
            var loaded = LedgerDeployment.Load(file);
            Assert.Equal(fixture.Chain.Deployment.Addresses, loaded.Addresses);
            Assert.Equal(fixture.Chain.Deployment.DeployBlock, loaded.DeployBlock);
            Assert.Equal(fixture.Chain.Deployment.Governors, loaded.Governors);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
