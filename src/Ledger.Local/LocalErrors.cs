using Ledger.Core.Errors;

namespace Ledger.Local;

/// <summary>
/// Errors of the local consortium (LEDGER-1650 … LEDGER-1659, in the SDK/CLI range 1600–1699). Each says what to fix;
/// none carries a key or a password.
/// </summary>
public static class LocalErrors
{
    /// <summary>LEDGER-1650: the built node (ledger-node.dll) or the dotnet host cannot be found.</summary>
    public const string NodeNotBuiltCode = "LEDGER-1650";
    /// <summary>LEDGER-1651: a node process exited or did not become ready in time.</summary>
    public const string NodeStartFailedCode = "LEDGER-1651";
    /// <summary>LEDGER-1652: the work folder is not one the orchestrator made, or cannot be used.</summary>
    public const string WorkDirCode = "LEDGER-1652";
    /// <summary>LEDGER-1653: the consortium options are unusable (topology, chain, password).</summary>
    public const string OptionsCode = "LEDGER-1653";
    /// <summary>LEDGER-1654: a consortium description (consortium.json) is missing or malformed.</summary>
    public const string DescriptionCode = "LEDGER-1654";
    /// <summary>LEDGER-1655: a member on chain contradicts the local key store (another operator, not active).</summary>
    public const string MembershipConflictCode = "LEDGER-1655";
    /// <summary>LEDGER-1656: an enode URL is malformed; nothing was proposed on chain.</summary>
    public const string MalformedEnodeCode = "LEDGER-1656";
    /// <summary>LEDGER-1657: the chain the orchestrator started exited and could not come back with its state; the consortium was stopped.</summary>
    public const string ChainLostCode = "LEDGER-1657";
    /// <summary>LEDGER-1658: a node kept exiting, so its supervisor stopped restarting it.</summary>
    public const string NodeGivenUpCode = "LEDGER-1658";
    /// <summary>LEDGER-1659: no <c>ledger up</c> process supervises the described consortium, or it did not answer a request in time.</summary>
    public const string NotSupervisedCode = "LEDGER-1659";

    internal static LedgerException NodeNotBuilt(string sentence) => new(NodeNotBuiltCode, ErrorCategory.FailedPrecondition, sentence);

    internal static LedgerException NodeStartFailed(string sentence, Exception? inner = null) =>
        new(NodeStartFailedCode, ErrorCategory.Unavailable, sentence, inner);

    internal static LedgerException WorkDir(string sentence, Exception? inner = null) => new(WorkDirCode, ErrorCategory.FailedPrecondition, sentence, inner);

    internal static LedgerException Options(string sentence) => new(OptionsCode, ErrorCategory.InvalidArgument, sentence);

    internal static LedgerException Description(string sentence, Exception? inner = null) => new(DescriptionCode, ErrorCategory.InvalidArgument, sentence, inner);

    internal static LedgerException MembershipConflict(string sentence) => new(MembershipConflictCode, ErrorCategory.FailedPrecondition, sentence);

    /// <summary>
    /// LEDGER-1656 for <paramref name="enode"/> of <paramref name="org"/> when it is not a Besu enode URL
    /// (<see cref="Core.Primitives.EnodeUrl"/>); nothing is returned when it is one or is empty (no Besu node).
    /// </summary>
    /// <exception cref="LedgerException">LEDGER-1656, saying what is wrong and that nothing was proposed.</exception>
    public static void EnsureEnode(string org, string? enode)
    {
        if (string.IsNullOrEmpty(enode) || Core.Primitives.EnodeUrl.IsValid(enode, out var problem))
        {
            return;
        }
        throw new LedgerException(MalformedEnodeCode, ErrorCategory.InvalidArgument,
            $"The enode URL of {org} is malformed: {problem}. Besu reads {Core.Primitives.EnodeUrl.Shape} (the node key's 64-byte public key as 128 hex digits without 0x); nothing was proposed. Correct it and propose again, or leave it out when the member runs no Besu node.");
    }

    internal static LedgerException ChainLost(string sentence) => new(ChainLostCode, ErrorCategory.Unavailable, sentence);

    internal static LedgerException NodeGivenUp(string sentence) => new(NodeGivenUpCode, ErrorCategory.Unavailable, sentence);

    internal static LedgerException NotSupervised(string sentence) => new(NotSupervisedCode, ErrorCategory.Unavailable, sentence);
}
