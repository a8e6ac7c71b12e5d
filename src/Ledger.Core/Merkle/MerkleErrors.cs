using Ledger.Core.Errors;

namespace Ledger.Core.Merkle;

/// <summary>The Merkle errors a user can meet (codes LEDGER-1050 to LEDGER-1059).</summary>
public static class MerkleErrors
{
    /// <summary>LEDGER-1050: a tree needs at least one value.</summary>
    public const string EmptyTreeCode = "LEDGER-1050";

    /// <summary>LEDGER-1051: a value index is outside the tree.</summary>
    public const string IndexOutOfRangeCode = "LEDGER-1051";

    /// <summary>LEDGER-1052: a value asked for is not in the tree.</summary>
    public const string ValueNotInTreeCode = "LEDGER-1052";

    /// <summary>LEDGER-1053: a multiproof was asked for the same value twice.</summary>
    public const string DuplicateIndexCode = "LEDGER-1053";

    /// <summary>LEDGER-1054: a multiproof's leaves, proof and flags do not fit together.</summary>
    public const string MalformedMultiProofCode = "LEDGER-1054";

    internal static LedgerException EmptyTree() => new(
        EmptyTreeCode, ErrorCategory.InvalidArgument,
        "A Merkle tree needs at least one value; an anchor batch must hold at least one record.");

    internal static LedgerException IndexOutOfRange(int index, int count) => new(
        IndexOutOfRangeCode, ErrorCategory.InvalidArgument,
        $"Value index {index} is outside the tree, which holds {count} value(s) (indices 0 to {count - 1}).");

    internal static LedgerException ValueNotInTree(Primitives.Hash32 value) => new(
        ValueNotInTreeCode, ErrorCategory.NotFound,
        $"The value {value} is not in this Merkle tree, so no proof of it exists; check that the record belongs to this batch.");

    internal static LedgerException DuplicateIndex(int index) => new(
        DuplicateIndexCode, ErrorCategory.InvalidArgument,
        $"A multiproof cannot prove value index {index} twice; pass each index once.");

    internal static LedgerException MalformedMultiProof(string what) => new(
        MalformedMultiProofCode, ErrorCategory.InvalidArgument,
        $"The multiproof is malformed: {what}.");
}
