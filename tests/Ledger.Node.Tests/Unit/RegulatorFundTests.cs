using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;
using Ledger.Node.Regulator.UseCases;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The regulator's claim rejection and a fund's life (create, top up, grace period) as use cases over chain ports
/// (issue 12): the fund is in-memory here; CompensationTests and DefaultPathTests run them on a real chain.
/// </summary>
public sealed class RegulatorFundTests
{
    private static readonly OrgId Regulator = OrgId.FromCode("reg.gx");
    private static readonly FundId Fund = new(Keccak.Hash("fund"));
    private static readonly FundId OtherFund = new(Keccak.Hash("other fund"));
    private static readonly LoanId Loan = new(Keccak.Hash("loan"));
    private static readonly ProductCode Shuiyidai = ProductCode.FromCode("SHUIYIDAI");
    private static readonly ProductCode Keji = ProductCode.FromCode("KEJIDAI");

    /// <summary>
    /// An in-memory fund: claims by fund and loan with what was paid, balances by fund; a keyed send is sent once (as
    /// the journal does: the same key again gets the first outcome), an unkeyed one every time.
    /// </summary>
    private sealed class Funds : IClaimChain, IFundChain
    {
        private ulong _block = 10;

        public OrgId Regulator { get; } = RegulatorFundTests.Regulator;

        public ulong LatestBlock { get; set; } = 10;

        public Dictionary<LoanId, FundId> Live { get; } = [];

        public Dictionary<(FundId, LoanId), UInt128> Paid { get; } = [];

        public Dictionary<FundId, UInt128> Balances { get; } = [];

        public List<(string Call, string? Key, object Args)> Sent { get; } = [];

        public int BalanceReads { get; private set; }

        private readonly Dictionary<string, ChainConfirmation> _journal = [];

        private Task<ChainConfirmation> Send(string call, string? key, object args, Action? apply = null)
        {
            if (key is not null && _journal.TryGetValue(key, out var earlier))
            {
                return Task.FromResult(earlier);
            }
            Sent.Add((call, key, args));
            apply?.Invoke();
            var tx = new ChainConfirmation(Keccak.Hash(key ?? $"{call}@{_block}"), ++_block, 1);
            if (key is not null)
            {
                _journal[key] = tx;
            }
            return Task.FromResult(tx);
        }

        public Task<FundId?> LiveClaimFundAsync(LoanId loan, CancellationToken cancellationToken) =>
            Task.FromResult<FundId?>(Live.TryGetValue(loan, out var fund) ? fund : null);

        public Task<UInt128> PaidAsync(FundId fund, LoanId loan, CancellationToken cancellationToken) => Task.FromResult(Paid.GetValueOrDefault((fund, loan)));

        public Task<ChainConfirmation> ApproveAsync(FundId fund, LoanId loan, string key) => Send("approveClaim", key, (fund, loan));

        public Task<ChainConfirmation> RejectAsync(FundId fund, LoanId loan, ushort reasonCode, string key) =>
            Paid.GetValueOrDefault((fund, loan)) > 0
                ? Task.FromException<ChainConfirmation>(new LedgerException("LEDGER-1286", ErrorCategory.FailedPrecondition, "Something was paid on the claim."))
                : Send("rejectClaim", key, (fund, loan, reasonCode), () => Live.Remove(loan));

        public Task<UInt128?> BalanceAsync(FundId fund, CancellationToken cancellationToken)
        {
            BalanceReads++;
            return Task.FromResult<UInt128?>(Balances.TryGetValue(fund, out var balance) ? balance : null);
        }

        public Task<ChainConfirmation> CreateAsync(string reference, ushort ratioBps, UInt128 balanceFen, IReadOnlyList<ProductCode> eligibleProducts, string key) =>
            Send("createFund", key, (reference, ratioBps, balanceFen, string.Join(' ', eligibleProducts.Select(p => p.Code))),
                () => Balances[FundId.FromReference(Regulator, reference)] = balanceFen);

        public Task<ChainConfirmation> TopUpAsync(FundId fund, UInt128 amountFen, string? key) =>
            Balances.ContainsKey(fund)
                ? Send("topUp", key, (fund, amountFen), () => Balances[fund] += amountFen)
                : Task.FromException<ChainConfirmation>(new LedgerException("LEDGER-1283", ErrorCategory.NotFound, "No such fund."));

        public Task<ChainConfirmation> SetGracePeriodAsync(FundId fund, uint graceSeconds, string key) => Send("setGracePeriod", key, (fund, graceSeconds));
    }

    // ---- RejectClaim

    [Fact]
    public async Task Reject_IsKeyedByTheClaimAndTheReason_SoARetryIsTheSameTransaction()
    {
        var funds = new Funds();
        var useCase = new RejectClaim(funds);

        var first = await useCase.RejectAsync(Fund, Loan, 7, CancellationToken.None);
        var again = await useCase.RejectAsync(Fund, Loan, 7, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Equal(Fund, first.Fund);
        var sent = Assert.Single(funds.Sent);
        Assert.Equal(("rejectClaim", $"reject:{Fund}:{Loan}:7", (object)(Fund, Loan, (ushort)7)), (sent.Call, sent.Key, sent.Args));
    }

    [Fact]
    public async Task Reject_WithoutAFund_TakesTheFundOfTheLoansLiveClaim_OrIsRefused_1287()
    {
        var funds = new Funds();
        var useCase = new RejectClaim(funds);

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.RejectAsync(null, Loan, 3, CancellationToken.None));
        Assert.Equal(ApproveClaim.NoLiveClaimCode, error.Code);
        Assert.Equal(ErrorCategory.FailedPrecondition, error.Category);
        Assert.Empty(funds.Sent);

        funds.Live[Loan] = OtherFund;
        var (fund, _) = await useCase.RejectAsync(null, Loan, 3, CancellationToken.None);
        Assert.Equal(OtherFund, fund);
        Assert.Equal($"reject:{OtherFund}:{Loan}:3", Assert.Single(funds.Sent).Key);
    }

    [Fact]
    public async Task Reject_AClaimSomethingWasPaidOn_TheFundsRefusal_PassesThroughUnchanged()
    {
        var funds = new Funds();
        funds.Paid[(Fund, Loan)] = 100;

        var error = await Assert.ThrowsAsync<LedgerException>(() => new RejectClaim(funds).RejectAsync(Fund, Loan, 1, CancellationToken.None));

        Assert.Equal("LEDGER-1286", error.Code);
        Assert.Empty(funds.Sent);
    }

    // ---- ManageFund

    [Fact]
    public async Task Create_DerivesTheIdFromTheRegulatorAndItsReference_AndIsKeyedByTheTerms()
    {
        var funds = new Funds();
        var useCase = new ManageFund(funds);

        var (id, tx) = await useCase.CreateAsync("GX-FUND-1", 4_000, 10_000_000_00, [Shuiyidai, Keji]);
        var again = await useCase.CreateAsync("GX-FUND-1", 4_000, 10_000_000_00, [Shuiyidai, Keji]);

        Assert.Equal(FundId.FromReference(Regulator, "GX-FUND-1"), id);
        Assert.Equal((id, tx), again);
        var sent = Assert.Single(funds.Sent);
        Assert.Equal($"fund:{id}:4000:1000000000:{Shuiyidai.Value},{Keji.Value}", sent.Key);
        Assert.Equal(("createFund", (object)("GX-FUND-1", (ushort)4_000, (UInt128)10_000_000_00, "SHUIYIDAI KEJIDAI")), (sent.Call, sent.Args));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(10_000u)]
    [InlineData(65_536u)]
    public async Task Create_ARatioOutside1To9999Bps_IsRefused_1282_SendingNothing(uint ratio)
    {
        var funds = new Funds();

        var error = await Assert.ThrowsAsync<LedgerException>(() => new ManageFund(funds).CreateAsync("GX-FUND-1", ratio, 1, [Shuiyidai]));

        Assert.Equal((ManageFund.InvalidRatioCode, ErrorCategory.InvalidArgument), (error.Code, error.Category));
        Assert.Throws<LedgerException>(() => ManageFund.Ratio(ratio));
        Assert.Empty(funds.Sent);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(9_999u)]
    public async Task Create_TheRatiosBounds_AreFunds(uint ratio)
    {
        var funds = new Funds();

        await new ManageFund(funds).CreateAsync("GX-FUND-1", ratio, 1, []);

        Assert.Equal((ushort)ratio, (((string, ushort, UInt128, string))Assert.Single(funds.Sent).Args).Item2);
    }

    [Fact]
    public async Task Create_AProductListedTwice_IsRefused_1520_SendingNothing()
    {
        var funds = new Funds();

        var error = await Assert.ThrowsAsync<LedgerException>(() => new ManageFund(funds).CreateAsync("GX-FUND-1", 4_000, 1, [Shuiyidai, Keji, Shuiyidai]));

        Assert.Equal(NodeErrors.InvalidFieldCode, error.Code);
        Assert.Empty(funds.Sent);
    }

    [Fact]
    public async Task TopUp_IsSentWithoutAKey_SoTwoTopUpsOfTheSameAmountAreTwoTopUps()
    {
        var funds = new Funds();
        funds.Balances[Fund] = 100;
        var useCase = new ManageFund(funds);

        await useCase.TopUpAsync(Fund, 50, CancellationToken.None);
        await useCase.TopUpAsync(Fund, 50, CancellationToken.None);

        Assert.Equal((UInt128)200, funds.Balances[Fund]);
        Assert.Equal(2, funds.Sent.Count);
        Assert.All(funds.Sent, s => Assert.Equal(("topUp", (string?)null, (object)(Fund, (UInt128)50)), (s.Call, s.Key, s.Args)));
    }

    [Fact]
    public async Task TopUp_OfNothing_IsRefused_1520_BeforeTheFundIsRead()
    {
        var funds = new Funds();
        funds.Balances[Fund] = 100;

        var error = await Assert.ThrowsAsync<LedgerException>(() => new ManageFund(funds).TopUpAsync(Fund, 0, CancellationToken.None));

        Assert.Equal(NodeErrors.InvalidFieldCode, error.Code);
        Assert.Equal(0, funds.BalanceReads);
        Assert.Empty(funds.Sent);
    }

    [Fact]
    public async Task TopUp_PastTheLargestBalanceTheChainHolds_IsRefused_1520_ButUpToItIsSent()
    {
        var funds = new Funds();
        funds.Balances[Fund] = UInt128.MaxValue - 10;
        var useCase = new ManageFund(funds);

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.TopUpAsync(Fund, 11, CancellationToken.None));
        Assert.Equal(NodeErrors.InvalidFieldCode, error.Code);
        Assert.Empty(funds.Sent);

        await useCase.TopUpAsync(Fund, 10, CancellationToken.None);
        Assert.Equal(UInt128.MaxValue, funds.Balances[Fund]);
    }

    [Fact]
    public async Task TopUp_OfNoSuchFund_IsLeftToTheChain_WhoseRefusalPassesThrough()
    {
        var funds = new Funds();

        var error = await Assert.ThrowsAsync<LedgerException>(() => new ManageFund(funds).TopUpAsync(Fund, UInt128.MaxValue, CancellationToken.None));

        Assert.Equal("LEDGER-1283", error.Code);
        Assert.Equal(1, funds.BalanceReads);
        Assert.Empty(funds.Sent);
    }

    [Fact]
    public async Task SetGracePeriod_IsKeyedByThePeriodAndTheHead_SoAnEarlierPeriodCanBeSetAgainLater()
    {
        var funds = new Funds();
        var useCase = new ManageFund(funds);

        await useCase.SetGracePeriodAsync(Fund, 90 * 86_400);
        await useCase.SetGracePeriodAsync(Fund, 90 * 86_400);
        funds.LatestBlock = 11;
        await useCase.SetGracePeriodAsync(Fund, 90 * 86_400);

        Assert.Equal([$"grace:{Fund}:7776000:10", $"grace:{Fund}:7776000:11"], funds.Sent.Select(s => s.Key));
        Assert.All(funds.Sent, s => Assert.Equal(("setGracePeriod", (object)(Fund, 7_776_000u)), (s.Call, s.Args)));
    }

    [Theory]
    [InlineData(86_399u, true)]
    [InlineData(86_400u, false)]
    [InlineData(730u * 86_400, false)]
    [InlineData(730u * 86_400 + 1, true)]
    public async Task SetGracePeriod_Outside1To730Days_IsRefused_1282_SendingNothing(uint seconds, bool refused)
    {
        var funds = new Funds();
        var useCase = new ManageFund(funds);

        if (refused)
        {
            var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.SetGracePeriodAsync(Fund, seconds));
            Assert.Equal(ManageFund.InvalidRatioCode, error.Code);
            Assert.Empty(funds.Sent);
        }
        else
        {
            await useCase.SetGracePeriodAsync(Fund, seconds);
            Assert.Single(funds.Sent);
        }
    }
}
