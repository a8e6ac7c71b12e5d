using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Merkle;

/// <summary>
/// OpenZeppelin's <c>StandardMerkleTree</c> (<c>@openzeppelin/merkle-tree</c> 1.x) over <c>bytes32</c> values — our
/// record hashes — node for node: the same leaves, the same flat array, the same proofs and multiproofs, so any proof
/// made here verifies with OpenZeppelin's <c>MerkleProof</c> on chain and with the JS library off chain.
/// <list type="bullet">
/// <item>leaf = keccak256(bytes.concat(keccak256(abi.encode(value)))) (abi.encode of a bytes32 is the value itself);</item>
/// <item>leaves are sorted ascending (the library's default <c>sortLeaves: true</c>; a stable sort, so equal
/// values keep their input order);</item>
/// <item>the tree is a flat array of 2n − 1 nodes: <c>tree[0]</c> is the root, the children of <c>tree[i]</c> are
/// <c>tree[2i + 1]</c> and <c>tree[2i + 2]</c>, the i-th smallest leaf sits at <c>tree[2n − 2 − i]</c>;</item>
/// <item>node = keccak256(min(a, b) ‖ max(a, b)).</item>
/// </list>
/// Building hashes each value twice and each inner node once, with no allocation per node; large trees hash in
/// parallel.
/// </summary>
public sealed class StandardMerkleTree
{
    // Below this many hashes in a step, spreading the work over threads costs more than it saves.
    private const int ParallelThreshold = 1 << 13;
    private const int ChunkSize = 1 << 12;

    private readonly Hash32[] _nodes;
    private readonly Hash32[] _values;
    private readonly int[] _treeIndexOfValue;
    private readonly int[] _valueIndexAtLeaf; // [treeIndex - (n - 1)] → value index

    private StandardMerkleTree(Hash32[] nodes, Hash32[] values, int[] treeIndexOfValue, int[] valueIndexAtLeaf)
    {
        _nodes = nodes;
        _values = values;
        _treeIndexOfValue = treeIndexOfValue;
        _valueIndexAtLeaf = valueIndexAtLeaf;
    }

    /// <summary>The root: what an anchor puts on chain.</summary>
    public Hash32 Root => _nodes[0];

    /// <summary>Number of values (leaves).</summary>
    public int Count => _values.Length;

    /// <summary>The flat node array in OpenZeppelin's layout (the <c>tree</c> of the library's <c>dump()</c>).</summary>
    public ReadOnlySpan<Hash32> Nodes => _nodes;

    /// <summary>The values in the order they were given.</summary>
    public ReadOnlySpan<Hash32> Values => _values;

    /// <summary>Builds the tree of <paramref name="values"/> (record hashes), in the order given.</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1050 when there are no values.</exception>
    public static StandardMerkleTree Of(ReadOnlySpan<Hash32> values)
    {
        var n = values.Length;
        if (n == 0)
        {
            throw MerkleErrors.EmptyTree();
        }
        var copy = values.ToArray();
        var nodes = new Hash32[checked((2 * n) - 1)];
        var firstLeaf = n - 1;

        ForRange(0, n, i => nodes[firstLeaf + i] = MerkleKeccak.LeafHash(copy[i]));

        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }
        var leaves = nodes.AsSpan(firstLeaf, n);
        leaves.Sort(order.AsSpan());
        RestoreInputOrderOfEqualLeaves(leaves, order);
        // Ascending leaf i goes to tree[2n - 2 - i]: reversing the sorted region lays it out in place.
        leaves.Reverse();
        order.AsSpan().Reverse();

        var treeIndexOfValue = new int[n];
        for (var k = 0; k < n; k++)
        {
            treeIndexOfValue[order[k]] = firstLeaf + k;
        }

        HashInnerNodes(nodes, n);
        return new StandardMerkleTree(nodes, copy, treeIndexOfValue, order);
    }

    /// <summary>Builds the tree of <paramref name="values"/>, in the order given.</summary>
    public static StandardMerkleTree Of(IEnumerable<Hash32> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Of(values.ToArray());
    }

    /// <summary>Builds the tree of record hashes, in the order given.</summary>
    public static StandardMerkleTree Of(IEnumerable<RecordHash> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return Of(records.Select(r => r.Value).ToArray());
    }

    /// <summary>The standard leaf of a bytes32 value: keccak256(bytes.concat(keccak256(abi.encode(value)))).</summary>
    public static Hash32 LeafHash(Hash32 value) => MerkleKeccak.LeafHash(value);

    /// <summary>The standard node hash: keccak256 of the two children in ascending order.</summary>
    public static Hash32 NodeHash(Hash32 a, Hash32 b) => MerkleKeccak.NodeHash(a, b);

    /// <summary>The value at <paramref name="valueIndex"/> (input order).</summary>
    public Hash32 ValueAt(int valueIndex)
    {
        CheckIndex(valueIndex);
        return _values[valueIndex];
    }

    /// <summary>Where the leaf of the value at <paramref name="valueIndex"/> sits in <see cref="Nodes"/>.</summary>
    public int TreeIndexOf(int valueIndex)
    {
        CheckIndex(valueIndex);
        return _treeIndexOfValue[valueIndex];
    }

    /// <summary>The leaf hash of the value at <paramref name="valueIndex"/>.</summary>
    public Hash32 LeafHashAt(int valueIndex) => _nodes[TreeIndexOf(valueIndex)];

    /// <summary>
    /// The index of <paramref name="value"/>, or −1 when it is not in the tree. When a value occurs more than once,
    /// the last occurrence, as the JS library's lookup does.
    /// </summary>
    public int IndexOf(Hash32 value)
    {
        var leaf = MerkleKeccak.LeafHash(value);
        var n = _values.Length;
        var leaves = _nodes.AsSpan(n - 1, n); // descending
        int lo = 0, hi = n; // first k with leaves[k] <= leaf
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (leaves[mid] > leaf)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo < n && leaves[lo] == leaf ? _valueIndexAtLeaf[lo] : -1;
    }

    /// <summary>True when <paramref name="value"/> is one of the tree's values.</summary>
    public bool Contains(Hash32 value) => IndexOf(value) >= 0;

    /// <summary>The proof of the value at <paramref name="valueIndex"/>: the siblings from its leaf up to the root.</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1051 when the index is outside the tree.</exception>
    public Hash32[] GetProof(int valueIndex)
    {
        var index = TreeIndexOf(valueIndex);
        var depth = 0;
        for (var i = index; i > 0; i = (i - 1) / 2)
        {
            depth++;
        }
        var proof = new Hash32[depth];
        for (var k = 0; index > 0; k++, index = (index - 1) / 2)
        {
            proof[k] = _nodes[SiblingIndex(index)];
        }
        return proof;
    }

    /// <summary>The proof of <paramref name="value"/>.</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1052 when the value is not in the tree.</exception>
    public Hash32[] GetProof(Hash32 value)
    {
        var index = IndexOf(value);
        return index < 0 ? throw MerkleErrors.ValueNotInTree(value) : GetProof(index);
    }

    /// <summary>True when <paramref name="proof"/> proves the value at <paramref name="valueIndex"/> against this root.</summary>
    public bool Verify(int valueIndex, ReadOnlySpan<Hash32> proof) => Verify(Root, ValueAt(valueIndex), proof);

    /// <summary>
    /// A multiproof of several values at once (OpenZeppelin's <c>getMultiProof</c>). Its leaves come in the order the
    /// proof consumes them (from the deepest tree position up), not in the order asked.
    /// </summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1051 for an index outside the tree, LEDGER-1053 for an index given twice.</exception>
    public MerkleMultiProof GetMultiProof(ReadOnlySpan<int> valueIndices)
    {
        var indices = new int[valueIndices.Length];
        for (var i = 0; i < valueIndices.Length; i++)
        {
            indices[i] = TreeIndexOf(valueIndices[i]);
        }
        Array.Sort(indices);
        Array.Reverse(indices);
        for (var i = 1; i < indices.Length; i++)
        {
            if (indices[i] == indices[i - 1])
            {
                throw MerkleErrors.DuplicateIndex(_valueIndexAtLeaf[indices[i] - (_values.Length - 1)]);
            }
        }

        // The library's "stack" is a queue: take from the front, push parents to the back.
        var queue = new Queue<int>(indices);
        var proof = new List<Hash32>();
        var flags = new List<bool>();
        while (queue.Count > 0 && queue.Peek() > 0)
        {
            var j = queue.Dequeue();
            var s = SiblingIndex(j);
            if (queue.Count > 0 && queue.Peek() == s)
            {
                flags.Add(true);
                queue.Dequeue();
            }
            else
            {
                flags.Add(false);
                proof.Add(_nodes[s]);
            }
            queue.Enqueue((j - 1) / 2);
        }
        if (indices.Length == 0)
        {
            proof.Add(Root);
        }
        var leaves = new Hash32[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            leaves[i] = _values[_valueIndexAtLeaf[indices[i] - (_values.Length - 1)]];
        }
        return new MerkleMultiProof(leaves, [.. proof], [.. flags]);
    }

    /// <summary>A multiproof of the given values.</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1052 when a value is not in the tree.</exception>
    public MerkleMultiProof GetMultiProof(IEnumerable<Hash32> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var indices = values.Select(v => IndexOf(v) is var i and >= 0 ? i : throw MerkleErrors.ValueNotInTree(v)).ToArray();
        return GetMultiProof(indices);
    }

    /// <summary>True when <paramref name="proof"/> leads from <paramref name="value"/>'s leaf to <paramref name="root"/>.</summary>
    public static bool Verify(Hash32 root, Hash32 value, ReadOnlySpan<Hash32> proof) =>
        ProcessProof(MerkleKeccak.LeafHash(value), proof) == root;

    /// <summary>The root a proof leads to from a leaf hash (OpenZeppelin's <c>processProof</c>).</summary>
    public static Hash32 ProcessProof(Hash32 leafHash, ReadOnlySpan<Hash32> proof)
    {
        var node = leafHash;
        foreach (var sibling in proof)
        {
            node = MerkleKeccak.NodeHash(node, sibling);
        }
        return node;
    }

    /// <summary>True when <paramref name="multiProof"/> is well formed and leads to <paramref name="root"/>.</summary>
    public static bool VerifyMultiProof(Hash32 root, MerkleMultiProof multiProof)
    {
        ArgumentNullException.ThrowIfNull(multiProof);
        var leafHashes = new Hash32[multiProof.Leaves.Count];
        for (var i = 0; i < leafHashes.Length; i++)
        {
            leafHashes[i] = MerkleKeccak.LeafHash(multiProof.Leaves[i]);
        }
        return TryProcessMultiProof(leafHashes, [.. multiProof.Proof], [.. multiProof.ProofFlags], out var computed, out _)
            && computed == root;
    }

    /// <summary>The root a multiproof leads to from its leaf hashes (OpenZeppelin's <c>processMultiProof</c>).</summary>
    /// <exception cref="Errors.LedgerException">LEDGER-1054 when leaves, proof and flags do not fit together.</exception>
    public static Hash32 ProcessMultiProof(ReadOnlySpan<Hash32> leafHashes, ReadOnlySpan<Hash32> proof, ReadOnlySpan<bool> proofFlags) =>
        TryProcessMultiProof(leafHashes, proof, proofFlags, out var root, out var problem)
            ? root
            : throw MerkleErrors.MalformedMultiProof(problem!);

    private static bool TryProcessMultiProof(
        ReadOnlySpan<Hash32> leafHashes, ReadOnlySpan<Hash32> proof, ReadOnlySpan<bool> proofFlags, out Hash32 root, out string? problem)
    {
        root = default;
        var proofsNeeded = 0;
        foreach (var flag in proofFlags)
        {
            proofsNeeded += flag ? 0 : 1;
        }
        if (proof.Length < proofsNeeded)
        {
            problem = $"its flags take {proofsNeeded} proof hash(es) but it has {proof.Length}";
            return false;
        }
        if (leafHashes.Length + proof.Length != proofFlags.Length + 1)
        {
            problem = $"{leafHashes.Length} leaves and {proof.Length} proof hashes need {leafHashes.Length + proof.Length - 1} flags, not {proofFlags.Length}";
            return false;
        }

        var queue = new Hash32[leafHashes.Length + proofFlags.Length];
        leafHashes.CopyTo(queue);
        int head = 0, tail = leafHashes.Length, proofPos = 0;
        foreach (var flag in proofFlags)
        {
            if (head == tail)
            {
                problem = "a flag asks for a node that has not been computed yet";
                return false;
            }
            var a = queue[head++];
            Hash32 b;
            if (flag)
            {
                if (head == tail)
                {
                    problem = "a flag asks for a node that has not been computed yet";
                    return false;
                }
                b = queue[head++];
            }
            else
            {
                b = proof[proofPos++];
            }
            queue[tail++] = MerkleKeccak.NodeHash(a, b);
        }
        var remaining = (tail - head) + (proof.Length - proofPos);
        if (remaining != 1)
        {
            problem = $"it ends with {remaining} nodes instead of one root";
            return false;
        }
        root = tail > head ? queue[tail - 1] : proof[proofPos];
        problem = null;
        return true;
    }

    /// <summary>
    /// Rebuilds the tree of <paramref name="values"/> once and compares its root with <paramref name="expectedRoot"/>.
    /// A root alone cannot say which values differ; give a reference or the stored proofs (the other overloads) to
    /// learn that.
    /// </summary>
    public static BatchVerification VerifyBatch(ReadOnlySpan<Hash32> values, Hash32 expectedRoot)
    {
        if (values.IsEmpty)
        {
            return BatchVerification.Empty(expectedRoot);
        }
        var actual = Of(values).Root;
        return new BatchVerification(expectedRoot, actual, values.Length, actual == expectedRoot, null, [], []);
    }

    /// <summary>
    /// Rebuilds the tree of <paramref name="values"/> and compares its root with <paramref name="expectedRoot"/>; when
    /// they differ, compares the values with <paramref name="referenceValues"/> (the batch as it was anchored, e.g. a
    /// peer's copy or the outbox's list) and reports the values missing from and extra to the batch.
    /// <see cref="BatchVerification.ReferenceMatchesRoot"/> says whether the reference itself hashes to the root.
    /// </summary>
    public static BatchVerification VerifyBatch(ReadOnlySpan<Hash32> values, Hash32 expectedRoot, ReadOnlySpan<Hash32> referenceValues)
    {
        var actualRoot = values.IsEmpty ? Hash32.Zero : Of(values).Root;
        if (!values.IsEmpty && actualRoot == expectedRoot)
        {
            return new BatchVerification(expectedRoot, actualRoot, values.Length, true, null, [], []);
        }
        var referenceMatches = !referenceValues.IsEmpty && Of(referenceValues).Root == expectedRoot;

        // Multiset difference by merging both sides sorted (equal values pair off one for one).
        var actual = SortedWithIndex(values);
        var reference = referenceValues.ToArray();
        Array.Sort(reference);
        var extra = new List<int>();
        var missing = new List<Hash32>();
        int a = 0, r = 0;
        while (a < actual.Length || r < reference.Length)
        {
            var cmp = a == actual.Length ? 1 : r == reference.Length ? -1 : actual[a].Value.CompareTo(reference[r]);
            if (cmp == 0)
            {
                a++;
                r++;
            }
            else if (cmp < 0)
            {
                extra.Add(actual[a++].Index);
            }
            else
            {
                missing.Add(reference[r++]);
            }
        }
        extra.Sort();
        return new BatchVerification(expectedRoot, actualRoot, values.Length, false, referenceMatches, extra, missing);
    }

    /// <summary>
    /// Rebuilds the tree of the values and compares its root with <paramref name="expectedRoot"/>; when they differ,
    /// checks each value's stored proof against the expected root: values whose proof fails are reported as extra
    /// (not part of the anchored batch, or altered), and, with <paramref name="anchoredCount"/> (the leaf count
    /// recorded with the anchor), how many anchored values are missing.
    /// </summary>
    public static BatchVerification VerifyBatch(
        IReadOnlyList<(Hash32 Value, IReadOnlyList<Hash32> Proof)> valuesWithProofs, Hash32 expectedRoot, int? anchoredCount = null)
    {
        ArgumentNullException.ThrowIfNull(valuesWithProofs);
        var values = new Hash32[valuesWithProofs.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = valuesWithProofs[i].Value;
        }
        var actualRoot = values.Length == 0 ? Hash32.Zero : Of(values).Root;
        if (values.Length > 0 && actualRoot == expectedRoot && (anchoredCount is null || anchoredCount == values.Length))
        {
            return new BatchVerification(expectedRoot, actualRoot, values.Length, true, null, [], []);
        }
        var extra = new List<int>();
        var proven = new HashSet<Hash32>();
        var provenCount = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var proof = valuesWithProofs[i].Proof;
            if (proof is not null && Verify(expectedRoot, values[i], proof.ToArray()))
            {
                // A second copy of a proven value with the same proof proves nothing new: it is a duplicate.
                if (proven.Add(ProofFingerprint(values[i], proof)))
                {
                    provenCount++;
                    continue;
                }
            }
            extra.Add(i);
        }
        int? missingCount = anchoredCount is { } expected ? Math.Max(0, expected - provenCount) : null;
        return new BatchVerification(expectedRoot, actualRoot, values.Length, false, null, extra, [], missingCount);
    }

    // Identifies a (value, proof) pair: the same value proven at two positions has two different proofs.
    private static Hash32 ProofFingerprint(Hash32 value, IReadOnlyList<Hash32> proof)
    {
        var key = value;
        foreach (var sibling in proof)
        {
            key = MerkleKeccak.Hash(key, sibling);
        }
        return key;
    }

    private static (Hash32 Value, int Index)[] SortedWithIndex(ReadOnlySpan<Hash32> values)
    {
        var pairs = new (Hash32 Value, int Index)[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            pairs[i] = (values[i], i);
        }
        Array.Sort(pairs, static (x, y) => x.Value.CompareTo(y.Value) is var c and not 0 ? c : x.Index.CompareTo(y.Index));
        return pairs;
    }

    private static int SiblingIndex(int index) => index % 2 == 1 ? index + 1 : index - 1;

    private void CheckIndex(int valueIndex)
    {
        if ((uint)valueIndex >= (uint)_values.Length)
        {
            throw MerkleErrors.IndexOutOfRange(valueIndex, _values.Length);
        }
    }

    // The sort is not stable; OpenZeppelin's is. Equal leaves (equal values) must keep their input order so that each
    // value maps to the same tree position as in the JS library.
    private static void RestoreInputOrderOfEqualLeaves(Span<Hash32> sortedLeaves, int[] order)
    {
        var start = 0;
        for (var i = 1; i <= sortedLeaves.Length; i++)
        {
            if (i == sortedLeaves.Length || sortedLeaves[i] != sortedLeaves[start])
            {
                if (i - start > 1)
                {
                    Array.Sort(order, start, i - start);
                }
                start = i;
            }
        }
    }

    // Inner nodes are 0 … n − 2. A node's children are one level deeper, so the nodes of one depth (indices 2^d − 1
    // to 2^(d+1) − 2) depend only on the depth below and can be hashed in any order, in parallel.
    private static void HashInnerNodes(Hash32[] nodes, int leafCount)
    {
        var lastInner = leafCount - 2;
        if (lastInner < 0)
        {
            return;
        }
        var depth = 31 - int.LeadingZeroCount(lastInner + 1);
        for (; depth >= 0; depth--)
        {
            var first = (1 << depth) - 1;
            var last = Math.Min((1 << (depth + 1)) - 2, lastInner);
            ForRange(first, last + 1, i => nodes[i] = MerkleKeccak.NodeHash(nodes[(2 * i) + 1], nodes[(2 * i) + 2]));
        }
    }

    private static void ForRange(int fromInclusive, int toExclusive, Action<int> body)
    {
        var count = toExclusive - fromInclusive;
        if (count < ParallelThreshold)
        {
            for (var i = fromInclusive; i < toExclusive; i++)
            {
                body(i);
            }
            return;
        }
        var chunks = (count + ChunkSize - 1) / ChunkSize;
        Parallel.For(0, chunks, chunk =>
        {
            var start = fromInclusive + (chunk * ChunkSize);
            var end = Math.Min(start + ChunkSize, toExclusive);
            for (var i = start; i < end; i++)
            {
                body(i);
            }
        });
    }
}
