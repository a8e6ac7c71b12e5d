using Ledger.Chain.Deployment;
using Ledger.Chain.Errors;
using Ledger.Chain.Profiles;
using Ledger.Chain.Rpc;
using Ledger.Core.Crypto;
using Ledger.Local;

namespace Ledger.Chain.Tests;

/// <summary>
/// The production side knows the development accounts only by their public addresses; the keys are Ledger.Local's.
/// These tests keep the two from drifting apart and pin the seam between them.
/// </summary>
public class PublishedDevelopmentAccountsTests
{
    [Fact]
    public void Addresses_AreTheOnesLedgerLocalsKeysDerive_InOrder()
    {
        var derived = Enumerable.Range(0, DevAccounts.Count).Select(DevAccounts.Address).ToList();

        Assert.Equal(derived, PublishedDevelopmentAccounts.Addresses);
        Assert.All(derived, a => Assert.True(PublishedDevelopmentAccounts.IsPublished(a)));
    }

    [Fact]
    public void IsPublished_AnAccountOfOurOwn_IsNot()
    {
        var own = Secp256k1Signer.AddressOf(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Assert.False(PublishedDevelopmentAccounts.IsPublished(own));
    }

    [Theory]
    [InlineData(31337, true)]
    [InlineData(1337, true)]
    [InlineData(1, false)]
    [InlineData(2026, false)]
    public void IsLocalChain_OnlyTheDevelopmentChainIds(long chainId, bool local) =>
        Assert.Equal(local, PublishedDevelopmentAccounts.IsLocalChain(chainId));

    [Theory]
    [InlineData(ChainKind.Hardhat)]
    [InlineData(ChainKind.Anvil)]
    public async Task ChainEnvironment_ALocalProfile_IsRefused_ItIsLedgerLocalsToStart(ChainKind kind)
    {
        var profile = new ChainProfile { Kind = kind, StateFile = kind == ChainKind.Anvil ? "anvil-state.json" : null };

        var ex = await Assert.ThrowsAsync<ChainConfigurationException>(() => ChainEnvironment.StartAsync(profile));

        Assert.Equal(ChainConfigurationException.ProfileCode, ex.Code);
        Assert.Contains("LocalChain", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attach_DisposesItsOwnerAndNothingElse()
    {
        var contracts = string.Join(",", Abi.LedgerContracts.Names.Select((name, i) => $"\"{name}\":{{\"address\":\"0x{i + 1:x40}\"}}"));
        var deployment = LedgerDeployment.Parse($"{{\"chainId\":31337,\"deployBlock\":0,\"contracts\":{{{contracts}}}}}", "x.json");
        var owner = new CountingOwner();
        await using (var attached = ChainEnvironment.Attach(new ChainProfile { Kind = ChainKind.Hardhat }, new ChainRpc("http://127.0.0.1:1"), deployment, owner))
        {
            Assert.Same(owner, attached.Owner);
        }
        Assert.Equal(1, owner.Disposed);

        await using var unowned = ChainEnvironment.Attach(new ChainProfile { Kind = ChainKind.Rpc }, new ChainRpc("http://127.0.0.1:1"), deployment);
        Assert.Null(unowned.Owner);
        Assert.Null(LocalChain.ProcessOf(unowned));
    }

    private sealed class CountingOwner : IAsyncDisposable
    {
        public int Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed++;
            return ValueTask.CompletedTask;
        }
    }
}
