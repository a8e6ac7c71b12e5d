using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;
using Ledger.Node.Services;
using Ledger.Store.Audit;
using Ledger.Store.Records;

namespace Ledger.Node.Tax;

/// <summary>
/// <c>ledger.v1.EnterpriseSelf</c> on a tax node: what concerns the calling enterprise, for the enterprise itself. The
/// interceptor has authenticated it by its bound key (an <c>EnterpriseRequest</c> signed by the account the chain binds
/// to a credit-code hash now); it sees every consent it gave, whoever the consumer, and every record this node made
/// under them (accesses and refusals), with their anchors — never another enterprise's.
/// </summary>
public sealed class EnterpriseSelfService(NodeIdentity node, Ledger.Store.LedgerStore store, ConsentIndexView consents) : EnterpriseSelf.EnterpriseSelfBase
{
    /// <inheritdoc/>
    public override Task<ListConsentsResponse> MyConsents(MyConsentsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var enterprise = context.RequiredEnterprise();
        var response = new ListConsentsResponse();
        response.Consents.AddRange(consents.List(
            new EventQuery { Enterprise = enterprise.CreditCodeHash }, terms => terms.CreditCodeHash == enterprise.CreditCodeHash, request.ActiveOnly));
        return Task.FromResult(response);
    }

    /// <inheritdoc/>
    public override Task<MyAccessesResponse> MyAccesses(MyAccessesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var enterprise = context.RequiredEnterprise();
        var own = OwnConsents(enterprise.CreditCodeHash);
        IEnumerable<ConsentId> asked = own;
        if (!string.IsNullOrEmpty(request.ConsentId))
        {
            var id = request.ConsentId.Length == 66 && Hash32.TryParse(request.ConsentId, out var hash)
                ? new ConsentId(hash)
                : throw NodeErrors.InvalidField("consent_id must be 0x followed by 64 hex digits, or empty.");
            asked = own.Contains(id)
                ? [id]
                : throw NodeErrors.NotParty($"Consent {id.Value.ToShortString()} is not one the calling enterprise gave (as this node's index has them); an enterprise sees the records under its own consents only.");
        }
        var records = new List<StoredRecord>();
        foreach (var consent in asked)
        {
            var query = new RecordQuery { Consent = consent, Limit = RecordStore.MaxQueryLimit };
            while (true)
            {
                var page = store.Records.Find(query);
                records.AddRange(page);
                if (page.Count < query.Limit)
                {
                    break;
                }
                query = query with { AfterSequence = page[^1].Sequence };
            }
        }
        var response = new MyAccessesResponse { CreditCodeHash = enterprise.CreditCodeHash.ToString() };
        response.Records.AddRange(records.OrderBy(r => r.Sequence).Select(r => RecordExportService.ToExported(r, node.Organization)));
        return Task.FromResult(response);
    }

    // Every consent naming the enterprise's credit-code hash, whatever its state (a revoked consent's accesses stay its history).
    private HashSet<ConsentId> OwnConsents(EnterpriseHash enterprise)
    {
        var ids = new HashSet<ConsentId>();
        var query = new EventQuery { Enterprise = enterprise, Name = ConsentEvents.Granted, Limit = AuditIndex.MaxQueryLimit };
        while (true)
        {
            var page = store.Audit.Find(query);
            foreach (var granted in page)
            {
                var grant = ConsentEvents.ParseGrant(granted);
                if (grant.Terms.CreditCodeHash == enterprise)
                {
                    ids.Add(grant.ConsentId);
                }
            }
            if (page.Count < query.Limit)
            {
                return ids;
            }
            query = query with { AfterId = page[^1].Id };
        }
    }
}
