using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Audit;
using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.Audit;

public sealed class AuditIndexTests : IDisposable
{
    private static readonly ConsentId Consent = new(SampleRecords.RandomHash());
    private static readonly EnterpriseHash Enterprise = new(SampleRecords.RandomHash());
    private static readonly LoanId Loan = new(SampleRecords.RandomHash());
    private static readonly EthAddress EnterpriseWallet = EthAddress.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    private static readonly OrgId Tax = SampleRecords.Tax;
    private static readonly OrgId Bank = SampleRecords.Bank;
    private static readonly OrgId Guarantor = OrgId.FromCode("guarantor.gx");

    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    // A small life: binding, consent, an access, a decision, a loan, a guarantee, a repayment, a revocation.
    private static List<ChainEvent> Trail() =>
    [
        Event("ConsentRegistry", "EnterpriseBound", 10, 0, ("enterprise", EnterpriseWallet.ToString()), ("creditCodeHash", Enterprise.ToString()), ("taxOrg", Tax.Value.ToString())),
        Event("ConsentRegistry", "ConsentGranted", 11, 0, ("consentId", Consent.ToString()), ("enterprise", EnterpriseWallet.ToString()), ("consumer", Bank.Value.ToString()), ("provider", Tax.Value.ToString()), ("creditCodeHash", Enterprise.ToString())),
        Event("AccessLog", "AccessRecorded", 12, 3, ("consentId", Consent.ToString()), ("provider", Tax.Value.ToString()), ("consumer", Bank.Value.ToString()), ("scopes", "3")),
        Event("LoanBook", "CreditDecisionRecorded", 13, 0, ("decisionHash", SampleRecords.RandomHash().ToString()), ("bankOrg", Bank.Value.ToString()), ("enterpriseHash", Enterprise.ToString()), ("consentId", Consent.ToString()), ("approved", "true")),
        Event("LoanBook", "LoanDisbursed", 14, 0, ("loanId", Loan.ToString()), ("bankOrg", Bank.Value.ToString()), ("enterpriseHash", Enterprise.ToString()), ("amountFen", "300000000"), ("consentId", Consent.ToString())),
        Event("GuaranteeBook", "LoanGuaranteed", 14, 1, ("loanId", Loan.ToString()), ("guarantorOrg", Guarantor.Value.ToString()), ("enterpriseHash", Enterprise.ToString()), ("bankOrg", Bank.Value.ToString())),
        Event("LoanBook", "LoanRepaid", 20, 0, ("loanId", Loan.ToString()), ("bankOrg", Bank.Value.ToString()), ("enterpriseHash", Enterprise.ToString()), ("principalFen", "1000")),
        Event("ConsentRegistry", "ConsentRevoked", 21, 0, ("consentId", Consent.ToString()), ("enterprise", EnterpriseWallet.ToString()), ("consumer", Bank.Value.ToString())),
        Event("Consortium", "MemberSuspended", 22, 0, ("orgId", Guarantor.Value.ToString())),
    ];

    private static ChainEvent Event(string contract, string name, ulong block, int logIndex, params (string Name, string Value)[] args) =>
        new(contract, name, block, 1_760_000_000 + (block * 2), SampleRecords.RandomHash(), logIndex, args.ToDictionary(a => a.Name, a => a.Value));

    [Fact]
    public void Accept_SamePageTwice_StoresEachEventOnce()
    {
        using var store = _temp.Open();
        var trail = Trail();

        store.Audit.Accept(trail, 22);
        store.Audit.Accept(trail, 22);

        Assert.Equal(trail.Count, store.Audit.Count);
        Assert.Equal(22UL, store.Audit.IndexedThroughBlock);
    }

    [Fact]
    public void Accept_ThenReopen_KeepsEventsWithAllTheirFields()
    {
        var trail = Trail();
        using (var store = _temp.Open())
        {
            store.Audit.Accept(trail, 30);
        }
        using var reopened = _temp.Open();

        var granted = reopened.Audit.Get(trail[1].Id);

        Assert.NotNull(granted);
        Assert.Equal(trail[1].Contract, granted.Contract);
        Assert.Equal(trail[1].Name, granted.Name);
        Assert.Equal(trail[1].BlockNumber, granted.BlockNumber);
        Assert.Equal(trail[1].BlockTimestamp, granted.BlockTimestamp);
        Assert.Equal(trail[1].TxHash, granted.TxHash);
        Assert.Equal(trail[1].LogIndex, granted.LogIndex);
        Assert.Equal(trail[1].Args.OrderBy(a => a.Key), granted.Args.OrderBy(a => a.Key));
        Assert.Equal(30UL, reopened.Audit.IndexedThroughBlock);
    }

    [Fact]
    public void IndexedThroughBlock_NeverMovesBackWhenAnOlderPageIsRedelivered()
    {
        using var store = _temp.Open();
        Assert.Null(store.Audit.IndexedThroughBlock);

        store.Audit.Accept(Trail(), 40);
        store.Audit.Accept([], 25);

        Assert.Equal(40UL, store.Audit.IndexedThroughBlock);
    }

    [Fact]
    public void Queries_ByConsentLoanEnterpriseOrganizationAndAccount_ReturnTheTrailInChainOrder()
    {
        using var store = _temp.Open();
        var trail = Trail();
        store.Audit.Accept(trail, 22);

        Assert.Equal(["ConsentGranted", "AccessRecorded", "CreditDecisionRecorded", "LoanDisbursed", "ConsentRevoked"], Names(store.Audit.ByConsent(Consent)));
        Assert.Equal(["LoanDisbursed", "LoanGuaranteed", "LoanRepaid"], Names(store.Audit.ByLoan(Loan)));
        Assert.Equal(["EnterpriseBound", "ConsentGranted", "CreditDecisionRecorded", "LoanDisbursed", "LoanGuaranteed", "LoanRepaid"], Names(store.Audit.ByEnterprise(Enterprise)));
        Assert.Equal(["LoanGuaranteed", "MemberSuspended"], Names(store.Audit.ByOrganization(Guarantor)));
        Assert.Equal(["EnterpriseBound", "ConsentGranted", "ConsentRevoked"], Names(store.Audit.Find(new EventQuery { Account = EnterpriseWallet })));
        Assert.Equal(7, store.Audit.ByOrganization(Bank).Count);
    }

    [Fact]
    public void Queries_ByBlockRangeTimeRangeContractAndName_FilterAsAsked()
    {
        using var store = _temp.Open();
        store.Audit.Accept(Trail(), 22);

        Assert.Equal(["LoanDisbursed", "LoanGuaranteed"], Names(store.Audit.ByBlockRange(14, 14)));
        Assert.Equal(["AccessRecorded", "CreditDecisionRecorded", "LoanDisbursed", "LoanGuaranteed"], Names(store.Audit.ByBlockRange(12, 19)));
        Assert.Equal(["CreditDecisionRecorded", "LoanDisbursed", "LoanGuaranteed"], Names(store.Audit.ByTimeRange(1_760_000_026, 1_760_000_040)));
        Assert.Equal(["CreditDecisionRecorded", "LoanDisbursed", "LoanRepaid"], Names(store.Audit.Find(new EventQuery { Contract = "LoanBook" })));
        Assert.Equal(["ConsentRevoked"], Names(store.Audit.Find(new EventQuery { Consent = Consent, Name = "ConsentRevoked" })));
        Assert.Equal(["LoanRepaid"], Names(store.Audit.Find(new EventQuery { Loan = Loan, FromBlock = 15 })));
        Assert.Empty(store.Audit.Find(new EventQuery { Loan = Loan, Consent = new ConsentId(SampleRecords.RandomHash()) }));
    }

    [Fact]
    public void Find_WithPaging_ReturnsEveryEventOnce()
    {
        using var store = _temp.Open();
        var trail = Trail();
        store.Audit.Accept(trail, 22);

        var seen = new List<string>();
        string? after = null;
        while (store.Audit.Find(new EventQuery { AfterId = after, Limit = 4 }) is { Count: > 0 } page)
        {
            seen.AddRange(page.Select(e => e.Id));
            after = page[^1].Id;
        }

        Assert.Equal(trail.Select(e => e.Id).Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public void Mentions_KnowsWhichArgumentsAreIds_AndTellsEnterpriseHashesFromWallets()
    {
        var e = Event("ConsentRegistry", "ConsentGranted", 11, 0,
            ("consentId", Consent.ToString().ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)),
            ("enterprise", EnterpriseWallet.ToString()),
            ("consumer", Bank.Value.ToString()),
            ("scopes", "3"));

        var mentions = AuditIndex.Mentions(e);

        Assert.Equal(
            new[] { $"account:{EnterpriseWallet.ToString().ToLowerInvariant()}", $"consent:{Consent}", $"org:{Bank.Value}" }.Order(StringComparer.Ordinal),
            mentions);
    }

    private static List<string> Names(IEnumerable<ChainEvent> events) => events.Select(e => e.Name).ToList();
}
