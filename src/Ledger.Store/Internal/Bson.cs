using System.Globalization;
using Ledger.Core.Primitives;
using LiteDB;

namespace Ledger.Store.Internal;

/// <summary>
/// How domain values sit in BSON. Hashes and ids are lower-case 0x-hex strings (readable in LiteDB Studio, and
/// equality-indexable) — except the keys of the records collection, which are binary since schema 5 (docs/store.md); unsigned 64-bit numbers are stored bit-for-bit as Int64 (every value round-trips; values
/// below 2^63 — all real times, blocks and sequences — also order correctly); 128-bit amounts as decimal strings.
/// </summary>
internal static class Bson
{
    public static BsonValue Hex(Hash32 value) => new(value.ToString());

    /// <summary>A hash or id read back: 32 bytes of binary (schema 5's record keys) or 0x-hex (everything else).</summary>
    public static Hash32 ToHash(BsonValue value) => value.IsBinary ? new Hash32(value.AsBinary) : Hash32.Parse(value.AsString);

    /// <summary>A hash as 32 bytes of binary: half the size of its hex and compared byte by byte (schema 5's record keys).</summary>
    public static BsonValue Binary(Hash32 value) => new(value.ToArray());

    public static BsonValue U64(ulong value) => new(unchecked((long)value));

    public static ulong ToU64(BsonValue value) => unchecked((ulong)value.AsInt64);

    public static BsonValue U128(UInt128 value) => new(value.ToString(CultureInfo.InvariantCulture));

    public static UInt128 ToU128(BsonValue value) => UInt128.Parse(value.AsString, CultureInfo.InvariantCulture);

    public static BsonArray HexArray(IEnumerable<Hash32> values) => new(values.Select(Hex));

    public static Hash32[] ToHashes(BsonValue array) => array.AsArray.Select(ToHash).ToArray();

    public static BsonValue? Nullable(ulong? value) => value is { } v ? U64(v) : BsonValue.Null;

    public static ulong? ToNullableU64(BsonValue? value) => value is null || value.IsNull ? null : ToU64(value);
}
