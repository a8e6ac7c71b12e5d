using System.Buffers.Binary;
using Ledger.Core.Primitives;

namespace Ledger.Core.Merkle;

/// <summary>
/// Keccak-256 for the two inputs a Merkle tree hashes millions of times: one 32-byte word (the leaf's inner and
/// outer hash) and two 32-byte words (a node). Both fit in one 136-byte block, so the sponge is one permutation
/// over a state on the stack: no digest object, no buffer, no allocation. The permutation is the one of
/// <see cref="Crypto.KeccakSponge"/> (the vectorised four-way one of the audit path is the only other). The general-purpose
/// <see cref="Keccak"/> (BouncyCastle) gives the same bytes; the tests compare the two on random inputs.
/// </summary>
internal static class MerkleKeccak
{
    private const ulong PadFirst = 0x01UL;            // Keccak's (pre-SHA-3) multi-rate padding: 0x01 … 0x80
    private const ulong PadLast = 0x80UL << 56;       // last byte of the 136-byte rate, lane 16

    /// <summary>keccak256(value) for a 32-byte value.</summary>
    public static Hash32 Hash(Hash32 value)
    {
        Span<byte> buffer = stackalloc byte[32];
        value.CopyTo(buffer);
        return Permute(
            BinaryPrimitives.ReadUInt64LittleEndian(buffer),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[24..]),
            PadFirst, 0, 0, 0, 0);
    }

    /// <summary>keccak256(a ‖ b).</summary>
    public static Hash32 Hash(Hash32 a, Hash32 b)
    {
        Span<byte> buffer = stackalloc byte[64];
        a.CopyTo(buffer);
        b.CopyTo(buffer[32..]);
        return Permute(
            BinaryPrimitives.ReadUInt64LittleEndian(buffer),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[32..]),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[40..]),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[48..]),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[56..]),
            PadFirst);
    }

    /// <summary>The standard leaf of a bytes32 value: keccak256(keccak256(abi.encode(value))) — abi.encode of a bytes32 is the value itself.</summary>
    public static Hash32 LeafHash(Hash32 value) => Hash(Hash(value));

    /// <summary>The standard node: keccak256 of the pair in ascending order.</summary>
    public static Hash32 NodeHash(Hash32 a, Hash32 b) => a <= b ? Hash(a, b) : Hash(b, a);

    /// <summary>
    /// keccak256 of one block whose first nine lanes are the given (already padded) words, with the final padding bit
    /// in lane 16: one run of the one Keccak-f[1600] permutation (<see cref="Crypto.KeccakSponge.Permute"/>) over a
    /// state on the stack; returns the first four lanes as the digest.
    /// </summary>
    private static Hash32 Permute(ulong a00, ulong a01, ulong a02, ulong a03, ulong a04, ulong a05, ulong a06, ulong a07, ulong a08)
    {
        Span<ulong> state = stackalloc ulong[25];
        state.Clear();
        state[0] = a00; state[1] = a01; state[2] = a02; state[3] = a03; state[4] = a04;
        state[5] = a05; state[6] = a06; state[7] = a07; state[8] = a08;
        state[16] = PadLast;
        Crypto.KeccakSponge.Permute(state);
        Span<byte> digest = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64LittleEndian(digest, state[0]);
        BinaryPrimitives.WriteUInt64LittleEndian(digest[8..], state[1]);
        BinaryPrimitives.WriteUInt64LittleEndian(digest[16..], state[2]);
        BinaryPrimitives.WriteUInt64LittleEndian(digest[24..], state[3]);
        return new Hash32(digest);
    }
}
