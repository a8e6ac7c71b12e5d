using System.Text;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Hosting;
using Ledger.Node.Services;
using Ledger.Node.Tax;
using Ledger.Node.Tax.UseCases;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// FetchReport as a use case over ports (issue 12): the chain (the registry behind the consent gate, the member keys,
/// strong mode's recordAccess), the node's answer log and its tax data are in memory here, so the rules of serving run
/// without a chain. The integration suites (DataExchangeTests, FailClosedTests, StrongModeTests, the fault suite) check
/// the same rules against real chain nodes, real stores and real processes.
/// </summary>
public sealed class FetchReportTests
{
    private static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    private const ulong ValidFrom = 1_800_000_000;
    private static readonly EnvelopeKeyPair BankKey = EnvelopeKeyPair.Generate();
    private static readonly EnterpriseHash Enterprise = new(Keccak.Hash("enterprise"));

    private sealed class Chain : IChainHeadSource, IConsentRegistry, IDataExchangeChain
    {
        public ulong Block { get; set; } = 10;

        public Exception? Failure { get; set; }

        public AccessStatus Verdict { get; set; } = AccessStatus.Allowed;

        public byte[] BankKey { get; set; } = FetchReportTests.BankKey.PublicKey.ToArray();

        public LedgerException? RecordAccessRefusal { get; set; }

        public List<Hash32> RecordedAccesses { get; } = [];

        public Task<(ulong Number, ulong Timestamp)> LatestBlockAsync(CancellationToken cancellationToken) =>
            Failure is { } failure ? Task.FromException<(ulong, ulong)>(failure) : Task.FromResult((Block, ValidFrom + Block));

        public Task<bool> AccessStateChangedAsync(ulong fromBlock, ulong toBlock, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<AccessStatus> CheckAccessAsync(ConsentId consent, OrgId consumer, OrgId provider, Scopes scopes, ulong atBlock) =>
            Failure is { } failure ? Task.FromException<AccessStatus>(new LedgerException("LEDGER-1301", ErrorCategory.Unavailable, failure.Message)) : Task.FromResult(Verdict);

        public Task<ulong> ValidUntilAsync(ConsentId consent, ulong atBlock) => Task.FromResult(ValidFrom + 86_400);

        public Task<GrantedConsent?> FindGrantAsync(ConsentId consent, CancellationToken cancellationToken) => Task.FromResult<GrantedConsent?>(Grant(consent));

        public Task<byte[]> EncryptionKeyAsync(OrgId member, ulong block) => Task.FromResult(BankKey);

        public Task<ConsentOnChain> ConsentAsync(ConsentId consent, ulong block) =>
            Task.FromResult(new ConsentOnChain(Scopes.TaxCreditRating | Scopes.TaxPayments, ValidFrom, ValidFrom + 86_400, 11, 2, 3_600));

        public Task<ChainConfirmation> RecordAccessAsync(ConsentId consent, OrgId consumer, Scopes scopes, Hash32 requestHash, Hash32 responseHash, string key)
        {
            if (RecordAccessRefusal is { } refusal)
            {
                return Task.FromException<ChainConfirmation>(refusal);
            }
            RecordedAccesses.Add(requestHash);
            return Task.FromResult(new ChainConfirmation(Keccak.Hash(key), Block + 1, 1));
        }
    }

    private sealed class NoHistory : IConsentHistory
    {
        public GrantedConsent? IndexedGrant(ConsentId consent) => null;

        public IEnumerable<ServedAccess> ServedAccesses(ConsentId consent) => [];
    }

    /// <summary>The answer log in memory: the records accepted, numbered as the store numbers them.</summary>
    private sealed class Answers : IAnswerLog
    {
        public List<ILedgerRecord> Accepted { get; } = [];

        public Task<RecordHash> AcceptAccessAsync(Func<ulong, AccessRecord> create) => Task.FromResult(Add(create((ulong)Accepted.Count + 1)));

        public Task<RecordHash> AcceptRefusalAsync(Func<ulong, RefusalRecord> create) => Task.FromResult(Add(create((ulong)Accepted.Count + 1)));

        private RecordHash Add(ILedgerRecord record)
        {
            Accepted.Add(record);
            return record.Hash();
        }
    }

    /// <summary>Tax data holding one taxpayer, found by the consent's credit-code hash.</summary>
    private sealed class OneTaxpayer : ITaxDataStore
    {
        public TaxpayerEntry? Entry { get; set; } =
            new(SyntheticTaxpayers.Generate(1, 7, new DateOnly(2027, 1, 1))[0], Enterprise, null);

        public int Count => Entry is null ? 0 : 1;

        public TaxpayerEntry? Find(EnterpriseHash hash) => hash == Entry?.CreditCodeHash ? Entry : null;

        public EnterpriseHash HashOf(CreditCode code) => throw new NotSupportedException();

        public int Upsert(IEnumerable<Taxpayer> taxpayers) => throw new NotSupportedException();

        public IReadOnlyList<TaxpayerEntry> ByName(string name, int limit = 2) => throw new NotSupportedException();

        public TaxpayerEntry? Get(CreditCode code) => throw new NotSupportedException();

        public void RecordBinding(CreditCode code, EthAddress account, Hash32 txHash) => throw new NotSupportedException();

        public (TaxCreditRating? Previous, TaxpayerEntry Updated) UpdateRating(CreditCode code, int year, TaxCreditRating rating) => throw new NotSupportedException();

        public IReadOnlyList<TaxpayerEntry> List(int limit) => throw new NotSupportedException();
    }

    private static GrantedConsent Grant(ConsentId id) => new(
        id,
        new ConsentTerms(
            EthAddress.Parse("0x00000000000000000000000000000000000000e1"), Enterprise, Bank, Tax,
            Scopes.TaxCreditRating | Scopes.TaxPayments, PurposeCodes.CreditAssessment, ValidFrom, ValidFrom + 86_400, ValidFrom - 86_400 * 365, ValidFrom,
            2, 3_600, 3_600, 1, ValidFrom),
        5, ValidFrom, null);

    private static readonly ConsentId Consent = new(Keccak.Hash("consent"));

    private static FetchRequest Request(string id, ulong periodFrom = 0, uint purpose = PurposeCodes.CreditAssessment) =>
        new(Consent, Bank, Tax, Scopes.TaxCreditRating | Scopes.TaxPayments, purpose, periodFrom, 0, id);

    private static (FetchReport Fetch, Chain Chain, Answers Answers, OneTaxpayer TaxData) Build(bool strongMode = false)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds((long)ValidFrom + 60));
        var chain = new Chain();
        var head = new ChainHead(time);
        head.Attach(chain, new ChainBlock(10, ValidFrom + 10), new ChainHeadOptions { MaxCheckAge = TimeSpan.FromSeconds(1), ReadTimeout = TimeSpan.FromSeconds(2) });
        var gate = new ConsentGate(Tax, head, chain, new NoHistory(), time);
        var answers = new Answers();
        var taxData = new OneTaxpayer();
        var fetch = new FetchReport(new FetchReportSettings(Tax, strongMode), head, gate, taxData, chain, answers, NullLogger<FetchReport>.Instance, time);
        return (fetch, chain, answers, taxData);
    }

    private static async Task<(RequestRefusedException Refused, RefusalRecord Record)> Refused(FetchReport fetch, Answers answers, FetchRequest request)
    {
        var refused = await Assert.ThrowsAsync<RequestRefusedException>(() => fetch.ExecuteAsync(request, CancellationToken.None));
        var record = Assert.IsType<RefusalRecord>(answers.Accepted[^1]);
        Assert.Equal(record.Hash().Value, refused.RefusalRecord);
        return (refused, record);
    }

    [Fact]
    public async Task Execute_AnAllowedConsent_SealsTheReportToTheConsumer_AndRecordsTheAccessBeforeAnswering()
    {
        var (fetch, _, answers, _) = Build();
        var request = Request("r-1");

        var served = await fetch.ExecuteAsync(request, CancellationToken.None);

        var access = Assert.IsType<AccessRecord>(Assert.Single(answers.Accepted));
        Assert.Equal(access.Hash(), served.AccessRecord);
        Assert.Equal((Consent, Tax, Bank, request.Hash(), served.ResponseHash, 10UL), (access.ConsentId, access.Provider, access.Consumer, access.RequestHash, access.ResponseHash, access.CheckedAtBlock));
        var plaintext = Envelope.Open(served.Envelope, BankKey.PrivateKey, new EnvelopeBinding(Consent, request.Hash()));
        Assert.Equal(served.ResponseHash, Keccak.Hash(plaintext));
        var report = TaxReport.FromJson(Encoding.UTF8.GetString(plaintext));
        Assert.NotNull(report.Ratings);
        Assert.NotNull(report.Payments);
        Assert.Null(report.Invoices); // not granted, not asked for
        Assert.Null(served.StrongModeTx);
    }

    [Fact]
    public async Task Execute_ARevokedConsent_IsRefusedWithTheRegistrysCode_AndTheRefusalIsRecorded_NothingServed()
    {
        var (fetch, chain, answers, _) = Build();
        chain.Verdict = AccessStatus.Revoked;

        var (refused, record) = await Refused(fetch, answers, Request("r-1"));

        Assert.Equal("LEDGER-1230", refused.Code);
        Assert.Contains("revoked at block 11", refused.Message, StringComparison.Ordinal);
        Assert.Equal((byte)AccessStatus.Revoked, record.Reason);
        Assert.DoesNotContain(answers.Accepted, r => r is AccessRecord);
    }

    [Fact]
    public async Task Execute_AChainThatCannotBeRead_IsAStaleViewRefusal_Recorded_NeverAReportOnTheLastKnownHead()
    {
        var (fetch, chain, answers, _) = Build();
        chain.Failure = new HttpRequestException("connection refused");

        var (refused, record) = await Refused(fetch, answers, Request("r-1"));

        Assert.Equal(ChainHead.StaleViewCode, refused.Code);
        Assert.Equal((byte)RefusalReason.ChainViewStale, record.Reason);
        Assert.DoesNotContain(answers.Accepted, r => r is AccessRecord);
    }

    [Fact]
    public async Task Execute_TheSameRequestTwice_IsServedOnce()
    {
        var (fetch, _, answers, _) = Build();
        await fetch.ExecuteAsync(Request("r-1"), CancellationToken.None);

        var (refused, _) = await Refused(fetch, answers, Request("r-1"));

        Assert.Equal(NodeErrors.DuplicateRequestCode, refused.Code);
        Assert.Single(answers.Accepted, r => r is AccessRecord);
    }

    [Fact]
    public async Task Execute_BatchMode_CountsTheFetchCapItself()
    {
        var (fetch, _, answers, _) = Build();
        await fetch.ExecuteAsync(Request("r-1"), CancellationToken.None);
        await fetch.ExecuteAsync(Request("r-2"), CancellationToken.None);

        var (refused, record) = await Refused(fetch, answers, Request("r-3"));

        Assert.Equal("LEDGER-1234", refused.Code);
        Assert.Equal((byte)AccessStatus.FetchCapReached, record.Reason);
        Assert.Equal(2, answers.Accepted.Count(r => r is AccessRecord));
    }

    [Fact]
    public async Task Execute_APeriodBeforeTheConsentsDataPeriod_IsRefused_AndAnUnknownEnterpriseToo()
    {
        var (fetch, _, answers, taxData) = Build();

        var (early, earlyRecord) = await Refused(fetch, answers, Request("r-1", periodFrom: ValidFrom - 86_400 * 400));
        taxData.Entry = null;
        var (unknown, unknownRecord) = await Refused(fetch, answers, Request("r-2"));

        Assert.Equal(NodeErrors.DataPeriodCode, early.Code);
        Assert.Equal((byte)RefusalReason.DataPeriodOutsideConsent, earlyRecord.Reason);
        Assert.Equal(NodeErrors.UnknownEnterpriseCode, unknown.Code);
        Assert.Equal((byte)RefusalReason.UnknownEnterprise, unknownRecord.Reason);
        Assert.DoesNotContain(answers.Accepted, r => r is AccessRecord);
    }

    [Fact]
    public async Task Execute_APurposeTheConsentDoesNotName_IsRefusedAndRecorded_NothingServedOrCounted()
    {
        var (fetch, _, answers, _) = Build();

        var (refused, record) = await Refused(fetch, answers, Request("r-1", purpose: PurposeCodes.PostLoanMonitoring));

        Assert.Equal(NodeErrors.PurposeCode, refused.Code);
        Assert.Equal(ErrorCategory.PermissionDenied, refused.Category);
        Assert.Contains("post-loan", refused.Message, StringComparison.Ordinal);
        Assert.Contains("credit-assessment", refused.Message, StringComparison.Ordinal);
        Assert.Equal((byte)RefusalReason.PurposeNotConsented, record.Reason);
        Assert.Equal(Request("r-1", purpose: PurposeCodes.PostLoanMonitoring).Hash(), record.RequestHash);
        Assert.DoesNotContain(answers.Accepted, r => r is AccessRecord);

        // The refused request used none of the fetch cap (2): two requests for the consent's purpose are served.
        await fetch.ExecuteAsync(Request("r-2"), CancellationToken.None);
        await fetch.ExecuteAsync(Request("r-3"), CancellationToken.None);
        Assert.Equal(2, answers.Accepted.Count(r => r is AccessRecord));
    }

    [Fact]
    public async Task Execute_AConsumerWithoutARegisteredKey_IsRefused_NothingSealed()
    {
        var (fetch, chain, answers, _) = Build();
        chain.BankKey = [];

        var (refused, record) = await Refused(fetch, answers, Request("r-1"));

        Assert.Equal(NodeErrors.NoEncryptionKeyCode, refused.Code);
        Assert.Equal((byte)AccessStatus.ConsumerIneligible, record.Reason);
    }

    [Fact]
    public async Task Execute_StrongMode_TheChainRecordsTheAccessFirst_AndItsRefusalGivesTheReservationBack()
    {
        var (fetch, chain, answers, _) = Build(strongMode: true);
        chain.RecordAccessRefusal = new LedgerException("LEDGER-1234", ErrorCategory.FailedPrecondition, "cap reached on chain");

        var (refused, record) = await Refused(fetch, answers, Request("r-1"));
        chain.RecordAccessRefusal = null;
        var served = await fetch.ExecuteAsync(Request("r-1"), CancellationToken.None);

        Assert.Equal("LEDGER-1234", refused.Code);
        Assert.Equal((byte)AccessStatus.FetchCapReached, record.Reason);
        Assert.Equal([Request("r-1").Hash()], chain.RecordedAccesses);
        Assert.NotNull(served.StrongModeTx);
        Assert.Equal(11UL, served.StrongModeTx!.BlockNumber);
    }
}
