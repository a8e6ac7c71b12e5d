using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Audit;

namespace Ledger.Node.Alerts;

/// <summary>
/// Which members are exposed to which enterprise, from the node's chain index — the audience of an enterprise's
/// alerts. A member is exposed to an enterprise while it holds
/// <list type="bullet">
/// <item>a loan to it (<c>LoanDisbursed</c>'s <c>bankOrg</c>) not yet repaid in full,</item>
/// <item>a guarantee of a loan to it (<c>LoanGuaranteed</c>'s <c>guarantorOrg</c>) not yet released or cancelled, or</item>
/// <item>a valid consent from it (<c>ConsentGranted</c>'s <c>consumer</c>): not revoked, not past its (possibly
/// narrowed) end of validity.</item>
/// </list>
/// Every update is a set operation, so applying an event twice (a page the indexer delivers again) or rebuilding from
/// the index and then applying the same events changes nothing. Thread-safe.
/// </summary>
public sealed class ExposureIndex
{
    /// <summary>The events the index follows, each after those it depends on (the order <see cref="Rebuild"/> reads them in).</summary>
    public static readonly IReadOnlyList<string> FollowedEvents =
    [
        LoanDisbursed.EventName, LoanRepaid.EventName, LoanGuaranteed.EventName, GuaranteeReleased.EventName, GuaranteeCancelled.EventName,
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
    /// disbursement is known before its repayment, a guarantee before its release, a grant before its narrowing or
    /// revocation.
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
                    var repaid = _loans.TryGetValue(loan, out var known) && known.Repaid;
                    _loans[loan] = new LoanState(enterprise, d.BankOrg, repaid);
                    Add(_loansOf, enterprise, loan);
                    break;
                }
                case LoanRepaid r:
                {
                    if (r.OutstandingFen == 0 && _loans.TryGetValue(r.LoanId.Value, out var known))
                    {
                        _loans[r.LoanId.Value] = known with { Repaid = true };
                    }
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
                    _guarantees[loan] = new GuaranteeState(enterprise, g.GuarantorOrg, known?.Released ?? false, Position(e), known?.CancelledAt ?? (0, -1));
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
                case GuaranteeReleased r:
                {
                    if (_guarantees.TryGetValue(r.LoanId.Value, out var known))
                    {
                        _guarantees[r.LoanId.Value] = known with { Released = true };
                    }
                    break;
                }
                case ConsentGranted g:
                {
                    var consent = g.ConsentId.Value;
                    var enterprise = g.CreditCodeHash.Value;
                    var validUntil = g.Terms.ValidUntil;
                    var state = new ConsentState(enterprise, g.Consumer, validUntil, Revoked: false);
                    if (_consents.TryGetValue(consent, out var known))
                    {
                        // The grant delivered again after its narrowing or revocation: keep what they said.
                        state = state with { ValidUntil = Math.Min(validUntil, known.ValidUntil), Revoked = known.Revoked };
                    }
                    _consents[consent] = state;
                    Add(_consentsOf, enterprise, consent);
                    break;
                }
                case ConsentNarrowed n:
                {
                    if (_consents.TryGetValue(n.ConsentId.Value, out var known))
                    {
                        _consents[n.ConsentId.Value] = known with { ValidUntil = Math.Min(known.ValidUntil, n.ValidUntil) };
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

    /// <summary>The members exposed to <paramref name="enterprise"/> at <paramref name="nowSeconds"/> (unix seconds, for consent expiry).</summary>
    public IReadOnlySet<OrgId> ExposedTo(EnterpriseHash enterprise, ulong nowSeconds)
    {
        var exposed = new HashSet<OrgId>();
        lock (_gate)
        {
            var key = enterprise.Value;
            if (_loansOf.TryGetValue(key, out var loans))
            {
                foreach (var loan in loans)
                {
                    if (_loans[loan] is { Repaid: false } l)
                    {
                        exposed.Add(l.Bank);
                    }
                }
            }
            if (_guaranteesOf.TryGetValue(key, out var guarantees))
            {
                foreach (var loan in guarantees)
                {
                    if (_guarantees[loan] is { Released: false } g && g.CancelledAt.CompareTo(g.GuaranteedAt) < 0)
                    {
                        exposed.Add(g.Guarantor);
                    }
                }
            }
            if (_consentsOf.TryGetValue(key, out var consents))
            {
                foreach (var consent in consents)
                {
                    if (_consents[consent] is { Revoked: false } c && nowSeconds <= c.ValidUntil)
                    {
                        exposed.Add(c.Consumer);
                    }
                }
            }
        }
        return exposed;
    }

    /// <summary>Whether <paramref name="member"/> is exposed to <paramref name="enterprise"/> at <paramref name="nowSeconds"/>.</summary>
    public bool IsExposed(OrgId member, EnterpriseHash enterprise, ulong nowSeconds) => ExposedTo(enterprise, nowSeconds).Contains(member);

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

    private sealed record LoanState(Hash32 Enterprise, OrgId Bank, bool Repaid);

    /// <summary>
    /// A loan's latest guarantee: released with the repaid loan, or cancelled by the bank after it was made (positions
    /// in chain order: block, then log index — a cancellation and a new guarantee can share a block).
    /// </summary>
    private sealed record GuaranteeState(Hash32 Enterprise, OrgId Guarantor, bool Released, (ulong Block, int Log) GuaranteedAt, (ulong Block, int Log) CancelledAt);

    private static (ulong Block, int Log) Position(ChainEvent e) => (e.BlockNumber, e.LogIndex);

    private sealed record ConsentState(Hash32 Enterprise, OrgId Consumer, ulong ValidUntil, bool Revoked);
}
