using Ledger.Audit.Bundle;
using Ledger.Audit.Tests.Support;
using Ledger.Audit.Verification;
using Ledger.Core.Merkle;
using Ledger.Core.Primitives;

namespace Ledger.Audit.Tests;

public class HashingTests
{
    private static Hash32 Random32(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        return new Hash32(bytes);
    }

    [Fact]
    public void KeccakX4_FourInputsOfEveryLength_EqualTheScalarKeccak()
    {
        var random = new Random(3);
        for (var length = 0; length <= 420; length += random.Next(1, 7))
        {
            const int Stride = 448;
            var inputs = new byte[4 * Stride];
            random.NextBytes(inputs);
            var digests = new Hash32[4];
            KeccakX4.Hash(inputs, Stride, length, digests);
            for (var k = 0; k < 4; k++)
            {
                Assert.Equal(Keccak.Hash(inputs.AsSpan(k * Stride, length)), digests[k]);
            }
        }
    }

    [Fact]
    public void KeccakX4_LeavesAndNodes_EqualTheStandardTreesHashing()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 8).Select(_ => Random32(random)).ToArray();
        var leaves = new Hash32[4];
        KeccakX4.LeafHash(values[0], values[1], values[2], values[3], leaves);
        for (var k = 0; k < 4; k++)
        {
            Assert.Equal(StandardMerkleTree.LeafHash(values[k]), leaves[k]);
        }
        var nodes = new Hash32[4];
        KeccakX4.NodeHash(values.AsSpan(0, 4), values.AsSpan(4, 4), nodes);
        for (var k = 0; k < 4; k++)
        {
            Assert.Equal(StandardMerkleTree.NodeHash(values[k], values[4 + k]), nodes[k]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(31)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(4099)]
    public void BatchTree_OfRandomValues_EqualsTheStandardTreeNodeForNode(int n)
    {
        var random = new Random(n);
        var values = Enumerable.Range(0, n).Select(_ => Random32(random)).ToArray();
        var standard = StandardMerkleTree.Of(values);
        using var tree = BatchTree.Of(values);

        Assert.Equal(standard.Root, tree.Root);
        Assert.True(standard.Nodes.SequenceEqual(tree.Nodes));
        for (var i = 0; i < n; i++)
        {
            Assert.True(tree.IsProofOf(i, standard.GetProof(i)));
        }
        if (n > 1)
        {
            Assert.False(tree.IsProofOf(0, standard.GetProof(1)));
            Assert.False(tree.IsProofOf(0, standard.GetProof(0)[..^1]));
        }
    }

    [Fact]
    public void RecordHasher_HashAll_OfMixedRecordKinds_EqualsEachRecordsOwnHash()
    {
        var bundle = TestLedgers.Lending().ToBundle();
        // Every kind, in an order that mixes lengths inside groups of four.
        var records = bundle.Records.Concat(bundle.Records.Reverse()).Concat(bundle.Records.Where((_, i) => i % 3 == 0)).ToList();
        var hashes = new Hash32[records.Count];
        RecordHasher.HashAll(records, 0, records.Count, hashes);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(records[i].Record.Hash().Value, hashes[i]);
        }
    }

    [Fact]
    public void RecordHasher_HashAll_OfManyRecordsOfOneKind_EqualsEachRecordsOwnHash()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1);
        var consent = l.Grant(terms);
        for (var i = 0; i < 101; i++)
        {
            l.Access(consent, terms);
        }
        var records = l.Records;
        var hashes = new Hash32[records.Count];
        RecordHasher.HashAll(records, 1, records.Count, hashes);
        for (var i = 1; i < records.Count; i++)
        {
            Assert.Equal(records[i].DeclaredHash.Value, hashes[i]);
        }
        Assert.Equal(default, hashes[0]);
    }
}
