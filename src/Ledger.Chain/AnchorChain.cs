using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.AccessLog.ContractDefinition;
using Ledger.Chain.Deployment;
using Ledger.Chain.Errors;
using Ledger.Chain.Transactions;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Chain;

/// <summary>
/// <see cref="IAnchorChain"/> on the AccessLog contract: anchors go through the operator's
/// <see cref="TransactionSender"/> under the idempotency key <c>anchor:&lt;orgId&gt;:&lt;batchId&gt;</c>, and a batch
/// already anchored with the same root (an earlier transaction mined late, or a resend after a crash) counts as
/// success — so the store's batcher can call <see cref="AnchorAsync"/> again after any crash.
/// </summary>
public sealed class AnchorChain : IAnchorChain
{
    private readonly TransactionSender _sender;
    private readonly LedgerDeployment _deployment;
    private readonly LedgerChainClient _client;

    /// <summary>Anchors for <paramref name="organization"/> (the member <paramref name="sender"/>'s account operates).</summary>
    public AnchorChain(TransactionSender sender, LedgerDeployment deployment, OrgId organization)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(deployment);
        _sender = sender;
        _deployment = deployment;
        _client = new LedgerChainClient(sender, deployment);
        Organization = organization;
    }

    /// <summary>Looks up the organization the sender's account operates.</summary>
    /// <exception cref="NotAnOperatorException">when the account operates no active member.</exception>
    public static async Task<AnchorChain> CreateAsync(TransactionSender sender, LedgerDeployment deployment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var client = new LedgerChainClient(sender, deployment);
        var (org, _, status) = await client.OperatorOrgAsync(sender.Account, cancellationToken).ConfigureAwait(false);
        return org.Value.IsZero || status != MemberStatus.Active
            ? throw new NotAnOperatorException(sender.Account)
            : new AnchorChain(sender, deployment, org);
    }

    /// <inheritdoc/>
    public OrgId Organization { get; }

    /// <summary>The idempotency key of an anchor.</summary>
    public static string KeyOf(OrgId organization, BatchId batchId) => $"anchor:{organization.Value}:{batchId.Value}";

    /// <inheritdoc/>
    public async Task<Hash32?> FindAnchoredRootAsync(BatchId batchId, CancellationToken cancellationToken = default)
    {
        var root = await _client.AnchoredRootAsync(Organization, batchId, cancellationToken).ConfigureAwait(false);
        return root.IsZero ? null : root;
    }

    /// <inheritdoc/>
    public async Task<ChainConfirmation> AnchorAsync(
        BatchId batchId, Hash32 root, uint count, BatchKind kind, string uri, CancellationToken cancellationToken = default)
    {
        try
        {
            var outcome = await _client.AnchorAsync(batchId, root, count, kind, uri, KeyOf(Organization, batchId), cancellationToken).ConfigureAwait(false);
            return outcome.ToConfirmation();
        }
        catch (ContractRevertException exists) when (exists.Is<AnchorBatchExistsError>(out var anchored)
            && new Hash32(anchored.Root) == root && new OrgId(new Hash32(anchored.OrgId)) == Organization)
        {
            return await ExistingAnchorAsync(batchId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Batch {batchId} is anchored but its BatchAnchored event was not found.", exists);
        }
    }

    /// <summary>The confirmation of the transaction that anchored <paramref name="batchId"/>, once at finality depth.</summary>
    private async Task<ChainConfirmation?> ExistingAnchorAsync(BatchId batchId, CancellationToken cancellationToken)
    {
        var eventAbi = ABITypedRegistry.GetEvent<BatchAnchoredEventDTO>();
        var filter = eventAbi.CreateFilterInput(
            _deployment[LedgerContracts.AccessLog].ToString(),
            new object[] { Organization.Value.ToArray() },
            new object[] { batchId.Value.ToArray() },
            new BlockParameter(new HexBigInteger(_deployment.DeployBlock)),
            BlockParameter.CreateLatest());
        var logs = await _sender.Rpc.CallAsync(w => w.Eth.Filters.GetLogs.SendRequestAsync(filter), cancellationToken).ConfigureAwait(false);
        var log = logs?.Where(l => l.Removed != true).OrderBy(l => l.BlockNumber.Value).FirstOrDefault();
        if (log is null)
        {
            return null;
        }
        var block = (ulong)log.BlockNumber.Value;
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var head = (ulong)(await _sender.Rpc.CallAsync(w => w.Eth.Blocks.GetBlockNumber.SendRequestAsync(), cancellationToken).ConfigureAwait(false)).Value;
            var confirmations = head >= block ? head - block + 1 : 0;
            if (confirmations > _sender.Options.FinalityDepth)
            {
                return new ChainConfirmation(Hash32.Parse(log.TransactionHash), block, confirmations);
            }
            if (TimeProvider.System.GetElapsedTime(started) > _sender.Options.ReceiptTimeout)
            {
                throw TransactionFailedException.NotMined(Hash32.Parse(log.TransactionHash), _sender.Options.ReceiptTimeout);
            }
            await Task.Delay(_sender.Options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
