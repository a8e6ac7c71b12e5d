using System.Globalization;
using System.Text;
using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Consent;
using Ledger.Core.Errors;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Alerts;
using Ledger.Node.Hosting;
using Ledger.Sdk.Mapping;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Tax;

/// <summary>
/// <c>ledger.v1.TaxAdmin</c>: the bureau's own operators bind enterprises on chain, load and generate tax data, record
/// ratings (a downgrade raises an alert through <see cref="IAlertPublisher"/>) and list what the node holds.
/// </summary>
public sealed class TaxAdminService(NodeIdentity node, Ledger.Chain.LedgerChainClient chainClient, ITaxDataStore taxData, IAlertPublisher alerts, ILogger<TaxAdminService> logger, TimeProvider time) : TaxAdmin.TaxAdminBase
{
    /// <summary>Most taxpayers generated in one call.</summary>
    public const uint MaxGenerated = 100_000;

    /// <summary>How long a prepared binding's signature stays good.</summary>
    public static readonly TimeSpan BindingLifetime = TimeSpan.FromHours(1);

    /// <inheritdoc/>
    public override async Task<PrepareBindingResponse> PrepareBinding(PrepareBindingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var code = ParseCode(request.CreditCode);
        var account = Field(() => ApiMapping.Account(request.Account, "account"));
        var entry = taxData.Get(code) ?? throw UnknownTaxpayer(code);
        var binding = new EnterpriseBinding(
            account,
            entry.CreditCodeHash,
            node.Organization,
            Ledger.Sdk.EnterpriseWallet.NewNonce(),
            (ulong)(time.GetUtcNow() + BindingLifetime).ToUnixTimeSeconds());
        var bound = await chainClient.AccountOfAsync(entry.CreditCodeHash, CancellationToken.None).ConfigureAwait(false);
        return new PrepareBindingResponse
        {
            CreditCodeHash = binding.CreditCodeHash.ToString(),
            TaxBureau = node.Organization.Code,
            Nonce = binding.Nonce.ToString(CultureInfo.InvariantCulture),
            Deadline = (ulong)binding.Deadline,
            Digest = binding.DigestIn(chainClient.Deployment.ConsentDomain).ToString(),
            BoundAccount = bound?.Account.ToString() ?? "",
        };
    }

    /// <inheritdoc/>
    public override async Task<BindEnterpriseResponse> BindEnterprise(BindEnterpriseRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var code = ParseCode(request.CreditCode);
        var account = Field(() => ApiMapping.Account(request.Account, "account"));
        var nonce = Field(() => ApiMapping.UInt256(request.Nonce, "nonce"));
        if (request.Deadline == 0)
        {
            throw NodeErrors.InvalidField("deadline is missing; give the deadline the enterprise signed (PrepareBinding).");
        }
        if (request.Signature.Length == 0)
        {
            throw NodeErrors.InvalidField("signature is missing; the enterprise account must sign its binding (PrepareBinding), so a bureau cannot bind an account it does not hold.");
        }
        var entry = taxData.Get(code) ?? throw UnknownTaxpayer(code);
        var hash = entry.CreditCodeHash;
        var binding = new EnterpriseBinding(account, hash, node.Organization, nonce, request.Deadline);
        var signature = request.Signature.ToByteArray();
        var key = $"{(request.Rotate ? "rotate" : "bind")}:{account}:{hash}:{nonce}";
        var outcome = request.Rotate
            ? await chainClient.RotateEnterpriseAsync(binding, signature, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false)
            : await chainClient.BindEnterpriseAsync(binding, signature, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        taxData.RecordBinding(code, account, outcome.TxHash);
        return new BindEnterpriseResponse { CreditCodeHash = hash.ToString(), Tx = ApiMapping.ToProto(outcome.TxHash, outcome.BlockNumber) };
    }

    /// <inheritdoc/>
    public override Task<ImportTaxDataResponse> ImportTaxData(ImportTaxDataRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(request.Content.Span);
        }
        catch (DecoderFallbackException)
        {
            throw NodeErrors.InvalidField("content is not UTF-8 text; export the tax data as UTF-8 JSON, JSON lines or CSV.");
        }
        var result = request.Format switch
        {
            "json" => TaxpayerImport.ReadJson(text),
            "jsonl" => TaxpayerImport.ReadJsonLines(text),
            "csv" => TaxpayerImport.ReadCsv(text),
            _ => throw NodeErrors.InvalidField($"format '{Clip(request.Format)}' is not json, jsonl or csv; give one of them (docs/api.md, 'Tax data import')."),
        };
        var imported = taxData.Upsert(result.Taxpayers);
        var response = new ImportTaxDataResponse { Imported = (uint)imported };
        response.Rejected.AddRange(result.Rejected);
        return Task.FromResult(response);
    }

    /// <inheritdoc/>
    public override Task<ImportTaxDataResponse> GenerateSyntheticData(GenerateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Count is 0 or > MaxGenerated)
        {
            throw NodeErrors.InvalidField($"count {request.Count} is outside 1..{MaxGenerated}.");
        }
        var generated = SyntheticTaxpayers.Generate((int)request.Count, unchecked((int)request.Seed), DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var imported = taxData.Upsert(generated);
        return Task.FromResult(new ImportTaxDataResponse { Imported = (uint)imported });
    }

    /// <inheritdoc/>
    public override async Task<Empty> UpdateRating(UpdateRatingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var code = ParseCode(request.CreditCode);
        if (request.Rating is not ("A" or "B" or "M" or "C" or "D") || !Enum.TryParse<TaxCreditRating>(request.Rating, ignoreCase: false, out var rating))
        {
            throw NodeErrors.InvalidField($"rating '{Clip(request.Rating)}' is not one of A, B, M, C, D.");
        }
        var thisYear = time.GetUtcNow().Year;
        if (request.Year < 1990 || request.Year > thisYear)
        {
            throw NodeErrors.InvalidField($"year {request.Year} is outside 1990..{thisYear}.");
        }
        if (taxData.Get(code) is null)
        {
            throw UnknownTaxpayer(code);
        }
        var (previous, updated) = taxData.UpdateRating(code, (int)request.Year, rating);
        var downgrade = previous is { } before && Rank(rating) < Rank(before) && updated.Taxpayer.LatestRating == rating;
        NodeLog.RatingUpdated(logger, code.Value, (int)request.Year, previous?.ToString() ?? "none", rating.ToString(), downgrade);
        if (downgrade)
        {
            var details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["year"] = request.Year.ToString(CultureInfo.InvariantCulture),
                ["previous"] = previous!.Value.ToString(),
                ["rating"] = rating.ToString(),
            };
            await alerts.PublishAsync(new NodeAlert(
                Core.Model.AlertKind.RatingDowngrade,
                updated.CreditCodeHash,
                $"The tax-credit rating of enterprise {updated.CreditCodeHash.Value.ToShortString()} fell from {previous} to {rating} for {request.Year}.",
                details,
                (ulong)time.GetUtcNow().ToUnixTimeMilliseconds(),
                node.Organization), context.CancellationToken).ConfigureAwait(false);
        }
        return new Empty();
    }

    /// <inheritdoc/>
    public override Task<ListEnterprisesResponse> ListEnterprises(ListEnterprisesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limit = request.Limit == 0 ? 100 : (int)Math.Min(request.Limit, 10_000);
        var response = new ListEnterprisesResponse();
        response.Enterprises.AddRange(taxData.List(limit).Select(e => new EnterpriseSummary
        {
            CreditCode = e.Taxpayer.CreditCode.Value,
            Name = e.Taxpayer.Name,
            CreditCodeHash = e.CreditCodeHash.ToString(),
            LatestRating = e.Taxpayer.LatestRating?.ToString() ?? "",
            BoundAccount = e.BoundAccount?.ToString() ?? "",
        }));
        return Task.FromResult(response);
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

    private static CreditCode ParseCode(string? text) =>
        CreditCode.TryParse(text, out var code)
            ? code
            : throw NodeErrors.InvalidField($"credit_code '{Clip(text)}' is not a unified social credit code (18 characters with valid check characters).");

    /// <summary>A field's value as error messages quote it: at most 40 characters (the message travels as an HTTP/2 header).</summary>
    private static string Clip(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..40] + "…";

    private static LedgerException UnknownTaxpayer(CreditCode code) => new(NodeErrors.UnknownEnterpriseCode, ErrorCategory.NotFound,
        $"The tax bureau holds no data on {code}; import its tax data before binding its account.");

    private static T Field<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException ex)
        {
            throw NodeErrors.InvalidField(ex.Message);
        }
    }
}
