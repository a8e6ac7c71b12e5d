using Ledger.Core.Consent;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Audit;

namespace Ledger.Node.Alerts;

/// <summary>
/// Who may learn what about an enterprise, from the node's chain index — the audience of the enterprise's alerts
/// (need to know, docs/privacy.md "Alerts"):
/// <list type="bullet">
/// <item>an alert about a loan (overdue, default, fund-flow deviation, a guarantor that failed to pay) reaches the
/// loan's parties — its bank (<c>LoanDisbursed</c>'s <c>bankOrg</c>) and its guarantor (<c>LoanGuaranteed</c>'s
/// <c>guarantorOrg</c>, unless the guarantee was cancelled) — since it is their own contract;</item>
/// <item>anything else about the enterprise — another bank's loan going overdue or defaulting, a rating downgrade, a
/// change of controller — reaches only a member holding a <b>monitoring consent</b> from the enterprise: a consent for
/// post-loan monitoring (<see cref="PurposeCodes.PostLoanMonitoring"/>), neither revoked nor outside its (possibly
/// narrowed) validity; for a rating downgrade, one whose provider is the bureau that raised it and whose scopes
/// include the rating. A consent for credit assessment, a loan or a guarantee alone entitles to nothing more;</item>
/// <item>a revocation reaches only the consent's consumer (<see cref="ChainAlerts"/>).</item>
/// </list>
/// Every update is a set operation, so applying an event twice (a page the indexer delivers again) or rebuilding from
/// the index and then applying the same events changes nothing. Thread-safe.
/// </summary>
public sealed class ExposureIndex
{
    /// <summary>The events the index follows, each after those it depends on (the order <see cref="Rebuild"/> reads them in).</summary>
    public static readonly IReadOnlyList<string> FollowedEvents =
    [
        LoanDisbursed.EventName, LoanGuaranteed.EventName, GuaranteeCancelled.EventName,
        ConsentGranted.EventName, ConsentNarrowed.EventName, ConsentRevoked.EventName, FundCreated.EventName,
    ];

    private readonly object _gate = new();
    private readonly Dictionary<Hash32, LoanState> _loans = [];
    private readonly Dictionary<Hash32, GuaranteeState> _guarantees = [];
    private readonly Dictionary<Hash32, ConsentState> _consents = [];
    private readonly Dictionary<Hash32, HashSet<Hash32>> _loansOf = [];
    private readonly Dictionary<Hash32, HashSet<Hash32>> _guaranteesOf = [];
    private readonly Dictionary<Hash32, HashSet<Hash32>> _consentsOf = [];
    private readonly Dictionary<Hash32, OrgId> _fundRegulators = [];

    /// <summary>Number of consents known (for tests and diagnostics).</summary>
    public int ConsentCount
    {
        get
        {
            lock (_gate)
            {
                return _consents.Count;
            }
        }
    }

    /// <summary>
    /// Loads every followed event the audit index holds, name by name in <see cref="FollowedEvents"/> order — so a
    /// guarantee is known before its cancellation, a grant before its narrowing or revocation.
    /// </summary>
    /// <param name="audit">The node's audit index.</param>
    /// <param name="beforeBlock">Only events of earlier blocks (the page about to be applied comes after them); null: all.</param>
    public void Rebuild(AuditIndex audit, ulong? beforeBlock = null)
    {
        ArgumentNullException.ThrowIfNull(audit);
        if (beforeBlock == 0)
        {
            return;
        }
        foreach (var name in FollowedEvents)
        {
            string? after = null;
            while (true)
            {
                var page = audit.Find(new EventQuery { Name = name, AfterId = after, ToBlock = beforeBlock - 1, Limit = AuditIndex.MaxQueryLimit });
                foreach (var e in page)
                {
                    Apply(e);
                }
                if (page.Count < AuditIndex.MaxQueryLimit)
                {
                    break;
                }
                after = page[^1].Id;
            }
        }
    }

    /// <summary>Applies one event (others are ignored).</summary>
    public void Apply(ChainEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_gate)
        {
            switch (e.Typed())
            {
                case LoanDisbursed d:
                {
                    var loan = d.LoanId.Value;
                    var enterprise = d.EnterpriseHash.Value;
                    _loans[loan] = new LoanState(enterprise, d.BankOrg);
                    Add(_loansOf, enterprise, loan);
                    break;
                }
                case LoanGuaranteed g:
                {
                    var loan = g.LoanId.Value;
                    var enterprise = g.EnterpriseHash.Value;
                    var known = _guarantees.GetValueOrDefault(loan);
                    if (known is not null && known.GuaranteedAt.CompareTo(Position(e)) > 0)
                    {
                        break; // an earlier guarantee of the loan, delivered again after a later one
                    }
                    _guarantees[loan] = new GuaranteeState(enterprise, g.GuarantorOrg, Position(e), known?.CancelledAt ?? (0, -1));
                    Add(_guaranteesOf, enterprise, loan);
                    break;
                }
                case GuaranteeCancelled c:
                {
                    // The bank cancelled the guarantee before default; a later guarantee of the loan (a later block) stands.
                    if (_guarantees.TryGetValue(c.LoanId.Value, out var known))
                    {
                        _guarantees[c.LoanId.Value] = known with { CancelledAt = Position(e).CompareTo(known.CancelledAt) > 0 ? Position(e) : known.CancelledAt };
                    }
                    break;
                }
                case FundCreated f:
                {
                    _fundRegulators[f.FundId.Value] = f.RegulatorOrg;
                    break;
                }
                case ConsentGranted g:
                {
                    var consent = g.ConsentId.Value;
                    var enterprise = g.CreditCodeHash.Value;
                    var validUntil = g.Terms.ValidUntil;
                    var state = new ConsentState(enterprise, g.Consumer, g.Provider, g.Terms.Purpose, g.Terms.Scopes, g.Terms.ValidFrom, validUntil, Revoked: false);
                    if (_consents.TryGetValue(consent, out var known))
                    {
                        // The grant delivered again after its narrowing or revocation: keep what they said.
                        state = state with { ValidUntil = Math.Min(validUntil, known.ValidUntil), Scopes = state.Scopes & known.Scopes, Revoked = known.Revoked };
                    }
                    _consents[consent] = state;
                    Add(_consentsOf, enterprise, consent);
                    break;
                }
                case ConsentNarrowed n:
                {
                    if (_consents.TryGetValue(n.ConsentId.Value, out var known))
                    {
                        _consents[n.ConsentId.Value] = known with { ValidUntil = Math.Min(known.ValidUntil, n.ValidUntil), Scopes = known.Scopes & n.Scopes };
                    }
                    break;
                }
                case ConsentRevoked r:
                {
                    if (_consents.TryGetValue(r.ConsentId.Value, out var known))
                    {
                        _consents[r.ConsentId.Value] = known with { Revoked = true };
                    }
                    break;
                }
                default:
                    break;
            }
        }
    }

    /// <summary>The regulator that runs a fund (from its <c>FundCreated</c> event); null when the node has not indexed it.</summary>
    public OrgId? RegulatorOf(Hash32 fund)
    {
        lock (_gate)
        {
            return _fundRegulators.TryGetValue(fund, out var regulator) ? regulator : null;
        }
    }

    /// <summary>
    /// The members an alert reaches at <paramref name="nowSeconds"/> (unix seconds, for consent validity): the parties of
    /// its loan, if it concerns one, and the holders of a monitoring consent from its enterprise (see the class remarks);
    /// nobody for a revocation (its consumer is added by <see cref="ChainAlerts"/>).
    /// </summary>
    public IReadOnlySet<OrgId> AudienceOf(NodeAlert alert, ulong nowSeconds)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var audience = new HashSet<OrgId>();
        if (alert.Kind == AlertKind.ConsentRevoked)
        {
            return audience;
        }
        lock (_gate)
        {
            if (alert.Loan is { } loan)
            {
                if (_loans.TryGetValue(loan.Value, out var l))
                {
                    audience.Add(l.Bank);
                }
                if (_guarantees.TryGetValue(loan.Value, out var g) && g.CancelledAt.CompareTo(g.GuaranteedAt) < 0)
                {
                    audience.Add(g.Guarantor);
                }
            }
            var rating = alert.Kind == AlertKind.RatingDowngrade;
            foreach (var c in ConsentsOf(alert.Enterprise))
            {
                if (c.Monitors(nowSeconds) && (!rating || (c.Provider == alert.Source && (c.Scopes & Scopes.TaxCreditRating) != 0)))
                {
                    audience.Add(c.Consumer);
                }
            }
        }
        return audience;
    }

    /// <summary>
    /// The monitoring consents (post-loan monitoring, valid at <paramref name="nowSeconds"/>, not revoked) that
    /// <paramref name="enterprise"/> granted <paramref name="consumer"/> with <paramref name="provider"/> as provider and
    /// every scope of <paramref name="scopes"/> — what a provider checks on chain before an alert leaves it.
    /// </summary>
    public IReadOnlyList<ConsentId> MonitoringConsents(EnterpriseHash enterprise, OrgId consumer, OrgId provider, Scopes scopes, ulong nowSeconds)
    {
        var found = new List<ConsentId>();
        lock (_gate)
        {
            if (_consentsOf.TryGetValue(enterprise.Value, out var consents))
            {
                foreach (var id in consents)
                {
                    var c = _consents[id];
                    if (c.Monitors(nowSeconds) && c.Consumer == consumer && c.Provider == provider && (c.Scopes & scopes) == scopes)
                    {
                        found.Add(new ConsentId(id));
                    }
                }
            }
        }
        return found;
    }

    // Under _gate.
    private IEnumerable<ConsentState> ConsentsOf(EnterpriseHash enterprise) =>
        _consentsOf.TryGetValue(enterprise.Value, out var consents) ? consents.Select(id => _consents[id]) : [];

    /// <summary>The enterprise and consumer of a granted consent, if its grant has been indexed.</summary>
    public (EnterpriseHash Enterprise, OrgId Consumer)? Consent(ConsentId consent)
    {
        lock (_gate)
        {
            return _consents.TryGetValue(consent.Value, out var c) && !c.Enterprise.IsZero ? (new EnterpriseHash(c.Enterprise), c.Consumer) : null;
        }
    }

    /// <summary>The enterprise of a disbursed loan, if its disbursement has been indexed.</summary>
    public EnterpriseHash? EnterpriseOfLoan(LoanId loan)
    {
        lock (_gate)
        {
            return _loans.TryGetValue(loan.Value, out var l) ? new EnterpriseHash(l.Enterprise) : null;
        }
    }

    private static void Add(Dictionary<Hash32, HashSet<Hash32>> index, Hash32 key, Hash32 value)
    {
        if (!index.TryGetValue(key, out var set))
        {
            index[key] = set = [];
        }
        set.Add(value);
    }

    private sealed record LoanState(Hash32 Enterprise, OrgId Bank);

    /// <summary>
    /// A loan's latest guarantee, and whether the bank cancelled it after it was made (positions
    /// in chain order: block, then log index — a cancellation and a new guarantee can share a block).
    /// </summary>
    private sealed record GuaranteeState(Hash32 Enterprise, OrgId Guarantor, (ulong Block, int Log) GuaranteedAt, (ulong Block, int Log) CancelledAt);

    private static (ulong Block, int Log) Position(ChainEvent e) => (e.BlockNumber, e.LogIndex);

    private sealed record ConsentState(Hash32 Enterprise, OrgId Consumer, OrgId Provider, uint Purpose, Scopes Scopes, ulong ValidFrom, ulong ValidUntil, bool Revoked)
    {
        public bool Monitors(ulong nowSeconds) =>
            !Revoked && Purpose == PurposeCodes.PostLoanMonitoring && nowSeconds >= ValidFrom && nowSeconds <= ValidUntil;
    }
}
