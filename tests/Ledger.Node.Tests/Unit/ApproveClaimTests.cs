using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Regulator.UseCases;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// Paying a claim (the regulator's ApproveClaim) as a use case over a chain port (issue 12): the fund is in-memory here;
/// CompensationTests and DefaultPathTests pay real claims on a real chain.
/// </summary>
public sealed class ApproveClaimTests
{
    private static readonly FundId Fund = new(Keccak.Hash("fund"));
    private static readonly LoanId Loan = new(Keccak.Hash("loan"));

    /// <summary>An in-memory fund: each approval pays up to the balance; a key is sent once (as the journal does).</summary>
    private sealed class Claims : IClaimChain
    {
        private ulong _block = 10;

        public Dictionary<LoanId, FundId> Live { get; } = [];

        public UInt128 Due { get; set; } = 1_000;

        public UInt128 Balance { get; set; }

        public UInt128 Paid { get; private set; }

        public Dictionary<string, ChainConfirmation> Sent { get; } = [];

        public Task<FundId?> LiveClaimFundAsync(LoanId loan, CancellationToken cancellationToken) =>
            Task.FromResult<FundId?>(Live.TryGetValue(loan, out var fund) ? fund : null);

        public Task<UInt128> PaidAsync(FundId fund, LoanId loan, CancellationToken cancellationToken) => Task.FromResult(Paid);

        public Task<ChainConfirmation> ApproveAsync(FundId fund, LoanId loan, string key)
        {
            if (Sent.TryGetValue(key, out var earlier))
            {
                return Task.FromResult(earlier);
            }
            var payout = UInt128.Min(Due - Paid, Balance);
            Paid += payout;
            Balance -= payout;
            return Task.FromResult(Sent[key] = new ChainConfirmation(Keccak.Hash(key), ++_block, 1));
        }

        public Task<ChainConfirmation> RejectAsync(FundId fund, LoanId loan, ushort reasonCode, string key) =>
            throw new InvalidOperationException("Paying a claim never rejects it.");
    }

    [Fact]
    public async Task Approve_ACappedClaim_IsPaidAgainAfterATopUp_AsANewPayment()
    {
        var claims = new Claims { Balance = 600 };
        var useCase = new ApproveClaim(claims);

        var first = await useCase.ApproveAsync(Fund, Loan, CancellationToken.None);
        Assert.Equal((UInt128)600, claims.Paid);
        claims.Balance = 1_000;
        var second = await useCase.ApproveAsync(Fund, Loan, CancellationToken.None);

        Assert.Equal(Fund, first.Fund);
        Assert.Equal((UInt128)1_000, claims.Paid);
        Assert.Equal([$"approve:{Fund}:{Loan}:0", $"approve:{Fund}:{Loan}:600"], claims.Sent.Keys);
        Assert.NotEqual(first.Tx, second.Tx);
    }

    [Fact]
    public async Task Approve_TheSameApprovalAgain_BeforeAnythingMoreWasPaid_IsTheSameTransaction()
    {
        var claims = new Claims { Balance = 0 };
        var useCase = new ApproveClaim(claims);

        var first = await useCase.ApproveAsync(Fund, Loan, CancellationToken.None);
        var again = await useCase.ApproveAsync(Fund, Loan, CancellationToken.None);

        Assert.Equal(first.Tx, again.Tx);
        Assert.Single(claims.Sent);
    }

    [Fact]
    public async Task Approve_WithoutAFund_TakesTheFundOfTheLoansLiveClaim_OrIsRefused_1287()
    {
        var claims = new Claims { Balance = 1_000 };
        var useCase = new ApproveClaim(claims);

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.ApproveAsync(null, Loan, CancellationToken.None));
        Assert.Equal(ApproveClaim.NoLiveClaimCode, error.Code);
        Assert.Empty(claims.Sent);

        claims.Live[Loan] = Fund;
        var (fund, _) = await useCase.ApproveAsync(null, Loan, CancellationToken.None);
        Assert.Equal(Fund, fund);
        Assert.Equal($"approve:{Fund}:{Loan}:0", Assert.Single(claims.Sent).Key);
    }
}
