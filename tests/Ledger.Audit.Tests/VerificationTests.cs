using Ledger.Audit.Bundle;
using Ledger.Audit.Indexing;
using Ledger.Audit.Tests.Support;
using Ledger.Audit.Verification;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Audit.Tests;

public class VerificationTests
{
    [Fact]
    public void VerifyAll_AnUntouchedLedger_VerifiesEveryRecordAndBatch()
    {
        var bundle = TestLedgers.Lending().ToBundle();
        var report = Verify.Offline(bundle);

        Assert.True(report.Passed, string.Join(Environment.NewLine, report.AllProblems()));
        Assert.Equal(bundle.Records.Count, report.Verified);
        Assert.Equal(0, report.Failed);
        Assert.Equal(0, report.Pending);
        Assert.All(report.Anchors, a => Assert.Equal(VerificationStatus.Verified, a.Status));
        Assert.Equal(bundle.Anchors.Count, report.RebuiltBatches);
    }

    [Fact]
    public void VerifyAll_WithTrustedRootsThatMatch_Verifies()
    {
        var bundle = TestLedgers.Lending().ToBundle();
        var report = Verify.Offline(bundle, Verify.TrustedOf(bundle));
        Assert.True(report.Passed, string.Join(Environment.NewLine, report.AllProblems()));
        Assert.Contains("trusted root", report.RootSource, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ (a) tampered record

    [Fact]
    public void VerifyAll_ARecordAlteredUnderItsDeclaredHash_IsCaughtAsAHashMismatch()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle();
        var original = (AccessRecord)bundle.Records[s.A1].Record;
        var tampered = bundle.Replace(s.A1, bundle.Records[s.A1] with { Record = original with { Scopes = original.Scopes | Scopes.Judicial } });

        var report = Verify.Offline(tampered);

        var problem = report.AssertFailedWith(s.A1, ProblemKind.HashMismatch);
        Assert.Contains("altered", problem.Message, StringComparison.Ordinal);
        Assert.Equal(1, report.Failed);
    }

    [Fact]
    public void VerifyAll_ARecordAlteredWithANewHash_FailsItsProof()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle();
        var original = (AccessRecord)bundle.Records[s.A1].Record;
        var tampered = bundle.Replace(s.A1, BundleRecord.Of(original with { ServedAtMs = original.ServedAtMs + 1 }, bundle.Records[s.A1].Anchor));

        var report = Verify.Offline(tampered);

        report.AssertFailedWith(s.A1, ProblemKind.ProofMismatch);
        Assert.Equal(1, report.Failed);
    }

    // ------------------------------------------------------------------ (b) tampered proof, record not in its batch

    [Fact]
    public void VerifyAll_ATamperedProofInACompleteBatch_IsCaught()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle();
        var anchor = bundle.Records[s.A1].Anchor!;
        var proof = anchor.Proof.ToArray();
        proof[0] = Verify.Flip(proof[0]);
        var report = Verify.Offline(bundle.Replace(s.A1, bundle.Records[s.A1] with { Anchor = anchor with { Proof = proof } }));

        var problem = report.AssertFailedWith(s.A1, ProblemKind.ProofMismatch);
        Assert.Contains("proof was altered", problem.Message, StringComparison.Ordinal);
        Assert.Equal(1, report.Failed);
    }

    [Fact]
    public void VerifyAll_ATamperedProofOfARecordWithoutItsBatchMates_IsCaught()
    {
        var s = TestLedgers.LendingScenario();
        var full = s.ToBundle();
        var bundle = full with { Records = [full.Records[s.A1]] };
        var anchor = bundle.Records[0].Anchor!;
        var proof = anchor.Proof.ToArray();
        proof[^1] = Verify.Flip(proof[^1]);

        var report = Verify.Offline(bundle.Replace(0, bundle.Records[0] with { Anchor = anchor with { Proof = proof } }));

        report.AssertFailedWith(0, ProblemKind.ProofMismatch);
        Assert.Equal(0, report.RebuiltBatches);
    }

    [Fact]
    public void VerifyAll_ARecordThatClaimsABatchItIsNotIn_IsNamedAsNotCovered()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle();
        var real = bundle.Records[s.A1];
        var foreign = new AccessRecord(s.C1, SyntheticLedger.Tax, SyntheticLedger.Bank, Scopes.TaxCreditRating, Keccak.Hash("x"), Keccak.Hash("y"),
            ((AccessRecord)real.Record).CheckedAtBlock, ((AccessRecord)real.Record).ServedAtMs, 999);
        var extended = bundle.Append(BundleRecord.Of(foreign, real.Anchor));

        var report = Verify.Offline(extended);

        var problem = report.AssertFailedWith(extended.Records.Count - 1, ProblemKind.NotInBatch);
        Assert.Contains("not covered", problem.Message, StringComparison.Ordinal);
        Assert.Equal(1, report.Failed);
    }

    // ------------------------------------------------------------------ (c) forged roots

    [Fact]
    public void VerifyAll_AForgedRootWhoseEventWasLeftAlone_IsCaughtOfflineFromTheBundleItself()
    {
        var s = TestLedgers.LendingScenario();
        var forged = s.ToBundle().ForgeRecord(s.A1, r => ((AccessRecord)r) with { Scopes = Scopes.Judicial }, forgeEvent: false);

        var report = Verify.Offline(forged);

        report.AssertFailedWith(s.A1, ProblemKind.RootMismatch);
        Assert.Contains(report.Anchors, a => a.Status == VerificationStatus.Failed && a.Problems.Any(p => p.Kind == ProblemKind.RootMismatch));
    }

    [Fact]
    public void VerifyAll_AConsistentlyForgedBundle_PassesOnItsOwnRootsButNotAgainstTrustedRoots()
    {
        var s = TestLedgers.LendingScenario();
        var original = s.ToBundle();
        var trusted = Verify.TrustedOf(original);
        var forged = original.ForgeRecord(s.A1, r => ((AccessRecord)r) with { ServedAtMs = ((AccessRecord)r).ServedAtMs + 5 }, forgeEvent: true);

        // Without an authority, a bundle can only be shown consistent: this is why --trusted-roots and --rpc exist.
        Assert.True(Verify.Offline(forged).Passed);

        var report = Verify.Offline(forged, trusted);
        var problem = report.AssertFailedWith(s.A1, ProblemKind.RootMismatch);
        Assert.Contains("forged root", problem.Message, StringComparison.Ordinal);
        Assert.Contains(report.Anchors, a => a.Problems.Any(p => p.Kind == ProblemKind.RootMismatch && p.Message.Contains("forged", StringComparison.Ordinal)));
    }

    [Fact]
    public void VerifyAll_ABatchMissingFromTheTrustedRoots_IsNotTrusted()
    {
        var bundle = TestLedgers.Lending().ToBundle();
        var first = bundle.Anchors[0].Batch;
        var trusted = new TrustedRoots(SyntheticLedger.ChainId, Verify.TrustedOf(bundle).Roots.Where(r => r.Key != first));

        var report = Verify.Offline(bundle, trusted);

        var index = Enumerable.Range(0, bundle.Records.Count).First(i => bundle.Records[i].Anchor?.Batch == first);
        report.AssertFailedWith(index, ProblemKind.RootNotTrusted);
    }

    [Fact]
    public void VerifyAll_ARecordOfABatchTheBundleDoesNotDescribe_HasAnUnknownRoot()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle();
        var batch = bundle.Records[s.A1].Anchor!.Batch;
        var stripped = (bundle with { Anchors = [.. bundle.Anchors.Where(a => a.Batch != batch)] })
            .WithEvents(e => e.Name == "BatchAnchored" && e.Args["batchId"] == batch.BatchId.Value.ToString() ? null : e);

        var report = Verify.Offline(stripped);

        report.AssertFailedWith(s.A1, ProblemKind.RootUnknown);
    }

    // ------------------------------------------------------------------ (d) consent at the block

    [Fact]
    public void VerifyAll_AnAccessCheckedAfterTheConsentWasRevoked_IsCaught()
    {
        var s = TestLedgers.LendingScenario();
        var late = s.Ledger.Access(s.C2, s.T2, checkedAt: s.RevokedAtBlock + 1);
        s.Ledger.AnchorPending(SyntheticLedger.Tax);

        var report = Verify.Offline(s.ToBundle());

        var problem = report.AssertFailedWith(late, ProblemKind.ConsentRevoked);
        Assert.Contains($"revoked at block {s.RevokedAtBlock}", problem.Message, StringComparison.Ordinal);
        Assert.Equal(1, report.Failed);
    }

    [Fact]
    public void VerifyAll_AnAccessCheckedInTheBlockOfTheRevocation_IsCaught()
    {
        var s = TestLedgers.LendingScenario();
        var same = s.Ledger.Access(s.C2, s.T2, checkedAt: s.RevokedAtBlock);
        s.Ledger.AnchorPending(SyntheticLedger.Tax);

        Verify.Offline(s.ToBundle()).AssertFailedWith(same, ProblemKind.ConsentRevoked);
    }

    [Fact]
    public void VerifyAll_AnAccessCheckedBeforeTheConsentWasGranted_IsCaught()
    {
        var l = new SyntheticLedger();
        var before = l.Block;
        l.NextBlock(3);
        var terms = l.Terms(1, validFrom: SyntheticLedger.TimeOf(before) - 60);
        var consent = l.Grant(terms);
        var early = l.Access(consent, terms, checkedAt: before);
        l.AnchorAll();

        Verify.Offline(l.ToBundle()).AssertFailedWith(early, ProblemKind.ConsentNotYetGranted);
    }

    [Fact]
    public void VerifyAll_AScopeNarrowedAwayBeforeTheAccess_IsNotGranted()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1, scopes: Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices);
        var consent = l.Grant(terms);
        l.NextBlock();
        var allowed = l.Access(consent, terms, Scopes.Invoices);
        l.NextBlock();
        l.Narrow(consent, Scopes.TaxCreditRating, terms.ValidUntil);
        l.NextBlock();
        var narrowed = l.Access(consent, terms, Scopes.Invoices);
        var stillFine = l.Access(consent, terms, Scopes.TaxCreditRating);
        l.AnchorAll();

        var report = Verify.Offline(l.ToBundle());

        Assert.Equal(VerificationStatus.Verified, report.StatusOf(allowed));
        Assert.Equal(VerificationStatus.Verified, report.StatusOf(stillFine));
        var problem = report.AssertFailedWith(narrowed, ProblemKind.ScopeNotGranted);
        Assert.Contains("granted only TaxCreditRating", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyAll_AnAccessAfterTheValidityWindow_IsExpired_AndOneBeforeIt_NotYetValid()
    {
        var l = new SyntheticLedger();
        var start = SyntheticLedger.TimeOf(l.Block + 5);
        var terms = l.Terms(1, validFrom: start, validity: 120);
        var consent = l.Grant(terms);
        var tooEarly = l.Access(consent, terms, checkedAt: l.Block);
        l.NextBlock(6);
        var inside = l.Access(consent, terms);
        l.NextBlock(20);
        var tooLate = l.Access(consent, terms);
        l.AnchorAll();

        var report = Verify.Offline(l.ToBundle());

        report.AssertFailedWith(tooEarly, ProblemKind.ConsentNotYetValid);
        Assert.Equal(VerificationStatus.Verified, report.StatusOf(inside));
        report.AssertFailedWith(tooLate, ProblemKind.ConsentExpired);
    }

    [Fact]
    public void VerifyAll_AccessesBeyondTheFetchCap_AreCaught_CountingStrongModeAccessesToo()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1, fetchCap: 2);
        var consent = l.Grant(terms);
        l.NextBlock();
        l.StrongAccess(consent, terms);
        l.NextBlock();
        var second = l.Access(consent, terms);
        l.NextBlock();
        var third = l.Access(consent, terms);
        l.AnchorAll();

        var report = Verify.Offline(l.ToBundle());

        Assert.Equal(VerificationStatus.Verified, report.StatusOf(second));
        var problem = report.AssertFailedWith(third, ProblemKind.FetchCapExceeded);
        Assert.Contains("fetch 3", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyAll_TheFetchCap_StartsAgainInEachFetchPeriod()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1, fetchCap: 1, fetchPeriod: 60);
        var consent = l.Grant(terms);
        var first = l.Access(consent, terms);
        l.NextBlock(10); // 120 s later: the next period
        var nextPeriod = l.Access(consent, terms);
        var sameNextPeriod = l.Access(consent, terms);
        l.AnchorAll();

        var report = Verify.Offline(l.ToBundle());

        Assert.Equal(VerificationStatus.Verified, report.StatusOf(first));
        Assert.Equal(VerificationStatus.Verified, report.StatusOf(nextPeriod));
        report.AssertFailedWith(sameNextPeriod, ProblemKind.FetchCapExceeded);
    }

    [Fact]
    public void VerifyAll_DataServedToAnotherBankThanTheConsents_IsTheWrongConsumer()
    {
        var s = TestLedgers.LendingScenario();
        var wrong = s.Ledger.Access(s.C1, s.T1, consumer: SyntheticLedger.OtherBank);
        s.Ledger.AnchorPending(SyntheticLedger.Tax);

        var problem = Verify.Offline(s.ToBundle()).AssertFailedWith(wrong, ProblemKind.WrongConsumer);
        Assert.Contains("bank.icbc.liuzhou", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyAll_AnAccessAfterTheEnterpriseWasUnbound_IsCaught()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1);
        var consent = l.Grant(terms);
        l.NextBlock();
        l.Unbind(terms);
        l.NextBlock();
        var after = l.Access(consent, terms);
        l.AnchorAll();

        Verify.Offline(l.ToBundle()).AssertFailedWith(after, ProblemKind.EnterpriseUnbound);
    }

    [Fact]
    public void VerifyAll_ARecordWhoseTimeOfBlockIsNotGiven_CannotBeCheckedAgainstTheWindow()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle();
        var block = ((AccessRecord)bundle.Records[s.A1].Record).CheckedAtBlock;
        var times = bundle.BlockTimes.Where(t => t.Key != block).ToDictionary();

        var report = Verify.Offline(bundle with { BlockTimes = times });

        report.AssertFailedWith(s.A1, ProblemKind.BlockTimeUnknown);
    }

    [Fact]
    public void VerifyAll_ConsentTermsAlteredInTheBundle_AreCaughtByTheirId()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle().WithEvents(e => e.Name == "ConsentGranted" && e.Args["consentId"] == s.C1.Value.ToString()
            ? e.WithArg("terms.scopes", ((ulong)(Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Judicial)).ToString(System.Globalization.CultureInfo.InvariantCulture))
            : e);

        var report = Verify.Offline(bundle);

        report.AssertFailedWith(s.A1, ProblemKind.ConsentTermsAltered);
        Assert.Contains(report.EvidenceProblems, p => p.Message.Contains("do not hash to consent id", StringComparison.Ordinal));
    }

    [Fact]
    public void VerifyAll_AConsentTakenOverFromThePredecessorRegistry_IsCheckedInThePredecessorsDomain()
    {
        // After a contract upgrade the registry is another contract, and a consent taken over keeps the id the
        // enterprise signed in the old registry's EIP-712 domain; its ConsentImported event names that registry.
        var s = TestLedgers.LendingScenario();
        var original = s.ToBundle();
        var predecessor = original.Chain.AddressOf(Chain.Abi.LedgerContracts.ConsentRegistry)!.Value;
        var contracts = new Dictionary<string, Core.Primitives.EthAddress>(original.Chain.Contracts, StringComparer.Ordinal)
        {
            [Chain.Abi.LedgerContracts.ConsentRegistry] = Core.Primitives.EthAddress.Parse("0x00000000000000000000000000000000000000c2"),
        };
        var upgraded = original with { Chain = original.Chain with { Contracts = contracts } };
        // Every consent of the scenario taken over: each ConsentGranted preceded, in its transaction, by ConsentImported.
        var spaced = upgraded.WithEvents(e => e with { LogIndex = (e.LogIndex * 2) + 1 });
        var imports = spaced.Events.Where(e => e.Name == "ConsentGranted").Select(granted => granted with
        {
            Name = "ConsentImported",
            LogIndex = granted.LogIndex - 1,
            Args = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["consentId"] = granted.Args["consentId"],
                ["enterprise"] = granted.Args["enterprise"],
                ["predecessor"] = predecessor.ToString(),
            },
        }).ToList();
        Assert.NotEmpty(imports);
        var withImport = spaced with { Events = [.. spaced.Events, .. imports] };

        var report = Verify.Offline(withImport);

        Assert.True(report.Passed, string.Join("; ", report.AllProblems().Select(p => p.Message)));
        // Without the ConsentImported event the same terms do not hash to the id in the new registry's domain.
        Verify.Offline(upgraded).AssertFailedWith(s.A1, ProblemKind.ConsentTermsAltered);
    }

    [Fact]
    public void VerifyAll_AnAccessUnderAConsentTheBundleLacks_IsUnknown()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle().WithEvents(e => e.Name == "ConsentGranted" && e.Args["consentId"] == s.C1.Value.ToString() ? null : e);

        Verify.Offline(bundle).AssertFailedWith(s.A1, ProblemKind.ConsentUnknown);
    }

    // ------------------------------------------------------------------ (e) actor at the block

    [Fact]
    public void VerifyAll_AProviderSuspendedAtTheBlock_IsCaught_AndReinstatedAgainIsFine()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1);
        var consent = l.Grant(terms);
        l.NextBlock();
        l.Suspend(SyntheticLedger.Tax);
        var whileSuspended = l.Access(consent, terms);
        l.NextBlock();
        l.Reinstate(SyntheticLedger.Tax);
        var afterReinstated = l.Access(consent, terms);
        l.AnchorAll();

        var report = Verify.Offline(l.ToBundle());

        var problem = report.AssertFailedWith(whileSuspended, ProblemKind.ActorSuspended);
        Assert.Contains("tax.liuzhou was suspended", problem.Message, StringComparison.Ordinal);
        Assert.Equal(VerificationStatus.Verified, report.StatusOf(afterReinstated));
    }

    [Fact]
    public void VerifyAll_AProviderThatWasNoMemberAtTheBlock_IsCaught()
    {
        var l = new SyntheticLedger();
        var rogue = OrgId.FromCode("tax.rogue");
        var terms = l.Terms(1);
        var consent = l.Grant(terms);
        l.NextBlock();
        var byRogue = l.Access(consent, terms, provider: rogue);
        l.NextBlock();
        l.Admit(rogue, Role.TaxBureau); // admitted later: anchoring is fine, the access was not
        l.AnchorPending(rogue);

        var report = Verify.Offline(l.ToBundle());

        var problem = report.AssertFailedWith(byRogue, ProblemKind.ActorNotMember);
        Assert.Contains("tax.rogue was not a consortium member", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyAll_AProviderRemovedBeforeTheAccess_IsNoLongerAMember()
    {
        var l = new SyntheticLedger();
        var second = OrgId.FromCode("tax.nanning");
        l.Admit(second, Role.TaxBureau);
        var terms = l.Terms(1) with { Provider = second };
        var consent = l.Grant(terms);
        l.NextBlock();
        l.Remove(second);
        l.NextBlock();
        var afterRemoval = l.Access(consent, terms);
        l.AnchorPending(second, [afterRemoval]);

        var report = Verify.Offline(l.ToBundle());

        report.AssertFailedWith(afterRemoval, ProblemKind.ActorNotMember);
        // The chain only lets active members anchor: the batch itself is flagged as well.
        Assert.Contains(report.Anchors, a => a.Batch.Org == second && a.Problems.Any(p => p.Kind == ProblemKind.ActorNotMember));
    }

    [Fact]
    public void VerifyAll_AnAccessByAMemberWithAnotherRole_IsTheWrongRole()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1);
        var consent = l.Grant(terms);
        l.NextBlock();
        l.ChangeRole(SyntheticLedger.Tax, Role.TaxBureau, Role.Auditor);
        var asAuditor = l.Access(consent, terms);
        l.AnchorAll();

        var problem = Verify.Offline(l.ToBundle()).AssertFailedWith(asAuditor, ProblemKind.ActorWrongRole);
        Assert.Contains("tax.liuzhou was an auditor, not a tax bureau", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyAll_DataServedToASuspendedBank_IsIneligible()
    {
        var s = TestLedgers.LendingScenario();
        s.Ledger.Suspend(SyntheticLedger.Bank);
        var toSuspended = s.Ledger.Access(s.C1, s.T1);
        s.Ledger.AnchorPending(SyntheticLedger.Tax);

        Verify.Offline(s.ToBundle()).AssertFailedWith(toSuspended, ProblemKind.ConsumerIneligible);
    }

    [Fact]
    public void VerifyAll_ARecordAnchoredByAnotherOrganization_IsCaught()
    {
        var s = TestLedgers.LendingScenario();
        var access = s.Ledger.Access(s.C1, s.T1);
        var bundle = s.ToBundle();
        // The bank anchors the tax bureau's record under its own name.
        var bankBatch = bundle.Records.First(r => r.Anchor?.Org == SyntheticLedger.Bank).Anchor!;
        var forged = bundle.Replace(access, bundle.Records[access] with { Anchor = bankBatch });

        Verify.Offline(forged).AssertFailedWith(access, ProblemKind.WrongAnchoringOrg);
    }

    // ------------------------------------------------------------------ consistency of the other records

    [Fact]
    public void VerifyAll_ARecordCheckedAfterItsBatchWasAnchored_IsInconsistent()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1);
        var consent = l.Grant(terms);
        l.NextBlock();
        var future = l.Access(consent, terms, checkedAt: l.Block + 3);
        l.AnchorAll();

        var problem = Verify.Offline(l.ToBundle()).AssertFailedWith(future, ProblemKind.Inconsistent);
        Assert.Contains("after its batch was anchored", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyAll_ARefusalWithAnUnknownReason_IsInconsistent_ButAnUnjustifiedOneIsNot()
    {
        var s = TestLedgers.LendingScenario();
        var unknownReason = s.Ledger.Refusal(s.C1, s.T1, 42);
        var unjustified = s.Ledger.Refusal(s.C1, s.T1, (byte)AccessStatus.Expired); // the consent was fine: not the audit's business
        var stale = s.Ledger.Refusal(s.C1, s.T1, (byte)RefusalReason.ChainViewStale);
        s.Ledger.AnchorPending(SyntheticLedger.Tax);

        var report = Verify.Offline(s.ToBundle());

        var problem = report.AssertFailedWith(unknownReason, ProblemKind.Inconsistent);
        Assert.Contains($"(64–{(byte)Enum.GetValues<RefusalReason>().Max()})", problem.Message, StringComparison.Ordinal); // the node's reasons, the newest last
        Assert.Equal(VerificationStatus.Verified, report.StatusOf(unjustified));
        Assert.Equal(VerificationStatus.Verified, report.StatusOf(stale));
        Assert.Equal(VerificationStatus.Verified, report.StatusOf(s.Refusal));
    }

    [Fact]
    public void VerifyAll_ADeletionForARevocationThatNeverHappened_IsInconsistent()
    {
        var s = TestLedgers.LendingScenario();
        var deletion = s.Ledger.Deletion(s.C1, s.T1, DeletionCause.ConsentRevoked);
        s.Ledger.AnchorPending(SyntheticLedger.Bank);

        var report = Verify.Offline(s.ToBundle());

        report.AssertFailedWith(deletion, ProblemKind.Inconsistent);
        Assert.Equal(VerificationStatus.Verified, report.StatusOf(s.Deletion));
    }

    [Fact]
    public void VerifyAll_ARevocationDeletionAnchoredBeforeTheRevocationBlock_IsInconsistent()
    {
        var l = new SyntheticLedger();
        var terms = l.Terms(1, SyntheticLedger.Bank);
        var consent = l.Grant(terms);
        l.NextBlock();
        var early = l.Deletion(consent, terms, DeletionCause.ConsentRevoked);
        l.AnchorPending(SyntheticLedger.Bank);
        l.NextBlock();
        l.Revoke(consent, terms);

        var problem = Verify.Offline(l.ToBundle()).AssertFailedWith(early, ProblemKind.Inconsistent);
        Assert.Contains("before consent", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"revoked in block {l.Block}", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyAll_ARevocationDeletionTimedByABankClockBehindTheChain_IsVerifiedByBlockOrder()
    {
        // A busy dev chain's block times run ahead of wall clocks: the bank's deletedAt may precede the revocation
        // block's timestamp although the bank deleted after it saw that block. Order is judged by blocks.
        var l = new SyntheticLedger();
        var terms = l.Terms(1, SyntheticLedger.Bank);
        var consent = l.Grant(terms);
        l.NextBlock();
        l.Revoke(consent, terms);
        var revokedAtMs = SyntheticLedger.TimeOf(l.Block) * 1000;
        var deletion = l.Add(new DeletionReceipt(consent, SyntheticLedger.Bank, Keccak.Hash("held/report"), DeletionCause.ConsentRevoked, revokedAtMs - 30_000, 1));
        l.NextBlock();
        l.AnchorPending(SyntheticLedger.Bank);

        var report = Verify.Offline(l.ToBundle());

        Assert.Equal(VerificationStatus.Verified, report.StatusOf(deletion));
    }

    [Fact]
    public void VerifyAll_ADecisionUnlikeItsChainEvent_IsInconsistent()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle();
        var hash = bundle.Records[s.D1].DeclaredHash.Value.ToString();
        var altered = bundle.WithEvents(e => e.Name == "CreditDecisionRecorded" && e.Args["decisionHash"] == hash ? e.WithArg("approved", "false") : e);

        Verify.Offline(altered).AssertFailedWith(s.D1, ProblemKind.Inconsistent);
    }

    [Fact]
    public void VerifyAll_AReasonsDocumentThatIsNotTheRecordedOne_IsInconsistent()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle();
        var altered = bundle.Replace(s.D1, bundle.Records[s.D1] with { ReasonsJson = bundle.Records[s.D1].ReasonsJson!.Replace("rating A", "rating B", StringComparison.Ordinal) });

        var problem = Verify.Offline(altered).AssertFailedWith(s.D1, ProblemKind.Inconsistent);
        Assert.Contains("reasons document", problem.Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ pending, duplicates, single records

    [Fact]
    public void VerifyAll_ARecordNotAnchoredYet_IsPending_AndTheReportStillPasses()
    {
        var s = TestLedgers.LendingScenario();
        var waiting = s.Ledger.Access(s.C1, s.T1);

        var report = Verify.Offline(s.ToBundle());

        Assert.Equal(VerificationStatus.Pending, report.StatusOf(waiting));
        Assert.Equal(1, report.Pending);
        Assert.True(report.Passed);
    }

    [Fact]
    public void VerifyAll_APendingRecordThatBreaksItsConsent_FailsAnyway()
    {
        var s = TestLedgers.LendingScenario();
        var waiting = s.Ledger.Access(s.C2, s.T2, checkedAt: s.RevokedAtBlock + 1);

        Verify.Offline(s.ToBundle()).AssertFailedWith(waiting, ProblemKind.ConsentRevoked);
    }

    [Fact]
    public void VerifyAll_ARecordListedTwice_IsADuplicate()
    {
        var s = TestLedgers.LendingScenario();
        var bundle = s.ToBundle();
        var doubled = bundle.Append(bundle.Records[s.A2]);

        var report = Verify.Offline(doubled);

        report.AssertFailedWith(doubled.Records.Count - 1, ProblemKind.Duplicate);
        Assert.Equal(VerificationStatus.Verified, report.StatusOf(s.A2));
    }

    [Fact]
    public void VerifyRecord_AgreesWithVerifyAll_OnEveryRecordOfATamperedLedger()
    {
        var s = TestLedgers.LendingScenario();
        var late = s.Ledger.Access(s.C2, s.T2, checkedAt: s.RevokedAtBlock + 1);
        s.Ledger.AnchorPending(SyntheticLedger.Tax);
        s.Ledger.Access(s.C1, s.T1); // pending
        var bundle = s.ToBundle();
        var original = (AccessRecord)bundle.Records[s.A1].Record;
        bundle = bundle.Replace(s.A1, bundle.Records[s.A1] with { Record = original with { Sequence = 77 } });
        var proof = bundle.Records[s.A3].Anchor!.Proof.ToArray();
        proof[0] = Verify.Flip(proof[0]);
        bundle = bundle.Replace(s.A3, bundle.Records[s.A3] with { Anchor = bundle.Records[s.A3].Anchor! with { Proof = proof } });

        var verifier = new LedgerVerifier(LedgerIndex.Build(bundle), RootAuthority.FromEvidence());
        var all = verifier.VerifyAll();

        for (var i = 0; i < bundle.Records.Count; i++)
        {
            var one = verifier.VerifyRecord(i);
            Assert.Equal(all.StatusOf(i), one.Status);
            Assert.Equal(all.ResultOf(i).Problems.Select(p => p.Kind).Order(), one.Problems.Select(p => p.Kind).Order());
        }
        Assert.Equal(3, all.Failed);
        Assert.Equal(VerificationStatus.Failed, all.StatusOf(late));
    }

    [Fact]
    public void VerifyAll_EvidenceWithoutRecords_VerifiesNothingAndFailsNothing()
    {
        // An enterprise's bundle before any record concerns it (found by the CLI fuzz: it crashed with exit 3).
        var bundle = new SyntheticLedger().ToBundle();
        Assert.Empty(bundle.Records);

        var report = new LedgerVerifier(LedgerIndex.Build(bundle), RootAuthority.FromEvidence()).VerifyAll();

        Assert.Equal((0, 0, 0), (report.Verified, report.Pending, report.Failed));
    }
}
