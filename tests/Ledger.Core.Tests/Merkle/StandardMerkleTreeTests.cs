using Ledger.Core.Errors;
using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Merkle;

public class StandardMerkleTreeTests
{
    private static Hash32[] Values(int count, string prefix = "record-") =>
        Enumerable.Range(0, count).Select(i => Keccak.Hash(prefix + i)).ToArray();

    /// <summary>
    /// A line-by-line port of the JS library (prepare + makeMerkleTree) on the general-purpose keccak, as an
    /// independent reference for sizes the fixture does not hold (and for the parallel path).
    /// </summary>
    private static Hash32[] ReferenceTree(Hash32[] values)
    {
        var hashed = values.Select((v, i) => (Hash: Keccak.Hash(Keccak.Hash(v.ToArray()).ToArray()), Index: i))
            .OrderBy(x => x.Hash) // LINQ's OrderBy is stable, like Array.prototype.sort
            .ToArray();
        var tree = new Hash32[(2 * hashed.Length) - 1];
        for (var i = 0; i < hashed.Length; i++)
        {
            tree[tree.Length - 1 - i] = hashed[i].Hash;
        }
        for (var i = tree.Length - 1 - hashed.Length; i >= 0; i--)
        {
            var (a, b) = (tree[(2 * i) + 1], tree[(2 * i) + 2]);
            tree[i] = a <= b ? Keccak.Hash(a, b) : Keccak.Hash(b, a);
        }
        return tree;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(1000)]
    [InlineData(20_011)] // large enough for the parallel leaf and level hashing
    public void Of_AnySize_BuildsTheSameNodesAsTheReferencePort(int size)
    {
        var values = Values(size);
        var tree = StandardMerkleTree.Of(values);
        Assert.Equal(ReferenceTree(values), tree.Nodes.ToArray());
    }

    [Fact]
    public void Of_EveryProofOfEverySizeUpTo300_Verifies()
    {
        for (var size = 1; size <= 300; size++)
        {
            var values = Values(size, $"t{size}-");
            var tree = StandardMerkleTree.Of(values);
            for (var i = 0; i < size; i++)
            {
                Assert.True(StandardMerkleTree.Verify(tree.Root, values[i], tree.GetProof(i)), $"size {size}, value {i}");
            }
        }
    }

    [Fact]
    public void Root_DoesNotDependOnTheOrderOfValues()
    {
        var values = Values(50);
        var shuffled = values.OrderBy(v => v.ToString()[^3..], StringComparer.Ordinal).ToArray();
        Assert.NotEqual(values, shuffled);
        Assert.Equal(StandardMerkleTree.Of(values).Root, StandardMerkleTree.Of(shuffled).Root);
    }

    [Fact]
    public void Of_SingleValue_RootIsTheLeafAndProofIsEmpty()
    {
        var value = Keccak.Hash("only");
        var tree = StandardMerkleTree.Of([value]);
        Assert.Equal(StandardMerkleTree.LeafHash(value), tree.Root);
        Assert.Empty(tree.GetProof(0));
        Assert.True(StandardMerkleTree.Verify(tree.Root, value, []));
    }

    [Fact]
    public void Of_RecordHashes_EqualsTreeOfTheirValues()
    {
        var values = Values(9);
        Assert.Equal(StandardMerkleTree.Of(values).Root, StandardMerkleTree.Of(values.Select(v => new RecordHash(v))).Root);
    }

    [Fact]
    public void Of_NoValues_ThrowsEmptyTree()
    {
        var ex = Assert.Throws<LedgerException>(() => StandardMerkleTree.Of(ReadOnlySpan<Hash32>.Empty));
        Assert.Equal(MerkleErrors.EmptyTreeCode, ex.Code);
        Assert.Contains("at least one", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TamperedProof_ReturnsFalse()
    {
        var values = Values(10);
        var tree = StandardMerkleTree.Of(values);
        var proof = tree.GetProof(3);
        proof[1] = Keccak.Hash("forged");
        Assert.False(StandardMerkleTree.Verify(tree.Root, values[3], proof));
    }

    [Fact]
    public void Verify_ProofOfAnotherValue_ReturnsFalse()
    {
        var values = Values(10);
        var tree = StandardMerkleTree.Of(values);
        Assert.False(StandardMerkleTree.Verify(tree.Root, values[4], tree.GetProof(3)));
        Assert.False(StandardMerkleTree.Verify(tree.Root, Keccak.Hash("not in the tree"), tree.GetProof(3)));
    }

    [Fact]
    public void Verify_TruncatedProof_ReturnsFalse()
    {
        var values = Values(10);
        var tree = StandardMerkleTree.Of(values);
        Assert.False(StandardMerkleTree.Verify(tree.Root, values[2], tree.GetProof(2).AsSpan(0, tree.GetProof(2).Length - 1)));
    }

    [Fact]
    public void Verify_LeafHashGivenAsValue_ReturnsFalse()
    {
        // The double hashing of the standard leaf is what stops an inner node from passing for a value.
        var values = Values(8);
        var tree = StandardMerkleTree.Of(values);
        var proof = tree.GetProof(0);
        Assert.False(StandardMerkleTree.Verify(tree.Root, tree.LeafHashAt(0), proof));
        Assert.Equal(tree.Root, StandardMerkleTree.ProcessProof(tree.LeafHashAt(0), proof));
    }

    [Fact]
    public void GetProof_IndexOutsideTree_ThrowsIndexOutOfRange()
    {
        var tree = StandardMerkleTree.Of(Values(4));
        Assert.Equal(MerkleErrors.IndexOutOfRangeCode, Assert.Throws<LedgerException>(() => tree.GetProof(4)).Code);
        Assert.Equal(MerkleErrors.IndexOutOfRangeCode, Assert.Throws<LedgerException>(() => tree.GetProof(-1)).Code);
    }

    [Fact]
    public void GetProof_ValueNotInTree_ThrowsValueNotInTree()
    {
        var tree = StandardMerkleTree.Of(Values(4));
        var stranger = Keccak.Hash("stranger");
        var ex = Assert.Throws<LedgerException>(() => tree.GetProof(stranger));
        Assert.Equal(MerkleErrors.ValueNotInTreeCode, ex.Code);
        Assert.Equal(ErrorCategory.NotFound, ex.Category);
        Assert.Contains(stranger.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Equal(-1, tree.IndexOf(stranger));
        Assert.False(tree.Contains(stranger));
    }

    [Fact]
    public void IndexOf_EveryValue_FindsItsIndex()
    {
        var values = Values(77);
        var tree = StandardMerkleTree.Of(values);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(i, tree.IndexOf(values[i]));
        }
    }

    [Fact]
    public void Of_DuplicateValues_KeepsInputOrderAmongEqualLeavesAndLooksUpTheLastOne()
    {
        var a = Keccak.Hash("a");
        var b = Keccak.Hash("b");
        Hash32[] values = [a, b, a, a];
        var tree = StandardMerkleTree.Of(values);

        Assert.Equal(ReferenceTree(values), tree.Nodes.ToArray());
        // Stable sort: the earlier duplicate takes the earlier sorted slot, i.e. the larger tree index.
        Assert.True(tree.TreeIndexOf(0) > tree.TreeIndexOf(2));
        Assert.True(tree.TreeIndexOf(2) > tree.TreeIndexOf(3));
        Assert.Equal(3, tree.IndexOf(a));
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(tree.Verify(i, tree.GetProof(i)));
        }
    }

    [Fact]
    public void GetMultiProof_RandomSubsets_Verify()
    {
        var random = new Random(3);
        foreach (var size in new[] { 1, 2, 3, 9, 16, 17, 100, 333 })
        {
            var values = Values(size, $"m{size}-");
            var tree = StandardMerkleTree.Of(values);
            for (var round = 0; round < 20; round++)
            {
                var subset = Enumerable.Range(0, size).Where(_ => random.Next(4) == 0).ToArray();
                var multiProof = tree.GetMultiProof(subset);
                Assert.True(StandardMerkleTree.VerifyMultiProof(tree.Root, multiProof), $"size {size}, subset {string.Join(',', subset)}");
                Assert.Equal(subset.Select(i => values[i]).Order(), multiProof.Leaves.Order());
            }
        }
    }

    [Fact]
    public void GetMultiProof_ByValues_EqualsByIndices()
    {
        var values = Values(20);
        var tree = StandardMerkleTree.Of(values);
        var byIndex = tree.GetMultiProof([2, 5, 19]);
        var byValue = tree.GetMultiProof(new[] { values[19], values[2], values[5] });
        Assert.Equal(byIndex.Leaves, byValue.Leaves);
        Assert.Equal(byIndex.Proof, byValue.Proof);
        Assert.Equal(byIndex.ProofFlags, byValue.ProofFlags);
    }

    [Fact]
    public void GetMultiProof_NoIndices_IsTheRootAlone()
    {
        var tree = StandardMerkleTree.Of(Values(5));
        var multiProof = tree.GetMultiProof(ReadOnlySpan<int>.Empty);
        Assert.Empty(multiProof.Leaves);
        Assert.Equal([tree.Root], multiProof.Proof);
        Assert.Empty(multiProof.ProofFlags);
        Assert.True(StandardMerkleTree.VerifyMultiProof(tree.Root, multiProof));
    }

    [Fact]
    public void GetMultiProof_DuplicateIndex_ThrowsDuplicateIndex()
    {
        var tree = StandardMerkleTree.Of(Values(5));
        var ex = Assert.Throws<LedgerException>(() => tree.GetMultiProof([1, 3, 1]));
        Assert.Equal(MerkleErrors.DuplicateIndexCode, ex.Code);
        Assert.Contains("index 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyMultiProof_TamperedLeafOrProofOrFlag_ReturnsFalse()
    {
        var values = Values(12);
        var tree = StandardMerkleTree.Of(values);
        var good = tree.GetMultiProof([0, 4, 7]);
        Assert.True(StandardMerkleTree.VerifyMultiProof(tree.Root, good));

        var otherLeaf = good with { Leaves = [values[1], .. good.Leaves.Skip(1)] };
        Assert.False(StandardMerkleTree.VerifyMultiProof(tree.Root, otherLeaf));

        var otherProof = good with { Proof = [Keccak.Hash("x"), .. good.Proof.Skip(1)] };
        Assert.False(StandardMerkleTree.VerifyMultiProof(tree.Root, otherProof));

        var flipped = good.ProofFlags.ToArray();
        var firstTrue = Array.IndexOf(flipped, true);
        flipped[firstTrue] = false;
        flipped[Array.IndexOf(flipped, false)] = true;
        Assert.False(StandardMerkleTree.VerifyMultiProof(tree.Root, good with { ProofFlags = flipped }));
    }

    [Fact]
    public void ProcessMultiProof_FlagsThatDoNotFit_ThrowsMalformedMultiProof()
    {
        var values = Values(8);
        var tree = StandardMerkleTree.Of(values);
        var mp = tree.GetMultiProof([0, 3]);
        var leafHashes = mp.LeafHashes();

        var tooFewFlags = Assert.Throws<LedgerException>(() =>
            StandardMerkleTree.ProcessMultiProof(leafHashes, mp.Proof.ToArray(), mp.ProofFlags.Skip(1).ToArray()));
        Assert.Equal(MerkleErrors.MalformedMultiProofCode, tooFewFlags.Code);
        Assert.Contains("flags", tooFewFlags.Message, StringComparison.Ordinal);

        var missingProof = Assert.Throws<LedgerException>(() =>
            StandardMerkleTree.ProcessMultiProof(leafHashes, mp.Proof.Skip(1).ToArray(), mp.ProofFlags.ToArray()));
        Assert.Equal(MerkleErrors.MalformedMultiProofCode, missingProof.Code);

        // Two leaves, one proof hash, two flags — the counts fit, but "take two computed nodes" twice runs dry.
        var allTrue = Assert.Throws<LedgerException>(() =>
            StandardMerkleTree.ProcessMultiProof(leafHashes, [values[0]], [true, true]));
        Assert.Contains("not been computed", allTrue.Message, StringComparison.Ordinal);

        Assert.False(StandardMerkleTree.VerifyMultiProof(tree.Root, mp with { ProofFlags = mp.ProofFlags.Skip(1).ToArray() }));
    }

    [Fact]
    public void VerifyBatch_SameValuesInAnyOrder_Matches()
    {
        var values = Values(100);
        var root = StandardMerkleTree.Of(values).Root;
        var result = StandardMerkleTree.VerifyBatch(values.Reverse().ToArray(), root);
        Assert.True(result.Matches);
        Assert.Equal(root, result.ActualRoot);
        Assert.Empty(result.ExtraIndices);
        Assert.Contains("All 100 value(s)", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyBatch_RootAloneAndAValueChanged_FailsWithoutNamingTheValue()
    {
        var values = Values(10);
        var root = StandardMerkleTree.Of(values).Root;
        values[4] = Keccak.Hash("altered");
        var result = StandardMerkleTree.VerifyBatch(values, root);
        Assert.False(result.Matches);
        Assert.NotEqual(root, result.ActualRoot);
        Assert.Null(result.Missing);
        Assert.Contains("cannot tell which", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyBatch_WithReference_ReportsMissingAndExtraValues()
    {
        var anchored = Values(50);
        var root = StandardMerkleTree.Of(anchored).Root;
        var stored = anchored.Where((_, i) => i is not (7 or 30)).Append(Keccak.Hash("smuggled")).ToArray();

        var result = StandardMerkleTree.VerifyBatch(stored, root, anchored);

        Assert.False(result.Matches);
        Assert.True(result.ReferenceMatchesRoot);
        Assert.Equal([stored.Length - 1], result.ExtraIndices);
        Assert.Equal(new[] { anchored[7], anchored[30] }.Order(), result.MissingValues.Order());
        Assert.Equal(2, result.Missing);
        Assert.Contains("1 extra or altered value(s), 2 missing value(s)", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyBatch_WithReferenceAndADuplicatedValue_ReportsTheCopyAsExtra()
    {
        var anchored = Values(6);
        var root = StandardMerkleTree.Of(anchored).Root;
        var stored = anchored.Append(anchored[2]).ToArray();
        var result = StandardMerkleTree.VerifyBatch(stored, root, anchored);
        Assert.False(result.Matches);
        Assert.Single(result.ExtraIndices);
        Assert.Equal(anchored[2], stored[result.ExtraIndices[0]]);
        Assert.Empty(result.MissingValues);
    }

    [Fact]
    public void VerifyBatch_WithReferenceThatIsNotTheBatch_SaysSo()
    {
        var anchored = Values(5);
        var root = StandardMerkleTree.Of(anchored).Root;
        var result = StandardMerkleTree.VerifyBatch(Values(4), root, Values(3));
        Assert.False(result.Matches);
        Assert.False(result.ReferenceMatchesRoot);
        Assert.Contains("does not rebuild the expected root", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyBatch_WithStoredProofs_ReportsAlteredValuesAndMissingCount()
    {
        var anchored = Values(40);
        var tree = StandardMerkleTree.Of(anchored);
        var stored = anchored.Select((v, i) => (Value: v, Proof: (IReadOnlyList<Hash32>)tree.GetProof(i))).ToList();
        stored.RemoveAt(10);                                                   // lost
        stored[3] = (Keccak.Hash("altered"), stored[3].Proof);                 // altered in the store
        stored.Add(stored[0]);                                                 // duplicated

        var result = StandardMerkleTree.VerifyBatch(stored, tree.Root, anchoredCount: 40);

        Assert.False(result.Matches);
        Assert.Equal([3, stored.Count - 1], result.ExtraIndices);
        Assert.Equal(2, result.MissingCount); // the lost one and the altered one's original
        Assert.Equal(2, result.Missing);
    }

    [Fact]
    public void VerifyBatch_WithStoredProofsAllGood_Matches()
    {
        var anchored = Values(40);
        var tree = StandardMerkleTree.Of(anchored);
        var stored = anchored.Select((v, i) => (Value: v, Proof: (IReadOnlyList<Hash32>)tree.GetProof(i))).ToList();
        Assert.True(StandardMerkleTree.VerifyBatch(stored, tree.Root, anchoredCount: 40).Matches);
        var short1 = StandardMerkleTree.VerifyBatch(stored.Take(39).ToList(), tree.Root, anchoredCount: 40);
        Assert.False(short1.Matches);
        Assert.Empty(short1.ExtraIndices);
        Assert.Equal(1, short1.MissingCount);
    }

    [Fact]
    public void VerifyBatch_NoValues_DoesNotMatch()
    {
        var root = StandardMerkleTree.Of(Values(3)).Root;
        var result = StandardMerkleTree.VerifyBatch(ReadOnlySpan<Hash32>.Empty, root);
        Assert.False(result.Matches);
        Assert.Equal(0, result.Count);
    }
}
