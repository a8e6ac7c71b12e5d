using Ledger.Audit.Bundle;
using Ledger.Audit.Indexing;
using Ledger.Audit.Online;
using Ledger.Audit.Tests.Support;
using Ledger.Audit.Verification;
using Ledger.Chain;
using Ledger.Chain.Abi;
using Ledger.Chain.Profiles;
using Ledger.Chain.Transactions;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Local;

namespace Ledger.Audit.Tests.Online;

public sealed class OnlineVerificationTests(OnlineLedgerFixture chain) : IClassFixture<OnlineLedgerFixture>
{
    private static int IndexOf(AuditBundle bundle, Core.Model.RecordHash hash) => bundle.Records.ToList().FindIndex(r => r.DeclaredHash == hash);

    [Fact]
    public async Task VerifyAsync_TheWholeLedgerAgainstTheChain_FailsExactlyTheAccessesCheckedAfterTheRevocation()
    {
        var result = await BundleVerifier.VerifyAsync(chain.Ledger, new VerificationMode.Online(chain.RpcUrl));

        Assert.Equal(BundleVerificationResult.Failed, result.ExitCode);
        var report = result.Report!;
        Assert.Equal(2, report.Verified);
        Assert.Equal(new HashSet<Core.Model.RecordHash> { chain.SameBlockAccess, chain.LateAccess }, report.Failures.Select(f => f.Hash).ToHashSet());
        var late = report.Failures.Single(f => f.Hash == chain.LateAccess);
        var lateCheck = ((AccessRecord)chain.Ledger.Records[IndexOf(chain.Ledger, chain.LateAccess)].Record).CheckedAtBlock;
        Assert.True(lateCheck > chain.RevokedAtBlock);
        var problem = Assert.Single(late.Problems);
        Assert.Equal(ProblemKind.ConsentRevoked, problem.Kind);
        Assert.Contains($"revoked at block {chain.RevokedAtBlock}, before block {lateCheck}", problem.Message, StringComparison.Ordinal);
        var sameBlock = Assert.Single(report.Failures.Single(f => f.Hash == chain.SameBlockAccess).Problems);
        Assert.Contains($"revoked at block {chain.RevokedAtBlock}, in block {chain.RevokedAtBlock}", sameBlock.Message, StringComparison.Ordinal);
        Assert.Contains(chain.RpcUrl, report.RootSource, StringComparison.Ordinal);
        Assert.Empty(report.EvidenceProblems);
        Assert.Equal(2, result.Problems.Count);
    }

    [Fact]
    public async Task VerifyAsync_TheSameLedgerOffline_GivesTheSameVerdict()
    {
        var result = await BundleVerifier.VerifyAsync(chain.Ledger, new VerificationMode.Offline());

        Assert.Equal(BundleVerificationResult.Failed, result.ExitCode);
        Assert.Equal(2, result.Report!.Verified);
        Assert.All(result.Report.Failures, f => Assert.Equal(ProblemKind.ConsentRevoked, Assert.Single(f.Problems).Kind));
    }

    [Fact]
    public async Task VerifyAsync_TheKeptConsentsBundle_VerifiesOnlineAndOffline()
    {
        var bundle = AuditBundleBuilder.Select(LedgerIndex.Build(chain.Ledger), AuditScope.ForConsent(chain.Kept));
        var path = Path.Combine(Path.GetTempPath(), $"audit-bundle-{Guid.NewGuid():N}.json");
        AuditBundleJson.WriteFile(bundle, path);
        try
        {
            var online = await BundleVerifier.VerifyAsync(path, new VerificationMode.Online(chain.RpcUrl));
            var offline = await BundleVerifier.VerifyAsync(path, new VerificationMode.Offline());

            Assert.Equal(BundleVerificationResult.Verified, online.ExitCode);
            Assert.Equal(BundleVerificationResult.Verified, offline.ExitCode);
            Assert.Equal(1, online.Report!.Verified);
            Assert.Equal(chain.KeptAccess, Assert.Single(online.Report.Records).DeclaredHash);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task VerifyAsync_ABundleThatHidesTheRevocation_PassesOfflineButFailsAgainstTheChain()
    {
        var hiding = chain.Ledger.WithEvents(e => e.Name == "ConsentRevoked" ? null : e);

        var offline = await BundleVerifier.VerifyAsync(hiding, new VerificationMode.Offline());
        var online = await BundleVerifier.VerifyAsync(hiding, new VerificationMode.Online(chain.RpcUrl));

        Assert.Equal(BundleVerificationResult.Verified, offline.ExitCode);
        Assert.Equal(BundleVerificationResult.Failed, online.ExitCode);
        Assert.Contains(online.Report!.ProblemsOf(IndexOf(hiding, chain.LateAccess)), p => p.Kind == ProblemKind.ConsentRevoked);
    }

    [Fact]
    public async Task VerifyAsync_AForgedRoot_IsCaughtAgainstTheChain()
    {
        // The forger changes what was served and re-roots the record, the bundle's anchor and its event consistently.
        var bundle = AuditBundleBuilder.Select(LedgerIndex.Build(chain.Ledger), AuditScope.ForConsent(chain.Kept));
        var forged = bundle.ForgeRecord(0, r => ((AccessRecord)r) with { ResponseHash = Keccak.Hash("something else was served") }, forgeEvent: true);
        Assert.Equal(BundleVerificationResult.Verified, (await BundleVerifier.VerifyAsync(forged, new VerificationMode.Offline())).ExitCode);

        var online = await BundleVerifier.VerifyAsync(forged, new VerificationMode.Online(chain.RpcUrl));

        Assert.Equal(BundleVerificationResult.Failed, online.ExitCode);
        var report = online.Report!;
        var problem = Assert.Single(Assert.Single(report.Failures).Problems);
        Assert.Equal(ProblemKind.RootMismatch, problem.Kind);
        Assert.Contains("forged root", problem.Message, StringComparison.Ordinal);
        Assert.Contains(report.Anchors, a => a.Batch == chain.Batch && a.Problems.Any(p => p.Kind == ProblemKind.RootMismatch));
        Assert.Contains(report.EvidenceProblems, p => p.Kind == ProblemKind.EventMismatch && p.Message.Contains("BatchAnchored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_TrustedRootsReadFromTheChain_GiveTheSameVerdictOffline()
    {
        var source = await ChainAuditSource.ConnectAsync(chain.RpcUrl, chain.Reference);
        var roots = await source.AnchoredRootsAsync([chain.Batch]);
        var path = Path.Combine(Path.GetTempPath(), $"trusted-roots-{Guid.NewGuid():N}.json");
        new TrustedRoots(chain.Reference.ChainId, roots).Save(path);
        try
        {
            var result = await BundleVerifier.VerifyAsync(chain.Ledger, new VerificationMode.Offline(path));

            Assert.Equal(BundleVerificationResult.Failed, result.ExitCode);
            Assert.Equal(2, result.Report!.Failed);
            Assert.Contains(result.Report.Failures, f => f.Hash == chain.LateAccess);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task VerifyAsync_AnAlteredEventInTheBundle_IsNotTheChains()
    {
        var altered = chain.Ledger.WithEvents(e => e.Name == "ConsentGranted" && e.Args["consentId"] == chain.Kept.ToString() ? e.WithArg("terms.fetchCap", "500") : e);

        var result = await BundleVerifier.VerifyAsync(altered, new VerificationMode.Online(chain.RpcUrl));

        Assert.Equal(BundleVerificationResult.Failed, result.ExitCode);
        var problem = Assert.Single(result.Report!.EvidenceProblems);
        Assert.Equal(ProblemKind.EventMismatch, problem.Kind);
        Assert.Contains("ConsentGranted", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_ABundleOfAnotherChainOrDeployment_IsUnusable()
    {
        var otherChain = chain.Ledger with { Chain = chain.Reference with { ChainId = 1 } };
        var contracts = chain.Reference.Contracts.ToDictionary(StringComparer.Ordinal);
        contracts[LedgerContracts.LoanBook] = EthAddress.Parse("0x000000000000000000000000000000000000dEaD");
        var otherDeployment = chain.Ledger with { Chain = chain.Reference with { Contracts = contracts } };

        var wrongChain = await BundleVerifier.VerifyAsync(otherChain, new VerificationMode.Online(chain.RpcUrl));
        var wrongContracts = await BundleVerifier.VerifyAsync(otherDeployment, new VerificationMode.Online(chain.RpcUrl));

        Assert.Equal(BundleVerificationResult.Unusable, wrongChain.ExitCode);
        Assert.Equal(AuditErrors.WrongChainCode, wrongChain.ErrorCode);
        Assert.Contains("is for chain 1", wrongChain.Summary, StringComparison.Ordinal);
        Assert.Equal(BundleVerificationResult.Unusable, wrongContracts.ExitCode);
        Assert.Equal(AuditErrors.ContractsNotOnChainCode, wrongContracts.ErrorCode);
        Assert.Contains("LoanBook", wrongContracts.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proofs_InTheBundle_VerifyOnChainWithTheAccessLog()
    {
        using var sender = chain.Chain.CreateSender(DevAccounts.PrivateKey(9), new InMemoryTransactionJournal());
        var client = new LedgerChainClient(sender, chain.Chain.Deployment);
        foreach (var record in chain.Ledger.Records)
        {
            Assert.True(await client.VerifyRecordAsync(record.Anchor!.Org, record.Anchor.BatchId, record.DeclaredHash, record.Anchor.Proof));
        }
        var anchor = Assert.Single(chain.Ledger.Anchors);
        Assert.Equal(4u, anchor.Count);
        Assert.Equal(Core.Model.BatchKind.AccessRecords, anchor.Kind);
        Assert.Equal(await client.AnchoredRootAsync(anchor.Org, anchor.BatchId), anchor.Root);
    }
}
