using System.Numerics;
using Ledger.Chain.Contracts.GuaranteeBook.ContractDefinition;
using Ledger.Chain.Contracts.RiskCompensationFund.ContractDefinition;
using Ledger.Chain.Errors;
using Ledger.Chain.Indexing;
using Ledger.Chain.Tests.Support;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using static Ledger.Chain.Tests.Support.Reverts;
using MembershipWrongOrganizationError = Ledger.Chain.Contracts.GuaranteeBook.ContractDefinition.MembershipWrongOrganizationError;

namespace Ledger.Chain.Tests;

public class LendingTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static readonly ProductCode ShuiYiDai = ProductCode.FromCode("SHUIYIDAI");

    private async Task<LoanId> DisburseAsync(string reference, UInt128 amountFen, LoanPurpose purpose)
    {
        var consentId = await fixture.GrantAsync(LedgerFixture.Terms());
        var decision = new DecisionHash(Keccak.Hash("decision/" + reference));
        await fixture.BankOperator.RecordDecisionAsync(decision, consentId, approved: true);
        var loanId = LoanId.FromReference(LedgerFixture.Bank, reference);
        var disbursed = await fixture.BankOperator.DisburseAsync(reference, decision, ShuiYiDai, amountFen, 435, 12, purpose);
        // The contract derives the loan id from the bank and its reference, as the C# side does.
        Assert.Equal((byte)LoanStatus.Active, (await fixture.BankOperator.LoanAsync(loanId)).Status);
        Assert.True(disbursed.BlockNumber > 0);
        return loanId;
    }

    [Fact]
    public async Task Loan_FullLifeWithGuaranteeAndCompensation_PaysTheFundShareOfTheNetLoss()
    {
        var loanId = await DisburseAsync("L-2025-0001", 100_000_000, LoanPurpose.WorkingCapital); // 1,000,000 CNY
        var fundId = FundId.FromReference(LedgerFixture.Regulator, "fund/liuzhou/2025");
        await fixture.RegulatorOperator.CreateFundAsync("fund/liuzhou/2025", 5_000, 50_000_000, [ShuiYiDai]);
        Assert.True((await fixture.BankOperator.FundAsync(fundId)).Exists); // the id the contract derived

        // The guarantor may only guarantee once the bank invites it.
        var (_, notInvited) = await Reverts.WithAsync<GuaranteeNotInvitedError>("LEDGER-1266", () => fixture.GuarantorOperator.GuaranteeLoanAsync(loanId, 6_000, 500_000));
        Assert.Equal(LedgerFixture.Guarantor, OrgOf(notInvited.GuarantorOrg));
        await fixture.BankOperator.InviteGuarantorAsync(loanId, LedgerFixture.Guarantor, 5_000, 800_000);
        // Outside the bank's terms (at least 50 % coverage, at most 8,000 CNY fee) the guarantee is refused.
        var (_, outside) = await Reverts.WithAsync<GuaranteeOutsideInvitationError>("LEDGER-1851", () => fixture.GuarantorOperator.GuaranteeLoanAsync(loanId, 4_000, 500_000));
        Assert.Equal((ushort)5_000, outside.MinCoverageBps);
        await fixture.GuarantorOperator.GuaranteeLoanAsync(loanId, 6_000, 500_000);

        await fixture.BankOperator.RecordRepaymentAsync(loanId, 20_000_000, 350_000);
        await fixture.BankOperator.MarkOverdueAsync(loanId, 95, 10_000_000);
        await fixture.BankOperator.DeclareDefaultAsync(loanId, 80_000_000);
        var loan = await fixture.BankOperator.LoanAsync(loanId);
        Assert.Equal((byte)LoanStatus.Defaulted, loan.Status);
        Assert.Equal(new BigInteger(80_000_000), loan.LossFen);

        // The guarantor owes loss × coverage and pays it in instalments; within its grace period the fund waits.
        Assert.Equal(new BigInteger(48_000_000), await fixture.BankOperator.MaxPayoutAsync(loanId));
        var (tooHigh, _) = await Reverts.WithAsync<GuaranteePayoutTooHighError>("LEDGER-1272", () => fixture.GuarantorOperator.RecordPayoutAsync(loanId, 48_000_001));
        Assert.Contains("exceeds what the guarantor still owes, 480,000.00 CNY", tooHigh.Message, StringComparison.Ordinal);
        await fixture.GuarantorOperator.RecordPayoutAsync(loanId, 20_000_000);
        var (_, pending) = await Reverts.WithAsync<CompensationGuaranteePendingError>("LEDGER-1288", () => fixture.BankOperator.FileClaimAsync(fundId, loanId));
        Assert.Equal(new BigInteger(48_000_000), pending.ObligationFen);
        Assert.Equal(new BigInteger(20_000_000), pending.PaidFen);
        var (guarantor, obligation, paid) = await fixture.BankOperator.ObligationAsync(loanId);
        Assert.Equal((LedgerFixture.Guarantor, new BigInteger(48_000_000), new BigInteger(20_000_000)), (guarantor, obligation, paid));
        var (_, rest) = await Reverts.WithAsync<GuaranteePayoutTooHighError>("LEDGER-1272", () => fixture.GuarantorOperator.RecordPayoutAsync(loanId, 28_000_001));
        Assert.Equal(new BigInteger(28_000_000), rest.RemainingFen);
        await fixture.GuarantorOperator.RecordPayoutAsync(loanId, 28_000_000);

        await fixture.BankOperator.FileClaimAsync(fundId, loanId);
        Assert.Equal(fundId, await fixture.BankOperator.LiveClaimAsync(loanId));
        await fixture.RegulatorOperator.ApproveClaimAsync(fundId, loanId);

        var claim = await fixture.BankOperator.ClaimAsync(fundId, loanId);
        Assert.Equal(new BigInteger(32_000_000), claim.NetLossFen);  // loss − the guarantor's obligation
        Assert.Equal(new BigInteger(16_000_000), claim.DueFen);      // × 50 %
        Assert.Equal(new BigInteger(16_000_000), claim.PayoutFen);
        Assert.Equal(2, claim.Status);                              // Paid
        var fund = await fixture.BankOperator.FundAsync(fundId);
        Assert.Equal(new BigInteger(34_000_000), fund.BalanceFen);
        var guarantee = await fixture.BankOperator.GuaranteeAsync(loanId);
        Assert.True(guarantee.PaidOut);
    }

    [Fact]
    public async Task FundFlow_NonRnDSpendingAboveTheThreshold_RaisesFundFlowDeviatedSeenByTheIndexer()
    {
        var loanId = await DisburseAsync("L-2025-RD-7", 10_000_000, LoanPurpose.RnD);
        await fixture.BankOperator.OpenFundFlowAsync(loanId, 3_000); // at most 30 % outside R&D

        await fixture.BankOperator.RecordSpendingAsync(loanId, SpendCategory.RnDLabour, 4_000_000, Keccak.Hash("lab staff"), Keccak.Hash("payroll 2025-03"));
        await fixture.TaxOperator.RecordSpendingAsync(loanId, SpendCategory.RnDEquipment, 2_000_000, Keccak.Hash("instrument maker"), Keccak.Hash("invoice 4401"));
        await fixture.BankOperator.RecordSpendingAsync(loanId, SpendCategory.NonRnD, 3_000_000, Keccak.Hash("property company"), Keccak.Hash("office rent"));

        var ledger = await fixture.BankOperator.FundFlowAsync(loanId);
        Assert.True(ledger.Deviated);
        Assert.Equal(3u, ledger.EntryCount);
        Assert.Equal((ushort)6_667, await fixture.BankOperator.RdShareBpsAsync(loanId));

        var sink = new DedupingSink();
        await new EventIndexer(fixture.Chain.Rpc, fixture.Chain.Deployment, new MemoryCheckpoints(), sink).RunOnceAsync();
        var deviated = Assert.Single(sink.Events, e => e.Name == "FundFlowDeviated" && e.Args["loanId"] == loanId.Value.ToString());
        Assert.Equal("FundFlowTracker", deviated.Contract);
        Assert.Equal("3333", deviated.Args["nonRdShareBps"]);
        Assert.Equal("3000", deviated.Args["maxNonRdBps"]);
        Assert.Equal(LedgerFixture.Bank.Value.ToString(), deviated.Args["bankOrg"]);
    }

    [Fact]
    public async Task InviteGuarantor_ByAnotherBank_IsMembershipWrongOrganization()
    {
        var loanId = await DisburseAsync("L-2025-0099", 1_000_000, LoanPurpose.Trade);
        var (ex, error) = await Reverts.WithAsync<MembershipWrongOrganizationError>("LEDGER-1204", () => fixture.OtherBankOperator.InviteGuarantorAsync(loanId, LedgerFixture.Guarantor, 5_000, 100_000));
        Assert.Equal(LedgerFixture.Bank, OrgOf(error.ExpectedOrg));
        Assert.Equal(LedgerFixture.OtherBank, OrgOf(error.ActualOrg));
        Assert.Contains("operates bank.icbc.liuzhou, but this action belongs to bank.ccb.liuzhou", ex.Message, StringComparison.Ordinal);
    }
}
