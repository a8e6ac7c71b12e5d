using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Primitives;

public class Hash32Tests
{
    private const string Hex = "0x0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978";

    [Fact]
    public void ParseThenToString_RoundTripsLowerCaseHex()
    {
        Assert.Equal(Hex, Hash32.Parse(Hex).ToString());
        Assert.Equal(Hex, Hash32.Parse(Hex[2..].ToUpperInvariant()).ToString());
        Assert.Equal(Hex, Hash32.Parse("0X" + Hex[2..]).ToString());
    }

    [Fact]
    public void Bytes_RoundTripBigEndian()
    {
        var bytes = Convert.FromHexString(Hex[2..]);
        var value = new Hash32(bytes);
        Assert.Equal(bytes, value.ToArray());
        var copy = new byte[32];
        value.CopyTo(copy);
        Assert.Equal(bytes, copy);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("0x0123")]
    [InlineData("0x0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a697")]
    [InlineData("0x0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a69788")]
    [InlineData("0xg123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978")]
    public void TryParse_NotA32ByteHexValue_ReturnsFalse(string? text)
    {
        Assert.False(Hash32.TryParse(text, out var value));
        Assert.True(value.IsZero);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatExceptionQuotingTheInput()
    {
        var ex = Assert.Throws<FormatException>(() => Hash32.Parse("0xnothex"));
        Assert.Contains("'0xnothex'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("64 hex digits", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_VeryLongInput_IsTruncatedInTheMessage()
    {
        var ex = Assert.Throws<FormatException>(() => Hash32.Parse(new string('z', 500)));
        Assert.True(ex.Message.Length < 200);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public void Constructor_WrongLength_Throws(int length)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Hash32(new byte[length]));
        Assert.Contains($"{length} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equality_IsByValue()
    {
        var a = Hash32.Parse(Hex);
        var b = new Hash32(Convert.FromHexString(Hex[2..]));
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a.Equals((object)b));
        Assert.False(a.Equals((object)"x"));
        Assert.NotEqual(a, Hash32.Zero);
    }

    [Fact]
    public void CompareTo_IsUnsignedBigEndianByteOrder()
    {
        var values = new[]
        {
            "0x8000000000000000000000000000000000000000000000000000000000000000",
            "0x0000000000000000000000000000000000000000000000000000000000000001",
            "0x00000000000000000000000000000000000000000000000000000000000000ff",
            "0x0000000000000000000000000000000100000000000000000000000000000000",
            "0xff00000000000000000000000000000000000000000000000000000000000000",
            "0x0000000000000000ff0000000000000000000000000000000000000000000000",
        }.Select(Hash32.Parse).ToArray();
        var byUs = values.Order().Select(v => v.ToString());
        var byBytes = values.Select(v => v.ToString()).Order(StringComparer.Ordinal); // lower-case hex sorts like the bytes
        Assert.Equal(byBytes, byUs);
        Assert.True(values[1] < values[2]);
        Assert.True(values[0] > values[3]);
        Assert.True(values[1] <= values[1]);
        Assert.True(values[4] >= values[0]);
    }

    [Fact]
    public void FromUInt256_LeftPads()
    {
        Assert.Equal("0x00000000000000000000000000000000000000000000000000000000000102ff", Hash32.FromUInt256([0x01, 0x02, 0xff]).ToString());
        Assert.True(Hash32.FromUInt256([]).IsZero);
        Assert.Throws<ArgumentException>(() => Hash32.FromUInt256(new byte[33]));
    }

    [Fact]
    public void ToShortString_ShowsTheFirstFourBytes()
    {
        Assert.Equal("0x01234567…", Hash32.Parse(Hex).ToShortString());
    }

    [Fact]
    public void Zero_IsAllZeroAndDefault()
    {
        Assert.True(Hash32.Zero.IsZero);
        Assert.Equal(default, Hash32.Zero);
        Assert.Equal("0x" + new string('0', 64), Hash32.Zero.ToString());
    }
}
