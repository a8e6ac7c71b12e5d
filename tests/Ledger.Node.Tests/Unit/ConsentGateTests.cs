using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;
using Ledger.Node.Services;
using Ledger.Node.Tax;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The tax node's consent gate as a use case over ports (issue 12): the registry and the node's history are in-memory
/// here, so the rules run without a chain — the integration suites (DataExchangeTests, FailClosedTests, the fault
/// suite) check the same rules against real chain nodes and processes.
/// </summary>
public sealed class ConsentGateTests
{
    private static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    private const ulong ValidFrom = 1_800_000_000;

    /// <summary>An in-memory consent registry: verdicts and validity per consent, as of a block; it counts its reads.</summary>
    private sealed class Registry : IConsentRegistry
    {
        public Dictionary<ConsentId, (ulong FromBlock, AccessStatus Status)[]> Verdicts { get; } = [];

        public Dictionary<ConsentId, ulong> ValidUntil { get; } = [];

        public Dictionary<ConsentId, GrantedConsent> OnChain { get; } = [];

        public int Checks { get; private set; }

        public int GrantReads { get; private set; }

        public Task<AccessStatus> CheckAccessAsync(ConsentId consent, OrgId consumer, OrgId provider, Scopes scopes, ulong atBlock)
        {
            Checks++;
            if (provider != Tax)
            {
                return Task.FromResult(AccessStatus.WrongProvider);
            }
            if (!Verdicts.TryGetValue(consent, out var history))
            {
                return Task.FromResult(AccessStatus.UnknownConsent);
            }
            return Task.FromResult(history.Where(v => v.FromBlock <= atBlock).Select(v => v.Status).LastOrDefault(AccessStatus.UnknownConsent));
        }

        public Task<ulong> ValidUntilAsync(ConsentId consent, ulong atBlock) => Task.FromResult(ValidUntil[consent]);

        public Task<GrantedConsent?> FindGrantAsync(ConsentId consent, CancellationToken cancellationToken)
        {
            GrantReads++;
            return Task.FromResult(OnChain.GetValueOrDefault(consent));
        }
    }

    /// <summary>An in-memory history: what the indexer read and what the node served.</summary>
    private sealed class History : IConsentHistory
    {
        public Dictionary<ConsentId, GrantedConsent> Indexed { get; } = [];

        public List<(ConsentId Consent, ServedAccess Access)> Served { get; } = [];

        public int ServedReads { get; private set; }

        public GrantedConsent? IndexedGrant(ConsentId consent) => Indexed.GetValueOrDefault(consent);

        public IEnumerable<ServedAccess> ServedAccesses(ConsentId consent)
        {
            ServedReads++;
            return Served.Where(s => s.Consent == consent).Select(s => s.Access).ToList();
        }
    }

    private static ConsentId Id(byte b) => new(new Hash32(Enumerable.Repeat(b, 32).ToArray()));

    private static Hash32 Request(int n) => new(BitConverter.GetBytes(n).Concat(new byte[28]).ToArray());

    private static GrantedConsent Grant(ConsentId id, uint fetchCap = 2, uint fetchPeriod = 3_600) => new(
        id,
        new ConsentTerms(
            EthAddress.Parse("0x00000000000000000000000000000000000000e1"), new EnterpriseHash(new Hash32(new byte[32])), Bank, Tax,
            Scopes.TaxCreditRating | Scopes.TaxPayments, 1, ValidFrom, ValidFrom + 86_400, ValidFrom - 86_400 * 365, ValidFrom,
            fetchCap, fetchPeriod, 3_600, 1, ValidFrom),
        100, ValidFrom, null);

    private static (ConsentGate Gate, ChainHead Head, Registry Registry, History History, FakeTimeProvider Time) Gate()
    {
        var head = new ChainHead();
        head.Advance(new ChainBlock(10, ValidFrom + 10), stateChanged: true);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds((long)ValidFrom + 10));
        var registry = new Registry();
        var history = new History();
        return (new ConsentGate(Tax, head, registry, history, time), head, registry, history, time);
    }

    [Fact]
    public async Task Check_AnAllowedVerdict_IsCarriedToLaterBlocksWithoutAStateChange_AndReadAgainAfterOne()
    {
        var (gate, head, registry, _, _) = Gate();
        var consent = Id(1);
        registry.Verdicts[consent] = [(0, AccessStatus.Allowed), (12, AccessStatus.Revoked)];
        registry.ValidUntil[consent] = ValidFrom + 86_400;

        Assert.Equal(AccessStatus.Allowed, await gate.CheckAsync(consent, Bank, Scopes.TaxCreditRating, 10));
        head.Advance(new ChainBlock(11, ValidFrom + 11), stateChanged: false);
        Assert.Equal(AccessStatus.Allowed, await gate.CheckAsync(consent, Bank, Scopes.TaxCreditRating, 11));
        Assert.Equal(1, registry.Checks); // nothing changed on chain: no second read

        // The enterprise revokes in block 12: the head says state changed, the gate reads again and refuses.
        head.Advance(new ChainBlock(12, ValidFrom + 12), stateChanged: true);
        Assert.Equal(AccessStatus.Revoked, await gate.CheckAsync(consent, Bank, Scopes.TaxCreditRating, 12));
        Assert.Equal(2, registry.Checks);
    }

    [Fact]
    public async Task Check_RegistryAllowsButTheNodesClockIsPastValidUntil_Expired()
    {
        var (gate, _, registry, _, time) = Gate();
        var consent = Id(2);
        registry.Verdicts[consent] = [(0, AccessStatus.Allowed)];
        registry.ValidUntil[consent] = ValidFrom + 60;

        Assert.Equal(AccessStatus.Allowed, await gate.CheckAsync(consent, Bank, Scopes.TaxCreditRating, 10));
        // No block since (a chain that mines only with transactions), but the wall clock moved past validUntil.
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(AccessStatus.Expired, await gate.CheckAsync(consent, Bank, Scopes.TaxCreditRating, 10));
    }

    [Fact]
    public async Task Check_ARefusal_IsNeverCarried_TheNextBlockAsksAgain()
    {
        var (gate, head, registry, _, _) = Gate();
        var consent = Id(3);
        registry.Verdicts[consent] = [(0, AccessStatus.NotYetValid), (11, AccessStatus.Allowed)];
        registry.ValidUntil[consent] = ValidFrom + 86_400;

        Assert.Equal(AccessStatus.NotYetValid, await gate.CheckAsync(consent, Bank, Scopes.TaxCreditRating, 10));
        head.Advance(new ChainBlock(11, ValidFrom + 11), stateChanged: false);
        Assert.Equal(AccessStatus.Allowed, await gate.CheckAsync(consent, Bank, Scopes.TaxCreditRating, 11));
        Assert.Equal(2, registry.Checks);
    }

    [Fact]
    public async Task Grant_FromTheIndexFirst_ElseFromTheChainsLogs_ElseNone_AndKeptOnceFound()
    {
        var (gate, _, registry, history, _) = Gate();
        var (indexed, notYetIndexed, never) = (Id(4), Id(5), Id(6));
        history.Indexed[indexed] = Grant(indexed);
        registry.OnChain[notYetIndexed] = Grant(notYetIndexed, fetchCap: 7);

        Assert.Equal(indexed, (await gate.GrantAsync(indexed))!.ConsentId);
        Assert.Equal(0, registry.GrantReads);
        Assert.Equal(7u, (await gate.GrantAsync(notYetIndexed))!.Terms.FetchCap);
        Assert.Equal(1, registry.GrantReads);
        Assert.Null(await gate.GrantAsync(never));
        Assert.Equal(2, registry.GrantReads);

        // Terms never change: the second ask is answered from memory.
        await gate.GrantAsync(notYetIndexed);
        Assert.Equal(2, registry.GrantReads);
    }

    [Fact]
    public void Reserve_CountsTheCapPerPeriod_RefusesARepeatedRequest_AndAReleaseGivesTheFetchBack()
    {
        var (gate, _, _, _, _) = Gate();
        var grant = Grant(Id(7), fetchCap: 2, fetchPeriod: 3_600);
        var first = ConsentGate.PeriodOf(grant, ValidFrom + 10);
        var next = ConsentGate.PeriodOf(grant, ValidFrom + 3_600);
        Assert.Equal(first + 1, next);

        Assert.Equal(ReserveOutcome.Reserved, gate.TryReserve(grant, Request(1), first, countCap: true));
        Assert.Equal(ReserveOutcome.Duplicate, gate.TryReserve(grant, Request(1), first, countCap: true));
        Assert.Equal(ReserveOutcome.Reserved, gate.TryReserve(grant, Request(2), first, countCap: true));
        Assert.Equal(ReserveOutcome.CapReached, gate.TryReserve(grant, Request(3), first, countCap: true));
        Assert.Equal(ReserveOutcome.Reserved, gate.TryReserve(grant, Request(3), next, countCap: true)); // a new period
        Assert.Equal(2u, gate.UsedInPeriod(grant, first));

        gate.Release(grant, Request(2), first); // serving failed: the fetch is not used
        Assert.Equal(1u, gate.UsedInPeriod(grant, first));
        Assert.Equal(ReserveOutcome.Reserved, gate.TryReserve(grant, Request(4), first, countCap: true));
        // Strong mode: the chain counts the cap, the node only refuses a repeated request.
        Assert.Equal(ReserveOutcome.Reserved, gate.TryReserve(grant, Request(5), first, countCap: false));
    }

    [Fact]
    public void Reserve_AfterARestart_CountsWhatTheStoreAlreadyServed_ReadOnce()
    {
        var (gate, _, _, history, _) = Gate();
        var grant = Grant(Id(8), fetchCap: 2, fetchPeriod: 3_600);
        var now = ConsentGate.PeriodOf(grant, ValidFrom + 3_610);
        Assert.Equal(1UL, now);
        // Served before the restart: one in this period, one in the one before, and one under another consent.
        history.Served.Add((grant.ConsentId, new ServedAccess(Request(10), (ValidFrom + 3_605) * 1000)));
        history.Served.Add((grant.ConsentId, new ServedAccess(Request(11), (ValidFrom + 5) * 1000)));
        history.Served.Add((Id(9), new ServedAccess(Request(12), (ValidFrom + 3_605) * 1000)));

        Assert.Equal(ReserveOutcome.Duplicate, gate.TryReserve(grant, Request(10), now, countCap: true));
        Assert.Equal(ReserveOutcome.Reserved, gate.TryReserve(grant, Request(13), now, countCap: true));
        Assert.Equal(ReserveOutcome.CapReached, gate.TryReserve(grant, Request(14), now, countCap: true));
        Assert.Equal(2u, gate.UsedInPeriod(grant, now));
        Assert.Equal(1, history.ServedReads);
    }
}
