using System.Text;
using Grpc.Core;
using Ledger.Core.Model;
using Ledger.Core.Records;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests.Bank;

/// <summary>
/// The bank honours data life: what it fetched is deleted when the consent's data life ends and when the enterprise
/// revokes the consent (learnt from the chain), each deletion with a deletion receipt the bank anchors.
/// </summary>
[Collection(SharedBankCluster.Name)]
public sealed class DataLifeTests(BankCluster cluster)
{
    [Fact]
    public async Task RevokeConsent_AfterAFetch_TheBankDeletesWhatItHeldAnchorsAReceiptAndTheNextFetchIsRefused()
    {
        var enterprise = cluster.RatedB;
        var (consent, _) = await cluster.ConsentAsync(enterprise);
        var fetched = await cluster.Lending.Bank.FetchDataAsync(consent);
        Assert.Contains(await cluster.Lending.Bank.ListHeldDataAsync(), h => h.ConsentId == consent && !h.Deleted);

        var revocation = await cluster.Lending.Consents.RevokeAsync(enterprise.Wallet, consent);

        var deleted = await BankCluster.EventuallyAsync(async () =>
            (await cluster.Lending.Bank.ListHeldDataAsync(includeDeleted: true)).SingleOrDefault(h => h.ConsentId == consent && h.Deleted && h.DeletionReceipt is not null),
            "the bank to delete the revoked consent's data");
        Assert.Equal(DeletionCause.ConsentRevoked, deleted.Cause);
        Assert.Equal(fetched.ResponseHash, deleted.ResponseHash);
        Assert.DoesNotContain(await cluster.Lending.Bank.ListHeldDataAsync(), h => h.ConsentId == consent);

        var receipt = await cluster.AnchoredBankRecordAsync(deleted.DeletionReceipt!.RecordHash);
        var record = Assert.IsType<DeletionReceipt>(receipt.Record);
        Assert.Equal(consent, record.ConsentId);
        Assert.Equal(NodeCluster.BankOrg, record.Consumer);
        Assert.Equal(fetched.ResponseHash, record.DataHash);
        Assert.Equal(DeletionCause.ConsentRevoked, record.Cause);
        Assert.Equal(deleted.DeletedAtMs, record.DeletedAtMs);
        Assert.True(await cluster.DevClient(2).VerifyRecordAsync(NodeCluster.BankOrg, receipt.Anchor.BatchId!.Value, receipt.Hash, receipt.Anchor.Proof));
        // One receipt per deletion, never two.
        Assert.Single(await cluster.BankAsAuditor.Records.ListAsync(new RecordFilter { Consent = consent }), r => r.Record is DeletionReceipt);

        // Decide finds nothing held and fetches; the tax node refuses under the revoked consent (its code and refusal record).
        await cluster.WaitTaxHeadAsync(revocation.BlockNumber);
        var error = await Refusals.ExpectAsync(() => cluster.Lending.Bank.DecideAsync(new DecisionRequest(consent)), StatusCode.FailedPrecondition, "LEDGER-1230");
        Assert.Contains(NodeCluster.TaxOrg.Code, error.Message, StringComparison.Ordinal);
        await Refusals.RecordedAsync(cluster, error, (byte)AccessStatus.Revoked);
        error = await Refusals.ExpectAsync(() => cluster.Lending.Bank.FetchDataAsync(consent), StatusCode.FailedPrecondition, "LEDGER-1230");
        await Refusals.RecordedAsync(cluster, error, (byte)AccessStatus.Revoked);
    }

    [Fact]
    public async Task AFetchedReport_IsInNoFileOfTheBankOrTaxNodeInClear_BeforeOrAfterItIsDeleted()
    {
        // Both nodes' stores are encrypted at rest with a key from their key stores (docs/store.md): the report the
        // bank fetched and holds, and the tax data it was built from, are nowhere in their folders in clear — not in the
        // store file, its log, nor anything else the nodes write there.
        var enterprise = cluster.RatedA;
        var (consent, _) = await cluster.ConsentAsync(enterprise);
        var fetched = await cluster.Lending.Bank.FetchDataAsync(consent);
        var report = fetched.Report();
        var needles = new[] { Encoding.UTF8.GetBytes(report.Name), Encoding.UTF8.GetBytes(fetched.ReportJson[..48]) };
        Assert.Contains(await cluster.Lending.Bank.ListHeldDataAsync(), h => h.ConsentId == consent);
        AssertNowhereInClear(needles, "after the fetch");

        await cluster.Lending.Consents.RevokeAsync(enterprise.Wallet, consent);
        await EventuallyAsync(async () => (await cluster.Lending.Bank.ListHeldDataAsync(includeDeleted: true))
            .Any(h => h.ConsentId == consent && h.Deleted && h.DeletionReceipt is not null));
        AssertNowhereInClear(needles, "after the deletion");
    }

    private void AssertNowhereInClear(byte[][] needles, string when)
    {
        var files = new[] { NodeCluster.BankOrg, NodeCluster.TaxOrg }
            .SelectMany(org => Directory.EnumerateFiles(Path.Combine(cluster.Dir, org.Code), "*", SearchOption.AllDirectories))
            .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)) // the store's lock file (the holder's process id), locked by the node
            .ToList();
        Assert.Contains(files, f => f.EndsWith("ledger.db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            foreach (var needle in needles)
            {
                Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{file} holds the report's '{Encoding.UTF8.GetString(needle)}' in clear {when}");
            }
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> done)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await done())
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("the bank did not delete what it held within 30 s of the revocation");
    }

    [Fact]
    public async Task DataLife_TwoSecondsAfterTheFetch_TheBankDeletesItWithADataLifeReceiptAndTheNextDecisionFetchesAgain()
    {
        var (consent, terms) = await cluster.ConsentAsync(cluster.RatedA, dataLife: TimeSpan.FromSeconds(2));
        Assert.Equal(2ul, terms.DataLife);
        var fetched = await cluster.Lending.Bank.FetchDataAsync(consent);
        var held = Assert.Single(await cluster.Lending.Bank.ListHeldDataAsync(), h => h.ConsentId == consent);
        Assert.Equal(held.FetchedAtMs + 2000, held.KeepUntilMs);
        Assert.Equal(fetched.KeepUntilMs, held.KeepUntilMs);

        var deleted = await BankCluster.EventuallyAsync(async () =>
            (await cluster.Lending.Bank.ListHeldDataAsync(includeDeleted: true)).SingleOrDefault(h => h.ConsentId == consent && h.Deleted && h.DeletionReceipt is not null),
            "the data life to end");

        Assert.Equal(DeletionCause.DataLifeEnded, deleted.Cause);
        Assert.True(deleted.DeletedAtMs >= held.KeepUntilMs, $"deleted at {deleted.DeletedAtMs}, life ended at {held.KeepUntilMs}");
        var receipt = await cluster.AnchoredBankRecordAsync(deleted.DeletionReceipt!.RecordHash);
        var record = Assert.IsType<DeletionReceipt>(receipt.Record);
        Assert.Equal(DeletionCause.DataLifeEnded, record.Cause);
        Assert.Equal(fetched.ResponseHash, record.DataHash);
        Assert.True(await cluster.DevClient(2).VerifyRecordAsync(NodeCluster.BankOrg, receipt.Anchor.BatchId!.Value, receipt.Hash, receipt.Anchor.Proof));

        // Nothing is held any more: a decision fetches again (one more access at the tax node).
        var accesses = await Refusals.AccessCountAsync(cluster);
        var decision = await cluster.Lending.Bank.DecideAsync(new DecisionRequest(consent));
        Assert.True(decision.Approved);
        Assert.Equal(accesses + 1, await Refusals.AccessCountAsync(cluster));
        Assert.Equal(2, (await cluster.Lending.Bank.ListHeldDataAsync(includeDeleted: true)).Count(h => h.ConsentId == consent));
    }
}
