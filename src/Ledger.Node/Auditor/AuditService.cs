using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Ledger.Audit.Bundle;
using Ledger.Audit.Statistics;
using Ledger.Audit.Trails;
using Ledger.Node.Hosting;
using Microsoft.Extensions.Logging;
using Proto = Ledger.Api.V1;

namespace Ledger.Node.Auditor;

/// <summary>
/// <c>ledger.v1.Audit</c> on the auditor node (auditors and regulators, access policy): <c>Sync</c> pulls every
/// member's records now; <c>GetTrail</c>, <c>VerifyLedger</c>, <c>ExportBundle</c> and <c>GetStatistics</c> answer
/// from the current <see cref="AuditSnapshot"/> of the auditor's copy and the chain events of its own indexer.
/// </summary>
public sealed class AuditService(NodeIdentity node, AuditorLedger ledger, AuditorSync sync, ILogger<AuditService> logger) : Proto.Audit.AuditBase
{
    /// <summary>Largest bundle also returned in the answer; a larger one is only written to the auditor's disk.</summary>
    public const int MaxInlineBundleBytes = 32 * 1024 * 1024;

    /// <inheritdoc/>
    public override async Task<Proto.SyncResponse> Sync(Proto.Empty request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var outcome = await sync.SyncAsync(context.CancellationToken).ConfigureAwait(false);
        var response = new Proto.SyncResponse { RecordsPulled = outcome.RecordsPulled, RecordsTotal = (ulong)outcome.RecordsTotal };
        response.Unreachable.AddRange(outcome.Unreachable);
        response.Synced.AddRange(outcome.Synced.Select(o => o.Code));
        return response;
    }

    /// <inheritdoc/>
    public override async Task<Proto.Trail> GetTrail(Proto.TrailRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scope = AuditorWire.Scope(request);
        if (scope.Kind == AuditScopeKind.Ledger)
        {
            throw NodeErrors.InvalidField("A trail is of one enterprise_hash, loan_id or consent_id, or of a time range; give one of them (ExportBundle covers the whole ledger).");
        }
        var snapshot = await ledger.SnapshotAsync(context.CancellationToken).ConfigureAwait(false);
        // With a whole-ledger report at hand the statuses come from it; otherwise each record is checked with its own proof.
        var trail = new TrailBuilder(snapshot.Verifier, snapshot.HasReport ? snapshot.Report : null).Build(scope);
        return AuditorWire.ToProto(trail);
    }

    /// <inheritdoc/>
    public override async Task<Proto.VerificationReport> VerifyLedger(Proto.VerifyLedgerRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var clock = Stopwatch.StartNew();
        var snapshot = await ledger.SnapshotAsync(context.CancellationToken).ConfigureAwait(false);
        var report = await Task.Run(() => snapshot.Report, context.CancellationToken).ConfigureAwait(false);
        AuditorLog.Verified(logger, report.Summary(), clock.ElapsedMilliseconds);
        return AuditorWire.ToProto(report, snapshot.Notices, clock.Elapsed);
    }

    /// <inheritdoc/>
    public override async Task<Proto.BundleResponse> ExportBundle(Proto.TrailRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scope = AuditorWire.Scope(request);
        var snapshot = await ledger.SnapshotAsync(context.CancellationToken).ConfigureAwait(false);
        var bundle = AuditBundleBuilder.Select(snapshot.Index, scope, node.Organization.Code);
        var bytes = AuditBundleJson.ToUtf8(bundle);
        var path = WriteBundle(Path.Combine(node.Options.DataDir, "bundles"), scope, bytes);
        AuditorLog.BundleWritten(logger, scope.ToString(), path, bundle.Records.Count, bytes.Length);
        return new Proto.BundleResponse
        {
            Path = path,
            BundleJson = bytes.Length <= MaxInlineBundleBytes ? ByteString.CopyFrom(bytes) : ByteString.Empty,
            Records = (uint)bundle.Records.Count,
        };
    }

    /// <inheritdoc/>
    public override async Task<Proto.ProgramStatistics> GetStatistics(Proto.StatisticsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var range = AuditorWire.Range(request.Time);
        var snapshot = await ledger.SnapshotAsync(context.CancellationToken).ConfigureAwait(false);
        // Records that fail verification do not count: the figures come from the verified ledger.
        var report = await Task.Run(() => snapshot.Report, context.CancellationToken).ConfigureAwait(false);
        return AuditorWire.ToProto(ProgramStatisticsCalculator.Compute(snapshot.Index, range, report));
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to a new file <c>audit-bundle-&lt;scope&gt;-&lt;UTC time&gt;-&lt;random&gt;.json</c>
    /// in <paramref name="folder"/>, atomically (a temporary file flushed to disk, then renamed); returns its full path.
    /// </summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1561 when it cannot be written.</exception>
    internal static string WriteBundle(string folder, AuditScope scope, byte[] bytes)
    {
        var subject = scope.Kind switch
        {
            AuditScopeKind.Enterprise => "-" + Short(scope.Enterprise!.Value.Value),
            AuditScopeKind.Loan => "-" + Short(scope.Loan!.Value.Value),
            AuditScopeKind.Consent => "-" + Short(scope.Consent!.Value.Value),
            _ => "",
        };
        var name = string.Create(CultureInfo.InvariantCulture,
            $"audit-bundle-{scope.Kind.ToString().ToLowerInvariant()}{subject}-{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}.json");
        var path = Path.GetFullPath(Path.Combine(folder, name));
        var temporary = path + ".tmp";
        try
        {
            Directory.CreateDirectory(folder);
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: false);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw AuditorErrors.BundleNotWritten(path, ex);
        }

        static string Short(Core.Primitives.Hash32 value) => value.ToString()[2..10];
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the temporary file is only litter.
        }
    }
}
