using System.Globalization;
using Ledger.Api.V1;
using Ledger.Core.Consent;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Node.Hosting;
using Ledger.Node.Tax;
using Ledger.Store.Audit;
using ConsentTerms = Ledger.Core.Consent.ConsentTerms;

namespace Ledger.Node.Services;

/// <summary>
/// Consents as the node's audit index has them (grant, narrowings, revocation), with their use counted where it is
/// counted: the list behind <c>Consent.ListConsents</c> (a member's view) and <c>EnterpriseSelf.MyConsents</c> (the
/// enterprise's own view). Who may see which consent is the caller's filter.
/// </summary>
public sealed class ConsentIndexView(NodeIdentity node, ChainHead head, Ledger.Store.LedgerStore store, ConsentGate gate, TimeProvider time)
{
    /// <summary>The most consents one list answers.</summary>
    public const int ListLimit = 1_000;

    /// <summary>
    /// The consents granted that match <paramref name="query"/> (its <see cref="EventQuery.Name"/> and limit are set
    /// here) and <paramref name="include"/>, in grant order; only the active ones with <paramref name="activeOnly"/>.
    /// </summary>
    public IReadOnlyList<ConsentInfo> List(EventQuery query, Func<ConsentTerms, bool> include, bool activeOnly)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(include);
        var now = Math.Max(head.Latest.Timestamp, (ulong)time.GetUtcNow().ToUnixTimeSeconds());
        var list = new List<ConsentInfo>();
        foreach (var granted in store.Audit.Find(query with { Name = ConsentEvents.Granted, Limit = ListLimit }))
        {
            var grant = ConsentEvents.ParseGrant(granted);
            var terms = grant.Terms;
            if (!include(terms))
            {
                continue;
            }
            var scopes = terms.Scopes;
            var validUntil = terms.ValidUntil;
            var revokedAt = 0UL;
            foreach (var later in store.Audit.ByConsent(grant.ConsentId))
            {
                if (later.Is<ConsentNarrowed>(out var narrowed))
                {
                    scopes = narrowed.Scopes;
                    validUntil = narrowed.ValidUntil;
                }
                else if (later.Is<ConsentRevoked>())
                {
                    revokedAt = later.BlockNumber;
                }
            }
            var status = ConsentService.StatusOf(revokedAt, terms.ValidFrom, validUntil, now);
            if (activeOnly && status != ConsentStatus.Active)
            {
                continue;
            }
            var (fetches, countedBy) = FetchUse(grant, terms.Provider, 0, now);
            list.Add(new ConsentInfo
            {
                ConsentId = grant.ConsentId.ToString(),
                Enterprise = terms.Enterprise.ToString(),
                Consumer = terms.Consumer.Code,
                Provider = terms.Provider.Code,
                Scopes = (ulong)scopes,
                ValidFrom = terms.ValidFrom,
                ValidUntil = validUntil,
                RevokedAtBlock = revokedAt,
                FetchCap = terms.FetchCap,
                FetchPeriod = terms.FetchPeriod,
                Status = status,
                GrantedAtBlock = grant.GrantedAtBlock,
                CreditCodeHash = terms.CreditCodeHash.ToString(),
                DataLife = terms.DataLife,
                Purpose = terms.Purpose,
                FetchesInPeriod = fetches,
                FetchesCountedBy = countedBy,
            });
        }
        return list;
    }

    /// <summary>
    /// Fetches in the current period, from where they are counted: the provider's own node counts every fetch it
    /// served (batched mode never reaches the chain's counter); elsewhere only the chain's strong-mode count is known.
    /// </summary>
    public (uint Fetches, string CountedBy) FetchUse(GrantedConsent? grant, OrgId provider, uint chainCount, ulong now)
    {
        if (grant is not null && node.Role == NodeRole.Tax && provider == node.Organization)
        {
            return (Math.Max(chainCount, gate.UsedInPeriod(grant, ConsentGate.PeriodOf(grant, now))), ConsentService.CountedByProvider);
        }
        return chainCount > 0 ? (chainCount, ConsentService.CountedByChain) : (0, "");
    }
}
