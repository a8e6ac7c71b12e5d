using Grpc.Health.V1;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>The node itself: who it is, where it stands, whether it serves.</summary>
public sealed class NodeClient
{
    private readonly LedgerConnection _connection;
    private readonly Proto.Node.NodeClient _client;

    /// <summary>A client over <paramref name="connection"/>.</summary>
    public NodeClient(LedgerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _client = new Proto.Node.NodeClient(connection.Invoker);
    }

    /// <summary>The node's current description (signed, so a member also sees its record and outbox counts).</summary>
    public async Task<NodeDetails> GetInfoAsync(CancellationToken cancellationToken = default) =>
        NodeDetails.FromProto(await Calls.RunAsync(_connection.Address,
            () => _client.GetInfoAsync(new Proto.Empty(), deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false));

    /// <summary>The gRPC health status (<c>grpc.health.v1</c>) of the node or of one of its services (empty: the node).</summary>
    public async Task<HealthCheckResponse.Types.ServingStatus> CheckHealthAsync(string service = "", CancellationToken cancellationToken = default)
    {
        var health = new Health.HealthClient(_connection.Channel);
        var response = await Calls.RunAsync(_connection.Address,
            () => health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: _connection.Deadline(), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return response.Status;
    }
}
