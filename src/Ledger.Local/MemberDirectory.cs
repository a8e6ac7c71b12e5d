using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.Consortium;
using Ledger.Chain.Deployment;
using Ledger.Chain.Rpc;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Local;

/// <summary>A consortium member as the Consortium contract holds it.</summary>
/// <param name="Org">The organization.</param>
/// <param name="Role">Its role.</param>
/// <param name="Status">Active, suspended or removed.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Endpoint">Its node's gRPC address.</param>
/// <param name="Enode">Its Besu node's enode URL (empty when none is registered).</param>
/// <param name="EncryptionKey">Its envelope encryption public key (33 bytes, compressed secp256k1).</param>
/// <param name="Operators">The accounts that act for it.</param>
/// <param name="Index">Its admission index (1-based).</param>
/// <param name="AdmittedAtBlock">The block it was admitted in.</param>
/// <param name="UpdatedAtBlock">The block of its last change.</param>
public sealed record ConsortiumMember(
    OrgId Org, Role Role, MemberStatus Status, string Name, string Endpoint, string Enode, byte[] EncryptionKey,
    IReadOnlyList<EthAddress> Operators, uint Index, ulong AdmittedAtBlock, ulong UpdatedAtBlock)
{
    /// <summary>The pins of the TLS certificates its node may present (at most two; empty when none is registered).</summary>
    public IReadOnlyList<Hash32> TlsPins { get; init; } = [];
}

/// <summary>The governance of a consortium: its governors and how many must approve a proposal.</summary>
public sealed record GovernanceState(IReadOnlyList<EthAddress> Governors, int Threshold);

/// <summary>A governance proposal's state.</summary>
public sealed record ProposalState(BigInteger ProposalId, EthAddress Proposer, bool Executed, bool Cancelled, ulong ExpiresAt, int Approvals, int Threshold);

/// <summary>
/// Reads on-chain membership: every member (from <c>memberIds</c>, then <c>member</c> and <c>operatorsOf</c> of each), all
/// as of one block so the list is consistent; the governors and threshold; a proposal's state.
/// </summary>
public sealed class MemberDirectory
{
    private readonly ChainRpc _rpc;
    private readonly ConsortiumService _consortium;

    /// <summary>A directory over the Consortium contract of <paramref name="deployment"/>.</summary>
    public MemberDirectory(ChainRpc rpc, LedgerDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(deployment);
        _rpc = rpc;
        _consortium = new ConsortiumService(rpc.Web3, deployment[LedgerContracts.Consortium].ToString());
    }

    /// <summary>Every member ever admitted (removed ones too, with their status), in admission order, and the block read.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1300/1301 when the chain cannot be reached.</exception>
    public async Task<(IReadOnlyList<ConsortiumMember> Members, ulong Block)> ListAsync(CancellationToken cancellationToken = default)
    {
        var block = (ulong)(await _rpc.CallAsync(w => w.Eth.Blocks.GetBlockNumber.SendRequestAsync(), cancellationToken).ConfigureAwait(false)).Value;
        var at = new BlockParameter(new HexBigInteger(block));
        var ids = await _rpc.CallAsync(_ => _consortium.MemberIdsQueryAsync(at), cancellationToken).ConfigureAwait(false);
        var members = new List<ConsortiumMember>(ids.Count);
        foreach (var id in ids)
        {
            var member = (await _rpc.CallAsync(_ => _consortium.MemberQueryAsync(id, at), cancellationToken).ConfigureAwait(false)).ReturnValue1;
            var operators = await _rpc.CallAsync(_ => _consortium.OperatorsOfQueryAsync(id, at), cancellationToken).ConfigureAwait(false);
            members.Add(new ConsortiumMember(
                new OrgId(new Hash32(id)),
                (Role)member.Role,
                (MemberStatus)member.Status,
                member.Name ?? "",
                member.Endpoint ?? "",
                member.Enode ?? "",
                member.EncryptionKey ?? [],
                operators.Select(EthAddress.Parse).ToList(),
                member.Index,
                member.AdmittedAtBlock,
                member.UpdatedAtBlock)
            {
                TlsPins = Sdk.Tls.TlsPins.FromChain(member.TlsPins),
            });
        }
        return (members.OrderBy(m => m.Index).ToList(), block);
    }

    /// <summary>The governors and the approval threshold.</summary>
    public async Task<GovernanceState> GovernanceAsync(CancellationToken cancellationToken = default)
    {
        var governors = await _rpc.CallAsync(_ => _consortium.GovernorsQueryAsync(), cancellationToken).ConfigureAwait(false);
        var threshold = await _rpc.CallAsync(_ => _consortium.ThresholdQueryAsync(), cancellationToken).ConfigureAwait(false);
        return new GovernanceState(governors.Select(EthAddress.Parse).ToList(), (int)threshold);
    }

    /// <summary>A proposal's state.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1208 when there is no such proposal.</exception>
    public async Task<ProposalState> ProposalAsync(BigInteger proposalId, CancellationToken cancellationToken = default)
    {
        var proposal = (await _rpc.CallAsync(_ => _consortium.ProposalQueryAsync(proposalId), cancellationToken).ConfigureAwait(false)).ReturnValue1;
        var approvals = await _rpc.CallAsync(_ => _consortium.ApprovalCountQueryAsync(proposalId), cancellationToken).ConfigureAwait(false);
        var threshold = await _rpc.CallAsync(_ => _consortium.ThresholdQueryAsync(), cancellationToken).ConfigureAwait(false);
        return new ProposalState(proposalId, EthAddress.Parse(proposal.Proposer), proposal.Executed, proposal.Cancelled, proposal.ExpiresAt, (int)approvals, (int)threshold);
    }
}
