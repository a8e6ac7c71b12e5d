using System.Numerics;
using System.Text.Json.Nodes;
using Ledger.Audit.Bundle;
using Ledger.Audit.Indexing;
using Ledger.Audit.Online;
using Ledger.Audit.Tests.Support;
using Ledger.Audit.Verification;
using Ledger.Chain;
using Ledger.Chain.Profiles;
using Ledger.Chain.Transactions;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Local;
using Ledger.Store;
using Ledger.Store.Anchoring;
using Ledger.Store.Records;

namespace Ledger.Audit.Tests.Online;

/// <summary>
/// The outage of issue 10, written into a real tax-bureau store on purpose: on a real hardhat chain a consent is
/// granted, the tax bureau serves once, the enterprise revokes — and the store then takes an access checked against
/// the block before the revocation (its head stood still) but served 40 s after the revocation's block time, and
/// the refusal of the next fetch. The store (a LiteDB file) numbers the three under the consent and anchors them on
/// chain with its batcher; the auditor reads them back from the file, as a node exports them.
/// </summary>
public sealed class StoredLedgerFixture : IAsyncLifetime
{
    public static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    public static readonly OrgId Bank = OrgId.FromCode("bank.ccb.liuzhou");
    private const int TaxAccount = 3;
    private const int BankAccount = 4;
    private const int EnterpriseAccount = 7;

    private readonly List<TransactionSender> _senders = [];
    private readonly string _folder = Directory.CreateTempSubdirectory("ledger-stored-ledger-").FullName;

    public ChainEnvironment Chain { get; private set; } = null!;

    public ChainReference Reference { get; private set; } = null!;

    public ConsentId Consent { get; private set; }

    public ulong RevokedAtBlock { get; private set; }

    public RecordHash Served { get; private set; }

    public RecordHash Slipped { get; private set; }

    public RecordHash Refused { get; private set; }

    /// <summary>The whole ledger: the tax store's records read back with their anchors, every chain event, block times.</summary>
    public AuditBundle Ledger { get; private set; } = null!;

    public string RpcUrl => Chain.RpcUrl;

    public string Folder => _folder;

    public async Task InitializeAsync()
    {
        Chain = await LocalChain.StartAsync(new ChainProfile { Kind = ChainKind.Hardhat, PollInterval = TimeSpan.FromMilliseconds(50) });
        Reference = new ChainReference((ulong)Chain.Deployment.ChainId, Chain.Deployment.DeployBlock, Chain.Deployment.Addresses);
        var governor0 = Client(0, new InMemoryTransactionJournal());
        var governor1 = Client(1, new InMemoryTransactionJournal());
        var bank = Client(BankAccount, new InMemoryTransactionJournal());
        foreach (var (org, role, account) in new[] { (Tax, Role.TaxBureau, TaxAccount), (Bank, Role.Bank, BankAccount) })
        {
            var proposal = await governor0.ProposeAdmitMemberAsync(
                org, role, org.Code, $"https://{org.Code}.example:7443", "", Secp256k1Signer.CompressedPublicKey(DevAccounts.PrivateKey(account)),
                [DevAccounts.Address(account)]);
            await governor1.ApproveAsync(proposal);
        }

        using var store = LedgerStore.Open(new LedgerStoreOptions { Path = Path.Combine(_folder, "tax.ledger.db"), Organization = Tax });
        var tax = Client(TaxAccount, store.Journal);
        var enterprise = new EnterpriseHash(Keccak.Hash("salt/91450200MA5K8XYZ1Q"));
        await tax.BindEnterpriseWithKeyAsync(DevAccounts.PrivateKey(EnterpriseAccount), enterprise);
        var domain = Chain.Deployment.ConsentDomain;
        var key = DevAccounts.PrivateKey(EnterpriseAccount);
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var terms = new ConsentTerms(
            DevAccounts.Address(EnterpriseAccount), enterprise, Bank, Tax, Scopes.TaxCreditRating | Scopes.TaxPayments, PurposeCodes.CreditAssessment,
            now - 60, now + 86_400, now - (3 * 365 * 86_400), now, 5, 0, 30 * 86_400, BigInteger.One, new BigInteger(now + 3_600));
        Consent = await bank.GrantConsentBySigAsync(terms, ConsentSignatures.Sign(terms, domain, key));

        // Served while the consent held, as the tax node's group commit accepts it (the store numbers it: 1).
        var staleHead = await HeadAsync();
        Served = (await store.Records.AcceptAsync(sequence => Access(1, staleHead, (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), sequence))).Hash;

        var revocation = new ConsentRevocation(Consent, 99, new BigInteger(now + 3_600));
        RevokedAtBlock = (await bank.RevokeConsentBySigAsync(revocation, ConsentSignatures.Sign(revocation, domain, key))).BlockNumber;
        var source = await ChainAuditSource.ConnectAsync(RpcUrl, Reference);
        var revokedAtSeconds = (await source.BlockTimesAsync([RevokedAtBlock]))[RevokedAtBlock];

        // On purpose: what the node did while its view of the chain stood still — checked against the head before the
        // revocation, served 40 s after the revocation's block time (2); then the next fetch, refused (3).
        Slipped = (await store.Records.AcceptAsync(sequence => Access(2, staleHead, revokedAtSeconds * 1000 + 40_000, sequence))).Hash;
        var head = await HeadAsync();
        Refused = (await store.Records.AcceptAsync(sequence => new RefusalRecord(
            Consent, Tax, Bank, Scopes.TaxCreditRating, Keccak.Hash("request/3"), (byte)AccessStatus.Revoked, head, revokedAtSeconds * 1000 + 41_000, sequence))).Hash;

        await using (var batcher = new AnchorBatcher(store, new AnchorChain(tax.Sender, Chain.Deployment, Tax)))
        {
            Assert.Equal(1, await batcher.AnchorPendingAsync());
        }

        // What a node exports and the auditor holds: each record with its declared hash, anchor and proof.
        var records = store.Records.Find(new RecordQuery { Limit = 100 }).Select(r => new BundleRecord(r.Record, r.Hash, r.Anchor is not { } a ? null
            : new RecordAnchorRef(a.Organization, a.BatchId, a.Root, a.Proof, a.BlockNumber, a.TxHash))).ToList();
        var events = await source.ReadEventsAsync();
        var ledger = AuditBundleBuilder.FromLedger(Reference, records, events, createdBy: "auditor.test");
        Ledger = AuditBundleBuilder.WithBlockTimes(ledger, await source.BlockTimesAsync(AuditBundleBuilder.MissingBlockTimes(ledger)));
    }

    private AccessRecord Access(int request, ulong checkedAt, ulong servedAtMs, ulong sequence) =>
        new(Consent, Tax, Bank, Scopes.TaxCreditRating, Keccak.Hash($"request/{request}"), Keccak.Hash($"response/{request}"), checkedAt, servedAtMs, sequence);

    private LedgerChainClient Client(int account, ITransactionJournal journal)
    {
        var sender = Chain.CreateSender(DevAccounts.PrivateKey(account), journal);
        _senders.Add(sender);
        return new LedgerChainClient(sender, Chain.Deployment);
    }

    private async Task<ulong> HeadAsync() =>
        (ulong)(await Chain.Rpc.CallAsync(w => w.Eth.Blocks.GetBlockNumber.SendRequestAsync())).Value;

    public async Task DisposeAsync()
    {
        foreach (var sender in _senders)
        {
            sender.Dispose();
        }
        if (Chain is not null)
        {
            await Chain.DisposeAsync();
        }
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class StoredLedgerTests(StoredLedgerFixture fixture) : IClassFixture<StoredLedgerFixture>
{
    private int IndexOf(RecordHash hash) => fixture.Ledger.Records.ToList().FindIndex(r => r.DeclaredHash == hash);

    [Fact]
    public void TheStore_NumberedTheConsentsAnswers_AndTheSlippedAccessPredatesTheRevocationByBlock()
    {
        var numbers = new[] { fixture.Served, fixture.Slipped, fixture.Refused }
            .Select(h => ((IConsentSequencedRecord)fixture.Ledger.Records[IndexOf(h)].Record).ConsentSequence);
        var slipped = (AccessRecord)fixture.Ledger.Records[IndexOf(fixture.Slipped)].Record;

        Assert.Equal([1UL, 2, 3], numbers);
        Assert.True(slipped.CheckedAtBlock < fixture.RevokedAtBlock);
        Assert.All(fixture.Ledger.Records, r => Assert.NotNull(r.Anchor));
    }

    [Fact]
    public async Task VerifyAsync_TheWholeLedgerAgainstTheChain_FlagsExactlyTheAccessServedAfterTheRevocation()
    {
        var result = await BundleVerifier.VerifyAsync(fixture.Ledger, new VerificationMode.Online(fixture.RpcUrl));

        Assert.Equal(BundleVerificationResult.Failed, result.ExitCode);
        var failure = Assert.Single(result.Report!.Failures);
        Assert.Equal(fixture.Slipped, failure.Hash);
        var problem = Assert.Single(failure.Problems);
        Assert.Equal(ProblemKind.ServedAfterRevocation, problem.Kind);
        Assert.Contains($"revoked in block {fixture.RevokedAtBlock}", problem.Message, StringComparison.Ordinal);
        Assert.Equal(2, result.Report.Verified);
    }

    [Fact]
    public async Task VerifyAll_AsTheAuditorNodeDoes_RootsFromTheChainAndCompleteBatches_FlagsItToo()
    {
        // The auditor node's verifier: its own copy of the ledger, roots read from the chain, complete batches required.
        var source = await ChainAuditSource.ConnectAsync(fixture.RpcUrl, fixture.Reference);
        var index = LedgerIndex.Build(fixture.Ledger);
        var roots = await source.AnchoredRootsAsync(Enumerable.Range(0, index.BatchCount).Select(index.BatchKeyAt));
        var verifier = new LedgerVerifier(index, RootAuthority.FromChain(roots, "the chain"), new VerificationOptions { RequireCompleteBatches = true });

        var report = verifier.VerifyAll();

        report.AssertFailedWith(IndexOf(fixture.Slipped), ProblemKind.ServedAfterRevocation);
        Assert.Equal(1, report.Failed);
    }

    [Fact]
    public async Task VerifyAsync_TheConsentsBundleFileWithTheSlippedAccessDeleted_StillFails_ByTheGapInTheConsentSequence()
    {
        var bundle = AuditBundleBuilder.Select(LedgerIndex.Build(fixture.Ledger), AuditScope.ForConsent(fixture.Consent));
        var path = Path.Combine(fixture.Folder, "consent-bundle.json");
        AuditBundleJson.WriteFile(bundle, path);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        var records = json["records"]!.AsArray();
        records.Remove(records.Single(r => (string?)r!["hash"] == fixture.Slipped.ToString()));
        await File.WriteAllTextAsync(path, json.ToJsonString());

        var result = await BundleVerifier.VerifyAsync(path, new VerificationMode.Online(fixture.RpcUrl));

        Assert.Equal(BundleVerificationResult.Failed, result.ExitCode);
        Assert.Equal(0, result.Report!.Failed);
        var gap = Assert.Single(result.Report.CompletenessProblems);
        Assert.Equal(ProblemKind.ConsentSequenceGap, gap.Kind);
        Assert.Contains("numbers 1 to 3 but not 2", gap.Message, StringComparison.Ordinal);
        Assert.Contains(result.Problems, p => p == gap.Message);

        // Deleted from the whole ledger, its batch is short of a record as well.
        var whole = await BundleVerifier.VerifyAsync(fixture.Ledger with { Records = [.. fixture.Ledger.Records.Where(r => r.DeclaredHash != fixture.Slipped)] },
            new VerificationMode.Online(fixture.RpcUrl));
        Assert.Contains(whole.Report!.Anchors.SelectMany(a => a.Problems), p => p.Kind == ProblemKind.BatchIncomplete);
        Assert.Contains(whole.Report.CompletenessProblems, p => p.Kind == ProblemKind.ConsentSequenceGap);
    }
}
