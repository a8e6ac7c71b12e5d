using Ledger.Audit.Bundle;
using Ledger.Audit.History;
using Ledger.Audit.Indexing;
using Ledger.Audit.Online;
using Ledger.Audit.Verification;
using Ledger.Chain.Rpc;
using Ledger.Core.Errors;
using Ledger.Core.Ports;

namespace Ledger.Audit;

/// <summary>How a bundle is verified: against a chain, or offline.</summary>
public abstract record VerificationMode
{
    private VerificationMode()
    {
    }

    /// <summary>
    /// Against the chain at <paramref name="RpcUrl"/>: roots from <c>anchoredRoot</c>, consents and membership
    /// from the chain's own events (the bundle's events must match them), block times from the chain.
    /// </summary>
    public sealed record Online(string RpcUrl) : VerificationMode;

    /// <summary>
    /// Without a chain: the bundle's own anchors and events; with <paramref name="TrustedRootsFile"/>, every batch
    /// root must also be one the auditor trusts.
    /// </summary>
    public sealed record Offline(string? TrustedRootsFile = null) : VerificationMode;
}

/// <summary>The outcome of <c>ledger audit verify</c>: an exit code, a summary, and the report when there is one.</summary>
/// <param name="ExitCode"><see cref="BundleVerificationResult.Verified"/> (0), <see cref="BundleVerificationResult.Failed"/> (1)
/// or <see cref="BundleVerificationResult.Unusable"/> (2).</param>
/// <param name="Summary">One line for people.</param>
/// <param name="Problems">Each failing record, batch or event and why (exit 1), or the reason the input is unusable (exit 2).</param>
/// <param name="ErrorCode">The LEDGER-17xx code (LEDGER-1710 for a failed verification), or null when verified.</param>
/// <param name="Report">The full report, when the bundle could be verified at all.</param>
public sealed record BundleVerificationResult(int ExitCode, string Summary, IReadOnlyList<string> Problems, string? ErrorCode, VerificationReport? Report)
{
    /// <summary>Exit code: every record verified or pending, every batch and event fine.</summary>
    public const int Verified = 0;

    /// <summary>Exit code: the bundle was read and checked, and something failed.</summary>
    public const int Failed = 1;

    /// <summary>Exit code: the input cannot be used (unreadable or incomplete bundle, bad trusted roots, chain unreachable or another chain).</summary>
    public const int Unusable = 2;

    /// <summary>The bundle that was verified, when it could be read.</summary>
    public AuditBundle? Bundle { get; init; }
}

/// <summary>
/// The entry point of <c>ledger audit verify BUNDLE [--rpc URL | --offline [--trusted-roots FILE]]</c>: reads the
/// bundle, gathers the authority (chain or trusted roots), verifies every record and batch, and says how to exit.
/// Never throws for bad input: an unusable input is exit code 2 with a LEDGER-17xx message.
/// </summary>
public static class BundleVerifier
{
    /// <summary>Verifies the bundle file at <paramref name="bundlePath"/>.</summary>
    public static async Task<BundleVerificationResult> VerifyAsync(
        string bundlePath, VerificationMode mode, VerificationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundlePath);
        AuditBundle bundle;
        try
        {
            bundle = AuditBundleJson.ReadFile(bundlePath);
        }
        catch (LedgerException ex)
        {
            return Unusable(ex);
        }
        return await VerifyAsync(bundle, mode, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Verifies a bundle already in memory.</summary>
    public static async Task<BundleVerificationResult> VerifyAsync(
        AuditBundle bundle, VerificationMode mode, VerificationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(mode);
        try
        {
            var verifier = mode switch
            {
                VerificationMode.Online online => await OnlineVerifierAsync(bundle, online.RpcUrl, options, null, cancellationToken).ConfigureAwait(false),
                VerificationMode.Offline offline => OfflineVerifier(bundle, offline.TrustedRootsFile, options),
                _ => throw new ArgumentOutOfRangeException(nameof(mode)),
            };
            var report = verifier.VerifyAll(cancellationToken);
            if (report.Passed)
            {
                return new BundleVerificationResult(BundleVerificationResult.Verified, report.Summary(), [], null, report) { Bundle = bundle };
            }
            return new BundleVerificationResult(
                BundleVerificationResult.Failed,
                $"{AuditErrors.VerificationFailedCode}: the bundle did not verify. {report.Summary()}",
                [.. report.AllProblems().Select(p => p.Message)],
                AuditErrors.VerificationFailedCode,
                report)
            {
                Bundle = bundle,
            };
        }
        catch (LedgerException ex)
        {
            return Unusable(ex) with { Bundle = bundle };
        }
    }

    /// <summary>The verifier of <paramref name="bundle"/> against the chain at <paramref name="rpcUrl"/>.</summary>
    /// <exception cref="AuditException">LEDGER-1705/1706/1707 when the chain cannot be used.</exception>
    public static async Task<LedgerVerifier> OnlineVerifierAsync(
        AuditBundle bundle, string rpcUrl, VerificationOptions? options = null, RetryOptions? retry = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var source = await ChainAuditSource.ConnectAsync(rpcUrl, bundle.Chain, retry, cancellationToken).ConfigureAwait(false);
        var chainEvents = await source.ReadEventsAsync(cancellationToken).ConfigureAwait(false);
        var problems = CompareEvents(bundle.Events, chainEvents);

        // Block times from the chain for every block a check refers to that no event already dates.
        var dated = chainEvents.Select(e => e.BlockNumber).ToHashSet();
        var needed = NeededBlocks(bundle).Where(b => !dated.Contains(b)).ToList();
        var times = await source.BlockTimesAsync(needed, cancellationToken).ConfigureAwait(false);
        var history = ChainHistory.Build(chainEvents, bundle.Chain, times);
        foreach (var (block, time) in bundle.BlockTimes)
        {
            if (history.TryGetBlockTime(block, out var chainTime) && chainTime != time)
            {
                problems.Add(new AuditProblem(ProblemKind.EventMismatch, $"The bundle gives block {block} the time {time}, but the chain says {chainTime}."));
            }
        }

        var index = LedgerIndex.Build(bundle, history);
        var batches = Enumerable.Range(0, index.BatchCount).Select(index.BatchKeyAt);
        var roots = await source.AnchoredRootsAsync(batches, cancellationToken).ConfigureAwait(false);
        return new LedgerVerifier(index, RootAuthority.FromChain(roots, $"the chain {bundle.Chain.ChainId} at {rpcUrl}"), options, problems);
    }

    /// <summary>The verifier of <paramref name="bundle"/> without a chain (with trusted roots when a file is given).</summary>
    /// <exception cref="AuditException">LEDGER-1704 when the trusted-roots file cannot be used.</exception>
    public static LedgerVerifier OfflineVerifier(AuditBundle bundle, string? trustedRootsFile, VerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var authority = RootAuthority.FromEvidence();
        if (trustedRootsFile is not null)
        {
            var trusted = TrustedRoots.Load(trustedRootsFile);
            if (trusted.ChainId is { } chainId && chainId != bundle.Chain.ChainId)
            {
                throw AuditErrors.TrustedRootsUnusable(trustedRootsFile, $"its roots are of chain {chainId}, the bundle is of chain {bundle.Chain.ChainId}");
            }
            authority = RootAuthority.FromTrusted(trusted);
        }
        return new LedgerVerifier(LedgerIndex.Build(bundle), authority, options);
    }

    /// <summary>The blocks whose times verification needs: each access or refusal's checked block and each anchor's block.</summary>
    public static IEnumerable<ulong> NeededBlocks(AuditBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var blocks = new HashSet<ulong>();
        foreach (var item in bundle.Records)
        {
            switch (item.Record)
            {
                case Core.Records.AccessRecord r:
                    blocks.Add(r.CheckedAtBlock);
                    break;
                case Core.Records.RefusalRecord r:
                    blocks.Add(r.CheckedAtBlock);
                    break;
            }
            if (item.Anchor is { } anchor)
            {
                blocks.Add(anchor.BlockNumber);
            }
        }
        foreach (var anchor in bundle.Anchors)
        {
            blocks.Add(anchor.BlockNumber);
        }
        return blocks;
    }

    /// <summary>The bundle's events that are not the chain's: missing from it, or different (contract, name, transaction, arguments).</summary>
    internal static List<AuditProblem> CompareEvents(IReadOnlyList<ChainEvent> bundleEvents, IReadOnlyList<ChainEvent> chainEvents)
    {
        var byId = chainEvents.ToDictionary(e => e.Id, StringComparer.Ordinal);
        var problems = new List<AuditProblem>();
        foreach (var e in bundleEvents)
        {
            if (!byId.TryGetValue(e.Id, out var chain))
            {
                problems.Add(new(ProblemKind.EventMismatch, $"The bundle's {e.Describe()} is not on the chain: there is no such log."));
            }
            else if (chain.Contract != e.Contract || chain.Name != e.Name || chain.TxHash != e.TxHash || chain.BlockTimestamp != e.BlockTimestamp || !SameArgs(chain, e))
            {
                problems.Add(new(ProblemKind.EventMismatch, $"The bundle's {e.Describe()} differs from the chain's {chain.Describe()}: the bundle's copy was altered."));
            }
        }
        return problems;
    }

    private static bool SameArgs(ChainEvent a, ChainEvent b) =>
        a.Args.Count == b.Args.Count
        && a.Args.All(kv => b.Args.TryGetValue(kv.Key, out var other) && string.Equals(kv.Value, other, StringComparison.OrdinalIgnoreCase));

    private static BundleVerificationResult Unusable(LedgerException ex) =>
        new(BundleVerificationResult.Unusable, $"{ex.Code}: {ex.Message}", [ex.Message], ex.Code, null);
}
