using Ledger.Core.Merkle;
using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Merkle;

public class MerkleKeccakTests
{
    [Fact]
    public void TheSourceHasOneScalarKeccakPermutation_AndTheAuditPathsVectorisedOne()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Ledger.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no Ledger.sln above the test's folder");
        }
        // Round constant 20 of Keccak-f[1600]: every implementation of the permutation spells it.
        var withPermutation = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("0x8000000080008081", StringComparison.OrdinalIgnoreCase))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal);

        Assert.Equal(["KeccakSponge.cs", "KeccakX4.cs"], withPermutation);
    }

    [Fact]
    public void Hash_OneWord_EqualsGeneralKeccakOnRandomInputs()
    {
        var random = new Random(7);
        var bytes = new byte[32];
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            var value = new Hash32(bytes);
            Assert.Equal(Keccak.Hash(bytes), MerkleKeccak.Hash(value));
        }
    }

    [Fact]
    public void Hash_TwoWords_EqualsGeneralKeccakOnRandomInputs()
    {
        var random = new Random(11);
        var bytes = new byte[64];
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            Assert.Equal(Keccak.Hash(bytes), MerkleKeccak.Hash(new Hash32(bytes.AsSpan(0, 32)), new Hash32(bytes.AsSpan(32))));
        }
    }

    [Fact]
    public void Hash_ZeroWord_IsTheKnownKeccakOf32ZeroBytes()
    {
        // keccak256(bytes32(0)), a constant every Solidity developer has seen.
        Assert.Equal(Hash32.Parse("0x290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563"), MerkleKeccak.Hash(Hash32.Zero));
    }

    [Fact]
    public void NodeHash_IsSymmetric()
    {
        var a = Keccak.Hash("a");
        var b = Keccak.Hash("b");
        Assert.Equal(MerkleKeccak.NodeHash(a, b), MerkleKeccak.NodeHash(b, a));
        Assert.Equal(Keccak.Hash(a < b ? a : b, a < b ? b : a), MerkleKeccak.NodeHash(a, b));
    }
}
