using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Alerts;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;
using Ledger.Store.Audit;
using Ledger.Store.Records;

namespace Ledger.Node.Services;

/// <summary>
/// <c>ledger.v1.EnterpriseSelf</c>: what concerns the calling enterprise, for the enterprise itself. The interceptor
/// has authenticated it by its bound key (an <c>EnterpriseRequest</c> signed by the account the chain binds to a
/// credit-code hash now); it sees every consent it gave, whoever the consumer, and every record this node made under
/// them, with their anchors — never another enterprise's. Served by tax nodes (accesses, refusals, alert deliveries,
/// each delivery with the alert it delivered) and bank nodes (deletion receipts, credit decisions with their reasons),
/// so that the enterprise gathers its whole trail from the provider and from each consumer of its consents.
/// </summary>
public sealed class EnterpriseSelfService(
    NodeIdentity node, Ledger.Store.LedgerStore store, ConsentIndexView consents, ICreditReasonsSource reasons, AlertHub alerts) : EnterpriseSelf.EnterpriseSelfBase
{
    /// <summary>The service as a node module registers it: signed with the enterprise's bound key, no member may call it (LEDGER-1528).</summary>
    public static NodeEndpoint Endpoint { get; } = NodeEndpoint.Of<EnterpriseSelfService>(EnterpriseSelf.Descriptor.FullName, Policy.For(
        EnterpriseSelf.Descriptor.FullName, Policy.Enterprise, "MyConsents", "MyAccesses"));

    // The alert log is read in pages of this many when access records may be alert deliveries.
    private const int AlertPage = 1_000;

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
                // A record is the enterprise's when the consent it names is: the store's consent filter is the whole rule.
                records.AddRange(page.Where(r => ConsentOf(r.Record) == consent));
                if (page.Count < query.Limit)
                {
                    break;
                }
                query = query with { AfterSequence = page[^1].Sequence };
            }
        }
        var response = new MyAccessesResponse { CreditCodeHash = enterprise.CreditCodeHash.ToString(), Org = node.Organization.Code };
        response.Records.AddRange(records.OrderBy(r => r.Sequence).Select(r => RecordExportService.ToExported(r, node.Organization, reasons)));
        response.AlertDeliveries.AddRange(Deliveries(enterprise.CreditCodeHash, records));
        return Task.FromResult(response);
    }

    private static ConsentId? ConsentOf(ILedgerRecord record) => record switch
    {
        IConsentSequencedRecord sequenced => sequenced.ConsentId,
        DeletionReceipt receipt => receipt.ConsentId,
        CreditDecisionRecord decision => decision.ConsentId,
        _ => null,
    };

    // The access records that delivered one of this node's rating-downgrade alerts about the enterprise: the delivery's
    // hash (AlertDelivery) is the record's request hash. An alert rotated out of the log leaves its record unannotated.
    private List<DeliveredAlert> Deliveries(EnterpriseHash enterprise, List<StoredRecord> records)
    {
        var accesses = records
            .Where(r => r.Record is AccessRecord a && a.Provider == node.Organization && a.Scopes == Tax.MonitoringDelivery.AlertScopes)
            .ToDictionary(r => ((AccessRecord)r.Record).RequestHash, r => r);
        var delivered = new List<DeliveredAlert>();
        if (accesses.Count == 0 || node.Role != NodeRole.Tax)
        {
            return delivered;
        }
        var pairs = accesses.Values.Select(r => (AccessRecord)r.Record).Select(a => (a.ConsentId, a.Consumer)).Distinct().ToList();
        var after = 0L;
        while (true)
        {
            var page = alerts.After(after, AlertPage);
            foreach (var stored in page)
            {
                var alert = stored.Alert;
                if (alert.Kind != Core.Model.AlertKind.RatingDowngrade || alert.Enterprise != enterprise || alert.Source != node.Organization)
                {
                    continue;
                }
                foreach (var (consent, consumer) in pairs)
                {
                    var hash = new AlertDelivery(consent, consumer, node.Organization, stored.Id, alert.Kind).Hash();
                    if (accesses.TryGetValue(hash, out var record))
                    {
                        delivered.Add(new DeliveredAlert
                        {
                            RecordHash = record.Hash.ToString(),
                            AlertId = stored.Id,
                            Kind = alert.Kind.Word(),
                            RaisedAtMs = alert.RaisedAtMs,
                            Summary = alert.Summary,
                        });
                    }
                }
            }
            if (page.Count < AlertPage)
            {
                return delivered;
            }
            after = page[^1].Sequence;
        }
    }

    // Every consent naming the enterprise's credit-code hash, whatever its state (a revoked consent's records stay its history).
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
