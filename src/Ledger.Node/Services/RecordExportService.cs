using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Hosting;
using Ledger.Store.Records;

namespace Ledger.Node.Services;

/// <summary>
/// <c>ledger.v1.RecordExport</c>: streams this node's off-chain records, in sequence order, each with its canonical
/// JSON (docs/api.md, "Records") and its anchor reference — for auditors and regulators (access policy).
/// </summary>
public sealed class RecordExportService(NodeIdentity node, Ledger.Store.LedgerStore store, ICreditReasonsSource reasons) : RecordExport.RecordExportBase
{
    private const int PageSize = 500;

    /// <inheritdoc/>
    public override async Task ExportRecords(ExportRecordsRequest request, IServerStreamWriter<ExportedRecord> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var query = new RecordQuery
        {
            Consent = Optional(request.ConsentId, "consent_id", h => new ConsentId(h)),
            Loan = Optional(request.LoanId, "loan_id", h => new LoanId(h)),
            FromMs = request.Time is { FromMs: > 0 } ? request.Time.FromMs : null,
            UntilMs = request.Time is { UntilMs: > 0 } ? request.Time.UntilMs : null,
            AfterSequence = request.AfterSequence,
            Limit = PageSize,
        };
        while (!context.CancellationToken.IsCancellationRequested)
        {
            var page = store.Records.Find(query);
            foreach (var stored in page)
            {
                await responseStream.WriteAsync(ToExported(stored, node.Organization, reasons), context.CancellationToken).ConfigureAwait(false);
            }
            if (page.Count < PageSize)
            {
                return;
            }
            query = query with { AfterSequence = page[^1].Sequence };
        }
    }

    /// <summary>A stored record as exported.</summary>
    public static ExportedRecord ToExported(StoredRecord stored, OrgId organization)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var anchor = new AnchorRef { RecordHash = stored.Hash.ToString(), Org = organization.Code };
        if (stored.Anchor is { } a)
        {
            anchor.Org = a.Organization.Code;
            anchor.BatchId = a.BatchId.ToString();
            anchor.Root = a.Root.ToString();
            anchor.Proof.AddRange(a.Proof.Select(p => p.ToString()));
            anchor.AnchoredInBlock = a.BlockNumber;
            anchor.AnchorTx = a.TxHash.ToString();
        }
        return new ExportedRecord
        {
            Type = RecordJson.TypeOf(stored.Record),
            Json = RecordJson.ToJson(stored.Record),
            Sequence = stored.Sequence,
            Anchor = anchor,
        };
    }

    /// <summary>
    /// A stored record as exported, a credit decision with the reasons document its <c>reasonsHash</c> commits to and
    /// the rating the bank read (<c>reasons_json</c>, <c>rating</c>) when <paramref name="reasons"/> has them.
    /// </summary>
    public static ExportedRecord ToExported(StoredRecord stored, OrgId organization, ICreditReasonsSource reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        var exported = ToExported(stored, organization);
        if (stored.Record is CreditDecisionRecord decision && reasons.Find(decision.ReasonsHash) is { } kept)
        {
            exported.ReasonsJson = kept.ReasonsJson;
            exported.Rating = kept.Rating;
        }
        return exported;
    }

    private static T? Optional<T>(string? text, string field, Func<Hash32, T> create)
        where T : struct =>
        string.IsNullOrEmpty(text) ? null
        : text.Length == 66 && Hash32.TryParse(text, out var hash) ? create(hash)
        : throw NodeErrors.InvalidField($"{field} must be 0x followed by 64 hex digits, or empty.");
}
