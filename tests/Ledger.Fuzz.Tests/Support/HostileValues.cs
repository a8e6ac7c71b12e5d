using System.Globalization;
using System.Numerics;
using System.Text;

namespace Ledger.Fuzz.Tests.Support;

/// <summary>
/// Values that break parsers: empty and blank text, huge text, NUL and control characters, unicode look-alikes, bad
/// hex, wrong lengths, signs and decimals where whole numbers belong, 30-digit and 2^128-sized amounts, and the
/// boundaries of every integer width. Each generator draws from a <see cref="Random"/> it is given, so a seed
/// reproduces the same values.
/// </summary>
public static class HostileValues
{
    private const string HexDigits = "0123456789abcdef";

    /// <summary>Text that no field should choke on.</summary>
    public static IReadOnlyList<string> Texts { get; } =
    [
        "", " ", "   ", "\t", "\n", "\r\n", "\0", "a\0b", "\u0001\u0002\u0003", "\u007f", "\u200b", "\ufeff", "\ud800", "\udfff",
        "\ud83d\ude00", "税务局", "ＬＥＤＧＥＲ", "٠١٢٣٤٥٦٧٨٩", "१२३", "\u202eevil", "null", "NULL", "undefined", "NaN", "Infinity",
        "-Infinity", "true", "0", "-0", "-1", "+1", "1e400", "0x", "0X", "0x0", "%s%s%n", "{0}", "${jndi:ldap://127.0.0.1:1/a}",
        "'; DROP TABLE records; --", "\" OR 1=1 --", "<script>alert(1)</script>", "../../../../etc/passwd", "..\\..\\windows",
        "C:\\", "/dev/null", "file:///etc/passwd", "http://127.0.0.1:1", "\\x00", "\\u0000", "{", "}", "[", "]", "{\"a\":",
        "[[[[[[[[[[", "😀😀😀", "a\u0301", "İ", "ß", "ﬁ", "Ⅻ", "½", "¹²³", "𝟘𝟙𝟚", "\u00a0", "\u3000", new string('a', 31),
        new string('a', 32), new string('a', 255), new string('a', 256), new string('a', 257), new string('9', 40),
    ];

    /// <summary>One of <see cref="Texts"/>, a long run, random printable or random unicode text.</summary>
    public static string Text(Random random) => random.Next(10) switch
    {
        < 5 => Texts[random.Next(Texts.Count)],
        5 => new string((char)random.Next(0x20, 0x7f), random.Next(10) switch { < 6 => 1_000, < 9 => 10_000, _ => 70_000 }),
        6 => RandomAscii(random, random.Next(0, 64)),
        7 => RandomUnicode(random, random.Next(0, 32)),
        8 => Texts[random.Next(Texts.Count)] + RandomAscii(random, random.Next(0, 8)),
        _ => RandomAscii(random, random.Next(1, 12)) + "\0" + RandomAscii(random, random.Next(0, 12)),
    };

    /// <summary>Printable ASCII.</summary>
    public static string RandomAscii(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(0x20, 0x7f);
        }
        return new string(chars);
    }

    /// <summary>Any UTF-16 units, lone surrogates included (they reach the node as U+FFFD after UTF-8 encoding).</summary>
    public static string RandomUnicode(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(0, 0x10000);
        }
        return new string(chars);
    }

    /// <summary>Lower-case hex of <paramref name="digits"/> digits.</summary>
    public static string Hex(Random random, int digits)
    {
        var chars = new char[digits];
        for (var i = 0; i < digits; i++)
        {
            chars[i] = HexDigits[random.Next(16)];
        }
        return new string(chars);
    }

    /// <summary>A 32-byte value as the API writes it (0x + 64 hex digits), or one that is almost that.</summary>
    public static string Hash(Random random) => random.Next(40) switch
    {
        0 => "0x" + Hex(random, 64),
        1 => "0x" + Hex(random, 64).ToUpperInvariant(),
        2 => "0X" + Hex(random, 64),
        3 => "0x" + Hex(random, 63),
        4 => "0x" + Hex(random, 65),
        5 => "0x" + Hex(random, 62),
        6 => Hex(random, 64),
        7 => "0x" + new string('0', 64),
        8 => "0x" + new string('f', 64),
        9 => "0x" + Hex(random, 63) + "g",
        10 => " 0x" + Hex(random, 64) + " ",
        11 => "0x" + Hex(random, 32) + "\0" + Hex(random, 31),
        12 => "0x" + Hex(random, 128),
        13 => "0x" + Hex(random, 40),
        14 => "0x" + Hex(random, 60) + "٠١٢٣",
        15 => "0x" + Hex(random, 64) + "\n",
        16 => "0x-" + Hex(random, 63),
        17 => "0x" + string.Concat(Enumerable.Repeat("ｆ", 64)),
        _ => Text(random),
    };

    /// <summary>An account (0x + 40 hex digits), or one that is almost that.</summary>
    public static string Address(Random random) => random.Next(14) switch
    {
        0 => "0x" + Hex(random, 40),
        1 => "0x" + Hex(random, 40).ToUpperInvariant(),
        2 => "0x" + new string('0', 40),
        3 => "0x" + Hex(random, 39),
        4 => "0x" + Hex(random, 41),
        5 => Hex(random, 40),
        6 => "0x" + Hex(random, 64),
        7 => "0x" + Hex(random, 39) + "z",
        8 => "0xAbCdEf" + Hex(random, 34), // mixed case that is not EIP-55
        9 => " 0x" + Hex(random, 40),
        10 => "0x" + new string('f', 40),
        _ => Text(random),
    };

    /// <summary>An organization code, or not quite one.</summary>
    public static string Org(Random random, IReadOnlyList<string> real) => random.Next(12) switch
    {
        < 4 => real[random.Next(real.Count)],
        4 => real[random.Next(real.Count)].ToUpperInvariant(),
        5 => "bank.nosuch",
        6 => new string('b', 31),
        7 => new string('b', 32),
        8 => "bank ccb",
        9 => real[random.Next(real.Count)] + "\0",
        10 => "银行.建设",
        _ => Text(random),
    };

    /// <summary>A decimal amount in fen: sometimes good, mostly not (signs, decimals, exponents, 30 digits, 2^128 and beyond).</summary>
    public static string Amount(Random random) => random.Next(26) switch
    {
        0 => "0",
        1 => "1",
        2 => random.Next(1, 1_000_000).ToString(CultureInfo.InvariantCulture),
        3 => random.NextInt64(1, long.MaxValue).ToString(CultureInfo.InvariantCulture),
        4 => "-1",
        5 => "1.5",
        6 => "1e10",
        7 => "99999999999999999999999999999999",                 // the 32 digits (yuan); 30 digits below
        8 => "999999999999999999999999999999",
        9 => (UInt128.MaxValue).ToString(CultureInfo.InvariantCulture),
        10 => ((BigInteger)UInt128.MaxValue + 1).ToString(CultureInfo.InvariantCulture),
        11 => (UInt128.MaxValue - 1).ToString(CultureInfo.InvariantCulture),
        12 => "79228162514264337593543950336",                    // decimal.MaxValue + 1
        13 => "7922816251426433759354395033500",                  // decimal.MaxValue × 100: overflows fen → yuan as decimal
        14 => new string('9', 39),
        15 => new string('9', 40),
        16 => "0" + new string('0', 50) + "1",
        17 => " 100",
        18 => "100 ",
        19 => "+100",
        20 => "1,000",
        21 => "١٠٠",
        22 => "0x10",
        23 => ulong.MaxValue.ToString(CultureInfo.InvariantCulture),
        24 => ((BigInteger)ulong.MaxValue + 1).ToString(CultureInfo.InvariantCulture),
        _ => Text(random),
    };

    /// <summary>A decimal uint256 (nonces, deadlines), or not.</summary>
    public static string Uint256(Random random) => random.Next(14) switch
    {
        0 => "0",
        1 => random.NextInt64(1, long.MaxValue).ToString(CultureInfo.InvariantCulture),
        2 => (BigInteger.Pow(2, 256) - 1).ToString(CultureInfo.InvariantCulture),
        3 => BigInteger.Pow(2, 256).ToString(CultureInfo.InvariantCulture),
        4 => new string('9', 100),
        5 => "-1",
        6 => DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        7 => "0x" + Hex(random, 64),
        8 => "1.0",
        9 => ulong.MaxValue.ToString(CultureInfo.InvariantCulture),
        _ => Amount(random),
    };

    /// <summary>A signature in hex: good length with random bytes, wrong lengths, non-hex, empty.</summary>
    public static string Signature(Random random) => random.Next(10) switch
    {
        0 => "0x" + Hex(random, 130),
        1 => "0x" + Hex(random, 128) + "1b",
        2 => "0x" + Hex(random, 128) + "1c",
        3 => "0x" + new string('0', 130),
        4 => "0x" + Hex(random, 128),
        5 => "0x" + Hex(random, 132),
        6 => "0x" + Hex(random, 129),
        7 => "0x" + Hex(random, 2 * random.Next(0, 600)),
        8 => Hex(random, 130),
        _ => Text(random),
    };

    /// <summary>An unsigned 64-bit value near a boundary, or random.</summary>
    public static ulong Wide(Random random) => random.Next(16) switch
    {
        0 => 0,
        1 => 1,
        2 => ulong.MaxValue,
        3 => ulong.MaxValue - 1,
        4 => long.MaxValue,
        5 => (ulong)long.MaxValue + 1,
        6 => uint.MaxValue,
        7 => (ulong)uint.MaxValue + 1,
        8 => (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        9 => (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        10 => (ulong)DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeSeconds(),
        11 => 253402300799,      // 9999-12-31T23:59:59Z
        12 => 253402300800,      // one second past DateTimeOffset's range
        13 => 0xFF_FFFF_FFFF,
        14 => (ulong)random.Next(0, 1000),
        _ => (ulong)random.NextInt64(long.MinValue, long.MaxValue),
    };

    /// <summary>An unsigned 32-bit value near a boundary, or random.</summary>
    public static uint Narrow(Random random) => random.Next(16) switch
    {
        0 => 0,
        1 => 1,
        2 => uint.MaxValue,
        3 => uint.MaxValue - 1,
        4 => int.MaxValue,
        5 => (uint)int.MaxValue + 1,
        6 => ushort.MaxValue,
        7 => ushort.MaxValue + 1u,
        8 => 9_999,
        9 => 10_000,
        10 => 10_001,
        11 => byte.MaxValue + 1u,
        12 => (uint)random.Next(0, 100),
        13 => (uint)random.Next(0, 20_000),
        _ => (uint)random.NextInt64(0, uint.MaxValue + 1L),
    };

    /// <summary>Random bytes.</summary>
    public static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Text as UTF-8.</summary>
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
