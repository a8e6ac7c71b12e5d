using Grpc.Core;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Tests.Guarantor;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests.Alerts;

/// <summary>
/// Monitoring and early warning (flow 7) across processes: alerts raised from each node's chain index reach the parties
/// of the loan they concern, the tax node's rating downgrades reach the members holding a monitoring consent — and only
/// those (need to know, docs/privacy.md).
/// </summary>
[Collection(RiskClusterGroup.Name)]
public sealed class AlertsTests(RiskCluster cluster)
{
    private static readonly int ThisYear = DateTime.UtcNow.Year;

    [Fact]
    public async Task FundFlowDeviation_OnAGuaranteedRdLoan_ReachesTheBanksAndTheGuarantorsStreams()
    {
        var enterprise = cluster.Enterprises[0];
        await using var bankWatch = await AlertWatch.StartAsync(cluster.BankAsBank, new AlertFilter { Kinds = [AlertKind.FundFlowDeviation] });
        await using var guarantorWatch = await AlertWatch.StartAsync(cluster.GuarantorAsGuarantor, new AlertFilter { Kinds = [AlertKind.FundFlowDeviation] });

        var lent = await cluster.LendAsync(enterprise, 10_000_000, LoanPurpose.RnD);
        await cluster.BankBackOffice.OpenFundFlowAsync(lent.Loan, 2_000);
        await cluster.BankAsBank.Bank.InviteGuarantorAsync(lent.Loan, RiskCluster.GuarantorOrg, 5_000, 10_000_000);
        await cluster.GuarantorAsGuarantor.Guarantees.GuaranteeLoanAsync(lent.Loan, 6_000, 100_000);

        // 3,000,000 on R&D labour, then 2,000,000 elsewhere: 40 % non-R&D against the 20 % tolerated.
        var flows = cluster.BankAsBank.FundFlow;
        var onTrack = await flows.RecordSpendingAsync(new SpendingEntry(lent.Loan, SpendCategory.RnDLabour, 3_000_000, "91450200MA5K00001X", "PAY-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.False(onTrack.Deviated);
        var drift = await flows.RecordSpendingAsync(new SpendingEntry(lent.Loan, SpendCategory.NonRnD, 2_000_000, "91450200MA5K00002X", "PAY-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.True(drift.Deviated);

        var (atBank, _) = await bankWatch.NextAsync(a => a.Loan == lent.Loan, "of the deviated loan at the bank");
        var (atGuarantor, _) = await guarantorWatch.NextAsync(a => a.Loan == lent.Loan, "of the deviated loan at the guarantor");
        foreach (var (alert, source) in new[] { (atBank, NodeCluster.BankOrg), (atGuarantor, RiskCluster.GuarantorOrg) })
        {
            Assert.Equal(AlertKind.FundFlowDeviation, alert.Kind);
            Assert.Equal(enterprise.CreditCodeHash, alert.Enterprise);
            Assert.Equal("4000", alert.Details["nonRdShareBps"]);
            Assert.Equal("2000", alert.Details["maxNonRdBps"]);
            Assert.Equal("bank.ccb", alert.Details["bank"]);
            Assert.Equal(drift.Transaction.BlockNumber, alert.BlockNumber);
            Assert.Equal(drift.Transaction.TxHash, alert.TxHash);
            Assert.Equal(source, alert.Source); // each node raised it from its own chain index
            Assert.Contains("40.00 %", alert.Summary, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RatingDowngrade_ReachesOnlyMonitoringConsentHolders_EachDeliveryRecordedAsAnAccessTheEnterpriseSees()
    {
        var watched = cluster.Enterprises[1];
        var other = cluster.Enterprises[2];

        // bank.ccb lends to the watched enterprise (under a consent for credit assessment) and holds a consent for
        // post-loan monitoring of its rating; the guarantor guarantees the loan and holds one too. bank.icbc holds a
        // consent for credit assessment from the watched enterprise — no monitoring — and one for monitoring from the
        // other enterprise.
        var lent = await cluster.LendAsync(watched, 5_000_000);
        await cluster.BankAsBank.Bank.InviteGuarantorAsync(lent.Loan, RiskCluster.GuarantorOrg, 5_000, 10_000_000);
        await cluster.GuarantorAsGuarantor.Guarantees.GuaranteeLoanAsync(lent.Loan, 5_000, 0);
        var (bankMonitoring, _) = await cluster.GrantAsync(watched, NodeCluster.BankOrg, Scopes.TaxCreditRating, purpose: PurposeCodes.PostLoanMonitoring);
        var (guarantorMonitoring, _) = await cluster.GrantAsync(watched, RiskCluster.GuarantorOrg, Scopes.TaxCreditRating, purpose: PurposeCodes.PostLoanMonitoring);
        await cluster.GrantAsync(watched, NodeCluster.OtherBankOrg, Scopes.TaxCreditRating);
        await cluster.GrantAsync(other, NodeCluster.OtherBankOrg, Scopes.TaxCreditRating, purpose: PurposeCodes.PostLoanMonitoring);
        await RiskCluster.WaitIndexedAsync(cluster.TaxAsAuditor, await cluster.LatestBlockAsync());

        var downgrades = new AlertFilter { Kinds = [AlertKind.RatingDowngrade] };
        await using var bankWatch = await AlertWatch.StartAsync(cluster.BankAsBank, downgrades);
        await using var guarantorWatch = await AlertWatch.StartAsync(cluster.GuarantorAsGuarantor, downgrades);
        await using var icbcWatch = await AlertWatch.StartAsync(cluster.TaxAsOtherBank, downgrades);

        await DowngradeAsync(watched.Taxpayer.CreditCode);
        await DowngradeAsync(other.Taxpayer.CreditCode);

        var (atBank, _) = await bankWatch.NextAsync(a => a.Enterprise == watched.CreditCodeHash, "downgrading the watched enterprise at bank.ccb");
        var (atGuarantor, _) = await guarantorWatch.NextAsync(a => a.Enterprise == watched.CreditCodeHash, "downgrading the watched enterprise at the guarantor");
        foreach (var alert in new[] { atBank, atGuarantor })
        {
            Assert.Equal(AlertKind.RatingDowngrade, alert.Kind);
            Assert.Equal(NodeCluster.TaxOrg, alert.Source); // raised by the tax node, re-published by the bank's and the guarantor's nodes
            Assert.Equal("A", alert.Details["previous"]);
            Assert.Equal("C", alert.Details["rating"]);
            Assert.Equal(ThisYear.ToString(System.Globalization.CultureInfo.InvariantCulture), alert.Details["year"]);
        }

        // bank.icbc's first downgrade is the other enterprise's: the watched enterprise's, raised before it, never came
        // (a consent for credit assessment entitles to no monitoring).
        var (atIcbc, before) = await icbcWatch.NextAsync(_ => true, "for bank.icbc");
        Assert.Equal(other.CreditCodeHash, atIcbc.Enterprise);
        Assert.Empty(before);

        // Each delivery is an access record under the member's monitoring consent (the rating, nothing else), which
        // the enterprise sees among its accesses; the consent for credit assessment has none.
        using var self = await EnterpriseConnection.ConnectAsync(cluster.Tax.Url, watched.Wallet, new LedgerConnectionOptions { Tls = cluster.Tax.Tls });
        var consents = (await self.MyConsentsAsync()).ToDictionary(c => c.ConsentId);
        var content = AlertDelivery.ContentHash(AlertKind.RatingDowngrade, watched.CreditCodeHash, atBank.RaisedAtMs, atBank.Summary);
        var delivered = (await self.MyAccessesAsync()).Records.Select(r => r.Record).OfType<AccessRecord>().Where(r => r.ResponseHash == content).ToList();
        Assert.Equal(new[] { NodeCluster.BankOrg, RiskCluster.GuarantorOrg }.ToHashSet(), delivered.Select(r => r.Consumer).ToHashSet());
        Assert.All(delivered, r => Assert.Equal(Scopes.TaxCreditRating, r.Scopes));
        Assert.All(delivered, r => Assert.Equal(PurposeCodes.PostLoanMonitoring, consents[r.ConsentId].Purpose));
        Assert.Contains(delivered, r => r.ConsentId == guarantorMonitoring);
        Assert.NotEqual(default, bankMonitoring);
        Assert.Equal(2, delivered.Count); // one per member, although bank.ccb's node may have reconnected
    }

    [Fact]
    public async Task ConsentRevocation_ReachesTheConsumerBanksStream()
    {
        var enterprise = cluster.Enterprises[2];
        await using var watch = await AlertWatch.StartAsync(cluster.BankAsBank, new AlertFilter { Kinds = [AlertKind.ConsentRevoked] });
        var (consent, _) = await cluster.GrantAsync(enterprise);

        var revoked = await cluster.BankAsBank.Consents.RevokeAsync(enterprise.Wallet, consent);

        var (alert, _) = await watch.NextAsync(a => a.Consent == consent, "of the revocation");
        Assert.Equal(AlertKind.ConsentRevoked, alert.Kind);
        Assert.Equal(enterprise.CreditCodeHash, alert.Enterprise);
        Assert.Equal("bank.ccb", alert.Details["consumer"]);
        Assert.Equal(enterprise.Wallet.Address.ToString(), alert.Details["enterpriseAccount"], ignoreCase: true);
        Assert.Equal(revoked.BlockNumber, alert.BlockNumber);
        Assert.Equal(revoked.TxHash, alert.TxHash);
    }

    [Fact]
    public async Task Subscribe_AfterAnAlertId_DeliversOnlyTheAlertsAfterIt()
    {
        var enterprise = cluster.Enterprises[0];
        var bank = cluster.BankAsBank.Bank;
        await using var live = await AlertWatch.StartAsync(cluster.BankAsBank, new AlertFilter { Enterprise = enterprise.CreditCodeHash });
        var lent = await cluster.LendAsync(enterprise, 8_000_000);

        await bank.MarkOverdueAsync(lent.Loan, 10, 1_000_000);
        await bank.MarkCurrentAsync(lent.Loan);
        await bank.MarkOverdueAsync(lent.Loan, 40, 2_000_000);
        await bank.DeclareDefaultAsync(lent.Loan, 5_000_000);
        var (first, _) = await live.NextAsync(a => a.Loan == lent.Loan, "first overdue");
        var (second, _) = await live.NextAsync(a => a.Loan == lent.Loan, "second overdue");
        var (third, _) = await live.NextAsync(a => a.Loan == lent.Loan, "default");
        Assert.Equal((AlertKind.OverdueRepayment, "10", "1000000"), (first.Kind, first.Details["daysOverdue"], first.Details["overdueFen"]));
        Assert.Equal((AlertKind.OverdueRepayment, "40", "2000000"), (second.Kind, second.Details["daysOverdue"], second.Details["overdueFen"]));
        Assert.Equal((AlertKind.Default, "5000000"), (third.Kind, third.Details["lossFen"]));
        Assert.True(string.CompareOrdinal(first.Id, second.Id) < 0 && string.CompareOrdinal(second.Id, third.Id) < 0);

        // Resuming after the first delivers the second and the third, nothing before.
        await using var resumed = await AlertWatch.StartAsync(cluster.BankAsBank, new AlertFilter { Enterprise = enterprise.CreditCodeHash, AfterId = first.Id });
        Assert.Equal(first.Id, resumed.StartsAfterId);
        await resumed.NextAsync(a => a.Id == third.Id, "the default, resumed");
        Assert.All(resumed.Seen, a => Assert.True(string.CompareOrdinal(a.Id, first.Id) > 0, $"alert {a.Id} is not after {first.Id}"));
        Assert.Equal(new[] { second, third }.Select(Shape), resumed.Seen.Where(a => a.Loan == lent.Loan).Select(Shape));

        // From 0: everything the node keeps for bank.ccb, the three among it in order.
        await using var replay = await AlertWatch.StartAsync(cluster.BankAsBank, new AlertFilter { Enterprise = enterprise.CreditCodeHash, AfterId = "0" });
        await replay.NextAsync(a => a.Id == third.Id, "the default, replayed");
        Assert.Equal(new[] { first, second, third }.Select(Shape), replay.Seen.Where(a => a.Loan == lent.Loan).Select(Shape));
    }

    [Fact]
    public async Task Subscribe_NonMemberWrongRoleSuspendedOrBadStart_RefusedWithTheReason()
    {
        var outsider = await cluster.ConnectAsOutsiderAsync(cluster.Bank, NodeCluster.BankOrg);
        await Refusals.ExpectAsync(() => outsider.Alerts.SubscribeAsync(), StatusCode.PermissionDenied, "LEDGER-1515");
        var auditor = await cluster.ConnectAsync(cluster.Bank, NodeCluster.AuditorOrg);
        var wrongRole = await Refusals.ExpectAsync(() => auditor.Alerts.SubscribeAsync(), StatusCode.PermissionDenied, "LEDGER-1516");
        Assert.Contains("bank or guarantor", wrongRole.Message, StringComparison.Ordinal);
        await Refusals.ExpectAsync(() => cluster.TaxAsTax.Alerts.SubscribeAsync(), StatusCode.PermissionDenied, "LEDGER-1516");
        var suspended = await cluster.ConnectAsync(cluster.Tax, NodeCluster.SuspendedOrg);
        await Refusals.ExpectAsync(() => suspended.Alerts.SubscribeAsync(), StatusCode.PermissionDenied, "LEDGER-1515");

        var malformed = await Refusals.ExpectAsync(() => cluster.BankAsBank.Alerts.SubscribeAsync(new AlertFilter { AfterId = "yesterday" }), StatusCode.InvalidArgument, "LEDGER-1520");
        Assert.Contains("after_id", malformed.Message, StringComparison.Ordinal);
        await Refusals.ExpectAsync(() => cluster.BankAsBank.Alerts.SubscribeAsync(new AlertFilter { AfterId = "999999999999" }), StatusCode.FailedPrecondition, "LEDGER-1550");
        await Refusals.ExpectAsync(() => cluster.BankAsBank.Alerts.SubscribeAsync(new AlertFilter { Kinds = [(AlertKind)99] }), StatusCode.InvalidArgument, "LEDGER-1520");
    }

    [Fact]
    public async Task Subscribe_CallerCancels_TheEnumerationEndsAndTheNodeKeepsServing()
    {
        using var cancel = new CancellationTokenSource();
        using var subscription = await cluster.BankAsBank.Alerts.SubscribeAsync();
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in subscription.WithCancellation(cancel.Token))
            {
            }
        });
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);

        using var again = await cluster.BankAsBank.Alerts.SubscribeAsync();
        Assert.NotNull(again.StartsAfterId);
    }

    [Fact]
    public async Task UpstreamStream_TaxNodeRestarts_BankNodeKeepsRunningReconnectsAndResumesWithoutDuplicates()
    {
        var enterprise = cluster.Enterprises[1];
        await cluster.LendAsync(enterprise, 3_000_000);
        await cluster.GrantAsync(enterprise, NodeCluster.BankOrg, Scopes.TaxCreditRating, purpose: PurposeCodes.PostLoanMonitoring);
        await RiskCluster.WaitIndexedAsync(cluster.TaxAsAuditor, await cluster.LatestBlockAsync());
        await using var watch = await AlertWatch.StartAsync(cluster.BankAsBank, new AlertFilter { Kinds = [AlertKind.RatingDowngrade], Enterprise = enterprise.CreditCodeHash });

        await DowngradeAsync(enterprise.Taxpayer.CreditCode);
        var (before, _) = await watch.NextAsync(_ => true, "before the restart");

        cluster.Tax.Kill();
        Assert.NotNull(await cluster.BankAsBank.Node.GetInfoAsync()); // the bank node serves on while its upstream is gone
        await cluster.Tax.StartAndWaitAsync();
        await DowngradeAsync(enterprise.Taxpayer.CreditCode);

        LedgerAlert after;
        IReadOnlyList<LedgerAlert> between;
        try
        {
            (after, between) = await watch.NextAsync(a => a.RaisedAtMs != before.RaisedAtMs, "after the restart");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n--- bank node ---\n{Tail(cluster.Bank.Output)}\n--- tax node ---\n{Tail(cluster.Tax.Output)}", ex);
        }
        Assert.Empty(between); // the first downgrade was not delivered again
        Assert.True(string.CompareOrdinal(before.Id, after.Id) < 0);
        Assert.Equal(NodeCluster.TaxOrg, after.Source);
        Assert.False(cluster.Bank.HasExited);
        Assert.False(cluster.Guarantor.HasExited);
    }

    private async Task DowngradeAsync(CreditCode code)
    {
        await cluster.TaxAsTax.Tax.UpdateRatingAsync(code, ThisYear, TaxCreditRating.A);
        await cluster.TaxAsTax.Tax.UpdateRatingAsync(code, ThisYear, TaxCreditRating.C);
    }

    private static string Tail(string output) => output.Length <= 6_000 ? output : output[^6_000..];

    private static (string, AlertKind, LoanId?, string) Shape(LedgerAlert a) => (a.Id, a.Kind, a.Loan, a.Summary);
}
