using System.Runtime.InteropServices;
using System.Text;
using Ledger.Core.Crypto;
using Ledger.Core.Primitives;
using Nethereum.Signer;

namespace Ledger.Core.Tests.Crypto;

/// <summary>
/// The secp256k1 implementation (libsecp256k1 where it loads, NBitcoin.Secp256k1 otherwise) cross-checked on random
/// keys and messages against Nethereum's EthECKey and EthereumMessageSigner (BouncyCastle underneath: a third,
/// independent implementation), and the two backends against each other, byte for byte.
/// </summary>
public class Secp256k1CrossCheckTests
{
    private const int Rounds = 64;

    private static readonly string[] NativeRids = ["linux-x64", "linux-arm64", "linux-musl-x64", "linux-musl-arm64", "osx-x64", "osx-arm64", "win-x64", "win-x86", "win-arm64"];

    private static byte[] RandomKey(Random random)
    {
        var key = new byte[32];
        random.NextBytes(key);
        key[0] &= 0x7f; // below the order, never zero in practice
        key[31] |= 1;
        return key;
    }

    [Fact]
    public void TheNativeLibraryLoads_WhereThePackageShipsIt_ElseTheManagedPortServes()
    {
        // Native wherever the package ships a build (and the managed port is not forced); the managed port otherwise.
        var native = NativeRids.Contains(RuntimeInformation.RuntimeIdentifier, StringComparer.Ordinal)
            && !string.Equals(Environment.GetEnvironmentVariable("LEDGER_SECP256K1"), "managed", StringComparison.OrdinalIgnoreCase);

        Assert.Equal(native ? "libsecp256k1 (native)" : "NBitcoin.Secp256k1 (managed)", Secp256k1Signer.Implementation);
    }

    [Fact]
    public void SignDigest_GivesNethereumsSignature_ByteForByte()
    {
        var random = new Random(1);
        for (var i = 0; i < Rounds; i++)
        {
            var key = RandomKey(random);
            var digest = new byte[32];
            random.NextBytes(digest);
            var ours = Secp256k1Signer.SignDigest(new Hash32(digest), key);
            var theirs = new EthECKey(key, true).SignAndCalculateV(digest);
            Assert.Equal(theirs.R.PadLeft32(), ours.AsSpan(0, 32).ToArray());
            Assert.Equal(theirs.S.PadLeft32(), ours.AsSpan(32, 32).ToArray());
            Assert.Equal(theirs.V[0], ours[64]);
        }
    }

    [Fact]
    public void Recover_GivesTheAddressNethereumRecovers_AndTheSignersAddress()
    {
        var random = new Random(2);
        for (var i = 0; i < Rounds; i++)
        {
            var key = RandomKey(random);
            var digest = new byte[32];
            random.NextBytes(digest);
            var signature = new EthECKey(key, true).SignAndCalculateV(digest);
            var bytes = signature.R.PadLeft32().Concat(signature.S.PadLeft32()).Concat(signature.V).ToArray();
            var recovered = Secp256k1Signer.Recover(new Hash32(digest), bytes);
            var expected = EthAddress.Parse(EthECKey.RecoverFromSignature(signature, digest).GetPublicAddress());
            Assert.Equal(expected, recovered);
            Assert.Equal(EthAddress.Parse(new EthECKey(key, true).GetPublicAddress()), Secp256k1Signer.AddressOf(key));
        }
    }

    [Fact]
    public void PersonalMessages_SignAndRecoverLikeEthereumMessageSigner()
    {
        var random = new Random(3);
        var signer = new EthereumMessageSigner();
        for (var i = 0; i < Rounds; i++)
        {
            var key = RandomKey(random);
            var message = $"ledger message {random.Next()} · 银税互动";
            var digest = new Hash32(signer.HashPrefixedMessage(Encoding.UTF8.GetBytes(message)));
            var ours = Secp256k1Signer.SignDigest(digest, key);
            Assert.Equal(signer.EncodeUTF8AndSign(message, new EthECKey(key, true)), "0x" + Convert.ToHexStringLower(ours));
            Assert.Equal(EthAddress.Parse(signer.EncodeUTF8AndEcRecover(message, "0x" + Convert.ToHexStringLower(ours))), Secp256k1Signer.Recover(digest, ours));
        }
    }

    [Fact]
    public void CompressedPublicKey_IsNethereumsCompressedKey()
    {
        var random = new Random(4);
        for (var i = 0; i < Rounds; i++)
        {
            var key = RandomKey(random);
            Assert.Equal(new EthECKey(key, true).GetPubKey(true), Secp256k1Signer.CompressedPublicKey(key));
        }
    }

    [Fact]
    public void NativeAndManagedBackends_GiveTheSameBytes()
    {
        var current = Secp256k1Backend.Current;
        var managed = Secp256k1Backend.Managed;
        var random = new Random(5);
        Span<byte> a = stackalloc byte[65];
        Span<byte> b = stackalloc byte[65];
        for (var i = 0; i < Rounds; i++)
        {
            var key = RandomKey(random);
            var peer = RandomKey(random);
            var digest = new byte[32];
            random.NextBytes(digest);

            Assert.True(current.TrySign(key, digest, a[..64], out var ra));
            Assert.True(managed.TrySign(key, digest, b[..64], out var rb));
            Assert.True(a[..64].SequenceEqual(b[..64]));
            Assert.Equal(rb, ra);

            var signature = a[..64].ToArray();
            Assert.True(current.TryRecover(digest, signature, ra, a));
            Assert.True(managed.TryRecover(digest, signature, ra, b));
            Assert.True(a.SequenceEqual(b));

            Assert.True(current.TryPublicKey(key, compressed: false, a));
            Assert.True(managed.TryPublicKey(key, compressed: false, b));
            Assert.True(a.SequenceEqual(b));

            var peerPublic = new byte[33];
            Assert.True(managed.TryPublicKey(peer, compressed: true, peerPublic));
            Assert.True(current.TrySharedX(peerPublic, key, a[..32]));
            Assert.True(managed.TrySharedX(peerPublic, key, b[..32]));
            Assert.True(a[..32].SequenceEqual(b[..32]));

            // ECDH is symmetric: d_a · (d_b · G) = d_b · (d_a · G).
            var ownPublic = new byte[33];
            Assert.True(current.TryPublicKey(key, compressed: true, ownPublic));
            Assert.True(current.TrySharedX(ownPublic, peer, b[..32]));
            Assert.True(a[..32].SequenceEqual(b[..32]));
        }
    }

    public static TheoryData<string> InvalidPrivateKeys => new()
    {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", // n
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
        "01",
    };

    [Theory]
    [MemberData(nameof(InvalidPrivateKeys))]
    public void InvalidPrivateKeys_AreRefusedByBothBackends(string hex)
    {
        var key = Convert.FromHexString(hex);
        Span<byte> output = stackalloc byte[65];
        foreach (var backend in new[] { Secp256k1Backend.Current, Secp256k1Backend.Managed })
        {
            Assert.False(backend.IsValidPrivateKey(key));
            Assert.False(backend.TrySign(key, new byte[32], output[..64], out _));
            Assert.False(backend.TryPublicKey(key, compressed: true, output[..33]));
        }
        Assert.Throws<ArgumentException>(() => Secp256k1Signer.SignDigest(Keccak.Hash("m"), key));
        Assert.Throws<ArgumentException>(() => Secp256k1Signer.AddressOf(key));
    }

    [Fact]
    public void APointOffTheCurve_IsRefusedByBothBackends()
    {
        // x = 5 has no point on secp256k1.
        var notOnCurve = new byte[33];
        notOnCurve[0] = 0x02;
        notOnCurve[32] = 5;
        var key = RandomKey(new Random(6));
        Span<byte> x = stackalloc byte[32];
        foreach (var backend in new[] { Secp256k1Backend.Current, Secp256k1Backend.Managed })
        {
            Assert.False(backend.IsValidPublicKey(notOnCurve));
            Assert.False(backend.TrySharedX(notOnCurve, key, x));
        }
    }
}

internal static class PadExtensions
{
    public static byte[] PadLeft32(this byte[] value)
    {
        if (value.Length >= 32)
        {
            return value[^32..];
        }
        var padded = new byte[32];
        value.CopyTo(padded, 32 - value.Length);
        return padded;
    }
}
