using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Node.Hosting;

namespace Ledger.Node.Services;

/// <summary>
/// Waits, after a revocation is final on chain, until the consent's provider has seen it: until the provider's node
/// reports a view of the chain at or past the revocation's block (this node's own head when it is the provider). From
/// then on every request the provider answers is checked at a head that includes the revocation, so a client that
/// awaited the revocation and then fetches is refused — whoever relayed the revocation and whoever fetches.
/// </summary>
/// <remarks>
/// The provider's <c>latest_block</c> (<c>Node.GetInfo</c>) only moves forward, and the provider's consent checks are
/// made at its latest head (confirmed within T), whose state mark moves with it; so "its head is at or past block N"
/// is exactly "it will answer no request as if the revocation in block N had not happened".
/// </remarks>
public sealed class RevocationWitness(NodeIdentity node, ChainHead head, PeerConnections peers) : UseCases.IRevocationWitness
{
    /// <summary>LEDGER-1526: the revocation is final, but its provider did not confirm seeing it in time.</summary>
    public const string NotSeenCode = "LEDGER-1526";

    /// <summary>How long a revocation waits for its provider (the provider polls the chain every second at most).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns once <paramref name="provider"/>'s node reports block <paramref name="block"/> or later.</summary>
    /// <exception cref="LedgerException">LEDGER-1526 (UNAVAILABLE) when it does not within <paramref name="timeout"/>.</exception>
    public async Task AwaitSeenAsync(ConsentId consent, OrgId provider, ulong block, string txHash, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var time = head.Time;
        var started = time.GetTimestamp();
        var lastSeen = 0UL;
        var lastProblem = "";
        while (true)
        {
            try
            {
                lastSeen = await ProviderBlockAsync(provider, cancellationToken).ConfigureAwait(false);
                if (lastSeen >= block)
                {
                    return;
                }
                lastProblem = "";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // an unreachable provider is what this waits out; the last failure goes into the answer
            catch (Exception ex)
#pragma warning restore CA1031
            {
                lastProblem = ex is LedgerException ledger ? $"{ledger.Code}: {ledger.Message.TrimEnd('.')}" : $"{ex.GetType().Name}: {ex.Message.TrimEnd('.')}";
            }
            if (time.GetElapsedTime(started) >= timeout)
            {
                var where = lastProblem.Length > 0
                    ? $"its node could not be asked ({lastProblem})"
                    : $"its node reports block {lastSeen}";
                throw new LedgerException(NotSeenCode, ErrorCategory.Unavailable,
                    $"The revocation of consent {consent.Value.ToShortString()} is final on chain (transaction {txHash}, block {block}), but its provider {provider.Code} "
                    + $"has not confirmed seeing it within {timeout.TotalSeconds:0} s: {where}. The revocation stands; a provider whose chain view is stale serves no data "
                    + "(LEDGER-1330). Send the same revocation again to wait again (it is not revoked twice), or check the provider with `ledger status`.");
            }
            await Task.Delay(Pause, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ulong> ProviderBlockAsync(OrgId provider, CancellationToken cancellationToken)
    {
        if (provider == node.Organization)
        {
            return (await head.RefreshAsync(cancellationToken).ConfigureAwait(false)).Number;
        }
        var connection = await peers.ConnectAsync(provider, cancellationToken).ConfigureAwait(false);
        return (await connection.Node.GetInfoAsync(cancellationToken).ConfigureAwait(false)).LatestBlock;
    }
}
