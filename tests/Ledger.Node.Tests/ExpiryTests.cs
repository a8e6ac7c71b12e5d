using Grpc.Core;
using Ledger.Core.Model;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests;

/// <summary>A consent that expired by the chain's clock is refused (the chain's time is moved with evm_increaseTime).</summary>
public sealed class ExpiryTests(TimeTravelCluster cluster) : IClassFixture<TimeTravelCluster>
{
    [Fact]
    public async Task FetchReport_AfterTheConsentExpiredOnChain_IsRefusedAsExpiredAndTheRefusalRecorded()
    {
        var (consent, terms) = await cluster.GrantAsync(cluster.Enterprises[0], validFor: TimeSpan.FromHours(1));
        await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));

        await cluster.RpcAsync<object>("evm_increaseTime", 2 * 3600);
        await cluster.RpcAsync<object>("evm_mine");
        var head = (await cluster.DevClient(2).LatestBlockAsync()).Number;
        await cluster.WaitTaxHeadAsync(head);

        var error = await Refusals.ExpectAsync(
            () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)), StatusCode.FailedPrecondition, "LEDGER-1229");
        Assert.Contains("expired at", error.Message, StringComparison.Ordinal);
        var refusal = await Refusals.RecordedAsync(cluster, error, (byte)AccessStatus.Expired);
        // Checked at the block that moved time past the expiry, or a later one (the tax node's own anchor transactions
        // may have added blocks since): every one of them is past validUntil.
        Assert.InRange(refusal.CheckedAtBlock, head, ulong.MaxValue);
        Assert.Equal(Ledger.Sdk.ConsentStatus.Expired, (await cluster.BankAsBank.Consents.GetAsync(consent)).Status);
        Assert.True(terms.ValidUntil < (await cluster.DevClient(2).LatestBlockAsync()).Timestamp);
    }
}
