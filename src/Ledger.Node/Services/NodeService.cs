using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Chain.Abi;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.Services;

/// <summary><c>ledger.v1.Node</c>: who the node is and where it stands.</summary>
public sealed class NodeService(NodeContext node) : Api.V1.Node.NodeBase
{
    private static readonly string Version = typeof(NodeService).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>
    /// Public: the organization, role, operator, encryption key, chain and contract addresses (all public on chain);
    /// a signed call from a member also gets the node's record and outbox counts.
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
            LatestBlock = node.Head.Latest.Number,
            IndexedBlock = node.Store.Audit.IndexedThroughBlock ?? 0,
            Version = Version,
            StrongMode = node.Options.StrongMode,
            Consortium = deployment[LedgerContracts.Consortium].ToString(),
            ConsentRegistry = deployment[LedgerContracts.ConsentRegistry].ToString(),
            DeployBlock = deployment.DeployBlock,
        };
        if (context.Caller() is not null)
        {
            info.OutboxPending = (ulong)node.Store.Outbox.UnanchoredCount;
            info.Records = (ulong)node.Store.Records.Count;
        }
        return Task.FromResult(info);
    }
}
