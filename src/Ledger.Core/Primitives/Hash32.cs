using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Ledger.Core.Primitives;

/// <summary>A 32-byte value (a keccak-256 hash, a bytes32 id). Immutable, compared by value, printed as 0x-hex.</summary>
public readonly struct Hash32 : IEquatable<Hash32>, IComparable<Hash32>
{
    private readonly ulong _a, _b, _c, _d; // big-endian words

    /// <summary>All zero bytes.</summary>
    public static readonly Hash32 Zero;

    /// <summary>Wraps exactly 32 bytes.</summary>
    /// <exception cref="ArgumentException">when <paramref name="bytes"/> is not 32 bytes long.</exception>
    public Hash32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 32)
        {
            throw new ArgumentException($"A 32-byte value was expected but {bytes.Length} bytes were given.", nameof(bytes));
        }
        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>True when every byte is zero.</summary>
    public bool IsZero => (_a | _b | _c | _d) == 0;

    /// <summary>Writes the 32 bytes into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>A new array with the 32 bytes.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[32];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Parses 64 hex digits, with or without a 0x prefix.</summary>
    /// <exception cref="FormatException">with a sentence saying what is wrong.</exception>
    public static Hash32 Parse(string hex)
    {
        if (!TryParse(hex, out var value))
        {
            throw new FormatException($"'{Truncate(hex)}' is not a 32-byte hex value (expected 0x followed by 64 hex digits).");
        }
        return value;
    }

    /// <summary>Parses 64 hex digits, with or without a 0x prefix.</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out Hash32 value)
    {
        value = default;
        if (hex is null)
        {
            return false;
        }
        var digits = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex.AsSpan(2) : hex.AsSpan();
        if (digits.Length != 64)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[32];
        if (Convert.FromHexString(digits, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }
        value = new Hash32(bytes);
        return true;
    }

    /// <summary>Interprets a big-endian byte array of at most 32 bytes, left-padded with zeros (as Solidity does for uint256).</summary>
    public static Hash32 FromUInt256(ReadOnlySpan<byte> bigEndian)
    {
        if (bigEndian.Length > 32)
        {
            throw new ArgumentException("A uint256 has at most 32 bytes.", nameof(bigEndian));
        }
        Span<byte> bytes = stackalloc byte[32];
        bigEndian.CopyTo(bytes[(32 - bigEndian.Length)..]);
        return new Hash32(bytes);
    }

    /// <inheritdoc/>
    public bool Equals(Hash32 other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Hash32 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    /// <summary>Byte-wise (big-endian, unsigned) order — the order OpenZeppelin uses to sort leaves and pairs.</summary>
    public int CompareTo(Hash32 other)
    {
        var c = _a.CompareTo(other._a);
        if (c != 0)
        {
            return c;
        }
        c = _b.CompareTo(other._b);
        if (c != 0)
        {
            return c;
        }
        c = _c.CompareTo(other._c);
        return c != 0 ? c : _d.CompareTo(other._d);
    }

    /// <summary>0x followed by 64 lower-case hex digits.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[32];
        CopyTo(bytes);
        return "0x" + Convert.ToHexStringLower(bytes);
    }

    /// <summary>The first bytes for humans, e.g. 0x12ab34cd…</summary>
    public string ToShortString() => ToString()[..10] + "…";

    public static bool operator ==(Hash32 left, Hash32 right) => left.Equals(right);
    public static bool operator !=(Hash32 left, Hash32 right) => !left.Equals(right);
    public static bool operator <(Hash32 left, Hash32 right) => left.CompareTo(right) < 0;
    public static bool operator >(Hash32 left, Hash32 right) => left.CompareTo(right) > 0;
    public static bool operator <=(Hash32 left, Hash32 right) => left.CompareTo(right) <= 0;
    public static bool operator >=(Hash32 left, Hash32 right) => left.CompareTo(right) >= 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string Truncate(string? s) => s is null ? "(null)" : s.Length <= 80 ? s : s[..80] + "…";
}
