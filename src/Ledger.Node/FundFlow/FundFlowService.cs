using System.Globalization;
using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Model;
using Ledger.Core.Records;
using Ledger.Node.Bank;
using Ledger.Node.Hosting;
using CoreSpendCategory = Ledger.Core.Model.SpendCategory;

namespace Ledger.Node.FundFlow;

/// <summary>
/// <c>ledger.v1.FundFlow</c> on bank and tax nodes (研发资金动态追踪): a spending entry of an R&amp;D loan becomes a
/// <see cref="FundFlowEvidence"/> record — only keccak-256 hashes of the counterparty and of the evidence document
/// leave the node — accepted durably and anchored by this organization, then
/// <c>FundFlowTracker.recordSpending</c> with the record's hash as the on-chain evidence hash; the reply has the
/// entry's index, the non-R&amp;D share after it and whether the loan is now deviated. Recording the same evidence
/// document of a loan again returns the first entry (a retry); the same document with other figures is refused. The
/// entries are a use case over ports (<see cref="UseCases.FundFlowEntries"/>); this class parses the request, calls it
/// and maps its answer (with the evidence record's anchor), and reads a loan's ledger for <c>GetFundFlow</c>.
/// </summary>
public sealed class FundFlowService(NodeIdentity node, Ledger.Store.LedgerStore store, Ledger.Chain.LedgerChainClient chainClient, UseCases.FundFlowEntries entries) : Api.V1.FundFlow.FundFlowBase
{
    /// <inheritdoc/>
    public override async Task<SpendingResponse> RecordSpending(RecordSpendingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loanId = new LoanId(BankWire.Hash(request.LoanId, "loan_id"));
        var category = Category(request.Category);
        var amount = BankWire.PositiveAmount(request.AmountFen, "amount_fen");
        var counterparty = BankWire.Text(request.Counterparty, "counterparty", "the supplier's credit code 91450200MA5KXXXX0X");
        var document = BankWire.Text(request.EvidenceDocument, "evidence_document", "invoice number 04500190 00123456");
        return Response(await entries.RecordAsync(loanId, category, amount, counterparty, document, context.CancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override async Task<SpendingResponse> ReverseSpending(ReverseSpendingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loanId = new LoanId(BankWire.Hash(request.LoanId, "loan_id"));
        var document = BankWire.Text(request.EvidenceDocument, "evidence_document", "invoice number 04500190 00123456");
        var reason = BankWire.Text(request.Reason, "reason", "credit note 04500190 00123457");
        return Response(await entries.ReverseAsync(loanId, document, reason, context.CancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override async Task<SpendingResponse> CorrectSpending(CorrectSpendingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loanId = new LoanId(BankWire.Hash(request.LoanId, "loan_id"));
        var document = BankWire.Text(request.EvidenceDocument, "evidence_document", "invoice number 04500190 00123456");
        var category = Category(request.Category);
        var amount = BankWire.PositiveAmount(request.AmountFen, "amount_fen");
        var counterparty = BankWire.Text(request.Counterparty, "counterparty", "the supplier's credit code 91450200MA5KXXXX0X");
        return Response(await entries.CorrectAsync(loanId, document, category, amount, counterparty, request.NewEvidenceDocument, context.CancellationToken).ConfigureAwait(false));
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

    private static CoreSpendCategory Category(Api.V1.SpendCategory category) =>
        Enum.IsDefined(category)
            ? (CoreSpendCategory)(int)category
            : throw NodeErrors.InvalidField($"category {(int)category} is not a spending category (0 R&D labour, 1 R&D equipment, 2 R&D materials, 3 outsourced R&D, 4 non-R&D).");

    // The step's answer on the wire, with its evidence record's place in the anchored ledger.
    private SpendingResponse Response(UseCases.SpendingOutcome outcome) => new()
    {
        EntryIndex = outcome.EntryIndex,
        NonRndShareBps = outcome.NonRndShareBps,
        Deviated = outcome.Deviated,
        Tx = BankWire.Tx(outcome.Tx),
        EvidenceRecord = BankWire.Anchor(outcome.EvidenceRecord, store.Records.Get(outcome.EvidenceRecord), node.Organization),
    };
}
