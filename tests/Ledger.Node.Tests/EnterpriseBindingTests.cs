using Grpc.Core;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests;

/// <summary>
/// The enterprise signs its own binding, the tax node relays it: a bureau cannot bind an account it does not hold, a
/// credit code has one account at a time, and a lost key is replaced by rotation, which stops the old key's consents.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class EnterpriseBindingTests(NodeCluster cluster)
{
    [Fact]
    public async Task BindEnterprise_SignedByAnotherKey_IsRefusedAsNotTheEnterprisesSignatureAndNothingBound()
    {
        using var victim = EnterpriseWallet.Generate();
        using var forger = EnterpriseWallet.Generate();
        var code = cluster.Taxpayers[4].CreditCode;
        var prepared = await cluster.TaxAsTax.Tax.PrepareBindingAsync(code, victim.Address);
        Assert.Null(prepared.BoundAccount);
        Assert.Equal(NodeCluster.TaxOrg, prepared.Binding.TaxBureau);
        var forged = ConsentSignatures.Sign(prepared.Binding, cluster.TaxAsTax.ConsentDomain, forger.ExportPrivateKey());

        await Refusals.ExpectAsync(
            () => cluster.TaxAsTax.Tax.BindEnterpriseAsync(code, prepared.Binding, forged), StatusCode.InvalidArgument, "LEDGER-1237");
        Assert.True((await cluster.DevClient(2).CreditCodeOfAsync(victim.Address)).Value.IsZero);
    }

    [Fact]
    public async Task BindEnterprise_WithoutASignature_IsAnInvalidRequest()
    {
        using var wallet = EnterpriseWallet.Generate();
        var code = cluster.Taxpayers[4].CreditCode;
        var prepared = await cluster.TaxAsTax.Tax.PrepareBindingAsync(code, wallet.Address);
        await Refusals.ExpectAsync(
            () => cluster.TaxAsTax.Tax.BindEnterpriseAsync(code, prepared.Binding, ReadOnlyMemory<byte>.Empty), StatusCode.InvalidArgument, "LEDGER-1520");
    }

    [Fact]
    public async Task BindEnterprise_ASecondAccountForABoundCreditCode_IsAlreadyExistsNamingTheAccount()
    {
        using var second = EnterpriseWallet.Generate();
        var enterprise = cluster.Enterprises[0];
        var prepared = await cluster.TaxAsTax.Tax.PrepareBindingAsync(enterprise.Taxpayer.CreditCode, second.Address);
        Assert.Equal(enterprise.Wallet.Address, prepared.BoundAccount);

        var error = await Refusals.ExpectAsync(
            () => cluster.TaxAsTax.Tax.BindEnterpriseAsync(enterprise.Taxpayer.CreditCode, second), StatusCode.AlreadyExists, "LEDGER-1298");
        Assert.Contains(enterprise.Wallet.Address.ToString(), error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RotateEnterpriseKey_NewWalletSigns_OldConsentsStopAndTheNewWalletConsents()
    {
        var taxpayer = cluster.Taxpayers[3];
        using var lost = EnterpriseWallet.Generate();
        var (hash, _) = await cluster.TaxAsTax.Tax.BindEnterpriseAsync(taxpayer.CreditCode, lost);
        var (oldConsent, _) = await cluster.GrantAsync(new TestEnterprise(taxpayer, lost, hash));
        var chain = cluster.DevClient(2);
        Assert.Equal(AccessStatus.Allowed, await chain.CheckAccessAsync(oldConsent, NodeCluster.BankOrg, NodeCluster.TaxOrg, Scopes.TaxCreditRating));

        using var replacement = EnterpriseWallet.Generate();
        var (rotatedHash, tx) = await cluster.TaxAsTax.Tax.RotateEnterpriseKeyAsync(taxpayer.CreditCode, replacement);

        Assert.Equal(hash, rotatedHash);
        Assert.True((await chain.CreditCodeOfAsync(lost.Address)).Value.IsZero);
        Assert.Equal(hash, await chain.CreditCodeOfAsync(replacement.Address));
        Assert.Equal(AccessStatus.EnterpriseUnbound, await chain.CheckAccessAsync(oldConsent, NodeCluster.BankOrg, NodeCluster.TaxOrg, Scopes.TaxCreditRating));
        await cluster.WaitTaxHeadAsync(tx.BlockNumber);
        await Refusals.ExpectAsync(
            () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(oldConsent, Scopes.TaxCreditRating)), StatusCode.FailedPrecondition, "LEDGER-1240");

        var (newConsent, _) = await cluster.GrantAsync(new TestEnterprise(taxpayer, replacement, hash));
        var fetched = await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(newConsent, Scopes.TaxCreditRating));
        Assert.Equal(newConsent, fetched.Request.ConsentId);
        Assert.Equal(fetched.Request.Hash(), fetched.RequestHash);
    }

    [Fact]
    public async Task RotateEnterpriseKey_ACreditCodeWithNoAccount_IsRefusedWithNothingToRotate()
    {
        using var wallet = EnterpriseWallet.Generate();
        await Refusals.ExpectAsync(
            () => cluster.TaxAsTax.Tax.RotateEnterpriseKeyAsync(cluster.Taxpayers[4].CreditCode, wallet), StatusCode.FailedPrecondition, "LEDGER-1240");
    }
}
