using System.Text;
using Ledger.Chain;
using Ledger.Chain.Transactions;
using Ledger.Core.Model;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;
using Ledger.Sdk.Keys;

namespace Ledger.Node.Tests.Bank;

/// <summary>The classes that share the bank cluster (run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SharedBankCluster : ICollectionFixture<BankCluster>
{
    public const string Name = "bank-cluster";
}

/// <summary>
/// The shared topology (hardhat, tax, bank.ccb and auditor processes) plus what lending needs: a guarantor and a
/// regulator admitted (no node: the tests only need them on chain), a risk-compensation fund the regulator created,
/// and — picked from a larger synthetic population the tax bureau imported — enterprises whose latest rating is A
/// (approved), B (approved) and D, each bound to a wallet by the bureau.
/// </summary>
public sealed class BankCluster : NodeCluster
{
    public static readonly OrgId GuarantorOrg = OrgId.FromCode("guar.gx");
    public static readonly OrgId RegulatorOrg = OrgId.FromCode("reg.liuzhou");

    /// <summary>The bank node as bank.ccb.</summary>
    public LedgerConnection Lending => BankAsBank;

    /// <summary>The bank node as the auditor (record export).</summary>
    public LedgerConnection BankAsAuditor { get; private set; } = null!;

    public TestEnterprise RatedA { get; private set; } = null!;
    public TestEnterprise RatedB { get; private set; } = null!;
    public TestEnterprise RatedD { get; private set; } = null!;

    /// <summary>The regulator's fund (ratio 50 %, both default products eligible).</summary>
    public FundId Fund { get; } = FundId.FromReference(RegulatorOrg, FundReference);

    private const string FundReference = "bank-tests/fund";

    /// <summary>The regulator's chain client (operator key of reg.liuzhou).</summary>
    public LedgerChainClient Regulator { get; private set; } = null!;

    protected override async Task SetUpAsync()
    {
        await base.SetUpAsync();

        // A guarantor and a regulator on chain.
        foreach (var (org, role) in new[] { (GuarantorOrg, Role.Guarantor), (RegulatorOrg, Role.Regulator) })
        {
            var file = Path.Combine(Dir, org.Code, "keystore.json");
            var keys = NodeKeyStore.Create(file, Password, KeyStoreKdf.Light);
            Orgs[org] = new OrgSetup(org, role, file, keys);
            await FundAsync([keys.Operator]);
            await AdmitAsync(Orgs[org], "http://127.0.0.1:1");
        }
        Regulator = new LedgerChainClient(Chain.CreateSender(this[RegulatorOrg].Keys.OperatorKey, new InMemoryTransactionJournal()), Chain.Deployment);
        await Regulator.CreateFundAsync(FundReference, 5_000, 1_000_000_000, [ProductCode.FromCode("SHUIYIDAI"), ProductCode.FromCode("YINSHUIDAI")]);

        // A population large enough to hold every rating; the ones to lend to are picked from the bureau's own list.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var population = SyntheticTaxpayers.Generate(120, 20260101, today);
        var imported = await TaxAsTax.Tax.ImportTaxDataAsync("jsonl", Encoding.UTF8.GetBytes(string.Join('\n', population.Select(TaxpayerImport.ToJsonLine))));
        if (imported.Imported != population.Count)
        {
            throw new InvalidOperationException($"Import took {imported.Imported} of {population.Count}: {string.Join("; ", imported.Rejected)}");
        }
        var held = await TaxAsTax.Tax.ListEnterprisesAsync(1000);
        var byCode = population.ToDictionary(t => t.CreditCode);
        Taxpayer Pick(TaxCreditRating rating, bool approved) => held
            .Where(e => e.LatestRating == rating && e.BoundAccount is null && byCode.ContainsKey(e.CreditCode))
            .Select(e => byCode[e.CreditCode])
            .First(t => !approved || ClearlyApproved(t));
        RatedA = await BindAsync(Pick(TaxCreditRating.A, approved: true));
        RatedB = await BindAsync(Pick(TaxCreditRating.B, approved: true));
        RatedD = await BindAsync(Pick(TaxCreditRating.D, approved: false));

        BankAsAuditor = await ConnectAsync(Bank, AuditorOrg);
    }

    /// <summary>Approved by the default product table with a score well clear of the rating's minimum (the node decides on the same data).</summary>
    private static bool ClearlyApproved(Taxpayer taxpayer)
    {
        var now = DateTimeOffset.UtcNow;
        var until = YearMonth.Of(DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime));
        var report = taxpayer.Report(Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices | Scopes.Judicial, until.AddMonths(-24), until, now);
        var decision = CreditDecider.Decide(report.ToProfile(), ProductTable.Default, now);
        return decision.Approved && decision.Score >= 700;
    }

    private async Task<TestEnterprise> BindAsync(Taxpayer taxpayer)
    {
        var wallet = EnterpriseWallet.Generate();
        var (hash, _) = await TaxAsTax.Tax.BindEnterpriseAsync(taxpayer.CreditCode, wallet);
        return new TestEnterprise(taxpayer, wallet, hash);
    }

    /// <summary>A consent of <paramref name="enterprise"/> to bank.ccb for rating, payments, invoices and judicial records (the products decline unassessed enforcement cases), relayed by the bank node.</summary>
    public async Task<(ConsentId Id, Core.Consent.ConsentTerms Terms)> ConsentAsync(TestEnterprise enterprise, TimeSpan? dataLife = null)
    {
        var (id, terms, _) = await Lending.Consents.GrantAsync(enterprise.Wallet,
            new ConsentRequest(enterprise.Wallet.Address, BankOrg, TaxOrg, Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices | Scopes.Judicial)
            {
                FetchCap = 100,
                DataLife = dataLife,
            });
        return (id, terms);
    }

    /// <summary>Polls until <paramref name="condition"/> holds (at most 30 s).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what)
        where T : class
    {
        for (var i = 0; i < 300; i++)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Waited 30 s for {what}.");
    }

    /// <summary>The bank node's record with this hash, once anchored (read as the auditor).</summary>
    public Task<ExportedRecord> AnchoredBankRecordAsync(Core.Model.RecordHash hash) =>
        EventuallyAsync<ExportedRecord>(async () =>
            (await BankAsAuditor.Records.ListAsync()).SingleOrDefault(r => r.Hash == hash && r.Anchor.IsAnchored), $"bank record {hash} to be anchored");

    public override async Task DisposeAsync()
    {
        Regulator?.Sender.Dispose();
        await base.DisposeAsync();
    }
}
