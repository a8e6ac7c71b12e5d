using Ledger.Core.Consent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Bank;
using Ledger.Node.Bank.UseCases;
using Ledger.Node.Hosting;
using Ledger.Node.Services;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The bank's Decide, Disburse and FileClaim as use cases over ports (issue 12): chain, reports and stores are in-memory
/// here; LendingTests and the guarantee/compensation suites check the same flows against a real chain and real nodes.
/// </summary>
public sealed class LendingUseCaseTests
{
    internal static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    internal static readonly OrgId OtherBank = OrgId.FromCode("bank.icbc");
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 2, 0, 0, TimeSpan.Zero);
    private static readonly ConsentId Consent = new(new Hash32(Enumerable.Repeat((byte)0xC1, 32).ToArray()));
    private static readonly EnterpriseHash Enterprise = new(new Hash32(Enumerable.Repeat((byte)0xE1, 32).ToArray()));

    /// <summary>
    /// An in-memory chain: loans, guarantees and withdrawn claims it holds, every send in order (its key null when sent
    /// without one), the loans read, and failures on demand.
    /// </summary>
    internal sealed class Chain : ILendingChain
    {
        private ulong _block = 100;

        public OrgId Bank { get; init; } = LendingUseCaseTests.Bank;

        public ulong LatestBlock { get; set; } = 100;

        public Dictionary<LoanId, LoanOnChain> Loans { get; } = [];

        public HashSet<(FundId, LoanId)> Withdrawn { get; } = [];

        public HashSet<LoanId> FundFlowsOpen { get; } = [];

        public Dictionary<LoanId, GuaranteeOnChain> Guarantees { get; } = [];

        public List<(string Call, string? Key, object Args)> Sent { get; } = [];

        public List<LoanId> LoansRead { get; } = [];

        public int GuaranteeReads { get; private set; }

        public LedgerException? RefusePreflight { get; set; }

        public LedgerException? FailSends { get; set; }

        public int Preflights { get; private set; }

        public Dictionary<ConsentId, Scopes> ConsentScopes { get; } = [];

        public int ScopeReads { get; private set; }

        public Task<Scopes> ConsentScopesAsync(ConsentId consent, CancellationToken cancellationToken)
        {
            ScopeReads++;
            return Task.FromResult(ConsentScopes.GetValueOrDefault(consent));
        }

        public Task PreflightDecisionAsync(ConsentId consent, bool approved, CancellationToken cancellationToken)
        {
            Preflights++;
            return RefusePreflight is { } refusal ? Task.FromException(refusal) : Task.CompletedTask;
        }

        private Task<ChainConfirmation> Send(string call, string? key, object args)
        {
            if (FailSends is { } failure)
            {
                return Task.FromException<ChainConfirmation>(failure);
            }
            Sent.Add((call, key, args));
            _block++;
            return Task.FromResult(new ChainConfirmation(Keccak.Hash(key ?? $"{call}@{_block}"), _block, 1));
        }

        public Task<ChainConfirmation> RecordDecisionAsync(DecisionHash decision, ConsentId consent, bool approved, string key) =>
            Send("recordDecision", key, (decision, consent, approved));

        public Task<LoanOnChain> LoanAsync(LoanId loan, CancellationToken cancellationToken)
        {
            LoansRead.Add(loan);
            return Task.FromResult(Loans.GetValueOrDefault(loan) ?? new LoanOnChain(loan, LoanStatus.None, default, default, 0, default));
        }

        public async Task<ChainConfirmation> DisburseAsync(string reference, DecisionHash decision, ProductCode product, UInt128 amountFen, uint rateBps, ushort termMonths, LoanPurpose purpose, string key)
        {
            var tx = await Send("disburse", key, (reference, decision, product, amountFen, rateBps, termMonths, purpose)).ConfigureAwait(false);
            var id = LoanId.FromReference(Bank, reference);
            Loans[id] = new LoanOnChain(id, LoanStatus.Active, Bank, decision, amountFen, purpose);
            return tx;
        }

        public async Task<bool> OpenFundFlowAsync(LoanId loan, ushort maxNonRndBps, string key)
        {
            if (FundFlowsOpen.Contains(loan))
            {
                return false;
            }
            await Send("openFundFlow", key, (loan, maxNonRndBps)).ConfigureAwait(false);
            FundFlowsOpen.Add(loan);
            return true;
        }

        public Task<bool> ClaimWithdrawnAsync(FundId fund, LoanId loan, CancellationToken cancellationToken) => Task.FromResult(Withdrawn.Contains((fund, loan)));

        public Task<ChainConfirmation> FileClaimAsync(FundId fund, LoanId loan, string key) => Send("fileClaim", key, (fund, loan));

        public Task<ChainConfirmation> WithdrawClaimAsync(FundId fund, LoanId loan, string key) => Send("withdrawClaim", key, (fund, loan));

        public Task<ChainConfirmation> RecordRepaymentAsync(LoanId loan, UInt128 principalFen, UInt128 interestFen, string? key) =>
            Send("recordRepayment", key, (loan, principalFen, interestFen));

        public Task<ChainConfirmation> MarkOverdueAsync(LoanId loan, ushort daysOverdue, UInt128 overdueFen, string? key) =>
            Send("markOverdue", key, (loan, daysOverdue, overdueFen));

        public Task<ChainConfirmation> MarkCurrentAsync(LoanId loan, string? key) => Send("markCurrent", key, loan);

        public Task<ChainConfirmation> DeclareDefaultAsync(LoanId loan, UInt128 lossFen, string key) => Send("declareDefault", key, (loan, lossFen));

        public Task<ChainConfirmation> InviteGuarantorAsync(LoanId loan, OrgId guarantor, ushort minCoverageBps, UInt128 maxFeeFen, string key) =>
            Send("inviteGuarantor", key, (loan, guarantor, minCoverageBps, maxFeeFen));

        public Task<ChainConfirmation> WithdrawInvitationAsync(LoanId loan, string key) => Send("withdrawInvitation", key, loan);

        public Task<GuaranteeOnChain> GuaranteeAsync(LoanId loan, CancellationToken cancellationToken)
        {
            GuaranteeReads++;
            return Task.FromResult(Guarantees.GetValueOrDefault(loan) ?? new GuaranteeOnChain(default, 0));
        }

        public Task<ChainConfirmation> CancelGuaranteeAsync(LoanId loan, string key) => Send("cancelGuarantee", key, loan);

        public Task<ChainConfirmation> AcceptAgreementAsync(AgreementId agreement, string key) => Send("acceptAgreement", key, agreement);

        public Task<ChainConfirmation> EnrollLoanAsync(AgreementId agreement, LoanId loan, string key) => Send("enrollLoan", key, (agreement, loan));
    }

    /// <summary>In-memory reports: one report for the consent, granted to <see cref="Bank"/>; counts its reads.</summary>
    private sealed class Reports(TaxReport report) : IConsentReports
    {
        public int Reads { get; private set; }

        public Task<GrantedConsent> GrantAsync(ConsentId consent, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult(new GrantedConsent(
                consent,
                new ConsentTerms(
                    EthAddress.Parse("0x00000000000000000000000000000000000000e1"), Enterprise, Bank, OrgId.FromCode("tax.liuzhou"),
                    Scopes.TaxCreditRating | Scopes.TaxPayments, 1, 1, ulong.MaxValue, 0, ulong.MaxValue, 5, 3_600, 3_600, 1, 1),
                10, 1, null));
        }

        public Task<TaxReport> ReportAsync(ConsentId consent, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult(report);
        }
    }

    /// <summary>An in-memory decision ledger; it notes whether the decision's reasons were kept when it was accepted.</summary>
    private sealed class Decisions(Book book) : IDecisionLedger
    {
        public Dictionary<RecordHash, CreditDecisionRecord> Records { get; } = [];

        public bool ReasonsKeptFirst { get; private set; } = true;

        public Task<RecordHash> AcceptAsync(Func<ulong, CreditDecisionRecord> create)
        {
            var record = create((ulong)Records.Count + 1);
            ReasonsKeptFirst &= book.Reasons.ContainsKey(record.ReasonsHash);
            var hash = record.Hash();
            Records[hash] = record;
            return Task.FromResult(hash);
        }

        public CreditDecisionRecord? Find(RecordHash hash) => Records.GetValueOrDefault(hash);
    }

    private sealed class Book : ILendingBook
    {
        public Dictionary<Hash32, CreditReasons> Reasons { get; } = [];

        public Dictionary<LoanId, string> References { get; } = [];

        public void PutReasons(Hash32 reasonsHash, CreditReasons reasons) => Reasons[reasonsHash] = reasons;

        public void PutReference(LoanId loan, string reference) => References[loan] = reference;
    }

    /// <summary>A synthetic taxpayer the default product table approves (found deterministically by seed).</summary>
    private static TaxReport Report(bool approved)
    {
        var until = YearMonth.Of(DateOnly.FromDateTime(Now.ToOffset(TimeSpan.FromHours(8)).DateTime));
        return SyntheticTaxpayers.Generate(200, 20260101, DateOnly.FromDateTime(Now.DateTime))
            .Select(t => t.Report(Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices | Scopes.Judicial, until.AddMonths(-24), until, Now))
            .First(r => CreditDecider.Decide(r.ToProfile(), ProductTable.Default, Now).Approved == approved);
    }

    private static (DecideApplication UseCase, Chain Chain, Reports Reports, Decisions Decisions, Book Book) Decide(bool approved = true)
    {
        var chain = new Chain();
        var reports = new Reports(Report(approved));
        var book = new Book();
        var decisions = new Decisions(book);
        var useCase = new DecideApplication(reports, chain, decisions, book, ProductTable.Default, new FakeTimeProvider(Now), NullLogger<DecideApplication>.Instance);
        return (useCase, chain, reports, decisions, book);
    }

    [Fact]
    public async Task Decide_KeepsTheReasons_AcceptsTheRecord_AndRecordsItsHashOnChain()
    {
        var (useCase, chain, _, decisions, book) = Decide();

        var made = await useCase.DecideAsync(new DecideCommand(Consent, null, null), CancellationToken.None);

        Assert.True(made.Decision.Approved);
        var record = Assert.Single(decisions.Records).Value;
        Assert.Equal(made.Record, record.Hash());
        Assert.Equal((Consent, Bank, Enterprise), (record.ConsentId, record.Bank, record.Enterprise));
        Assert.Equal(made.Decision.CanonicalReasonsJson(), book.Reasons[record.ReasonsHash].ReasonsJson);
        Assert.True(decisions.ReasonsKeptFirst);
        var sent = Assert.Single(chain.Sent);
        Assert.Equal(("recordDecision", $"decision:{made.DecisionHash}"), (sent.Call, sent.Key));
        Assert.Equal((made.DecisionHash, Consent, true), ((DecisionHash, ConsentId, bool))sent.Args);
        Assert.Equal(chain.LatestBlock + 1, made.Tx.BlockNumber);
    }

    [Fact]
    public async Task Decide_AnUnknownProduct_IsRefusedBeforeAnythingIsFetched()
    {
        var (useCase, chain, reports, decisions, _) = Decide();

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.DecideAsync(new DecideCommand(Consent, ProductCode.FromCode("NOSUCH"), null), CancellationToken.None));

        Assert.Equal(ScoringErrors.UnknownProductCode, error.Code);
        Assert.Equal(0, reports.Reads);
        Assert.Empty(decisions.Records);
        Assert.Empty(chain.Sent);
    }

    [Fact]
    public async Task Decide_TheChainRefusingTheDecision_LeavesNothingWritten()
    {
        var (useCase, chain, _, decisions, book) = Decide();
        chain.RefusePreflight = new LedgerException("LEDGER-1250", ErrorCategory.FailedPrecondition, "The consent was revoked.");

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.DecideAsync(new DecideCommand(Consent, null, null), CancellationToken.None));

        Assert.Equal("LEDGER-1250", error.Code);
        Assert.Equal(1, chain.Preflights);
        Assert.Empty(book.Reasons);
        Assert.Empty(decisions.Records);
        Assert.Empty(chain.Sent);
    }

    [Fact]
    public async Task Decide_ARequestedAmountBelowTheLimit_BecomesTheLimit_AndTheReasonsSaySo()
    {
        var (free, _, _, _, _) = Decide();
        var limit = (UInt128)(await free.DecideAsync(new DecideCommand(Consent, null, null), CancellationToken.None)).Decision.LimitFen;
        var (useCase, _, _, decisions, _) = Decide();
        var requested = limit / 2;

        var made = await useCase.DecideAsync(new DecideCommand(Consent, null, requested), CancellationToken.None);

        Assert.Equal(requested, (UInt128)made.Decision.LimitFen);
        Assert.Equal(requested, Assert.Single(decisions.Records).Value.LimitFen);
        Assert.Contains(made.Decision.Reasons, r => r.StartsWith("Limit set to the", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Decide_ADeclinedDecision_IsRecordedToo_AndARequestedAmountDoesNotChangeIt()
    {
        var (useCase, chain, _, decisions, _) = Decide(approved: false);

        var made = await useCase.DecideAsync(new DecideCommand(Consent, null, 1_000_00), CancellationToken.None);

        Assert.False(made.Decision.Approved);
        Assert.False(Assert.Single(decisions.Records).Value.Approved);
        Assert.DoesNotContain(made.Decision.Reasons, r => r.Contains("requested", StringComparison.Ordinal));
        Assert.False((((DecisionHash, ConsentId, bool))Assert.Single(chain.Sent).Args).Item3);
    }

    private static CreditDecisionRecord DecisionRecord(bool approved = true, OrgId? bank = null, ulong limit = 500_000_00) => new(
        Consent, bank ?? Bank, Enterprise, approved, 720, ProductCode.FromCode("SHUIYIDAI"), limit, 435, 12, Keccak.Hash("reasons"), 1, 1);

    private static (DisburseLoan UseCase, Chain Chain, Book Book, DecisionHash Decision) Disburse(CreditDecisionRecord record)
    {
        var chain = new Chain();
        var book = new Book();
        var decisions = new Decisions(book);
        decisions.Records[record.Hash()] = record;
        return (new DisburseLoan(chain, decisions, book), chain, book, new DecisionHash(record.Hash().Value));
    }

    [Fact]
    public async Task Disburse_KeepsTheReference_AndDisbursesOnTheDecisionsTerms()
    {
        var record = DecisionRecord();
        var (useCase, chain, book, decision) = Disburse(record);

        var loan = await useCase.DisburseAsync(new DisburseCommand(decision, "CCB-1", 300_000_00, LoanPurpose.WorkingCapital, 0), CancellationToken.None);

        var id = LoanId.FromReference(Bank, "CCB-1");
        Assert.Equal((id, Consent), (loan.Loan, loan.Consent));
        Assert.Equal("CCB-1", book.References[id]);
        var sent = Assert.Single(chain.Sent);
        Assert.Equal(("disburse", $"disburse:{id}"), (sent.Call, sent.Key));
        Assert.Equal(("CCB-1", decision, record.Product, (UInt128)300_000_00, record.RateBps, record.TermMonths, LoanPurpose.WorkingCapital),
            ((string, DecisionHash, ProductCode, UInt128, uint, ushort, LoanPurpose))sent.Args);
    }

    [Fact]
    public async Task Disburse_TheSameRequestAgain_IsSentUnderTheSameKey()
    {
        var (useCase, chain, _, decision) = Disburse(DecisionRecord());
        var command = new DisburseCommand(decision, "CCB-1", 300_000_00, LoanPurpose.WorkingCapital, 0);
        await useCase.DisburseAsync(command, CancellationToken.None);

        await useCase.DisburseAsync(command, CancellationToken.None);

        Assert.Equal(2, chain.Sent.Count);
        Assert.Equal(chain.Sent[0].Key, chain.Sent[1].Key);
    }

    [Fact]
    public async Task Disburse_OnADecisionThisBankDidNotMake_IsRefused_1542()
    {
        var (useCase, chain, book, _) = Disburse(DecisionRecord(bank: OtherBank));
        var (_, _, _, others) = Disburse(DecisionRecord(bank: OtherBank));
        var unknown = new DecisionHash(Keccak.Hash("no such decision"));

        foreach (var decision in new[] { others, unknown })
        {
            var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.DisburseAsync(new DisburseCommand(decision, "CCB-1", 1, LoanPurpose.WorkingCapital, 0), CancellationToken.None));
            Assert.Equal(BankErrors.UnknownDecisionCode, error.Code);
        }
        Assert.Empty(chain.Sent);
        Assert.Empty(book.References);
    }

    [Fact]
    public async Task Disburse_OnADeclinedDecision_IsRefused_1253()
    {
        var (useCase, chain, book, decision) = Disburse(DecisionRecord(approved: false));

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.DisburseAsync(new DisburseCommand(decision, "CCB-1", 1, LoanPurpose.WorkingCapital, 0), CancellationToken.None));

        Assert.Equal(DisburseLoan.DeclinedCode, error.Code);
        Assert.Empty(chain.Sent);
        Assert.Empty(book.References);
    }

    [Fact]
    public async Task Disburse_AboveTheDecisionsLimit_IsRefused_1541_ButTheLimitItselfIsDisbursed()
    {
        var (useCase, chain, book, decision) = Disburse(DecisionRecord(limit: 100_00));

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.DisburseAsync(new DisburseCommand(decision, "CCB-1", 100_01, LoanPurpose.WorkingCapital, 0), CancellationToken.None));

        Assert.Equal(BankErrors.AboveLimitCode, error.Code);
        Assert.Empty(chain.Sent);
        Assert.Empty(book.References);
        await useCase.DisburseAsync(new DisburseCommand(decision, "CCB-1", 100_00, LoanPurpose.WorkingCapital, 0), CancellationToken.None);
        Assert.Single(chain.Sent);
    }

    [Fact]
    public async Task Disburse_AReferenceAnotherLoanUses_IsRefused_1544()
    {
        var (useCase, chain, book, decision) = Disburse(DecisionRecord());
        await useCase.DisburseAsync(new DisburseCommand(decision, "CCB-1", 300_000_00, LoanPurpose.WorkingCapital, 0), CancellationToken.None);
        book.References.Clear();

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.DisburseAsync(new DisburseCommand(decision, "CCB-1", 200_000_00, LoanPurpose.WorkingCapital, 0), CancellationToken.None));

        Assert.Equal(BankErrors.LoanReferenceUsedCode, error.Code);
        Assert.Single(chain.Sent);
        Assert.Empty(book.References);
    }

    [Fact]
    public async Task Disburse_AFailedSend_LeavesTheReferenceKept_SoTheLoanNeverLacksItWhenARetryLands()
    {
        var (useCase, chain, book, decision) = Disburse(DecisionRecord());
        chain.FailSends = new LedgerException("LEDGER-1300", ErrorCategory.Unavailable, "The chain cannot be reached.");

        await Assert.ThrowsAsync<LedgerException>(() => useCase.DisburseAsync(new DisburseCommand(decision, "CCB-1", 1, LoanPurpose.WorkingCapital, 0), CancellationToken.None));

        Assert.Equal("CCB-1", book.References[LoanId.FromReference(Bank, "CCB-1")]);
        Assert.Empty(chain.Loans);
    }

    [Fact]
    public async Task Disburse_AnRndLoan_OpensItsFundFlow_AndARetryFindsItOpen()
    {
        var (useCase, chain, _, decision) = Disburse(DecisionRecord());
        var command = new DisburseCommand(decision, "CCB-RD", 100_00, LoanPurpose.RnD, 2_000);

        await useCase.DisburseAsync(command, CancellationToken.None);
        await useCase.DisburseAsync(command, CancellationToken.None);

        var id = LoanId.FromReference(Bank, "CCB-RD");
        var open = Assert.Single(chain.Sent, s => s.Call == "openFundFlow");
        Assert.Equal(($"fundflow-open:{id}", (object)(id, (ushort)2_000)), (open.Key, open.Args));
        Assert.Contains(id, chain.FundFlowsOpen);
    }

    private static readonly FundId Fund = new(Keccak.Hash("fund"));

    private static (FileClaim UseCase, Chain Chain, LoanId Loan) Claim(OrgId? owner = null)
    {
        var chain = new Chain();
        var loan = LoanId.FromReference(owner ?? Bank, "CCB-1");
        chain.Loans[loan] = new LoanOnChain(loan, LoanStatus.Defaulted, owner ?? Bank, default, 100_00, LoanPurpose.WorkingCapital);
        return (new FileClaim(chain), chain, loan);
    }

    [Fact]
    public async Task FileClaim_FilesOnceUnderTheFundAndLoan()
    {
        var (useCase, chain, loan) = Claim();

        await useCase.FileAsync(Fund, loan, CancellationToken.None);

        var sent = Assert.Single(chain.Sent);
        Assert.Equal(("fileClaim", $"claim:{Fund}:{loan}", (object)(Fund, loan)), (sent.Call, sent.Key, sent.Args));
    }

    [Fact]
    public async Task FileClaim_AfterAWithdrawal_IsANewClaimUnderANewKey()
    {
        var (useCase, chain, loan) = Claim();
        chain.Withdrawn.Add((Fund, loan));
        chain.LatestBlock = 4242;

        await useCase.FileAsync(Fund, loan, CancellationToken.None);

        Assert.Equal($"claim:{Fund}:{loan}:refiled:4242", Assert.Single(chain.Sent).Key);
    }

    [Fact]
    public async Task FileClaim_OnNoLoan_1546_OrAnotherBanksLoan_1518_SendsNothing()
    {
        var (useCase, chain, _) = Claim();
        var missing = await Assert.ThrowsAsync<LedgerException>(() => useCase.FileAsync(Fund, LoanId.FromReference(Bank, "none"), CancellationToken.None));
        var (others, otherChain, otherLoan) = Claim(OtherBank);
        var notOurs = await Assert.ThrowsAsync<LedgerException>(() => others.FileAsync(Fund, otherLoan, CancellationToken.None));

        Assert.Equal(BankErrors.UnknownLoanCode, missing.Code);
        Assert.Equal(NodeErrors.NotPartyCode, notOurs.Code);
        Assert.Empty(chain.Sent);
        Assert.Empty(otherChain.Sent);
    }
}
