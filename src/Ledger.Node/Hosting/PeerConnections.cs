using System.Collections.Concurrent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Ledger.Sdk.Tls;

namespace Ledger.Node.Hosting;

/// <summary>
/// Outgoing calls from this node to another member's node (e.g. a bank node to the tax node): the address is the
/// member's endpoint registered on chain (read through the <see cref="MembershipDirectory"/> at the latest block), and
/// every call is signed with this node's operator key for this node's organization, over mutual TLS: the peer's
/// certificate must be one its member registered on chain, and this node presents its own. One connection per member,
/// reused; a member whose endpoint changed on chain gets a new one.
/// </summary>
public sealed class PeerConnections : IDisposable
{
    private readonly NodeIdentity _node;
    private readonly MembershipDirectory _membership;
    private readonly ChainHead _head;
    private readonly ConcurrentDictionary<OrgId, (string Endpoint, Core.Primitives.Hash32 OwnPin, Task<LedgerConnection> Connection)> _connections = new();
    private readonly Lazy<LedgerIdentity> _identity;

    private readonly NodeCertificate _certificate;

    internal PeerConnections(NodeIdentity node, MembershipDirectory membership, ChainHead head, NodeCertificate certificate)
    {
        _node = node;
        _certificate = certificate;
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
        // A connection is made again when the peer's endpoint changed, or this node's certificate did (a rotation: the
        // peer refuses the old certificate once its pin is dropped, and a TLS connection keeps the certificate it began with).
        var own = _certificate.Enabled ? _certificate.Pin : default;
        var entry = _connections.AddOrUpdate(
            org,
            _ => (endpoint, own, Open(endpoint, org, cancellationToken)),
            (_, existing) =>
            {
                if (existing.Endpoint == endpoint && existing.OwnPin == own && !existing.Connection.IsFaulted)
                {
                    return existing;
                }
                Retire(existing.Connection);
                return (endpoint, own, Open(endpoint, org, cancellationToken));
            });
        return await entry.Connection.ConfigureAwait(false);
    }

    /// <summary>
    /// How this node reaches other members' nodes: mutual TLS — it presents its certificate (the current one, also
    /// after a rotation), and the peer's must be one its member registered on chain (read again on a rotation). In the
    /// plaintext development mode, plain HTTP/2 to loopback peers, and no certificate of its own.
    /// </summary>
    public LedgerTlsOptions Tls => _certificate.Enabled
        ? new LedgerTlsOptions { RegisteredPins = RegisteredPinsAsync, ClientCertificate = () => _certificate.Current }
        : new LedgerTlsOptions { AllowPlaintext = true, RegisteredPins = RegisteredPinsAsync };

    private Task<LedgerConnection> Open(string endpoint, OrgId org, CancellationToken cancellationToken) =>
        LedgerConnection.ConnectAsync(endpoint, _identity.Value, new LedgerConnectionOptions { ExpectedNode = org, ExpectedChainId = _node.ChainId, Tls = Tls }, cancellationToken);

    private async Task<IReadOnlyCollection<Core.Primitives.Hash32>> RegisteredPinsAsync(OrgId org, CancellationToken cancellationToken)
    {
        var member = await _membership.MemberAsync(org, _head.Latest.Number).ConfigureAwait(false);
        return TlsPins.FromChain(member.TlsPins);
    }

    // A replaced connection is closed once the calls begun on it have had time to end.
    private static void Retire(Task<LedgerConnection> connection) =>
        _ = Task.Delay(TimeSpan.FromMinutes(1)).ContinueWith(
            _ =>
            {
                if (connection.IsCompletedSuccessfully)
                {
                    connection.Result.Dispose();
                }
            },
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (_, (_, _, connection)) in _connections)
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
