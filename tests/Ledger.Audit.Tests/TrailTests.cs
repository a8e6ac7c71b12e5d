using Ledger.Audit.Bundle;
using Ledger.Audit.Indexing;
using Ledger.Audit.Tests.Support;
using Ledger.Audit.Trails;
using Ledger.Audit.Verification;
using Ledger.Core.Model;
using Ledger.Core.Records;

namespace Ledger.Audit.Tests;

public class TrailTests
{
    private static TrailBuilder Builder(AuditBundle bundle, bool withReport = false)
    {
        var verifier = new LedgerVerifier(LedgerIndex.Build(bundle), RootAuthority.FromEvidence());
        return new TrailBuilder(verifier, withReport ? verifier.VerifyAll() : null);
    }

    [Fact]
    public void Build_AnEnterprise_GivesItsWholeStoryInOrder()
    {
        var s = TestLedgers.LendingScenario();
        var trail = Builder(s.ToBundle()).Build(AuditScope.ForEnterprise(s.T1.CreditCodeHash));
        var kinds = trail.Items.Select(i => i.Kind).ToList();

        // Its two consents, the accesses under them, both decisions, both loans and everything after.
        Assert.Equal(2, kinds.Count(k => k == "ConsentGranted"));
        Assert.Equal(2, kinds.Count(k => k == "AccessRecord"));
        Assert.Equal(2, kinds.Count(k => k == "CreditDecision"));
        Assert.Equal(2, kinds.Count(k => k == "CreditDecisionRecorded"));
        Assert.Equal(2, kinds.Count(k => k == "LoanDisbursed"));
        Assert.Contains("LoanGuaranteed", kinds);
        Assert.Contains("FundFlowEvidence", kinds);
        Assert.Contains("LoanRepaid", kinds);
        Assert.Contains("LoanOverdue", kinds);
        Assert.Contains("LoanDefaulted", kinds);
        Assert.Contains("GuaranteePaidOut", kinds);
        Assert.Contains("ClaimPaid", kinds);

        // Nothing of the other enterprises (consents C2 and C4, their records).
        Assert.DoesNotContain(trail.Items, i => i.Fields.TryGetValue("consentId", out var c) && (c == s.C2.ToString() || c == s.C4.ToString()));
        Assert.DoesNotContain("ConsentRevoked", kinds);
        Assert.DoesNotContain("DeletionReceipt", kinds);

        // Oldest first; within one block the chain's events come before the records checked against it.
        Assert.Equal(trail.Items.OrderBy(i => i.TimeMs).Select(i => i.TimeMs), trail.Items.Select(i => i.TimeMs));
        Assert.True(kinds.IndexOf("ConsentGranted") < kinds.IndexOf("AccessRecord"));
        Assert.True(kinds.IndexOf("AccessRecord") < kinds.IndexOf("CreditDecision"));
        Assert.True(kinds.IndexOf("LoanDisbursed") < kinds.IndexOf("LoanDefaulted"));
        Assert.True(kinds.IndexOf("LoanDefaulted") < kinds.IndexOf("GuaranteePaidOut"));

        Assert.All(trail.Items, i => Assert.Equal(VerificationStatus.Verified, i.Status));
        Assert.Equal(trail.Items.Count, trail.Verified);
    }

    [Fact]
    public void Build_AnAccessWhoseNodeClockIsBehindTheChain_StillComesAfterTheConsentItWasCheckedAgainst()
    {
        // The tax node's clock says the access happened an hour before the block that granted its consent (clocks
        // differ; a chain that makes blocks only with transactions has stale block times): the trail follows the chain.
        var s = TestLedgers.LendingScenario();
        var original = s.ToBundle();
        var grant = original.Events.Single(e => e.Name == "ConsentGranted" && e.Args["consentId"] == s.C1.Value.ToString());
        var skewed = original.ForgeRecord(s.A1, r => ((AccessRecord)r) with { ServedAtMs = (grant.BlockTimestamp * 1000) - 3_600_000 }, forgeEvent: true);

        var trail = Builder(skewed).Build(AuditScope.ForConsent(s.C1));

        var granted = trail.Items.ToList().FindIndex(i => i.Kind == "ConsentGranted");
        var access = trail.Items.ToList().FindIndex(i => i.Kind == "AccessRecord");
        Assert.True(trail.Items[access].TimeMs < trail.Items[granted].TimeMs, "the access's own time is not before the grant's: the test shows nothing");
        Assert.True(granted < access, string.Join(", ", trail.Items.Select(i => i.Kind)));
    }

    [Fact]
    public void Build_AConsent_SaysWhoSignedItAndWhoRelayedIt()
    {
        var s = TestLedgers.LendingScenario();
        var trail = Builder(s.ToBundle()).Build(AuditScope.ForConsent(s.C1));

        var granted = trail.Items.Single(i => i.Kind == "ConsentGranted");
        Assert.Contains("signed by 0x", granted.Summary, StringComparison.Ordinal);
        Assert.Contains("relayed by ", granted.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_AnEnterprise_DescribesEachStepForPeople()
    {
        var s = TestLedgers.LendingScenario();
        var trail = Builder(s.ToBundle()).Build(AuditScope.ForEnterprise(s.T1.CreditCodeHash));

        var disbursed = trail.Items.First(i => i.Kind == "LoanDisbursed" && i.Org == SyntheticLedger.Bank);
        Assert.Equal("bank.ccb.liuzhou disbursed 1,000,000.00 CNY (SHUIYIDAI, 3.65%, 12 months, WorkingCapital)", disbursed.Summary);
        var access = trail.Items.First(i => i.Kind == "AccessRecord");
        Assert.StartsWith("tax.liuzhou served TaxCreditRating, TaxPayments to bank.ccb.liuzhou under consent 0x", access.Summary, StringComparison.Ordinal);
        Assert.Equal(SyntheticLedger.Tax, access.Org);
        Assert.Equal("3", access.Fields["scopes"]);
        Assert.Equal(s.C1.ToString(), access.Fields["consentId"]);
        var decision = trail.Items.First(i => i.Kind == "CreditDecision" && i.Org == SyntheticLedger.Bank);
        Assert.Equal("bank.ccb.liuzhou approved SHUIYIDAI up to 3,000,000.00 CNY at 3.65% for 12 months (score 800)", decision.Summary);
        Assert.Equal("The loan defaulted with a loss of 600,000.00 CNY", trail.Items.Single(i => i.Kind == "LoanDefaulted").Summary);
    }

    [Fact]
    public void Build_AConsent_GivesItsLifeAndWhatWasDoneUnderIt()
    {
        var s = TestLedgers.LendingScenario();
        var trail = Builder(s.ToBundle()).Build(AuditScope.ForConsent(s.C2));

        Assert.Equal(["ConsentGranted", "AccessRecord", "ConsentRevoked", "DeletionReceipt", "Refusal"], trail.Items.Select(i => i.Kind));
    }

    [Fact]
    public void Build_ALoan_GivesItsDecisionAndItsEvents()
    {
        var s = TestLedgers.LendingScenario();
        var trail = Builder(s.ToBundle()).Build(AuditScope.ForLoan(s.L2));
        var kinds = trail.Items.Select(i => i.Kind).ToList();

        Assert.Equal(["ConsentGranted", "CreditDecision", "CreditDecisionRecorded", "LoanDisbursed", "LoanRepaid", "FundFlowEvidence"], kinds);
        Assert.All(trail.Items.Where(i => i.Kind != "ConsentGranted"), i => Assert.DoesNotContain(SyntheticLedger.Bank.Value.ToString(), i.Fields.Values));
    }

    [Fact]
    public void Build_ATimeRange_KeepsOnlyWhatHappenedInIt()
    {
        var s = TestLedgers.LendingScenario();
        var from = SyntheticLedger.TimeOf(s.RevokedAtBlock) * 1000;
        var until = SyntheticLedger.TimeOf(s.RevokedAtBlock + 1) * 1000;
        var trail = Builder(s.ToBundle()).Build(AuditScope.ForTimeRange(from, until));

        Assert.NotEmpty(trail.Items);
        Assert.All(trail.Items, i => Assert.InRange(i.TimeMs, from, until - 1));
        Assert.Contains(trail.Items, i => i.Kind == "ConsentRevoked");
        Assert.Contains(trail.Items, i => i.Kind == "DeletionReceipt");
        Assert.DoesNotContain(trail.Items, i => i.Kind == "Refusal");
    }

    [Fact]
    public void Build_AnEnterpriseWithinATimeRange_FiltersBoth()
    {
        var s = TestLedgers.LendingScenario();
        var firstDisbursement = s.ToBundle().Events.First(e => e.Name == "LoanDisbursed");
        var scope = AuditScope.ForEnterprise(s.T1.CreditCodeHash) with { FromMs = firstDisbursement.BlockTimestamp * 1000 };
        var trail = Builder(s.ToBundle()).Build(scope);

        Assert.Equal("LoanDisbursed", trail.Items[0].Kind);
        Assert.DoesNotContain(trail.Items, i => i.Kind is "ConsentGranted" or "AccessRecord");
    }

    [Fact]
    public void Build_ATamperedRecord_IsFailedInTheTrailWithItsReason_WithOrWithoutAWholeLedgerReport()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle();
        var access = (AccessRecord)bundle.Records[s.A1].Record;
        var tampered = bundle.Replace(s.A1, bundle.Records[s.A1] with { Record = access with { Scopes = Scopes.Judicial } });

        foreach (var withReport in new[] { false, true })
        {
            var trail = Builder(tampered, withReport).Build(AuditScope.ForEnterprise(s.T1.CreditCodeHash));
            var item = trail.Items.Single(i => i.Id == bundle.Records[s.A1].DeclaredHash.ToString());
            Assert.Equal(VerificationStatus.Failed, item.Status);
            Assert.Contains(item.Problems, p => p.Contains("altered", StringComparison.Ordinal));
            Assert.Equal(1, trail.Failed);
        }
    }

    [Fact]
    public void Build_APendingRecord_IsPendingInTheTrail()
    {
        var s = TestLedgers.LendingScenario();
        var waiting = s.Ledger.Access(s.C1, s.T1);
        var bundle = s.ToBundle();
        var trail = Builder(bundle).Build(AuditScope.ForConsent(s.C1));

        var item = trail.Items.Single(i => i.RecordIndex == waiting);
        Assert.Equal(VerificationStatus.Pending, item.Status);
        Assert.Equal(1, trail.Pending);
    }

    [Fact]
    public void Build_SeveralSubjects_IsAnInvalidQuery()
    {
        var s = TestLedgers.LendingScenario();
        var ex = Assert.Throws<AuditException>(() => Builder(s.ToBundle()).Build(new AuditScope { Consent = s.C1, Loan = s.L1 }));
        Assert.Equal(AuditErrors.InvalidQueryCode, ex.Code);
    }

    [Fact]
    public void Build_OneEnterpriseAmongMany_ReturnsOnlyItsItems()
    {
        var l = new SyntheticLedger();
        var grants = Enumerable.Range(0, 200).Select(e => { var t = l.Terms(e, fetchCap: 100); return (Id: l.Grant(t), Terms: t); }).ToList();
        l.NextBlock();
        for (var round = 0; round < 20; round++)
        {
            foreach (var (id, terms) in grants)
            {
                l.Access(id, terms);
            }
            l.AnchorPending(SyntheticLedger.Tax);
            l.NextBlock();
        }
        var trail = Builder(l.ToBundle()).Build(AuditScope.ForEnterprise(SyntheticLedger.EnterpriseHashOf(42)));

        Assert.Equal(21, trail.Items.Count);
        Assert.Equal("ConsentGranted", trail.Items[0].Kind);
        Assert.All(trail.Items.Skip(1), i => Assert.Equal(grants[42].Id.ToString(), i.Fields["consentId"]));
        Assert.Equal(21, trail.Verified);
    }
}
