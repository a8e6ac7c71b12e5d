using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;
using Ledger.Sdk.Keys;
using Ledger.Sdk.Tls;

namespace Ledger.Node.Tests;

/// <summary>
/// On the wire (docs/tls.md): every node serves HTTP/2 over TLS with a certificate whose pin its member registered on
/// chain; callers check it by pin; a caller presenting a certificate must present its member's; certificates rotate
/// with no call failing.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class TlsTests(NodeCluster cluster)
{
    [Fact]
    public async Task Connect_ToANodeWhoseCertificateIsNotThePinnedOne_IsRefusedBeforeAnythingIsSigned()
    {
        var wrong = new Hash32(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        var error = await Assert.ThrowsAsync<LedgerException>(() => LedgerConnection.ConnectAsync(
            cluster.Tax.Url, cluster[NodeCluster.BankOrg].Identity(), new LedgerConnectionOptions { Tls = LedgerTlsOptions.Pinned(wrong) }));

        Assert.Equal(SdkErrors.PinMismatchCode, error.Code);
        Assert.Contains(cluster.Tax.TlsPin.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("changeTlsPins", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WithPinsFromChain_AcceptsTheMembersCertificate_AndRefusesANodeThatIsNotTheMemberItClaims()
    {
        using var good = await LedgerConnection.ConnectAsync(
            cluster.Tax.Url, cluster[NodeCluster.BankOrg].Identity(), new LedgerConnectionOptions { Tls = new LedgerTlsOptions { RegisteredPins = cluster.RegisteredPinsAsync } });
        Assert.Equal(NodeCluster.TaxOrg, good.Info.Organization);

        // A chain that registers another member's pins for the tax bureau: the tax node's certificate is not among them.
        var error = await Assert.ThrowsAsync<LedgerException>(() => LedgerConnection.ConnectAsync(
            cluster.Tax.Url, cluster[NodeCluster.BankOrg].Identity(),
            new LedgerConnectionOptions { Tls = new LedgerTlsOptions { RegisteredPins = (_, ct) => cluster.RegisteredPinsAsync(NodeCluster.BankOrg, ct) } }));
        Assert.Equal(SdkErrors.PinNotRegisteredCode, error.Code);
        Assert.Contains("says it is tax.liuzhou", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http", false, SdkErrors.PlaintextRefusedCode)]
    [InlineData("http-remote", true, SdkErrors.PlaintextRefusedCode)]
    [InlineData("https-unpinned", false, SdkErrors.NoPinsCode)]
    public async Task Connect_WithoutAWayToSecureIt_IsRefusedWithWhatToDo(string address, bool allowPlaintext, string code)
    {
        var url = address switch
        {
            "http" => $"http://127.0.0.1:{cluster.Tax.Port}",
            "http-remote" => "http://192.0.2.7:7101",
            _ => cluster.Tax.Url,
        };

        var error = await Assert.ThrowsAsync<LedgerException>(() => LedgerConnection.ConnectAsync(
            url, cluster[NodeCluster.BankOrg].Identity(), new LedgerConnectionOptions { Tls = new LedgerTlsOptions { AllowPlaintext = allowPlaintext } }));

        Assert.Equal(code, error.Code);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlaintextDevelopmentNode_OnLoopback_IsReachedOnlyWithTheFlag()
    {
        var environment = cluster.NodeEnvironment(NodeCluster.AuditorOrg, "auditor", strongMode: false);
        environment["Ledger__Node__DataDir"] = Path.Combine(cluster.Dir, "plaintext-auditor");
        environment["Ledger__Node__Tls__Mode"] = "plaintext-development";
        await using var node = new NodeProcess("plaintext-auditor", environment);
        Assert.StartsWith("http://127.0.0.1:", node.Url, StringComparison.Ordinal);
        await node.StartAndWaitAsync();

        using var allowed = await LedgerConnection.ConnectAsync(
            node.Url, cluster[NodeCluster.AuditorOrg].Identity(), new LedgerConnectionOptions { Tls = LedgerTlsOptions.PlaintextDevelopment });
        Assert.Equal(NodeCluster.AuditorOrg, (await allowed.Node.GetInfoAsync()).Organization);
        var refused = await Assert.ThrowsAsync<LedgerException>(() => LedgerConnection.ConnectAsync(node.Url, cluster[NodeCluster.AuditorOrg].Identity()));
        Assert.Equal(SdkErrors.PlaintextRefusedCode, refused.Code);
        Assert.Contains("plaintext-development", node.Output, StringComparison.Ordinal); // the warning in its log
    }

    [Fact]
    public async Task ACallerPresentingACertificateNotRegisteredForItsMember_IsRefused_WhileItsOwnCertificateIsAccepted()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[1]);
        using var stranger = NodeTlsCertificates.Generate("bank.ccb");
        using var strangerConnection = await ConnectWithCertificateAsync(stranger);

        var error = await Refusals.ExpectAsync(
            () => strangerConnection.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating)), StatusCode.PermissionDenied, "LEDGER-1583");
        Assert.Contains(TlsPins.Of(stranger).ToString(), error.Message, StringComparison.Ordinal);
        await Refusals.RecordedAsync(cluster, error, (byte)Core.Records.RefusalReason.BadRequestSignature);

        // The bank node's own certificate is its member's: mutual TLS, accepted.
        using var own = NodeTlsCertificates.Load(cluster[NodeCluster.BankOrg].TlsCertificateFile, NodeCluster.Password);
        using var ownConnection = await ConnectWithCertificateAsync(own);
        var fetched = await ownConnection.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating));
        Assert.Equal(consent, fetched.Request.ConsentId);
    }

    [Fact]
    public async Task Rotation_RegisterNextSwitchDropOld_NoCallFails()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[2]);
        var before = await cluster.ConnectAsync(cluster.Tax, NodeCluster.BankOrg); // pins from chain; the cluster closes it
        // The bank node fetches from the tax node (mutual TLS between them) before, during and after both rotate.
        await cluster.BankAsBank.Bank.FetchDataAsync(consent);

        foreach (var (node, org) in new[] { (cluster.Tax, NodeCluster.TaxOrg), (cluster.Bank, NodeCluster.BankOrg) })
        {
            var keyStore = cluster[org].KeyStoreFile;
            var old = node.TlsPin;
            var next = NodeTlsCertificates.Create(NodeTlsCertificates.NextFile(keyStore), NodeCluster.Password, org.Code);

            await cluster.RegisterTlsPinsAsync(org, old, next);
            await cluster.BankAsBank.Bank.FetchDataAsync(consent);

            NodeTlsCertificates.Switch(keyStore);
            Assert.Equal(next, node.TlsPin);
            // The node presents the new certificate from a handshake after it saw the file change (within a second).
            using var pinnedToNext = await ConnectEventuallyAsync(node, org, next);
            await cluster.BankAsBank.Bank.FetchDataAsync(consent);
            await before.Node.GetInfoAsync();

            await cluster.RegisterTlsPinsAsync(org, next);
            await cluster.BankAsBank.Bank.FetchDataAsync(consent);
            await pinnedToNext.Node.GetInfoAsync();
            var stale = await Assert.ThrowsAsync<LedgerException>(() => LedgerConnection.ConnectAsync(
                node.Url, cluster[org].Identity(), new LedgerConnectionOptions { Tls = LedgerTlsOptions.Pinned(old) }));
            Assert.Equal(SdkErrors.PinMismatchCode, stale.Code);
        }
        // A connection made before both rotations follows them (its pins come from chain).
        var (again, _) = await cluster.GrantAsync(cluster.Enterprises[2]);
        Assert.Equal(again, (await before.Tax.FetchReportAsync(new ReportRequest(again, Scopes.TaxCreditRating))).Request.ConsentId);
    }

    private async Task<LedgerConnection> ConnectEventuallyAsync(NodeProcess node, OrgId org, Hash32 pin)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await LedgerConnection.ConnectAsync(node.Url, cluster[org].Identity(), new LedgerConnectionOptions { Tls = LedgerTlsOptions.Pinned(pin) });
            }
            catch (LedgerException ex) when (ex.Code == SdkErrors.PinMismatchCode && attempt < 30)
            {
                await Task.Delay(200);
            }
        }
    }

    private Task<LedgerConnection> ConnectWithCertificateAsync(X509Certificate2 certificate) =>
        LedgerConnection.ConnectAsync(cluster.Tax.Url, cluster[NodeCluster.BankOrg].Identity(), new LedgerConnectionOptions
        {
            Tls = new LedgerTlsOptions { ServerPins = [cluster.Tax.TlsPin], ClientCertificate = () => certificate },
        });
}
