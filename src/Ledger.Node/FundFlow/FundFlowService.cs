using System.Globalization;
using System.Numerics;
using Grpc.Core;
using Ledger.Api.V1;
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
public sealed class FundFlowService(NodeContext node, TimeProvider time, ILogger<FundFlowService> logger) : Api.V1.FundFlow.FundFlowBase
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

        var earlier = node.Store.Records.Find(new RecordQuery { Loan = loanId, Kind = BatchKind.FundFlowEvidence, Limit = RecordStore.MaxQueryLimit })
            .Select(r => (r.Hash, Evidence: r.Record as FundFlowEvidence))
            .FirstOrDefault(r => r.Evidence is { } e && e.DocumentHash == documentHash && e.Recorder == recorder);
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
            await BankWire.PreflightAsync(node, LedgerContracts.FundFlowTracker, new RecordSpendingFunction
            {
                LoanId = loanId.Value.ToArray(),
                Category = (byte)category,
                AmountFen = (BigInteger)amount,
                CounterpartyHash = counterpartyHash.ToArray(),
                EvidenceHash = Keccak.Hash($"ledger/evidence-preflight/{Guid.NewGuid():N}").ToArray(),
            }, cancellationToken).ConfigureAwait(false);
            var recordedAtMs = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
            var accepted = await node.Store.Records.AcceptAsync(sequence =>
                new FundFlowEvidence(loanId, category, amount, counterpartyHash, documentHash, recorder, recordedAtMs, sequence)).ConfigureAwait(false);
            evidenceHash = accepted.Hash;
        }

        var outcome = await node.ChainClient.RecordSpendingAsync(loanId, category, amount, counterpartyHash, evidenceHash.Value,
            key: $"spend:{evidenceHash}", cancellationToken: CancellationToken.None).ConfigureAwait(false);
        var recorded = outcome.Receipt.DecodeAllEvents<SpendingRecordedEventDTO>().Select(e => e.Event)
            .FirstOrDefault(e => new Hash32(e.EvidenceHash) == evidenceHash.Value);
        // The ledger as the entry's block left it: deviated is the contract's exact comparison, not a rounded share.
        var ledger = await node.Chain.Rpc.CallAsync(
            _ => node.ChainClient.FundFlows.FundFlowQueryAsync(loanId.Value.ToArray(), new BlockParameter(outcome.BlockNumber)), cancellationToken).ConfigureAwait(false);
        var share = recorded?.NonRdShareBps ?? 0;
        BankLog.Spending(logger, category.ToString(), amount.ToString(), loanId.ToString(), evidenceHash.ToString(), share, ledger.ReturnValue1.Deviated);
        return new SpendingResponse
        {
            EntryIndex = recorded?.EntryIndex ?? 0,
            NonRndShareBps = share,
            Deviated = ledger.ReturnValue1.Deviated,
            Tx = BankWire.Tx(outcome),
            EvidenceRecord = BankWire.Anchor(evidenceHash, node.Store.Records.Get(evidenceHash), recorder),
        };
    }

    /// <inheritdoc/>
    public override async Task<FundFlowStatus> GetFundFlow(FundFlowRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loanId = new LoanId(BankWire.Hash(request.LoanId, "loan_id"));
        var ledger = await node.ChainClient.FundFlowAsync(loanId, context.CancellationToken).ConfigureAwait(false);
        var rdShare = await node.ChainClient.RdShareBpsAsync(loanId, context.CancellationToken).ConfigureAwait(false);
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
}
