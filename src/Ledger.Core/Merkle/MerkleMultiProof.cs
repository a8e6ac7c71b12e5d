using Ledger.Core.Primitives;

namespace Ledger.Core.Merkle;

/// <summary>
/// A proof of several values at once, as OpenZeppelin's <c>getMultiProof</c> returns it and
/// <c>MerkleProof.multiProofVerify(proof, proofFlags, root, leaves)</c> checks it.
/// </summary>
/// <param name="Leaves">The values proven, in the order the proof consumes them (not the order asked).</param>
/// <param name="Proof">The sibling hashes the proof needs, in order.</param>
/// <param name="ProofFlags">For each hashing step: true = take the next computed node, false = the next proof hash.</param>
public sealed record MerkleMultiProof(IReadOnlyList<Hash32> Leaves, IReadOnlyList<Hash32> Proof, IReadOnlyList<bool> ProofFlags)
{
    /// <summary>The leaf hashes of <see cref="Leaves"/> — what Solidity's <c>multiProofVerify</c> takes.</summary>
    public Hash32[] LeafHashes() => Leaves.Select(StandardMerkleTree.LeafHash).ToArray();
}
