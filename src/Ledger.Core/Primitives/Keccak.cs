namespace Ledger.Core.Primitives;

/// <summary>Keccak-256 as Ethereum uses it (not NIST SHA3-256).</summary>
public static class Keccak
{
    /// <summary>keccak256(data).</summary>
    public static Hash32 Hash(ReadOnlySpan<byte> data) => Crypto.KeccakSponge.Hash(data);

    /// <summary>keccak256 of the UTF-8 bytes of <paramref name="text"/> (e.g. an EIP-712 type string).</summary>
    public static Hash32 Hash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Short texts (method names, type strings, request ids) are encoded on the stack.
        var length = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        if (length <= 512)
        {
            Span<byte> buffer = stackalloc byte[length];
            return Hash(buffer[..System.Text.Encoding.UTF8.GetBytes(text, buffer)]);
        }
        return Hash(System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>keccak256(a ‖ b), the pair hash of a Merkle tree once the pair is ordered.</summary>
    public static Hash32 Hash(Hash32 a, Hash32 b) => Merkle.MerkleKeccak.Hash(a, b);
}
