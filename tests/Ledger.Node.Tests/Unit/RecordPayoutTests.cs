using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Guarantor;
using Ledger.Node.Guarantor.UseCases;
using Ledger.Node.Hosting;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The guarantor's payout (代偿) as a use case over the guarantee book's port (issue 12): the book is in-memory here;
/// DefaultPathTests pays real defaulted loans on a real chain.
/// </summary>
public sealed class RecordPayoutTests
{
    private static readonly LoanId Loan = new(Keccak.Hash("loan"));

    /// <summary>
    /// An in-memory guarantee book: the obligation and what was paid; an instalment adds to what was paid, 0 fen is
    /// refused as the contract refuses it, one past the obligation too; a key is sent once (as the journal does).
    /// </summary>
    private sealed class Book : IPayoutChain
    {
        private ulong _block = 20;
        private readonly Dictionary<string, ChainConfirmation> _journal = [];

        public UInt128 Obligation { get; set; } = 1_000;

        public UInt128 Paid { get; set; }

        public List<(string Key, UInt128 Payout)> Sent { get; } = [];

        public int Reads { get; private set; }

        public Task<(UInt128 ObligationFen, UInt128 PaidFen)> ObligationAsync(LoanId loan, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult((Obligation, Paid));
        }

        public Task<ChainConfirmation> RecordPayoutAsync(LoanId loan, UInt128 payoutFen, string key)
        {
            if (_journal.TryGetValue(key, out var earlier))
            {
                return Task.FromResult(earlier);
            }
            if (payoutFen == 0)
            {
                return Task.FromException<ChainConfirmation>(new ZeroPayoutRefusedException(
                    "LEDGER-1270", ErrorCategory.FailedPrecondition, "The payout is zero.", new InvalidOperationException("the contract's revert")));
            }
            if (Paid + payoutFen > Obligation)
            {
                return Task.FromException<ChainConfirmation>(new LedgerException("LEDGER-1269", ErrorCategory.FailedPrecondition, "The payout exceeds the obligation."));
            }
            Sent.Add((key, payoutFen));
            Paid += payoutFen;
            return Task.FromResult(_journal[key] = new ChainConfirmation(Keccak.Hash(key), ++_block, 1));
        }
    }

    [Fact]
    public async Task Pay_WithoutAnAmount_PaysWhatRemains_KeyedByWhatWasPaidBefore()
    {
        var book = new Book { Paid = 400 };

        var paid = await new RecordPayout(book).PayAsync(Loan, null, CancellationToken.None);

        Assert.Equal(new PayoutRecorded(Loan, 600, 400, 1_000, paid.Tx), paid);
        Assert.Equal(($"payout:{Loan}:400:600", (UInt128)600), Assert.Single(book.Sent));
        Assert.Equal((UInt128)1_000, book.Paid);
    }

    [Fact]
    public async Task Pay_InInstalmentsOfTheSameAmount_IsOnePaymentEach_AndARetryIsTheSamePayment()
    {
        var book = new Book();
        var useCase = new RecordPayout(book);

        var first = await useCase.PayAsync(Loan, 300, CancellationToken.None);
        var second = await useCase.PayAsync(Loan, 300, CancellationToken.None);
        book.Paid = 300; // the second instalment's outcome was lost; the retry reads what was paid before it again
        var retry = await useCase.PayAsync(Loan, 300, CancellationToken.None);

        Assert.Equal([$"payout:{Loan}:0:300", $"payout:{Loan}:300:300"], book.Sent.Select(s => s.Key));
        Assert.NotEqual(first.Tx, second.Tx);
        Assert.Equal(second.Tx, retry.Tx);
    }

    [Fact]
    public async Task Pay_AZeroAmountAskedFor_IsRefused_1520_SendingNothing()
    {
        var book = new Book();

        var error = await Assert.ThrowsAsync<LedgerException>(() => new RecordPayout(book).PayAsync(Loan, 0, CancellationToken.None));

        Assert.Equal(NodeErrors.InvalidFieldCode, error.Code);
        Assert.Equal(1, book.Reads); // read first, as it always was
        Assert.Empty(book.Sent);
    }

    [Fact]
    public async Task Pay_TheDefaultAmount_WhenTheCoveredShareIs0Fen_IsRefused_1551_WithTheContractsRefusalInside()
    {
        var book = new Book { Obligation = 0 };

        var error = await Assert.ThrowsAsync<LedgerException>(() => new RecordPayout(book).PayAsync(Loan, null, CancellationToken.None));

        Assert.Equal((GuarantorErrors.NothingToPayCode, ErrorCategory.FailedPrecondition), (error.Code, error.Category));
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Empty(book.Sent);
    }

    [Fact]
    public async Task Pay_AnAmountPastTheObligation_TheBooksRefusal_PassesThroughUnchanged()
    {
        var book = new Book { Paid = 900 };

        var error = await Assert.ThrowsAsync<LedgerException>(() => new RecordPayout(book).PayAsync(Loan, 200, CancellationToken.None));

        Assert.Equal("LEDGER-1269", error.Code);
        Assert.Empty(book.Sent);
    }
}
