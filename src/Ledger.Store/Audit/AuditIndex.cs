using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Internal;
using LiteDB;

namespace Ledger.Store.Audit;

/// <summary>
/// A query over indexed chain events. Every filter set must match; results come in chain order (block, log index),
/// at most <see cref="Limit"/> after <see cref="AfterId"/> (page with the last event id of the previous page).
/// </summary>
public sealed record EventQuery
{
    /// <summary>Events naming this consent.</summary>
    public ConsentId? Consent { get; init; }
    /// <summary>Events naming this loan.</summary>
    public LoanId? Loan { get; init; }
    /// <summary>Events naming this enterprise (its salted credit-code hash).</summary>
    public EnterpriseHash? Enterprise { get; init; }
    /// <summary>Events naming this organization in any role (provider, consumer, bank, guarantor, …).</summary>
    public OrgId? Organization { get; init; }
    /// <summary>Events naming this account (enterprise wallet, governor, operator, relayer, …).</summary>
    public EthAddress? Account { get; init; }
    /// <summary>Events naming this anchor batch.</summary>
    public BatchId? Batch { get; init; }
    /// <summary>Events of this contract (e.g. <c>ConsentRegistry</c>).</summary>
    public string? Contract { get; init; }
    /// <summary>Events of this name (e.g. <c>ConsentRevoked</c>).</summary>
    public string? Name { get; init; }
    /// <summary>Events at or after this block.</summary>
    public ulong? FromBlock { get; init; }
    /// <summary>Events at or before this block.</summary>
    public ulong? ToBlock { get; init; }
    /// <summary>Events whose block time is at or after this (unix seconds).</summary>
    public ulong? FromTime { get; init; }
    /// <summary>Events whose block time is before this (unix seconds, exclusive).</summary>
    public ulong? UntilTime { get; init; }
    /// <summary>Only events after this event id (paging).</summary>
    public string? AfterId { get; init; }
    /// <summary>At most this many events (1 to 10,000).</summary>
    public int Limit { get; init; } = 1000;
}

/// <summary>
/// The audit index: every chain event the indexer delivers, kept once per <see cref="ChainEvent.Id"/> and indexed
/// by block, time, name and by the ids it mentions (consent, loan, enterprise, organizations, accounts, batch), so
/// an auditor can rebuild the trail of any consent, loan, enterprise or organization.
/// </summary>
public sealed class AuditIndex : IChainEventSink
{
    /// <summary>Largest page a query returns.</summary>
    public const int MaxQueryLimit = 10_000;

    private const string StateId = "audit-index";

    // Argument names of the contracts' events, by what they identify.
    private static readonly Dictionary<string, string> MentionKinds = new(StringComparer.Ordinal)
    {
        ["consentId"] = Mention.Consent,
        ["loanId"] = Mention.Loan,
        ["enterpriseHash"] = Mention.Enterprise,
        ["creditCodeHash"] = Mention.Enterprise,
        ["orgId"] = Mention.Org,
        ["provider"] = Mention.Org,
        ["consumer"] = Mention.Org,
        ["taxOrg"] = Mention.Org,
        ["bankOrg"] = Mention.Org,
        ["guarantorOrg"] = Mention.Org,
        ["regulatorOrg"] = Mention.Org,
        ["recorderOrg"] = Mention.Org,
        ["byOrg"] = Mention.Org,
        ["batchId"] = Mention.Batch,
        ["enterprise"] = Mention.Account, // an address in ConsentRegistry's events
        ["governor"] = Mention.Account,
        ["proposer"] = Mention.Account,
        ["executor"] = Mention.Account,
        ["operator"] = Mention.Account,
        ["relayer"] = Mention.Account,
    };

    private readonly LedgerStore _store;

    internal AuditIndex(LedgerStore store) => _store = store;

    /// <summary>Number of events indexed.</summary>
    public long Count => _store.Read("count events", db => db.GetCollection(Collections.Events).LongCount());

    /// <summary>The highest block the indexer has delivered everything up to, or null before the first page.</summary>
    public ulong? IndexedThroughBlock => _store.Read("read the audit index state", db =>
        db.GetCollection(Collections.Checkpoints).FindById(StateId) is { } doc ? Bson.ToU64(doc["block"]) : (ulong?)null);

    /// <inheritdoc/>
    /// <remarks>One transaction per page; an event already indexed (same id) is replaced, so a page delivered again
    /// after a crash leaves the index as it was.</remarks>
    public void Accept(IReadOnlyList<ChainEvent> events, ulong throughBlock)
    {
        ArgumentNullException.ThrowIfNull(events);
        _store.Write("index chain events", db =>
        {
            var collection = db.GetCollection(Collections.Events);
            foreach (var e in events)
            {
                collection.Upsert(ToDocument(e));
            }
            var state = db.GetCollection(Collections.Checkpoints);
            var current = state.FindById(StateId) is { } doc ? Bson.ToU64(doc["block"]) : 0UL;
            state.Upsert(new BsonDocument
            {
                ["_id"] = StateId,
                ["block"] = Bson.U64(Math.Max(current, throughBlock)),
                ["updatedAtMs"] = Bson.U64(_store.NowMs),
            });
        });
    }

    /// <summary>The event with this id, or null.</summary>
    public ChainEvent? Get(string id) =>
        _store.Read("read an event", db => db.GetCollection(Collections.Events).FindById(id) is { } doc ? ToEvent(doc) : null);

    /// <summary>Events matching <paramref name="query"/>, in chain order.</summary>
    public IReadOnlyList<ChainEvent> Find(EventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > MaxQueryLimit)
        {
            throw StoreErrors.InvalidEntry($"An event query returns 1 to {MaxQueryLimit} events per page; {query.Limit} was asked.");
        }
        return _store.Read("query events", db =>
        {
            var q = db.GetCollection(Collections.Events).Query();
            foreach (var mention in MentionsOf(query))
            {
                q = q.Where("$.mentions[*] ANY = @0", mention);
            }
            if (query.Contract is { } contract)
            {
                q = q.Where("$.contract = @0", contract);
            }
            if (query.Name is { } name)
            {
                q = q.Where("$.name = @0", name);
            }
            if (query.FromBlock is { } fromBlock)
            {
                q = q.Where("$.block >= @0", Bson.U64(fromBlock));
            }
            if (query.ToBlock is { } toBlock)
            {
                q = q.Where("$.block <= @0", Bson.U64(toBlock));
            }
            if (query.FromTime is { } fromTime)
            {
                q = q.Where("$.time >= @0", Bson.U64(fromTime));
            }
            if (query.UntilTime is { } untilTime)
            {
                q = q.Where("$.time < @0", Bson.U64(untilTime));
            }
            if (query.AfterId is { } after)
            {
                q = q.Where("$._id > @0", after);
            }
            return q.OrderBy("$._id").Limit(query.Limit).ToList().Select(ToEvent).ToList();
        });
    }

    /// <summary>Every event naming the consent (grant, narrowing, revocation, strong-mode accesses, decisions, loans).</summary>
    public IReadOnlyList<ChainEvent> ByConsent(ConsentId consent, int limit = 1000) => Find(new EventQuery { Consent = consent, Limit = limit });

    /// <summary>Every event naming the loan (disbursement, repayments, guarantees, fund flow, claims).</summary>
    public IReadOnlyList<ChainEvent> ByLoan(LoanId loan, int limit = 1000) => Find(new EventQuery { Loan = loan, Limit = limit });

    /// <summary>Every event naming the enterprise (binding, consents, decisions, loans, fund-flow alerts).</summary>
    public IReadOnlyList<ChainEvent> ByEnterprise(EnterpriseHash enterprise, int limit = 1000) => Find(new EventQuery { Enterprise = enterprise, Limit = limit });

    /// <summary>Every event naming the organization in any role.</summary>
    public IReadOnlyList<ChainEvent> ByOrganization(OrgId organization, int limit = 1000) => Find(new EventQuery { Organization = organization, Limit = limit });

    /// <summary>Events of blocks <paramref name="fromBlock"/> to <paramref name="toBlock"/> (inclusive).</summary>
    public IReadOnlyList<ChainEvent> ByBlockRange(ulong fromBlock, ulong toBlock, int limit = 1000) => Find(new EventQuery { FromBlock = fromBlock, ToBlock = toBlock, Limit = limit });

    /// <summary>Events whose block time is in [<paramref name="fromTime"/>, <paramref name="untilTime"/>) (unix seconds).</summary>
    public IReadOnlyList<ChainEvent> ByTimeRange(ulong fromTime, ulong untilTime, int limit = 1000) => Find(new EventQuery { FromTime = fromTime, UntilTime = untilTime, Limit = limit });

    private static IEnumerable<string> MentionsOf(EventQuery q)
    {
        if (q.Consent is { } c)
        {
            yield return Key(Mention.Consent, c.Value.ToString());
        }
        if (q.Loan is { } l)
        {
            yield return Key(Mention.Loan, l.Value.ToString());
        }
        if (q.Enterprise is { } e)
        {
            yield return Key(Mention.Enterprise, e.Value.ToString());
        }
        if (q.Organization is { } o)
        {
            yield return Key(Mention.Org, o.Value.ToString());
        }
        if (q.Account is { } a)
        {
            yield return Key(Mention.Account, a.ToString());
        }
        if (q.Batch is { } b)
        {
            yield return Key(Mention.Batch, b.Value.ToString());
        }
    }

    internal static IReadOnlyList<string> Mentions(ChainEvent e)
    {
        var mentions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in e.Args)
        {
            if (!MentionKinds.TryGetValue(name, out var kind) || string.IsNullOrEmpty(value))
            {
                continue;
            }
            // "enterprise" is an address in the consent registry's events and a hash elsewhere.
            if (kind == Mention.Account && value.Length == 66)
            {
                kind = Mention.Enterprise;
            }
            mentions.Add(Key(kind, value));
        }
        return [.. mentions];
    }

    private static string Key(string kind, string value) => $"{kind}:{value.ToLowerInvariant()}";

    private static BsonDocument ToDocument(ChainEvent e)
    {
        var args = new BsonDocument();
        foreach (var (name, value) in e.Args)
        {
            args[name] = value;
        }
        return new BsonDocument
        {
            ["_id"] = e.Id,
            ["contract"] = e.Contract,
            ["name"] = e.Name,
            ["block"] = Bson.U64(e.BlockNumber),
            ["time"] = Bson.U64(e.BlockTimestamp),
            ["txHash"] = Bson.Hex(e.TxHash),
            ["logIndex"] = e.LogIndex,
            ["args"] = args,
            ["mentions"] = new BsonArray(Mentions(e).Select(m => new BsonValue(m))),
        };
    }

    private static ChainEvent ToEvent(BsonDocument doc) => new(
        doc["contract"].AsString,
        doc["name"].AsString,
        Bson.ToU64(doc["block"]),
        Bson.ToU64(doc["time"]),
        Bson.ToHash(doc["txHash"]),
        doc["logIndex"].AsInt32,
        doc["args"].AsDocument.ToDictionary(kv => kv.Key, kv => kv.Value.AsString, StringComparer.Ordinal));

    private static class Mention
    {
        public const string Consent = "consent";
        public const string Loan = "loan";
        public const string Enterprise = "enterprise";
        public const string Org = "org";
        public const string Account = "account";
        public const string Batch = "batch";
    }
}
