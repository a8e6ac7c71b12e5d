using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Bank;
using Proto = Ledger.Api.V1;

namespace Ledger.Node.Tests.Bank;

/// <summary>The bank's loan list folded from its index's LoanBook events (no chain, no processes).</summary>
public sealed class LoanIndexTests
{
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    private static readonly OrgId Other = OrgId.FromCode("bank.icbc");
    private static int _log;

    [Fact]
    public void Fold_DisbursedRepaidInFull_IsRepaidWithNothingOutstanding()
    {
        var loan = Keccak.Hash("loan-1").ToString();
        var loans = LoanIndex.Fold([Disbursed(loan, Bank, 1_000_000), Repaid(loan, Bank, 400_000), Repaid(loan, Bank, 0)], Bank);

        var only = Assert.Single(loans);
        Assert.Equal(Proto.LoanStatus.Repaid, only.Status);
        Assert.Equal("0", only.OutstandingFen);
        Assert.Equal("1000000", only.AmountFen);
        Assert.Equal("SHUIYIDAI", only.Product);
        Assert.Equal(Proto.LoanPurpose.Rnd, only.Purpose);
    }

    [Fact]
    public void Fold_OverdueBackToCurrentThenDefaulted_EndsDefaultedWithTheLoss()
    {
        var loan = Keccak.Hash("loan-2").ToString();
        var loans = LoanIndex.Fold(
            [Disbursed(loan, Bank, 2_000_000), Overdue(loan, Bank), Event(new LoanBackToCurrent(LoanId.Parse(loan), Bank, Enterprise)), Overdue(loan, Bank),
             Event(new LoanDefaulted(LoanId.Parse(loan), Bank, Enterprise, 1_500_000))],
            Bank);

        var only = Assert.Single(loans);
        Assert.Equal(Proto.LoanStatus.Defaulted, only.Status);
        Assert.Equal("1500000", only.LossFen);
    }

    [Fact]
    public void Fold_AnotherBanksLoansAndEventsOfUnknownLoans_AreLeftOut()
    {
        var mine = Keccak.Hash("loan-3").ToString();
        var theirs = Keccak.Hash("loan-4").ToString();
        var loans = LoanIndex.Fold(
            [Disbursed(theirs, Other, 5), Disbursed(mine, Bank, 7), Repaid(Keccak.Hash("loan-5").ToString(), Bank, 0), Repaid(theirs, Other, 0)],
            Bank);

        Assert.Equal(mine, Assert.Single(loans).LoanId);
        Assert.Equal(Proto.LoanStatus.Active, loans[0].Status);
    }

    private static readonly EnterpriseHash Enterprise = new(Keccak.Hash("enterprise"));

    private static ChainEvent Disbursed(string loan, OrgId bank, long amount) => Event(new LoanDisbursed(
        LoanId.Parse(loan), bank, Enterprise, ProductCode.FromCode("SHUIYIDAI"), (UInt128)amount, 365, 12, LoanPurpose.RnD,
        new ConsentId(Keccak.Hash("consent")), new DecisionHash(Keccak.Hash("decision"))));

    private static ChainEvent Repaid(string loan, OrgId bank, long outstanding) =>
        Event(new LoanRepaid(LoanId.Parse(loan), bank, Enterprise, 1, 0, (UInt128)outstanding));

    private static ChainEvent Overdue(string loan, OrgId bank) => Event(new LoanOverdue(LoanId.Parse(loan), bank, Enterprise, 30, 100));

    // In the stored form the node's audit index keeps (what the indexer decodes).
    private static ChainEvent Event<T>(T args)
        where T : class, ITypedChainEvent<T>
    {
        var index = Interlocked.Increment(ref _log);
        return ChainEvent.Of(args, 10, 1_767_225_600, Keccak.Hash($"tx{index}"), index);
    }
}
