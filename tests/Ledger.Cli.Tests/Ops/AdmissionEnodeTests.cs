using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.Consortium;
using Ledger.Chain.Profiles;
using Ledger.Cli.Tests.Support;
using Ledger.Local;

namespace Ledger.Cli.Tests.Ops;

/// <summary>
/// A member proposed with a malformed enode URL is refused before anything reaches the chain (no proposal, no
/// transaction from the governor), not discovered later when `besu export-allowlist` has to skip it.
/// </summary>
[Collection(SharedConsortium.Name)]
public sealed class AdmissionEnodeTests(ConsortiumFixture fixture)
{
    [Theory]
    [InlineData("enode://icbc@10.0.0.2:30303")]
    [InlineData("enode://{id}@10.0.0.2")]
    [InlineData("enode://{id}@10.0.0.2:30303?discport=x")]
    [InlineData("http://10.0.0.2:30303")]
    public async Task ProposeAdmit_MalformedEnode_IsRefusedWith1656AndNothingIsProposed(string template)
    {
        var enode = template.Replace("{id}", new string('b', 128), StringComparison.Ordinal);
        var chain = fixture.Consortium.Chain;
        var consortium = new ConsortiumService(chain.Rpc.Web3, fixture.Consortium.Deployment[LedgerContracts.Consortium].ToString());
        var proposals = await consortium.ProposalCountQueryAsync();
        var governor = DevAccounts.Address(0).ToString();
        var nonce = await chain.Rpc.Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(governor);

        var run = await fixture.RunAsync("members", "propose-admit", "bank.enode.test", "--role", "bank",
            "--operator", "0x00000000000000000000000000000000000000b1", "--encryption-key", "0x" + Convert.ToHexStringLower(fixture.Consortium.Nodes[0].Keys.Encryption.PublicKey),
            "--enode", enode, "--dev-governor", "0", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(LocalErrors.MalformedEnodeCode + ": ", run.Error);
        Assert.Contains("nothing was proposed", run.Error);
        Assert.Equal(LocalErrors.MalformedEnodeCode, run.Json().GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(proposals, await consortium.ProposalCountQueryAsync());
        Assert.Equal(nonce.Value, (await chain.Rpc.Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(governor)).Value);
    }
}
