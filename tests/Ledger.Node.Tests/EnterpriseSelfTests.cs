using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Core.Auth;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;
using Proto = Ledger.Api.V1;

namespace Ledger.Node.Tests;

/// <summary>
/// The enterprise's own view on the tax node (<c>ledger.v1.EnterpriseSelf</c>), against real node processes and a real
/// chain: signed with the enterprise's bound key it lists the enterprise's consents and the accesses and refusals under
/// them, and nothing of another enterprise's; an unbound key, a member's key, a replayed signature and an enterprise's
/// key on a member's method are each refused with their code.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class EnterpriseSelfTests(NodeCluster cluster)
{
    [Fact]
    public async Task MyConsentsAndMyAccesses_SignedWithTheBoundKey_ShowTheEnterprisesOwnConsentsAccessesAndRefusals()
    {
        var enterprise = cluster.Enterprises[1];
        var other = cluster.Enterprises[2];
        var (consent, _) = await cluster.GrantAsync(enterprise, scopes: Scopes.TaxCreditRating, fetchCap: 5);
        var (otherConsent, _) = await cluster.GrantAsync(other, scopes: Scopes.TaxCreditRating, fetchCap: 5);
        await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));
        await Refusals.ExpectAsync(() => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.Judicial)), StatusCode.PermissionDenied, "LEDGER-1233");
        await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(otherConsent, Scopes.TaxCreditRating));

        using var self = await EnterpriseConnection.ConnectAsync(cluster.Tax.Url, enterprise.Wallet, new LedgerConnectionOptions { Tls = cluster.Tax.Tls });
        // The list reads the tax node's chain index, which follows the chain within a polling interval.
        IReadOnlyList<ConsentDetails> consents = [];
        for (var tries = 0; tries < 300 && !consents.Any(c => c.ConsentId == consent); tries++)
        {
            consents = tries == 0 ? await self.MyConsentsAsync() : await Task.Delay(100).ContinueWith(_ => self.MyConsentsAsync()).Unwrap();
        }
        var accesses = await self.MyAccessesAsync();

        var mine = Assert.Single(consents, c => c.ConsentId == consent);
        Assert.Equal(NodeCluster.BankOrg, mine.Consumer);
        Assert.Equal(1u, mine.FetchesInPeriod);
        Assert.Equal("provider", mine.FetchesCountedBy);
        Assert.All(consents, c => Assert.Equal(enterprise.CreditCodeHash, c.CreditCodeHash));
        Assert.DoesNotContain(consents, c => c.ConsentId == otherConsent);

        Assert.Equal(enterprise.CreditCodeHash, accesses.CreditCodeHash);
        var ids = consents.Select(c => c.ConsentId).ToHashSet();
        Assert.All(accesses.Records, r => Assert.Contains(((IConsentSequencedRecord)r.Record).ConsentId, ids));
        var underConsent = accesses.Records.Where(r => ((IConsentSequencedRecord)r.Record).ConsentId == consent).ToList();
        var served = Assert.Single(underConsent, r => r.Record is AccessRecord);
        Assert.Equal(NodeCluster.BankOrg, ((AccessRecord)served.Record).Consumer);
        var refused = Assert.Single(underConsent, r => r.Record is RefusalRecord);
        Assert.Equal((byte)AccessStatus.ScopeNotGranted, ((RefusalRecord)refused.Record).Reason);
        Assert.Equal(underConsent.OrderBy(r => r.Sequence).Select(r => r.Sequence), underConsent.Select(r => r.Sequence));

        // One consent's records only; another enterprise's consent is not the caller's to ask about.
        var one = await self.MyAccessesAsync(consent);
        Assert.Equal(underConsent.Select(r => r.Hash), one.Records.Select(r => r.Hash));
        await Refusals.ExpectAsync(() => self.MyAccessesAsync(otherConsent), StatusCode.PermissionDenied, "LEDGER-1518");
    }

    [Fact]
    public async Task MyConsents_SignedByAKeyNoBureauBound_IsRefused()
    {
        using var stranger = EnterpriseWallet.Generate();
        using var self = await EnterpriseConnection.ConnectAsync(cluster.Tax.Url, stranger, new LedgerConnectionOptions { Tls = cluster.Tax.Tls });

        var error = await Refusals.ExpectAsync(() => self.MyConsentsAsync(), StatusCode.PermissionDenied, "LEDGER-1527");

        Assert.Contains(stranger.Address.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnterpriseSelf_CalledWithAMembersSignature_IsRefused_AndAMembersMethodWithAnEnterprisesSignature_Too()
    {
        var asMember = new Proto.EnterpriseSelf.EnterpriseSelfClient(cluster.TaxAsBank.Invoker);
        var memberError = await Assert.ThrowsAsync<RpcException>(async () => await asMember.MyConsentsAsync(new Proto.MyConsentsRequest()));
        Assert.Equal(StatusCode.PermissionDenied, memberError.StatusCode);
        Assert.Equal("LEDGER-1528", memberError.Trailers.GetValue("ledger-error-code"));

        using var channel = Ledger.Sdk.Tls.LedgerChannels.ForAddress(cluster.Tax.Url, cluster.Tax.Tls);
        var request = new Proto.ListConsentsRequest();
        var headers = EnterpriseHeaders(cluster.Enterprises[1].Wallet, "/ledger.v1.Consent/ListConsents", request.ToByteArray());
        var enterpriseError = await Assert.ThrowsAsync<RpcException>(async () => await new Proto.Consent.ConsentClient(channel).ListConsentsAsync(request, headers));
        Assert.Equal(StatusCode.PermissionDenied, enterpriseError.StatusCode);
        Assert.Equal("LEDGER-1528", enterpriseError.Trailers.GetValue("ledger-error-code"));
    }

    [Fact]
    public async Task MyConsents_TheSameSignedRequestTwice_IsServedOnceThenRefusedAsAReplay()
    {
        using var channel = Ledger.Sdk.Tls.LedgerChannels.ForAddress(cluster.Tax.Url, cluster.Tax.Tls);
        var client = new Proto.EnterpriseSelf.EnterpriseSelfClient(channel);
        var request = new Proto.MyConsentsRequest();
        var headers = EnterpriseHeaders(cluster.Enterprises[1].Wallet, "/ledger.v1.EnterpriseSelf/MyConsents", request.ToByteArray());

        var first = await client.MyConsentsAsync(request, headers);
        var replay = await Assert.ThrowsAsync<RpcException>(async () => await client.MyConsentsAsync(request, headers));

        Assert.NotEmpty(first.Consents);
        Assert.Equal(StatusCode.PermissionDenied, replay.StatusCode);
        Assert.Equal("LEDGER-1513", replay.Trailers.GetValue("ledger-error-code"));
    }

    // The metadata of an enterprise's signed call, built by hand (as another SDK would) for the tax node of the cluster.
    private Metadata EnterpriseHeaders(EnterpriseWallet wallet, string method, byte[] body)
    {
        var info = cluster.TaxAsBank.Info;
        var timestamp = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var nonce = new Hash32(RandomNumberGenerator.GetBytes(32));
        var signature = wallet.SignRequest(SignedRequest.Domain(info.ChainId, info.Consortium), method, body, info.Organization, timestamp, nonce);
        return new Metadata
        {
            { SignedRequest.Headers.Enterprise, wallet.Address.ToString() },
            { SignedRequest.Headers.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture) },
            { SignedRequest.Headers.Nonce, nonce.ToString() },
            { SignedRequest.Headers.Signature, "0x" + Convert.ToHexStringLower(signature) },
        };
    }
}
