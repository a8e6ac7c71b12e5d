using Org.BouncyCastle.Crypto.Digests;

namespace Ledger.Core.Primitives;

/// <summary>Keccak-256 as Ethereum uses it (not NIST SHA3-256).</summary>
public static class Keccak
{
    /// <summary>keccak256(data).</summary>
    public static Hash32 Hash(ReadOnlySpan<byte> data)
    {
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(data);
        Span<byte> output = stackalloc byte[32];
        digest.DoFinal(output);
        return new Hash32(output);
    }

    /// <summary>keccak256 of the UTF-8 bytes of <paramref name="text"/> (e.g. an EIP-712 type string).</summary>
    public static Hash32 Hash(string text) => Hash(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>keccak256(a ‖ b), the pair hash of a Merkle tree once the pair is ordered.</summary>
    public static Hash32 Hash(Hash32 a, Hash32 b)
    {
        Span<byte> buffer = stackalloc byte[64];
        a.CopyTo(buffer);
        b.CopyTo(buffer[32..]);
        return Hash(buffer);
    }
}
