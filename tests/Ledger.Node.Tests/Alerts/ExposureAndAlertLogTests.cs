using Ledger.Core.Consent;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Alerts;

namespace Ledger.Node.Tests.Alerts;

/// <summary>Chain events of the shape the indexer delivers (bytes32 as 0x-hex, integers in decimal).</summary>
internal static class Events
{
    private static int _log;

    public static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    public static readonly OrgId OtherBank = OrgId.FromCode("bank.icbc");
    public static readonly OrgId Guarantor = OrgId.FromCode("guarantee.gx");
    public static readonly EnterpriseHash Enterprise = new(Keccak.Hash("enterprise"));

    private static readonly EthAddress EnterpriseAccount = EthAddress.Parse("0x00000000000000000000000000000000000000aa");

    // In the stored form the indexer delivers, written by the events' typed records.
    public static ChainEvent Make<T>(T args, ulong block)
        where T : class, ITypedChainEvent<T> =>
        ChainEvent.Of(args, block, 1_700_000_000 + block, Keccak.Hash($"tx{block}"), Interlocked.Increment(ref _log) % 1000);

    public static ChainEvent Disbursed(LoanId loan, OrgId bank, ulong block = 1) =>
        Make(new LoanDisbursed(loan, bank, Enterprise, ProductCode.FromCode("SHUIYIDAI"), 1_000_000, 365, 12, LoanPurpose.WorkingCapital,
            new ConsentId(Keccak.Hash("consent")), new DecisionHash(Keccak.Hash("decision"))), block);

    public static ChainEvent Repaid(LoanId loan, string outstanding, ulong block = 2) =>
        Make(new LoanRepaid(loan, Bank, Enterprise, 1, 0, UInt128.Parse(outstanding, System.Globalization.CultureInfo.InvariantCulture)), block);

    public static ChainEvent Guaranteed(LoanId loan, OrgId guarantor, ulong block = 3) =>
        Make(new LoanGuaranteed(loan, guarantor, Enterprise, Bank, default, 8000, 100), block);

    public static ChainEvent Released(LoanId loan, ulong block = 4) =>
        Make(new GuaranteeReleased(loan, Guarantor, default), block);

    public static ChainEvent Granted(ConsentId consent, OrgId consumer, ulong validUntil, ulong block = 5,
        uint purpose = PurposeCodes.PostLoanMonitoring, Scopes scopes = Scopes.TaxCreditRating, OrgId? provider = null, ulong validFrom = 0) =>
        Make(new ConsentGranted(consent, EnterpriseAccount, consumer, provider ?? Tax, Enterprise,
            new ConsentTerms(EnterpriseAccount, Enterprise, consumer, provider ?? Tax, scopes, purpose, validFrom, validUntil, 0, 0, 10, 0, 86_400, 1, 2_000_000_000),
            EnterpriseAccount), block);

    /// <summary>An alert about the enterprise (a rating downgrade by <see cref="Tax"/> unless a loan or kind is given).</summary>
    public static NodeAlert Alert(AlertKind kind = AlertKind.RatingDowngrade, LoanId? loan = null, OrgId? source = null) =>
        new(kind, Enterprise, "alert", new Dictionary<string, string>(), 0, source ?? Tax) { Loan = loan };

    public static ChainEvent Narrowed(ConsentId consent, ulong validUntil, ulong block = 6) =>
        Make(new ConsentNarrowed(consent, EnterpriseAccount, Bank, Scopes.TaxCreditRating, validUntil), block);

    public static ChainEvent Revoked(ConsentId consent, OrgId consumer, ulong block = 7) =>
        Make(new ConsentRevoked(consent, EnterpriseAccount, consumer), block);

    public static ChainEvent Cancelled(LoanId loan, OrgId guarantor, ulong block) =>
        Make(new GuaranteeCancelled(loan, guarantor, Bank, Enterprise, default), block);

    public static ChainEvent FundCreated(Hash32 fund, OrgId regulator, ulong block = 1) =>
        Make(new Ledger.Core.Events.FundCreated(new FundId(fund), regulator, 5000, 1000, 7_776_000), block);

    public static ChainEvent GuarantorFailedToPay(LoanId loan, Hash32 fund, ulong block) =>
        Make(new Ledger.Core.Events.GuarantorFailedToPay(loan, Guarantor, Bank, new FundId(fund), Enterprise, 5_600_000, 2_000_000), block);

    public static readonly OrgId Tax = OrgId.FromCode("tax.gx");

    public static LoanId Loan(string name) => new(Keccak.Hash("loan:" + name));

    public static ConsentId Consent(string name) => new(Keccak.Hash("consent:" + name));
}

/// <summary>The audience rule (need to know): a loan's parties for its alerts, monitoring consents for the rest.</summary>
public sealed class ExposureIndexTests
{
    [Fact]
    public void AudienceOf_ALoanAlert_ReachesItsBankAndGuarantorAndMonitoringConsentHolders_NotOtherLoansOrConsents()
    {
        var index = new ExposureIndex();
        index.Apply(Events.Disbursed(Events.Loan("a"), Events.Bank));
        index.Apply(Events.Guaranteed(Events.Loan("a"), Events.Guarantor));
        var thirdBank = OrgId.FromCode("bank.boc");
        index.Apply(Events.Disbursed(Events.Loan("b"), thirdBank));
        index.Apply(Events.Granted(Events.Consent("monitoring"), Events.OtherBank, validUntil: 2_000));
        index.Apply(Events.Granted(Events.Consent("credit"), OrgId.FromCode("bank.abc"), validUntil: 2_000, purpose: PurposeCodes.CreditAssessment));

        var overdue = Events.Alert(AlertKind.OverdueRepayment, Events.Loan("a"), Events.Bank);

        // bank.boc lends to the same enterprise (loan b) and bank.abc holds a consent for credit assessment: neither
        // learns of loan a's arrears.
        Assert.Equal(new[] { Events.Bank, Events.Guarantor, Events.OtherBank }.ToHashSet(), index.AudienceOf(overdue, 1_000).ToHashSet());
        Assert.Equal(new[] { thirdBank, Events.OtherBank }.ToHashSet(), index.AudienceOf(Events.Alert(AlertKind.Default, Events.Loan("b"), thirdBank), 1_000).ToHashSet());
        Assert.Empty(index.AudienceOf(Events.Alert() with { Enterprise = new EnterpriseHash(Keccak.Hash("someone else")) }, 1_000));
    }

    [Fact]
    public void AudienceOf_ARatingDowngrade_ReachesOnlyMonitoringConsentsOfItsBureauThatIncludeTheRating()
    {
        var index = new ExposureIndex();
        index.Apply(Events.Disbursed(Events.Loan("a"), Events.Bank)); // a loan alone entitles to no monitoring
        index.Apply(Events.Granted(Events.Consent("ok"), Events.OtherBank, validUntil: 2_000));
        index.Apply(Events.Granted(Events.Consent("credit"), OrgId.FromCode("bank.abc"), validUntil: 2_000, purpose: PurposeCodes.CreditAssessment));
        index.Apply(Events.Granted(Events.Consent("payments only"), OrgId.FromCode("bank.boc"), validUntil: 2_000, scopes: Scopes.TaxPayments));
        index.Apply(Events.Granted(Events.Consent("other bureau"), OrgId.FromCode("bank.cmb"), validUntil: 2_000, provider: OrgId.FromCode("tax.nn")));
        index.Apply(Events.Granted(Events.Consent("not yet"), OrgId.FromCode("bank.spdb"), validUntil: 2_000, validFrom: 1_500));

        Assert.Equal(new[] { Events.OtherBank }, index.AudienceOf(Events.Alert(), 1_000).ToArray());
        Assert.Contains(OrgId.FromCode("bank.spdb"), index.AudienceOf(Events.Alert(), 1_500));
        Assert.Equal(new[] { Events.OtherBank }, index.MonitoringConsents(Events.Enterprise, Events.OtherBank, Events.Tax, Scopes.TaxCreditRating, 1_000)
            .Select(_ => Events.OtherBank).ToArray());
        Assert.Empty(index.MonitoringConsents(Events.Enterprise, OrgId.FromCode("bank.abc"), Events.Tax, Scopes.TaxCreditRating, 1_000));
    }

    [Fact]
    public void AudienceOf_GuaranteeCancelledByTheBank_ReachesItsGuarantorNoLongerUnlessGuaranteedAgainLater()
    {
        var other = OrgId.FromCode("guarantee.other");
        var alert = Events.Alert(AlertKind.OverdueRepayment, Events.Loan("a"), Events.Bank);
        var index = new ExposureIndex();
        index.Apply(Events.Guaranteed(Events.Loan("a"), Events.Guarantor, block: 3));
        index.Apply(Events.Cancelled(Events.Loan("a"), Events.Guarantor, block: 5));
        Assert.Empty(index.AudienceOf(alert, 0));

        // A rebuild reads all guarantees before all cancellations: the later guarantee (block 7) still stands.
        var rebuilt = new ExposureIndex();
        rebuilt.Apply(Events.Guaranteed(Events.Loan("a"), Events.Guarantor, block: 3));
        rebuilt.Apply(Events.Guaranteed(Events.Loan("a"), other, block: 7));
        rebuilt.Apply(Events.Cancelled(Events.Loan("a"), Events.Guarantor, block: 5));
        Assert.Equal(new[] { other }, rebuilt.AudienceOf(alert, 0).ToArray());
    }

    [Fact]
    public void From_GuarantorFailedToPay_AlertsTheLoansPartiesAndTheFundsRegulator()
    {
        var regulator = OrgId.FromCode("regulator.lz");
        var fund = Keccak.Hash("fund");
        var index = new ExposureIndex();
        index.Apply(Events.FundCreated(fund, regulator));
        index.Apply(Events.Disbursed(Events.Loan("a"), Events.Bank, block: 2));

        var (alert, alsoTo) = ChainAlerts.From(Events.GuarantorFailedToPay(Events.Loan("a"), fund, block: 9), index, Events.Bank)!.Value;

        Assert.Equal(AlertKind.GuarantorFailedToPay, alert.Kind);
        Assert.Equal(regulator, alsoTo);
        Assert.Equal(Events.Loan("a"), alert.Loan);
        Assert.Contains("had paid 20,000.00 of the 56,000.00 CNY it owes", alert.Summary, StringComparison.Ordinal);
        Assert.Contains(Events.Bank, index.AudienceOf(alert, 0));
    }

    [Fact]
    public void AudienceOf_MonitoringConsentRevokedExpiredOrNarrowed_ReachesNobodyMore_ARevocationOnlyItsConsumer()
    {
        var index = new ExposureIndex();
        index.Apply(Events.Granted(Events.Consent("revoked"), Events.OtherBank, validUntil: 5_000));
        index.Apply(Events.Revoked(Events.Consent("revoked"), Events.OtherBank));
        index.Apply(Events.Granted(Events.Consent("narrowed"), Events.Bank, validUntil: 5_000, scopes: Scopes.TaxCreditRating | Scopes.TaxPayments));
        index.Apply(Events.Narrowed(Events.Consent("narrowed"), validUntil: 1_500));
        index.Apply(Events.Granted(Events.Consent("rating dropped"), Events.Guarantor, validUntil: 5_000, scopes: Scopes.TaxCreditRating | Scopes.TaxPayments));
        index.Apply(Events.Make(new ConsentNarrowed(Events.Consent("rating dropped"), EthAddress.Parse("0x00000000000000000000000000000000000000aa"), Events.Guarantor, Scopes.TaxPayments, 5_000), 8));

        Assert.Equal(new[] { Events.Bank }, index.AudienceOf(Events.Alert(), 1_500).ToArray()); // the narrowed consent's last second
        Assert.Empty(index.AudienceOf(Events.Alert(), 1_501));
        Assert.Empty(index.AudienceOf(Events.Alert(AlertKind.ConsentRevoked), 1_000));
    }

    [Fact]
    public void Apply_APageDeliveredAgain_ChangesNothing()
    {
        var index = new ExposureIndex();
        var page = new[]
        {
            Events.Disbursed(Events.Loan("a"), Events.Bank),
            Events.Repaid(Events.Loan("a"), "0"),
            Events.Granted(Events.Consent("c"), Events.OtherBank, validUntil: 5_000),
            Events.Revoked(Events.Consent("c"), Events.OtherBank),
        };
        foreach (var e in page.Concat(page))
        {
            index.Apply(e);
        }
        Assert.Empty(index.AudienceOf(Events.Alert(), 1_000));
        Assert.Equal(new[] { Events.Bank }, index.AudienceOf(Events.Alert(AlertKind.OverdueRepayment, Events.Loan("a"), Events.Bank), 1_000).ToArray());
        Assert.Equal((Events.Enterprise, Events.OtherBank), index.Consent(Events.Consent("c")));
    }
}

/// <summary>Rebuilding the exposure from a real audit index (a LiteDB store file).</summary>
public sealed class ExposureRebuildTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ledger-exposure-tests", Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public void Rebuild_FromTheAuditIndex_ReadsEveryFollowedEventOrOnlyThoseBeforeTheNextPage()
    {
        using var store = Store.LedgerStore.Open(new Store.LedgerStoreOptions { Path = Path.Combine(_dir, "ledger.db"), Organization = Events.Bank });
        var loan = Events.Loan("rebuild");
        store.Audit.Accept([Events.Disbursed(loan, Events.Bank, block: 1), Events.Granted(Events.Consent("r"), Events.OtherBank, 5_000, block: 2)], 2);
        store.Audit.Accept([Events.Revoked(Events.Consent("r"), Events.OtherBank, block: 3)], 3);

        var all = new ExposureIndex();
        all.Rebuild(store.Audit);
        Assert.Empty(all.AudienceOf(Events.Alert(), 1_000));
        Assert.Equal(new[] { Events.Bank }, all.AudienceOf(Events.Alert(AlertKind.Default, loan, Events.Bank), 1_000).ToArray());

        var beforePage = new ExposureIndex();
        beforePage.Rebuild(store.Audit, beforeBlock: 3);
        Assert.Equal(new[] { Events.OtherBank }, beforePage.AudienceOf(Events.Alert(), 1_000).ToArray());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The alerts chain events raise, and their audience.</summary>
public sealed class ChainAlertsTests
{
    [Fact]
    public void From_Revocation_NamesTheConsentsEnterpriseAndAlwaysReachesItsConsumer()
    {
        var index = new ExposureIndex();
        index.Apply(Events.Granted(Events.Consent("c"), Events.OtherBank, validUntil: 1)); // already expired: no exposure left
        var revoked = Events.Revoked(Events.Consent("c"), Events.OtherBank);

        var raised = ChainAlerts.From(revoked, index, Events.Bank);

        Assert.NotNull(raised);
        Assert.Equal(AlertKind.ConsentRevoked, raised.Value.Alert.Kind);
        Assert.Equal(Events.Enterprise, raised.Value.Alert.Enterprise);
        Assert.Equal(Events.Consent("c"), raised.Value.Alert.Consent);
        Assert.Equal(Events.OtherBank, raised.Value.AlsoTo);
        Assert.Equal(revoked.BlockNumber, raised.Value.Alert.BlockNumber);
        Assert.Equal(revoked.BlockTimestamp * 1000, raised.Value.Alert.RaisedAtMs);
    }

    [Fact]
    public void From_OverdueDefaultAndDeviation_CarryTheFactsAndOtherEventsRaiseNothing()
    {
        var index = new ExposureIndex();
        var loan = Events.Loan("x");
        var overdue = ChainAlerts.From(Events.Make(new LoanOverdue(loan, Events.Bank, Events.Enterprise, 31, 123456), 9), index, Events.Bank)!.Value.Alert;
        Assert.Equal((AlertKind.OverdueRepayment, "31", "123456"), (overdue.Kind, overdue.Details["daysOverdue"], overdue.Details["overdueFen"]));
        Assert.Contains("1,234.56 CNY", overdue.Summary, StringComparison.Ordinal);
        var defaulted = ChainAlerts.From(Events.Make(new LoanDefaulted(loan, Events.Bank, Events.Enterprise, 500), 9), index, Events.Bank)!.Value.Alert;
        Assert.Equal((AlertKind.Default, "500", loan), (defaulted.Kind, defaulted.Details["lossFen"], defaulted.Loan!.Value));
        var deviated = ChainAlerts.From(Events.Make(new FundFlowDeviated(loan, Events.Bank, Events.Enterprise, 2501, 2500), 9), index, Events.Bank)!.Value.Alert;
        Assert.Contains("25.01 %", deviated.Summary, StringComparison.Ordinal);

        Assert.Null(ChainAlerts.From(Events.Disbursed(loan, Events.Bank), index, Events.Bank));
        Assert.Null(ChainAlerts.From(Events.Revoked(Events.Consent("never granted"), Events.Bank), index, Events.Bank));
    }
}
