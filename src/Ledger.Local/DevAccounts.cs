using Ledger.Chain.Profiles;
using Ledger.Core.Crypto;
using Ledger.Core.Primitives;

namespace Ledger.Local;

/// <summary>
/// The well-known development accounts of Hardhat and Anvil: the first keys of the public mnemonic
/// "test test test test test test test test test test test junk" (m/44'/60'/0'/0/i), funded with 10,000 ETH on a
/// fresh local chain.
/// <para><b>For local chains only.</b> These keys are published everywhere; anything they control on a real
/// network is stolen within seconds. A consortium node on the <c>rpc</c> profile uses its own key store.</para>
/// <para>The keys live here, in the development tools, and nowhere in <c>ledger-node</c> or <c>Ledger.Chain</c>: the
/// node knows only their public addresses (<see cref="PublishedDevelopmentAccounts"/>), to refuse them on a chain that
/// is not local.</para>
/// </summary>
public static class DevAccounts
{
    /// <summary>The mnemonic the keys derive from.</summary>
    public const string Mnemonic = "test test test test test test test test test test test junk";

    private static readonly string[] Keys =
    [
        "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        "92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
        "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
        "dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
        "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
    ];

    /// <summary>How many accounts this class offers.</summary>
    public static int Count => Keys.Length;

    /// <summary>The private key of account <paramref name="index"/> (0-based).</summary>
    public static byte[] PrivateKey(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Keys.Length);
        return Convert.FromHexString(Keys[index]);
    }

    /// <summary>The address of account <paramref name="index"/>.</summary>
    public static EthAddress Address(int index) => Secp256k1Signer.AddressOf(PrivateKey(index));
}
