using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Bank;
using Ledger.Node.Bank.UseCases;
using Ledger.Node.Hosting;
using Ledger.Node.Services;
using Ledger.Node.Tax;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using LendingChain = Ledger.Node.Tests.Unit.LendingUseCaseTests.Chain;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The bank's report fetch (<see cref="ReportFetcher"/>) as a use case over ports (issue 12): the provider's node, the
/// node's key, the chain, the grants and the held data are in-memory here; LendingTests (FetchData, Decide) and
/// DataLifeTests fetch real reports from a real tax node.
/// </summary>
public sealed class ReportFetcherTests
{
    private static readonly OrgId Bank = LendingUseCaseTests.Bank;
    private static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    private static readonly ConsentId Consent = new(Keccak.Hash("consent"));
    private static readonly ConsentId OthersConsent = new(Keccak.Hash("another bank's consent"));
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly ulong NowMs = (ulong)Now.ToUnixTimeMilliseconds();
    private const ulong DataLife = 7 * 86_400;
    private static readonly byte[] ReportJson = "{\"rating\":\"A\"}"u8.ToArray();

    /// <summary>
    /// The provider's node in memory: it serves <see cref="ReportJson"/> "sealed" for the request (the request hash
    /// before the plaintext), or fails with the refusals queued; it notes every request.
    /// </summary>
    private sealed class Provider : IReportProviders
    {
        private int _n;

        public Queue<LedgerException> Refusals { get; } = [];

        public List<(OrgId Provider, ConsentId Consent, Scopes Scopes)> Asked { get; } = [];

        public Func<byte[], Hash32> RecordedHash { get; set; } = bytes => Keccak.Hash(bytes);

        public Task<ProvidedReport> FetchAsync(OrgId provider, ConsentId consent, Scopes scopes, CancellationToken cancellationToken)
        {
            Asked.Add((provider, consent, scopes));
            if (Refusals.TryDequeue(out var refusal))
            {
                return Task.FromException<ProvidedReport>(refusal);
            }
            var requestHash = Keccak.Hash($"request {++_n}");
            return Task.FromResult(new ProvidedReport(
                $"req-{_n}", [.. requestHash.ToArray(), .. ReportJson], requestHash, RecordedHash(ReportJson), 42, new RecordHash(Keccak.Hash($"access {_n}"))));
        }
    }

    /// <summary>The node's key in memory: an envelope opens when it is bound to its request hash (its first 32 bytes).</summary>
    private sealed class Keys : IEnvelopeKeys
    {
        public byte[] Open(byte[] envelope, EnvelopeBinding binding) =>
            envelope.AsSpan(0, 32).SequenceEqual(binding.RequestHash.ToArray())
                ? envelope[32..]
                : throw new System.Security.Cryptography.CryptographicException("The envelope is bound to another request.");
    }

    private sealed class Grants : IConsentRegistry, IConsentHistory
    {
        public Dictionary<ConsentId, GrantedConsent> OnChain { get; } = [];

        public Task<AccessStatus> CheckAccessAsync(ConsentId consent, OrgId consumer, OrgId provider, Scopes scopes, ulong atBlock) => throw new NotSupportedException();

        public Task<ulong> ValidUntilAsync(ConsentId consent, ulong atBlock) => throw new NotSupportedException();

        public Task<GrantedConsent?> FindGrantAsync(ConsentId consent, CancellationToken cancellationToken) => Task.FromResult(OnChain.GetValueOrDefault(consent));

        public GrantedConsent? IndexedGrant(ConsentId consent) => null;

        public IEnumerable<ServedAccess> ServedAccesses(ConsentId consent) => [];
    }

    private static GrantedConsent Grant(ConsentId id, OrgId consumer) => new(
        id,
        new ConsentTerms(
            EthAddress.Parse("0x00000000000000000000000000000000000000e1"), new EnterpriseHash(Keccak.Hash("enterprise")), consumer, Tax,
            Scopes.TaxCreditRating | Scopes.TaxPayments, 1, 1, ulong.MaxValue, 0, ulong.MaxValue, 0, 0, DataLife, 1, 1),
        5, 1, null);

    private sealed record Setup(
        ReportFetcher Fetcher, LendingChain Chain, Provider Provider, DataLifeKeeperTests.Held Held,
        DataLifeKeeperTests.Receipts Receipts, DataLifeKeeperTests.Revocations Revocations);

    private static Setup Fetcher()
    {
        var chain = new LendingChain();
        var provider = new Provider();
        var grants = new Grants();
        grants.OnChain[Consent] = Grant(Consent, Bank);
        grants.OnChain[OthersConsent] = Grant(OthersConsent, LendingUseCaseTests.OtherBank);
        var time = new FakeTimeProvider(Now);
        var held = new DataLifeKeeperTests.Held();
        var receipts = new DataLifeKeeperTests.Receipts();
        var revocations = new DataLifeKeeperTests.Revocations();
        var keeper = new DataLifeKeeper(held, receipts, revocations, time, NullLogger<DataLifeKeeper>.Instance);
        var gate = new ConsentGate(Bank, new ChainHead(), grants, grants, time);
        var fetcher = new ReportFetcher(chain, provider, new Keys(), gate, held, keeper, time, NullLogger<ReportFetcher>.Instance);
        return new Setup(fetcher, chain, provider, held, receipts, revocations);
    }

    [Fact]
    public async Task Fetch_OpensAndChecksTheReport_AndKeepsItForTheConsentsDataLife()
    {
        var s = Fetcher();

        var opened = await s.Fetcher.FetchAsync(Consent, Scopes.TaxCreditRating, CancellationToken.None);

        Assert.Equal(ReportJson, opened.Plaintext);
        Assert.Equal((Tax, Consent, Scopes.TaxCreditRating), Assert.Single(s.Provider.Asked));
        var item = Assert.Single(s.Held.Items.Values);
        Assert.Same(item, opened.Item);
        Assert.Equal((Consent, Tax, Scopes.TaxCreditRating, Keccak.Hash(ReportJson), 42UL), (item.ConsentId, item.Provider, item.Scopes, item.ResponseHash, item.CheckedAtBlock));
        Assert.Equal((NowMs, NowMs + (DataLife * 1000)), (item.FetchedAtMs, item.KeepUntilMs));
        Assert.Equal(Keccak.Hash("access 1"), item.AccessRecord);
        Assert.Equal(new RecordHash(Keccak.Hash("access 1")), opened.ProviderAccessRecord);
        Assert.Equal(0, s.Chain.ScopeReads);
    }

    [Fact]
    public async Task Fetch_WithoutScopes_AsksForWhatTheConsentGrantsNow()
    {
        var s = Fetcher();
        s.Chain.ConsentScopes[Consent] = Scopes.TaxPayments; // narrowed since the grant

        var opened = await s.Fetcher.FetchAsync(Consent, Scopes.None, CancellationToken.None);

        Assert.Equal(Scopes.TaxPayments, Assert.Single(s.Provider.Asked).Scopes);
        Assert.Equal(Scopes.TaxPayments, opened.Item.Scopes);
        Assert.Equal(1, s.Chain.ScopeReads);
    }

    [Fact]
    public async Task Fetch_ScopesNoReportCarries_AreRefused_1520_BeforeTheGrantIsRead()
    {
        var s = Fetcher();

        var error = await Assert.ThrowsAsync<LedgerException>(() => s.Fetcher.FetchAsync(new ConsentId(Keccak.Hash("never granted")), (Scopes)0x80, CancellationToken.None));

        Assert.Equal(NodeErrors.InvalidFieldCode, error.Code);
        Assert.Empty(s.Provider.Asked);
    }

    [Fact]
    public async Task Fetch_UnderAConsentNeverGranted_1540_OrAnotherBanks_1518_AsksNoProvider()
    {
        var s = Fetcher();

        var unknown = await Assert.ThrowsAsync<LedgerException>(() => s.Fetcher.FetchAsync(new ConsentId(Keccak.Hash("never granted")), Scopes.None, CancellationToken.None));
        var others = await Assert.ThrowsAsync<LedgerException>(() => s.Fetcher.FetchAsync(OthersConsent, Scopes.None, CancellationToken.None));

        Assert.Equal(BankErrors.UnknownConsentCode, unknown.Code);
        Assert.Equal(NodeErrors.NotPartyCode, others.Code);
        Assert.Empty(s.Provider.Asked);
        Assert.Equal(0, s.Chain.ScopeReads);
        Assert.Empty(s.Held.Items);
    }

    private static LedgerException Stale() => new(ChainHead.StaleViewCode, ErrorCategory.Unavailable, "tax.liuzhou refused the fetch: its view of the chain is stale.");

    [Fact]
    public async Task Fetch_AProviderWithAStaleView_IsAskedAgainTwice()
    {
        var s = Fetcher();
        s.Provider.Refusals.Enqueue(Stale());
        s.Provider.Refusals.Enqueue(Stale());

        var opened = await s.Fetcher.FetchAsync(Consent, Scopes.TaxCreditRating, CancellationToken.None);

        Assert.Equal(3, s.Provider.Asked.Count);
        Assert.Same(opened.Item, Assert.Single(s.Held.Items.Values));
    }

    [Fact]
    public async Task Fetch_AProviderStillStaleAfterTwoMoreAsks_OrAnyOtherRefusal_PassesThroughUnchanged_KeepingNothing()
    {
        var s = Fetcher();
        var last = Stale();
        s.Provider.Refusals.Enqueue(Stale());
        s.Provider.Refusals.Enqueue(Stale());
        s.Provider.Refusals.Enqueue(last);
        var refused = new RequestRefusedException(new LedgerException("LEDGER-1250", ErrorCategory.FailedPrecondition, "tax.liuzhou refused the fetch: the consent was revoked."), Keccak.Hash("refusal"));

        Assert.Same(last, await Assert.ThrowsAsync<LedgerException>(() => s.Fetcher.FetchAsync(Consent, Scopes.TaxCreditRating, CancellationToken.None)));
        Assert.Equal(3, s.Provider.Asked.Count);
        s.Provider.Refusals.Enqueue(refused);
        Assert.Same(refused, await Assert.ThrowsAsync<RequestRefusedException>(() => s.Fetcher.FetchAsync(Consent, Scopes.TaxCreditRating, CancellationToken.None)));
        Assert.Equal(4, s.Provider.Asked.Count);
        Assert.Empty(s.Held.Items);
    }

    [Fact]
    public async Task Fetch_AReportThatDoesNotHashToTheRecordedHash_IsRefused_1543_AndNotKept()
    {
        var s = Fetcher();
        s.Provider.RecordedHash = _ => Keccak.Hash("something else");

        var error = await Assert.ThrowsAsync<LedgerException>(() => s.Fetcher.FetchAsync(Consent, Scopes.TaxCreditRating, CancellationToken.None));

        Assert.Equal(BankErrors.ReportMismatchCode, error.Code);
        Assert.Contains("req-1", error.Message, StringComparison.Ordinal);
        Assert.Empty(s.Held.Items);
    }

    [Fact]
    public async Task Fetch_ARevocationSeenWhileTheReportTravelled_IsRefused_1548_TheReportDeletedWithAReceipt()
    {
        var s = Fetcher();
        s.Revocations.Seen.Add(new RevocationSeen("1", Consent));

        var error = await Assert.ThrowsAsync<LedgerException>(() => s.Fetcher.FetchAsync(Consent, Scopes.TaxCreditRating, CancellationToken.None));

        Assert.Equal(BankErrors.ConsentRevokedCode, error.Code);
        var item = Assert.Single(s.Held.Items.Values);
        Assert.True(item.Deleted);
        Assert.Null(item.Envelope);
        Assert.Equal(item.Receipt, Assert.Single(s.Receipts.Accepted).Hash);
    }

    [Fact]
    public async Task HeldOrFetch_AReportHeldWithinItsLife_IsOpenedWithoutAskingTheProvider_AndOneOutlivedIsFetchedAgain()
    {
        var s = Fetcher();
        var first = await s.Fetcher.FetchAsync(Consent, Scopes.TaxCreditRating, CancellationToken.None);

        var held = await s.Fetcher.HeldOrFetchAsync(Consent, CancellationToken.None);
        Assert.Equal(first.Item, held.Item);
        Assert.Null(held.ProviderAccessRecord);
        Assert.Single(s.Provider.Asked);

        s.Held.Items[first.Item.RequestHash] = first.Item with { KeepUntilMs = NowMs };
        s.Chain.ConsentScopes[Consent] = Scopes.TaxCreditRating | Scopes.TaxPayments;
        var fresh = await s.Fetcher.HeldOrFetchAsync(Consent, CancellationToken.None);
        Assert.NotEqual(first.Item.RequestHash, fresh.Item.RequestHash);
        Assert.Equal((Tax, Consent, Scopes.TaxCreditRating | Scopes.TaxPayments), s.Provider.Asked[1]);
    }

    [Fact]
    public async Task Open_AKeptReportThatNoLongerHashesToItsResponseHash_IsRefused_1543()
    {
        var s = Fetcher();
        var kept = (await s.Fetcher.FetchAsync(Consent, Scopes.TaxCreditRating, CancellationToken.None)).Item;
        var altered = kept with { Envelope = [.. kept.RequestHash.ToArray(), .. "{\"rating\":\"D\"}"u8.ToArray()] };

        var error = Assert.Throws<LedgerException>(() => s.Fetcher.Open(altered));

        Assert.Equal(BankErrors.ReportMismatchCode, error.Code);
    }
}
