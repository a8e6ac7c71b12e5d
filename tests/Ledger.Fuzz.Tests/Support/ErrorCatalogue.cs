using System.Text.RegularExpressions;
using Ledger.Chain.Profiles;
using Ledger.Local;

namespace Ledger.Fuzz.Tests.Support;

/// <summary>
/// The codes docs/errors.md lists (every <c>LEDGER-NNNN</c> in the first column of one of its tables): the only codes an
/// answer may carry. LEDGER-1530 (the node failed unexpectedly) and LEDGER-1664 (the CLI failed unexpectedly) are
/// listed there too, but are defects by definition, so the fuzz suite treats them as failures.
/// </summary>
public static partial class ErrorCatalogue
{
    /// <summary>The node's "failed unexpectedly" code.</summary>
    public const string NodeInternal = "LEDGER-1530";

    /// <summary>The CLI's "failed unexpectedly" code.</summary>
    public const string CliInternal = "LEDGER-1664";

    private static readonly Lazy<IReadOnlySet<string>> Documented = new(Load);

    /// <summary>Every code docs/errors.md documents.</summary>
    public static IReadOnlySet<string> Codes => Documented.Value;

    /// <summary>True when <paramref name="code"/> is documented and is not one of the two "failed unexpectedly" codes.</summary>
    public static bool IsAcceptable(string? code) => code is not null && Codes.Contains(code) && code is not NodeInternal and not CliInternal;

    private static HashSet<string> Load()
    {
        var file = Path.Combine(RepositoryRoot.Find(), "docs", "errors.md");
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(file))
        {
            if (FirstCell().Match(line) is { Success: true } match)
            {
                codes.Add(match.Groups[1].Value);
            }
        }
        return codes.Count > 100 ? codes : throw new InvalidOperationException($"{file} lists only {codes.Count} codes; is it the error catalogue?");
    }

    [GeneratedRegex(@"^\|\s*(LEDGER-\d{4})\s*\|")]
    private static partial Regex FirstCell();
}
