using System.Numerics;
using Ledger.Core.Crypto;
using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Crypto;

public class Secp256k1SignerTests
{
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    // Hardhat's first account: a key every Ethereum developer can check by hand.
    private static readonly byte[] HardhatKey = Convert.FromHexString("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    private static readonly EthAddress HardhatAddress = EthAddress.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

    private static byte[] WithS(byte[] signature, BigInteger s, byte v)
    {
        var copy = (byte[])signature.Clone();
        var bytes = s.ToByteArray(isUnsigned: true, isBigEndian: true);
        Array.Clear(copy, 32, 32);
        bytes.CopyTo(copy, 64 - bytes.Length);
        copy[64] = v;
        return copy;
    }

    [Fact]
    public void AddressOf_HardhatKey_IsHardhatsFirstAccount()
    {
        Assert.Equal(HardhatAddress, Secp256k1Signer.AddressOf(HardhatKey));
    }

    [Fact]
    public void SignDigest_RecoversToTheSigner()
    {
        var digest = Keccak.Hash("message");
        var signature = Secp256k1Signer.SignDigest(digest, HardhatKey);
        Assert.Equal(65, signature.Length);
        Assert.True(signature[64] is 27 or 28);
        Assert.Equal(HardhatAddress, Secp256k1Signer.Recover(digest, signature));
    }

    [Fact]
    public void SignDigest_IsDeterministicAndLowS()
    {
        for (var i = 0; i < 50; i++)
        {
            var digest = Keccak.Hash($"m{i}");
            var signature = Secp256k1Signer.SignDigest(digest, HardhatKey);
            Assert.Equal(signature, Secp256k1Signer.SignDigest(digest, HardhatKey));
            Assert.True(Secp256k1Signer.IsLowS(signature));
        }
    }

    [Fact]
    public void Recover_OtherDigest_GivesAnotherAddress()
    {
        var signature = Secp256k1Signer.SignDigest(Keccak.Hash("message"), HardhatKey);
        var recovered = Secp256k1Signer.Recover(Keccak.Hash("other message"), signature);
        Assert.NotEqual(HardhatAddress, recovered);
    }

    [Fact]
    public void Recover_MalleableHighSTwin_ReturnsNull()
    {
        // (r, n − s, v ^ 1) is the same signature's twin; OpenZeppelin's ECDSA refuses it, so must we.
        var digest = Keccak.Hash("message");
        var signature = Secp256k1Signer.SignDigest(digest, HardhatKey);
        var s = new BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        var twin = WithS(signature, N - s, (byte)(signature[64] == 27 ? 28 : 27));
        Assert.False(Secp256k1Signer.IsLowS(twin));
        Assert.Null(Secp256k1Signer.Recover(digest, twin));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(64)]
    [InlineData(66)]
    public void Recover_WrongLength_ReturnsNull(int length)
    {
        Assert.Null(Secp256k1Signer.Recover(Keccak.Hash("m"), new byte[length]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(26)]
    [InlineData(29)]
    public void Recover_VOutside27And28_ReturnsNull(byte v)
    {
        var signature = Secp256k1Signer.SignDigest(Keccak.Hash("m"), HardhatKey);
        signature[64] = v;
        Assert.Null(Secp256k1Signer.Recover(Keccak.Hash("m"), signature));
    }

    [Fact]
    public void Recover_ZeroS_ReturnsNull()
    {
        var signature = Secp256k1Signer.SignDigest(Keccak.Hash("m"), HardhatKey);
        Assert.Null(Secp256k1Signer.Recover(Keccak.Hash("m"), WithS(signature, BigInteger.Zero, signature[64])));
    }

    [Fact]
    public void Recover_ZeroR_ReturnsNull()
    {
        var signature = Secp256k1Signer.SignDigest(Keccak.Hash("m"), HardhatKey);
        Array.Clear(signature, 0, 32);
        Assert.Null(Secp256k1Signer.Recover(Keccak.Hash("m"), signature));
    }

    [Fact]
    public void Recover_RNotAnXCoordinate_ReturnsNull()
    {
        // r = 5: no curve point has x = 5, so nothing can be recovered.
        var signature = Secp256k1Signer.SignDigest(Keccak.Hash("m"), HardhatKey);
        Array.Clear(signature, 0, 32);
        signature[31] = 5;
        Assert.Null(Secp256k1Signer.Recover(Keccak.Hash("m"), signature));
    }

    [Fact]
    public void IsLowS_HalfOrderIsLowAndOneMoreIsNot()
    {
        var signature = new byte[65];
        Assert.True(Secp256k1Signer.IsLowS(WithS(signature, N / 2, 27)));
        Assert.False(Secp256k1Signer.IsLowS(WithS(signature, (N / 2) + 1, 27)));
        Assert.False(Secp256k1Signer.IsLowS(WithS(signature, BigInteger.Zero, 27)));
    }

    [Fact]
    public void CompressedPublicKey_IsTheCompressedPointOfTheKey()
    {
        var compressed = Secp256k1Signer.CompressedPublicKey(HardhatKey);
        Assert.Equal(33, compressed.Length);
        // Hardhat account #0's public key x coordinate (well known), with its parity prefix.
        Assert.Equal("038318535b54105d4a7aae60c08fc45f9687181b4fdfc625bd1a753fa7397fed75", Convert.ToHexStringLower(compressed));
    }
}
