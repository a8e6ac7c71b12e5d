using System.Numerics;
using Ledger.Chain;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.FundFlowTracker.ContractDefinition;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Bank;
using Ledger.Node.Hosting;
using Ledger.Store.Records;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using SpendCategory = Ledger.Core.Model.SpendCategory;

namespace Ledger.Node.FundFlow.UseCases;

/// <summary>
/// One spending entry as its recorder states it to the fund-flow tracker (to reverse or correct an entry, the recorder
/// states it exactly as it was recorded: the contract compares its hash).
/// </summary>
/// <param name="Category">Where the money went.</param>
/// <param name="AmountFen">How much.</param>
/// <param name="CounterpartyHash">keccak-256 of the payee.</param>
/// <param name="EvidenceHash">The evidence record's hash.</param>
public sealed record SpendingEntry(SpendCategory Category, UInt128 AmountFen, Hash32 CounterpartyHash, Hash32 EvidenceHash);

/// <summary>An entry a transaction recorded (its <c>SpendingRecorded</c> event).</summary>
/// <param name="EvidenceHash">The entry's evidence hash.</param>
/// <param name="EntryIndex">Its index in the loan's ledger.</param>
/// <param name="NonRdShareBps">The non-R&amp;D share of the ledger after it, in basis points.</param>
public sealed record EntryRecorded(Hash32 EvidenceHash, uint EntryIndex, uint NonRdShareBps);

/// <summary>A transaction that records an entry (a spending, or a correction's replacement), with the entries it recorded.</summary>
/// <param name="Tx">The transaction.</param>
/// <param name="Recorded">The entries its receipt says it recorded.</param>
public sealed record SpendingSent(ChainConfirmation Tx, IReadOnlyList<EntryRecorded> Recorded);

/// <summary>A loan's fund-flow ledger as a block left it.</summary>
/// <param name="TotalFen">All spending recorded (reversals taken off).</param>
/// <param name="NonRdFen">The part of it that did not go to R&amp;D.</param>
/// <param name="Deviated">Whether the non-R&amp;D share is past the loan's limit (the contract's exact comparison).</param>
public sealed record FlowLedgerState(BigInteger TotalFen, BigInteger NonRdFen, bool Deviated);

/// <summary>What the <see cref="FundFlowEntries"/> read and send on the fund-flow tracker, in domain types.</summary>
public interface IFundFlowChain
{
    /// <summary>The organization this node records for (its operator account's member).</summary>
    OrgId Recorder { get; }

    /// <summary>Whether the chain would take this entry now (any evidence hash); throws the contract's refusal when not.</summary>
    Task PreflightRecordAsync(LoanId loan, SpendCategory category, UInt128 amountFen, Hash32 counterpartyHash, CancellationToken cancellationToken);

    /// <summary>Whether the chain would take this correction now (any replacement evidence hash); throws the contract's refusal when not.</summary>
    Task PreflightCorrectAsync(
        LoanId loan, uint entryIndex, SpendingEntry original, SpendCategory category, UInt128 amountFen, Hash32 counterpartyHash, CancellationToken cancellationToken);

    /// <summary>Records one entry (<c>FundFlowTracker.recordSpending</c>).</summary>
    Task<SpendingSent> RecordAsync(LoanId loan, SpendingEntry entry, string key);

    /// <summary>Reverses the recorder's entry <paramref name="entryIndex"/>, stated as recorded (<c>FundFlowTracker.reverseSpending</c>).</summary>
    Task<ChainConfirmation> ReverseAsync(LoanId loan, uint entryIndex, SpendingEntry original, Hash32 reasonHash, string key);

    /// <summary>Replaces the recorder's entry <paramref name="entryIndex"/> in one transaction (<c>FundFlowTracker.correctSpending</c>).</summary>
    Task<SpendingSent> CorrectAsync(LoanId loan, uint entryIndex, SpendingEntry original, SpendingEntry replacement, string key);

    /// <summary>The loan's ledger as block <paramref name="block"/> left it.</summary>
    Task<FlowLedgerState> LedgerAtAsync(LoanId loan, ulong block, CancellationToken cancellationToken);

    /// <summary>The index of the entry <paramref name="recorder"/> recorded on the loan with <paramref name="evidenceHash"/>; null when the chain has none.</summary>
    Task<uint?> EntryIndexAsync(LoanId loan, OrgId recorder, Hash32 evidenceHash, CancellationToken cancellationToken);

    /// <summary>The index of the entry that replaced <paramref name="recorder"/>'s entry <paramref name="entryIndex"/>; null when it was not corrected.</summary>
    Task<uint?> CorrectionOfAsync(LoanId loan, OrgId recorder, uint entryIndex, CancellationToken cancellationToken);
}

/// <summary>The fund-flow evidence records in the node's ledger store (accepted durably, then anchored).</summary>
public interface IFundFlowEvidence
{
    /// <summary>The loan's fund-flow evidence records (one page of the store's query; another kind's record as null).</summary>
    IReadOnlyList<(RecordHash Hash, FundFlowEvidence? Evidence)> Find(LoanId loan);

    /// <summary>Accepts an evidence record durably; returns its hash.</summary>
    Task<RecordHash> AcceptAsync(Func<ulong, FundFlowEvidence> create);
}

/// <summary>The fund-flow tracker (through the operator's chain client) as an <see cref="IFundFlowChain"/>.</summary>
public sealed class ChainFundFlow(NodeIdentity node, LedgerChainClient chainClient, Ledger.Chain.Profiles.ChainEnvironment chain) : IFundFlowChain
{
    /// <inheritdoc/>
    public OrgId Recorder => node.Organization;

    /// <inheritdoc/>
    public Task PreflightRecordAsync(LoanId loan, SpendCategory category, UInt128 amountFen, Hash32 counterpartyHash, CancellationToken cancellationToken) =>
        BankWire.PreflightAsync(node, chain, LedgerContracts.FundFlowTracker, new RecordSpendingFunction
        {
            LoanId = loan.Value.ToArray(),
            Category = (byte)category,
            AmountFen = (BigInteger)amountFen,
            CounterpartyHash = counterpartyHash.ToArray(),
            EvidenceHash = PreflightEvidence().ToArray(),
        }, cancellationToken);

    /// <inheritdoc/>
    public Task PreflightCorrectAsync(
        LoanId loan, uint entryIndex, SpendingEntry original, SpendCategory category, UInt128 amountFen, Hash32 counterpartyHash, CancellationToken cancellationToken) =>
        BankWire.PreflightAsync(node, chain, LedgerContracts.FundFlowTracker, new CorrectSpendingFunction
        {
            LoanId = loan.Value.ToArray(),
            EntryIndex = entryIndex,
            Original = Fields(original).ToEntry(),
            Replacement = new SpendingEntryFields(category, amountFen, counterpartyHash, PreflightEvidence()).ToEntry(),
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task<SpendingSent> RecordAsync(LoanId loan, SpendingEntry entry, string key)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var outcome = await chainClient.RecordSpendingAsync(loan, entry.Category, entry.AmountFen, entry.CounterpartyHash, entry.EvidenceHash,
            key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        return Sent(outcome);
    }

    /// <inheritdoc/>
    public async Task<ChainConfirmation> ReverseAsync(LoanId loan, uint entryIndex, SpendingEntry original, Hash32 reasonHash, string key) =>
        (await chainClient.ReverseSpendingAsync(loan, entryIndex, Fields(original), reasonHash, key: key, cancellationToken: CancellationToken.None)
            .ConfigureAwait(false)).ToConfirmation();

    /// <inheritdoc/>
    public async Task<SpendingSent> CorrectAsync(LoanId loan, uint entryIndex, SpendingEntry original, SpendingEntry replacement, string key) =>
        Sent(await chainClient.CorrectSpendingAsync(loan, entryIndex, Fields(original), Fields(replacement), key: key, cancellationToken: CancellationToken.None)
            .ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<FlowLedgerState> LedgerAtAsync(LoanId loan, ulong block, CancellationToken cancellationToken)
    {
        var ledger = (await chain.Rpc.CallAsync(
            _ => chainClient.FundFlows.FundFlowQueryAsync(loan.Value.ToArray(), new BlockParameter(block)), cancellationToken).ConfigureAwait(false)).ReturnValue1;
        return new FlowLedgerState(ledger.TotalFen, ledger.NonRdFen, ledger.Deviated);
    }

    /// <inheritdoc/>
    public Task<uint?> EntryIndexAsync(LoanId loan, OrgId recorder, Hash32 evidenceHash, CancellationToken cancellationToken) =>
        chainClient.SpendingEntryIndexAsync(loan, recorder, evidenceHash, cancellationToken);

    /// <inheritdoc/>
    public Task<uint?> CorrectionOfAsync(LoanId loan, OrgId recorder, uint entryIndex, CancellationToken cancellationToken) =>
        chainClient.SpendingCorrectionAsync(loan, recorder, entryIndex, cancellationToken);

    private static Hash32 PreflightEvidence() => Keccak.Hash($"ledger/evidence-preflight/{Guid.NewGuid():N}");

    private static SpendingEntryFields Fields(SpendingEntry entry) => new(entry.Category, entry.AmountFen, entry.CounterpartyHash, entry.EvidenceHash);

    private static SpendingSent Sent(Ledger.Chain.Transactions.TransactionOutcome outcome) => new(
        outcome.ToConfirmation(),
        outcome.Receipt.DecodeAllEvents<SpendingRecordedEventDTO>()
            .Select(e => new EntryRecorded(new Hash32(e.Event.EvidenceHash), e.Event.EntryIndex, e.Event.NonRdShareBps))
            .ToList());
}

/// <summary>The node's ledger store as the fund flow's <see cref="IFundFlowEvidence"/>.</summary>
public sealed class StoreFundFlowEvidence(Ledger.Store.LedgerStore ledger) : IFundFlowEvidence
{
    /// <inheritdoc/>
    public IReadOnlyList<(RecordHash Hash, FundFlowEvidence? Evidence)> Find(LoanId loan) =>
        ledger.Records.Find(new RecordQuery { Loan = loan, Kind = BatchKind.FundFlowEvidence, Limit = RecordStore.MaxQueryLimit })
            .Select(r => (r.Hash, r.Record as FundFlowEvidence))
            .ToList();

    /// <inheritdoc/>
    public async Task<RecordHash> AcceptAsync(Func<ulong, FundFlowEvidence> create) =>
        (await ledger.Records.AcceptAsync(create).ConfigureAwait(false)).Hash;
}
