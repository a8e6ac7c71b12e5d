using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Guarantor.UseCases;
using Ledger.Node.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The guarantor's side of a guarantee (guarantee a loan, propose and terminate a batch agreement) as a use case over
/// the guarantee book's port (issue 12): the book is in-memory here; LendingTests, BatchAgreementTests and
/// DefaultPathTests run the same steps against a real chain and real nodes.
/// </summary>
public sealed class GiveGuaranteeTests
{
    private static readonly OrgId Guarantor = OrgId.FromCode("guar.first");
    private static readonly OrgId OtherGuarantor = OrgId.FromCode("guar.second");
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    private static readonly LoanId Loan = LoanId.FromReference(Bank, "CCB-1");
    private const ulong Now = 1_780_000_000;

    /// <summary>
    /// An in-memory guarantee book: a loan's bank, the guarantor it invited and the block of the invitation; a guarantee
    /// by a guarantor not invited is refused as the contract refuses it; a key is sent once (as the journal does).
    /// </summary>
    private sealed class Book : IGuaranteeChain
    {
        private ulong _block = 60;
        private readonly Dictionary<string, ChainConfirmation> _journal = [];

        public OrgId Guarantor { get; } = GiveGuaranteeTests.Guarantor;

        public ulong LatestBlockTime { get; set; } = Now - 5;

        public Dictionary<LoanId, (OrgId Bank, OrgId Invited, ulong Block)> Invitations { get; } = [];

        public LedgerException? FailInvitationRead { get; set; }

        public LedgerException? FailSends { get; set; }

        public List<(string Call, string Key, object Args)> Sent { get; } = [];

        public Task<ulong> LatestInvitationBlockAsync(LoanId loan) =>
            Task.FromResult(Invitations.TryGetValue(loan, out var invitation) ? invitation.Block : 0UL);

        public Task<(OrgId Bank, OrgId Invited)> InvitationAsync(LoanId loan)
        {
            if (FailInvitationRead is { } failure)
            {
                return Task.FromException<(OrgId, OrgId)>(failure);
            }
            return Task.FromResult(Invitations.TryGetValue(loan, out var i) ? (i.Bank, i.Invited) : (Bank, new OrgId(default)));
        }

        public Task<ChainConfirmation> GuaranteeLoanAsync(LoanId loan, ushort coverageBps, UInt128 feeFen, string key)
        {
            if (!Invitations.TryGetValue(loan, out var invitation) || invitation.Invited != Guarantor)
            {
                return Task.FromException<ChainConfirmation>(new GuarantorNotInvitedException(
                    "LEDGER-1266", ErrorCategory.PermissionDenied, "GuaranteeNotInvited", new InvalidOperationException("the contract's revert")));
            }
            return Send("guaranteeLoan", key, (loan, coverageBps, feeFen));
        }

        public Task<ChainConfirmation> ProposeAgreementAsync(
            string reference, OrgId bank, ushort coverageBps, ushort feeBps, UInt128 perLoanLimitFen, UInt128 totalLimitFen, ulong validUntil, string key) =>
            Send("proposeAgreement", key, (reference, bank, coverageBps, feeBps, perLoanLimitFen, totalLimitFen, validUntil));

        public Task<ChainConfirmation> TerminateAgreementAsync(AgreementId agreement, string key) => Send("terminateAgreement", key, agreement);

        private Task<ChainConfirmation> Send(string call, string key, object args)
        {
            if (FailSends is { } refusal)
            {
                return Task.FromException<ChainConfirmation>(refusal);
            }
            if (_journal.TryGetValue(key, out var earlier))
            {
                return Task.FromResult(earlier);
            }
            Sent.Add((call, key, args));
            return Task.FromResult(_journal[key] = new ChainConfirmation(Keccak.Hash(key), ++_block, 1));
        }
    }

    private static (GiveGuarantee UseCase, Book Book) Create()
    {
        var book = new Book();
        return (new GiveGuarantee(book, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds((long)Now))), book);
    }

    [Fact]
    public async Task Guarantee_IsKeyedByItsTermsAndTheInvitationsBlock_SoARetryIsOneGuarantee_AndAnotherInvitationAnother()
    {
        var (useCase, book) = Create();
        book.Invitations[Loan] = (Bank, Guarantor, 50);

        var first = await useCase.GuaranteeAsync(Loan, 8_000, 1_000_00);
        var retry = await useCase.GuaranteeAsync(Loan, 8_000, 1_000_00);
        book.Invitations[Loan] = (Bank, Guarantor, 75); // the bank cancelled the guarantee and invited again
        var again = await useCase.GuaranteeAsync(Loan, 8_000, 1_000_00);

        Assert.Equal(first, retry);
        Assert.NotEqual(first, again);
        Assert.Equal([$"guarantee:{Loan}:8000:100000:50", $"guarantee:{Loan}:8000:100000:75"], book.Sent.Select(s => s.Key));
        Assert.All(book.Sent, s => Assert.Equal(("guaranteeLoan", (object)(Loan, (ushort)8_000, (UInt128)1_000_00)), (s.Call, s.Args)));
    }

    [Fact]
    public async Task Guarantee_NotInvitedAtAll_IsTheContractsCode_AsAStepTheBankHasNotTaken_NamingTheBank()
    {
        var (useCase, book) = Create();

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.GuaranteeAsync(Loan, 8_000, 0));

        Assert.Equal(("LEDGER-1266", ErrorCategory.FailedPrecondition), (error.Code, error.Category));
        Assert.Equal(
            $"bank.ccb has not invited guar.first to guarantee loan {Loan.Value.ToShortString()}; a guarantor guarantees only a loan its bank offers it, so ask bank.ccb to invite guar.first (Lending.InviteGuarantor) first.",
            error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException); // the contract's refusal inside, as before
        Assert.Empty(book.Sent);
    }

    [Fact]
    public async Task Guarantee_AnotherGuarantorInvited_NamesWhomTheBankInvited()
    {
        var (useCase, book) = Create();
        book.Invitations[Loan] = (Bank, OtherGuarantor, 50);

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.GuaranteeAsync(Loan, 8_000, 0));

        Assert.Equal(("LEDGER-1266", ErrorCategory.FailedPrecondition), (error.Code, error.Category));
        Assert.Equal(
            $"bank.ccb invited guar.second, not guar.first, to guarantee loan {Loan.Value.ToShortString()}; only the invited guarantor can guarantee it, so ask bank.ccb to invite guar.first instead.",
            error.Message);
        Assert.Empty(book.Sent);
    }

    [Fact]
    public async Task Guarantee_NotInvited_WhenTheInvitationCannotBeRead_SaysSoWithoutNamingTheBank()
    {
        var (useCase, book) = Create();
        book.FailInvitationRead = new LedgerException("LEDGER-1600", ErrorCategory.Unavailable, "The chain cannot be reached.");

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.GuaranteeAsync(Loan, 8_000, 0));

        Assert.Equal(("LEDGER-1266", ErrorCategory.FailedPrecondition), (error.Code, error.Category));
        Assert.Equal($"guar.first was not invited to guarantee loan {Loan.Value.ToShortString()}; ask the lending bank to invite it (Lending.InviteGuarantor) first.", error.Message);
    }

    [Fact]
    public async Task Guarantee_TheBooksOtherRefusals_PassThroughUnchanged()
    {
        var (useCase, book) = Create();
        book.Invitations[Loan] = (Bank, Guarantor, 50);
        var refusal = new LedgerException("LEDGER-1267", ErrorCategory.FailedPrecondition, "The coverage is below the bank's minimum.");
        book.FailSends = refusal;

        Assert.Same(refusal, await Assert.ThrowsAsync<LedgerException>(() => useCase.GuaranteeAsync(Loan, 100, 0)));
    }

    [Fact]
    public async Task ProposeAgreement_TheIdDerivesFromTheGuarantorAndReference_AndTheKeyHoldsEveryTerm()
    {
        var (useCase, book) = Create();

        var proposed = await useCase.ProposeAgreementAsync("AGR-1", Bank, 7_000, 150, 500_000_00, 5_000_000_00, Now + 86_400);
        var retry = await useCase.ProposeAgreementAsync("AGR-1", Bank, 7_000, 150, 500_000_00, 5_000_000_00, Now + 86_400);

        var id = AgreementId.FromReference(Guarantor, "AGR-1");
        Assert.Equal(proposed, retry);
        Assert.Equal(id, proposed.Agreement);
        var sent = Assert.Single(book.Sent);
        Assert.Equal($"agreement:{id}:{Bank.Value}:7000:150:50000000:500000000:{Now + 86_400}", sent.Key);
        Assert.Equal(("proposeAgreement", (object)("AGR-1", Bank, (ushort)7_000, (ushort)150, (UInt128)500_000_00, (UInt128)5_000_000_00, Now + 86_400)), (sent.Call, sent.Args));
    }

    [Theory]
    [InlineData("0", "100")]
    [InlineData("200", "100")]
    public async Task ProposeAgreement_LimitsNotZeroBelowPerLoanBelowTotal_AreRefused_1520_SendingNothing(string perLoan, string total)
    {
        var (useCase, book) = Create();

        var error = await Assert.ThrowsAsync<LedgerException>(() =>
            useCase.ProposeAgreementAsync("AGR-1", Bank, 7_000, 150, UInt128.Parse(perLoan), UInt128.Parse(total), Now + 86_400));

        Assert.Equal(NodeErrors.InvalidFieldCode, error.Code);
        Assert.Contains($"per_loan_limit_fen {perLoan} and total_limit_fen {total}", error.Message, StringComparison.Ordinal);
        Assert.Empty(book.Sent);
    }

    [Fact]
    public async Task ProposeAgreement_ValidUntil_MustBePastTheLaterOfTheChainsAndTheNodesClocks_AndWithin40Bits()
    {
        var (useCase, book) = Create();
        book.LatestBlockTime = Now + 100; // a test chain running ahead of the wall clock

        var atChainTime = await Assert.ThrowsAsync<LedgerException>(() => useCase.ProposeAgreementAsync("AGR-1", Bank, 7_000, 0, 1, 1, Now + 100));
        var past40Bits = await Assert.ThrowsAsync<LedgerException>(() => useCase.ProposeAgreementAsync("AGR-1", Bank, 7_000, 0, 1, 1, 0x100_0000_0000));
        book.LatestBlockTime = Now - 100;
        var atWallTime = await Assert.ThrowsAsync<LedgerException>(() => useCase.ProposeAgreementAsync("AGR-1", Bank, 7_000, 0, 1, 1, Now));

        Assert.All([atChainTime, past40Bits, atWallTime], e => Assert.Equal(NodeErrors.InvalidFieldCode, e.Code));
        Assert.Contains($"(now is {Now + 100})", atChainTime.Message, StringComparison.Ordinal);
        Assert.Contains($"(now is {Now})", atWallTime.Message, StringComparison.Ordinal);
        Assert.Empty(book.Sent);
        await useCase.ProposeAgreementAsync("AGR-1", Bank, 7_000, 0, 1, 1, 0xFF_FFFF_FFFF);
        Assert.Single(book.Sent);
    }

    [Fact]
    public async Task TerminateAgreement_IsKeyedByTheAgreement_AndTheBooksRefusalPassesThrough()
    {
        var (useCase, book) = Create();
        var agreement = AgreementId.FromReference(Guarantor, "AGR-1");

        var first = await useCase.TerminateAgreementAsync(agreement);
        var retry = await useCase.TerminateAgreementAsync(agreement);
        var refusal = new LedgerException("LEDGER-1263", ErrorCategory.PermissionDenied, "Not this guarantor's agreement.");
        book.FailSends = refusal;

        Assert.Equal(first, retry);
        Assert.Equal(("terminateAgreement", $"terminate:{agreement}", (object)agreement), Assert.Single(book.Sent));
        Assert.Same(refusal, await Assert.ThrowsAsync<LedgerException>(() => useCase.TerminateAgreementAsync(AgreementId.FromReference(Guarantor, "AGR-2"))));
    }
}
