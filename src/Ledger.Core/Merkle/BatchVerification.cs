using System.Globalization;
using System.Text;
using Ledger.Core.Primitives;

namespace Ledger.Core.Merkle;

/// <summary>The outcome of checking a whole batch of values against an anchored root by rebuilding its tree.</summary>
/// <param name="ExpectedRoot">The root the batch should have (e.g. the anchored one).</param>
/// <param name="ActualRoot">The root of the values given (zero when there were none).</param>
/// <param name="Count">How many values were given.</param>
/// <param name="Matches">True when the values rebuild exactly the expected root.</param>
/// <param name="ReferenceMatchesRoot">When a reference list was given: whether it rebuilds the expected root
/// (if not, the reference itself is not the anchored batch and the differences are only relative to it).</param>
/// <param name="ExtraIndices">Indices of the given values that are not in the anchored batch (or were altered).</param>
/// <param name="MissingValues">Values of the reference that are not among the given values.</param>
/// <param name="MissingCount">How many anchored values are missing, when that is known.</param>
public sealed record BatchVerification(
    Hash32 ExpectedRoot,
    Hash32 ActualRoot,
    int Count,
    bool Matches,
    bool? ReferenceMatchesRoot,
    IReadOnlyList<int> ExtraIndices,
    IReadOnlyList<Hash32> MissingValues,
    int? MissingCount = null)
{
    internal static BatchVerification Empty(Hash32 expectedRoot) => new(expectedRoot, Hash32.Zero, 0, false, null, [], [], null);

    /// <summary>How many values are missing: counted, or the number of missing reference values.</summary>
    public int? Missing => MissingCount ?? (ReferenceMatchesRoot is null ? null : MissingValues.Count);

    /// <summary>A sentence for a person: whether the batch verifies, and if not, what differs.</summary>
    public string Describe()
    {
        if (Matches)
        {
            return string.Create(CultureInfo.InvariantCulture, $"All {Count} value(s) rebuild the expected root {ExpectedRoot.ToShortString()}.");
        }
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"The {Count} value(s) rebuild root {(Count == 0 ? "(none)" : ActualRoot.ToShortString())}, not the expected {ExpectedRoot.ToShortString()}");
        if (ExtraIndices.Count == 0 && Missing is null or 0)
        {
            text.Append(ReferenceMatchesRoot is null && MissingCount is null
                ? "; a root alone cannot tell which values differ: compare with the batch's reference values or stored proofs."
                : "; no single value differs, so the values are the same but their multiplicity or the anchored count is not.");
            return text.ToString();
        }
        text.Append(CultureInfo.InvariantCulture, $": {ExtraIndices.Count} extra or altered value(s)");
        if (Missing is { } missing)
        {
            text.Append(CultureInfo.InvariantCulture, $", {missing} missing value(s)");
        }
        if (ReferenceMatchesRoot == false)
        {
            text.Append(" (relative to a reference that does not rebuild the expected root either)");
        }
        text.Append('.');
        return text.ToString();
    }
}
