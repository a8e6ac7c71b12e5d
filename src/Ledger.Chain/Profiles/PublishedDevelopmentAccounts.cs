using System.Numerics;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Profiles;

/// <summary>
/// Public facts about the well-known development accounts of Hardhat and Anvil (the mnemonic
/// "test test … junk"): their <b>addresses</b> and the ids of the local chains they belong to. A node uses them to
/// refuse a development key on a chain that is not local. The private keys are not here: they live in the
/// development tools (<c>Ledger.Local.DevAccounts</c>), which production code does not reference; a test checks that
/// these addresses are the ones those keys derive.
/// </summary>
public static class PublishedDevelopmentAccounts
{
    /// <summary>The addresses of development accounts 0…9 (m/44'/60'/0'/0/i), in order.</summary>
    public static IReadOnlyList<EthAddress> Addresses { get; } =
    [
        EthAddress.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"),
        EthAddress.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"),
        EthAddress.Parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"),
        EthAddress.Parse("0x90f79bf6eb2c4f870365e785982e1f101e93b906"),
        EthAddress.Parse("0x15d34aaf54267db7d7c367839aaf71a00a2c6a65"),
        EthAddress.Parse("0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc"),
        EthAddress.Parse("0x976ea74026e726554db657fa54763abd0c3a0aa9"),
        EthAddress.Parse("0x14dc79964da2c08b23698b3d3cc7ca32193d9955"),
        EthAddress.Parse("0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f"),
        EthAddress.Parse("0xa0ee7a142d267c1f36714e4a8f75612f20a79720"),
    ];

    private static readonly HashSet<EthAddress> Set = [.. Addresses];

    /// <summary>Whether <paramref name="account"/> is one of the published development accounts.</summary>
    public static bool IsPublished(EthAddress account) => Set.Contains(account);

    /// <summary>
    /// Whether <paramref name="chainId"/> is a local development chain's (31337: hardhat and anvil; 1337: the older
    /// default of ganache and geth --dev), the only chains on which these accounts may act.
    /// </summary>
    public static bool IsLocalChain(BigInteger chainId) => chainId == 31337 || chainId == 1337;
}
