using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Bank;
using Ledger.Node.Bank.UseCases;
using Ledger.Node.Hosting;
using LendingChain = Ledger.Node.Tests.Unit.LendingUseCaseTests.Chain;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The bank's side of guarantees (invite, withdraw the invitation, cancel, accept an agreement, enrol a loan) and its
/// claim withdrawal as use cases over the lending chain port (issue 12): the guarantee book and the fund are in-memory
/// here; LendingTests, BatchAgreementTests, DefaultPathTests and CompensationTests run the same steps against a real chain and real nodes.
/// </summary>
public sealed class ArrangeGuaranteeTests
{
    private static readonly OrgId Bank = LendingUseCaseTests.Bank;
    private static readonly OrgId OtherBank = LendingUseCaseTests.OtherBank;
    private static readonly OrgId Guarantor = OrgId.FromCode("guar.first");
    private static readonly LoanId Own = LoanId.FromReference(Bank, "CCB-1");
    private static readonly LoanId Others = LoanId.FromReference(OtherBank, "ICBC-1");
    private static readonly LoanId Missing = LoanId.FromReference(Bank, "none");
    private static readonly AgreementId Agreement = AgreementId.FromReference(Guarantor, "AGR-1");
    private static readonly FundId Fund = new(Keccak.Hash("fund"));

    private static LendingChain LoanBook()
    {
        var chain = new LendingChain();
        chain.Loans[Own] = new LoanOnChain(Own, LoanStatus.Active, Bank, default, 100_000_00, LoanPurpose.WorkingCapital);
        chain.Loans[Others] = new LoanOnChain(Others, LoanStatus.Active, OtherBank, default, 100_000_00, LoanPurpose.WorkingCapital);
        return chain;
    }

    [Fact]
    public async Task Invite_IsKeyedByItsTermsAndTheHead_SoTheSameInvitationLaterIsANewOne()
    {
        var chain = LoanBook();
        var useCase = new ArrangeGuarantee(chain);

        await useCase.InviteAsync(Own, Guarantor, 8_000, 5_000_00, CancellationToken.None);
        await useCase.InviteAsync(Own, Guarantor, 8_000, 5_000_00, CancellationToken.None);
        chain.LatestBlock = 101;
        await useCase.InviteAsync(Own, Guarantor, 8_000, 5_000_00, CancellationToken.None);

        Assert.Equal(
            [$"invite:{Own}:{Guarantor.Value}:8000:500000:100", $"invite:{Own}:{Guarantor.Value}:8000:500000:100", $"invite:{Own}:{Guarantor.Value}:8000:500000:101"],
            chain.Sent.Select(s => s.Key));
        Assert.All(chain.Sent, s => Assert.Equal(("inviteGuarantor", (object)(Own, Guarantor, (ushort)8_000, (UInt128)5_000_00)), (s.Call, s.Args)));
    }

    [Fact]
    public async Task WithdrawInvitation_IsKeyedByTheHead()
    {
        var chain = LoanBook();
        chain.LatestBlock = 4242;

        await new ArrangeGuarantee(chain).WithdrawInvitationAsync(Own, CancellationToken.None);

        var sent = Assert.Single(chain.Sent);
        Assert.Equal(("withdrawInvitation", $"withdraw-invitation:{Own}:4242", (object)Own), (sent.Call, sent.Key, sent.Args));
    }

    [Fact]
    public async Task Cancel_IsKeyedByTheGuaranteeItCancels_SoALaterGuaranteeOfTheLoanIsCancelledAgain()
    {
        var chain = LoanBook();
        var useCase = new ArrangeGuarantee(chain);
        chain.Guarantees[Own] = new GuaranteeOnChain(Guarantor, 1_750_000_000);

        await useCase.CancelAsync(Own, CancellationToken.None);
        chain.Guarantees[Own] = new GuaranteeOnChain(Guarantor, 1_750_086_400);
        await useCase.CancelAsync(Own, CancellationToken.None);

        Assert.Equal(
            [$"cancel-guarantee:{Own}:{Guarantor.Value}:1750000000", $"cancel-guarantee:{Own}:{Guarantor.Value}:1750086400"],
            chain.Sent.Select(s => s.Key));
        Assert.All(chain.Sent, s => Assert.Equal(("cancelGuarantee", (object)Own), (s.Call, s.Args)));
    }

    [Fact]
    public async Task AcceptAgreement_ReadsNoLoan_AndIsKeyedByTheAgreement()
    {
        var chain = new LendingChain();

        await new ArrangeGuarantee(chain).AcceptAgreementAsync(Agreement);

        var sent = Assert.Single(chain.Sent);
        Assert.Equal(("acceptAgreement", $"agreement-accept:{Agreement}", (object)Agreement), (sent.Call, sent.Key, sent.Args));
        Assert.Empty(chain.LoansRead);
    }

    [Fact]
    public async Task Enroll_IsKeyedByTheAgreementAndTheLoan()
    {
        var chain = LoanBook();

        await new ArrangeGuarantee(chain).EnrollAsync(Agreement, Own, CancellationToken.None);

        var sent = Assert.Single(chain.Sent);
        Assert.Equal(("enrollLoan", $"enroll:{Agreement}:{Own}", (object)(Agreement, Own)), (sent.Call, sent.Key, sent.Args));
    }

    public static TheoryData<string> LoanSteps => ["invite", "withdraw-invitation", "cancel", "enroll", "withdraw-claim"];

    private static Task<ChainConfirmation> Step(LendingChain chain, string step, LoanId loan)
    {
        var guarantees = new ArrangeGuarantee(chain);
        return step switch
        {
            "invite" => guarantees.InviteAsync(loan, Guarantor, 1, 0, CancellationToken.None),
            "withdraw-invitation" => guarantees.WithdrawInvitationAsync(loan, CancellationToken.None),
            "cancel" => guarantees.CancelAsync(loan, CancellationToken.None),
            "enroll" => guarantees.EnrollAsync(Agreement, loan, CancellationToken.None),
            _ => new WithdrawClaim(chain).WithdrawAsync(Fund, loan, CancellationToken.None),
        };
    }

    [Theory]
    [MemberData(nameof(LoanSteps))]
    public async Task EachLoanStep_OnNoLoan_1546_OrAnotherBanksLoan_1518_ReadsNoGuarantee_AndSendsNothing(string step)
    {
        var chain = LoanBook();

        var missing = await Assert.ThrowsAsync<LedgerException>(() => Step(chain, step, Missing));
        var notOurs = await Assert.ThrowsAsync<LedgerException>(() => Step(chain, step, Others));

        Assert.Equal(BankErrors.UnknownLoanCode, missing.Code);
        Assert.Equal(NodeErrors.NotPartyCode, notOurs.Code);
        Assert.Equal([Missing, Others], chain.LoansRead);
        Assert.Equal(0, chain.GuaranteeReads);
        Assert.Empty(chain.Sent);
    }

    [Theory]
    [MemberData(nameof(LoanSteps))]
    public async Task EachLoanStep_TheChainsRefusal_PassesThroughUnchanged(string step)
    {
        var chain = LoanBook();
        var refusal = new LedgerException("LEDGER-1266", ErrorCategory.FailedPrecondition, "The guarantee book refused.");
        chain.FailSends = refusal;

        Assert.Same(refusal, await Assert.ThrowsAsync<LedgerException>(() => Step(chain, step, Own)));
        Assert.Empty(chain.Sent);
    }

    [Fact]
    public async Task WithdrawClaim_IsKeyedByTheFundTheLoanAndTheHead_SoARefiledClaimCanBeWithdrawnAgain()
    {
        var chain = LoanBook();
        var useCase = new WithdrawClaim(chain);

        await useCase.WithdrawAsync(Fund, Own, CancellationToken.None);
        chain.LatestBlock = 200;
        await useCase.WithdrawAsync(Fund, Own, CancellationToken.None);

        Assert.Equal([$"withdraw-claim:{Fund}:{Own}:100", $"withdraw-claim:{Fund}:{Own}:200"], chain.Sent.Select(s => s.Key));
        Assert.All(chain.Sent, s => Assert.Equal(("withdrawClaim", (object)(Fund, Own)), (s.Call, s.Args)));
    }
}
