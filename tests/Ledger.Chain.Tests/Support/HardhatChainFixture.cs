using Ledger.Chain.Profiles;
using Ledger.Local;

namespace Ledger.Chain.Tests.Support;

/// <summary>One embedded hardhat node with a fresh deployment, shared by the tests of a class.</summary>
public sealed class HardhatChainFixture : IAsyncLifetime
{
    public ChainEnvironment Chain { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Chain = await LocalChain.StartAsync(new ChainProfile { Kind = ChainKind.Hardhat, PollInterval = TimeSpan.FromMilliseconds(50) });

    public async Task DisposeAsync()
    {
        if (Chain is not null)
        {
            await Chain.DisposeAsync();
        }
    }
}
