using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Ledger.Core.Primitives;

namespace Ledger.Audit.Verification;

/// <summary>
/// Four Keccak-256 hashes at once, one per 64-bit element of 256-bit vectors (the "times4" layout of the Keccak
/// team's XKCP). Whole-ledger verification spends nearly all its time in Keccak-f[1600] — three permutations to
/// hash a record, two for its leaf, one for its share of the tree's inner nodes — and those are independent across
/// records, so four go through one vectorized permutation. Rotations use AVX-512's <c>vprolq</c> where present,
/// shifts otherwise. The tests compare every function with the scalar Keccak on random inputs.
/// </summary>
internal static class KeccakX4
{
    private const int Rate = 136;

    private static readonly ulong[] RoundConstants =
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808aUL, 0x8000000080008000UL,
        0x000000000000808bUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008aUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000aUL,
        0x000000008000808bUL, 0x800000000000008bUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800aUL, 0x800000008000000aUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

    /// <summary>True when 256-bit vectors are hardware-accelerated; otherwise callers use the scalar path.</summary>
    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    /// <summary>keccak256 of four inputs of <paramref name="length"/> bytes, the k-th at offset k × <paramref name="stride"/> of <paramref name="inputs"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> inputs, int stride, int length, Span<Hash32> digests)
    {
        Span<Vector256<ulong>> state = stackalloc Vector256<ulong>[25];
        state.Clear();
        var a = inputs[..length];
        var b = inputs.Slice(stride, length);
        var c = inputs.Slice(2 * stride, length);
        var d = inputs.Slice(3 * stride, length);
        var offset = 0;
        while (length - offset >= Rate)
        {
            for (var lane = 0; lane < Rate / 8; lane++)
            {
                var at = offset + (lane * 8);
                state[lane] ^= Vector256.Create(
                    BinaryPrimitives.ReadUInt64LittleEndian(a[at..]), BinaryPrimitives.ReadUInt64LittleEndian(b[at..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(c[at..]), BinaryPrimitives.ReadUInt64LittleEndian(d[at..]));
            }
            Permute(state);
            offset += Rate;
        }
        // The final block of each: the rest, then Keccak's padding 0x01 … 0x80 (the same for all four).
        Span<byte> last = stackalloc byte[4 * Rate];
        last.Clear();
        var rest = length - offset;
        a[offset..].CopyTo(last);
        b[offset..].CopyTo(last[Rate..]);
        c[offset..].CopyTo(last[(2 * Rate)..]);
        d[offset..].CopyTo(last[(3 * Rate)..]);
        for (var k = 0; k < 4; k++)
        {
            last[(k * Rate) + rest] ^= 0x01;
            last[(k * Rate) + Rate - 1] ^= 0x80;
        }
        for (var lane = 0; lane < Rate / 8; lane++)
        {
            var at = lane * 8;
            state[lane] ^= Vector256.Create(
                BinaryPrimitives.ReadUInt64LittleEndian(last[at..]), BinaryPrimitives.ReadUInt64LittleEndian(last[(Rate + at)..]),
                BinaryPrimitives.ReadUInt64LittleEndian(last[((2 * Rate) + at)..]), BinaryPrimitives.ReadUInt64LittleEndian(last[((3 * Rate) + at)..]));
        }
        Permute(state);
        Squeeze(state, digests);
    }

    /// <summary>The standard Merkle leaves of four values: keccak256(keccak256(value)).</summary>
    public static void LeafHash(Hash32 v0, Hash32 v1, Hash32 v2, Hash32 v3, Span<Hash32> leaves)
    {
        Span<Vector256<ulong>> state = stackalloc Vector256<ulong>[25];
        Load32(state, v0, v1, v2, v3);
        Permute(state);
        // Inner digests are the first four lanes; hash them again as 32-byte inputs.
        var l0 = state[0];
        var l1 = state[1];
        var l2 = state[2];
        var l3 = state[3];
        state.Clear();
        state[0] = l0;
        state[1] = l1;
        state[2] = l2;
        state[3] = l3;
        state[4] = Vector256.Create(0x01UL);
        state[16] = Vector256.Create(0x80UL << 56);
        Permute(state);
        Squeeze(state, leaves);
    }

    /// <summary>Four standard node hashes: keccak256(min ‖ max) of each pair.</summary>
    public static void NodeHash(ReadOnlySpan<Hash32> left, ReadOnlySpan<Hash32> right, Span<Hash32> nodes)
    {
        Span<ulong> lanes = stackalloc ulong[4 * 8];
        for (var k = 0; k < 4; k++)
        {
            var (lo, hi) = left[k] <= right[k] ? (left[k], right[k]) : (right[k], left[k]);
            WriteLanes(lo, lanes.Slice(k * 8, 4));
            WriteLanes(hi, lanes.Slice((k * 8) + 4, 4));
        }
        Span<Vector256<ulong>> state = stackalloc Vector256<ulong>[25];
        state.Clear();
        for (var lane = 0; lane < 8; lane++)
        {
            state[lane] = Vector256.Create(lanes[lane], lanes[8 + lane], lanes[16 + lane], lanes[24 + lane]);
        }
        state[8] = Vector256.Create(0x01UL);
        state[16] = Vector256.Create(0x80UL << 56);
        Permute(state);
        Squeeze(state, nodes);
    }

    private static void Load32(Span<Vector256<ulong>> state, Hash32 v0, Hash32 v1, Hash32 v2, Hash32 v3)
    {
        Span<ulong> lanes = stackalloc ulong[16];
        WriteLanes(v0, lanes[..4]);
        WriteLanes(v1, lanes.Slice(4, 4));
        WriteLanes(v2, lanes.Slice(8, 4));
        WriteLanes(v3, lanes.Slice(12, 4));
        state.Clear();
        for (var lane = 0; lane < 4; lane++)
        {
            state[lane] = Vector256.Create(lanes[lane], lanes[4 + lane], lanes[8 + lane], lanes[12 + lane]);
        }
        state[4] = Vector256.Create(0x01UL);
        state[16] = Vector256.Create(0x80UL << 56);
    }

    private static void WriteLanes(Hash32 value, Span<ulong> lanes)
    {
        Span<byte> bytes = stackalloc byte[32];
        value.CopyTo(bytes);
        for (var i = 0; i < 4; i++)
        {
            lanes[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i * 8)..]);
        }
    }

    private static void Squeeze(ReadOnlySpan<Vector256<ulong>> state, Span<Hash32> digests)
    {
        Span<byte> digest = stackalloc byte[32];
        for (var k = 0; k < 4; k++)
        {
            for (var lane = 0; lane < 4; lane++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(digest[(lane * 8)..], state[lane].GetElement(k));
            }
            digests[k] = new Hash32(digest);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Rol(Vector256<ulong> v, [System.Diagnostics.CodeAnalysis.ConstantExpected(Min = 1, Max = 63)] byte n) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(v, n) : (v << n) | (v >>> (64 - n));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Permute(Span<Vector256<ulong>> s)
    {
        Vector256<ulong> a00 = s[0], a01 = s[1], a02 = s[2], a03 = s[3], a04 = s[4];
        Vector256<ulong> a05 = s[5], a06 = s[6], a07 = s[7], a08 = s[8], a09 = s[9];
        Vector256<ulong> a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14];
        Vector256<ulong> a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19];
        Vector256<ulong> a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];
        var constants = RoundConstants;
        for (var round = 0; round < 24; round++)
        {
            // θ
            var c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
            var c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
            var c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
            var c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
            var c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
            var d0 = Rol(c1, 1) ^ c4;
            var d1 = Rol(c2, 1) ^ c0;
            var d2 = Rol(c3, 1) ^ c1;
            var d3 = Rol(c4, 1) ^ c2;
            var d4 = Rol(c0, 1) ^ c3;
            a00 ^= d0; a05 ^= d0; a10 ^= d0; a15 ^= d0; a20 ^= d0;
            a01 ^= d1; a06 ^= d1; a11 ^= d1; a16 ^= d1; a21 ^= d1;
            a02 ^= d2; a07 ^= d2; a12 ^= d2; a17 ^= d2; a22 ^= d2;
            a03 ^= d3; a08 ^= d3; a13 ^= d3; a18 ^= d3; a23 ^= d3;
            a04 ^= d4; a09 ^= d4; a14 ^= d4; a19 ^= d4; a24 ^= d4;

            // ρ and π
            c1 = Rol(a01, 1);
            a01 = Rol(a06, 44);
            a06 = Rol(a09, 20);
            a09 = Rol(a22, 61);
            a22 = Rol(a14, 39);
            a14 = Rol(a20, 18);
            a20 = Rol(a02, 62);
            a02 = Rol(a12, 43);
            a12 = Rol(a13, 25);
            a13 = Rol(a19, 8);
            a19 = Rol(a23, 56);
            a23 = Rol(a15, 41);
            a15 = Rol(a04, 27);
            a04 = Rol(a24, 14);
            a24 = Rol(a21, 2);
            a21 = Rol(a08, 55);
            a08 = Rol(a16, 45);
            a16 = Rol(a05, 36);
            a05 = Rol(a03, 28);
            a03 = Rol(a18, 21);
            a18 = Rol(a17, 15);
            a17 = Rol(a11, 10);
            a11 = Rol(a07, 6);
            a07 = Rol(a10, 3);
            a10 = c1;

            // χ: a ^ (~b & c)
            c0 = a00 ^ Vector256.AndNot(a02, a01);
            c1 = a01 ^ Vector256.AndNot(a03, a02);
            a02 ^= Vector256.AndNot(a04, a03);
            a03 ^= Vector256.AndNot(a00, a04);
            a04 ^= Vector256.AndNot(a01, a00);
            a00 = c0;
            a01 = c1;

            c0 = a05 ^ Vector256.AndNot(a07, a06);
            c1 = a06 ^ Vector256.AndNot(a08, a07);
            a07 ^= Vector256.AndNot(a09, a08);
            a08 ^= Vector256.AndNot(a05, a09);
            a09 ^= Vector256.AndNot(a06, a05);
            a05 = c0;
            a06 = c1;

            c0 = a10 ^ Vector256.AndNot(a12, a11);
            c1 = a11 ^ Vector256.AndNot(a13, a12);
            a12 ^= Vector256.AndNot(a14, a13);
            a13 ^= Vector256.AndNot(a10, a14);
            a14 ^= Vector256.AndNot(a11, a10);
            a10 = c0;
            a11 = c1;

            c0 = a15 ^ Vector256.AndNot(a17, a16);
            c1 = a16 ^ Vector256.AndNot(a18, a17);
            a17 ^= Vector256.AndNot(a19, a18);
            a18 ^= Vector256.AndNot(a15, a19);
            a19 ^= Vector256.AndNot(a16, a15);
            a15 = c0;
            a16 = c1;

            c0 = a20 ^ Vector256.AndNot(a22, a21);
            c1 = a21 ^ Vector256.AndNot(a23, a22);
            a22 ^= Vector256.AndNot(a24, a23);
            a23 ^= Vector256.AndNot(a20, a24);
            a24 ^= Vector256.AndNot(a21, a20);
            a20 = c0;
            a21 = c1;

            // ι
            a00 ^= Vector256.Create(constants[round]);
        }
        s[0] = a00; s[1] = a01; s[2] = a02; s[3] = a03; s[4] = a04;
        s[5] = a05; s[6] = a06; s[7] = a07; s[8] = a08; s[9] = a09;
        s[10] = a10; s[11] = a11; s[12] = a12; s[13] = a13; s[14] = a14;
        s[15] = a15; s[16] = a16; s[17] = a17; s[18] = a18; s[19] = a19;
        s[20] = a20; s[21] = a21; s[22] = a22; s[23] = a23; s[24] = a24;
    }
}
