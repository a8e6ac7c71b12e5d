using System.Globalization;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk.Mapping;

/// <summary>
/// Wire conversions of the risk services (guarantees, the compensation fund) and of alerts, shared by the SDK and the
/// nodes: amounts in fen as decimal strings (uint128 on chain), loan, agreement and fund ids as 0x + 64 hex digits.
/// Parsing throws <see cref="FormatException"/> naming the field.
/// </summary>
public static class RiskMapping
{
    /// <summary>Largest amount the chain holds (uint128).</summary>
    public static readonly UInt128 MaxFen = UInt128.MaxValue;

    /// <summary>Parses an amount in fen: a decimal string of 1 to 39 digits, at most 2^128 − 1.</summary>
    /// <exception cref="FormatException">naming <paramref name="field"/>.</exception>
    public static UInt128 Fen(string? text, string field) =>
        text is { Length: > 0 and <= 39 } && UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{field} must be an amount in fen written as a decimal number (no sign, no decimal point, below 2^128); '{Shorten(text)}' is not.");

    /// <summary>An amount in fen on the wire.</summary>
    public static string Fen(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An amount in fen on the wire, from a chain value (uint128 read as <see cref="System.Numerics.BigInteger"/>).</summary>
    public static string Fen(System.Numerics.BigInteger value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Checks a share in basis points (at most 10,000, i.e. 100 %).</summary>
    /// <exception cref="FormatException">naming <paramref name="field"/>.</exception>
    public static ushort Bps(uint value, string field) =>
        value <= 10_000 ? (ushort)value : throw new FormatException($"{field} is {value} basis points, above 10000 (100 %).");

    /// <summary>Parses a loan id.</summary>
    /// <exception cref="FormatException">naming <paramref name="field"/>.</exception>
    public static LoanId Loan(string? text, string field) => new(ApiMapping.Hash(text, field));

    /// <summary>Parses an agreement id.</summary>
    /// <exception cref="FormatException">naming <paramref name="field"/>.</exception>
    public static AgreementId Agreement(string? text, string field) => new(ApiMapping.Hash(text, field));

    /// <summary>Parses a fund id.</summary>
    /// <exception cref="FormatException">naming <paramref name="field"/>.</exception>
    public static FundId Fund(string? text, string field) => new(ApiMapping.Hash(text, field));

    /// <summary>Parses an enterprise (salted credit-code) hash.</summary>
    /// <exception cref="FormatException">naming <paramref name="field"/>.</exception>
    public static EnterpriseHash Enterprise(string? text, string field) => new(ApiMapping.Hash(text, field));

    /// <summary>Parses a product code (1–31 printable ASCII).</summary>
    /// <exception cref="FormatException">naming <paramref name="field"/>.</exception>
    public static ProductCode Product(string? text, string field)
    {
        try
        {
            return new ProductCode(ApiMapping.Org(text, field).Value);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{field} must be a product code such as SHUIYIDAI (1 to 31 printable ASCII characters); '{Shorten(text)}' is not.", ex);
        }
    }

    /// <summary>
    /// Checks a caller's own reference (a contract or programme number) from which an id is derived: 1 to 128
    /// characters, no control characters, not blank.
    /// </summary>
    /// <exception cref="FormatException">naming <paramref name="field"/>.</exception>
    public static string Reference(string? text, string field) =>
        text is { Length: > 0 and <= 128 } && !string.IsNullOrWhiteSpace(text) && !text.Any(char.IsControl)
            ? text
            : throw new FormatException($"{field} must be 1 to 128 characters without control characters (the id is derived from it); '{Shorten(text)}' is not.");

    /// <summary>The alert kind of a wire value (the same numbers, <see cref="AlertKindWords"/>); false for unspecified and unknown values.</summary>
    public static bool TryKind(Proto.AlertKind wire, out AlertKind kind) => AlertKindWords.TryFromValue((int)wire, out kind);

    /// <summary>An alert kind on the wire (the same number).</summary>
    public static Proto.AlertKind ToProto(AlertKind kind) => (Proto.AlertKind)(int)kind;

    /// <summary>An alert from the wire.</summary>
    /// <exception cref="FormatException">naming the malformed field.</exception>
    public static LedgerAlert FromProto(Proto.Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (!TryKind(alert.Kind, out var kind))
        {
            throw new FormatException($"alert.kind {(int)alert.Kind} is not a known alert kind.");
        }
        return new LedgerAlert(
            string.IsNullOrEmpty(alert.Id) ? throw new FormatException("alert.id is empty.") : alert.Id,
            kind,
            Enterprise(alert.EnterpriseHash, "alert.enterprise_hash"),
            string.IsNullOrEmpty(alert.LoanId) ? null : Loan(alert.LoanId, "alert.loan_id"),
            string.IsNullOrEmpty(alert.ConsentId) ? null : new ConsentId(ApiMapping.Hash(alert.ConsentId, "alert.consent_id")),
            alert.Summary,
            new Dictionary<string, string>(alert.Details, StringComparer.Ordinal),
            alert.BlockNumber,
            string.IsNullOrEmpty(alert.TxHash) ? null : ApiMapping.Hash(alert.TxHash, "alert.tx_hash"),
            alert.RaisedAtMs,
            ApiMapping.Org(alert.Source, "alert.source"));
    }

    /// <summary>An alert on the wire.</summary>
    public static Proto.Alert ToProto(LedgerAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var proto = new Proto.Alert
        {
            Id = alert.Id,
            Kind = ToProto(alert.Kind),
            EnterpriseHash = alert.Enterprise.ToString(),
            LoanId = alert.Loan?.ToString() ?? "",
            ConsentId = alert.Consent?.ToString() ?? "",
            Summary = alert.Summary,
            BlockNumber = alert.BlockNumber,
            TxHash = alert.TxHash?.ToString() ?? "",
            RaisedAtMs = alert.RaisedAtMs,
            Source = alert.Source.Code,
        };
        foreach (var (name, value) in alert.Details)
        {
            proto.Details[name] = value;
        }
        return proto;
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..77] + "...";
}
