using Ledger.Chain;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Member = Ledger.Chain.Contracts.Consortium.ContractDefinition.Member;

namespace Ledger.Node.Hosting;

/// <summary>Who an account operates, as of a block.</summary>
public readonly record struct OperatorStanding(OrgId Org, Role Role, MemberStatus Status)
{
    /// <summary>True when the account operates an active member.</summary>
    public bool IsActive => !Org.Value.IsZero && Status == MemberStatus.Active;
}

/// <summary>
/// The consortium's membership as the chain says at a block: which member an account operates (with role and status),
/// and each member's record (encryption key, endpoint). Read with eth_call at the block and cached, so authentication
/// of every call and the key of every sealed report cost a chain read only when membership may have changed (an event
/// of the consortium in a new block, see <see cref="ChainHead.StateSince"/>) or the cached read is older than
/// <see cref="PerBlockCache{TKey, TValue}.MaxCarry"/>. Nothing here depends on the block's time.
/// </summary>
public sealed class MembershipDirectory
{
    private readonly PerBlockCache<EthAddress, OperatorStanding> _operators;
    private readonly PerBlockCache<OrgId, Member> _members;
    private LedgerChainClient? _client;

    /// <summary>A directory whose reads are carried across the heads of <paramref name="head"/> while membership is unchanged.</summary>
    public MembershipDirectory(ChainHead head)
    {
        _operators = new PerBlockCache<EthAddress, OperatorStanding>(head, static (_, _) => true);
        _members = new PerBlockCache<OrgId, Member>(head, static (_, _) => true);
    }

    internal void Attach(LedgerChainClient client) => _client = client;

    private LedgerChainClient Client => _client ?? throw new InvalidOperationException("The membership directory is not attached yet.");

    /// <summary>The member <paramref name="account"/> operates at <paramref name="block"/> (zero org when none).</summary>
    /// <remarks>Reads are shared between concurrent callers, so they are not cancelled by one caller's token.</remarks>
    public Task<OperatorStanding> OperatorAsync(EthAddress account, ulong block) =>
        _operators.GetAsync(block, account, async (a, b) =>
        {
            var (org, role, status) = await Client.OperatorOrgAsync(a, b, CancellationToken.None).ConfigureAwait(false);
            return new OperatorStanding(org, role, status);
        });

    /// <summary>A member's record at <paramref name="block"/> (role None and empty key when not a member).</summary>
    public Task<Member> MemberAsync(OrgId org, ulong block) =>
        _members.GetAsync(block, org, (o, b) => Client.MemberAsync(o, b, CancellationToken.None));
}
