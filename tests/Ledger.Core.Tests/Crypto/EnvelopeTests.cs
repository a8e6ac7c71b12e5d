using System.Security.Cryptography;
using System.Text;
using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Crypto;

public class EnvelopeTests
{
    private static readonly EnvelopeKeyPair Bank = EnvelopeKeyPair.FromPrivateKey(Convert.FromHexString("0f3c9a1e5b7d2c4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6"));
    private static readonly EnvelopeKeyPair OtherBank = EnvelopeKeyPair.Generate();
    private static readonly EnvelopeBinding Binding = new(new ConsentId(Keccak.Hash("consent-1")), Keccak.Hash("request-1"));
    private static readonly byte[] TaxData = Encoding.UTF8.GetBytes("{\"uscc\":\"91450200MA5XXXXXX1\",\"rating\":{\"2024\":\"A\",\"2025\":\"A\"}}");

    private static LedgerException OpenFails(byte[] envelope, EnvelopeKeyPair? key = null, EnvelopeBinding? binding = null) =>
        Assert.Throws<LedgerException>(() => Envelope.Open(envelope, (key ?? Bank).PrivateKey, binding ?? Binding));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(1000)]
    [InlineData(100_000)]
    public void SealThenOpen_AnyLength_ReturnsThePlaintext(int length)
    {
        var plaintext = RandomNumberGenerator.GetBytes(length);
        var envelope = Envelope.Seal(plaintext, Bank.PublicKey, Binding);
        Assert.Equal(Envelope.HeaderLength + length, envelope.Length);
        Assert.Equal(plaintext, Envelope.Open(envelope, Bank.PrivateKey, Binding));
        Assert.Equal(plaintext, Bank.Open(envelope, Binding));
    }

    [Fact]
    public void Seal_Twice_UsesFreshEphemeralKeyAndNonce()
    {
        var first = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        var second = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        Assert.NotEqual(first.AsSpan(1, 33).ToArray(), second.AsSpan(1, 33).ToArray());
        Assert.NotEqual(first.AsSpan(50, 12).ToArray(), second.AsSpan(50, 12).ToArray());
        Assert.NotEqual(first.AsSpan(Envelope.HeaderLength).ToArray(), second.AsSpan(Envelope.HeaderLength).ToArray());
        Assert.Equal(TaxData, Bank.Open(first, Binding));
        Assert.Equal(TaxData, Bank.Open(second, Binding));
    }

    [Fact]
    public void Seal_WritesTheDocumentedHeader()
    {
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        Assert.Equal(78, Envelope.HeaderLength);
        Assert.Equal(Envelope.Version, envelope[0]);
        Assert.True(envelope[1] is 0x02 or 0x03);
        Assert.Equal(Keccak.Hash(Bank.PublicKey).ToArray()[..8], envelope[34..42]);
        Assert.Equal(Keccak.Hash(Binding.ConsentId.Value, Binding.RequestHash).ToArray()[..8], envelope[42..50]);
        Assert.Equal(Bank.KeyId, Envelope.RecipientKeyId(envelope));
        Assert.DoesNotContain("91450200", Encoding.UTF8.GetString(envelope), StringComparison.Ordinal);
    }

    /// <summary>
    /// Rebuilds an envelope from the documented format with .NET's own primitives (OpenSSL's ECDH on secp256k1
    /// instead of BouncyCastle) and checks Seal writes exactly those bytes.
    /// </summary>
    [Fact]
    public void Seal_WithFixedEphemeralKeyAndNonce_EqualsAnIndependentBuildOfTheFormat()
    {
        var ephemeralPrivate = Convert.FromHexString("5a1f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877665544332211");
        var nonce = Convert.FromHexString("000102030405060708090a0b");
        var sealedByUs = Envelope.Seal(TaxData, Bank.PublicKey, Binding, ephemeralPrivate, nonce);

        var curve = ECCurve.CreateFromFriendlyName("secp256k1");
        using var ephemeral = ECDiffieHellman.Create(new ECParameters { Curve = curve, D = ephemeralPrivate });
        using var recipient = ECDiffieHellman.Create(new ECParameters { Curve = curve, D = Bank.PrivateKey.ToArray() });
        static byte[] Compressed(ECDiffieHellman key)
        {
            var q = key.ExportParameters(false).Q;
            return [(byte)((q.Y![31] & 1) == 0 ? 0x02 : 0x03), .. q.X!];
        }
        var ephemeralPublic = Compressed(ephemeral);
        var recipientPublic = Compressed(recipient);
        Assert.Equal(Bank.PublicKey.ToArray(), recipientPublic);

        var shared = ephemeral.DeriveRawSecretAgreement(recipient.PublicKey);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, [.. ephemeralPublic, .. recipientPublic], Encoding.UTF8.GetBytes("ledger/envelope/v1"));
        byte[] header =
        [
            1, .. ephemeralPublic,
            .. Keccak.Hash(recipientPublic).ToArray()[..8],
            .. Keccak.Hash([.. Binding.ConsentId.Value.ToArray(), .. Binding.RequestHash.ToArray()]).ToArray()[..8],
            .. nonce,
        ];
        byte[] associated = [.. header, .. Binding.ConsentId.Value.ToArray(), .. Binding.RequestHash.ToArray()];
        var ciphertext = new byte[TaxData.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(nonce, TaxData, ciphertext, tag, associated);
        }

        Assert.Equal([.. header, .. tag, .. ciphertext], sealedByUs);
    }

    [Fact]
    public void Open_WithAnotherMembersKey_FailsAsWrongRecipient()
    {
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        var ex = OpenFails(envelope, OtherBank);
        Assert.Equal(EnvelopeErrors.WrongRecipientCode, ex.Code);
        Assert.Equal(ErrorCategory.PermissionDenied, ex.Category);
        Assert.Contains("sealed to another key", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Bank.KeyId, ex.Message, StringComparison.Ordinal);
        Assert.Contains(OtherBank.KeyId, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WithAnotherKeyAndTheKeyIdRewrittenToMatch_FailsAsTampered()
    {
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        Keccak.Hash(OtherBank.PublicKey).ToArray()[..8].CopyTo(envelope, 34);
        var ex = OpenFails(envelope, OtherBank);
        Assert.Equal(EnvelopeErrors.TamperedCode, ex.Code);
    }

    [Fact]
    public void Open_UnderAnotherConsent_FailsAsWrongBinding()
    {
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        var otherConsent = Binding with { ConsentId = new ConsentId(Keccak.Hash("consent-2")) };
        var ex = OpenFails(envelope, binding: otherConsent);
        Assert.Equal(EnvelopeErrors.WrongBindingCode, ex.Code);
        Assert.Contains("another consent or request", ex.Message, StringComparison.Ordinal);
        Assert.Contains(otherConsent.ConsentId.Value.ToShortString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ForAnotherRequest_FailsAsWrongBinding()
    {
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        var ex = OpenFails(envelope, binding: Binding with { RequestHash = Keccak.Hash("request-2") });
        Assert.Equal(EnvelopeErrors.WrongBindingCode, ex.Code);
    }

    [Fact]
    public void Open_UnderAnotherConsentWithTheBindingIdRewritten_FailsAsTampered()
    {
        // The 8-byte binding id is only a hint: the full consent id and request hash are authenticated.
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        var replayed = Binding with { ConsentId = new ConsentId(Keccak.Hash("consent-2")) };
        replayed.Digest().ToArray()[..8].CopyTo(envelope, 42);
        Assert.Equal(EnvelopeErrors.TamperedCode, OpenFails(envelope, binding: replayed).Code);
    }

    public static TheoryData<string, int> TamperedBytes() => new()
    {
        { "ephemeral key", 1 + 20 },
        { "nonce", 50 },
        { "nonce", 61 },
        { "tag", 62 },
        { "tag", 77 },
        { "ciphertext", 78 },
        { "ciphertext", -1 },
    };

    [Theory]
    [MemberData(nameof(TamperedBytes))]
    public void Open_OneBitFlipped_FailsAsTampered(string field, int offset)
    {
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        envelope[offset < 0 ? envelope.Length + offset : offset] ^= 0x01;
        var ex = OpenFails(envelope);
        Assert.True(ex.Code == EnvelopeErrors.TamperedCode, $"{field}: {ex}");
        Assert.Equal(ErrorCategory.Tampered, ex.Category);
        Assert.Contains("altered in transit or forged", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EphemeralKeyPrefixChanged_FailsAsTampered()
    {
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        envelope[1] = 0x04;
        var ex = OpenFails(envelope);
        Assert.Equal(EnvelopeErrors.TamperedCode, ex.Code);
        Assert.Contains("ephemeral public key is invalid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EphemeralKeyNotOnTheCurve_FailsAsTampered()
    {
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        // x = 5 has no point on secp256k1 (5³ + 7 = 132 is not a square mod p).
        var x = new byte[32];
        x[31] = 5;
        x.CopyTo(envelope, 2);
        var ex = OpenFails(envelope);
        Assert.Equal(EnvelopeErrors.TamperedCode, ex.Code);
        Assert.Contains("ephemeral public key is invalid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_LastCiphertextByteCut_FailsAsTampered()
    {
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        Assert.Equal(EnvelopeErrors.TamperedCode, OpenFails(envelope[..^1]).Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(77)]
    public void Open_ShorterThanTheHeader_FailsAsTruncated(int length)
    {
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        var ex = OpenFails(envelope[..length]);
        Assert.Equal(EnvelopeErrors.TruncatedCode, ex.Code);
        Assert.Contains($"{length} byte(s) long", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UnknownVersion_FailsAsUnsupportedVersion()
    {
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        envelope[0] = 2;
        var ex = OpenFails(envelope);
        Assert.Equal(EnvelopeErrors.UnsupportedVersionCode, ex.Code);
        Assert.Contains("version 2", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[]> BadPublicKeys()
    {
        var uncompressed = new byte[65];
        uncompressed[0] = 0x04;
        var notOnCurve = new byte[33];
        notOnCurve[0] = 0x02;
        notOnCurve[32] = 5;
        return new()
        {
            { "32 bytes", new byte[32] },
            { "uncompressed", uncompressed },
            { "prefix 0x05", [0x05, .. new byte[32]] },
            { "x off the curve", notOnCurve },
        };
    }

    [Theory]
    [MemberData(nameof(BadPublicKeys))]
    public void Seal_ToAnInvalidPublicKey_FailsAsInvalidPublicKey(string what, byte[] publicKey)
    {
        var ex = Assert.Throws<LedgerException>(() => Envelope.Seal(TaxData, publicKey, Binding));
        Assert.True(ex.Code == EnvelopeErrors.InvalidPublicKeyCode, what);
        Assert.Contains("compressed secp256k1 public key", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[]> BadPrivateKeys() => new()
    {
        { "31 bytes", new byte[31] },
        { "zero", new byte[32] },
        { "curve order", Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141") },
        { "all ones", Enumerable.Repeat((byte)0xff, 32).ToArray() },
    };

    [Theory]
    [MemberData(nameof(BadPrivateKeys))]
    public void Open_WithAnInvalidPrivateKey_FailsAsInvalidPrivateKey(string what, byte[] privateKey)
    {
        var envelope = Envelope.Seal(TaxData, Bank.PublicKey, Binding);
        var ex = Assert.Throws<LedgerException>(() => Envelope.Open(envelope, privateKey, Binding));
        Assert.True(ex.Code == EnvelopeErrors.InvalidPrivateKeyCode, what);
        Assert.Equal(EnvelopeErrors.InvalidPrivateKeyCode, Assert.Throws<LedgerException>(() => EnvelopeKeyPair.FromPrivateKey(privateKey)).Code);
    }

    [Fact]
    public void Generate_GivesACompressedKeyMatchingTheSignersDerivation()
    {
        var pair = EnvelopeKeyPair.Generate();
        Assert.Equal(32, pair.PrivateKey.Length);
        Assert.Equal(33, pair.PublicKey.Length);
        Assert.True(pair.PublicKey[0] is 0x02 or 0x03);
        Assert.Equal(Secp256k1Signer.CompressedPublicKey(pair.PrivateKey), pair.PublicKey.ToArray());
        Assert.Equal(pair.PublicKey.ToArray(), EnvelopeKeyPair.FromPrivateKey(pair.PrivateKey).PublicKey.ToArray());
        Assert.NotEqual(pair.PrivateKey.ToArray(), EnvelopeKeyPair.Generate().PrivateKey.ToArray());
    }

    [Fact]
    public void ToString_ShowsThePublicKeyButNeverThePrivateKey()
    {
        var text = Bank.ToString();
        Assert.Contains(Convert.ToHexStringLower(Bank.PublicKey), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(Bank.PrivateKey), text, StringComparison.OrdinalIgnoreCase);
    }
}
