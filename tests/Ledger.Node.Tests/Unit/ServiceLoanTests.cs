using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Node.Bank;
using Ledger.Node.Bank.UseCases;
using Ledger.Node.Hosting;
using LendingChain = Ledger.Node.Tests.Unit.LendingUseCaseTests.Chain;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The bank's loan servicing (repayment, overdue, back to current, default) as a use case over the lending chain port
/// (issue 12): the loan book is in-memory here; LendingTests and DefaultPathTests service real loans on a real chain.
/// </summary>
public sealed class ServiceLoanTests
{
    private static readonly OrgId Bank = LendingUseCaseTests.Bank;
    private static readonly OrgId OtherBank = LendingUseCaseTests.OtherBank;
    private static readonly LoanId Own = LoanId.FromReference(Bank, "CCB-1");
    private static readonly LoanId Others = LoanId.FromReference(OtherBank, "ICBC-1");
    private static readonly LoanId Missing = LoanId.FromReference(Bank, "none");

    private static (ServiceLoan UseCase, LendingChain Chain) Servicing()
    {
        var chain = new LendingChain();
        chain.Loans[Own] = new LoanOnChain(Own, LoanStatus.Active, Bank, default, 100_000_00, LoanPurpose.WorkingCapital);
        chain.Loans[Others] = new LoanOnChain(Others, LoanStatus.Active, OtherBank, default, 100_000_00, LoanPurpose.WorkingCapital);
        return (new ServiceLoan(chain), chain);
    }

    [Fact]
    public async Task Repay_IsSentWithoutAKey_SoTheSameAmountAgainIsASecondRepayment()
    {
        var (useCase, chain) = Servicing();

        var first = await useCase.RepayAsync(Own, 1_000_00, 50_00, CancellationToken.None);
        var second = await useCase.RepayAsync(Own, 1_000_00, 50_00, CancellationToken.None);

        Assert.Equal(2, chain.Sent.Count);
        Assert.All(chain.Sent, s => Assert.Equal(("recordRepayment", (string?)null, (object)(Own, (UInt128)1_000_00, (UInt128)50_00)), (s.Call, s.Key, s.Args)));
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public async Task Repay_OfInterestOnly_OrPrincipalOnly_IsARepayment(int principal, int interest)
    {
        var (useCase, chain) = Servicing();

        await useCase.RepayAsync(Own, (UInt128)principal, (UInt128)interest, CancellationToken.None);

        Assert.Equal((object)(Own, (UInt128)principal, (UInt128)interest), Assert.Single(chain.Sent).Args);
    }

    [Fact]
    public async Task Repay_OfNothing_IsRefused_1520_BeforeTheLoanIsRead()
    {
        var (useCase, chain) = Servicing();

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.RepayAsync(Own, 0, 0, CancellationToken.None));

        Assert.Equal(NodeErrors.InvalidFieldCode, error.Code);
        Assert.Empty(chain.LoansRead);
        Assert.Empty(chain.Sent);
    }

    [Fact]
    public async Task MarkOverdue_AndMarkCurrent_AreSentWithoutAKey_SoALoanMayFallBehindAndRecoverAgain()
    {
        var (useCase, chain) = Servicing();

        await useCase.MarkOverdueAsync(Own, 31, 2_000_00, CancellationToken.None);
        await useCase.MarkCurrentAsync(Own, CancellationToken.None);
        await useCase.MarkOverdueAsync(Own, 31, 2_000_00, CancellationToken.None);

        var overdue = (object)(Own, (ushort)31, (UInt128)2_000_00);
        Assert.Equal(
            new (string, string?, object)[] { ("markOverdue", null, overdue), ("markCurrent", null, Own), ("markOverdue", null, overdue) },
            chain.Sent);
    }

    [Fact]
    public async Task DeclareDefault_IsDeclaredOnce_UnderTheLoansKey()
    {
        var (useCase, chain) = Servicing();

        await useCase.DeclareDefaultAsync(Own, 40_000_00, CancellationToken.None);
        await useCase.DeclareDefaultAsync(Own, 40_000_00, CancellationToken.None);

        Assert.Equal(2, chain.Sent.Count);
        Assert.All(chain.Sent, s => Assert.Equal(("declareDefault", $"default:{Own}", (object)(Own, (UInt128)40_000_00)), (s.Call, s.Key, s.Args)));
    }

    public static TheoryData<string> Steps => ["repay", "overdue", "current", "default"];

    private static Task<ChainConfirmation> Step(ServiceLoan useCase, string step, LoanId loan) => step switch
    {
        "repay" => useCase.RepayAsync(loan, 1, 0, CancellationToken.None),
        "overdue" => useCase.MarkOverdueAsync(loan, 1, 1, CancellationToken.None),
        "current" => useCase.MarkCurrentAsync(loan, CancellationToken.None),
        _ => useCase.DeclareDefaultAsync(loan, 1, CancellationToken.None),
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task EachStep_OnNoLoan_1546_OrAnotherBanksLoan_1518_SendsNothing(string step)
    {
        var (useCase, chain) = Servicing();

        var missing = await Assert.ThrowsAsync<LedgerException>(() => Step(useCase, step, Missing));
        var notOurs = await Assert.ThrowsAsync<LedgerException>(() => Step(useCase, step, Others));

        Assert.Equal(BankErrors.UnknownLoanCode, missing.Code);
        Assert.Equal(NodeErrors.NotPartyCode, notOurs.Code);
        Assert.Empty(chain.Sent);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task EachStep_TheLoanBooksRefusal_PassesThroughUnchanged(string step)
    {
        var (useCase, chain) = Servicing();
        var refusal = new LedgerException("LEDGER-1256", ErrorCategory.FailedPrecondition, "The loan is not in a status that allows this.");
        chain.FailSends = refusal;

        var error = await Assert.ThrowsAsync<LedgerException>(() => Step(useCase, step, Own));

        Assert.Same(refusal, error);
        Assert.Empty(chain.Sent);
    }
}
