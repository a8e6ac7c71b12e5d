using Grpc.Core;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;
using Proto = Ledger.Api.V1;

namespace Ledger.Node.Tests.Bank;

/// <summary>
/// The bank node end to end, through the SDK: fetch from the tax node (node to node, signed as the bank), decide with
/// the bank's product table, record the decision (anchored record + on-chain hash), disburse, and the loan's life.
/// </summary>
[Collection(SharedBankCluster.Name)]
public sealed class LendingTests(BankCluster cluster)
{
    [Fact]
    public async Task FetchDecideDisburse_ApprovedEnterprise_ReusesHeldDataAndDisbursesAtTheDecisionsTerms()
    {
        var enterprise = cluster.RatedA;
        var (consent, terms) = await cluster.ConsentAsync(enterprise);

        var fetched = await cluster.Lending.Bank.FetchDataAsync(consent);
        var report = fetched.Report();
        Assert.Equal(enterprise.Taxpayer.CreditCode, report.CreditCode);
        Assert.Equal(Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices | Scopes.Judicial, report.Scopes);
        Assert.Equal(Keccak.Hash(fetched.ReportJson), fetched.ResponseHash);
        Assert.NotNull(fetched.ProviderAccessRecord);
        var fetchedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.InRange((long)fetched.KeepUntilMs, fetchedAt + ((long)terms.DataLife * 1000) - 60_000, fetchedAt + ((long)terms.DataLife * 1000) + 1000);
        var accesses = await Refusals.AccessCountAsync(cluster);

        var decision = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consent));

        Assert.Equal(accesses, await Refusals.AccessCountAsync(cluster)); // the held report was reused, not fetched again
        Assert.True(decision.Approved, string.Join("; ", decision.Reasons));
        Assert.Equal(TaxCreditRating.A, decision.Rating);
        Assert.Equal(enterprise.CreditCodeHash, decision.Enterprise);
        Assert.NotEmpty(decision.Factors);
        Assert.StartsWith("Approved ", decision.Reasons[0], StringComparison.Ordinal);
        Assert.Equal(decision.DecisionHash.Value, decision.Record.RecordHash.Value);
        var expected = CreditDecider.Decide(report.ToProfile(), ProductTable.Default, DateTimeOffset.UtcNow);
        Assert.Equal(expected.Product, decision.Product);
        Assert.Equal((UInt128)expected.LimitFen, decision.LimitFen);
        Assert.Equal(expected.RateBps, decision.RateBps);

        var loan = await cluster.Lending.Bank.DisburseAsync(new Disbursement(decision.DecisionHash, "CCB-E2E-0001", decision.LimitFen, LoanPurpose.WorkingCapital));

        Assert.Equal(LoanId.FromReference(NodeCluster.BankOrg, "CCB-E2E-0001"), loan.LoanId);
        Assert.Equal(LoanStatus.Active, loan.Status);
        Assert.Equal(decision.LimitFen, loan.AmountFen);
        Assert.Equal(decision.LimitFen, loan.OutstandingFen);
        Assert.Equal(decision.RateBps, loan.RateBps);
        Assert.Equal(decision.TermMonths, loan.TermMonths);
        Assert.Equal(decision.Product, loan.Product);
        Assert.Equal(consent, loan.ConsentId);
        Assert.Equal(decision.DecisionHash, loan.Decision);
        Assert.Equal(enterprise.CreditCodeHash, loan.Enterprise);
        Assert.NotNull(loan.Transaction);
        Assert.Equal(loan with { Transaction = null }, await cluster.Lending.Bank.GetLoanAsync(loan.LoanId));
        var listed = await BankCluster.EventuallyAsync(async () =>
            (await cluster.Lending.Bank.ListLoansAsync(enterprise.CreditCodeHash)).SingleOrDefault(l => l.LoanId == loan.LoanId), "the loan in the bank's index");
        Assert.Equal(loan with { Transaction = null }, listed);
    }

    [Fact]
    public async Task Decide_ARatedAndBRatedEnterprises_TheARatedOneGetsTheLowerRate()
    {
        var (consentA, _) = await cluster.ConsentAsync(cluster.RatedA);
        var (consentB, _) = await cluster.ConsentAsync(cluster.RatedB);

        var a = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consentA));
        var b = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consentB));

        Assert.True(a.Approved, string.Join("; ", a.Reasons));
        Assert.True(b.Approved, string.Join("; ", b.Reasons));
        Assert.Equal(TaxCreditRating.A, a.Rating);
        Assert.Equal(TaxCreditRating.B, b.Rating);
        Assert.True(a.RateBps < b.RateBps, $"A got {a.RateBps} bps, B got {b.RateBps} bps");

        // The same product asked for explicitly: same ordering, and the rates are the table's for each rating.
        var shuiyidai = ProductCode.FromCode("SHUIYIDAI");
        var a2 = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consentA) { Product = shuiyidai });
        var b2 = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consentB) { Product = shuiyidai });
        Assert.Equal(ProductTable.Default.Find(shuiyidai).TermsFor(TaxCreditRating.A)!.RateBps, a2.RateBps);
        Assert.Equal(ProductTable.Default.Find(shuiyidai).TermsFor(TaxCreditRating.B)!.RateBps, b2.RateBps);
    }

    [Fact]
    public async Task Decide_DRatedEnterprise_IsDeclinedWithTheReasonAndTheDeclineIsRecordedOnChain()
    {
        var (consent, _) = await cluster.ConsentAsync(cluster.RatedD);

        var decision = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consent));

        Assert.False(decision.Approved);
        Assert.Equal(TaxCreditRating.D, decision.Rating);
        Assert.Equal(UInt128.Zero, decision.LimitFen);
        Assert.Equal(0u, decision.RateBps);
        Assert.Contains(decision.Reasons, r => r.Contains("rating D", StringComparison.Ordinal));
        var onChain = (await cluster.DevClient(2).Loans.DecisionQueryAsync(decision.DecisionHash.Value.ToArray())).ReturnValue1;
        Assert.False(onChain.Approved);
        Assert.Equal(consent.Value, new Hash32(onChain.ConsentId));

        var error = await Refusals.ExpectAsync(
            () => cluster.Lending.Bank.DisburseAsync(new Disbursement(decision.DecisionHash, "CCB-DECLINED-1", 1_000_000, LoanPurpose.WorkingCapital)),
            StatusCode.FailedPrecondition, "LEDGER-1253");
        Assert.Contains("declined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disburse_AboveTheDecisionsLimit_IsRefusedWithASentenceAndNothingIsDisbursed()
    {
        var (consent, _) = await cluster.ConsentAsync(cluster.RatedB);
        var decision = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consent));
        Assert.True(decision.Approved);

        var error = await Refusals.ExpectAsync(
            () => cluster.Lending.Bank.DisburseAsync(new Disbursement(decision.DecisionHash, "CCB-TOO-MUCH-1", decision.LimitFen + 1, LoanPurpose.WorkingCapital)),
            StatusCode.FailedPrecondition, "LEDGER-1541");

        Assert.Contains("above the limit", error.Message, StringComparison.Ordinal);
        var loanId = LoanId.FromReference(NodeCluster.BankOrg, "CCB-TOO-MUCH-1");
        await Refusals.ExpectAsync(() => cluster.Lending.Bank.GetLoanAsync(loanId), StatusCode.NotFound, "LEDGER-1546");
        // The decision is still unused: the limit itself can be disbursed.
        var loan = await cluster.Lending.Bank.DisburseAsync(new Disbursement(decision.DecisionHash, "CCB-TOO-MUCH-1", decision.LimitFen, LoanPurpose.Trade));
        Assert.Equal(decision.LimitFen, loan.AmountFen);
    }

    [Fact]
    public async Task Decide_RequestedAmountBelowTheLimit_BecomesTheLimitAndTheReasonsSaySo()
    {
        var (consent, _) = await cluster.ConsentAsync(cluster.RatedA);

        var decision = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consent) { RequestedAmountFen = 12_345_600 });

        Assert.True(decision.Approved);
        Assert.Equal((UInt128)12_345_600, decision.LimitFen);
        Assert.Contains(decision.Reasons, r => r.StartsWith("Limit set to the 123,456.00 CNY requested", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DecisionRecord_Accepted_IsAnchoredByTheBankItsHashIsTheOnChainDecisionAndItCarriesItsReasons()
    {
        var (consent, _) = await cluster.ConsentAsync(cluster.RatedA);
        var decision = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consent));

        var exported = await cluster.AnchoredBankRecordAsync(new RecordHash(decision.DecisionHash.Value));
        var record = Assert.IsType<CreditDecisionRecord>(exported.Record);
        Assert.Equal(consent, record.ConsentId);
        Assert.Equal(NodeCluster.BankOrg, record.Bank);
        Assert.Equal(cluster.RatedA.CreditCodeHash, record.Enterprise);
        Assert.True(record.Approved);
        Assert.Equal(decision.Score, record.Score);
        Assert.Equal(decision.LimitFen, record.LimitFen);
        Assert.Equal(decision.RateBps, record.RateBps);
        Assert.Equal(NodeCluster.BankOrg, exported.Anchor.Organization);
        Assert.True(await cluster.DevClient(2).VerifyRecordAsync(NodeCluster.BankOrg, exported.Anchor.BatchId!.Value, exported.Hash, exported.Anchor.Proof));

        var onChain = (await cluster.DevClient(2).Loans.DecisionQueryAsync(decision.DecisionHash.Value.ToArray())).ReturnValue1;
        Assert.Equal(NodeCluster.BankOrg, new OrgId(new Hash32(onChain.BankOrg)));
        Assert.Equal(cluster.RatedA.CreditCodeHash.Value, new Hash32(onChain.EnterpriseHash));
        Assert.True(onChain.Approved);

        // The export carries the reasons document the record commits to, and the rating the bank read.
        var raw = new Proto.RecordExport.RecordExportClient(cluster.BankAsAuditor.Invoker)
            .ExportRecords(new Proto.ExportRecordsRequest { ConsentId = consent.ToString() });
        var items = new List<Proto.ExportedRecord>();
        while (await raw.ResponseStream.MoveNext(CancellationToken.None))
        {
            items.Add(raw.ResponseStream.Current);
        }
        var item = items.Single(i => i.Type == "CreditDecision" && i.Anchor.RecordHash == decision.DecisionHash.ToString());
        Assert.Equal(record.ReasonsHash, Keccak.Hash(item.ReasonsJson));
        Assert.Contains("\"format\":\"ledger/credit-reasons/v1\"", item.ReasonsJson, StringComparison.Ordinal);
        Assert.Equal("A", item.Rating);
    }

    [Fact]
    public async Task RecordRepayment_DownToZero_TheLoanIsRepaid()
    {
        var (consent, _) = await cluster.ConsentAsync(cluster.RatedB);
        var decision = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consent));
        var loan = await cluster.Lending.Bank.DisburseAsync(new Disbursement(decision.DecisionHash, "CCB-REPAY-1", 1_000_000, LoanPurpose.Equipment));

        var half = await cluster.Lending.Bank.RecordRepaymentAsync(loan.LoanId, 400_000, 3_000);
        Assert.Equal(LoanStatus.Active, half.Status);
        Assert.Equal((UInt128)600_000, half.OutstandingFen);

        await Refusals.ExpectAsync(() => cluster.Lending.Bank.RecordRepaymentAsync(loan.LoanId, 600_001, 0), StatusCode.InvalidArgument, "LEDGER-1261");

        var repaid = await cluster.Lending.Bank.RecordRepaymentAsync(loan.LoanId, 600_000, 1_500);
        Assert.Equal(LoanStatus.Repaid, repaid.Status);
        Assert.Equal(UInt128.Zero, repaid.OutstandingFen);
        Assert.NotNull(repaid.Transaction);
        Assert.NotEqual(half.Transaction, repaid.Transaction);
        await BankCluster.EventuallyAsync(async () =>
            (await cluster.Lending.Bank.ListLoansAsync(status: LoanStatus.Repaid)).SingleOrDefault(l => l.LoanId == loan.LoanId), "the repaid loan in the index");
    }

    [Fact]
    public async Task DefaultFlow_OverdueCurrentOverdueInviteDefaultAndClaim_EachStepIsOnChain()
    {
        var (consent, _) = await cluster.ConsentAsync(cluster.RatedA);
        var decision = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consent) { Product = ProductCode.FromCode("SHUIYIDAI") });
        var loan = await cluster.Lending.Bank.DisburseAsync(new Disbursement(decision.DecisionHash, "CCB-DEFAULT-1", 2_000_000, LoanPurpose.WorkingCapital));

        Assert.Equal(LoanStatus.Overdue, (await cluster.Lending.Bank.MarkOverdueAsync(loan.LoanId, 30, 200_000)).Status);
        Assert.Equal(LoanStatus.Active, (await cluster.Lending.Bank.MarkCurrentAsync(loan.LoanId)).Status);
        await cluster.Lending.Bank.InviteGuarantorAsync(loan.LoanId, BankCluster.GuarantorOrg, 5_000, 10_000_000);
        Assert.Equal(LoanStatus.Overdue, (await cluster.Lending.Bank.MarkOverdueAsync(loan.LoanId, 95, 2_000_000)).Status);

        var defaulted = await cluster.Lending.Bank.DeclareDefaultAsync(loan.LoanId, 1_500_000);
        Assert.Equal(LoanStatus.Defaulted, defaulted.Status);
        Assert.Equal((UInt128)1_500_000, defaulted.LossFen);

        var claimTx = await cluster.Lending.Bank.FileClaimAsync(cluster.Fund, loan.LoanId);
        var claim = await cluster.Regulator.ClaimAsync(cluster.Fund, loan.LoanId);
        Assert.Equal(1, claim.Status); // Filed: the regulator approves or rejects it (its own node)
        Assert.Equal(cluster.Fund.Value, new Hash32(claim.FundId));
        Assert.Equal(NodeCluster.BankOrg, new OrgId(new Hash32(claim.BankOrg)));
        Assert.True(claimTx.BlockNumber >= defaulted.Transaction!.BlockNumber);

        // Filing again is a retry: the same transaction, not a second claim. An unknown loan is refused.
        Assert.Equal(claimTx, await cluster.Lending.Bank.FileClaimAsync(cluster.Fund, loan.LoanId));
        await Refusals.ExpectAsync(
            () => cluster.Lending.Bank.FileClaimAsync(cluster.Fund, LoanId.FromReference(NodeCluster.BankOrg, "CCB-NO-SUCH-LOAN")), StatusCode.NotFound, "LEDGER-1546");
        var listed = await BankCluster.EventuallyAsync(async () =>
            (await cluster.Lending.Bank.ListLoansAsync(status: LoanStatus.Defaulted)).SingleOrDefault(l => l.LoanId == loan.LoanId), "the defaulted loan in the index");
        Assert.Equal((UInt128)1_500_000, listed.LossFen);
    }

    [Fact]
    public async Task Decide_ConsentOfAnotherBank_IsRefusedAsNotAParty()
    {
        var enterprise = cluster.RatedB;
        var (consent, _, _) = await cluster.Lending.Consents.GrantAsync(enterprise.Wallet,
            new ConsentRequest(enterprise.Wallet.Address, NodeCluster.OtherBankOrg, NodeCluster.TaxOrg, Scopes.TaxCreditRating));

        var error = await Refusals.ExpectAsync(() => cluster.Lending.Bank.DecideAsync(new DecisionRequest(consent)), StatusCode.PermissionDenied, "LEDGER-1518");

        Assert.Contains(NodeCluster.OtherBankOrg.Code, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lending_CalledByAnotherMembersOperator_IsRefusedAsNotTheBanksOwnSoftware()
    {
        var other = await cluster.ConnectAsync(cluster.Bank, NodeCluster.OtherBankOrg);

        await Refusals.ExpectAsync(() => other.Bank.ListHeldDataAsync(), StatusCode.PermissionDenied, "LEDGER-1517");
    }

    [Fact]
    public async Task Disburse_MalformedFields_AreRefusedNamingTheField()
    {
        var error = await Refusals.ExpectAsync(
            () => cluster.Lending.Bank.DisburseAsync(new Disbursement(new DecisionHash(Keccak.Hash("x")), "", 1, LoanPurpose.WorkingCapital)),
            StatusCode.InvalidArgument, "LEDGER-1520");
        Assert.Contains("loan_reference", error.Message, StringComparison.Ordinal);

        error = await Refusals.ExpectAsync(
            () => cluster.Lending.Bank.DisburseAsync(new Disbursement(new DecisionHash(Keccak.Hash("x")), "R-1", 1, LoanPurpose.RnD)),
            StatusCode.InvalidArgument, "LEDGER-1520");
        Assert.Contains("max_non_rnd_bps", error.Message, StringComparison.Ordinal);

        await Refusals.ExpectAsync(
            () => cluster.Lending.Bank.DisburseAsync(new Disbursement(new DecisionHash(Keccak.Hash("never decided")), "R-2", 1, LoanPurpose.WorkingCapital)),
            StatusCode.NotFound, "LEDGER-1542");
    }
}
