using System.Runtime.CompilerServices;
using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;
using Ledger.Sdk;

namespace Ledger.Node.Auditor;

/// <summary>The consortium as the auditor's <see cref="AuditorSync"/> reads it from the chain, in domain types.</summary>
public interface IConsortiumMembers
{
    /// <summary>The auditor's own organization (never pulled from).</summary>
    OrgId Self { get; }

    /// <summary>Every member the chain lists, with its status, at the latest block.</summary>
    Task<IReadOnlyList<(OrgId Org, MemberStatus Status)>> MembersAsync(CancellationToken cancellationToken);
}

/// <summary>The members' record exports (<c>RecordExport.ExportRecords</c> on their nodes), read as evidence.</summary>
public interface IMemberRecords
{
    /// <summary>
    /// The records <paramref name="member"/> exports after <paramref name="afterSequence"/>, in order, each read as
    /// evidence (<see cref="AuditorSync.Read"/>).
    /// </summary>
    /// <exception cref="LedgerException">when the member's node cannot be reached or refuses (its code; LEDGER-1600
    /// unreachable), or a record cannot be read (LEDGER-1562) — at the start or part-way through.</exception>
    IAsyncEnumerable<PulledRecord> ExportAsync(OrgId member, ulong afterSequence, CancellationToken cancellationToken);
}

/// <summary>The auditor's copy of every member's records, in memory and in the store's <see cref="Ledger.Core.Ports.IAuditorCopy"/> part, as the <see cref="AuditorSync"/> writes it.</summary>
public interface ISyncedCopy
{
    /// <summary>Completes once the copy is loaded from the store.</summary>
    Task EnsureLoadedAsync();

    /// <summary>Where the next pull from <paramref name="member"/> resumes.</summary>
    MemberCursor CursorOf(OrgId member);

    /// <summary>Takes a page of records pulled from <paramref name="member"/>; returns how many were new or changed.</summary>
    int Apply(OrgId member, IReadOnlyList<PulledRecord> page);

    /// <summary>Notes that <paramref name="member"/> was pulled from completely now.</summary>
    void MarkSynced(OrgId member);

    /// <summary>The records the copy holds.</summary>
    int RecordCount { get; }
}

/// <summary>How far the auditor node's chain indexer has read, and how long a sync waits for it.</summary>
public interface IIndexProgress
{
    /// <summary>The last block the indexer has read (null: none yet).</summary>
    ulong? IndexedThroughBlock { get; }

    /// <summary>How often to look again.</summary>
    TimeSpan PollInterval { get; }

    /// <summary>The longest a sync waits for the indexer (<c>Ledger:Node:Auditor:IndexerWait</c>).</summary>
    TimeSpan MaxWait { get; }
}

/// <summary>The consortium contract and membership directory as the auditor's <see cref="IConsortiumMembers"/>.</summary>
public sealed class ChainConsortiumMembers(NodeIdentity node, ChainHead head, Ledger.Chain.LedgerChainClient chainClient, Ledger.Chain.Profiles.ChainEnvironment chain, MembershipDirectory membership) : IConsortiumMembers
{
    /// <inheritdoc/>
    public OrgId Self => node.Organization;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<(OrgId Org, MemberStatus Status)>> MembersAsync(CancellationToken cancellationToken)
    {
        var latest = await head.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var ids = await chain.Rpc.CallAsync(
            _ => chainClient.Consortium.MemberIdsQueryAsync(new Nethereum.RPC.Eth.DTOs.BlockParameter(new Nethereum.Hex.HexTypes.HexBigInteger(latest.Number))),
            cancellationToken).ConfigureAwait(false);
        var members = new List<(OrgId, MemberStatus)>(ids.Count);
        foreach (var id in ids)
        {
            var org = new OrgId(new Hash32(id));
            var member = await membership.MemberAsync(org, latest.Number).ConfigureAwait(false);
            members.Add((org, (MemberStatus)member.Status));
        }
        return members;
    }
}

/// <summary>The members' nodes (found by their endpoints on chain, called signed as the auditor) as <see cref="IMemberRecords"/>.</summary>
public sealed class PeerMemberRecords(PeerConnections peers) : IMemberRecords
{
    private static readonly TimeSpan ExportDeadline = TimeSpan.FromMinutes(30);

    /// <inheritdoc/>
    public async IAsyncEnumerable<PulledRecord> ExportAsync(OrgId member, ulong afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? target = null;
        AsyncServerStreamingCall<Api.V1.ExportedRecord> call;
        try
        {
            var connection = await peers.ConnectAsync(member, cancellationToken).ConfigureAwait(false);
            target = connection.Address;
            call = new RecordExport.RecordExportClient(connection.Invoker).ExportRecords(
                new ExportRecordsRequest { AfterSequence = afterSequence },
                deadline: DateTime.UtcNow + ExportDeadline,
                cancellationToken: cancellationToken);
        }
        catch (RpcException ex)
        {
            throw Unreachable(ex, member, target);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex, member, target);
        }
        using (call)
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false);
                }
                catch (RpcException ex)
                {
                    throw Unreachable(ex, member, target);
                }
                catch (HttpRequestException ex)
                {
                    throw Unreachable(ex, member, target);
                }
                if (!more)
                {
                    yield break;
                }
                yield return AuditorSync.Read(member, call.ResponseStream.Current);
            }
        }
    }

    private static LedgerException Unreachable(Exception ex, OrgId member, string? target) => ex switch
    {
        RpcException rpc => SdkErrors.FromRpc(rpc, target ?? member.Code),
        _ => new LedgerException(SdkErrors.UnreachableCode, ErrorCategory.Unavailable, $"its node at {target} cannot be reached ({ex.Message})", ex),
    };
}

/// <summary>The auditor node's audit index and options as its <see cref="IIndexProgress"/>.</summary>
public sealed class StoreIndexProgress(NodeIdentity node, Ledger.Store.LedgerStore store, Ledger.Chain.Profiles.ChainEnvironment chain) : IIndexProgress
{
    /// <inheritdoc/>
    public ulong? IndexedThroughBlock => store.Audit.IndexedThroughBlock;

    /// <inheritdoc/>
    public TimeSpan PollInterval => chain.Profile.EffectivePollInterval;

    /// <inheritdoc/>
    public TimeSpan MaxWait => node.Options.Auditor.IndexerWait;
}
