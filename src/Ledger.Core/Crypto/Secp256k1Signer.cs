using System.Numerics;
using Ledger.Core.Primitives;
using Nethereum.Signer;
using Org.BouncyCastle.Asn1.Sec;


namespace Ledger.Core.Crypto;

/// <summary>
/// secp256k1 signatures as Ethereum makes them: 65 bytes r ‖ s ‖ v, v ∈ {27, 28}, s in the lower half of the
/// curve order (EIP-2; OpenZeppelin's ECDSA refuses the upper half).
/// </summary>
public static class Secp256k1Signer
{
    private static readonly BigInteger CurveOrder =
        BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    /// <summary>Signs a 32-byte digest (no prefix is added).</summary>
    public static byte[] SignDigest(Hash32 digest, ReadOnlySpan<byte> privateKey)
    {
        var key = new EthECKey(privateKey.ToArray(), true);
        var signature = key.SignAndCalculateV(digest.ToArray());
        var result = new byte[65];
        var r = signature.R;
        var s = signature.S;
        r.CopyTo(result, 32 - r.Length);
        s.CopyTo(result, 64 - s.Length);
        result[64] = signature.V[0];
        if (!IsLowS(result))
        {
            throw new InvalidOperationException("The signer produced a high-s signature; refusing to emit a malleable signature.");
        }
        return result;
    }

    /// <summary>The address that signed <paramref name="digest"/>, or null when the signature is malformed or malleable.</summary>
    public static EthAddress? Recover(Hash32 digest, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 65 || !IsLowS(signature) || signature[64] is not (27 or 28))
        {
            return null;
        }
        try
        {
            var ecdsa = EthECDSASignatureFactory.FromComponents(signature[..32].ToArray(), signature[32..64].ToArray(), signature[64]);
            var key = EthECKey.RecoverFromSignature(ecdsa, digest.ToArray());
            return EthAddress.Parse(key.GetPublicAddress());
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>True when s ≤ n/2.</summary>
    public static bool IsLowS(ReadOnlySpan<byte> signature)
    {
        var s = new BigInteger(signature.Slice(32, 32), isUnsigned: true, isBigEndian: true);
        return s.Sign > 0 && s <= CurveOrder / 2;
    }

    /// <summary>The Ethereum address of a private key.</summary>
    public static EthAddress AddressOf(ReadOnlySpan<byte> privateKey) => EthAddress.Parse(new EthECKey(privateKey.ToArray(), true).GetPublicAddress());

    /// <summary>The compressed (33-byte) public key of a private key — the form the consortium registers.</summary>
    public static byte[] CompressedPublicKey(ReadOnlySpan<byte> privateKey)
    {
        var curve = SecNamedCurves.GetByName("secp256k1");
        var d = new Org.BouncyCastle.Math.BigInteger(1, privateKey.ToArray());
        return curve.G.Multiply(d).Normalize().GetEncoded(true);
    }
}
