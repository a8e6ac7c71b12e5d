using Ledger.Core.Consent;

namespace Ledger.Core.Model;

// The one place where the domain's enums meet the words people type and read (issue 12, "enums and role words mapped
// once"). The CLI, the node's options, the local consortium, the audit and the chain error texts all read these
// tables; none keeps its own switch. Proto enums that match a domain enum value for value are converted with a
// checked cast (tests/Ledger.Node.Tests/Unit/WordsWireTests.cs proves every value round-trips).

/// <summary>A role with its word (as <c>--role</c>, <c>Ledger__Node__Role</c> and NodeInfo.role spell it) and its name in sentences.</summary>
/// <param name="Role">The on-chain role (contracts/common/LedgerTypes.sol).</param>
/// <param name="Word">The word: tax, bank, guarantor, regulator, auditor.</param>
/// <param name="Name">The name in sentences: tax bureau, bank, ….</param>
/// <param name="Aliases">Other words accepted for it on input.</param>
public sealed record RoleWord(Role Role, string Word, string Name, IReadOnlyList<string> Aliases);

/// <summary>The role words, in the order people list them.</summary>
public static class RoleWords
{
    /// <summary>Every member role (not <see cref="Role.None"/>).</summary>
    public static IReadOnlyList<RoleWord> All { get; } =
    [
        new(Role.TaxBureau, "tax", "tax bureau", ["taxbureau", "tax-bureau"]),
        new(Role.Bank, "bank", "bank", []),
        new(Role.Guarantor, "guarantor", "guarantor", []),
        new(Role.Regulator, "regulator", "regulator", []),
        new(Role.Auditor, "auditor", "auditor", []),
    ];

    /// <summary>The words as a sentence lists them: <c>tax, bank, guarantor, regulator or auditor</c>.</summary>
    public static string Listed { get; } = Words.Listed(All.Select(r => r.Word));

    /// <summary>The entry of <paramref name="role"/>, or null for <see cref="Role.None"/> and values no role has.</summary>
    public static RoleWord? Find(Role role) => All.FirstOrDefault(r => r.Role == role);

    /// <summary>The word of a role (tax, bank, guarantor, regulator, auditor), or <c>none</c>.</summary>
    public static string Word(this Role role) => Find(role)?.Word ?? "none";

    /// <summary>The role of a word or alias, case-insensitive and trimmed; false (and <see cref="Role.None"/>) when it is none of them.</summary>
    public static bool TryParse(string? word, out Role role)
    {
        var text = word?.Trim();
        var match = All.FirstOrDefault(r =>
            r.Word.Equals(text, StringComparison.OrdinalIgnoreCase) || r.Aliases.Any(a => a.Equals(text, StringComparison.OrdinalIgnoreCase)));
        role = match?.Role ?? Role.None;
        return match is not null;
    }
}

/// <summary>A consent scope with its word (as <c>--scopes</c> takes it).</summary>
/// <param name="Scope">The scope bit.</param>
/// <param name="Word">The word.</param>
public sealed record ScopeWord(Scopes Scope, string Word);

/// <summary>The scope words, in bit order.</summary>
public static class ScopeWords
{
    /// <summary>Every scope.</summary>
    public static IReadOnlyList<ScopeWord> All { get; } =
    [
        new(Scopes.TaxCreditRating, "rating"),
        new(Scopes.TaxPayments, "payments"),
        new(Scopes.Invoices, "invoices"),
        new(Scopes.SocialInsurance, "social-insurance"),
        new(Scopes.Customs, "customs"),
        new(Scopes.Judicial, "judicial"),
        new(Scopes.IntellectualProperty, "ip"),
    ];

    /// <summary>What <c>all</c> means: every scope the tax bureau holds.</summary>
    public const Scopes AllHeld = Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices | Scopes.SocialInsurance | Scopes.Judicial;

    /// <summary>Every scope bit the table knows.</summary>
    public static Scopes Known { get; } = All.Aggregate(Scopes.None, (all, s) => all | s.Scope);

    /// <summary>The scope of a single word, case-insensitive and trimmed; false when it is none of them.</summary>
    public static bool TryParse(string? word, out Scopes scope)
    {
        var text = word?.Trim();
        var match = All.FirstOrDefault(s => s.Word.Equals(text, StringComparison.OrdinalIgnoreCase));
        scope = match?.Scope ?? Scopes.None;
        return match is not null;
    }

    /// <summary>The words of the scopes in <paramref name="scopes"/>, in bit order (unknown bits are left out).</summary>
    public static IEnumerable<string> WordsOf(Scopes scopes) => All.Where(s => scopes.HasFlag(s.Scope)).Select(s => s.Word);
}

/// <summary>Helpers shared by the word tables.</summary>
public static class Words
{
    /// <summary><c>a, b or c</c>.</summary>
    public static string Listed(IEnumerable<string> words)
    {
        var list = words.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list.Take(list.Count - 1)) + " or " + list[^1];
    }
}

/// <summary>An alert kind with its word (as <c>--kinds</c> takes it and the CLI shows it).</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Word">The word.</param>
public sealed record AlertKindWord(AlertKind Kind, string Word);

/// <summary>The alert-kind words, in value order.</summary>
public static class AlertKindWords
{
    /// <summary>Every alert kind.</summary>
    public static IReadOnlyList<AlertKindWord> All { get; } =
    [
        new(AlertKind.RatingDowngrade, "rating-downgrade"),
        new(AlertKind.OverdueRepayment, "overdue-repayment"),
        new(AlertKind.Default, "default"),
        new(AlertKind.FundFlowDeviation, "fund-flow-deviation"),
        new(AlertKind.ConsentRevoked, "consent-revoked"),
        new(AlertKind.ControllerChange, "controller-change"),
        new(AlertKind.GuarantorFailedToPay, "guarantor-failed-to-pay"),
    ];

    /// <summary>The kind of a word, case-insensitive and trimmed; false when it is none of them.</summary>
    public static bool TryParse(string? word, out AlertKind kind)
    {
        var text = word?.Trim();
        var match = All.FirstOrDefault(a => a.Word.Equals(text, StringComparison.OrdinalIgnoreCase));
        kind = match?.Kind ?? default;
        return match is not null;
    }

    /// <summary>The word of a kind, or its number when it has none.</summary>
    public static string Word(this AlertKind kind) =>
        All.FirstOrDefault(a => a.Kind == kind)?.Word ?? ((int)kind).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The kind of a wire value (<c>ledger.v1.AlertKind</c>, the same numbers); false for 0 and unknown values.</summary>
    public static bool TryFromValue(int value, out AlertKind kind)
    {
        var candidate = (AlertKind)value;
        kind = candidate;
        return All.Any(a => a.Kind == candidate);
    }

    /// <summary>The kinds as a sentence lists them, with their wire values: <c>1 rating-downgrade, 2 …</c>.</summary>
    public static string Numbered { get; } = string.Join(", ", All.Select(a => $"{(int)a.Kind} {a.Word}"));
}

/// <summary>Words of the states the chain keeps (loan and member status), for listings, filters and error texts.</summary>
public static class StateWords
{
    /// <summary>The loan statuses a loan can be in, with their words and other words accepted on input.</summary>
    public static IReadOnlyList<(LoanStatus Status, string Word, string[] Aliases)> Loan { get; } =
    [
        (LoanStatus.Active, "active", []),
        (LoanStatus.Overdue, "overdue", []),
        (LoanStatus.Repaid, "repaid", []),
        (LoanStatus.Defaulted, "defaulted", ["default"]),
    ];

    /// <summary>The member statuses a member can be in, with their words.</summary>
    public static IReadOnlyList<(MemberStatus Status, string Word)> Member { get; } =
    [
        (MemberStatus.Active, "active"),
        (MemberStatus.Suspended, "suspended"),
        (MemberStatus.Removed, "removed"),
    ];

    /// <summary>The word of a loan status, or <c>none</c>.</summary>
    public static string Word(this LoanStatus status) => Loan.FirstOrDefault(l => l.Status == status).Word ?? "none";

    /// <summary>The word of a member status, or <c>none</c>.</summary>
    public static string Word(this MemberStatus status) => Member.FirstOrDefault(m => m.Status == status).Word ?? "none";

    /// <summary>The loan status of a word or alias, case-insensitive and trimmed; false when it is none of them.</summary>
    public static bool TryParse(string? word, out LoanStatus status)
    {
        var text = word?.Trim();
        var match = Loan.FirstOrDefault(l => l.Word.Equals(text, StringComparison.OrdinalIgnoreCase) || l.Aliases.Any(a => a.Equals(text, StringComparison.OrdinalIgnoreCase)));
        status = match.Word is null ? LoanStatus.None : match.Status;
        return match.Word is not null;
    }
}

/// <summary>Words of a loan's purpose and of an R&amp;D loan's spending categories.</summary>
public static class LoanWords
{
    /// <summary>Every loan purpose, with its word and other words accepted on input.</summary>
    public static IReadOnlyList<(LoanPurpose Purpose, string Word, string[] Aliases)> Purposes { get; } =
    [
        (LoanPurpose.WorkingCapital, "working-capital", ["working"]),
        (LoanPurpose.RnD, "rnd", ["r&d", "research"]),
        (LoanPurpose.Equipment, "equipment", []),
        (LoanPurpose.Trade, "trade", []),
        (LoanPurpose.Other, "other", []),
    ];

    /// <summary>Every spending category, in value order, with its word.</summary>
    public static IReadOnlyList<(SpendCategory Category, string Word)> Categories { get; } =
    [
        (SpendCategory.RnDLabour, "rnd-labour"),
        (SpendCategory.RnDEquipment, "rnd-equipment"),
        (SpendCategory.RnDMaterials, "rnd-materials"),
        (SpendCategory.OutsourcedRnD, "outsourced-rnd"),
        (SpendCategory.NonRnD, "non-rnd"),
    ];

    /// <summary>The word of a loan purpose (<c>other</c> for values no purpose has).</summary>
    public static string Word(this LoanPurpose purpose) => Purposes.FirstOrDefault(p => p.Purpose == purpose).Word ?? "other";

    /// <summary>The loan purpose of a word or alias, case-insensitive and trimmed; false when it is none of them.</summary>
    public static bool TryParse(string? word, out LoanPurpose purpose)
    {
        var text = word?.Trim();
        var match = Purposes.FirstOrDefault(p => p.Word.Equals(text, StringComparison.OrdinalIgnoreCase) || p.Aliases.Any(a => a.Equals(text, StringComparison.OrdinalIgnoreCase)));
        purpose = match.Word is null ? LoanPurpose.Other : match.Purpose;
        return match.Word is not null;
    }
}

/// <summary>
/// Words of a consent's purpose (<see cref="PurposeCodes"/>, the consent's <c>purpose</c> field and a fetch request's):
/// as <c>--purpose</c> takes them and as the node names them in a refusal.
/// </summary>
public static class PurposeWords
{
    /// <summary>Every purpose code, in code order, with its word and its name in sentences.</summary>
    public static IReadOnlyList<(uint Code, string Word, string Name)> Purposes { get; } =
    [
        (PurposeCodes.CreditAssessment, "credit-assessment", "credit assessment before lending (贷前审查)"),
        (PurposeCodes.PostLoanMonitoring, "post-loan", "monitoring after lending (贷后管理)"),
        (PurposeCodes.GuaranteeAssessment, "guarantee", "guarantee assessment"),
        (PurposeCodes.RnDFundFlowVerification, "rnd-fund-flow", "R&D fund-flow verification"),
    ];

    /// <summary>The word of a purpose code (its number when no purpose has it).</summary>
    public static string Word(uint code) =>
        Purposes.FirstOrDefault(p => p.Code == code).Word ?? code.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The purpose of a code in a sentence: its name and word, or "purpose N" when no purpose has it.</summary>
    public static string Describe(uint code) =>
        Purposes.FirstOrDefault(p => p.Code == code) is { Word: not null } p ? $"{p.Name} ('{p.Word}', {code})" : $"purpose {code}";

    /// <summary>The purpose code of a word or of a known code's number, case-insensitive and trimmed.</summary>
    public static bool TryParse(string? text, out uint code)
    {
        var word = text?.Trim();
        var match = Purposes.FirstOrDefault(p => p.Word.Equals(word, StringComparison.OrdinalIgnoreCase)
            || p.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) == word);
        code = match.Word is null ? 0 : match.Code;
        return match.Word is not null;
    }
}
