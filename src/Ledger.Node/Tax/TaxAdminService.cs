using System.Globalization;
using System.Text;
using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Hosting;
using Ledger.Sdk.Mapping;

namespace Ledger.Node.Tax;

/// <summary>
/// <c>ledger.v1.TaxAdmin</c>: the bureau's own operators bind enterprises on chain (<see cref="UseCases.BindEnterprise"/>),
/// load and generate tax data, record ratings (<see cref="UseCases.UpdateRating"/>: a downgrade raises an alert) and
/// list what the node holds.
/// </summary>
public sealed class TaxAdminService(ITaxDataStore taxData, TimeProvider time, UseCases.BindEnterprise binding, UseCases.UpdateRating rating) : TaxAdmin.TaxAdminBase
{
    /// <summary>Most taxpayers generated in one call.</summary>
    public const uint MaxGenerated = 100_000;

    /// <inheritdoc/>
    public override async Task<PrepareBindingResponse> PrepareBinding(PrepareBindingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var code = ParseCode(request.CreditCode);
        var account = Field(() => ApiMapping.Account(request.Account, "account"));
        var prepared = await binding.PrepareAsync(code, account, context?.CancellationToken ?? CancellationToken.None).ConfigureAwait(false);
        var b = prepared.Binding;
        return new PrepareBindingResponse
        {
            CreditCodeHash = b.CreditCodeHash.ToString(),
            TaxBureau = b.TaxBureau.Code,
            Nonce = b.Nonce.ToString(CultureInfo.InvariantCulture),
            Deadline = (ulong)b.Deadline,
            Digest = prepared.Digest.ToString(),
            BoundAccount = prepared.BoundAccount?.ToString() ?? "",
        };
    }

    /// <inheritdoc/>
    public override async Task<BindEnterpriseResponse> BindEnterprise(BindEnterpriseRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var code = ParseCode(request.CreditCode);
        var account = Field(() => ApiMapping.Account(request.Account, "account"));
        var nonce = Field(() => ApiMapping.UInt256(request.Nonce, "nonce"));
        var (hash, tx) = await binding.BindAsync(
            new UseCases.BindCommand(code, account, nonce, request.Deadline, request.Signature.ToByteArray(), request.Rotate)).ConfigureAwait(false);
        return new BindEnterpriseResponse { CreditCodeHash = hash.ToString(), Tx = ApiMapping.ToProto(tx.TxHash, tx.BlockNumber) };
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
        if (request.Rating is not ("A" or "B" or "M" or "C" or "D") || !Enum.TryParse<TaxCreditRating>(request.Rating, ignoreCase: false, out var value))
        {
            throw NodeErrors.InvalidField($"rating '{Clip(request.Rating)}' is not one of A, B, M, C, D.");
        }
        await rating.UpdateAsync(code, request.Year, value, context?.CancellationToken ?? CancellationToken.None).ConfigureAwait(false);
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

    private static CreditCode ParseCode(string? text) =>
        CreditCode.TryParse(text, out var code)
            ? code
            : throw NodeErrors.InvalidField($"credit_code '{Clip(text)}' is not a unified social credit code (18 characters with valid check characters).");

    /// <summary>A field's value as error messages quote it: at most 40 characters (the message travels as an HTTP/2 header).</summary>
    private static string Clip(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..40] + "…";

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
