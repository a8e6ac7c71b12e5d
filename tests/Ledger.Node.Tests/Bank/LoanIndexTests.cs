using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Bank;
using Proto = Ledger.Api.V1;

namespace Ledger.Node.Tests.Bank;

/// <summary>The bank's loan list folded from its index's LoanBook events (no chain, no processes).</summary>
public sealed class LoanIndexTests
{
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    private static readonly OrgId Other = OrgId.FromCode("bank.icbc");
    private static int _log;

    [Fact]
    public void Fold_DisbursedRepaidInFull_IsRepaidWithNothingOutstanding()
    {
        var loan = Keccak.Hash("loan-1").ToString();
        var loans = LoanIndex.Fold([Disbursed(loan, Bank, 1_000_000), Repaid(loan, Bank, 400_000), Repaid(loan, Bank, 0)], Bank);

        var only = Assert.Single(loans);
        Assert.Equal(Proto.LoanStatus.Repaid, only.Status);
        Assert.Equal("0", only.OutstandingFen);
        Assert.Equal("1000000", only.AmountFen);
        Assert.Equal("SHUIYIDAI", only.Product);
        Assert.Equal(Proto.LoanPurpose.Rnd, only.Purpose);
    }

    [Fact]
    public void Fold_OverdueBackToCurrentThenDefaulted_EndsDefaultedWithTheLoss()
    {
        var loan = Keccak.Hash("loan-2").ToString();
        var loans = LoanIndex.Fold(
            [Disbursed(loan, Bank, 2_000_000), Event("LoanOverdue", loan, Bank), Event("LoanBackToCurrent", loan, Bank), Event("LoanOverdue", loan, Bank),
             Event("LoanDefaulted", loan, Bank, ("lossFen", "1500000"))],
            Bank);

        var only = Assert.Single(loans);
        Assert.Equal(Proto.LoanStatus.Defaulted, only.Status);
        Assert.Equal("1500000", only.LossFen);
    }

    [Fact]
    public void Fold_AnotherBanksLoansAndEventsOfUnknownLoans_AreLeftOut()
    {
        var mine = Keccak.Hash("loan-3").ToString();
        var theirs = Keccak.Hash("loan-4").ToString();
        var loans = LoanIndex.Fold(
            [Disbursed(theirs, Other, 5), Disbursed(mine, Bank, 7), Repaid(Keccak.Hash("loan-5").ToString(), Bank, 0), Repaid(theirs, Other, 0)],
            Bank);

        Assert.Equal(mine, Assert.Single(loans).LoanId);
        Assert.Equal(Proto.LoanStatus.Active, loans[0].Status);
    }

    private static ChainEvent Disbursed(string loan, OrgId bank, long amount) => Event("LoanDisbursed", loan, bank,
        ("enterpriseHash", Keccak.Hash("enterprise").ToString()), ("productCode", ProductCode.FromCode("SHUIYIDAI").Value.ToString()),
        ("amountFen", amount.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("rateBps", "365"), ("termMonths", "12"), ("purpose", "1"),
        ("consentId", Keccak.Hash("consent").ToString()), ("decisionHash", Keccak.Hash("decision").ToString()));

    private static ChainEvent Repaid(string loan, OrgId bank, long outstanding) => Event("LoanRepaid", loan, bank,
        ("principalFen", "1"), ("interestFen", "0"), ("outstandingFen", outstanding.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static ChainEvent Event(string name, string loan, OrgId bank, params (string Name, string Value)[] args)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal) { ["loanId"] = loan, ["bankOrg"] = bank.Value.ToString() };
        foreach (var (key, value) in args)
        {
            all[key] = value;
        }
        var index = Interlocked.Increment(ref _log);
        return new ChainEvent("LoanBook", name, 10, 1_767_225_600, Keccak.Hash($"tx{index}"), index, all);
    }
}
