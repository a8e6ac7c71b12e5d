using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Ledger.Core.Primitives;

namespace Ledger.Core.Crypto;

/// <summary>
/// Keccak-256 (Ethereum's, not NIST SHA3) over a span, with the state in 25 locals and no allocation: what
/// <see cref="Keccak.Hash(ReadOnlySpan{byte})"/> runs. Every request a node serves hashes a dozen small inputs
/// (EIP-712 digests, record and request hashes) and a report of several kilobytes; BouncyCastle's digest object cost
/// about five times as much per hash. The tests compare it with BouncyCastle's <c>KeccakDigest</c> on random inputs
/// of every length around the 136-byte rate.
/// </summary>
internal static class KeccakSponge
{
    private const int Rate = 136; // bytes per block for a 256-bit output

    private static readonly ulong[] RoundConstants =
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808aUL, 0x8000000080008000UL,
        0x000000000000808bUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008aUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000aUL,
        0x000000008000808bUL, 0x800000000000008bUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800aUL, 0x800000008000000aUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

    /// <summary>keccak256(<paramref name="data"/>).</summary>
    public static Hash32 Hash(ReadOnlySpan<byte> data)
    {
        Span<ulong> state = stackalloc ulong[25];
        state.Clear();
        while (data.Length >= Rate)
        {
            Absorb(state, data[..Rate]);
            Permute(state);
            data = data[Rate..];
        }
        // Final block: the rest, then Keccak's multi-rate padding 0x01 … 0x80.
        Span<byte> last = stackalloc byte[Rate];
        last.Clear();
        data.CopyTo(last);
        last[data.Length] ^= 0x01;
        last[Rate - 1] ^= 0x80;
        Absorb(state, last);
        Permute(state);

        Span<byte> digest = stackalloc byte[32];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(digest[(i * 8)..], state[i]);
        }
        return new Hash32(digest);
    }

    private static void Absorb(Span<ulong> state, ReadOnlySpan<byte> block)
    {
        for (var i = 0; i < Rate / 8; i++)
        {
            state[i] ^= BinaryPrimitives.ReadUInt64LittleEndian(block[(i * 8)..]);
        }
    }

    /// <summary>Keccak-f[1600] on a 25-lane state, in place: the one scalar permutation (sponge and Merkle hashes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Permute(Span<ulong> s)
    {
        ulong a00 = s[0], a01 = s[1], a02 = s[2], a03 = s[3], a04 = s[4];
        ulong a05 = s[5], a06 = s[6], a07 = s[7], a08 = s[8], a09 = s[9];
        ulong a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14];
        ulong a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19];
        ulong a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];
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
        s[0] = a00; s[1] = a01; s[2] = a02; s[3] = a03; s[4] = a04;
        s[5] = a05; s[6] = a06; s[7] = a07; s[8] = a08; s[9] = a09;
        s[10] = a10; s[11] = a11; s[12] = a12; s[13] = a13; s[14] = a14;
        s[15] = a15; s[16] = a16; s[17] = a17; s[18] = a18; s[19] = a19;
        s[20] = a20; s[21] = a21; s[22] = a22; s[23] = a23; s[24] = a24;
    }
}
