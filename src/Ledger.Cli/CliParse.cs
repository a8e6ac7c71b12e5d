using System.Globalization;
using System.Numerics;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Local;
using Ledger.Sdk;

namespace Ledger.Cli;

/// <summary>
/// Turns command-line text into domain values, with a sentence (LEDGER-1660, exit 2) naming the option and what
/// would be accepted when it cannot.
/// </summary>
public static class CliParse
{
    /// <summary>An organization code (<c>bank.ccb.liuzhou</c>).</summary>
    public static OrgId Org(string? text, string option)
    {
        try
        {
            return OrgId.FromCode(Required(text, option));
        }
        catch (ArgumentException)
        {
            throw CliErrors.BadArgument($"{option} '{text}' is not an organization code; use 1 to 31 printable ASCII characters without spaces, e.g. bank.ccb.liuzhou.");
        }
    }

    /// <summary>A consent id (0x + 64 hex digits).</summary>
    public static ConsentId ConsentId(string? text, string option) =>
        Hash32.TryParse(Required(text, option).Trim(), out var hash) && !hash.IsZero
            ? new ConsentId(hash)
            : throw CliErrors.BadArgument($"{option} '{text}' is not a consent id; a consent id is 0x followed by 64 hex digits, as `ledger consent list` shows it.");

    /// <summary>An account address (0x + 40 hex digits).</summary>
    public static EthAddress Address(string? text, string option) =>
        EthAddress.TryParse(Required(text, option).Trim(), out var address)
            ? address
            : throw CliErrors.BadArgument($"{option} '{text}' is not an account address; an address is 0x followed by 40 hex digits.");

    /// <summary>A uint256 in decimal (a nonce).</summary>
    public static BigInteger UInt256(string? text, string option) =>
        BigInteger.TryParse(Required(text, option), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value < BigInteger.One << 256
            ? value
            : throw CliErrors.BadArgument($"{option} '{text}' is not a number from 0 to 2^256 - 1 in decimal.");

    /// <summary>A 65-byte ECDSA signature in hex (0x + 130 hex digits).</summary>
    public static byte[] Signature(string? text, string option)
    {
        var hex = Required(text, option).Trim();
        hex = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex;
        try
        {
            var bytes = Convert.FromHexString(hex);
            if (bytes.Length == 65)
            {
                return bytes;
            }
        }
        catch (FormatException)
        {
        }
        throw CliErrors.BadArgument($"{option} is not a 65-byte signature; give 0x followed by 130 hex digits (r, s, v).");
    }

    /// <summary>A proposal number.</summary>
    public static BigInteger ProposalId(string? text, string option) =>
        BigInteger.TryParse(Required(text, option), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw CliErrors.BadArgument($"{option} '{text}' is not a proposal number; use the number `ledger members propose-…` printed, e.g. 7.");

    /// <summary>A role word: tax, bank, guarantor, regulator, auditor (<see cref="RoleWords"/>).</summary>
    public static Role Role(string? text, string option) =>
        RoleWords.TryParse(Required(text, option), out var role)
            ? role
            : throw CliErrors.BadArgument($"{option} '{text}' is not a role; use {RoleWords.Listed}.");

    /// <summary>A consent purpose by its word or code (<c>credit-assessment</c>, <c>post-loan</c>, …; <c>PurposeWords</c>).</summary>
    public static uint Purpose(string? text, string option) =>
        Core.Model.PurposeWords.TryParse(text, out var purpose)
            ? purpose
            : throw CliErrors.BadArgument($"{option} '{text}' is not a purpose; use {Core.Model.Words.Listed(Core.Model.PurposeWords.Purposes.Select(p => p.Word))}.");

    /// <summary>
    /// Scopes as comma-separated words (<c>rating,payments,invoices</c>; <c>all</c> for every scope the tax bureau holds)
    /// or a number (the bit mask).
    /// </summary>
    public static Core.Model.Scopes Scopes(string? text, string option)
    {
        var value = Required(text, option).Trim();
        if (ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var mask) && mask != 0)
        {
            return (Core.Model.Scopes)mask;
        }
        var scopes = Core.Model.Scopes.None;
        foreach (var word in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (word.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                scopes |= Core.Model.ScopeWords.AllHeld;
                continue;
            }
            if (!Core.Model.ScopeWords.TryParse(word, out var scope))
            {
                throw CliErrors.BadArgument($"{option} '{word}' is not a scope; use {string.Join(", ", Core.Model.ScopeWords.All.Select(s => s.Word))} or all, separated by commas.");
            }
            scopes |= scope;
        }
        return scopes != Core.Model.Scopes.None ? scopes : throw CliErrors.BadArgument($"{option} names no scope; e.g. --scopes rating,payments,invoices.");
    }

    /// <summary>Scopes as words, e.g. <c>rating,payments</c>.</summary>
    public static string ScopesText(Core.Model.Scopes scopes)
    {
        var words = Core.Model.ScopeWords.WordsOf(scopes).ToList();
        var unknown = (ulong)scopes & ~(ulong)Core.Model.ScopeWords.Known;
        if (unknown != 0)
        {
            words.Add("0x" + unknown.ToString("x", CultureInfo.InvariantCulture));
        }
        return words.Count == 0 ? "none" : string.Join(',', words);
    }

    /// <summary>A unified social credit code (统一社会信用代码, 18 characters with a valid check character).</summary>
    public static CreditCode CreditCode(string? text, string option) =>
        Core.TaxData.CreditCode.TryParse(Required(text, option).Trim(), out var code)
            ? code
            : throw CliErrors.BadArgument($"{option} '{text}' is not a unified social credit code: 18 characters of 0-9 and A-Y without I, O, S, V, Z, the last one a valid check character.");

    /// <summary>A tax credit rating: A, B, M, C or D.</summary>
    public static TaxCreditRating Rating(string? text, string option) =>
        Required(text, option).Trim().ToUpperInvariant() is "A" or "B" or "M" or "C" or "D" && Enum.TryParse<TaxCreditRating>(text!.Trim(), ignoreCase: true, out var rating)
            ? rating
            : throw CliErrors.BadArgument($"{option} '{text}' is not a tax credit rating; use A, B, M, C or D.");

    /// <summary>A compressed secp256k1 public key (0x02… or 0x03…, 33 bytes).</summary>
    public static byte[] EncryptionKey(string? text, string option)
    {
        var value = Required(text, option).Trim();
        var hex = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? value[2..] : value;
        try
        {
            var key = Convert.FromHexString(hex);
            if (key.Length == 33 && key[0] is 2 or 3)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }
        throw CliErrors.BadArgument($"{option} is not an encryption public key; it is 33 bytes of hex starting 0x02 or 0x03 (`ledger-node keys show` prints it).");
    }

    /// <summary>An http(s) URL.</summary>
    public static string Url(string? text, string option)
    {
        var value = Required(text, option).Trim();
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? value.TrimEnd('/')
            : throw CliErrors.BadArgument($"{option} '{text}' is not an http(s) address such as http://127.0.0.1:7101.");
    }

    /// <summary>The text of a required option, or LEDGER-1660 naming it.</summary>
    public static string Required(string? text, string option) =>
        string.IsNullOrWhiteSpace(text) ? throw CliErrors.BadArgument($"{option} is required.") : text;

    /// <summary>A short form of a long hex value for tables (<c>0x12ab…cd34</c>).</summary>
    public static string Abbreviate(string hex) => hex.Length > 14 ? $"{hex[..6]}…{hex[^4..]}" : hex;

    /// <summary>A UTC time of unix seconds.</summary>
    public static string Time(ulong unixSeconds) =>
        unixSeconds == 0 ? "-" : DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(unixSeconds, 253402300799UL)).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The consent status word.</summary>
    public static string Status(ConsentStatus status) => status switch
    {
        ConsentStatus.Active => "active",
        ConsentStatus.NotYetValid => "not yet valid",
        ConsentStatus.Expired => "expired",
        ConsentStatus.Revoked => "revoked",
        ConsentStatus.Unknown => "unknown",
        _ => "unspecified",
    };
}
