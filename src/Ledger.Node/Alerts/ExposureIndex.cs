using System.Globalization;
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
        ["LoanDisbursed", "LoanRepaid", "LoanGuaranteed", "GuaranteeReleased", "GuaranteeCancelled", "ConsentGranted", "ConsentNarrowed", "ConsentRevoked", "FundCreated"];

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
            switch (e.Name)
            {
                case "LoanDisbursed":
                {
                    var loan = Hash(e, "loanId");
                    var enterprise = Hash(e, "enterpriseHash");
                    var repaid = _loans.TryGetValue(loan, out var known) && known.Repaid;
                    _loans[loan] = new LoanState(enterprise, Org(e, "bankOrg"), repaid);
                    Add(_loansOf, enterprise, loan);
                    break;
                }
                case "LoanRepaid":
                {
                    if (e.Args.TryGetValue("outstandingFen", out var outstanding) && outstanding == "0"
                        && _loans.TryGetValue(Hash(e, "loanId"), out var known))
                    {
                        _loans[Hash(e, "loanId")] = known with { Repaid = true };
                    }
                    break;
                }
                case "LoanGuaranteed":
                {
                    var loan = Hash(e, "loanId");
                    var enterprise = Hash(e, "enterpriseHash");
                    var known = _guarantees.GetValueOrDefault(loan);
                    if (known is not null && known.GuaranteedAt > e.BlockNumber)
                    {
                        break; // an earlier guarantee of the loan, delivered again after a later one
                    }
                    _guarantees[loan] = new GuaranteeState(enterprise, Org(e, "guarantorOrg"), known?.Released ?? false, e.BlockNumber, known?.CancelledAt ?? 0);
                    Add(_guaranteesOf, enterprise, loan);
                    break;
                }
                case "GuaranteeCancelled":
                {
                    // The bank cancelled the guarantee before default; a later guarantee of the loan (a later block) stands.
                    if (_guarantees.TryGetValue(Hash(e, "loanId"), out var known))
                    {
                        _guarantees[Hash(e, "loanId")] = known with { CancelledAt = Math.Max(known.CancelledAt, e.BlockNumber) };
                    }
                    break;
                }
                case "FundCreated":
                {
                    _fundRegulators[Hash(e, "fundId")] = Org(e, "regulatorOrg");
                    break;
                }
                case "GuaranteeReleased":
                {
                    if (_guarantees.TryGetValue(Hash(e, "loanId"), out var known))
                    {
                        _guarantees[Hash(e, "loanId")] = known with { Released = true };
                    }
                    break;
                }
                case "ConsentGranted":
                {
                    var consent = Hash(e, "consentId");
                    var enterprise = Hash(e, "creditCodeHash");
                    var validUntil = U64(e, "terms.validUntil");
                    var state = new ConsentState(enterprise, Org(e, "consumer"), validUntil, Revoked: false);
                    if (_consents.TryGetValue(consent, out var known))
                    {
                        // The grant delivered again after its narrowing or revocation: keep what they said.
                        state = state with { ValidUntil = Math.Min(validUntil, known.ValidUntil), Revoked = known.Revoked };
                    }
                    _consents[consent] = state;
                    Add(_consentsOf, enterprise, consent);
                    break;
                }
                case "ConsentNarrowed":
                {
                    var consent = Hash(e, "consentId");
                    if (_consents.TryGetValue(consent, out var known))
                    {
                        _consents[consent] = known with { ValidUntil = Math.Min(known.ValidUntil, U64(e, "validUntil")) };
                    }
                    break;
                }
                case "ConsentRevoked":
                {
                    var consent = Hash(e, "consentId");
                    if (_consents.TryGetValue(consent, out var known))
                    {
                        _consents[consent] = known with { Revoked = true };
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
                    if (_guarantees[loan] is { Released: false } g && g.CancelledAt < g.GuaranteedAt)
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

    internal static Hash32 Hash(ChainEvent e, string name) =>
        e.Args.TryGetValue(name, out var v) && Hash32.TryParse(v, out var h) ? h : throw new FormatException($"the {e.Name} event has no bytes32 '{name}'");

    internal static OrgId Org(ChainEvent e, string name) => new(Hash(e, name));

    internal static ulong U64(ChainEvent e, string name) =>
        e.Args.TryGetValue(name, out var v) && ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"the {e.Name} event has no integer '{name}'");

    private sealed record LoanState(Hash32 Enterprise, OrgId Bank, bool Repaid);

    /// <summary>A loan's latest guarantee: released with the repaid loan, or cancelled by the bank at a block after it was made.</summary>
    private sealed record GuaranteeState(Hash32 Enterprise, OrgId Guarantor, bool Released, ulong GuaranteedAt, ulong CancelledAt);

    private sealed record ConsentState(Hash32 Enterprise, OrgId Consumer, ulong ValidUntil, bool Revoked);
}
