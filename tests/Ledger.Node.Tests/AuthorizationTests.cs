using Grpc.Core;
using Ledger.Core.Model;
using Ledger.Core.Records;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests;

/// <summary>Who may fetch: each refused caller gets PERMISSION_DENIED or FAILED_PRECONDITION with a reason, and only a refusal is recorded.</summary>
[Collection(SharedCluster.Name)]
public sealed class AuthorizationTests(NodeCluster cluster)
{
    [Fact]
    public async Task FetchReport_SignedByAKeyThatOperatesNoMember_IsRefusedAndOnlyTheRefusalRecorded()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[0]);
        var outsider = await cluster.ConnectAsOutsiderAsync(cluster.Tax, NodeCluster.BankOrg);
        var accessesBefore = await Refusals.AccessCountAsync(cluster);

        var error = await Refusals.ExpectAsync(
            () => outsider.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)), StatusCode.PermissionDenied, "LEDGER-1515");

        Assert.Contains("operates no consortium member", error.Message, StringComparison.Ordinal);
        var refusal = await Refusals.RecordedAsync(cluster, error, (byte)RefusalReason.NotAMember);
        Assert.Equal(consent, refusal.ConsentId);
        Assert.Equal(accessesBefore, await Refusals.AccessCountAsync(cluster));
    }

    [Fact]
    public async Task FetchReport_BySuspendedMember_IsRefusedAsNotActive()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[0]);
        var suspended = await cluster.ConnectAsync(cluster.Tax, NodeCluster.SuspendedOrg);
        var accessesBefore = await Refusals.AccessCountAsync(cluster);

        var error = await Refusals.ExpectAsync(
            () => suspended.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)), StatusCode.PermissionDenied, "LEDGER-1515");

        Assert.Contains("bank.paused is suspended", error.Message, StringComparison.Ordinal);
        await Refusals.RecordedAsync(cluster, error, (byte)RefusalReason.NotAMember);
        Assert.Equal(accessesBefore, await Refusals.AccessCountAsync(cluster));
    }

    [Fact]
    public async Task FetchReport_ByAuditor_IsRefusedAsWrongRole()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[0]);
        var accessesBefore = await Refusals.AccessCountAsync(cluster);

        var error = await Refusals.ExpectAsync(
            () => cluster.TaxAsAuditor.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)), StatusCode.PermissionDenied, "LEDGER-1516");

        Assert.Contains("audit.gx is a auditor member", error.Message, StringComparison.Ordinal);
        Assert.Contains("bank or guarantor", error.Message, StringComparison.Ordinal);
        var refusal = await Refusals.RecordedAsync(cluster, error, (byte)RefusalReason.WrongRole);
        Assert.Equal(NodeCluster.AuditorOrg, refusal.Consumer);
        Assert.Equal(accessesBefore, await Refusals.AccessCountAsync(cluster));
    }

    [Fact]
    public async Task FetchReport_ByABankTheConsentDoesNotName_IsRefusedAsWrongConsumer()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[1]);
        var accessesBefore = await Refusals.AccessCountAsync(cluster);

        var error = await Refusals.ExpectAsync(
            () => cluster.TaxAsOtherBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)), StatusCode.PermissionDenied, "LEDGER-1231");

        Assert.Contains("was not granted to bank.icbc", error.Message, StringComparison.Ordinal);
        var refusal = await Refusals.RecordedAsync(cluster, error, (byte)AccessStatus.WrongConsumer);
        Assert.Equal(NodeCluster.OtherBankOrg, refusal.Consumer);
        Assert.Equal(accessesBefore, await Refusals.AccessCountAsync(cluster));
    }

    [Fact]
    public async Task TaxAdmin_CalledByABank_IsRefusedAndNothingBound()
    {
        var wallet = EnterpriseWallet.Generate();
        await Refusals.ExpectAsync(
            () => cluster.TaxAsBank.Tax.BindEnterpriseAsync(cluster.Taxpayers[4].CreditCode, wallet), StatusCode.PermissionDenied, "LEDGER-1516");
        Assert.True((await cluster.DevClient(2).CreditCodeOfAsync(wallet.Address)).Value.IsZero);
    }

    [Fact]
    public async Task ExportRecords_ByABank_IsRefused_ByAnAuditor_Served()
    {
        var bankError = await Assert.ThrowsAsync<LedgerRemoteException>(() => cluster.TaxAsBank.Records.ListAsync());
        Assert.Equal(StatusCode.PermissionDenied, bankError.Status);
        Assert.Equal("LEDGER-1516", bankError.Code);
        Assert.NotEmpty(await cluster.TaxAsAuditor.Records.ListAsync());
    }
}
