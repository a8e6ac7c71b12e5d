using Ledger.Audit.Bundle;
using Ledger.Audit.Indexing;
using Ledger.Audit.Verification;
using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Audit.Tests.Support;

/// <summary>Verification shortcuts and the tampering an attacker would do to a bundle.</summary>
public static class Verify
{
    public static VerificationReport Offline(AuditBundle bundle, TrustedRoots? trusted = null, VerificationOptions? options = null) =>
        new LedgerVerifier(LedgerIndex.Build(bundle), trusted is null ? RootAuthority.FromEvidence() : RootAuthority.FromTrusted(trusted), options).VerifyAll();

    public static TrustedRoots TrustedOf(AuditBundle bundle) => TrustedRoots.FromAnchors(bundle.Chain.ChainId, bundle.Anchors);

    /// <summary>The problems of the record at <paramref name="index"/> (empty when it did not fail).</summary>
    public static IReadOnlyList<AuditProblem> ProblemsOf(this VerificationReport report, int index) => report.ResultOf(index).Problems;

    /// <summary>Asserts the record failed with a problem of <paramref name="kind"/> whose sentence names the record.</summary>
    public static AuditProblem AssertFailedWith(this VerificationReport report, int index, ProblemKind kind)
    {
        var result = report.ResultOf(index);
        Assert.Equal(VerificationStatus.Failed, result.Status);
        var problem = Assert.Single(result.Problems, p => p.Kind == kind);
        Assert.Contains(result.Hash.ToString(), problem.Message, StringComparison.Ordinal);
        Assert.False(report.Passed);
        return problem;
    }

    public static AuditBundle Replace(this AuditBundle bundle, int index, BundleRecord record)
    {
        var records = bundle.Records.ToList();
        records[index] = record;
        return bundle with { Records = records };
    }

    public static AuditBundle Append(this AuditBundle bundle, BundleRecord record) => bundle with { Records = [.. bundle.Records, record] };

    public static AuditBundle WithEvents(this AuditBundle bundle, Func<ChainEvent, ChainEvent?> change) =>
        bundle with { Events = [.. bundle.Events.Select(change).Where(e => e is not null).Cast<ChainEvent>()] };

    public static ChainEvent WithArg(this ChainEvent e, string name, string value)
    {
        var args = new Dictionary<string, string>(e.Args, StringComparer.Ordinal) { [name] = value };
        return e with { Args = args };
    }

    /// <summary>
    /// A forger's full job: alter a record, rebuild its batch's tree with the altered hash, and put the new root and
    /// proofs on every record of the batch and on the bundle's anchor (optionally also on the BatchAnchored event).
    /// </summary>
    public static AuditBundle ForgeRecord(this AuditBundle bundle, int index, Func<ILedgerRecord, ILedgerRecord> alter, bool forgeEvent)
    {
        var batch = bundle.Records[index].Anchor!.Batch;
        var records = bundle.Records.ToList();
        records[index] = BundleRecord.Of(alter(records[index].Record), records[index].Anchor);
        var members = Enumerable.Range(0, records.Count).Where(i => records[i].Anchor?.Batch == batch).ToList();
        var tree = StandardMerkleTree.Of(members.Select(i => records[i].DeclaredHash.Value).ToArray());
        for (var k = 0; k < members.Count; k++)
        {
            var i = members[k];
            records[i] = records[i] with { Anchor = records[i].Anchor! with { Root = tree.Root, Proof = tree.GetProof(k) } };
        }
        var anchors = bundle.Anchors.Select(a => a.Batch == batch ? a with { Root = tree.Root } : a).ToList();
        var forged = bundle with { Records = records, Anchors = anchors };
        return forgeEvent
            ? forged.WithEvents(e => e.Name == "BatchAnchored" && e.Args["batchId"] == batch.BatchId.Value.ToString() ? e.WithArg("root", tree.Root.ToString()) : e)
            : forged;
    }

    public static Hash32 Flip(Hash32 value)
    {
        var bytes = value.ToArray();
        bytes[31] ^= 1;
        return new Hash32(bytes);
    }
}
