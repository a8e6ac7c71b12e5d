using Ledger.Core.Primitives;
using Org.BouncyCastle.Crypto.Digests;

namespace Ledger.Core.Tests.Crypto;

public class KeccakSpongeTests
{
    private static Hash32 BouncyCastle(byte[] data)
    {
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(data, 0, data.Length);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return new Hash32(output);
    }

    [Fact]
    public void Hash_EveryLengthAroundTheRate_EqualsBouncyCastlesKeccak()
    {
        var random = new Random(3);
        foreach (var length in Enumerable.Range(0, 300).Concat([407, 408, 409, 543, 544, 545, 6_531, 100_000]))
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(BouncyCastle(data), Keccak.Hash(data));
        }
    }

    [Fact]
    public void Hash_KnownVectors_AreEthereumsKeccak()
    {
        Assert.Equal(Hash32.Parse("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"), Keccak.Hash(ReadOnlySpan<byte>.Empty));
        Assert.Equal(Hash32.Parse("0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"), Keccak.Hash("abc"));
    }

    [Fact]
    public void Hash_TextLongerThanTheStackBuffer_EqualsItsUtf8Bytes()
    {
        var text = string.Concat(Enumerable.Repeat("税务局 ledger ", 200));
        Assert.Equal(BouncyCastle(System.Text.Encoding.UTF8.GetBytes(text)), Keccak.Hash(text));
    }
}
