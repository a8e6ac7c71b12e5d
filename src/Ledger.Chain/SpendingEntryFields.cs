using System.Numerics;
using Ledger.Chain.Contracts.FundFlowTracker.ContractDefinition;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain;

/// <summary>
/// One fund-flow spending entry as its recorder states it to <c>FundFlowTracker</c> (to reverse or correct an entry,
/// the recorder states it exactly as it was recorded; the contract compares its hash).
/// </summary>
/// <param name="Category">Where the money went.</param>
/// <param name="AmountFen">How much.</param>
/// <param name="CounterpartyHash">keccak-256 of the payee.</param>
/// <param name="EvidenceHash">The evidence record's hash.</param>
public sealed record SpendingEntryFields(SpendCategory Category, UInt128 AmountFen, Hash32 CounterpartyHash, Hash32 EvidenceHash)
{
    /// <summary>The contract's <c>Entry</c> struct.</summary>
    public Entry ToEntry() => new()
    {
        Category = (byte)Category,
        AmountFen = (BigInteger)AmountFen,
        CounterpartyHash = CounterpartyHash.ToArray(),
        EvidenceHash = EvidenceHash.ToArray(),
    };
}
