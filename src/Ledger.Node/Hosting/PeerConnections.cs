using System.Collections.Concurrent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Sdk;
using Ledger.Sdk.Auth;

namespace Ledger.Node.Hosting;

/// <summary>
/// Outgoing calls from this node to another member's node (e.g. a bank node to the tax node): the address is the
/// member's endpoint registered on chain (read through the <see cref="MembershipDirectory"/> at the latest block), and
/// every call is signed with this node's operator key for this node's organization. One connection per member,
/// reused; a member whose endpoint changed on chain gets a new one.
/// </summary>
public sealed class PeerConnections : IDisposable
{
    private readonly NodeIdentity _node;
    private readonly MembershipDirectory _membership;
    private readonly ChainHead _head;
    private readonly ConcurrentDictionary<OrgId, (string Endpoint, Task<LedgerConnection> Connection)> _connections = new();
    private readonly Lazy<LedgerIdentity> _identity;

    internal PeerConnections(NodeIdentity node, MembershipDirectory membership, ChainHead head)
    {
        _node = node;
        _membership = membership;
        _head = head;
        _identity = new Lazy<LedgerIdentity>(() => LedgerIdentity.FromKeys(node.Organization, node.Keys));
    }

    /// <summary>A signed connection to <paramref name="org"/>'s node.</summary>
    /// <exception cref="LedgerException">LEDGER-1221-like NOT_FOUND when the member has no endpoint; LEDGER-1600 when its node cannot be reached.</exception>
    public async Task<LedgerConnection> ConnectAsync(OrgId org, CancellationToken cancellationToken = default)
    {
        var member = await _membership.MemberAsync(org, _head.Latest.Number).ConfigureAwait(false);
        var endpoint = member.Endpoint;
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            throw new LedgerException("LEDGER-1221", ErrorCategory.NotFound,
                $"{org.Code} has no node endpoint registered in the consortium; the governors must set it (changeEndpoint).");
        }
        var entry = _connections.AddOrUpdate(
            org,
            _ => (endpoint, Open(endpoint, org, cancellationToken)),
            (_, existing) => existing.Endpoint == endpoint && !existing.Connection.IsFaulted ? existing : (endpoint, Open(endpoint, org, cancellationToken)));
        return await entry.Connection.ConfigureAwait(false);
    }

    private Task<LedgerConnection> Open(string endpoint, OrgId org, CancellationToken cancellationToken) =>
        LedgerConnection.ConnectAsync(endpoint, _identity.Value, new LedgerConnectionOptions { ExpectedNode = org, ExpectedChainId = _node.ChainId }, cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (_, (_, connection)) in _connections)
        {
            if (connection.IsCompletedSuccessfully)
            {
                connection.Result.Dispose();
            }
        }
        if (_identity.IsValueCreated)
        {
            _identity.Value.Dispose();
        }
    }
}
