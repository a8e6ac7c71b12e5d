using System.Globalization;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Alerts;
using Ledger.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Tax.UseCases;

/// <summary>The tax bureau a tax node serves for (its own organization: the source of the alerts it raises).</summary>
/// <param name="Organization">The bureau's organization.</param>
public sealed record TaxBureau(OrgId Organization);

/// <summary>A rating recorded: the latest rating before it, and whether it was a downgrade that raised an alert.</summary>
/// <param name="Previous">The taxpayer's latest rating before the change (null when it had none).</param>
/// <param name="Downgrade">Whether the latest rating fell (a <see cref="AlertKind.RatingDowngrade"/> alert was raised).</param>
public sealed record RatingRecorded(TaxCreditRating? Previous, bool Downgrade);

/// <summary>
/// UpdateRating (use case over ports): the bureau records a taxpayer's tax-credit rating for a year (1990 to this year,
/// by the node's clock) in its tax data; when the taxpayer's latest rating falls by it (A, B, M, C, D in that order), a
/// rating-downgrade alert is raised to the members exposed to the enterprise — after the rating is kept, so an alert
/// never announces a rating the data lacks. A rating for an earlier year that leaves the latest one alone raises none.
/// </summary>
public sealed class UpdateRating(ITaxDataStore taxData, IAlertPublisher alerts, TaxBureau bureau, TimeProvider time, ILogger<UpdateRating> logger)
{
    /// <summary>Records the rating.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1520 a year outside 1990..this year; LEDGER-1523 when the
    /// bureau holds no data on the credit code (nothing is recorded either way).</exception>
    public async Task<RatingRecorded> UpdateAsync(CreditCode code, uint year, TaxCreditRating rating, CancellationToken cancellationToken)
    {
        var thisYear = time.GetUtcNow().Year;
        if (year < 1990 || year > thisYear)
        {
            throw NodeErrors.InvalidField($"year {year} is outside 1990..{thisYear}.");
        }
        if (taxData.Get(code) is null)
        {
            throw BindEnterprise.UnknownTaxpayer(code);
        }
        var (previous, updated) = taxData.UpdateRating(code, (int)year, rating);
        var downgrade = previous is { } before && Rank(rating) < Rank(before) && updated.Taxpayer.LatestRating == rating;
        NodeLog.RatingUpdated(logger, code.Value, (int)year, previous?.ToString() ?? "none", rating.ToString(), downgrade);
        if (downgrade)
        {
            var details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["year"] = year.ToString(CultureInfo.InvariantCulture),
                ["previous"] = previous!.Value.ToString(),
                ["rating"] = rating.ToString(),
            };
            await alerts.PublishAsync(new NodeAlert(
                AlertKind.RatingDowngrade,
                updated.CreditCodeHash,
                $"The tax-credit rating of enterprise {updated.CreditCodeHash.Value.ToShortString()} fell from {previous} to {rating} for {year}.",
                details,
                (ulong)time.GetUtcNow().ToUnixTimeMilliseconds(),
                bureau.Organization), cancellationToken).ConfigureAwait(false);
        }
        return new RatingRecorded(previous, downgrade);
    }

    /// <summary>A rating's rank: A best, then B, M, C, D (the published order).</summary>
    internal static int Rank(TaxCreditRating rating) => rating switch
    {
        TaxCreditRating.A => 5,
        TaxCreditRating.B => 4,
        TaxCreditRating.M => 3,
        TaxCreditRating.C => 2,
        _ => 1,
    };
}
