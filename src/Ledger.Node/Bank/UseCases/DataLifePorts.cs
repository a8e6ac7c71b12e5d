using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Hosting;
using Ledger.Node.Services;
using Ledger.Store.Audit;
using Ledger.Store.Records;

namespace Ledger.Node.Bank.UseCases;

/// <summary>The bank's deletion receipts in its ledger store.</summary>
public interface IDeletionReceipts
{
    /// <summary>The bank the receipts are made by (the consumer that held the data).</summary>
    OrgId Consumer { get; }

    /// <summary>The receipts accepted under <paramref name="consent"/>.</summary>
    IEnumerable<(RecordHash Hash, DeletionReceipt Receipt)> Under(ConsentId consent);

    /// <summary>Accepts a receipt durably; returns its hash.</summary>
    Task<RecordHash> AcceptAsync(Func<ulong, DeletionReceipt> create);
}

/// <summary>A revocation the bank learnt of: its place in the feed, and the consent (null when the event named none).</summary>
public readonly record struct RevocationSeen(string Cursor, ConsentId? Consent);

/// <summary>The consent revocations naming this bank, as the node's indexer read them from the chain.</summary>
public interface IRevocationFeed
{
    /// <summary>Whether <paramref name="consent"/> is revoked as far as the index knows.</summary>
    bool IsRevoked(ConsentId consent);

    /// <summary>The revocations after <paramref name="cursor"/> (null: from the first), oldest first, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<RevocationSeen> After(string? cursor, int limit);
}

/// <summary>The node's ledger store as the bank's <see cref="IDeletionReceipts"/>.</summary>
public sealed class StoreDeletionReceipts(NodeIdentity node, Ledger.Store.LedgerStore ledger) : IDeletionReceipts
{
    /// <inheritdoc/>
    public OrgId Consumer => node.Organization;

    /// <inheritdoc/>
    public IEnumerable<(RecordHash Hash, DeletionReceipt Receipt)> Under(ConsentId consent) =>
        ledger.Records.Find(new RecordQuery { Consent = consent, Kind = BatchKind.DeletionReceipts, Limit = RecordStore.MaxQueryLimit })
            .Where(r => r.Record is DeletionReceipt)
            .Select(r => (r.Hash, (DeletionReceipt)r.Record));

    /// <inheritdoc/>
    public async Task<RecordHash> AcceptAsync(Func<ulong, DeletionReceipt> create) =>
        (await ledger.Records.AcceptAsync(create).ConfigureAwait(false)).Hash;
}

/// <summary>The node's audit index (the <c>ConsentRevoked</c> events its indexer stored) as the bank's <see cref="IRevocationFeed"/>.</summary>
public sealed class AuditRevocationFeed(NodeIdentity node, Ledger.Store.LedgerStore ledger) : IRevocationFeed
{
    /// <inheritdoc/>
    public bool IsRevoked(ConsentId consent) =>
        ledger.Audit.Find(new EventQuery { Consent = consent, Name = ConsentEvents.Revoked, Limit = 1 }).Count > 0;

    /// <inheritdoc/>
    public IReadOnlyList<RevocationSeen> After(string? cursor, int limit)
    {
        var page = ledger.Audit.Find(new EventQuery
        {
            Name = ConsentEvents.Revoked,
            Organization = node.Organization,
            AfterId = cursor,
            Limit = limit,
        });
        var seen = new List<RevocationSeen>(page.Count);
        foreach (var revocation in page)
        {
            // The event names the bank in any role; only consents whose consumer is this bank hold its data.
            seen.Add(new RevocationSeen(revocation.Id, revocation.Is<Ledger.Core.Events.ConsentRevoked>(out var revoked) ? revoked.ConsentId : null));
        }
        return seen;
    }
}
