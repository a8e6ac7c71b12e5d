using System.Globalization;
using System.Numerics;
using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Chain;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.FundFlowTracker.ContractDefinition;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Bank;
using Ledger.Node.Hosting;
using Ledger.Store.Records;
using Microsoft.Extensions.Logging;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using CoreSpendCategory = Ledger.Core.Model.SpendCategory;

namespace Ledger.Node.FundFlow;

/// <summary>
/// <c>ledger.v1.FundFlow</c> on bank and tax nodes (研发资金动态追踪): a spending entry of an R&amp;D loan becomes a
/// <see cref="FundFlowEvidence"/> record — only keccak-256 hashes of the counterparty and of the evidence document
/// leave the node — accepted durably and anchored by this organization, then
/// <c>FundFlowTracker.recordSpending</c> with the record's hash as the on-chain evidence hash; the reply has the
/// entry's index, the non-R&amp;D share after it and whether the loan is now deviated. Recording the same evidence
/// document of a loan again returns the first entry (a retry); the same document with other figures is refused.
/// </summary>
public sealed class FundFlowService(NodeIdentity node, Ledger.Store.LedgerStore store, Ledger.Chain.LedgerChainClient chainClient, Ledger.Chain.Profiles.ChainEnvironment chain, TimeProvider time, ILogger<FundFlowService> logger) : Api.V1.FundFlow.FundFlowBase
{
    /// <inheritdoc/>
    public override async Task<SpendingResponse> RecordSpending(RecordSpendingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var loanId = new LoanId(BankWire.Hash(request.LoanId, "loan_id"));
        if (!Enum.IsDefined(request.Category))
        {
            throw NodeErrors.InvalidField($"category {(int)request.Category} is not a spending category (0 R&D labour, 1 R&D equipment, 2 R&D materials, 3 outsourced R&D, 4 non-R&D).");
        }
        var category = (CoreSpendCategory)(int)request.Category;
        var amount = BankWire.PositiveAmount(request.AmountFen, "amount_fen");
        var counterpartyHash = Keccak.Hash(BankWire.Text(request.Counterparty, "counterparty", "the supplier's credit code 91450200MA5KXXXX0X"));
        var documentHash = Keccak.Hash(BankWire.Text(request.EvidenceDocument, "evidence_document", "invoice number 04500190 00123456"));
        var recorder = node.Organization;

        // The document's current entry (a correction keeping the document is a later record of it).
        var earlier = DocumentRecords(loanId, documentHash).LastOrDefault();
        RecordHash evidenceHash;
        if (earlier.Evidence is { } known)
        {
            if (known.Category != category || known.AmountFen != amount || known.CounterpartyHash != counterpartyHash)
            {
                throw BankErrors.EvidenceConflict(
                    $"Evidence document '{BankWire.Clip(request.EvidenceDocument)}' is already recorded for loan {loanId.Value.ToShortString()} as {known.Category} {known.AmountFen} fen; a document is recorded once — correct the document reference if this is another spending.");
            }
            evidenceHash = earlier.Hash;
        }
        else
        {
            // The chain must take the entry (loan known, R&D, ledger open, within the amount lent, recorder allowed)
            // before the evidence is accepted; an accepted record the chain then refused would be anchored alone.
            await BankWire.PreflightAsync(node, chain, LedgerContracts.FundFlowTracker, new RecordSpendingFunction
            {
                LoanId = loanId.Value.ToArray(),
                Category = (byte)category,
                AmountFen = (BigInteger)amount,
                CounterpartyHash = counterpartyHash.ToArray(),
                EvidenceHash = Keccak.Hash($"ledger/evidence-preflight/{Guid.NewGuid():N}").ToArray(),
            }, cancellationToken).ConfigureAwait(false);
            var recordedAtMs = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
            var accepted = await store.Records.AcceptAsync(sequence =>
                new FundFlowEvidence(loanId, category, amount, counterpartyHash, documentHash, recorder, recordedAtMs, sequence)).ConfigureAwait(false);
            evidenceHash = accepted.Hash;
        }

        var outcome = await chainClient.RecordSpendingAsync(loanId, category, amount, counterpartyHash, evidenceHash.Value,
            key: $"spend:{evidenceHash}", cancellationToken: CancellationToken.None).ConfigureAwait(false);
        var recorded = outcome.Receipt.DecodeAllEvents<SpendingRecordedEventDTO>().Select(e => e.Event)
            .FirstOrDefault(e => new Hash32(e.EvidenceHash) == evidenceHash.Value);
        // The ledger as the entry's block left it: deviated is the contract's exact comparison, not a rounded share.
        var ledger = await chain.Rpc.CallAsync(
            _ => chainClient.FundFlows.FundFlowQueryAsync(loanId.Value.ToArray(), new BlockParameter(outcome.BlockNumber)), cancellationToken).ConfigureAwait(false);
        var share = recorded?.NonRdShareBps ?? 0;
        BankLog.Spending(logger, category.ToString(), amount.ToString(), loanId.ToString(), evidenceHash.ToString(), share, ledger.ReturnValue1.Deviated);
        return new SpendingResponse
        {
            EntryIndex = recorded?.EntryIndex ?? 0,
            NonRndShareBps = share,
            Deviated = ledger.ReturnValue1.Deviated,
            Tx = BankWire.Tx(outcome),
            EvidenceRecord = BankWire.Anchor(evidenceHash, store.Records.Get(evidenceHash), recorder),
        };
    }

    /// <inheritdoc/>
    public override async Task<SpendingResponse> ReverseSpending(ReverseSpendingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var loanId = new LoanId(BankWire.Hash(request.LoanId, "loan_id"));
        var document = BankWire.Text(request.EvidenceDocument, "evidence_document", "invoice number 04500190 00123456");
        var reasonHash = Keccak.Hash(BankWire.Text(request.Reason, "reason", "credit note 04500190 00123457"));
        var (entryIndex, originalHash, original) = await CurrentEntryAsync(loanId, document, cancellationToken).ConfigureAwait(false);

        // The same request again (a retry) is the same transaction; another reason for a reversed entry is a new one, which
        // the contract refuses (LEDGER-1857).
        var outcome = await chainClient.ReverseSpendingAsync(loanId, entryIndex, Fields(original, originalHash), reasonHash,
            key: $"reverse:{originalHash}:{reasonHash}", cancellationToken: CancellationToken.None).ConfigureAwait(false);
        var (share, deviated) = await LedgerAfterAsync(loanId, outcome, cancellationToken).ConfigureAwait(false);
        BankLog.Reversed(logger, entryIndex, loanId.ToString(), originalHash.ToString(), reasonHash.ToString(), share, deviated);
        return new SpendingResponse
        {
            EntryIndex = entryIndex,
            NonRndShareBps = share,
            Deviated = deviated,
            Tx = BankWire.Tx(outcome),
            EvidenceRecord = BankWire.Anchor(originalHash, store.Records.Get(originalHash), node.Organization),
        };
    }

    /// <inheritdoc/>
    public override async Task<SpendingResponse> CorrectSpending(CorrectSpendingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var loanId = new LoanId(BankWire.Hash(request.LoanId, "loan_id"));
        var document = BankWire.Text(request.EvidenceDocument, "evidence_document", "invoice number 04500190 00123456");
        if (!Enum.IsDefined(request.Category))
        {
            throw NodeErrors.InvalidField($"category {(int)request.Category} is not a spending category (0 R&D labour, 1 R&D equipment, 2 R&D materials, 3 outsourced R&D, 4 non-R&D).");
        }
        var category = (CoreSpendCategory)(int)request.Category;
        var amount = BankWire.PositiveAmount(request.AmountFen, "amount_fen");
        var counterpartyHash = Keccak.Hash(BankWire.Text(request.Counterparty, "counterparty", "the supplier's credit code 91450200MA5KXXXX0X"));
        var newDocument = string.IsNullOrEmpty(request.NewEvidenceDocument) ? document : request.NewEvidenceDocument;
        var newDocumentHash = Keccak.Hash(newDocument);
        bool Replaces(FundFlowEvidence e) =>
            e.Category == category && e.AmountFen == amount && e.CounterpartyHash == counterpartyHash && e.DocumentHash == newDocumentHash;

        // A retry of a correction that kept its document finds the replacement as the document's current record: the
        // entry it corrected is the record before it.
        var documentHash = Keccak.Hash(document);
        var records = DocumentRecords(loanId, documentHash);
        (RecordHash Hash, FundFlowEvidence? Evidence)? replacement = null;
        if (newDocumentHash == documentHash && records.Count >= 2 && Replaces(records[^1].Evidence!))
        {
            replacement = records[^1];
            records.RemoveAt(records.Count - 1);
        }
        var (entryIndex, originalHash, original) = await EntryOfAsync(loanId, document, records.Count == 0 ? null : records[^1], cancellationToken).ConfigureAwait(false);
        if (Replaces(original))
        {
            throw NodeErrors.InvalidField($"the correction of '{BankWire.Clip(document)}' states the figures it already has; give the corrected category, amount, counterparty or document.");
        }
        if (newDocumentHash != documentHash && DocumentRecords(loanId, newDocumentHash).LastOrDefault() is { Evidence: not null } other)
        {
            // A document is recorded once: the new document may only be this correction's own replacement (a retry).
            if (!Replaces(other.Evidence) || !await IsCorrectionOfAsync(loanId, entryIndex, other.Hash, cancellationToken).ConfigureAwait(false))
            {
                throw BankErrors.EvidenceConflict(
                    $"Evidence document '{BankWire.Clip(newDocument)}' already has its own entry on loan {loanId.Value.ToShortString()}; a document is recorded once — correct that entry, or reverse the entry of '{BankWire.Clip(document)}'.");
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
            await BankWire.PreflightAsync(node, chain, LedgerContracts.FundFlowTracker, new CorrectSpendingFunction
            {
                LoanId = loanId.Value.ToArray(),
                EntryIndex = entryIndex,
                Original = Fields(original, originalHash).ToEntry(),
                Replacement = new SpendingEntryFields(category, amount, counterpartyHash, Keccak.Hash($"ledger/evidence-preflight/{Guid.NewGuid():N}")).ToEntry(),
            }, cancellationToken).ConfigureAwait(false);
            var recordedAtMs = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
            var accepted = await store.Records.AcceptAsync(sequence =>
                new FundFlowEvidence(loanId, category, amount, counterpartyHash, newDocumentHash, node.Organization, recordedAtMs, sequence)).ConfigureAwait(false);
            replacementHash = accepted.Hash;
        }

        var outcome = await chainClient.CorrectSpendingAsync(
            loanId, entryIndex, Fields(original, originalHash), new SpendingEntryFields(category, amount, counterpartyHash, replacementHash.Value),
            key: $"correct:{originalHash}", cancellationToken: CancellationToken.None).ConfigureAwait(false);
        var recorded = outcome.Receipt.DecodeAllEvents<SpendingRecordedEventDTO>().Select(e => e.Event)
            .FirstOrDefault(e => new Hash32(e.EvidenceHash) == replacementHash.Value);
        var newIndex = recorded?.EntryIndex ?? 0;
        var (share, deviated) = await LedgerAfterAsync(loanId, outcome, cancellationToken).ConfigureAwait(false);
        BankLog.Corrected(logger, entryIndex, loanId.ToString(), newIndex, replacementHash.ToString(), share, deviated);
        return new SpendingResponse
        {
            EntryIndex = newIndex,
            NonRndShareBps = share,
            Deviated = deviated,
            Tx = BankWire.Tx(outcome),
            EvidenceRecord = BankWire.Anchor(replacementHash, store.Records.Get(replacementHash), node.Organization),
        };
    }

    /// <inheritdoc/>
    public override async Task<FundFlowStatus> GetFundFlow(FundFlowRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loanId = new LoanId(BankWire.Hash(request.LoanId, "loan_id"));
        var ledger = await chainClient.FundFlowAsync(loanId, context.CancellationToken).ConfigureAwait(false);
        var rdShare = await chainClient.RdShareBpsAsync(loanId, context.CancellationToken).ConfigureAwait(false);
        var status = new FundFlowStatus
        {
            LoanId = loanId.ToString(),
            TotalFen = ledger.TotalFen.ToString(CultureInfo.InvariantCulture),
            NonRndFen = ledger.NonRdFen.ToString(CultureInfo.InvariantCulture),
            RndShareBps = rdShare,
            MaxNonRndBps = ledger.MaxNonRdBps,
            EntryCount = ledger.EntryCount,
            Open = ledger.Open,
            Deviated = ledger.Deviated,
        };
        status.ByCategoryFen.AddRange((ledger.ByCategoryFen ?? []).Select(v => v.ToString(CultureInfo.InvariantCulture)));
        return status;
    }

    // This organization's evidence records of the document on the loan, oldest first.
    private List<(RecordHash Hash, FundFlowEvidence? Evidence)> DocumentRecords(LoanId loanId, Hash32 documentHash) =>
        store.Records.Find(new RecordQuery { Loan = loanId, Kind = BatchKind.FundFlowEvidence, Limit = RecordStore.MaxQueryLimit })
            .Select(r => (r.Hash, Evidence: r.Record as FundFlowEvidence))
            .Where(r => r.Evidence is { } e && e.DocumentHash == documentHash && e.Recorder == node.Organization)
            .OrderBy(r => r.Evidence!.Sequence)
            .ToList();

    // The document's current entry (its latest evidence record of this organization) and its index on chain.
    private Task<(uint Index, RecordHash Hash, FundFlowEvidence Evidence)> CurrentEntryAsync(LoanId loanId, string document, CancellationToken cancellationToken)
    {
        var records = DocumentRecords(loanId, Keccak.Hash(document));
        return EntryOfAsync(loanId, document, records.Count == 0 ? null : records[^1], cancellationToken);
    }

    private async Task<(uint Index, RecordHash Hash, FundFlowEvidence Evidence)> EntryOfAsync(
        LoanId loanId, string document, (RecordHash Hash, FundFlowEvidence? Evidence)? record, CancellationToken cancellationToken)
    {
        if (record is { Evidence: { } evidence } found)
        {
            var index = await chainClient.SpendingEntryIndexAsync(loanId, node.Organization, found.Hash.Value, cancellationToken).ConfigureAwait(false);
            if (index is { } entryIndex)
            {
                return (entryIndex, found.Hash, evidence);
            }
        }
        throw BankErrors.UnknownEntry(
            $"{node.Organization} has no fund-flow entry on chain for document '{BankWire.Clip(document)}' of loan {loanId.Value.ToShortString()}; "
            + "give the document exactly as it was recorded (record it first if it never was: an entry whose recording was interrupted is completed by recording it again).");
    }

    // Whether a replacement record is not on chain yet, or is on chain as the entry that corrected entry `entryIndex`.
    private async Task<bool> IsCorrectionOfAsync(LoanId loanId, uint entryIndex, RecordHash replacement, CancellationToken cancellationToken)
    {
        var index = await chainClient.SpendingEntryIndexAsync(loanId, node.Organization, replacement.Value, cancellationToken).ConfigureAwait(false);
        return index is null
            || await chainClient.SpendingCorrectionAsync(loanId, node.Organization, entryIndex, cancellationToken).ConfigureAwait(false) == index;
    }

    private static SpendingEntryFields Fields(FundFlowEvidence evidence, RecordHash hash) =>
        new(evidence.Category, evidence.AmountFen, evidence.CounterpartyHash, hash.Value);

    // The non-R&D share and the deviation as the transaction's block left the ledger.
    private async Task<(uint Share, bool Deviated)> LedgerAfterAsync(LoanId loanId, Chain.Transactions.TransactionOutcome outcome, CancellationToken cancellationToken)
    {
        var ledger = (await chain.Rpc.CallAsync(
            _ => chainClient.FundFlows.FundFlowQueryAsync(loanId.Value.ToArray(), new BlockParameter(outcome.BlockNumber)), cancellationToken).ConfigureAwait(false)).ReturnValue1;
        var share = ledger.TotalFen == 0 ? 0u : (uint)(ledger.NonRdFen * 10_000 / ledger.TotalFen);
        return (share, ledger.Deviated);
    }
}
