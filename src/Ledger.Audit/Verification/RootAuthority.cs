using Ledger.Audit.Bundle;
using Ledger.Audit.History;
using Ledger.Core.Events;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Audit.Verification;

/// <summary>Where the authoritative root of a batch comes from.</summary>
public enum RootAuthorityKind
{
    /// <summary>The chain's <c>anchoredRoot(org, batchId)</c> (online).</summary>
    Chain,
    /// <summary>A file of roots the auditor trusts (offline).</summary>
    TrustedRoots,
    /// <summary>The anchors the evidence itself carries (offline, consistency only).</summary>
    Evidence,
}

/// <summary>
/// Rule (c) of verification: which root a batch must have. Online it is the chain's; offline with a trusted-roots
/// file, the file's; offline without one, the bundle's own anchors (and their BatchAnchored events must agree) —
/// which shows the bundle is consistent but not that its roots are the chain's.
/// </summary>
public sealed class RootAuthority
{
    private readonly IReadOnlyDictionary<BatchKey, Hash32>? _chainRoots;
    private readonly TrustedRoots? _trusted;

    private RootAuthority(RootAuthorityKind kind, string description, IReadOnlyDictionary<BatchKey, Hash32>? chainRoots, TrustedRoots? trusted)
    {
        Kind = kind;
        Description = description;
        _chainRoots = chainRoots;
        _trusted = trusted;
    }

    /// <summary>The kind of authority.</summary>
    public RootAuthorityKind Kind { get; }

    /// <summary>For people: "the chain 31337 at http://…".</summary>
    public string Description { get; }

    /// <summary>The chain's roots, as read with <c>anchoredRoot</c> (zero: not anchored).</summary>
    public static RootAuthority FromChain(IReadOnlyDictionary<BatchKey, Hash32> roots, string description)
    {
        ArgumentNullException.ThrowIfNull(roots);
        return new(RootAuthorityKind.Chain, description, roots, null);
    }

    /// <summary>The roots in a trusted-roots file.</summary>
    public static RootAuthority FromTrusted(TrustedRoots trusted)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        return new(RootAuthorityKind.TrustedRoots, $"the {trusted.Count} trusted root(s) in {trusted.Source ?? "the trusted-roots file"}", null, trusted);
    }

    /// <summary>The evidence's own anchors (consistency only).</summary>
    public static RootAuthority FromEvidence() => new(RootAuthorityKind.Evidence, "the anchors the bundle carries (no chain, no trusted roots)", null, null);

    /// <summary>
    /// The authoritative root of <paramref name="batch"/>, given what the evidence says (its anchor entry and
    /// BatchAnchored event), and the batch-level problems: a forged root, no root, an untrusted batch.
    /// </summary>
    internal (Hash32? Root, List<AuditProblem> Problems) Resolve(BatchKey batch, AnchorInfo? anchor, ChainEvent? anchorEvent)
    {
        var problems = new List<AuditProblem>();
        var eventRoot = anchorEvent?.TryAs<BatchAnchored>()?.Root;
        Hash32? root;
        switch (Kind)
        {
            case RootAuthorityKind.Chain:
                if (_chainRoots!.TryGetValue(batch, out var chainRoot) && !chainRoot.IsZero)
                {
                    root = chainRoot;
                }
                else
                {
                    problems.Add(new(ProblemKind.RootNotAnchored, $"The {batch} is not anchored on {Description}: the chain holds no root for it."));
                    return (null, problems);
                }
                break;
            case RootAuthorityKind.TrustedRoots:
                if (_trusted!.TryGetRoot(batch, out var trustedRoot))
                {
                    root = trustedRoot;
                }
                else
                {
                    problems.Add(new(ProblemKind.RootNotTrusted, $"The {batch} is not among {Description}, so its root cannot be trusted."));
                    return (null, problems);
                }
                break;
            default:
                root = anchor?.Root ?? eventRoot;
                if (root is null)
                {
                    problems.Add(new(ProblemKind.RootUnknown, $"The {batch} is neither among the bundle's anchors nor its BatchAnchored events, so its root cannot be checked."));
                    return (null, problems);
                }
                if (anchor is not null && eventRoot is { } er && er != anchor.Root)
                {
                    problems.Add(new(ProblemKind.RootMismatch, $"The bundle's anchor of {batch} has root {anchor.Root}, but its BatchAnchored event says {er}: one of them was forged."));
                    return (null, problems);
                }
                return (root, problems);
        }
        if (anchor is not null && anchor.Root != root)
        {
            problems.Add(new(ProblemKind.RootMismatch, $"The bundle's anchor of {batch} has root {anchor.Root}, but {Description} says {root}: a forged root."));
        }
        if (eventRoot is { } eventValue && eventValue != root)
        {
            problems.Add(new(ProblemKind.RootMismatch, $"The BatchAnchored event of {batch} in the evidence has root {eventValue}, but {Description} says {root}: a forged event."));
        }
        return (root, problems);
    }
}
