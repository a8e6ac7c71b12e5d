using System.Collections.Concurrent;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Transactions;

/// <summary>
/// A transaction journal kept in memory. Not durable: use it only where losing the journal with the process is
/// harmless — an embedded chain that dies with the process (the hardhat profile's deployment) and tests. A node
/// on a persistent chain uses the store's journal.
/// </summary>
public sealed class InMemoryTransactionJournal : ITransactionJournal
{
    private readonly ConcurrentDictionary<string, JournaledTransaction> _entries = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public void Save(JournaledTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        _entries[transaction.Id] = transaction;
    }

    /// <inheritdoc/>
    public JournaledTransaction? Find(string id) => _entries.TryGetValue(id, out var entry) ? entry : null;

    /// <inheritdoc/>
    public IReadOnlyList<JournaledTransaction> Pending(EthAddress from) =>
        _entries.Values.Where(t => t.From == from && t.MinedInBlock is null && !t.Superseded).OrderBy(t => t.Nonce).ToList();

    /// <inheritdoc/>
    public void MarkMined(string id, ulong blockNumber, bool succeeded)
    {
        if (_entries.TryGetValue(id, out var entry))
        {
            _entries[id] = entry with { MinedInBlock = blockNumber, Succeeded = succeeded };
        }
    }

    /// <summary>Every entry (for inspection in tests).</summary>
    public IReadOnlyCollection<JournaledTransaction> All => _entries.Values.ToList();
}
