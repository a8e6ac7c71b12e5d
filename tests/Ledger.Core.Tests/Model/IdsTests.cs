using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Model;

public class IdsTests
{
    [Fact]
    public void OrgId_FromCode_IsTheAsciiRightPaddedWithZeros()
    {
        var id = OrgId.FromCode("tax.liuzhou");
        Assert.Equal("0x7461782e6c69757a686f75" + new string('0', 42), id.Value.ToString());
        Assert.Equal("tax.liuzhou", id.Code);
        Assert.Equal("tax.liuzhou", id.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("税务局")]
    [InlineData("tab\there")]
    [InlineData("0123456789012345678901234567890123")]
    public void OrgId_FromInvalidCode_ThrowsSayingWhatACodeIs(string code)
    {
        var ex = Assert.Throws<ArgumentException>(() => OrgId.FromCode(code));
        Assert.Contains("1 to 31 printable ASCII", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OrgId_ThatIsNotACode_ShowsHex()
    {
        var hashLike = new OrgId(Keccak.Hash("x"));
        Assert.Equal(hashLike.Value.ToString(), hashLike.Code);
        Assert.Equal(Hash32.Zero.ToString(), new OrgId(Hash32.Zero).Code);
        // A zero inside the code followed by more bytes is not a code.
        var gap = new byte[32];
        gap[0] = (byte)'a';
        gap[2] = (byte)'b';
        Assert.StartsWith("0x", new OrgId(new Hash32(gap)).Code, StringComparison.Ordinal);
    }

    [Fact]
    public void OrgId_Parse_AcceptsCodeOrHex()
    {
        var id = OrgId.FromCode("bank.ccb");
        Assert.Equal(id, OrgId.Parse("bank.ccb"));
        Assert.Equal(id, OrgId.Parse(id.Value.ToString()));
    }

    [Fact]
    public void ProductCode_IsStoredLikeAnOrgId()
    {
        var code = ProductCode.FromCode("SHUIYIDAI");
        Assert.Equal(OrgId.FromCode("SHUIYIDAI").Value, code.Value);
        Assert.Equal("SHUIYIDAI", code.Code);
        Assert.Equal("SHUIYIDAI", code.ToString());
    }

    [Fact]
    public void BatchId_IsDeterministicPerOrganizationAndSequence()
    {
        var tax = OrgId.FromCode("tax.liuzhou");
        Assert.Equal(BatchId.For(tax, 7), BatchId.For(tax, 7));
        Assert.NotEqual(BatchId.For(tax, 7), BatchId.For(tax, 8));
        Assert.NotEqual(BatchId.For(tax, 7), BatchId.For(OrgId.FromCode("tax.nanning"), 7));
        var expected = new AbiWords().Bytes32(Keccak.Hash("ledger/batch/v1")).Bytes32(tax.Value).Number(7UL).Keccak();
        Assert.Equal(expected, BatchId.For(tax, 7).Value);
    }

    [Fact]
    public void LoanId_FromReference_DependsOnBankAndReference()
    {
        var bank = OrgId.FromCode("bank.ccb");
        Assert.Equal(LoanId.FromReference(bank, "A-1"), LoanId.FromReference(bank, "A-1"));
        Assert.NotEqual(LoanId.FromReference(bank, "A-1"), LoanId.FromReference(bank, "A-2"));
        Assert.NotEqual(LoanId.FromReference(bank, "A-1"), LoanId.FromReference(OrgId.FromCode("bank.icbc"), "A-1"));
    }

    [Fact]
    public void HexIds_ParseAndPrint()
    {
        var hex = Keccak.Hash("x").ToString();
        Assert.Equal(hex, ConsentId.Parse(hex).ToString());
        Assert.Equal(hex, LoanId.Parse(hex).ToString());
        Assert.Equal(hex, EnterpriseHash.Parse(hex).ToString());
        Assert.Equal(hex, RecordHash.Parse(hex).ToString());
        Assert.Equal(hex, new DecisionHash(Hash32.Parse(hex)).ToString());
        Assert.Equal(hex, new AgreementId(Hash32.Parse(hex)).ToString());
        Assert.Equal(hex, new FundId(Hash32.Parse(hex)).ToString());
        Assert.Throws<FormatException>(() => ConsentId.Parse("0x12"));
    }

    [Fact]
    public void Scopes_AreTheContractsBits()
    {
        Assert.Equal(1UL, (ulong)Scopes.TaxCreditRating);
        Assert.Equal(2UL, (ulong)Scopes.TaxPayments);
        Assert.Equal(4UL, (ulong)Scopes.Invoices);
        Assert.Equal(8UL, (ulong)Scopes.SocialInsurance);
        Assert.Equal(16UL, (ulong)Scopes.Customs);
        Assert.Equal(32UL, (ulong)Scopes.Judicial);
        Assert.Equal(64UL, (ulong)Scopes.IntellectualProperty);
    }
}
