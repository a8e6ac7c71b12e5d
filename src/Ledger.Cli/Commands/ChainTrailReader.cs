using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.AccessLog;
using Ledger.Chain.Contracts.Consortium;
using Ledger.Chain.Deployment;
using Ledger.Chain.Rpc;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk;
using Ledger.Sdk.Tls;

namespace Ledger.Cli.Commands;

/// <summary>
/// The SDK's <see cref="ITrailChain"/> over the CLI's own view of the chain (<c>--rpc</c> and <c>--deployment</c>, or
/// the local consortium's): a member's role, endpoint and TLS pins from <c>Consortium.member</c>, a batch's root from
/// <c>AccessLog.anchoredRoot</c>. Read-only, no key.
/// </summary>
public sealed class ChainTrailReader(ChainRpc rpc, LedgerDeployment deployment) : ITrailChain
{
    private readonly ConsortiumService _consortium = new(rpc.Web3, deployment[LedgerContracts.Consortium].ToString());
    private readonly AccessLogService _accessLog = new(rpc.Web3, deployment[LedgerContracts.AccessLog].ToString());

    /// <inheritdoc/>
    public async Task<TrailMember?> MemberAsync(OrgId org, CancellationToken cancellationToken = default)
    {
        var member = (await rpc.CallAsync(_ => _consortium.MemberQueryAsync(org.Value.ToArray()), cancellationToken).ConfigureAwait(false)).ReturnValue1;
        return member.AdmittedAtBlock == 0 ? null : new TrailMember(org, (Role)member.Role, member.Endpoint ?? "") { TlsPins = [.. TlsPins.FromChain(member.TlsPins)] };
    }

    /// <inheritdoc/>
    public async Task<Hash32?> AnchoredRootAsync(OrgId org, BatchId batch, CancellationToken cancellationToken = default)
    {
        var root = new Hash32(await rpc.CallAsync(_ => _accessLog.AnchoredRootQueryAsync(org.Value.ToArray(), batch.Value.ToArray()), cancellationToken).ConfigureAwait(false));
        return root.IsZero ? null : root;
    }
}
