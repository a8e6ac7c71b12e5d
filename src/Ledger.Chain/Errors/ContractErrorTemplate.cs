using System.Collections.Frozen;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Errors;

/// <summary>
/// Renders a message template of <see cref="ContractErrorCatalogue"/>: <c>{name}</c> is the error's argument of that
/// (ABI) name, <c>{name:formatter}</c> the argument through one of the <see cref="Formatters"/>. Without a formatter an
/// address prints EIP-55 checksummed, an integer in decimal, bytes as 0x-hex and a string as it is.
/// </summary>
public static partial class ContractErrorTemplate
{
    /// <summary>The formatters a placeholder may name, so every message names things the same way.</summary>
    public static readonly FrozenDictionary<string, string> Formatters = new Dictionary<string, string>
    {
        ["short"] = "a 32-byte id shortened to 0x12ab…cd34",
        ["org"] = "an organization by its code (bank.ccb), or the short hex when it has none; (none) for zero",
        ["product"] = "a loan product by its code (SHUIYIDAI)",
        ["time"] = "a unix time as yyyy-MM-dd HH:mm:ss UTC",
        ["yuan"] = "an amount in fen as yuan with two decimals (1,234.56 CNY)",
        ["percent"] = "basis points as a percentage (24 %)",
        ["scopes"] = "scope bits by name",
        ["role-member"] = "\"member\" qualified by a role (bank member; member for any role)",
        ["member-status"] = "a member status by name",
        ["loan-status"] = "a loan status by name",
        ["agreement-status"] = "a guarantee agreement status by name",
        ["claim-status"] = "a compensation claim status by name",
        ["access-status"] = "a consent access status by name",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>A placeholder of a template: the argument's name and the formatter, null for the default.</summary>
    public readonly record struct Placeholder(string Argument, string? Formatter);

    /// <summary>The placeholders of <paramref name="template"/>, in order.</summary>
    public static IReadOnlyList<Placeholder> Placeholders(string template) =>
        PlaceholderPattern().Matches(template)
            .Select(m => new Placeholder(m.Groups["name"].Value, m.Groups["formatter"].Success ? m.Groups["formatter"].Value : null))
            .ToList();

    /// <summary>
    /// The message for <paramref name="error"/>. A placeholder that names no argument or no formatter is left as it is
    /// (<c>ErrorCatalogueTests</c> makes sure none does).
    /// </summary>
    public static string Render(string template, ContractError error)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(error);
        return PlaceholderPattern().Replace(template, match =>
        {
            var argument = error.Arguments.FirstOrDefault(a => a.Name == match.Groups["name"].Value);
            if (argument is null)
            {
                return match.Value;
            }
            return match.Groups["formatter"].Success
                ? Format(match.Groups["formatter"].Value, argument.Value) ?? match.Value
                : Default(argument);
        });
    }

    /// <summary>The template with every placeholder as ‹name›, as docs/errors.md prints it.</summary>
    public static string ForDocs(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var text = new StringBuilder(template.Length);
        var last = 0;
        foreach (Match match in PlaceholderPattern().Matches(template))
        {
            text.Append(template, last, match.Index - last).Append('‹').Append(match.Groups["name"].Value).Append('›');
            last = match.Index + match.Length;
        }
        return text.Append(template, last, template.Length - last).ToString();
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?<formatter>[a-z-]+))?\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    private static string Default(ContractErrorArgument argument) => argument.Type switch
    {
        "address" when argument.Value is string text && EthAddress.TryParse(text.ToLowerInvariant(), out var address) => address.ToString(),
        _ => argument.Text,
    };

    private static string? Format(string formatter, object? value) => formatter switch
    {
        "short" => Abbreviate(Hash(value)),
        "org" => Org(new OrgId(Hash(value))),
        "product" => new ProductCode(Hash(value)).Code,
        "time" => Time(Number(value)),
        "yuan" => Yuan(Number(value)),
        "percent" => Percent(Number(value)),
        "scopes" => ((Scopes)(ulong)Number(value)).ToString(),
        "role-member" => RoleMember(Number(value)),
        "member-status" => Named(Number(value), ["unknown", .. StateWords.Member.Select(m => m.Word)]),
        "loan-status" => Named(Number(value), ["unknown", .. StateWords.Loan.Select(l => l.Word)]),
        "agreement-status" => Named(Number(value), "unknown", "proposed", "active", "terminated"),
        "claim-status" => Named(Number(value), "not filed", "filed", "paid", "rejected", "withdrawn"),
        "access-status" => Named(Number(value),
            "allowed", "unknown", "not yet valid", "expired", "revoked", "for another consumer", "for another provider",
            "without that scope", "at its fetch cap", "consumer ineligible", "provider ineligible", "enterprise unbound"),
        _ => null,
    };

    private static Hash32 Hash(object? value) => value switch
    {
        byte[] bytes when bytes.Length == 32 => new Hash32(bytes),
        byte[] bytes => Hash32.FromUInt256(bytes),
        _ => Hash32.Zero,
    };

    private static BigInteger Number(object? value) => value switch
    {
        BigInteger number => number,
        null => BigInteger.Zero,
        _ => BigInteger.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture),
    };

    /// <summary>0x12ab…cd34: enough of a 32-byte id to recognise it.</summary>
    private static string Abbreviate(Hash32 value)
    {
        var hex = value.ToString();
        return hex[..6] + "…" + hex[^4..];
    }

    private static string Org(OrgId org) =>
        org.Value.IsZero ? "(none)" : org.Code.StartsWith("0x", StringComparison.Ordinal) ? Abbreviate(org.Value) : org.Code;

    private static string Yuan(BigInteger fen) =>
        string.Create(CultureInfo.InvariantCulture, $"{BigInteger.Divide(fen, 100):N0}.{BigInteger.Remainder(fen, 100):00} CNY");

    private static string Percent(BigInteger bps) => string.Create(CultureInfo.InvariantCulture, $"{(decimal)bps / 100m:0.##} %");

    private static string Time(BigInteger unixSeconds) =>
        unixSeconds > 253402300799 ? unixSeconds.ToString(CultureInfo.InvariantCulture)
            : DateTimeOffset.FromUnixTimeSeconds((long)unixSeconds).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string RoleMember(BigInteger role) => role.IsZero ? "member" : RoleName(role) + " member";

    private static string RoleName(BigInteger role) =>
        role.IsZero ? "any role"
            : role > 0 && role <= byte.MaxValue && RoleWords.Find((Role)(byte)role) is { } known ? known.Name
            : "role " + role.ToString(CultureInfo.InvariantCulture);

    private static string Named(BigInteger value, params string[] names) =>
        value >= 0 && value < names.Length ? names[(int)value] : "status " + value.ToString(CultureInfo.InvariantCulture);
}
