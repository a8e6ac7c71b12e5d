using Grpc.Core;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Tests.Guarantor;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;
using Ledger.Sdk.Tls;
using Proto = Ledger.Api.V1;

namespace Ledger.Node.Tests.Bank;

/// <summary>
/// The enterprise's own trail (issue 13 §5) against real tax and bank node processes and a real chain: after a fetch,
/// a refused fetch, a rating downgrade delivered under a monitoring consent, and a revocation with the bank's deletion,
/// <see cref="EnterpriseTrails.GatherAsync"/> — signed with the enterprise's key — lists each kind, from the tax node
/// and from the bank's node found at its on-chain endpoint, each verified against the chain once anchored; another
/// enterprise's records never appear; a member's key is refused on the bank node too.
/// </summary>
[Collection(SharedBankCluster.Name)]
public sealed class EnterpriseTrailTests(BankCluster cluster)
{
    [Fact]
    public async Task Trail_AfterAFetchARefusalAnAlertAndADeletion_ListsEachKindFromTaxAndBank_EachVerifiedOnceAnchored()
    {
        var enterprise = cluster.Enterprises[2];
        var other = cluster.Enterprises[1];
        var (consent, _) = await cluster.ConsentAsync(enterprise);
        var (otherConsent, _) = await cluster.ConsentAsync(other);
        var fetched = await cluster.Lending.Bank.FetchDataAsync(consent);
        await cluster.Lending.Bank.FetchDataAsync(otherConsent);
        await Refusals.ExpectAsync(() => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.Customs)), StatusCode.PermissionDenied, "LEDGER-1233");

        // A monitoring consent, then a downgrade: the tax node delivers the alert to bank.ccb and records the delivery.
        var (monitoring, _) = await cluster.GrantAsync(enterprise, NodeCluster.BankOrg, Scopes.TaxCreditRating, purpose: PurposeCodes.PostLoanMonitoring);
        await RiskCluster.WaitIndexedAsync(cluster.TaxAsAuditor, (await cluster.DevClient(2).LatestBlockAsync()).Number);
        var year = DateTime.UtcNow.Year;
        await cluster.TaxAsTax.Tax.UpdateRatingAsync(enterprise.Taxpayer.CreditCode, year, TaxCreditRating.A);
        await cluster.TaxAsTax.Tax.UpdateRatingAsync(enterprise.Taxpayer.CreditCode, year, TaxCreditRating.C);

        // The revocation: the bank deletes what it held and anchors a deletion receipt.
        await cluster.Lending.Consents.RevokeAsync(enterprise.Wallet, consent);
        await BankCluster.EventuallyAsync(async () =>
            (await cluster.Lending.Bank.ListHeldDataAsync(includeDeleted: true)).SingleOrDefault(h => h.ConsentId == consent && h.Deleted && h.DeletionReceipt is not null),
            "the bank to delete the revoked consent's data");

        // Gathered until every record of the scenario is anchored and verified (anchoring runs every few seconds).
        var chain = new DevTrailChain(cluster);
        EnterpriseTrail trail = null!;
        for (var tries = 0; tries < 120; tries++)
        {
            trail = await EnterpriseTrails.GatherAsync(cluster.Tax.Url, enterprise.Wallet, chain, new LedgerConnectionOptions { Tls = cluster.Tax.Tls });
            var ours = trail.Entries.Where(e => e.Consent == consent || e.Consent == monitoring).ToList();
            if (ours.Any(e => e.Kind == EnterpriseTrailKind.AlertDelivered) && ours.Any(e => e.Kind == EnterpriseTrailKind.Deleted)
                && ours.All(e => e.Status == TrailVerdict.Verified))
            {
                break;
            }
            await Task.Delay(500);
        }

        Assert.Equal(enterprise.CreditCodeHash, trail.CreditCodeHash);
        Assert.Equal(0, trail.Failed);
        Assert.True(trail.Complete, string.Join(" ", trail.Sources.Select(s => s.Problem).Concat(trail.Gaps)));
        Assert.All(trail.Entries, e => Assert.Null(e.Problem));
        var underConsent = trail.Entries.Where(e => e.Consent == consent).ToList();
        var served = Assert.Single(underConsent, e => e.Kind == EnterpriseTrailKind.Served);
        Assert.Equal((NodeCluster.TaxOrg, NodeCluster.BankOrg), (served.Source, served.Who));
        Assert.Equal(fetched.ResponseHash, ((AccessRecord)served.Record.Record).ResponseHash);
        var refused = Assert.Single(underConsent, e => e.Kind == EnterpriseTrailKind.Refused);
        Assert.Equal("refused: scope not granted", refused.What);
        var deleted = Assert.Single(underConsent, e => e.Kind == EnterpriseTrailKind.Deleted);
        Assert.Equal(NodeCluster.BankOrg, deleted.Source); // from the bank's node, found at its endpoint on chain
        Assert.Equal("deleted: consent revoked", deleted.What);
        Assert.Equal(fetched.ResponseHash, ((DeletionReceipt)deleted.Record.Record).DataHash);
        var alert = Assert.Single(trail.Entries, e => e.Consent == monitoring && e.Kind == EnterpriseTrailKind.AlertDelivered);
        Assert.Equal(AlertKind.RatingDowngrade, alert.Alert!.Kind);
        Assert.Equal(NodeCluster.BankOrg, alert.Who);
        foreach (var entry in new[] { served, refused, deleted, alert })
        {
            Assert.Equal(TrailVerdict.Verified, entry.Status);
            Assert.True(entry.AnchoredInBlock > 0);
        }
        // Oldest first; the fetch before the deletion.
        Assert.Equal(trail.Entries.Select(e => e.TimeMs).Order(), trail.Entries.Select(e => e.TimeMs));
        Assert.True(served.TimeMs <= deleted.TimeMs);

        // Both nodes answered; the consents are the enterprise's, with their state.
        Assert.Contains(trail.Sources, s => s.Org == NodeCluster.TaxOrg && s.Problem is null && s.Records > 0);
        Assert.Contains(trail.Sources, s => s.Org == NodeCluster.BankOrg && s.Problem is null && s.Records > 0);
        Assert.All(trail.Consents, c => Assert.Equal(enterprise.CreditCodeHash, c.CreditCodeHash));
        Assert.Equal(ConsentStatus.Revoked, Assert.Single(trail.Consents, c => c.ConsentId == consent).Status);

        // Checked against the caller's chain, not the node's word: a chain view holding other roots fails every anchored record.
        var lied = await EnterpriseTrails.GatherAsync(cluster.Tax.Url, enterprise.Wallet, new OtherRoots(chain), new LedgerConnectionOptions { Tls = cluster.Tax.Tls });
        Assert.All(lied.Entries.Where(e => e.AnchoredInBlock > 0), e =>
        {
            Assert.Equal(TrailVerdict.Failed, e.Status);
            Assert.Contains("the chain holds", e.Problem, StringComparison.Ordinal);
        });
        Assert.Contains(lied.Entries, e => e.Kind == EnterpriseTrailKind.Deleted && e.Status == TrailVerdict.Failed);

        // Nothing of the other enterprise's, although the same bank fetched under its consent at the same time.
        Assert.DoesNotContain(trail.Entries, e => e.Consent == otherConsent);
        var ids = trail.Consents.Select(c => c.ConsentId).ToHashSet();
        Assert.All(trail.Entries, e => Assert.Contains(e.Consent, ids));
    }

    [Fact]
    public async Task BankNode_EnterpriseSelf_WithAMembersKey_IsRefused_AndAsksForAnotherEnterprisesConsent_Too()
    {
        var asMember = new Proto.EnterpriseSelf.EnterpriseSelfClient(cluster.Lending.Invoker);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await asMember.MyAccessesAsync(new Proto.MyAccessesRequest()));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("LEDGER-1528", error.Trailers.GetValue("ledger-error-code"));

        var (otherConsent, _) = await cluster.ConsentAsync(cluster.Enterprises[1]);
        await RiskCluster.WaitIndexedAsync(cluster.Lending, (await cluster.DevClient(2).LatestBlockAsync()).Number);
        using var self = await EnterpriseConnection.ConnectAsync(cluster.Bank.Url, cluster.Enterprises[0].Wallet, new LedgerConnectionOptions { Tls = cluster.Bank.Tls });
        await Refusals.ExpectAsync(() => self.MyAccessesAsync(otherConsent), StatusCode.PermissionDenied, "LEDGER-1518");
        Assert.All((await self.MyAccessesAsync()).Records, r => Assert.NotEqual(otherConsent, r.Record switch
        {
            DeletionReceipt d => d.ConsentId,
            CreditDecisionRecord c => c.ConsentId,
            _ => default,
        }));
    }

    // A chain view whose roots are not the anchored ones (as if the nodes had rebuilt their batches).
    private sealed class OtherRoots(ITrailChain real) : ITrailChain
    {
        public Task<TrailMember?> MemberAsync(OrgId org, CancellationToken cancellationToken = default) => real.MemberAsync(org, cancellationToken);

        public async Task<Hash32?> AnchoredRootAsync(OrgId org, BatchId batch, CancellationToken cancellationToken = default) =>
            await real.AnchoredRootAsync(org, batch, cancellationToken) is { } root ? Keccak.Hash(root.ToArray()) : null;
    }

    // The test's own view of the chain, through a dev account's read calls (nothing is sent).
    private sealed class DevTrailChain(BankCluster cluster) : ITrailChain
    {
        public async Task<TrailMember?> MemberAsync(OrgId org, CancellationToken cancellationToken = default)
        {
            var member = await cluster.DevClient(2).MemberAsync(org, cancellationToken);
            return member.AdmittedAtBlock == 0 ? null : new TrailMember(org, (Role)member.Role, member.Endpoint ?? "") { TlsPins = [.. TlsPins.FromChain(member.TlsPins)] };
        }

        public async Task<Hash32?> AnchoredRootAsync(OrgId org, BatchId batch, CancellationToken cancellationToken = default)
        {
            var root = await cluster.DevClient(2).AnchoredRootAsync(org, batch, cancellationToken);
            return root.IsZero ? null : root;
        }
    }
}
