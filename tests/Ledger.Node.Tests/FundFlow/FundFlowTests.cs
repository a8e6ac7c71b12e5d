using Grpc.Core;
using Ledger.Chain.Contracts.FundFlowTracker.ContractDefinition;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Tests.Bank;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;
using Nethereum.Contracts;

namespace Ledger.Node.Tests.FundFlow;

/// <summary>
/// R&amp;D fund flows on bank and tax nodes: the spending evidence stays off chain (hashes only) and is anchored by
/// the recorder; the chain keeps the running shares and raises <c>FundFlowDeviated</c> when non-R&amp;D spending passes
/// the loan's threshold.
/// </summary>
[Collection(SharedBankCluster.Name)]
public sealed class FundFlowTests(BankCluster cluster)
{
    [Fact]
    public async Task RecordSpending_RndLoanDriftingToNonRnd_TheReplySaysDeviatedAndTheChainHasFundFlowDeviated()
    {
        var loan = await RndLoanAsync("CCB-RND-1", 5_000_000, maxNonRndBps: 2_000);
        Assert.True((await cluster.Lending.FundFlow.GetAsync(loan)).Open);

        var labour = await cluster.Lending.FundFlow.RecordSpendingAsync(new SpendingEntry(loan, SpendCategory.RnDLabour, 2_000_000, "91450200MA5K000001", "PAY-2026-0001"));
        Assert.False(labour.Deviated);
        Assert.Equal(0u, labour.NonRndShareBps);
        Assert.Equal(0u, labour.EntryIndex);

        // The tax bureau records from an invoice: non-R&D, 20 % of the total so far — not strictly above the threshold.
        var invoice = await cluster.TaxAsTax.FundFlow.RecordSpendingAsync(new SpendingEntry(loan, SpendCategory.NonRnD, 500_000, "91450200MA5K000002", "INV-04500190-00000077"));
        Assert.False(invoice.Deviated);
        Assert.Equal(2_000u, invoice.NonRndShareBps);
        Assert.Equal(NodeCluster.TaxOrg, invoice.Evidence.Organization);

        var drift = await cluster.Lending.FundFlow.RecordSpendingAsync(new SpendingEntry(loan, SpendCategory.NonRnD, 1_000_000, "some car dealer", "PAY-2026-0002"));

        Assert.True(drift.Deviated);
        Assert.Equal(4_285u, drift.NonRndShareBps); // 1.5 M of 3.5 M
        Assert.Equal(2u, drift.EntryIndex);
        var receipt = await cluster.Chain.Rpc.Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(drift.Transaction.TxHash.ToString());
        var deviated = Assert.Single(receipt.DecodeAllEvents<FundFlowDeviatedEventDTO>()).Event;
        Assert.Equal(loan.Value, new Hash32(deviated.LoanId));
        Assert.Equal(NodeCluster.BankOrg, new OrgId(new Hash32(deviated.BankOrg)));
        Assert.Equal(2_000, deviated.MaxNonRdBps);
        var state = await cluster.TaxAsBank.FundFlow.GetAsync(loan);
        Assert.True(state.Deviated);
        Assert.Equal((UInt128)3_500_000, state.TotalFen);
        Assert.Equal((UInt128)1_500_000, state.NonRndFen);
        Assert.Equal(3u, state.EntryCount);
        Assert.Equal(5_715u, state.RndShareBps); // 10,000 − the floored non-R&D share
        Assert.Equal((UInt128)2_000_000, state.ByCategoryFen[(int)SpendCategory.RnDLabour]);
    }

    [Fact]
    public async Task RecordSpending_Evidence_OnlyHashesLeaveTheNodeAndTheRecordIsAnchoredWithItsHashOnChain()
    {
        var loan = await RndLoanAsync("CCB-RND-2", 3_000_000, maxNonRndBps: 3_000);

        var entry = await cluster.Lending.FundFlow.RecordSpendingAsync(new SpendingEntry(loan, SpendCategory.RnDEquipment, 800_000, "91450200MA5K000003", "PAY-2026-0100"));

        var exported = await cluster.AnchoredBankRecordAsync(entry.Evidence.RecordHash);
        var evidence = Assert.IsType<FundFlowEvidence>(exported.Record);
        Assert.Equal(loan, evidence.LoanId);
        Assert.Equal(SpendCategory.RnDEquipment, evidence.Category);
        Assert.Equal((UInt128)800_000, evidence.AmountFen);
        Assert.Equal(Keccak.Hash("91450200MA5K000003"), evidence.CounterpartyHash);
        Assert.Equal(Keccak.Hash("PAY-2026-0100"), evidence.DocumentHash);
        Assert.Equal(NodeCluster.BankOrg, evidence.Recorder);
        Assert.True(await cluster.DevClient(2).VerifyRecordAsync(NodeCluster.BankOrg, exported.Anchor.BatchId!.Value, exported.Hash, exported.Anchor.Proof));

        var receipt = await cluster.Chain.Rpc.Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(entry.Transaction.TxHash.ToString());
        var recorded = Assert.Single(receipt.DecodeAllEvents<SpendingRecordedEventDTO>()).Event;
        Assert.Equal(exported.Hash.Value, new Hash32(recorded.EvidenceHash));
        Assert.Equal(evidence.CounterpartyHash, new Hash32(recorded.CounterpartyHash));
        var json = Core.Records.RecordJson.ToJson(evidence);
        Assert.DoesNotContain("PAY-2026-0100", json, StringComparison.Ordinal);
        Assert.DoesNotContain("91450200MA5K000003", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordSpending_SameDocumentAgain_ReturnsTheFirstEntryAndWithOtherFiguresIsRefused()
    {
        var loan = await RndLoanAsync("CCB-RND-3", 2_000_000, maxNonRndBps: 1_000);
        var entry = new SpendingEntry(loan, SpendCategory.RnDMaterials, 300_000, "91450200MA5K000004", "PAY-2026-0200");
        var first = await cluster.Lending.FundFlow.RecordSpendingAsync(entry);

        var again = await cluster.Lending.FundFlow.RecordSpendingAsync(entry);

        Assert.Equal(first.Transaction, again.Transaction);
        Assert.Equal(first.Evidence.RecordHash, again.Evidence.RecordHash);
        Assert.Equal(1u, (await cluster.Lending.FundFlow.GetAsync(loan)).EntryCount);
        var error = await Refusals.ExpectAsync(
            () => cluster.Lending.FundFlow.RecordSpendingAsync(entry with { AmountFen = 300_001 }), StatusCode.AlreadyExists, "LEDGER-1545");
        Assert.Contains("already recorded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordSpending_NotAnRndLoanOrAboveTheLoan_IsRefusedByTheChainAndNoEvidenceIsKept()
    {
        var (consent, _) = await cluster.ConsentAsync(cluster.RatedB);
        var decision = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consent));
        var working = await cluster.Lending.Bank.DisburseAsync(new Disbursement(decision.DecisionHash, "CCB-WC-FF-1", 1_000_000, LoanPurpose.WorkingCapital));
        var rnd = await RndLoanAsync("CCB-RND-4", 1_000_000, maxNonRndBps: 2_500);
        var before = (await cluster.BankAsAuditor.Records.ListAsync()).Count(r => r.Record is FundFlowEvidence);

        await Refusals.ExpectAsync(
            () => cluster.Lending.FundFlow.RecordSpendingAsync(new SpendingEntry(working.LoanId, SpendCategory.NonRnD, 10_000, "x", "PAY-WC-1")),
            StatusCode.FailedPrecondition, "LEDGER-1291");
        await Refusals.ExpectAsync(
            () => cluster.Lending.FundFlow.RecordSpendingAsync(new SpendingEntry(rnd, SpendCategory.RnDLabour, 1_000_001, "x", "PAY-RND4-1")),
            StatusCode.InvalidArgument, "LEDGER-1296");

        Assert.Equal(before, (await cluster.BankAsAuditor.Records.ListAsync()).Count(r => r.Record is FundFlowEvidence));
    }

    [Fact]
    public async Task ReverseSpending_TheRecorderReversesItsEntry_ItStopsCountingTheReasonHashIsOnChainAndARetryIsTheSameTransaction()
    {
        var loan = await RndLoanAsync("CCB-RND-5", 2_000_000, maxNonRndBps: 2_000);
        await cluster.Lending.FundFlow.RecordSpendingAsync(new SpendingEntry(loan, SpendCategory.RnDLabour, 1_000_000, "91450200MA5K000005", "PAY-2026-0300"));
        var drift = await cluster.Lending.FundFlow.RecordSpendingAsync(new SpendingEntry(loan, SpendCategory.NonRnD, 600_000, "a travel agency", "PAY-2026-0301"));
        Assert.True(drift.Deviated);

        var reversed = await cluster.Lending.FundFlow.ReverseSpendingAsync(loan, "PAY-2026-0301", "REFUND-2026-0007");

        Assert.Equal(drift.EntryIndex, reversed.EntryIndex);
        Assert.Equal(drift.Evidence.RecordHash, reversed.Evidence.RecordHash);
        Assert.False(reversed.Deviated);
        Assert.Equal(0u, reversed.NonRndShareBps);
        var state = await cluster.TaxAsBank.FundFlow.GetAsync(loan);
        Assert.Equal((UInt128)1_000_000, state.TotalFen);
        Assert.Equal((UInt128)0, state.NonRndFen);
        Assert.False(state.Deviated);
        var receipt = await cluster.Chain.Rpc.Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(reversed.Transaction.TxHash.ToString());
        var reversal = Assert.Single(receipt.DecodeAllEvents<SpendingReversedEventDTO>()).Event;
        Assert.Equal(drift.EntryIndex, reversal.EntryIndex);
        Assert.Equal(Keccak.Hash("REFUND-2026-0007"), new Hash32(reversal.ReasonHash));
        Assert.Equal((byte)SpendCategory.NonRnD, reversal.Category);
        Assert.Single(receipt.DecodeAllEvents<FundFlowDeviationClearedEventDTO>());

        var again = await cluster.Lending.FundFlow.ReverseSpendingAsync(loan, "PAY-2026-0301", "REFUND-2026-0007");
        Assert.Equal(reversed.Transaction, again.Transaction);
        await Refusals.ExpectAsync(
            () => cluster.Lending.FundFlow.ReverseSpendingAsync(loan, "PAY-2026-0301", "another reason"), StatusCode.FailedPrecondition, "LEDGER-1857");
        Assert.Equal((UInt128)1_000_000, (await cluster.Lending.FundFlow.GetAsync(loan)).TotalFen);
    }

    [Fact]
    public async Task ReverseSpending_AnotherOrganizationsEntryOrAnUnknownDocument_IsRefusedWithLedger1549AndChangesNothing()
    {
        var loan = await RndLoanAsync("CCB-RND-6", 2_000_000, maxNonRndBps: 3_000);
        await cluster.Lending.FundFlow.RecordSpendingAsync(new SpendingEntry(loan, SpendCategory.NonRnD, 500_000, "a car dealer", "PAY-2026-0400"));

        // The tax bureau may record on this loan, but not undo what the bank recorded: its node has no such entry.
        var error = await Refusals.ExpectAsync(
            () => cluster.TaxAsTax.FundFlow.ReverseSpendingAsync(loan, "PAY-2026-0400", "not ours"), StatusCode.NotFound, "LEDGER-1549");
        Assert.Contains("PAY-2026-0400", error.Message, StringComparison.Ordinal);
        await Refusals.ExpectAsync(
            () => cluster.Lending.FundFlow.ReverseSpendingAsync(loan, "PAY-2026-9999", "typo"), StatusCode.NotFound, "LEDGER-1549");
        await Refusals.ExpectAsync(
            () => cluster.TaxAsTax.FundFlow.CorrectSpendingAsync(new SpendingCorrection(loan, "PAY-2026-0400", SpendCategory.RnDLabour, 500_000, "a car dealer")),
            StatusCode.NotFound, "LEDGER-1549");

        var state = await cluster.Lending.FundFlow.GetAsync(loan);
        Assert.Equal((UInt128)500_000, state.NonRndFen);
        Assert.Equal(1u, state.EntryCount);
    }

    [Fact]
    public async Task CorrectSpending_KeepingOrChangingTheDocument_ReplacesTheEntryInOneTransactionWithNewAnchoredEvidence()
    {
        var loan = await RndLoanAsync("CCB-RND-7", 3_000_000, maxNonRndBps: 2_500);
        var first = await cluster.Lending.FundFlow.RecordSpendingAsync(new SpendingEntry(loan, SpendCategory.RnDEquipment, 1_000_000, "91450200MA5K000007", "PAY-2026-0500"));
        var correction = new SpendingCorrection(loan, "PAY-2026-0500", SpendCategory.NonRnD, 900_000, "an office landlord");

        var corrected = await cluster.Lending.FundFlow.CorrectSpendingAsync(correction);

        Assert.Equal(first.EntryIndex + 1, corrected.EntryIndex);
        Assert.True(corrected.Deviated);
        Assert.Equal(10_000u, corrected.NonRndShareBps);
        var state = await cluster.Lending.FundFlow.GetAsync(loan);
        Assert.Equal((UInt128)900_000, state.TotalFen);
        Assert.Equal((UInt128)0, state.ByCategoryFen[(int)SpendCategory.RnDEquipment]);
        var receipt = await cluster.Chain.Rpc.Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(corrected.Transaction.TxHash.ToString());
        var link = Assert.Single(receipt.DecodeAllEvents<SpendingCorrectedEventDTO>()).Event;
        Assert.Equal(first.EntryIndex, link.EntryIndex);
        Assert.Equal(corrected.EntryIndex, link.NewEntryIndex);
        Assert.Equal(corrected.Evidence.RecordHash.Value, new Hash32(Assert.Single(receipt.DecodeAllEvents<SpendingReversedEventDTO>()).Event.ReasonHash));
        var evidence = Assert.IsType<FundFlowEvidence>((await cluster.AnchoredBankRecordAsync(corrected.Evidence.RecordHash)).Record);
        Assert.Equal((UInt128)900_000, evidence.AmountFen);
        Assert.Equal(Keccak.Hash("PAY-2026-0500"), evidence.DocumentHash);

        // A retry is the same correction; the document's old figures are no longer its entry.
        var retried = await cluster.Lending.FundFlow.CorrectSpendingAsync(correction);
        Assert.Equal(corrected.Transaction, retried.Transaction);
        Assert.Equal(corrected.Evidence.RecordHash, retried.Evidence.RecordHash);
        await Refusals.ExpectAsync(
            () => cluster.Lending.FundFlow.RecordSpendingAsync(new SpendingEntry(loan, SpendCategory.RnDEquipment, 1_000_000, "91450200MA5K000007", "PAY-2026-0500")),
            StatusCode.AlreadyExists, "LEDGER-1545");

        // Corrected again under another document: the current entry (the first correction) is the one replaced.
        var moved = await cluster.Lending.FundFlow.CorrectSpendingAsync(correction with { Category = SpendCategory.RnDMaterials, NewEvidenceDocument = "INV-2026-0501" });
        Assert.False(moved.Deviated);
        state = await cluster.Lending.FundFlow.GetAsync(loan);
        Assert.Equal((UInt128)900_000, state.ByCategoryFen[(int)SpendCategory.RnDMaterials]);
        Assert.Equal((UInt128)0, state.NonRndFen);
        Assert.Equal(3u, state.EntryCount);
        await Refusals.ExpectAsync(
            () => cluster.Lending.FundFlow.CorrectSpendingAsync(new SpendingCorrection(loan, "INV-2026-0501", SpendCategory.RnDMaterials, 900_000, "an office landlord")),
            StatusCode.InvalidArgument, "LEDGER-1520");
    }

    /// <summary>An R&amp;D loan of bank.ccb to the A-rated enterprise, with its fund-flow ledger opened.</summary>
    private async Task<LoanId> RndLoanAsync(string reference, UInt128 amount, ushort maxNonRndBps)
    {
        var (consent, _) = await cluster.ConsentAsync(cluster.RatedA);
        var decision = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consent));
        Assert.True(decision.Approved);
        var loan = await cluster.Lending.Bank.DisburseAsync(new Disbursement(decision.DecisionHash, reference, amount, LoanPurpose.RnD) { MaxNonRndBps = maxNonRndBps });
        Assert.Equal(LoanPurpose.RnD, loan.Purpose);
        return loan.LoanId;
    }
}
