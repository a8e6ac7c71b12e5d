using Ledger.Cli.Commands;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Cli.Tests.Loan;

/// <summary>How the lending commands read amounts, shares, ids and times, without any node.</summary>
public sealed class LendingParseTests
{
    [Theory]
    [InlineData("500000", "50000000")]
    [InlineData("1,250,000.50", "125000050")]
    [InlineData("0.01", "1")]
    [InlineData("80万", "80000000")]
    [InlineData("1.5万", "1500000")]
    [InlineData("0.000001万", "1")]
    [InlineData("1.2亿", "12000000000")]
    [InlineData("999元", "99900")]
    [InlineData("12345fen", "12345")]
    [InlineData(" 7 ", "700")]
    public void Yuan_AsPeopleWriteIt_IsExactFen(string text, string fen) =>
        Assert.Equal(UInt128.Parse(fen), LendingParse.Yuan(text, "--amount"));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.234")]
    [InlineData("-5")]
    [InlineData("1e6")]
    [InlineData("0.0000001万")]
    [InlineData("1..2")]
    [InlineData(".5")]
    [InlineData("0")]
    [InlineData("12.5fen")]
    public void Yuan_Unreadable_IsLedger1660NamingTheOption(string text)
    {
        var error = Assert.Throws<LedgerException>(() => LendingParse.Yuan(text, "--amount"));

        Assert.Equal(CliErrors.BadArgumentCode, error.Code);
        Assert.Contains("--amount", error.Message);
        Assert.Equal(2, CliErrors.ExitCodeOf(error));
    }

    [Fact]
    public void Yuan_Zero_IsAllowedOnlyWhereSaid() => Assert.Equal(UInt128.Zero, LendingParse.Yuan("0", "--interest", allowZero: true));

    [Theory]
    [InlineData("70", 7000)]
    [InlineData("70%", 7000)]
    [InlineData("62.5%", 6250)]
    [InlineData("0.01", 1)]
    [InlineData("99.99", 9999)]
    public void Percent_IsBasisPoints(string text, int bps) => Assert.Equal(bps, LendingParse.Percent(text, "--ratio", 1, 9_999));

    [Theory]
    [InlineData("100")]
    [InlineData("0")]
    [InlineData("12.345")]
    [InlineData("half")]
    public void Percent_OutsideItsRangeOrUnreadable_IsBadArgument(string text) =>
        Assert.Equal(CliErrors.BadArgumentCode, Assert.Throws<LedgerException>(() => LendingParse.Percent(text, "--ratio", 1, 9_999)).Code);

    [Fact]
    public void Loan_ByReference_IsTheBanksDerivedId_AndByIdItself()
    {
        var bank = OrgId.FromCode("bank.ccb.liuzhou");
        var id = LoanId.FromReference(bank, "CCB-2026-0001");

        Assert.Equal(id, LendingParse.Loan("CCB-2026-0001", "loan", bank));
        Assert.Equal(id, LendingParse.Loan(id.ToString(), "loan", null));
        Assert.Equal(id, LendingParse.Loan(id.ToString().ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), "loan", bank));
    }

    [Theory]
    [InlineData("CCB-2026-0001")]
    [InlineData("0x1234")]
    [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000")]
    public void Loan_WithoutABankForReferences_NeedsAnId(string text) =>
        Assert.Equal(CliErrors.BadArgumentCode, Assert.Throws<LedgerException>(() => LendingParse.Loan(text, "loan", null)).Code);

    [Fact]
    public void Loan_AHexLookingTypo_IsNotTakenForAReference() =>
        Assert.Throws<LedgerException>(() => LendingParse.Loan("0x12ab", "loan", OrgId.FromCode("bank.ccb")));

    [Fact]
    public void FundAndAgreement_ByReference_AreTheirOwnersDerivedIds()
    {
        var regulator = OrgId.FromCode("regulator.pbc");
        var guarantor = OrgId.FromCode("guarantor.gx");

        Assert.Equal(FundId.FromReference(regulator, "LZ-RCF-2026"), LendingParse.Fund("LZ-RCF-2026", "fund", regulator));
        Assert.Equal(AgreementId.FromReference(guarantor, "GX-1"), LendingParse.Agreement("GX-1", "agreement", guarantor));
        var hash = Keccak.Hash("x").ToString();
        Assert.Equal(hash, LendingParse.Fund(hash, "--fund", null).ToString());
    }

    [Fact]
    public void Time_ADateIsMidnightInChinaStandardTime()
    {
        Assert.Equal((ulong)DateTimeOffset.Parse("2026-01-01T00:00:00+08:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            LendingParse.Time("2026-01-01", "--from"));
        Assert.Equal(1_767_225_600_000UL, LendingParse.Time("2026-01-01T00:00:00Z", "--from"));
        Assert.Throws<LedgerException>(() => LendingParse.Time("2026-13-01", "--from"));
        Assert.Throws<LedgerException>(() => LendingParse.Time("yesterday", "--from"));
    }

    [Theory]
    [InlineData("125000050", "¥1,250,000.50")]
    [InlineData("7", "¥0.07")]
    [InlineData("0", "¥0.00")]
    public void YuanText_PrintsFenAsYuan(string fen, string text) => Assert.Equal(text, LendingParse.YuanText(UInt128.Parse(fen)));

    [Theory]
    [InlineData(7000u, "70%")]
    [InlineData(435u, "4.35%")]
    [InlineData(6250u, "62.5%")]
    public void PercentText_PrintsBasisPoints(uint bps, string text) => Assert.Equal(text, LendingParse.PercentText(bps));

    [Fact]
    public void Words_RoundTrip()
    {
        foreach (var (word, category) in LendingParse.CategoryWords)
        {
            Assert.Equal(category, LendingParse.Category(word, "--category"));
            Assert.Equal(word, LendingParse.CategoryWord(category));
        }
        foreach (var (word, kind) in LendingParse.AlertWords)
        {
            Assert.Equal(new[] { kind }, LendingParse.AlertKinds(word, "--kinds"));
            Assert.Equal(word, LendingParse.AlertWord(kind));
        }
        foreach (var status in new[] { LoanStatus.Active, LoanStatus.Overdue, LoanStatus.Repaid, LoanStatus.Defaulted })
        {
            Assert.Equal(status, LendingParse.Status(LendingParse.StatusWord(status), "--status"));
        }
        foreach (var purpose in Enum.GetValues<LoanPurpose>())
        {
            Assert.Equal(purpose, LendingParse.Purpose(LendingParse.PurposeWord(purpose), "--purpose"));
        }
    }
}
