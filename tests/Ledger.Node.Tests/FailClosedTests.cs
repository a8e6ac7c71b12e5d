using Grpc.Core;
using Grpc.Health.V1;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Records;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests;

/// <summary>
/// The tax node never serves on a stale consent check: cut off from the chain it refuses (LEDGER-1330, recorded like
/// any refusal) rather than answer from the last head it knew, reports NOT_SERVING until the chain is back, and says how
/// long it was degraded; and a revocation awaited through the SDK is final and seen by the provider before it returns.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class FailClosedTests(NodeCluster cluster)
{
    [Fact]
    public async Task FetchReport_ChainUnreachableAndConsentRevokedMeanwhile_IsRefusedAndRecorded_ThenRefusedAsRevokedWhenTheChainIsBack()
    {
        var enterprise = cluster.Enterprises[1];
        var (consent, _) = await cluster.GrantAsync(enterprise);
        // Served while the chain is reachable: the tax node now holds an "allowed" for this consent at its head.
        await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));
        var prepared = await cluster.BankAsBank.Consents.PrepareRevocationAsync(consent);
        var revocation = new ConsentRevocation(consent, prepared.Nonce, prepared.Deadline);
        var signature = enterprise.Wallet.SignRevocation(revocation, cluster.BankAsBank.ConsentDomain);

        cluster.TaxChainRelay.Cut();
        try
        {
            // The enterprise revokes on chain while the tax node cannot see the chain.
            await cluster.DevClient(2).RevokeConsentBySigAsync(revocation, signature);
            // The cluster's T is 1 s: a check confirmed by a read less than T before may still answer; past T, none may.
            await Task.Delay(TimeSpan.FromSeconds(1.5));

            for (var attempt = 0; attempt < 3; attempt++)
            {
                var refused = await Refusals.ExpectAsync(
                    () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)),
                    StatusCode.Unavailable, "LEDGER-1330");
                Assert.Contains("the refusal is recorded", refused.Message, StringComparison.Ordinal);
                Assert.NotNull(refused.RefusalRecord);
            }
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await cluster.TaxAsBank.Node.CheckHealthAsync());
            var degraded = await cluster.TaxAsAuditor.Node.GetInfoAsync();
            Assert.True(degraded.ChainDegraded);
            Assert.Contains("chain", degraded.ChainDegradedReason, StringComparison.Ordinal);
            Assert.NotNull(degraded.ChainDegradedSince);
        }
        finally
        {
            cluster.TaxChainRelay.Restore();
        }

        await WaitServingAsync();
        var restored = await cluster.TaxAsAuditor.Node.GetInfoAsync();
        Assert.False(restored.ChainDegraded);
        Assert.NotNull(restored.LastOutage);
        Assert.True(restored.LastOutage > TimeSpan.Zero);
        var after = await Refusals.ExpectAsync(
            () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)),
            StatusCode.FailedPrecondition, "LEDGER-1230");
        await Refusals.RecordedAsync(cluster, after, (byte)AccessStatus.Revoked);

        // The refusals made while the chain was away are records like any other, and they get anchored.
        var records = await cluster.TaxRecordsAsync();
        var stale = records.Where(r => r.Record is RefusalRecord { Reason: (byte)RefusalReason.ChainViewStale } refusal && refusal.ConsentId == consent).ToList();
        Assert.Equal(3, stale.Count);
        await WaitAnchoredAsync(stale.Select(r => r.Hash).ToList());
    }

    [Fact]
    public async Task RevokeThroughTheSdk_ThenFetchAtOnce_IsRefusedEveryTime()
    {
        // A revocation awaited through the SDK returns once the provider's node has seen its block: a fetch sent right
        // after it is refused as revoked, every time (before, 5 of 10 such fetches were served from a stale head).
        const int Tries = 10;
        var enterprise = cluster.Enterprises[2];
        for (var i = 0; i < Tries; i++)
        {
            var (consent, _) = await cluster.GrantAsync(enterprise);
            await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));

            var revoked = await cluster.BankAsBank.Consents.RevokeAsync(enterprise.Wallet, consent);
            var refused = await Refusals.ExpectAsync(
                () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)),
                StatusCode.FailedPrecondition, "LEDGER-1230");

            Assert.Contains($"revoked at block {revoked.BlockNumber}", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RevokeAConsentRevokedBefore_AnswersRevokedOnceTheProviderHasSeenIt()
    {
        var enterprise = cluster.Enterprises[0];
        var (consent, _) = await cluster.GrantAsync(enterprise);
        var first = await cluster.BankAsBank.Consents.RevokeAsync(enterprise.Wallet, consent);

        var again = await Assert.ThrowsAsync<LedgerRemoteException>(() => cluster.BankAsBank.Consents.RevokeAsync(enterprise.Wallet, consent));

        Assert.Equal("LEDGER-1230", again.Code);
        Assert.Contains($"revoked at block {first.BlockNumber}", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchReport_AfterTheConsentExpiredByTheClock_IsRefusedEvenWhileNoNewBlockSaysSo()
    {
        // hardhat mines only with transactions: after the last anchor the latest block's time stands still, and the
        // registry's verdict at that block still says "allowed". The node judges expiry by its clock too.
        var asked = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (consent, terms) = await cluster.GrantAsync(cluster.Enterprises[0], validFor: TimeSpan.FromSeconds(4));
        // The term runs from the later of the two clocks: an idle chain's old head does not cut it short.
        Assert.True(terms.ValidUntil >= asked + 4, $"a 4 s consent asked for at {asked} ends at {terms.ValidUntil}");
        await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));
        while ((ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds() <= terms.ValidUntil + 1)
        {
            await Task.Delay(250);
        }

        var refused = await Refusals.ExpectAsync(
            () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)),
            StatusCode.FailedPrecondition, "LEDGER-1229");
        await Refusals.RecordedAsync(cluster, refused, (byte)AccessStatus.Expired);
    }

    private async Task WaitServingAsync()
    {
        for (var i = 0; i < 400; i++)
        {
            if (await cluster.TaxAsBank.Node.CheckHealthAsync() == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("The tax node did not report SERVING within 20 s of the chain's return.");
    }

    private async Task WaitAnchoredAsync(IReadOnlyList<RecordHash> hashes)
    {
        for (var i = 0; i < 600; i++)
        {
            var records = await cluster.TaxRecordsAsync();
            if (hashes.All(h => records.Single(r => r.Hash == h).Anchor.IsAnchored))
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The refusals made during the outage were not anchored within 60 s of the chain's return.");
    }
}
