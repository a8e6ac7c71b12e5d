using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Bank;
using Ledger.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.FundFlow.UseCases;

/// <summary>What a fund-flow entry step did.</summary>
/// <param name="EntryIndex">The entry's index (a reversal: the reversed entry; a correction: the replacement; 0 when the receipt did not say).</param>
/// <param name="NonRndShareBps">The non-R&amp;D share of the loan's ledger after the step, in basis points.</param>
/// <param name="Deviated">Whether the loan is deviated after the step.</param>
/// <param name="Tx">The transaction.</param>
/// <param name="EvidenceRecord">The evidence record of the entry (recorded, reversed, or the replacement).</param>
public sealed record SpendingOutcome(uint EntryIndex, uint NonRndShareBps, bool Deviated, ChainConfirmation Tx, RecordHash EvidenceRecord);

/// <summary>
/// The fund-flow entries (研发资金动态追踪; use case over ports), on bank and tax nodes: a spending entry of an R&amp;D
/// loan becomes a <see cref="FundFlowEvidence"/> record — only keccak-256 hashes of the counterparty and of the
/// evidence document leave the node — accepted durably once the chain would take the entry, then sent with the record's
/// hash as the entry's evidence hash. The recorder reverses an entry, or corrects it (one transaction reverses it and
/// records its replacement), naming it by its evidence document. Keys: <c>spend:&lt;evidence record&gt;</c> (the same
/// document again is the first entry: a retry), <c>reverse:&lt;evidence record&gt;:&lt;reason hash&gt;</c> (another
/// reason for a reversed entry is a new transaction, which the contract refuses), <c>correct:&lt;evidence record&gt;</c>
/// (one entry is corrected once). What is left when a step fails: no evidence record before the chain's preflight
/// accepts the entry or the correction; a record accepted but not sent is sent by the same request again (it is the
/// document's current record).
/// </summary>
public sealed class FundFlowEntries(IFundFlowChain chain, IFundFlowEvidence evidence, TimeProvider time, ILogger<FundFlowEntries> logger)
{
    /// <summary>Records one spending of <paramref name="amountFen"/> to <paramref name="counterparty"/>, evidenced by <paramref name="document"/>.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1545 the document is recorded already with other figures; the chain's refusals (preflight).</exception>
    public async Task<SpendingOutcome> RecordAsync(
        LoanId loan, SpendCategory category, UInt128 amountFen, string counterparty, string document, CancellationToken cancellationToken)
    {
        var counterpartyHash = Keccak.Hash(counterparty);
        var documentHash = Keccak.Hash(document);
        var recorder = chain.Recorder;

        // The document's current entry (a correction keeping the document is a later record of it).
        var earlier = DocumentRecords(loan, documentHash).LastOrDefault();
        RecordHash evidenceHash;
        if (earlier.Evidence is { } known)
        {
            if (known.Category != category || known.AmountFen != amountFen || known.CounterpartyHash != counterpartyHash)
            {
                throw BankErrors.EvidenceConflict(
                    $"Evidence document '{BankWire.Clip(document)}' is already recorded for loan {loan.Value.ToShortString()} as {known.Category} {known.AmountFen} fen; a document is recorded once — correct the document reference if this is another spending.");
            }
            evidenceHash = earlier.Hash;
        }
        else
        {
            // The chain must take the entry (loan known, R&D, ledger open, within the amount lent, recorder allowed)
            // before the evidence is accepted; an accepted record the chain then refused would be anchored alone.
            await chain.PreflightRecordAsync(loan, category, amountFen, counterpartyHash, cancellationToken).ConfigureAwait(false);
            var recordedAtMs = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
            evidenceHash = await evidence.AcceptAsync(sequence =>
                new FundFlowEvidence(loan, category, amountFen, counterpartyHash, documentHash, recorder, recordedAtMs, sequence)).ConfigureAwait(false);
        }

        var sent = await chain.RecordAsync(loan, new SpendingEntry(category, amountFen, counterpartyHash, evidenceHash.Value), $"spend:{evidenceHash}").ConfigureAwait(false);
        var recorded = sent.Recorded.FirstOrDefault(e => e.EvidenceHash == evidenceHash.Value);
        // The ledger as the entry's block left it: deviated is the contract's exact comparison, not a rounded share.
        var ledger = await chain.LedgerAtAsync(loan, sent.Tx.BlockNumber, cancellationToken).ConfigureAwait(false);
        var share = recorded?.NonRdShareBps ?? 0;
        BankLog.Spending(logger, category.ToString(), amountFen.ToString(), loan.ToString(), evidenceHash.ToString(), share, ledger.Deviated);
        return new SpendingOutcome(recorded?.EntryIndex ?? 0, share, ledger.Deviated, sent.Tx, evidenceHash);
    }

    /// <summary>Reverses the entry of <paramref name="document"/> for <paramref name="reason"/> (only hashes leave the node).</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1549 no entry of this recorder on chain for the document; the chain's refusals.</exception>
    public async Task<SpendingOutcome> ReverseAsync(LoanId loan, string document, string reason, CancellationToken cancellationToken)
    {
        var reasonHash = Keccak.Hash(reason);
        var records = DocumentRecords(loan, Keccak.Hash(document));
        var (entryIndex, originalHash, original) = await EntryOfAsync(loan, document, records.Count == 0 ? null : records[^1], cancellationToken).ConfigureAwait(false);

        // The same request again (a retry) is the same transaction; another reason for a reversed entry is a new one, which
        // the contract refuses (LEDGER-1857).
        var tx = await chain.ReverseAsync(loan, entryIndex, Stated(original, originalHash), reasonHash, $"reverse:{originalHash}:{reasonHash}").ConfigureAwait(false);
        var (share, deviated) = await LedgerAfterAsync(loan, tx, cancellationToken).ConfigureAwait(false);
        BankLog.Reversed(logger, entryIndex, loan.ToString(), originalHash.ToString(), reasonHash.ToString(), share, deviated);
        return new SpendingOutcome(entryIndex, share, deviated, tx, originalHash);
    }

    /// <summary>
    /// Corrects the entry of <paramref name="document"/> to <paramref name="category"/>, <paramref name="amountFen"/>,
    /// <paramref name="counterparty"/> and <paramref name="newDocument"/> (null or empty: the same document).
    /// </summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1549 no entry of this recorder on chain for the document;
    /// LEDGER-1520 the correction states the figures the entry has; LEDGER-1545 the new document has its own entry; the
    /// chain's refusals.</exception>
    public async Task<SpendingOutcome> CorrectAsync(
        LoanId loan, string document, SpendCategory category, UInt128 amountFen, string counterparty, string? newDocument, CancellationToken cancellationToken)
    {
        var counterpartyHash = Keccak.Hash(counterparty);
        var replacementDocument = string.IsNullOrEmpty(newDocument) ? document : newDocument;
        var newDocumentHash = Keccak.Hash(replacementDocument);
        bool Replaces(FundFlowEvidence e) =>
            e.Category == category && e.AmountFen == amountFen && e.CounterpartyHash == counterpartyHash && e.DocumentHash == newDocumentHash;

        // A retry of a correction that kept its document finds the replacement as the document's current record: the
        // entry it corrected is the record before it.
        var documentHash = Keccak.Hash(document);
        var records = DocumentRecords(loan, documentHash);
        (RecordHash Hash, FundFlowEvidence? Evidence)? replacement = null;
        if (newDocumentHash == documentHash && records.Count >= 2 && Replaces(records[^1].Evidence!))
        {
            replacement = records[^1];
            records.RemoveAt(records.Count - 1);
        }
        var (entryIndex, originalHash, original) = await EntryOfAsync(loan, document, records.Count == 0 ? null : records[^1], cancellationToken).ConfigureAwait(false);
        if (Replaces(original))
        {
            throw NodeErrors.InvalidField($"the correction of '{BankWire.Clip(document)}' states the figures it already has; give the corrected category, amount, counterparty or document.");
        }
        if (newDocumentHash != documentHash && DocumentRecords(loan, newDocumentHash).LastOrDefault() is { Evidence: not null } other)
        {
            // A document is recorded once: the new document may only be this correction's own replacement (a retry).
            if (!Replaces(other.Evidence) || !await IsCorrectionOfAsync(loan, entryIndex, other.Hash, cancellationToken).ConfigureAwait(false))
            {
                throw BankErrors.EvidenceConflict(
                    $"Evidence document '{BankWire.Clip(replacementDocument)}' already has its own entry on loan {loan.Value.ToShortString()}; a document is recorded once — correct that entry, or reverse the entry of '{BankWire.Clip(document)}'.");
            }
            replacement = other;
        }

        // The replacement's evidence record: kept from an earlier attempt of this correction, or accepted now — once the
        // chain would take the correction, so no record is anchored for a correction the chain refuses.
        RecordHash replacementHash;
        if (replacement is { } again)
        {
            replacementHash = again.Hash;
        }
        else
        {
            await chain.PreflightCorrectAsync(loan, entryIndex, Stated(original, originalHash), category, amountFen, counterpartyHash, cancellationToken).ConfigureAwait(false);
            var recordedAtMs = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
            var recorder = chain.Recorder;
            replacementHash = await evidence.AcceptAsync(sequence =>
                new FundFlowEvidence(loan, category, amountFen, counterpartyHash, newDocumentHash, recorder, recordedAtMs, sequence)).ConfigureAwait(false);
        }

        var sent = await chain.CorrectAsync(
            loan, entryIndex, Stated(original, originalHash), new SpendingEntry(category, amountFen, counterpartyHash, replacementHash.Value),
            $"correct:{originalHash}").ConfigureAwait(false);
        var recorded = sent.Recorded.FirstOrDefault(e => e.EvidenceHash == replacementHash.Value);
        var newIndex = recorded?.EntryIndex ?? 0;
        var (share, deviated) = await LedgerAfterAsync(loan, sent.Tx, cancellationToken).ConfigureAwait(false);
        BankLog.Corrected(logger, entryIndex, loan.ToString(), newIndex, replacementHash.ToString(), share, deviated);
        return new SpendingOutcome(newIndex, share, deviated, sent.Tx, replacementHash);
    }

    // This organization's evidence records of the document on the loan, oldest first.
    private List<(RecordHash Hash, FundFlowEvidence? Evidence)> DocumentRecords(LoanId loan, Hash32 documentHash)
    {
        var recorder = chain.Recorder;
        return evidence.Find(loan)
            .Where(r => r.Evidence is { } e && e.DocumentHash == documentHash && e.Recorder == recorder)
            .OrderBy(r => r.Evidence!.Sequence)
            .ToList();
    }

    // The document's entry of `record` (its evidence record of this organization) and its index on chain.
    private async Task<(uint Index, RecordHash Hash, FundFlowEvidence Evidence)> EntryOfAsync(
        LoanId loan, string document, (RecordHash Hash, FundFlowEvidence? Evidence)? record, CancellationToken cancellationToken)
    {
        if (record is { Evidence: { } found } current)
        {
            var index = await chain.EntryIndexAsync(loan, chain.Recorder, current.Hash.Value, cancellationToken).ConfigureAwait(false);
            if (index is { } entryIndex)
            {
                return (entryIndex, current.Hash, found);
            }
        }
        throw BankErrors.UnknownEntry(
            $"{chain.Recorder} has no fund-flow entry on chain for document '{BankWire.Clip(document)}' of loan {loan.Value.ToShortString()}; "
            + "give the document exactly as it was recorded (record it first if it never was: an entry whose recording was interrupted is completed by recording it again).");
    }

    // Whether a replacement record is not on chain yet, or is on chain as the entry that corrected entry `entryIndex`.
    private async Task<bool> IsCorrectionOfAsync(LoanId loan, uint entryIndex, RecordHash replacement, CancellationToken cancellationToken)
    {
        var index = await chain.EntryIndexAsync(loan, chain.Recorder, replacement.Value, cancellationToken).ConfigureAwait(false);
        return index is null
            || await chain.CorrectionOfAsync(loan, chain.Recorder, entryIndex, cancellationToken).ConfigureAwait(false) == index;
    }

    private static SpendingEntry Stated(FundFlowEvidence evidence, RecordHash hash) =>
        new(evidence.Category, evidence.AmountFen, evidence.CounterpartyHash, hash.Value);

    // The non-R&D share and the deviation as the transaction's block left the ledger.
    private async Task<(uint Share, bool Deviated)> LedgerAfterAsync(LoanId loan, ChainConfirmation tx, CancellationToken cancellationToken)
    {
        var ledger = await chain.LedgerAtAsync(loan, tx.BlockNumber, cancellationToken).ConfigureAwait(false);
        var share = ledger.TotalFen.IsZero ? 0u : (uint)(ledger.NonRdFen * 10_000 / ledger.TotalFen);
        return (share, ledger.Deviated);
    }
}
