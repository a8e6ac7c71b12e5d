using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Primitives;

public class EthAddressTests
{
    private const string Checksummed = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    [Theory]
    [InlineData("0x5fbdb2315678afecb367f032d93f642f64180aa3")]
    [InlineData("0x5FBDB2315678AFECB367F032D93F642F64180AA3")]
    [InlineData(Checksummed)]
    public void Parse_LowerUpperOrChecksummed_PrintsTheChecksum(string text)
    {
        Assert.Equal(Checksummed, EthAddress.Parse(text).ToString());
    }

    [Theory]
    [InlineData("0x5FbDB2315678afecb367f032d93F642f64180aA3")] // one letter's case flipped
    [InlineData("5FbDB2315678afecb367f032d93F642f64180aa3")]
    [InlineData("0x5FbDB2315678afecb367f032d93F642f64180aa")]
    [InlineData("0x5FbDB2315678afecb367f032d93F642f64180aa3a")]
    [InlineData("0x5FbDB2315678afecb367f032d93F642f64180aZ3")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_InvalidOrBadChecksum_ReturnsFalse(string? text)
    {
        Assert.False(EthAddress.TryParse(text, out _));
    }

    [Fact]
    public void Parse_BadChecksum_ThrowsSayingWhatIsExpected()
    {
        var ex = Assert.Throws<FormatException>(() => EthAddress.Parse("0x5FbDB2315678afecb367f032d93F642f64180aA3"));
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_RoundTrip()
    {
        var address = EthAddress.Parse(Checksummed);
        var bytes = address.ToBytes();
        Assert.Equal(20, bytes.Length);
        Assert.Equal(address, EthAddress.FromBytes(bytes));
        Assert.Throws<ArgumentException>(() => EthAddress.FromBytes(new byte[19]));
    }

    [Fact]
    public void Zero_AndDefault_AreZero()
    {
        Assert.True(EthAddress.Zero.IsZero);
        Assert.True(default(EthAddress).IsZero);
        Assert.Equal("0x0000000000000000000000000000000000000000", default(EthAddress).ToString());
        Assert.Equal(new byte[20], default(EthAddress).ToBytes());
        Assert.False(EthAddress.Parse(Checksummed).IsZero);
    }

    [Fact]
    public void Equality_IgnoresInputCase()
    {
        Assert.Equal(EthAddress.Parse(Checksummed.ToLowerInvariant()), EthAddress.Parse(Checksummed));
    }
}
