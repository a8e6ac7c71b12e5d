using System.Numerics;
using Grpc.Core;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Node.Tests;

/// <summary>
/// Wrong enterprise signatures relayed through a node: a consent signed by another wallet or in another EIP-712 domain
/// (chain id, verifying contract), and a revocation not signed by the enterprise, are refused with the registry's
/// LEDGER-1237 and a sentence; nothing changes on chain.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class ConsentSignatureTests(NodeCluster cluster)
{
    private const string InvalidSignature = "LEDGER-1237";

    public static TheoryData<string> WrongSigners => new() { "another wallet", "another chain id", "another verifying contract" };

    [Theory]
    [MemberData(nameof(WrongSigners))]
    public async Task SubmitConsent_NotSignedByTheEnterpriseInThisDomain_IsRefusedAndNoConsentExists(string wrong)
    {
        var enterprise = cluster.Enterprises[0];
        var node = cluster.BankAsBank;
        var prepared = await node.Consents.PrepareAsync(new ConsentRequest(enterprise.Wallet.Address, NodeCluster.BankOrg, NodeCluster.TaxOrg, Scopes.TaxCreditRating));
        var domain = node.ConsentDomain;
        using var other = EnterpriseWallet.Generate();
        var signature = wrong switch
        {
            "another wallet" => ConsentSignatures.Sign(prepared.Terms, domain, other.ExportPrivateKey()),
            "another chain id" => enterprise.Wallet.SignConsent(prepared.Terms, domain with { ChainId = domain.ChainId + 1 }),
            _ => enterprise.Wallet.SignConsent(prepared.Terms, domain with { VerifyingContract = other.Address }),
        };
        Assert.Equal(prepared.ConsentId, prepared.Terms.IdIn(domain)); // the id the node would grant

        var error = await Refusals.ExpectAsync(() => node.Consents.SubmitAsync(prepared.Terms, signature), StatusCode.InvalidArgument, InvalidSignature);

        Assert.Contains($"not enterprise {enterprise.Wallet.Address}", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("sign", error.Message, StringComparison.Ordinal);
        foreach (var connection in new[] { node, cluster.TaxAsBank })
        {
            var unknown = await Refusals.ExpectAsync(() => connection.Consents.GetAsync(prepared.ConsentId), StatusCode.NotFound, "LEDGER-1227");
            Assert.Contains("does not exist", unknown.Message, StringComparison.Ordinal);
        }
        var onChain = await cluster.DevClient(2).ConsentAsync(prepared.ConsentId);
        Assert.True(EthAddress.Parse(onChain.Enterprise).IsZero, $"the registry holds consent {prepared.ConsentId} for {onChain.Enterprise}");
        Assert.Null(await cluster.DevClient(2).FindConsentGrantAsync(prepared.ConsentId));
    }

    [Fact]
    public async Task RevokeConsent_SignedByAnotherWalletOrInAnotherDomain_IsRefusedAndTheConsentStaysActive()
    {
        var enterprise = cluster.Enterprises[1];
        var node = cluster.BankAsBank;
        var (consent, _) = await cluster.GrantAsync(enterprise);
        var domain = node.ConsentDomain;
        using var forger = EnterpriseWallet.Generate();

        var prepared = await node.Consents.PrepareRevocationAsync(consent);
        var revocation = new ConsentRevocation(consent, prepared.Nonce, prepared.Deadline);
        var forged = await Refusals.ExpectAsync(
            () => node.Consents.RevokeAsync(revocation, forger.SignRevocation(revocation, domain)), StatusCode.InvalidArgument, InvalidSignature);
        Assert.Contains($"not enterprise {enterprise.Wallet.Address}", forged.Message, StringComparison.OrdinalIgnoreCase);

        var elsewhere = await Refusals.ExpectAsync(
            () => node.Consents.RevokeAsync(revocation, enterprise.Wallet.SignRevocation(revocation, domain with { ChainId = domain.ChainId + BigInteger.One })),
            StatusCode.InvalidArgument, InvalidSignature);
        Assert.Contains("sign", elsewhere.Message, StringComparison.Ordinal);

        var details = await node.Consents.GetAsync(consent);
        Assert.Equal(ConsentStatus.Active, details.Status);
        Assert.Equal(0UL, details.RevokedAtBlock);
        Assert.Equal(0UL, (await cluster.DevClient(2).ConsentAsync(consent)).RevokedAtBlock);

        // The nonce was not used up by the refusals: the enterprise's own signature over the same revocation still works.
        await node.Consents.RevokeAsync(revocation, enterprise.Wallet.SignRevocation(revocation, domain));
        Assert.NotEqual(0UL, (await cluster.DevClient(2).ConsentAsync(consent)).RevokedAtBlock);
    }
}
