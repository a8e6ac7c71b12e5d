using System.Buffers;
using Ledger.Core.Merkle;
using Ledger.Core.Primitives;

namespace Ledger.Audit.Verification;

/// <summary>
/// Rebuilds an anchored batch's tree the way <see cref="StandardMerkleTree"/> (OpenZeppelin's standard tree) does —
/// same leaves, same sorted layout, same flat node array — but hashing four leaves or four nodes at a time with
/// <see cref="KeccakX4"/> and into pooled arrays, because whole-ledger verification rebuilds every batch. The tests
/// check it node for node against <see cref="StandardMerkleTree"/>.
/// </summary>
internal sealed class BatchTree : IDisposable
{
    private readonly Hash32[] _nodes;
    private readonly int[] _treeIndexOfValue;
    private readonly int _count;

    private BatchTree(Hash32[] nodes, int[] treeIndexOfValue, int count)
    {
        _nodes = nodes;
        _treeIndexOfValue = treeIndexOfValue;
        _count = count;
    }

    /// <summary>The root.</summary>
    public Hash32 Root => _nodes[0];

    /// <summary>The flat node array (OpenZeppelin layout): 2n − 1 nodes.</summary>
    public ReadOnlySpan<Hash32> Nodes => _nodes.AsSpan(0, (2 * _count) - 1);

    /// <summary>Builds the tree of <paramref name="values"/> (at least one).</summary>
    public static BatchTree Of(ReadOnlySpan<Hash32> values)
    {
        var n = values.Length;
        if (n == 0)
        {
            throw new ArgumentException("A batch has at least one record.", nameof(values));
        }
        var nodes = ArrayPool<Hash32>.Shared.Rent((2 * n) - 1);
        var treeIndexOfValue = ArrayPool<int>.Shared.Rent(n);
        var order = ArrayPool<int>.Shared.Rent(n);
        try
        {
            // Leaves, in input order, into the leaf region; then sorted ascending with their value indices.
            var leaves = nodes.AsSpan(n - 1, n);
            LeafHashes(values, leaves);
            var indices = order.AsSpan(0, n);
            for (var i = 0; i < n; i++)
            {
                indices[i] = i;
            }
            leaves.Sort(indices);
            // The i-th smallest leaf sits at tree[2n − 2 − i]: reversing the sorted region lays it out in place.
            leaves.Reverse();
            indices.Reverse();
            for (var k = 0; k < n; k++)
            {
                treeIndexOfValue[indices[k]] = n - 1 + k;
            }
            HashInnerNodes(nodes, n);
            return new BatchTree(nodes, treeIndexOfValue, n);
        }
        catch
        {
            ArrayPool<Hash32>.Shared.Return(nodes);
            ArrayPool<int>.Shared.Return(treeIndexOfValue);
            throw;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
        }
    }

    /// <summary>True when <paramref name="proof"/> is exactly the path of value <paramref name="valueIndex"/> (compared, not hashed).</summary>
    public bool IsProofOf(int valueIndex, IReadOnlyList<Hash32> proof)
    {
        var j = _treeIndexOfValue[valueIndex];
        var k = 0;
        while (j > 0)
        {
            var sibling = (j & 1) == 1 ? j + 1 : j - 1;
            if (k >= proof.Count || proof[k] != _nodes[sibling])
            {
                return false;
            }
            k++;
            j = (j - 1) / 2;
        }
        return k == proof.Count;
    }

    /// <summary>Returns the pooled arrays.</summary>
    public void Dispose()
    {
        ArrayPool<Hash32>.Shared.Return(_nodes);
        ArrayPool<int>.Shared.Return(_treeIndexOfValue);
    }

    private static void LeafHashes(ReadOnlySpan<Hash32> values, Span<Hash32> leaves)
    {
        var i = 0;
        if (KeccakX4.IsSupported)
        {
            for (; i + 4 <= values.Length; i += 4)
            {
                KeccakX4.LeafHash(values[i], values[i + 1], values[i + 2], values[i + 3], leaves[i..]);
            }
        }
        for (; i < values.Length; i++)
        {
            leaves[i] = StandardMerkleTree.LeafHash(values[i]);
        }
    }

    // Inner nodes 0 … n − 2, deepest level first: every node of a level depends only on the level below (or on
    // leaves), so each level is hashed four nodes at a time.
    private static void HashInnerNodes(Hash32[] nodes, int n)
    {
        var last = n - 2;
        if (last < 0)
        {
            return;
        }
        var depth = 0;
        while ((1L << (depth + 1)) - 1 <= last)
        {
            depth++;
        }
        Span<Hash32> left = stackalloc Hash32[4];
        Span<Hash32> right = stackalloc Hash32[4];
        Span<Hash32> hashed = stackalloc Hash32[4];
        for (; depth >= 0; depth--)
        {
            var first = (int)((1L << depth) - 1);
            var end = (int)Math.Min((1L << (depth + 1)) - 2, last);
            var i = first;
            if (KeccakX4.IsSupported)
            {
                for (; i + 3 <= end; i += 4)
                {
                    for (var k = 0; k < 4; k++)
                    {
                        left[k] = nodes[(2 * (i + k)) + 1];
                        right[k] = nodes[(2 * (i + k)) + 2];
                    }
                    KeccakX4.NodeHash(left, right, hashed);
                    hashed.CopyTo(nodes.AsSpan(i, 4));
                }
            }
            for (; i <= end; i++)
            {
                nodes[i] = StandardMerkleTree.NodeHash(nodes[(2 * i) + 1], nodes[(2 * i) + 2]);
            }
        }
    }
}
