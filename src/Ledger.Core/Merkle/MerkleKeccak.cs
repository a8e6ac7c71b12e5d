using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Ledger.Core.Primitives;

namespace Ledger.Core.Merkle;

/// <summary>
/// Keccak-256 for the two inputs a Merkle tree hashes millions of times: one 32-byte word (the leaf's inner and
/// outer hash) and two 32-byte words (a node). Both fit in one 136-byte block, so the sponge is one permutation
/// over a state held in locals: no digest object, no buffer, no allocation. The general-purpose
/// <see cref="Keccak"/> (BouncyCastle) gives the same bytes; the tests compare the two on random inputs.
/// </summary>
internal static class MerkleKeccak
{
    private const ulong PadFirst = 0x01UL;            // Keccak's (pre-SHA-3) multi-rate padding: 0x01 … 0x80
    private const ulong PadLast = 0x80UL << 56;       // last byte of the 136-byte rate, lane 16

    private static readonly ulong[] RoundConstants =
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808aUL, 0x8000000080008000UL,
        0x000000000000808bUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008aUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000aUL,
        0x000000008000808bUL, 0x800000000000008bUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800aUL, 0x800000008000000aUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

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
    /// One Keccak-f[1600] permutation of a state whose first nine lanes are the given (already padded) block and
    /// whose lane 16 carries the final padding bit; returns the first four lanes as the digest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Hash32 Permute(ulong a00, ulong a01, ulong a02, ulong a03, ulong a04, ulong a05, ulong a06, ulong a07, ulong a08)
    {
        ulong a09 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0, a14 = 0, a15 = 0, a16 = PadLast, a17 = 0, a18 = 0, a19 = 0;
        ulong a20 = 0, a21 = 0, a22 = 0, a23 = 0, a24 = 0;
        var constants = RoundConstants;
        for (var round = 0; round < 24; round++)
        {
            // θ
            var c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
            var c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
            var c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
            var c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
            var c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
            var d0 = ulong.RotateLeft(c1, 1) ^ c4;
            var d1 = ulong.RotateLeft(c2, 1) ^ c0;
            var d2 = ulong.RotateLeft(c3, 1) ^ c1;
            var d3 = ulong.RotateLeft(c4, 1) ^ c2;
            var d4 = ulong.RotateLeft(c0, 1) ^ c3;
            a00 ^= d0; a05 ^= d0; a10 ^= d0; a15 ^= d0; a20 ^= d0;
            a01 ^= d1; a06 ^= d1; a11 ^= d1; a16 ^= d1; a21 ^= d1;
            a02 ^= d2; a07 ^= d2; a12 ^= d2; a17 ^= d2; a22 ^= d2;
            a03 ^= d3; a08 ^= d3; a13 ^= d3; a18 ^= d3; a23 ^= d3;
            a04 ^= d4; a09 ^= d4; a14 ^= d4; a19 ^= d4; a24 ^= d4;

            // ρ and π
            c1 = ulong.RotateLeft(a01, 1);
            a01 = ulong.RotateLeft(a06, 44);
            a06 = ulong.RotateLeft(a09, 20);
            a09 = ulong.RotateLeft(a22, 61);
            a22 = ulong.RotateLeft(a14, 39);
            a14 = ulong.RotateLeft(a20, 18);
            a20 = ulong.RotateLeft(a02, 62);
            a02 = ulong.RotateLeft(a12, 43);
            a12 = ulong.RotateLeft(a13, 25);
            a13 = ulong.RotateLeft(a19, 8);
            a19 = ulong.RotateLeft(a23, 56);
            a23 = ulong.RotateLeft(a15, 41);
            a15 = ulong.RotateLeft(a04, 27);
            a04 = ulong.RotateLeft(a24, 14);
            a24 = ulong.RotateLeft(a21, 2);
            a21 = ulong.RotateLeft(a08, 55);
            a08 = ulong.RotateLeft(a16, 45);
            a16 = ulong.RotateLeft(a05, 36);
            a05 = ulong.RotateLeft(a03, 28);
            a03 = ulong.RotateLeft(a18, 21);
            a18 = ulong.RotateLeft(a17, 15);
            a17 = ulong.RotateLeft(a11, 10);
            a11 = ulong.RotateLeft(a07, 6);
            a07 = ulong.RotateLeft(a10, 3);
            a10 = c1;

            // χ
            c0 = a00 ^ (~a01 & a02);
            c1 = a01 ^ (~a02 & a03);
            a02 ^= ~a03 & a04;
            a03 ^= ~a04 & a00;
            a04 ^= ~a00 & a01;
            a00 = c0;
            a01 = c1;

            c0 = a05 ^ (~a06 & a07);
            c1 = a06 ^ (~a07 & a08);
            a07 ^= ~a08 & a09;
            a08 ^= ~a09 & a05;
            a09 ^= ~a05 & a06;
            a05 = c0;
            a06 = c1;

            c0 = a10 ^ (~a11 & a12);
            c1 = a11 ^ (~a12 & a13);
            a12 ^= ~a13 & a14;
            a13 ^= ~a14 & a10;
            a14 ^= ~a10 & a11;
            a10 = c0;
            a11 = c1;

            c0 = a15 ^ (~a16 & a17);
            c1 = a16 ^ (~a17 & a18);
            a17 ^= ~a18 & a19;
            a18 ^= ~a19 & a15;
            a19 ^= ~a15 & a16;
            a15 = c0;
            a16 = c1;

            c0 = a20 ^ (~a21 & a22);
            c1 = a21 ^ (~a22 & a23);
            a22 ^= ~a23 & a24;
            a23 ^= ~a24 & a20;
            a24 ^= ~a20 & a21;
            a20 = c0;
            a21 = c1;

            // ι
            a00 ^= constants[round];
        }

        Span<byte> digest = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64LittleEndian(digest, a00);
        BinaryPrimitives.WriteUInt64LittleEndian(digest[8..], a01);
        BinaryPrimitives.WriteUInt64LittleEndian(digest[16..], a02);
        BinaryPrimitives.WriteUInt64LittleEndian(digest[24..], a03);
        return new Hash32(digest);
    }
}
