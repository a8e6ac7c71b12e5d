using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Audit.History;

/// <summary>A member's role and status at some point of the chain.</summary>
/// <param name="Role">The role (<see cref="Role.None"/> before admission).</param>
/// <param name="Status">The status (<see cref="MemberStatus.None"/> before admission).</param>
public readonly record struct MemberState(Role Role, MemberStatus Status)
{
    /// <summary>Active with one of <paramref name="roles"/>.</summary>
    public bool IsActiveAs(params ReadOnlySpan<Role> roles) => Status == MemberStatus.Active && roles.Contains(Role);
}

/// <summary>
/// The consortium's membership over time, rebuilt from the Consortium's events (MemberAdmitted, Suspended,
/// Reinstated, Removed, RoleChanged, OperatorAdded, OperatorRemoved). The state "at block N" is the state after
/// every event of blocks up to N — what a view call made against block N sees.
/// </summary>
public sealed class MembershipHistory
{
    private readonly Dictionary<OrgId, List<Transition>> _members = [];
    private readonly Dictionary<OrgId, List<OperatorChange>> _operators = [];

    private MembershipHistory()
    {
    }

    /// <summary>The organizations that were ever admitted.</summary>
    public IEnumerable<OrgId> Organizations => _members.Keys;

    /// <summary>Rebuilds the history from <paramref name="events"/> (any order; non-membership events are ignored).</summary>
    /// <param name="problems">Receives one sentence per malformed membership event.</param>
    public static MembershipHistory Build(IEnumerable<ChainEvent> events, ICollection<string>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var history = new MembershipHistory();
        var ordered = events.Where(LedgerEvents.IsMembership).ToList();
        ordered.Sort(LedgerEvents.CompareChainOrder);
        foreach (var e in ordered)
        {
            try
            {
                history.Apply(e);
            }
            catch (FormatException ex)
            {
                problems?.Add(ex.Message);
            }
        }
        return history;
    }

    private void Apply(ChainEvent e)
    {
        var typed = e.Typed();
        var org = typed switch
        {
            MemberAdmitted m => m.OrgId,
            MemberSuspended m => m.OrgId,
            MemberReinstated m => m.OrgId,
            MemberRemoved m => m.OrgId,
            MemberRoleChanged m => m.OrgId,
            OperatorAdded o => o.OrgId,
            OperatorRemoved o => o.OrgId,
            _ => throw new FormatException($"The {e.Describe()} is not a membership event."),
        };
        if (typed is OperatorAdded or OperatorRemoved)
        {
            if (!_operators.TryGetValue(org, out var changes))
            {
                _operators[org] = changes = [];
            }
            changes.Add(typed is OperatorAdded added
                ? new OperatorChange(e.BlockNumber, e.LogIndex, added.Operator, true)
                : new OperatorChange(e.BlockNumber, e.LogIndex, ((OperatorRemoved)typed).Operator, false));
            return;
        }
        var current = At(org, e.BlockNumber, e.LogIndex);
        var next = typed switch
        {
            MemberAdmitted m => new MemberState(m.Role, MemberStatus.Active),
            MemberSuspended => current with { Status = MemberStatus.Suspended },
            MemberReinstated => current with { Status = MemberStatus.Active },
            MemberRemoved => current with { Status = MemberStatus.Removed },
            MemberRoleChanged m => current with { Role = m.NewRole },
            _ => current,
        };
        if (!_members.TryGetValue(org, out var transitions))
        {
            _members[org] = transitions = [];
        }
        transitions.Add(new Transition(e.BlockNumber, e.LogIndex, next));
    }

    /// <summary>
    /// The member's state after every event up to block <paramref name="block"/> — or, with a log index, only the
    /// events of that block before it (the state a transaction at that position saw).
    /// </summary>
    public MemberState At(OrgId org, ulong block, int logIndex = int.MaxValue)
    {
        if (!_members.TryGetValue(org, out var transitions))
        {
            return default;
        }
        // Last transition at or before (block, logIndex); events at exactly (block, logIndex) are the caller's own.
        int lo = 0, hi = transitions.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var t = transitions[mid];
            if (t.Block < block || (t.Block == block && t.LogIndex < logIndex))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo == 0 ? default : transitions[lo - 1].State;
    }

    /// <summary>The block the organization was first admitted in, if ever.</summary>
    public ulong? AdmittedAt(OrgId org) => _members.TryGetValue(org, out var t) && t.Count > 0 ? t[0].Block : null;

    /// <summary>The operator accounts of <paramref name="org"/> after every event up to <paramref name="block"/>.</summary>
    public IReadOnlySet<EthAddress> OperatorsAt(OrgId org, ulong block)
    {
        var set = new HashSet<EthAddress>();
        if (_operators.TryGetValue(org, out var changes))
        {
            foreach (var change in changes)
            {
                if (change.Block > block)
                {
                    break;
                }
                if (change.Added)
                {
                    set.Add(change.Operator);
                }
                else
                {
                    set.Remove(change.Operator);
                }
            }
        }
        return set;
    }

    /// <summary>The organization <paramref name="account"/> operated at <paramref name="block"/>, if any.</summary>
    public OrgId? OrganizationOf(EthAddress account, ulong block)
    {
        foreach (var org in _operators.Keys)
        {
            if (OperatorsAt(org, block).Contains(account))
            {
                return org;
            }
        }
        return null;
    }

    /// <summary>
    /// Why <paramref name="org"/> could not act as one of <paramref name="roles"/> at <paramref name="block"/>, or
    /// null when it could.
    /// </summary>
    public (Verification.ProblemKind Kind, string Why)? Refuse(OrgId org, ulong block, params ReadOnlySpan<Role> roles)
    {
        var state = At(org, block);
        if (state.Status == MemberStatus.Active && roles.Contains(state.Role))
        {
            return null; // the common case, every record: no sentence built
        }
        var wanted = string.Join(" or ", roles.ToArray().Select(Describe));
        return state.Status switch
        {
            MemberStatus.None => (Verification.ProblemKind.ActorNotMember, $"{org} was not a consortium member at block {block}"),
            MemberStatus.Removed => (Verification.ProblemKind.ActorNotMember, $"{org} had been removed from the consortium by block {block}"),
            MemberStatus.Suspended => (Verification.ProblemKind.ActorSuspended, $"{org} was suspended at block {block}"),
            _ when !roles.Contains(state.Role) => (Verification.ProblemKind.ActorWrongRole, $"{org} was {Article(Describe(state.Role))}, not {Article(wanted)}, at block {block}"),
            _ => null,
        };
    }

    private static string Article(string noun) => ("aeiou".Contains(noun[0], StringComparison.Ordinal) ? "an " : "a ") + noun;

    /// <summary>A role in words.</summary>
    public static string Describe(Role role) => RoleWords.Find(role)?.Name ?? "member without a role";

    private readonly record struct Transition(ulong Block, int LogIndex, MemberState State);

    private readonly record struct OperatorChange(ulong Block, int LogIndex, EthAddress Operator, bool Added);
}
