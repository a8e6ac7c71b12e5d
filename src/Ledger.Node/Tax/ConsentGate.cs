using System.Collections.Concurrent;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Hosting;
using Ledger.Node.Services;

namespace Ledger.Node.Tax;

/// <summary>What happened to a reservation of a fetch under a consent.</summary>
public enum ReserveOutcome
{
    /// <summary>Reserved: serve, then keep the reservation (or release it when serving fails).</summary>
    Reserved,
    /// <summary>This request (same request hash) was served, or is being served, already.</summary>
    Duplicate,
    /// <summary>The consent's fetch cap for the current period is used up.</summary>
    CapReached,
}

/// <summary>
/// The tax node's view of consents before data leaves:
/// <list type="bullet">
/// <item>the registry's verdict (<c>checkAccess</c>) as of a block: one eth_call per consent, consumer and scopes, read
/// again when a new block may have changed consent or membership state (<see cref="ChainHead.StateSince"/>); an
/// "allowed" is carried to later blocks only up to the consent's <c>validUntil</c> (read with it), the one part of the
/// verdict that time alone changes once a consent is allowed;</item>
/// <item>the full terms of a grant (data period, fetch cap and period, credit-code hash), which the registry keeps only
/// in its <c>ConsentGranted</c> event: from the audit index, or from the chain's logs when the indexer has not got there
/// yet; they never change, so they are kept in memory;</item>
/// <item>in batch mode, the fetch cap counted by the node itself (the chain counts only in strong mode): a per-consent
/// tally of served requests by fetch period, loaded once from the store's access records and then kept in memory, with
/// each request hash served once.</item>
/// </list>
/// </summary>
public sealed class ConsentGate
{
    private readonly OrgId _provider;
    private readonly IConsentRegistry _registry;
    private readonly IConsentHistory _history;
    private readonly TimeProvider _time;
    private readonly PerBlockCache<(ConsentId, OrgId, Scopes), Verdict> _checks;
    private readonly ConcurrentDictionary<ConsentId, GrantedConsent> _grants = new();
    private readonly ConcurrentDictionary<ConsentId, Usage> _usage = new();

    /// <summary>
    /// Creates the gate of the provider node of <paramref name="provider"/>, over the consent registry and the node's
    /// own history of consents (ports: the chain and the store in a node, in-memory ones in unit tests).
    /// </summary>
    public ConsentGate(OrgId provider, ChainHead head, IConsentRegistry registry, IConsentHistory history, TimeProvider time)
    {
        _provider = provider;
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _history = history ?? throw new ArgumentNullException(nameof(history));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        // An allowed access stays allowed while nothing changes on chain, until the consent expires: checkAccess's
        // other time-dependent conditions only loosen as time passes (validFrom was reached, a new fetch period
        // starts with an unused cap). A refusal is never carried: it may lift at the next block.
        _checks = new PerBlockCache<(ConsentId, OrgId, Scopes), Verdict>(head,
            static (verdict, head) => verdict.Status == AccessStatus.Allowed && head.Timestamp <= verdict.ValidUntil);
    }

    /// <summary>
    /// The registry's answer for this consent, consumer and scopes, as of <paramref name="block"/> — and Expired when the
    /// registry allows but the node's own clock is past the consent's <c>validUntil</c>: on a chain that makes blocks
    /// only with transactions the latest block's time can be minutes old, and data must not leave after a consent
    /// expired by the clock the auditor judges <c>servedAtMs</c> by.
    /// </summary>
    public async Task<AccessStatus> CheckAsync(ConsentId consentId, OrgId consumer, Scopes scopes, ulong block)
    {
        var verdict = await _checks.GetAsync(block, (consentId, consumer, scopes), LoadAsync).ConfigureAwait(false);
        return verdict.Status == AccessStatus.Allowed && (ulong)_time.GetUtcNow().ToUnixTimeSeconds() > verdict.ValidUntil
            ? AccessStatus.Expired
            : verdict.Status;
    }

    private async Task<Verdict> LoadAsync((ConsentId Consent, OrgId Consumer, Scopes Scopes) key, ulong block)
    {
        var status = await _registry.CheckAccessAsync(key.Consent, key.Consumer, _provider, key.Scopes, block).ConfigureAwait(false);
        if (status != AccessStatus.Allowed)
        {
            return new Verdict(status, 0);
        }
        return new Verdict(status, await _registry.ValidUntilAsync(key.Consent, block).ConfigureAwait(false));
    }

    private readonly record struct Verdict(AccessStatus Status, ulong ValidUntil);

    /// <summary>The grant of a consent, or null when it was never granted on this chain.</summary>
    public async Task<GrantedConsent?> GrantAsync(ConsentId consentId, CancellationToken cancellationToken = default)
    {
        if (_grants.TryGetValue(consentId, out var known))
        {
            return known;
        }
        var grant = _history.IndexedGrant(consentId) ?? await _registry.FindGrantAsync(consentId, cancellationToken).ConfigureAwait(false);
        return grant is null ? null : _grants.GetOrAdd(consentId, grant);
    }

    /// <summary>The fetch period a moment falls in (0 for a consent without periods, or before its validity).</summary>
    public static ulong PeriodOf(GrantedConsent grant, ulong unixSeconds)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var period = grant.Terms.FetchPeriod;
        return period == 0 || unixSeconds < grant.Terms.ValidFrom ? 0 : (unixSeconds - grant.Terms.ValidFrom) / period;
    }

    /// <summary>
    /// Reserves the fetch of <paramref name="requestHash"/> in <paramref name="period"/>: refuses a request hash seen
    /// before and, when <paramref name="countCap"/>, a period whose cap is used up.
    /// </summary>
    public ReserveOutcome TryReserve(GrantedConsent grant, Hash32 requestHash, ulong period, bool countCap)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var usage = Load(grant);
        lock (usage)
        {
            if (usage.Requests.Contains(requestHash))
            {
                return ReserveOutcome.Duplicate;
            }
            var used = usage.ByPeriod.GetValueOrDefault(period);
            if (countCap && used >= grant.Terms.FetchCap)
            {
                return ReserveOutcome.CapReached;
            }
            usage.Requests.Add(requestHash);
            usage.ByPeriod[period] = used + 1;
            return ReserveOutcome.Reserved;
        }
    }

    /// <summary>The fetches this provider node served (or holds reserved) under the consent in <paramref name="period"/>.</summary>
    public uint UsedInPeriod(GrantedConsent grant, ulong period)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var usage = Load(grant);
        lock (usage)
        {
            return (uint)usage.ByPeriod.GetValueOrDefault(period);
        }
    }

    /// <summary>Gives back a reservation whose fetch was not served.</summary>
    public void Release(GrantedConsent grant, Hash32 requestHash, ulong period)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var usage = Load(grant);
        lock (usage)
        {
            if (usage.Requests.Remove(requestHash) && usage.ByPeriod.TryGetValue(period, out var used) && used > 0)
            {
                usage.ByPeriod[period] = used - 1;
            }
        }
    }

    private Usage Load(GrantedConsent grant)
    {
        if (_usage.TryGetValue(grant.ConsentId, out var usage))
        {
            return usage;
        }
        // First use since start: count what the store already holds under this consent.
        var loaded = new Usage();
        foreach (var served in _history.ServedAccesses(grant.ConsentId))
        {
            loaded.Requests.Add(served.RequestHash);
            var period = PeriodOf(grant, served.ServedAtMs / 1000);
            loaded.ByPeriod[period] = loaded.ByPeriod.GetValueOrDefault(period) + 1;
        }
        return _usage.GetOrAdd(grant.ConsentId, loaded);
    }

    private sealed class Usage
    {
        public HashSet<Hash32> Requests { get; } = [];
        public Dictionary<ulong, int> ByPeriod { get; } = [];
    }
}
