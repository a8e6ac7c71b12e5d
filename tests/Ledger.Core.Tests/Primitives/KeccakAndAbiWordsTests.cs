using System.Numerics;
using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Primitives;

public class KeccakAndAbiWordsTests
{
    [Fact]
    public void Keccak_KnownVectors_AreEthereumsKeccakNotSha3()
    {
        // keccak256("") and keccak256("abc"): Ethereum's, not NIST SHA3-256 (which gives a7ffc6f8… for "").
        Assert.Equal(Hash32.Parse("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"), Keccak.Hash(""));
        Assert.Equal(Hash32.Parse("0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"), Keccak.Hash("abc"));
    }

    [Fact]
    public void KeccakOfPair_IsKeccakOfTheConcatenation()
    {
        var a = Keccak.Hash("a");
        var b = Keccak.Hash("b");
        Assert.Equal(Keccak.Hash([.. a.ToArray(), .. b.ToArray()]), Keccak.Hash(a, b));
        Assert.NotEqual(Keccak.Hash(a, b), Keccak.Hash(b, a));
    }

    [Fact]
    public void AbiWords_EachValue_IsOneLeftPaddedWord()
    {
        var address = EthAddress.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3");
        var words = new AbiWords()
            .Bytes32(Hash32.Parse("0x" + new string('a', 64)))
            .Number(0x0102UL)
            .Number(UInt128.MaxValue)
            .Number(BigInteger.Pow(2, 256) - 1)
            .Bool(true)
            .Bool(false)
            .Address(address);
        Assert.Equal(7, words.Count);
        var hex = Convert.ToHexStringLower(words.ToArray());
        Assert.Equal(7 * 64, hex.Length);
        Assert.Equal(new string('a', 64), hex[..64]);
        Assert.Equal(new string('0', 60) + "0102", hex[64..128]);
        Assert.Equal(new string('0', 32) + new string('f', 32), hex[128..192]);
        Assert.Equal(new string('f', 64), hex[192..256]);
        Assert.Equal(new string('0', 63) + "1", hex[256..320]);
        Assert.Equal(new string('0', 64), hex[320..384]);
        Assert.Equal(new string('0', 24) + "5fbdb2315678afecb367f032d93f642f64180aa3", hex[384..448]);
        Assert.Equal(Keccak.Hash(words.ToArray()), words.Keccak());
    }

    [Fact]
    public void AbiWords_Uint256OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AbiWords().Number(BigInteger.MinusOne));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AbiWords().Number(BigInteger.Pow(2, 256)));
    }

    [Fact]
    public void AbiWords_Empty_IsNoBytes()
    {
        Assert.Empty(new AbiWords().ToArray());
        Assert.Equal(Keccak.Hash(""), new AbiWords().Keccak());
    }
}
