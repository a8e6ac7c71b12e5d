using System.Globalization;
using System.Numerics;
using Ledger.Chain.Errors;
using Ledger.Chain.Rpc;
using Ledger.Core.Errors;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Nethereum.Model;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;

namespace Ledger.Chain.Transactions;

/// <summary>How the sender builds, sends and waits for transactions.</summary>
public sealed record SenderOptions
{
    /// <summary>Blocks that must be on top of a transaction's block before it counts as final (0 = as soon as mined).</summary>
    public ulong FinalityDepth { get; init; }

    /// <summary>How often to poll for receipts and new blocks.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long to wait for a receipt (and finality) before giving up; the transaction stays journaled.</summary>
    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Extra gas on top of the node's estimate, in percent.</summary>
    public int GasHeadroomPercent { get; init; } = 25;

    /// <summary>Force legacy (type 0) transactions even when the node supports EIP-1559; null decides from the latest block.</summary>
    public bool? UseEip1559 { get; init; }
}

/// <summary>A transaction that reached the profile's finality depth.</summary>
/// <param name="Key">The idempotency key it was sent under.</param>
/// <param name="TxHash">Transaction hash.</param>
/// <param name="BlockNumber">Block it was mined in.</param>
/// <param name="Confirmations">Blocks on top of it, its own included, when last observed.</param>
/// <param name="Receipt">The receipt (logs, gas used, contract address of a deployment).</param>
public sealed record TransactionOutcome(string Key, Hash32 TxHash, ulong BlockNumber, ulong Confirmations, TransactionReceipt Receipt)
{
    /// <summary>The address of a deployed contract (deployments only).</summary>
    public EthAddress? ContractAddress => EthAddress.TryParse(Receipt.ContractAddress, out var address) ? address : null;

    /// <summary>As the domain's port type.</summary>
    public ChainConfirmation ToConfirmation() => new(TxHash, BlockNumber, Confirmations);
}

/// <summary>
/// Sends the transactions of one account: nonces handed out one at a time, gas estimated with headroom, EIP-1559 or
/// legacy fees as the node supports, transient faults retried, "nonce too low/high" recovered by re-reading the
/// pending nonce, and every transaction journaled after signing and before broadcast (write-ahead). After a
/// restart the journaled transactions are re-broadcast byte for byte and awaited, never signed a second time, so
/// at most one of them is mined; a caller's idempotency key makes a request safe to repeat.
/// </summary>
/// <remarks>Use one sender per account per process. Hardhat's automine rejects nonce gaps, so broadcasts are serialized.</remarks>
public sealed class TransactionSender : IDisposable
{
    private const int MaxNonceRecoveries = 3;

    private readonly ChainRpc _rpc;
    private readonly byte[] _privateKey;
    private readonly ITransactionJournal _journal;
    private readonly SenderOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<JournaledTransaction> _inDoubt = [];
    private BigInteger? _chainId;
    private bool? _eip1559;
    private ulong? _nextNonce;
    private bool _recovered;

    /// <summary>Creates the sender of the account of <paramref name="privateKey"/>.</summary>
    /// <param name="chainId">The chain id to sign for; null asks the node once.</param>
    public TransactionSender(
        ChainRpc rpc,
        ReadOnlySpan<byte> privateKey,
        ITransactionJournal journal,
        SenderOptions? options = null,
        BigInteger? chainId = null,
        ILogger? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(journal);
        if (privateKey.Length != 32)
        {
            throw new ArgumentException("A secp256k1 private key has 32 bytes.", nameof(privateKey));
        }
        _rpc = rpc;
        _privateKey = privateKey.ToArray();
        _journal = journal;
        _options = options ?? new SenderOptions();
        _chainId = chainId;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        Account = Core.Crypto.Secp256k1Signer.AddressOf(privateKey);
    }

    /// <summary>The sending account.</summary>
    public EthAddress Account { get; }

    /// <summary>The endpoint transactions go to.</summary>
    public ChainRpc Rpc => _rpc;

    /// <summary>The sender's settings.</summary>
    public SenderOptions Options => _options;

    /// <summary>Calls a contract function in a transaction and waits for finality.</summary>
    /// <param name="key">Idempotency key; a second call with the same key returns the first transaction's outcome.</param>
    /// <exception cref="ContractRevertException">when the contract refuses (decoded by selector; its code and message from <see cref="ContractErrorCatalogue"/>).</exception>
    /// <exception cref="LedgerException">when the chain cannot be reached or the transaction fails otherwise.</exception>
    public Task<TransactionOutcome> SendAsync<TFunction>(EthAddress contract, TFunction function, string? key = null, CancellationToken cancellationToken = default)
        where TFunction : FunctionMessage, new()
    {
        ArgumentNullException.ThrowIfNull(function);
        return SendAsync(contract, function.GetCallData(), key, cancellationToken);
    }

    /// <summary>Deploys a contract and waits for finality.</summary>
    public Task<TransactionOutcome> DeployAsync<TDeployment>(TDeployment deployment, string? key = null, CancellationToken cancellationToken = default)
        where TDeployment : ContractDeploymentMessage, new()
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return SendAsync(null, deployment.GetDeploymentData(), key, cancellationToken);
    }

    /// <summary>Sends call data to <paramref name="to"/> (null deploys) and waits for finality.</summary>
    public async Task<TransactionOutcome> SendAsync(EthAddress? to, byte[] data, string? key = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        key ??= "tx:" + Guid.NewGuid().ToString("N");
        JournaledTransaction transaction;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PrepareLockedAsync(cancellationToken).ConfigureAwait(false);
            var existing = _journal.Find(key);
            if (existing is not null && !existing.Superseded)
            {
                EnsureSameCall(existing, to, data);
                transaction = existing;
                if (existing.MinedInBlock is null)
                {
                    // Known but not known to be mined: resend the very same bytes (harmless if the node has it).
                    await BroadcastExistingAsync(existing, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                transaction = await SignJournalAndBroadcastLockedAsync(key, to, data, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
        return await WaitForOutcomeAsync(transaction, to, data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Re-broadcasts every journaled transaction of this account that is not known to be mined (the same signed
    /// bytes) and waits for each. Called by the first send anyway; a host calls it at start to finish what a crash
    /// interrupted. Returns the outcomes of the transactions that were mined (failed ones are recorded as failed).
    /// </summary>
    public async Task<IReadOnlyList<TransactionOutcome>> RecoverAsync(CancellationToken cancellationToken = default)
    {
        List<JournaledTransaction> pending;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PrepareLockedAsync(cancellationToken).ConfigureAwait(false);
            pending = PendingOf().ToList();
        }
        finally
        {
            _gate.Release();
        }
        var outcomes = new List<TransactionOutcome>();
        foreach (var transaction in pending)
        {
            try
            {
                outcomes.Add(await WaitForOutcomeAsync(transaction, null, null, cancellationToken).ConfigureAwait(false));
            }
            catch (ContractRevertException)
            {
                // Mined and failed: recorded in the journal; the caller that sent it learns the reason on its retry.
            }
            catch (TransactionFailedException ex) when (ex.Code == TransactionFailedException.SupersededCode)
            {
                // Never mined and never will be: recorded as superseded.
            }
        }
        return outcomes;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _gate.Dispose();
        Array.Clear(_privateKey);
    }

    // ------------------------------------------------------------------ preparing

    private async Task PrepareLockedAsync(CancellationToken cancellationToken)
    {
        _chainId ??= (await _rpc.CallAsync(w => w.Eth.ChainId.SendRequestAsync(), cancellationToken).ConfigureAwait(false)).Value;
        if (_eip1559 is null)
        {
            if (_options.UseEip1559 is { } forced)
            {
                _eip1559 = forced;
            }
            else
            {
                var latest = await _rpc.CallAsync(w => w.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()), cancellationToken).ConfigureAwait(false);
                _eip1559 = latest?.BaseFeePerGas is not null;
            }
        }
        if (!_recovered)
        {
            // Everything journaled and not known to be mined is in doubt until the node confirms it has it.
            _inDoubt.Clear();
            _inDoubt.AddRange(PendingOf());
            _recovered = true;
        }
        if (_inDoubt.Count > 0)
        {
            foreach (var transaction in _inDoubt.OrderBy(t => t.Nonce).ToList())
            {
                ChainLog.Resending(_logger, transaction.TxHash, transaction.Nonce, transaction.Id);
                await BroadcastExistingAsync(transaction, cancellationToken).ConfigureAwait(false);
                _inDoubt.Remove(transaction);
            }
        }
        if (_nextNonce is null)
        {
            await RefreshNonceLockedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private IEnumerable<JournaledTransaction> PendingOf() =>
        _journal.Pending(Account).Where(t => t.MinedInBlock is null && !t.Superseded).OrderBy(t => t.Nonce);

    private async Task RefreshNonceLockedAsync(CancellationToken cancellationToken)
    {
        var pendingCount = await _rpc.CallAsync(
            w => w.Eth.Transactions.GetTransactionCount.SendRequestAsync(Account.ToString(), BlockParameter.CreatePending()),
            cancellationToken).ConfigureAwait(false);
        var next = (ulong)pendingCount.Value;
        foreach (var journaled in PendingOf())
        {
            next = Math.Max(next, journaled.Nonce + 1);
        }
        _nextNonce = next;
    }

    // ------------------------------------------------------------------ signing and broadcasting

    private async Task<JournaledTransaction> SignJournalAndBroadcastLockedAsync(string key, EthAddress? to, byte[] data, CancellationToken cancellationToken)
    {
        var gas = await EstimateGasAsync(to, data, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var nonce = _nextNonce!.Value;
            var raw = await SignAsync(to, data, nonce, gas, cancellationToken).ConfigureAwait(false);
            var transaction = new JournaledTransaction(
                key, Account, nonce, raw, Keccak.Hash(raw.HexToByteArray()), _time.GetUtcNow().ToUnixTimeMilliseconds());
            _journal.Save(transaction); // write-ahead: from here on a restart resends these bytes, never new ones
            var result = await TryBroadcastAsync(transaction, cancellationToken).ConfigureAwait(false);
            switch (result.Kind)
            {
                case BroadcastKind.Accepted:
                    _nextNonce = nonce + 1;
                    ChainLog.Sent(_logger, transaction.TxHash, Account, nonce, key);
                    return transaction;
                case BroadcastKind.NonceRejected when attempt < MaxNonceRecoveries:
                    ChainLog.NonceRejected(_logger, nonce, Account, result.Message);
                    // The signed bytes can never be mined with that nonce; the journal entry is replaced below.
                    _journal.Save(transaction with { Superseded = true });
                    _nextNonce = null;
                    await RefreshNonceLockedAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                case BroadcastKind.Reverted:
                    // The node executed and refused it without mining it (the nonce is still free).
                    _journal.Save(transaction with { Superseded = true });
                    throw result.Error!;
                case BroadcastKind.Unreachable:
                    // The node may or may not have it: keep it journaled and resend these bytes first next time.
                    _inDoubt.Add(transaction);
                    _nextNonce = nonce + 1;
                    throw result.Error!;
                default:
                    _journal.Save(transaction with { Superseded = true });
                    throw result.Error ?? TransactionFailedException.Rejected(_rpc.Url, result.Message, transaction.TxHash);
            }
        }
    }

    private async Task BroadcastExistingAsync(JournaledTransaction transaction, CancellationToken cancellationToken)
    {
        var result = await TryBroadcastAsync(transaction, cancellationToken).ConfigureAwait(false);
        switch (result.Kind)
        {
            case BroadcastKind.Accepted:
            case BroadcastKind.NonceRejected: // mined already, or superseded: the wait decides which
            case BroadcastKind.Reverted:      // executed: the receipt (or its absence) decides
                return;
            case BroadcastKind.Unreachable:
                if (!_inDoubt.Contains(transaction))
                {
                    _inDoubt.Add(transaction);
                }
                throw result.Error!;
            default:
                throw result.Error ?? TransactionFailedException.Rejected(_rpc.Url, result.Message, transaction.TxHash);
        }
    }

    private enum BroadcastKind
    {
        Accepted,
        NonceRejected,
        Reverted,
        Unreachable,
        Rejected,
    }

    private sealed record BroadcastResult(BroadcastKind Kind, string Message, LedgerException? Error = null);

    private async Task<BroadcastResult> TryBroadcastAsync(JournaledTransaction transaction, CancellationToken cancellationToken)
    {
        try
        {
            await _rpc.CallAsync(w => w.Eth.Transactions.SendRawTransaction.SendRequestAsync(transaction.RawTransaction), cancellationToken).ConfigureAwait(false);
            return new BroadcastResult(BroadcastKind.Accepted, "accepted");
        }
        catch (ChainUnavailableException unavailable)
        {
            return new BroadcastResult(BroadcastKind.Unreachable, unavailable.Message, unavailable);
        }
        catch (ContractRevertException revert)
        {
            // Hardhat's automine executes on submission and reports a revert; it may have mined it (failed).
            var receipt = await GetReceiptAsync(transaction.TxHash, cancellationToken).ConfigureAwait(false);
            return receipt is not null ? new BroadcastResult(BroadcastKind.Accepted, "mined (reverted)") : new BroadcastResult(BroadcastKind.Reverted, revert.Message, revert);
        }
        catch (TransactionFailedException rejected)
        {
            var message = ChainFaults.FindRpcError(rejected)?.Message ?? rejected.Message;
            if (IsAlreadyKnown(message))
            {
                return new BroadcastResult(BroadcastKind.Accepted, message);
            }
            if (IsNonceProblem(message))
            {
                // Our own bytes may already be mined (a resend after a lost answer): that is success, not a conflict.
                var receipt = await GetReceiptAsync(transaction.TxHash, cancellationToken).ConfigureAwait(false);
                return receipt is not null ? new BroadcastResult(BroadcastKind.Accepted, "already mined") : new BroadcastResult(BroadcastKind.NonceRejected, message);
            }
            return new BroadcastResult(BroadcastKind.Rejected, message, rejected);
        }
    }

    private static bool IsAlreadyKnown(string message) =>
        message.Contains("already known", StringComparison.OrdinalIgnoreCase)
        || message.Contains("known transaction", StringComparison.OrdinalIgnoreCase)
        || message.Contains("already imported", StringComparison.OrdinalIgnoreCase)
        || message.Contains("already in the mempool", StringComparison.OrdinalIgnoreCase);

    private static bool IsNonceProblem(string message) =>
        message.Contains("nonce too low", StringComparison.OrdinalIgnoreCase)
        || message.Contains("nonce too high", StringComparison.OrdinalIgnoreCase)
        || message.Contains("nonce is too low", StringComparison.OrdinalIgnoreCase)
        || message.Contains("replacement transaction underpriced", StringComparison.OrdinalIgnoreCase)
        || message.Contains("Nonce too", StringComparison.OrdinalIgnoreCase)
        || message.Contains("invalid nonce", StringComparison.OrdinalIgnoreCase)
        || message.Contains("nonce has already been used", StringComparison.OrdinalIgnoreCase);

    private async Task<BigInteger> EstimateGasAsync(EthAddress? to, byte[] data, CancellationToken cancellationToken)
    {
        var input = new CallInput { From = Account.ToString(), To = to?.ToString(), Data = data.ToHex(true) };
        var estimate = await _rpc.CallAsync(w => w.Eth.Transactions.EstimateGas.SendRequestAsync(input), cancellationToken).ConfigureAwait(false);
        return estimate.Value * (100 + _options.GasHeadroomPercent) / 100 + 10_000;
    }

    private async Task<string> SignAsync(EthAddress? to, byte[] data, ulong nonce, BigInteger gas, CancellationToken cancellationToken)
    {
        var dataHex = data.ToHex(true);
        string raw;
        if (_eip1559 == true)
        {
            var latest = await _rpc.CallAsync(w => w.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()), cancellationToken).ConfigureAwait(false);
            var baseFee = latest?.BaseFeePerGas?.Value ?? BigInteger.Zero;
            BigInteger priority;
            try
            {
                priority = (await _rpc.RequestAsync<HexBigInteger>("eth_maxPriorityFeePerGas", cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (TransactionFailedException)
            {
                priority = new BigInteger(1_000_000_000); // the node has no fee oracle: 1 gwei
            }
            var maxFee = baseFee * 2 + priority;
            var transaction = new Transaction1559(_chainId!.Value, nonce, priority, maxFee, gas, to?.ToString(), BigInteger.Zero, dataHex, null);
            raw = new Transaction1559Signer().SignTransaction(_privateKey, transaction);
        }
        else
        {
            var gasPrice = (await _rpc.CallAsync(w => w.Eth.GasPrice.SendRequestAsync(), cancellationToken).ConfigureAwait(false)).Value;
            raw = new LegacyTransactionSigner().SignTransaction(_privateKey, _chainId!.Value, to?.ToString() ?? "", BigInteger.Zero, nonce, gasPrice, gas, dataHex);
        }
        return raw.EnsureHexPrefix();
    }

    private static void EnsureSameCall(JournaledTransaction existing, EthAddress? to, byte[] data)
    {
        var signed = TransactionFactory.CreateTransaction(existing.RawTransaction);
        var (signedTo, signedData) = signed switch
        {
            Transaction1559 t => (t.ReceiverAddress, t.Data),
            SignedLegacyTransaction l => (l.ReceiveAddress?.ToHex(true), l.Data?.ToHex(true)),
            _ => (null, null),
        };
        var sameTo = string.Equals(Normalize(signedTo), Normalize(to?.ToString()), StringComparison.OrdinalIgnoreCase);
        var sameData = string.Equals(Normalize(signedData), Normalize(data.ToHex(true)), StringComparison.OrdinalIgnoreCase);
        if (!sameTo || !sameData)
        {
            throw TransactionFailedException.KeyConflict(existing.Id);
        }

        static string Normalize(string? hex) => string.IsNullOrEmpty(hex) || hex == "0x" ? "" : hex.EnsureHexPrefix();
    }

    // ------------------------------------------------------------------ waiting

    private async Task<TransactionReceipt?> GetReceiptAsync(Hash32 txHash, CancellationToken cancellationToken) =>
        await _rpc.CallAsync(w => w.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(txHash.ToString()), cancellationToken).ConfigureAwait(false);

    private async Task<TransactionOutcome> WaitForOutcomeAsync(JournaledTransaction transaction, EthAddress? to, byte[]? data, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var receipt = await GetReceiptAsync(transaction.TxHash, cancellationToken).ConfigureAwait(false);
            if (receipt is not null)
            {
                var block = (ulong)receipt.BlockNumber.Value;
                var head = (ulong)(await _rpc.CallAsync(w => w.Eth.Blocks.GetBlockNumber.SendRequestAsync(), cancellationToken).ConfigureAwait(false)).Value;
                var confirmations = head >= block ? head - block + 1 : 0;
                if (confirmations > _options.FinalityDepth)
                {
                    // Still there at depth? (A reorg would have moved or dropped it.)
                    var again = await GetReceiptAsync(transaction.TxHash, cancellationToken).ConfigureAwait(false);
                    if (again is not null && again.BlockHash == receipt.BlockHash)
                    {
                        return await FinishAsync(transaction, again, confirmations, to, data, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            else if (await IsSupersededAsync(transaction, cancellationToken).ConfigureAwait(false))
            {
                ChainLog.Superseded(_logger, transaction.TxHash, transaction.Id, transaction.Nonce);
                _journal.Save(transaction with { Superseded = true });
                throw TransactionFailedException.Superseded(transaction.TxHash, transaction.From, transaction.Nonce);
            }
            if (_time.GetElapsedTime(started) > _options.ReceiptTimeout)
            {
                throw TransactionFailedException.NotMined(transaction.TxHash, _options.ReceiptTimeout);
            }
            await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> IsSupersededAsync(JournaledTransaction transaction, CancellationToken cancellationToken)
    {
        var minedCount = await _rpc.CallAsync(
            w => w.Eth.Transactions.GetTransactionCount.SendRequestAsync(transaction.From.ToString(), BlockParameter.CreateLatest()),
            cancellationToken).ConfigureAwait(false);
        if ((ulong)minedCount.Value <= transaction.Nonce)
        {
            return false;
        }
        // The nonce is used; by us (receipt just appeared) or by another transaction?
        return await GetReceiptAsync(transaction.TxHash, cancellationToken).ConfigureAwait(false) is null;
    }

    private async Task<TransactionOutcome> FinishAsync(
        JournaledTransaction transaction, TransactionReceipt receipt, ulong confirmations, EthAddress? to, byte[]? data, CancellationToken cancellationToken)
    {
        var block = (ulong)receipt.BlockNumber.Value;
        var succeeded = receipt.Status?.Value == BigInteger.One;
        _journal.MarkMined(transaction.Id, block, succeeded);
        if (!succeeded)
        {
            throw await ExplainFailureAsync(transaction, receipt, to, data, cancellationToken).ConfigureAwait(false);
        }
        return new TransactionOutcome(transaction.Id, transaction.TxHash, block, confirmations, receipt);
    }

    /// <summary>Why a mined transaction failed: replays it as a call on the state before its block to get the revert data.</summary>
    private async Task<LedgerException> ExplainFailureAsync(
        JournaledTransaction transaction, TransactionReceipt receipt, EthAddress? to, byte[]? data, CancellationToken cancellationToken)
    {
        if (to is null && data is null)
        {
            var signed = TransactionFactory.CreateTransaction(transaction.RawTransaction);
            (to, data) = signed switch
            {
                Transaction1559 t => (EthAddress.TryParse(t.ReceiverAddress, out var a) ? a : (EthAddress?)null, t.Data.HexToByteArray()),
                SignedLegacyTransaction l => (l.ReceiveAddress is { Length: 20 } r ? EthAddress.FromBytes(r) : (EthAddress?)null, l.Data ?? []),
                _ => (null, []),
            };
        }
        var call = new CallInput
        {
            From = transaction.From.ToString(),
            To = to?.ToString(),
            Data = (data ?? []).ToHex(true),
            Gas = receipt.GasUsed,
        };
        var before = new BlockParameter(new HexBigInteger(receipt.BlockNumber.Value - 1));
        try
        {
            await _rpc.CallAsync(w => w.Eth.Transactions.Call.SendRequestAsync(call, before), cancellationToken).ConfigureAwait(false);
        }
        catch (ContractRevertException revert)
        {
            return revert;
        }
        catch (LedgerException other)
        {
            return other;
        }
        return new ContractRevertedException(
            "0x",
            string.Create(CultureInfo.InvariantCulture, $"transaction {transaction.TxHash} failed in block {receipt.BlockNumber.Value} (ran out of gas, or the state changed between estimate and execution)"));
    }
}
