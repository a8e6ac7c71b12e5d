using System.Diagnostics.CodeAnalysis;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Ports;

// Ports: what the domain and the store ask of the chain, and what the chain layer asks of durable storage.
// Ledger.Chain implements the chain-facing ports with Nethereum; Ledger.Store implements the storage-facing
// ports with LiteDB; a host wires them together. Neither adapter references the other.

/// <summary>A mined transaction as the domain sees it.</summary>
/// <param name="TxHash">Transaction hash.</param>
/// <param name="BlockNumber">Block it was mined in.</param>
/// <param name="Confirmations">Blocks on top of it (inclusive of its own) when this was observed.</param>
public sealed record ChainConfirmation(Hash32 TxHash, ulong BlockNumber, ulong Confirmations);

/// <summary>Anchoring Merkle roots on chain, for the store's anchor batcher.</summary>
public interface IAnchorChain
{
    /// <summary>The organization this node anchors for (the operator account's member).</summary>
    OrgId Organization { get; }

    /// <summary>The root anchored under (<see cref="Organization"/>, <paramref name="batchId"/>), or null when none.</summary>
    Task<Hash32?> FindAnchoredRootAsync(BatchId batchId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Anchors <paramref name="root"/> as <paramref name="batchId"/> and returns once the transaction has the profile's
    /// finality depth. Idempotent: when the batch is already anchored with the same root (a resend after a crash, or
    /// an earlier transaction mined late) it returns that anchor's confirmation instead of failing.
    /// </summary>
    /// <exception cref="Ledger.Core.Errors.LedgerException">when the batch id is taken by another root, the
    /// caller is not an active member, or the chain cannot be reached after retries.</exception>
    Task<ChainConfirmation> AnchorAsync(
        BatchId batchId,
        Hash32 root,
        uint count,
        BatchKind kind,
        string uri,
        CancellationToken cancellationToken = default);
}

/// <summary>A transaction the sender signed, kept durably so a restart resends the same bytes, never a second transaction.</summary>
/// <param name="Id">Caller-chosen idempotency key (e.g. "anchor:&lt;batchId&gt;").</param>
/// <param name="From">Sending account.</param>
/// <param name="Nonce">Account nonce used.</param>
/// <param name="RawTransaction">Signed RLP bytes (hex, 0x-prefixed).</param>
/// <param name="TxHash">Hash of the signed transaction.</param>
/// <param name="CreatedAtMs">Unix time in milliseconds when it was signed.</param>
public sealed record JournaledTransaction(
    string Id,
    EthAddress From,
    ulong Nonce,
    string RawTransaction,
    Hash32 TxHash,
    long CreatedAtMs)
{
    /// <summary>Block it was mined in, once known.</summary>
    public ulong? MinedInBlock { get; init; }

    /// <summary>Whether it succeeded, once mined.</summary>
    public bool? Succeeded { get; init; }

    /// <summary>Set when a replacement with the same nonce superseded it (the journal keeps both).</summary>
    public bool Superseded { get; init; }
}

/// <summary>Durable journal of signed transactions (write-ahead: saved before broadcast).</summary>
public interface ITransactionJournal
{
    /// <summary>Saves a signed transaction before it is broadcast. Saving an existing id replaces it.</summary>
    void Save(JournaledTransaction transaction);

    /// <summary>The transaction journaled under <paramref name="id"/>, if any.</summary>
    JournaledTransaction? Find(string id);

    /// <summary>Transactions of <paramref name="from"/> not yet known to be mined, oldest nonce first.</summary>
    IReadOnlyList<JournaledTransaction> Pending(EthAddress from);

    /// <summary>Records the outcome of a mined transaction.</summary>
    void MarkMined(string id, ulong blockNumber, bool succeeded);
}

/// <summary>Where the event indexer keeps how far it has read (per indexer name).</summary>
public interface IIndexerCheckpoints
{
    /// <summary>The last fully processed block, or null when the indexer never ran.</summary>
    ulong? LastProcessedBlock(string indexer);

    /// <summary>Records that every block up to <paramref name="block"/> was processed.</summary>
    void MarkProcessed(string indexer, ulong block);
}

/// <summary>
/// One decoded contract event, in a shape any store can keep: arguments as strings (hex or decimal). Read the
/// arguments typed through the event's record (Ledger.Core.Events, one per contract event):
/// <c>if (e.Is&lt;ConsentRevoked&gt;(out var r)) … r.ConsentId</c>.
/// </summary>
/// <param name="Contract">Contract name (e.g. <c>ConsentRegistry</c>).</param>
/// <param name="Name">Event name (e.g. <c>ConsentRevoked</c>).</param>
/// <param name="BlockNumber">Block of the log.</param>
/// <param name="BlockTimestamp">Block time (unix seconds).</param>
/// <param name="TxHash">Transaction of the log.</param>
/// <param name="LogIndex">Index of the log in its block.</param>
/// <param name="Args">Arguments by name: bytes and addresses as 0x-hex, integers in decimal, bools as true/false.</param>
public sealed record ChainEvent(
    string Contract,
    string Name,
    ulong BlockNumber,
    ulong BlockTimestamp,
    Hash32 TxHash,
    int LogIndex,
    IReadOnlyDictionary<string, string> Args)
{
    /// <summary>A stable id: block, log index.</summary>
    public string Id => $"{BlockNumber:D12}-{LogIndex:D6}";

    /// <summary>
    /// The typed arguments of this event (a record of Ledger.Core.Events, for a <c>switch</c> over events), or null
    /// for an event no definition knows.
    /// </summary>
    /// <exception cref="FormatException">when an argument is missing or malformed.</exception>
    public ITypedChainEvent? Typed() => ChainEventCatalogue.Parse(this);

    /// <summary>True when this is a <typeparamref name="T"/> event (same contract and name).</summary>
    public bool Is<T>()
        where T : class, ITypedChainEvent<T> => Contract == T.Contract && Name == T.EventName;

    /// <summary>When this is a <typeparamref name="T"/> event, its typed arguments.</summary>
    /// <exception cref="FormatException">when it is one but an argument is missing or malformed.</exception>
    public bool Is<T>([NotNullWhen(true)] out T? args)
        where T : class, ITypedChainEvent<T>
    {
        args = Is<T>() ? T.FromArgs(this) : null;
        return args is not null;
    }

    /// <summary>The typed arguments of this <typeparamref name="T"/> event.</summary>
    /// <exception cref="FormatException">when it is another event, or an argument is missing or malformed.</exception>
    public T As<T>()
        where T : class, ITypedChainEvent<T> =>
        Is<T>(out var args) ? args : throw new FormatException($"The {Name} event at block {BlockNumber} (log {LogIndex}) is not a {T.Contract}.{T.EventName} event.");

    /// <summary>The typed arguments when this is a well-formed <typeparamref name="T"/> event; null for another event or a malformed one.</summary>
    public T? TryAs<T>()
        where T : class, ITypedChainEvent<T>
    {
        try
        {
            return Is<T>(out var args) ? args : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>An event with the typed arguments <paramref name="args"/> in stored form (for tests and synthetic ledgers).</summary>
    public static ChainEvent Of<T>(T args, ulong blockNumber, ulong blockTimestamp, Hash32 txHash, int logIndex)
        where T : class, ITypedChainEvent<T>
    {
        ArgumentNullException.ThrowIfNull(args);
        return new ChainEvent(T.Contract, T.EventName, blockNumber, blockTimestamp, txHash, logIndex, args.ToArgs());
    }
}

/// <summary>Receives the indexer's events in chain order, a page at a time, before the checkpoint moves.</summary>
public interface IChainEventSink
{
    /// <summary>
    /// Stores <paramref name="events"/> (all of blocks up to <paramref name="throughBlock"/>). Must be idempotent:
    /// after a crash the same page may be delivered again.
    /// </summary>
    void Accept(IReadOnlyList<ChainEvent> events, ulong throughBlock);
}
