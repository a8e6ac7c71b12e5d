using System.Numerics;
using Ledger.Audit.Bundle;
using Ledger.Audit.Online;
using Ledger.Chain;
using Ledger.Chain.Profiles;
using Ledger.Chain.Transactions;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Local;

namespace Ledger.Audit.Tests.Online;

/// <summary>
/// A real hardhat chain with the suite deployed, a tax bureau and a bank admitted through 2-of-3 governance, an
/// enterprise bound, two consents granted by the enterprise's signature (relayed by the bank), one of them revoked,
/// and the tax bureau's batch of four access records anchored — two of them checked after the revocation: one
/// against the very block of the revocation, one against a later block. <see cref="Ledger"/> is what an auditor node would hold: those records and every chain event.
/// </summary>
public sealed class OnlineLedgerFixture : IAsyncLifetime
{
    public static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    public static readonly OrgId Bank = OrgId.FromCode("bank.ccb.liuzhou");
    public static readonly EnterpriseHash Enterprise = new(Keccak.Hash("salt/91450200MA5K8XYZ1Q"));
    private const int EnterpriseAccount = 7;

    private readonly List<LedgerChainClient> _clients = [];

    public ChainEnvironment Chain { get; private set; } = null!;

    public ChainReference Reference { get; private set; } = null!;

    public ConsentId Kept { get; private set; }

    public ConsentId Revoked { get; private set; }

    public ulong RevokedAtBlock { get; private set; }

    /// <summary>Access under the kept consent, checked after its grant.</summary>
    public RecordHash KeptAccess { get; private set; }

    /// <summary>Access under the revoked consent, checked before the revocation.</summary>
    public RecordHash EarlyAccess { get; private set; }

    /// <summary>Access under the revoked consent, checked against the block of the revocation.</summary>
    public RecordHash SameBlockAccess { get; private set; }

    /// <summary>Access under the revoked consent, checked against a block after the revocation.</summary>
    public RecordHash LateAccess { get; private set; }

    public BatchKey Batch { get; private set; }

    /// <summary>The whole ledger as the auditor holds it (records with proofs, every event, block times).</summary>
    public AuditBundle Ledger { get; private set; } = null!;

    public string RpcUrl => Chain.RpcUrl;

    private LedgerChainClient Client(int account)
    {
        var client = new LedgerChainClient(Chain.CreateSender(DevAccounts.PrivateKey(account), new InMemoryTransactionJournal()), Chain.Deployment);
        _clients.Add(client);
        return client;
    }

    public async Task InitializeAsync()
    {
        Chain = await LocalChain.StartAsync(new ChainProfile { Kind = ChainKind.Hardhat, PollInterval = TimeSpan.FromMilliseconds(50) });
        Reference = new ChainReference((ulong)Chain.Deployment.ChainId, Chain.Deployment.DeployBlock, Chain.Deployment.Addresses);
        var governor0 = Client(0);
        var governor1 = Client(1);
        var tax = Client(3);
        var bank = Client(4);
        foreach (var (org, role, account) in new[] { (Tax, Role.TaxBureau, 3), (Bank, Role.Bank, 4) })
        {
            var proposal = await governor0.ProposeAdmitMemberAsync(
                org, role, org.Code, $"https://{org.Code}.example:7443", "", Secp256k1Signer.CompressedPublicKey(DevAccounts.PrivateKey(account)),
                [DevAccounts.Address(account)]);
            await governor1.ApproveAsync(proposal);
        }
        await tax.BindEnterpriseWithKeyAsync(DevAccounts.PrivateKey(EnterpriseAccount), Enterprise);

        var domain = Chain.Deployment.ConsentDomain;
        var key = DevAccounts.PrivateKey(EnterpriseAccount);
        var keptTerms = Terms(1);
        Kept = await bank.GrantConsentBySigAsync(keptTerms, ConsentSignatures.Sign(keptTerms, domain, key));
        var revokedTerms = Terms(2);
        Revoked = await bank.GrantConsentBySigAsync(revokedTerms, ConsentSignatures.Sign(revokedTerms, domain, key));

        // The tax node checks each consent as of the latest block and records that block.
        var keptAccess = Access(Kept, await HeadAsync(), 1);
        var earlyAccess = Access(Revoked, await HeadAsync(), 2);
        var revocation = new ConsentRevocation(Revoked, 99, new BigInteger(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3_600));
        var revoked = await bank.RevokeConsentBySigAsync(revocation, ConsentSignatures.Sign(revocation, domain, key));
        RevokedAtBlock = revoked.BlockNumber;
        var sameBlockAccess = Access(Revoked, RevokedAtBlock, 3);
        var laterTerms = Terms(3);
        await bank.GrantConsentBySigAsync(laterTerms, ConsentSignatures.Sign(laterTerms, domain, key)); // the chain moves on
        var lateAccess = Access(Revoked, await HeadAsync(), 4);

        // The tax bureau anchors the four as its first batch, as its store's batcher would.
        AccessRecord[] records = [keptAccess, earlyAccess, sameBlockAccess, lateAccess];
        var tree = StandardMerkleTree.Of(records.Select(r => r.Hash()));
        var batchId = BatchId.For(Tax, 1);
        var anchored = await tax.AnchorAsync(batchId, tree.Root, (uint)records.Length, BatchKind.AccessRecords, "ledger://tax.liuzhou/batches/1");
        Batch = new BatchKey(Tax, batchId);
        var bundleRecords = records.Select((r, k) => BundleRecord.Of(r, new RecordAnchorRef(Tax, batchId, tree.Root, tree.GetProof(k), anchored.BlockNumber, anchored.TxHash))).ToList();
        (KeptAccess, EarlyAccess, SameBlockAccess, LateAccess) = (keptAccess.Hash(), earlyAccess.Hash(), sameBlockAccess.Hash(), lateAccess.Hash());

        // What the auditor node holds: the records, every event (its indexer), the times of the checked blocks.
        var source = await ChainAuditSource.ConnectAsync(RpcUrl, Reference);
        var events = await source.ReadEventsAsync();
        var ledger = AuditBundleBuilder.FromLedger(Reference, bundleRecords, events, createdBy: "auditor.test");
        var times = await source.BlockTimesAsync(AuditBundleBuilder.MissingBlockTimes(ledger));
        Ledger = AuditBundleBuilder.WithBlockTimes(ledger, times);
    }

    private async Task<ulong> HeadAsync() =>
        (ulong)(await Chain.Rpc.CallAsync(w => w.Eth.Blocks.GetBlockNumber.SendRequestAsync())).Value;

    private static AccessRecord Access(ConsentId consent, ulong checkedAt, ulong sequence) =>
        new(consent, Tax, Bank, Scopes.TaxCreditRating, Keccak.Hash($"request/{sequence}"), Keccak.Hash($"response/{sequence}"),
            checkedAt, (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), sequence);

    private static ConsentTerms Terms(int nonce)
    {
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new ConsentTerms(
            DevAccounts.Address(EnterpriseAccount), Enterprise, Bank, Tax, Scopes.TaxCreditRating | Scopes.TaxPayments, PurposeCodes.CreditAssessment,
            now - 60, now + 86_400, now - (3 * 365 * 86_400), now, 5, 0, 30 * 86_400, new BigInteger(nonce), new BigInteger(now + 3_600));
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Sender.Dispose();
        }
        if (Chain is not null)
        {
            await Chain.DisposeAsync();
        }
    }
}
