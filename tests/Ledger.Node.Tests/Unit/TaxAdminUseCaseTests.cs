using System.Numerics;
using Ledger.Core.Consent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Alerts;
using Ledger.Node.Hosting;
using Ledger.Node.Tax.UseCases;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The tax bureau's binding (prepare, bind, rotate) and rating updates as use cases over ports (issue 12): the registry,
/// the tax data and the alerts are in-memory here; EnterpriseBindingTests and AlertsTests run
/// them against a real chain and real nodes.
/// </summary>
public sealed class TaxAdminUseCaseTests
{
    private static readonly OrgId Bureau = OrgId.FromCode("tax.liuzhou");
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 2, 0, 0, TimeSpan.Zero);
    private static readonly Hash32 Salt = Keccak.Hash("salt");
    private static readonly EthAddress Account = EthAddress.Parse("0x00000000000000000000000000000000000000e1");
    private static readonly EthAddress NewAccount = EthAddress.Parse("0x00000000000000000000000000000000000000e2");

    /// <summary>Tax data in memory, keeping ratings as the store does (one per year; the latest year's is the latest rating).</summary>
    private sealed class TaxData : ITaxDataStore
    {
        public Dictionary<CreditCode, TaxpayerEntry> Entries { get; } = [];

        public List<(CreditCode Code, EthAddress Account, Hash32 Tx)> Bindings { get; } = [];

        public int RatingWrites { get; private set; }

        public TaxData(params Taxpayer[] taxpayers)
        {
            foreach (var t in taxpayers)
            {
                Entries[t.CreditCode] = new TaxpayerEntry(t, HashOf(t.CreditCode), null);
            }
        }

        public int Count => Entries.Count;

        public EnterpriseHash HashOf(CreditCode code) => code.Hash(Salt);

        public int Upsert(IEnumerable<Taxpayer> taxpayers) => throw new NotSupportedException();

        public TaxpayerEntry? Find(EnterpriseHash hash) => Entries.Values.FirstOrDefault(e => e.CreditCodeHash == hash);

        public IReadOnlyList<TaxpayerEntry> ByName(string name, int limit = 2) => throw new NotSupportedException();

        public TaxpayerEntry? Get(CreditCode code) => Entries.GetValueOrDefault(code);

        public void RecordBinding(CreditCode code, EthAddress account, Hash32 txHash)
        {
            Bindings.Add((code, account, txHash));
            Entries[code] = Entries[code] with { BoundAccount = account };
        }

        public (TaxCreditRating? Previous, TaxpayerEntry Updated) UpdateRating(CreditCode code, int year, TaxCreditRating rating)
        {
            RatingWrites++;
            var entry = Entries[code];
            var previous = entry.Taxpayer.LatestRating;
            var ratings = entry.Taxpayer.Ratings.Where(r => r.Year != year).Append(new RatingOfYear(year, rating)).OrderBy(r => r.Year).ToList();
            var updated = entry with { Taxpayer = entry.Taxpayer with { Ratings = ratings } };
            Entries[code] = updated;
            return (previous, updated);
        }

        public IReadOnlyList<TaxpayerEntry> List(int limit) => [.. Entries.Values.Take(limit)];
    }

    /// <summary>The registry's bindings in memory: the bound account per credit-code hash; every relay in order; failures on demand.</summary>
    private sealed class Registry : IBindingChain
    {
        private ulong _block = 50;

        public OrgId Bureau => TaxAdminUseCaseTests.Bureau;

        public Dictionary<EnterpriseHash, EthAddress> Bound { get; } = [];

        public List<(string Call, string Key, EnterpriseBinding Binding, byte[] Signature)> Sent { get; } = [];

        public int Reads { get; private set; }

        public LedgerException? Refuse { get; set; }

        public Hash32 Digest(EnterpriseBinding binding) => Keccak.Hash(binding.StructHash(), Keccak.Hash("test domain"));

        public Task<EthAddress?> BoundAccountAsync(EnterpriseHash enterprise, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult<EthAddress?>(Bound.TryGetValue(enterprise, out var account) ? account : null);
        }

        private Task<ChainConfirmation> Send(string call, EnterpriseBinding binding, byte[] signature, string key)
        {
            if (Refuse is { } refusal)
            {
                return Task.FromException<ChainConfirmation>(refusal);
            }
            Sent.Add((call, key, binding, signature));
            Bound[binding.CreditCodeHash] = binding.Enterprise;
            return Task.FromResult(new ChainConfirmation(Keccak.Hash(key), ++_block, 1));
        }

        public Task<ChainConfirmation> BindAsync(EnterpriseBinding binding, byte[] signature, string key) => Send("bindEnterprise", binding, signature, key);

        public Task<ChainConfirmation> RotateAsync(EnterpriseBinding binding, byte[] signature, string key) => Send("rotateEnterprise", binding, signature, key);
    }

    private sealed class Alerts : IAlertPublisher
    {
        public List<NodeAlert> Published { get; } = [];

        public ValueTask PublishAsync(NodeAlert alert, CancellationToken cancellationToken = default)
        {
            Published.Add(alert);
            return ValueTask.CompletedTask;
        }
    }

    private static Taxpayer Taxpayer(params (int Year, TaxCreditRating Rating)[] ratings) =>
        SyntheticTaxpayers.Generate(1, 11, DateOnly.FromDateTime(Now.DateTime))[0] with { Ratings = [.. ratings.Select(r => new RatingOfYear(r.Year, r.Rating))] };

    private static readonly CreditCode Unknown = SyntheticTaxpayers.Generate(2, 99, DateOnly.FromDateTime(Now.DateTime))[1].CreditCode;

    // ---- BindEnterprise

    private static (BindEnterprise UseCase, Registry Registry, TaxData TaxData, CreditCode Code) Binding()
    {
        var taxpayer = Taxpayer((2025, TaxCreditRating.A));
        var taxData = new TaxData(taxpayer);
        var registry = new Registry();
        return (new BindEnterprise(registry, taxData, new FakeTimeProvider(Now)), registry, taxData, taxpayer.CreditCode);
    }

    [Fact]
    public async Task Prepare_NamesThisBureau_AFreshNonce_AnHourToSign_AndTheAccountBoundNow()
    {
        var (useCase, registry, taxData, code) = Binding();
        var hash = taxData.HashOf(code);
        registry.Bound[hash] = Account;

        var first = await useCase.PrepareAsync(code, NewAccount, CancellationToken.None);
        var second = await useCase.PrepareAsync(code, NewAccount, CancellationToken.None);

        Assert.Equal((NewAccount, hash, Bureau), (first.Binding.Enterprise, first.Binding.CreditCodeHash, first.Binding.TaxBureau));
        Assert.Equal(new BigInteger(Now.AddHours(1).ToUnixTimeSeconds()), first.Binding.Deadline);
        Assert.Equal(registry.Digest(first.Binding), first.Digest);
        Assert.Equal(Account, first.BoundAccount);
        Assert.NotEqual(first.Binding.Nonce, second.Binding.Nonce);
        Assert.Empty(registry.Sent);
        Assert.Empty(taxData.Bindings);
    }

    [Fact]
    public async Task Prepare_ForATaxpayerTheBureauHoldsNoDataOn_IsRefused_1523_BeforeTheChainIsRead()
    {
        var (useCase, registry, _, _) = Binding();

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.PrepareAsync(Unknown, Account, CancellationToken.None));

        Assert.Equal((NodeErrors.UnknownEnterpriseCode, ErrorCategory.NotFound), (error.Code, error.Category));
        Assert.Equal(0, registry.Reads);
    }

    [Fact]
    public async Task Bind_RelaysTheSignedBinding_KeyedByAccountHashAndNonce_ThenNotesTheAccount()
    {
        var (useCase, registry, taxData, code) = Binding();
        var hash = taxData.HashOf(code);
        var signature = new byte[] { 1, 2, 3 };

        var (enterprise, tx) = await useCase.BindAsync(new BindCommand(code, Account, 42, 1_800_000_000, signature, Rotate: false));

        Assert.Equal(hash, enterprise);
        var sent = Assert.Single(registry.Sent);
        Assert.Equal(("bindEnterprise", $"bind:{Account}:{hash}:42"), (sent.Call, sent.Key));
        Assert.Equal(new EnterpriseBinding(Account, hash, Bureau, 42, 1_800_000_000), sent.Binding);
        Assert.Same(signature, sent.Signature);
        Assert.Equal((code, Account, tx.TxHash), Assert.Single(taxData.Bindings));
    }

    [Fact]
    public async Task Bind_ARotation_IsRelayedAsOne_UnderItsOwnKey()
    {
        var (useCase, registry, taxData, code) = Binding();
        var hash = taxData.HashOf(code);

        await useCase.BindAsync(new BindCommand(code, NewAccount, 7, 1_800_000_000, [9], Rotate: true));

        var sent = Assert.Single(registry.Sent);
        Assert.Equal(("rotateEnterprise", $"rotate:{NewAccount}:{hash}:7"), (sent.Call, sent.Key));
        Assert.Equal(NewAccount, taxData.Entries[code].BoundAccount);
    }

    [Fact]
    public async Task Bind_WithoutADeadline_OrASignature_IsRefused_1520_RelayingAndNotingNothing()
    {
        var (useCase, registry, taxData, code) = Binding();

        var noDeadline = await Assert.ThrowsAsync<LedgerException>(() => useCase.BindAsync(new BindCommand(code, Account, 1, 0, [1], false)));
        var noSignature = await Assert.ThrowsAsync<LedgerException>(() => useCase.BindAsync(new BindCommand(code, Account, 1, 1_800_000_000, [], false)));

        Assert.Equal(NodeErrors.InvalidFieldCode, noDeadline.Code);
        Assert.Contains("deadline", noDeadline.Message, StringComparison.Ordinal);
        Assert.Equal(NodeErrors.InvalidFieldCode, noSignature.Code);
        Assert.Contains("signature", noSignature.Message, StringComparison.Ordinal);
        Assert.Empty(registry.Sent);
        Assert.Empty(taxData.Bindings);
    }

    [Fact]
    public async Task Bind_ForATaxpayerTheBureauHoldsNoDataOn_IsRefused_1523()
    {
        var (useCase, registry, taxData, _) = Binding();

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.BindAsync(new BindCommand(Unknown, Account, 1, 1_800_000_000, [1], false)));

        Assert.Equal(NodeErrors.UnknownEnterpriseCode, error.Code);
        Assert.Empty(registry.Sent);
        Assert.Empty(taxData.Bindings);
    }

    [Fact]
    public async Task Bind_TheRegistryRefusing_PassesThrough_AndLeavesTheAccountUnnoted()
    {
        var (useCase, registry, taxData, code) = Binding();
        var refusal = new LedgerException("LEDGER-1214", ErrorCategory.PermissionDenied, "The signature does not recover to the account.");
        registry.Refuse = refusal;

        Assert.Same(refusal, await Assert.ThrowsAsync<LedgerException>(() => useCase.BindAsync(new BindCommand(code, Account, 1, 1_800_000_000, [1], false))));

        Assert.Empty(taxData.Bindings);
        Assert.Null(taxData.Entries[code].BoundAccount);
    }

    // ---- UpdateRating

    private static (UpdateRating UseCase, TaxData TaxData, Alerts Alerts, CreditCode Code) Rating(params (int Year, TaxCreditRating Rating)[] ratings)
    {
        var taxpayer = Taxpayer(ratings);
        var taxData = new TaxData(taxpayer);
        var alerts = new Alerts();
        var useCase = new UpdateRating(taxData, alerts, new TaxBureau(Bureau), new FakeTimeProvider(Now), NullLogger<UpdateRating>.Instance);
        return (useCase, taxData, alerts, taxpayer.CreditCode);
    }

    [Fact]
    public async Task Update_ALatestRatingThatFalls_IsKept_AndRaisesOneDowngradeAlert_FromThisBureau()
    {
        var (useCase, taxData, alerts, code) = Rating((2024, TaxCreditRating.A), (2025, TaxCreditRating.B));

        var recorded = await useCase.UpdateAsync(code, 2026, TaxCreditRating.C, CancellationToken.None);

        Assert.Equal(new RatingRecorded(TaxCreditRating.B, Downgrade: true), recorded);
        Assert.Equal(TaxCreditRating.C, taxData.Entries[code].Taxpayer.LatestRating);
        var alert = Assert.Single(alerts.Published);
        Assert.Equal((AlertKind.RatingDowngrade, taxData.HashOf(code), Bureau), (alert.Kind, alert.Enterprise, alert.Source));
        Assert.Equal(new Dictionary<string, string> { ["year"] = "2026", ["previous"] = "B", ["rating"] = "C" }, alert.Details);
        Assert.Equal((ulong)Now.ToUnixTimeMilliseconds(), alert.RaisedAtMs);
        Assert.EndsWith("fell from B to C for 2026.", alert.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TaxCreditRating.B)] // the same
    [InlineData(TaxCreditRating.A)] // better
    public async Task Update_ALatestRatingThatDoesNotFall_IsKept_AndRaisesNoAlert(TaxCreditRating rating)
    {
        var (useCase, taxData, alerts, code) = Rating((2025, TaxCreditRating.B));

        var recorded = await useCase.UpdateAsync(code, 2026, rating, CancellationToken.None);

        Assert.False(recorded.Downgrade);
        Assert.Equal(rating, taxData.Entries[code].Taxpayer.LatestRating);
        Assert.Empty(alerts.Published);
    }

    [Fact]
    public async Task Update_AFirstRating_OrALowerOneForAnEarlierYear_RaisesNoAlert()
    {
        var (first, _, firstAlerts, firstCode) = Rating();
        Assert.Equal(new RatingRecorded(null, false), await first.UpdateAsync(firstCode, 2025, TaxCreditRating.D, CancellationToken.None));

        var (useCase, taxData, alerts, code) = Rating((2025, TaxCreditRating.A));
        var recorded = await useCase.UpdateAsync(code, 2020, TaxCreditRating.D, CancellationToken.None);

        Assert.Equal(new RatingRecorded(TaxCreditRating.A, false), recorded);
        Assert.Equal(TaxCreditRating.A, taxData.Entries[code].Taxpayer.LatestRating);
        Assert.Contains(new RatingOfYear(2020, TaxCreditRating.D), taxData.Entries[code].Taxpayer.Ratings);
        Assert.Empty(firstAlerts.Published);
        Assert.Empty(alerts.Published);
    }

    [Theory]
    [InlineData(1989u, true)]
    [InlineData(1990u, false)]
    [InlineData(2026u, false)]
    [InlineData(2027u, true)]
    public async Task Update_AYearOutside1990ToThisYear_IsRefused_1520_KeepingNothing(uint year, bool refused)
    {
        var (useCase, taxData, alerts, code) = Rating((1980, TaxCreditRating.A));

        if (refused)
        {
            var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.UpdateAsync(code, year, TaxCreditRating.D, CancellationToken.None));
            Assert.Equal(NodeErrors.InvalidFieldCode, error.Code);
            Assert.Equal($"year {year} is outside 1990..2026.", error.Message);
            Assert.Equal(0, taxData.RatingWrites);
        }
        else
        {
            await useCase.UpdateAsync(code, year, TaxCreditRating.D, CancellationToken.None);
            Assert.Equal(1, taxData.RatingWrites);
            Assert.Single(alerts.Published);
        }
    }

    [Fact]
    public async Task Update_ForATaxpayerTheBureauHoldsNoDataOn_IsRefused_1523_KeepingAndRaisingNothing()
    {
        var (useCase, taxData, alerts, _) = Rating((2025, TaxCreditRating.A));

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.UpdateAsync(Unknown, 2026, TaxCreditRating.D, CancellationToken.None));

        Assert.Equal(NodeErrors.UnknownEnterpriseCode, error.Code);
        Assert.Equal(0, taxData.RatingWrites);
        Assert.Empty(alerts.Published);
    }
}
