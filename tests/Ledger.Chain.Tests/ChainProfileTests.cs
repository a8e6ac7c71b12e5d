using Ledger.Chain.Deployment;
using Ledger.Chain.Errors;
using Ledger.Chain.Profiles;
using Ledger.Chain.Tests.Support;
using Ledger.Chain.Transactions;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Local;

namespace Ledger.Chain.Tests;

public class ChainProfileTests
{
    [Theory]
    [InlineData(ChainKind.Rpc, null, "deployments/besu.json", null, "needs RpcUrl")]
    [InlineData(ChainKind.Rpc, "http://127.0.0.1:8545", null, null, "needs DeploymentFile")]
    [InlineData(ChainKind.Anvil, null, null, null, "needs StateFile")]
    [InlineData(ChainKind.Hardhat, null, null, 5UL, "FinalityDepth is 0 or 1")]
    public void Validate_IncompleteProfile_SaysWhatToSet(ChainKind kind, string? rpcUrl, string? deploymentFile, ulong? depth, string expected)
    {
        var profile = new ChainProfile { Kind = kind, RpcUrl = rpcUrl, DeploymentFile = deploymentFile, FinalityDepth = depth };
        var ex = Assert.Throws<ChainConfigurationException>(profile.Validate);
        Assert.Equal(ChainConfigurationException.ProfileCode, ex.Code);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_PerProfile_LocalChainsAreFinalAtOnceRpcWaitsTwoBlocks()
    {
        Assert.Equal(0UL, new ChainProfile { Kind = ChainKind.Hardhat }.EffectiveFinalityDepth);
        Assert.Equal(0UL, new ChainProfile { Kind = ChainKind.Anvil }.EffectiveFinalityDepth);
        Assert.Equal(2UL, new ChainProfile { Kind = ChainKind.Rpc }.EffectiveFinalityDepth);
        Assert.Equal(6UL, new ChainProfile { Kind = ChainKind.Rpc, FinalityDepth = 6 }.EffectiveFinalityDepth);
    }

    [Fact]
    public async Task RpcProfile_MissingDeploymentFile_SaysWhichFileAndHowToMakeIt()
    {
        var profile = new ChainProfile { Kind = ChainKind.Rpc, RpcUrl = "http://127.0.0.1:1", DeploymentFile = "/nonexistent/besu.json" };
        var ex = await Assert.ThrowsAsync<ChainConfigurationException>(() => ChainEnvironment.StartAsync(profile));
        Assert.Equal(ChainConfigurationException.DeploymentFileCode, ex.Code);
        Assert.Contains("/nonexistent/besu.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeploymentWithoutAContract_SaysWhichOneIsMissing()
    {
        var ex = Assert.Throws<ChainConfigurationException>(() => LedgerDeployment.Parse("""{"chainId":1,"deployBlock":0,"contracts":{}}""", "x.json"));
        Assert.Contains("no valid address for Consortium", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The persistent profile: write, stop the chain, start it again from its state file, read everything back.</summary>
    [Fact]
    public async Task HardhatProfile_OnAPortAnotherChainHolds_FailsToStart_InsteadOfUsingTheOtherChain()
    {
        await using var first = await LocalChain.StartAsync(new ChainProfile { Kind = ChainKind.Hardhat });
        var taken = new Uri(first.Rpc.Url).Port;

        // The second node cannot bind the port; the first one answers there, but it is not the node started for it.
        var error = await Assert.ThrowsAsync<LocalChainException>(() => LocalChain.StartAsync(new ChainProfile { Kind = ChainKind.Hardhat, Port = taken }));

        Assert.Contains("could not be started", error.Message, StringComparison.Ordinal);
        Assert.Contains("EADDRINUSE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnvilProfile_RestartFromTheStateFile_KeepsMembersAndConsents()
    {
        var folder = Directory.CreateTempSubdirectory("ledger-anvil-");
        try
        {
            var profile = new ChainProfile { Kind = ChainKind.Anvil, StateFile = Path.Combine(folder.FullName, "anvil-state.json"), PollInterval = TimeSpan.FromMilliseconds(50) };
            var org = OrgId.FromCode("bank.anvil");
            var terms = LedgerFixture.Terms(consumer: LedgerFixture.Bank) with { Enterprise = LedgerFixture.Enterprise };
            ConsentId consentId;
            LedgerDeployment firstDeployment;

            await using (var chain = await LocalChain.StartAsync(profile))
            {
                firstDeployment = chain.Deployment;
                var clients = Enumerable.Range(0, 10).Select(i => new LedgerChainClient(chain.CreateSender(DevAccounts.PrivateKey(i), new InMemoryTransactionJournal()), chain.Deployment)).ToArray();
                async Task Admit(OrgId id, Role role, int account)
                {
                    var proposal = await clients[0].ProposeAdmitMemberAsync(id, role, id.Code, "", "", Secp256k1Signer.CompressedPublicKey(DevAccounts.PrivateKey(account)), [DevAccounts.Address(account)]);
                    await clients[1].ApproveAsync(proposal);
                }
                await Admit(LedgerFixture.Tax, Role.TaxBureau, 3);
                await Admit(LedgerFixture.Bank, Role.Bank, 4);
                await Admit(org, Role.Guarantor, 5);
                await clients[3].BindEnterpriseWithKeyAsync(LedgerFixture.EnterpriseKey, LedgerFixture.EnterpriseCreditCode);
                consentId = await clients[4].GrantConsentBySigAsync(terms, ConsentSignatures.Sign(terms, chain.Deployment.ConsentDomain, LedgerFixture.EnterpriseKey));
            }
            Assert.True(File.Exists(profile.StateFile));
            Assert.True(File.Exists(profile.StateFile + ".deployment.json"));

            await using (var restarted = await LocalChain.StartAsync(profile))
            {
                Assert.Equal(firstDeployment.Addresses, restarted.Deployment.Addresses); // not redeployed
                var reader = new LedgerChainClient(restarted.CreateSender(DevAccounts.PrivateKey(9), new InMemoryTransactionJournal()), restarted.Deployment);
                var member = await reader.MemberAsync(org);
                Assert.Equal((byte)MemberStatus.Active, member.Status);
                Assert.Equal((byte)Role.Guarantor, member.Role);
                Assert.Equal(LedgerFixture.EnterpriseCreditCode, await reader.CreditCodeOfAsync(LedgerFixture.Enterprise));
                var state = await reader.ConsentAsync(consentId);
                Assert.Equal(LedgerFixture.Enterprise.ToString(), Core.Primitives.EthAddress.Parse(state.Enterprise).ToString());
                Assert.Equal(AccessStatus.Allowed, await reader.CheckAccessAsync(consentId, LedgerFixture.Bank, LedgerFixture.Tax, Scopes.TaxCreditRating));

                // The history survives too: the indexer finds the events of blocks written before the restart.
                var sink = new DedupingSink();
                await new Indexing.EventIndexer(restarted.Rpc, restarted.Deployment, new MemoryCheckpoints(), sink).RunOnceAsync();
                Assert.Equal(3, sink.Events.Count(e => e.Name == "MemberAdmitted"));
                Assert.Single(sink.Events, e => e.Name == "ConsentGranted" && e.Args["consentId"] == consentId.Value.ToString());

                // And the chain goes on: the bank can still write after the restart.
                var bank = new LedgerChainClient(restarted.CreateSender(DevAccounts.PrivateKey(4), new InMemoryTransactionJournal()), restarted.Deployment);
                await bank.RecordDecisionAsync(new DecisionHash(Core.Primitives.Keccak.Hash("after restart")), consentId, true);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
