using Ledger.Chain;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Services;
using Ledger.Store;
using Ledger.Store.Audit;
using Ledger.Store.Records;

namespace Ledger.Node.Tax;

/// <summary>
/// The consent registry as the <see cref="ConsentGate"/> reads it, in domain types: the chain adapter
/// (<see cref="ChainConsentRegistry"/>) implements it over the deployed registry; unit tests give an in-memory one.
/// </summary>
public interface IConsentRegistry
{
    /// <summary>The registry's <c>checkAccess</c> verdict as of <paramref name="atBlock"/>.</summary>
    Task<AccessStatus> CheckAccessAsync(ConsentId consent, OrgId consumer, OrgId provider, Scopes scopes, ulong atBlock);

    /// <summary>The consent's <c>validUntil</c> (unix seconds) as of <paramref name="atBlock"/> (a narrowing may shorten it).</summary>
    Task<ulong> ValidUntilAsync(ConsentId consent, ulong atBlock);

    /// <summary>The consent's grant from the chain's own logs, or null when it was never granted on this chain.</summary>
    Task<GrantedConsent?> FindGrantAsync(ConsentId consent, CancellationToken cancellationToken);
}

/// <summary>An access this node served under a consent: its request and when it was served.</summary>
/// <param name="RequestHash">The request's hash (a request is served once).</param>
/// <param name="ServedAtMs">When it was served (unix milliseconds).</param>
public readonly record struct ServedAccess(Hash32 RequestHash, ulong ServedAtMs);

/// <summary>
/// What the node's own store knows about a consent, as the <see cref="ConsentGate"/> reads it: the grant its indexer
/// read from the chain, and the accesses it served. <see cref="StoreConsentHistory"/> implements it over the node's store.
/// </summary>
public interface IConsentHistory
{
    /// <summary>The grant as the node's indexer stored it, or null when the indexer has not read it (yet).</summary>
    GrantedConsent? IndexedGrant(ConsentId consent);

    /// <summary>Every access this node served under <paramref name="consent"/>, oldest first.</summary>
    IEnumerable<ServedAccess> ServedAccesses(ConsentId consent);
}

/// <summary>The deployed consent registry (through the operator's chain client) as an <see cref="IConsentRegistry"/>.</summary>
public sealed class ChainConsentRegistry(LedgerChainClient chain) : IConsentRegistry
{
    /// <inheritdoc/>
    public Task<AccessStatus> CheckAccessAsync(ConsentId consent, OrgId consumer, OrgId provider, Scopes scopes, ulong atBlock) =>
        chain.CheckAccessAsync(consent, consumer, provider, scopes, atBlock);

    /// <inheritdoc/>
    public async Task<ulong> ValidUntilAsync(ConsentId consent, ulong atBlock) =>
        (await chain.ConsentAsync(consent, atBlock).ConfigureAwait(false)).ValidUntil;

    /// <inheritdoc/>
    public async Task<GrantedConsent?> FindGrantAsync(ConsentId consent, CancellationToken cancellationToken) =>
        await chain.FindConsentGrantAsync(consent, cancellationToken).ConfigureAwait(false) is { } e ? ConsentEvents.ParseGrant(e) : null;
}

/// <summary>The node's store (its audit index and its records) as an <see cref="IConsentHistory"/>.</summary>
public sealed class StoreConsentHistory(LedgerStore store) : IConsentHistory
{
    /// <inheritdoc/>
    public GrantedConsent? IndexedGrant(ConsentId consent)
    {
        var indexed = store.Audit.Find(new EventQuery { Consent = consent, Name = ConsentEvents.Granted, Limit = 1 });
        return indexed.Count > 0 ? ConsentEvents.ParseGrant(indexed[0]) : null;
    }

    /// <inheritdoc/>
    public IEnumerable<ServedAccess> ServedAccesses(ConsentId consent)
    {
        var after = 0UL;
        while (true)
        {
            var page = store.Records.Find(new RecordQuery { Consent = consent, Kind = BatchKind.AccessRecords, AfterSequence = after, Limit = RecordStore.MaxQueryLimit });
            foreach (var stored in page)
            {
                if (stored.Record is AccessRecord access)
                {
                    yield return new ServedAccess(access.RequestHash, access.ServedAtMs);
                }
                after = stored.Sequence;
            }
            if (page.Count < RecordStore.MaxQueryLimit)
            {
                yield break;
            }
        }
    }
}
