using Ledger.Audit.Bundle;

namespace Ledger.Audit.Verification;

/// <summary>
/// The result of verifying a bundle or a whole ledger: one status per record (kept compactly: a million records
/// cost a million bytes), the failures with their reasons, each batch's outcome, and problems with the chain events.
/// </summary>
public sealed class VerificationReport
{
    private readonly VerificationStatus[] _statuses;
    private readonly Dictionary<int, RecordVerification> _failures;

    internal VerificationReport(
        IReadOnlyList<BundleRecord> records,
        VerificationStatus[] statuses,
        IReadOnlyList<RecordVerification> failures,
        IReadOnlyList<AnchorVerification> anchors,
        IReadOnlyList<AuditProblem> evidenceProblems,
        string rootSource,
        TimeSpan elapsed)
    {
        Records = records;
        _statuses = statuses;
        Failures = failures;
        _failures = failures.ToDictionary(f => f.Index);
        Anchors = anchors;
        EvidenceProblems = evidenceProblems;
        RootSource = rootSource;
        Elapsed = elapsed;
        foreach (var status in statuses)
        {
            switch (status)
            {
                case VerificationStatus.Verified:
                    Verified++;
                    break;
                case VerificationStatus.Pending:
                    Pending++;
                    break;
                default:
                    Failed++;
                    break;
            }
        }
        FailedBatches = anchors.Count(a => a.Status == VerificationStatus.Failed);
        RebuiltBatches = anchors.Count(a => a.Rebuilt);
    }

    /// <summary>The records verified, in the order given.</summary>
    public IReadOnlyList<BundleRecord> Records { get; }

    /// <summary>Records that verified (anchored, every check passed).</summary>
    public int Verified { get; }

    /// <summary>Records accepted but not anchored yet, every other check passed.</summary>
    public int Pending { get; }

    /// <summary>Records with at least one failed check.</summary>
    public int Failed { get; }

    /// <summary>The failed records with their problems, in evidence order.</summary>
    public IReadOnlyList<RecordVerification> Failures { get; }

    /// <summary>Every batch the records refer to or the evidence lists.</summary>
    public IReadOnlyList<AnchorVerification> Anchors { get; }

    /// <summary>Batches with a problem of their own.</summary>
    public int FailedBatches { get; }

    /// <summary>Batches rebuilt whole (every record present) instead of proved record by record.</summary>
    public int RebuiltBatches { get; }

    /// <summary>Problems with the chain events (malformed, duplicated, altered terms, not on chain).</summary>
    public IReadOnlyList<AuditProblem> EvidenceProblems { get; }

    /// <summary>
    /// Records missing from evidence that should hold them, shown by the providers' consent sequences: gaps and repeats
    /// (docs/audit.md, "Completeness"). A batch's missing records are its own problems (<see cref="Anchors"/>).
    /// </summary>
    public IReadOnlyList<AuditProblem> CompletenessProblems { get; init; } = [];

    /// <summary>What the roots were checked against, for people ("the chain 31337 at http://…", "the trusted roots in …").</summary>
    public string RootSource { get; }

    /// <summary>How long the verification took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>True when nothing failed: every record verified or pending, every batch and event fine.</summary>
    public bool Passed => Failed == 0 && FailedBatches == 0 && EvidenceProblems.Count == 0 && CompletenessProblems.Count == 0;

    /// <summary>The status of the record at <paramref name="index"/>.</summary>
    public VerificationStatus StatusOf(int index) => _statuses[index];

    /// <summary>The full result of the record at <paramref name="index"/>.</summary>
    public RecordVerification ResultOf(int index)
    {
        if (_failures.TryGetValue(index, out var failure))
        {
            return failure;
        }
        var record = Records[index];
        return new RecordVerification(index, AuditRecordJson.TypeName(record.Record), record.DeclaredHash, _statuses[index], []);
    }

    /// <summary>Every problem, one sentence each: records first, then batches, then missing records, then events.</summary>
    public IEnumerable<AuditProblem> AllProblems() =>
        Failures.SelectMany(f => f.Problems)
            .Concat(Anchors.Where(a => a.Status == VerificationStatus.Failed).SelectMany(a => a.Problems))
            .Concat(CompletenessProblems)
            .Concat(EvidenceProblems);

    /// <summary>A one-line summary for people.</summary>
    public string Summary() =>
        $"{Records.Count:N0} record(s): {Verified:N0} verified, {Pending:N0} pending, {Failed:N0} failed; "
        + $"{Anchors.Count:N0} batch(es), {FailedBatches:N0} failed; "
        + (CompletenessProblems.Count > 0 ? $"{CompletenessProblems.Count:N0} gap(s) in consent sequences; " : "")
        + $"roots checked against {RootSource}.";
}
