using System.Text.Json;
using Ledger.Core.Merkle;
using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Merkle;

/// <summary>Every tree of tests/fixtures/merkle/standard-tree-bytes32.json (built by @openzeppelin/merkle-tree), byte for byte.</summary>
public class OpenZeppelinFixtureTests
{
    private static readonly JsonElement Document = Fixtures.Load("merkle/standard-tree-bytes32.json");

    public static TheoryData<int> Sizes()
    {
        var data = new TheoryData<int>();
        foreach (var tree in Document.GetProperty("trees").EnumerateArray())
        {
            data.Add(tree.GetProperty("size").GetInt32());
        }
        return data;
    }

    private static JsonElement TreeOfSize(int size) =>
        Document.GetProperty("trees").EnumerateArray().Single(t => t.GetProperty("size").GetInt32() == size);

    [Fact]
    public void Fixture_IsTheStandardBytes32TreeOfTheJsLibrary()
    {
        Assert.Equal("ledger-merkle-fixtures/1", Document.Str("format"));
        Assert.StartsWith("@openzeppelin/merkle-tree ", Document.Str("library"), StringComparison.Ordinal);
        Assert.Equal(["bytes32"], Document.GetProperty("leafEncoding").EnumerateArray().Select(e => e.GetString()));
        Assert.True(Document.GetProperty("trees").GetArrayLength() >= 5);
    }

    [Fact]
    public void Values_FollowTheFixtureRule()
    {
        var tree = TreeOfSize(Document.GetProperty("trees")[0].GetProperty("size").GetInt32());
        var values = tree.GetProperty("values").Hashes();
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(Keccak.Hash($"record-{i}"), values[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Of_FixtureValues_GivesTheLibrarysRootNodesAndLeafPositions(int size)
    {
        var fixture = TreeOfSize(size);
        var tree = StandardMerkleTree.Of(fixture.GetProperty("values").Hashes());

        Assert.Equal(fixture.GetProperty("root").Hash(), tree.Root);
        Assert.Equal(fixture.GetProperty("tree").Hashes(), tree.Nodes.ToArray());
        var leafHashes = fixture.GetProperty("leafHashes").Hashes();
        var treeIndices = fixture.GetProperty("treeIndices").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        for (var i = 0; i < size; i++)
        {
            Assert.Equal(leafHashes[i], StandardMerkleTree.LeafHash(tree.ValueAt(i)));
            Assert.Equal(leafHashes[i], tree.LeafHashAt(i));
            Assert.Equal(treeIndices[i], tree.TreeIndexOf(i));
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GetProof_EveryValue_EqualsTheLibrarysProofAndVerifies(int size)
    {
        var fixture = TreeOfSize(size);
        var values = fixture.GetProperty("values").Hashes();
        var root = fixture.GetProperty("root").Hash();
        var tree = StandardMerkleTree.Of(values);
        var proofs = fixture.GetProperty("proofs").EnumerateArray().Select(p => p.Hashes()).ToArray();
        Assert.Equal(size, proofs.Length);
        for (var i = 0; i < size; i++)
        {
            Assert.Equal(proofs[i], tree.GetProof(i));
            Assert.Equal(proofs[i], tree.GetProof(values[i]));
            Assert.True(StandardMerkleTree.Verify(root, values[i], proofs[i]));
            Assert.True(tree.Verify(i, proofs[i]));
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GetMultiProof_FixtureIndexSets_EqualsTheLibrarysMultiProofAndVerifies(int size)
    {
        var fixture = TreeOfSize(size);
        var root = fixture.GetProperty("root").Hash();
        var tree = StandardMerkleTree.Of(fixture.GetProperty("values").Hashes());
        var cases = fixture.GetProperty("multiproofs").EnumerateArray().ToArray();
        Assert.NotEmpty(cases);
        foreach (var expected in cases)
        {
            var indices = expected.GetProperty("indices").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var flags = expected.GetProperty("proofFlags").EnumerateArray().Select(e => e.GetBoolean()).ToArray();
            var leafHashes = expected.GetProperty("leafHashes").Hashes();
            var proof = expected.GetProperty("proof").Hashes();

            var multiProof = tree.GetMultiProof(indices);

            Assert.Equal(expected.GetProperty("leaves").Hashes(), multiProof.Leaves);
            Assert.Equal(leafHashes, multiProof.LeafHashes());
            Assert.Equal(proof, multiProof.Proof);
            Assert.Equal(flags, multiProof.ProofFlags);
            Assert.True(StandardMerkleTree.VerifyMultiProof(root, multiProof));
            Assert.Equal(root, StandardMerkleTree.ProcessMultiProof(leafHashes, proof, flags));
        }
    }
}
