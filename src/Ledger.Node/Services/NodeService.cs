using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Chain.Abi;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.Services;

/// <summary><c>ledger.v1.Node</c>: who the node is and where it stands.</summary>
public sealed class NodeService(NodeIdentity node, ChainHead head, Ledger.Store.LedgerStore store, Observability.NodeHealthMonitor health) : Api.V1.Node.NodeBase
{
    private static readonly string Version = typeof(NodeService).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>
    /// Public: the organization, role, operator, encryption key, chain and contract addresses (all public on chain) and
    /// the node's view of the chain (latest block, whether it is degraded and since when, the last outage — what the
    /// health check says, in figures); a signed call from a member also gets the node's record and outbox counts.
    /// </summary>
    public override Task<NodeInfo> GetInfo(Empty request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var deployment = node.Deployment;
        var info = new NodeInfo
        {
            Org = node.Organization.Code,
            Role = node.Role.Word(),
            Operator = node.Keys.Operator.ToString(),
            EncryptionKey = "0x" + Convert.ToHexStringLower(node.Keys.Encryption.PublicKey),
            ChainId = (ulong)node.ChainId,
            LatestBlock = head.Latest.Number,
            IndexedBlock = store.Audit.IndexedThroughBlock ?? 0,
            Version = Version,
            StrongMode = node.Options.StrongMode,
            Consortium = deployment[LedgerContracts.Consortium].ToString(),
            ConsentRegistry = deployment[LedgerContracts.ConsentRegistry].ToString(),
            DeployBlock = deployment.DeployBlock,
        };
        var view = head.View();
        info.ChainDegraded = view.Degraded;
        info.ChainDegradedReason = view.Reason;
        info.ChainDegradedSinceMs = view.DegradedSince is { } since ? (ulong)since.ToUnixTimeMilliseconds() : 0;
        info.ChainConfirmedAgeMs = view.ConfirmedAgo is { } ago ? (ulong)ago.TotalMilliseconds : 0;
        info.LastOutageMs = view.LastOutage is { } outage ? (ulong)outage.TotalMilliseconds : 0;
        info.LastOutageEndedMs = view.LastOutageEnded is { } ended ? (ulong)ended.ToUnixTimeMilliseconds() : 0;
        info.MaxCheckAgeMs = (ulong)head.Options.MaxCheckAge.TotalMilliseconds;
        var report = health.Report();
        info.Health = report.Word;
        info.HealthReasons.Add(report.Reasons);
        if (context.Caller() is not null)
        {
            info.OutboxPending = (ulong)store.Outbox.UnanchoredCount;
            info.Records = (ulong)store.Records.Count;
        }
        return Task.FromResult(info);
    }
}
