using Ledger.Core.Model;

namespace Ledger.Core.Tests.Model;

public class WordsTests
{
    [Fact]
    public void EveryRole_HasOneEntry_AndRoundTripsWordToRoleToChainValue()
    {
        var roles = Enum.GetValues<Role>().Where(r => r != Role.None).ToList();
        Assert.Equal(roles.Order(), RoleWords.All.Select(r => r.Role).Order());
        foreach (var entry in RoleWords.All)
        {
            Assert.Equal(entry.Word, entry.Role.Word());
            Assert.True(RoleWords.TryParse(entry.Word, out var parsed));
            Assert.Equal(entry.Role, parsed);
            Assert.True(RoleWords.TryParse(" " + entry.Word.ToUpperInvariant() + " ", out parsed));
            Assert.Equal(entry.Role, parsed);
            foreach (var alias in entry.Aliases)
            {
                Assert.True(RoleWords.TryParse(alias, out parsed));
                Assert.Equal(entry.Role, parsed);
            }
            // The chain value (contracts/common/LedgerTypes.sol) is the enum's byte.
            Assert.Equal(entry.Role, (Role)(byte)entry.Role);
        }
    }

    [Theory]
    [InlineData(Role.TaxBureau, "tax", "tax bureau", (byte)1)]
    [InlineData(Role.Bank, "bank", "bank", (byte)2)]
    [InlineData(Role.Guarantor, "guarantor", "guarantor", (byte)3)]
    [InlineData(Role.Auditor, "auditor", "auditor", (byte)4)]
    [InlineData(Role.Regulator, "regulator", "regulator", (byte)5)]
    public void Role_WordNameAndChainValue_AreTheDocumentedOnes(Role role, string word, string name, byte chainValue)
    {
        Assert.Equal(word, role.Word());
        Assert.Equal(name, RoleWords.Find(role)!.Name);
        Assert.Equal(chainValue, (byte)role);
    }

    [Theory]
    [InlineData("tax-bureau")]
    [InlineData("TaxBureau")]
    public void TaxBureau_AcceptsItsAliases(string word)
    {
        Assert.True(RoleWords.TryParse(word, out var role));
        Assert.Equal(Role.TaxBureau, role);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("none")]
    [InlineData("banker")]
    public void UnknownRoleWord_IsNotARole(string? word)
    {
        Assert.False(RoleWords.TryParse(word, out var role));
        Assert.Equal(Role.None, role);
    }

    [Fact]
    public void NoRole_HasTheWordNone_AndNoEntry()
    {
        Assert.Equal("none", Role.None.Word());
        Assert.Null(RoleWords.Find(Role.None));
        Assert.Equal("tax, bank, guarantor, regulator or auditor", RoleWords.Listed);
    }

    [Fact]
    public void EveryScopeBit_HasOneWord_AndRoundTrips()
    {
        var bits = Enum.GetValues<Scopes>().Where(s => s != Scopes.None).ToList();
        Assert.Equal(bits, ScopeWords.All.Select(s => s.Scope));
        foreach (var entry in ScopeWords.All)
        {
            Assert.True(ScopeWords.TryParse(entry.Word, out var parsed));
            Assert.Equal(entry.Scope, parsed);
            Assert.Equal([entry.Word], ScopeWords.WordsOf(entry.Scope));
        }
        Assert.Equal((Scopes)0x7F, ScopeWords.Known);
        Assert.False(ScopeWords.TryParse("everything", out var none));
        Assert.Equal(Scopes.None, none);
    }

    [Fact]
    public void AllHeldScopes_AreTheScoredOnes() =>
        Assert.Equal(Core.Scoring.TaxProfile.AllScored, ScopeWords.AllHeld);

    [Fact]
    public void EveryLoanAndMemberStatus_HasAWord_AndLoanStatusesRoundTrip()
    {
        Assert.Equal(Enum.GetValues<LoanStatus>().Where(s => s != LoanStatus.None), StateWords.Loan.Select(l => l.Status));
        Assert.Equal(Enum.GetValues<MemberStatus>().Where(s => s != MemberStatus.None), StateWords.Member.Select(m => m.Status));
        foreach (var (status, word, _) in StateWords.Loan)
        {
            Assert.Equal(word, status.Word());
            Assert.True(StateWords.TryParse(word, out var parsed));
            Assert.Equal(status, parsed);
        }
        Assert.True(StateWords.TryParse("Default", out var defaulted));
        Assert.Equal(LoanStatus.Defaulted, defaulted);
        Assert.False(StateWords.TryParse("late", out _));
        Assert.Equal("none", LoanStatus.None.Word());
        Assert.Equal("suspended", MemberStatus.Suspended.Word());
    }

    [Fact]
    public void EveryAlertKind_HasOneWord_AndRoundTrips()
    {
        Assert.Equal(Enum.GetValues<AlertKind>(), AlertKindWords.All.Select(a => a.Kind));
        foreach (var entry in AlertKindWords.All)
        {
            Assert.Equal(entry.Word, entry.Kind.Word());
            Assert.True(AlertKindWords.TryParse(entry.Word, out var parsed));
            Assert.Equal(entry.Kind, parsed);
            Assert.True(AlertKindWords.TryFromValue((int)entry.Kind, out var fromValue));
            Assert.Equal(entry.Kind, fromValue);
        }
        Assert.False(AlertKindWords.TryFromValue(0, out _));
        Assert.False(AlertKindWords.TryParse("fire", out _));
        Assert.Equal("99", ((AlertKind)99).Word());
    }

    [Fact]
    public void EveryLoanPurposeAndSpendCategory_HasOneWord_AndRoundTrips()
    {
        Assert.Equal(Enum.GetValues<LoanPurpose>(), LoanWords.Purposes.Select(p => p.Purpose));
        Assert.Equal(Enum.GetValues<SpendCategory>(), LoanWords.Categories.Select(c => c.Category));
        foreach (var (purpose, word, aliases) in LoanWords.Purposes)
        {
            Assert.Equal(word, purpose.Word());
            foreach (var text in aliases.Append(word))
            {
                Assert.True(LoanWords.TryParse(text, out var parsed));
                Assert.Equal(purpose, parsed);
            }
        }
        Assert.False(LoanWords.TryParse("holiday", out _));
    }
}
