using System.Globalization;
using System.Text;
using System.Text.Json;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Records;

/// <summary>
/// The JSON form of an off-chain record, as nodes export it to auditors (<c>RecordExport.ExportRecords</c>) and as
/// audit bundles carry it: one object with every field of the record under its type-string name, so the canonical
/// hash can be recomputed from the JSON alone. bytes32 values (ids, hashes, organizations) are 0x + 64 lower-case hex
/// digits, uint8–uint64 values JSON numbers, uint128 amounts decimal strings, bools true/false. An access or refusal
/// made before consent sequences has no <c>consentSequence</c> (its type string has none).
/// Type names: <c>AccessRecord</c>, <c>Refusal</c>, <c>DeletionReceipt</c>, <c>FundFlowEvidence</c>, <c>CreditDecision</c>.
/// </summary>
public static class RecordJson
{
    /// <summary>Type name of <see cref="AccessRecord"/>.</summary>
    public const string AccessType = "AccessRecord";
    /// <summary>Type name of <see cref="RefusalRecord"/>.</summary>
    public const string RefusalType = "Refusal";
    /// <summary>Type name of <see cref="DeletionReceipt"/>.</summary>
    public const string DeletionType = "DeletionReceipt";
    /// <summary>Type name of <see cref="FundFlowEvidence"/>.</summary>
    public const string FundFlowType = "FundFlowEvidence";
    /// <summary>Type name of <see cref="CreditDecisionRecord"/>.</summary>
    public const string CreditDecisionType = "CreditDecision";

    /// <summary>The type name of a record.</summary>
    public static string TypeOf(ILedgerRecord record) => record switch
    {
        AccessRecord => AccessType,
        RefusalRecord => RefusalType,
        DeletionReceipt => DeletionType,
        FundFlowEvidence => FundFlowType,
        CreditDecisionRecord => CreditDecisionType,
        null => throw new ArgumentNullException(nameof(record)),
        _ => throw new ArgumentException($"{record.GetType().Name} is not a Ledger record kind.", nameof(record)),
    };

    /// <summary>The record as one JSON object (fields in type-string order).</summary>
    public static string ToJson(ILedgerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            switch (record)
            {
                case AccessRecord r:
                    w.WriteString("consentId", r.ConsentId.ToString());
                    w.WriteString("provider", r.Provider.Value.ToString());
                    w.WriteString("consumer", r.Consumer.Value.ToString());
                    w.WriteNumber("scopes", (ulong)r.Scopes);
                    w.WriteString("requestHash", r.RequestHash.ToString());
                    w.WriteString("responseHash", r.ResponseHash.ToString());
                    w.WriteNumber("checkedAtBlock", r.CheckedAtBlock);
                    w.WriteNumber("servedAtMs", r.ServedAtMs);
                    w.WriteNumber("sequence", r.Sequence);
                    WriteConsentSequence(w, r.ConsentSequence);
                    break;
                case RefusalRecord r:
                    w.WriteString("consentId", r.ConsentId.ToString());
                    w.WriteString("provider", r.Provider.Value.ToString());
                    w.WriteString("consumer", r.Consumer.Value.ToString());
                    w.WriteNumber("scopes", (ulong)r.Scopes);
                    w.WriteString("requestHash", r.RequestHash.ToString());
                    w.WriteNumber("reason", r.Reason);
                    w.WriteNumber("checkedAtBlock", r.CheckedAtBlock);
                    w.WriteNumber("refusedAtMs", r.RefusedAtMs);
                    w.WriteNumber("sequence", r.Sequence);
                    WriteConsentSequence(w, r.ConsentSequence);
                    break;
                case DeletionReceipt r:
                    w.WriteString("consentId", r.ConsentId.ToString());
                    w.WriteString("consumer", r.Consumer.Value.ToString());
                    w.WriteString("dataHash", r.DataHash.ToString());
                    w.WriteNumber("cause", (byte)r.Cause);
                    w.WriteNumber("deletedAtMs", r.DeletedAtMs);
                    w.WriteNumber("sequence", r.Sequence);
                    break;
                case FundFlowEvidence r:
                    w.WriteString("loanId", r.LoanId.ToString());
                    w.WriteNumber("category", (byte)r.Category);
                    w.WriteString("amountFen", r.AmountFen.ToString(CultureInfo.InvariantCulture));
                    w.WriteString("counterpartyHash", r.CounterpartyHash.ToString());
                    w.WriteString("documentHash", r.DocumentHash.ToString());
                    w.WriteString("recorder", r.Recorder.Value.ToString());
                    w.WriteNumber("recordedAtMs", r.RecordedAtMs);
                    w.WriteNumber("sequence", r.Sequence);
                    break;
                case CreditDecisionRecord r:
                    w.WriteString("consentId", r.ConsentId.ToString());
                    w.WriteString("bank", r.Bank.Value.ToString());
                    w.WriteString("enterprise", r.Enterprise.ToString());
                    w.WriteBoolean("approved", r.Approved);
                    w.WriteNumber("score", r.Score);
                    w.WriteString("product", r.Product.Value.ToString());
                    w.WriteString("limitFen", r.LimitFen.ToString(CultureInfo.InvariantCulture));
                    w.WriteNumber("rateBps", r.RateBps);
                    w.WriteNumber("termMonths", r.TermMonths);
                    w.WriteString("reasonsHash", r.ReasonsHash.ToString());
                    w.WriteNumber("decidedAtMs", r.DecidedAtMs);
                    w.WriteNumber("sequence", r.Sequence);
                    break;
                default:
                    throw new ArgumentException($"{record.GetType().Name} is not a Ledger record kind.", nameof(record));
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a record of type <paramref name="type"/> from its JSON.</summary>
    /// <exception cref="LedgerException">LEDGER-1082 when the type is unknown or a field is missing or malformed.</exception>
    public static ILedgerRecord FromJson(string type, string json)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var o = doc.RootElement;
            return type switch
            {
                AccessType => new AccessRecord(
                    new ConsentId(H(o, "consentId")), new OrgId(H(o, "provider")), new OrgId(H(o, "consumer")),
                    (Scopes)U(o, "scopes"), H(o, "requestHash"), H(o, "responseHash"),
                    U(o, "checkedAtBlock"), U(o, "servedAtMs"), U(o, "sequence"), ConsentSequence(o)),
                RefusalType => new RefusalRecord(
                    new ConsentId(H(o, "consentId")), new OrgId(H(o, "provider")), new OrgId(H(o, "consumer")),
                    (Scopes)U(o, "scopes"), H(o, "requestHash"), checked((byte)U(o, "reason")),
                    U(o, "checkedAtBlock"), U(o, "refusedAtMs"), U(o, "sequence"), ConsentSequence(o)),
                DeletionType => new DeletionReceipt(
                    new ConsentId(H(o, "consentId")), new OrgId(H(o, "consumer")), H(o, "dataHash"),
                    (DeletionCause)checked((byte)U(o, "cause")), U(o, "deletedAtMs"), U(o, "sequence")),
                FundFlowType => new FundFlowEvidence(
                    new LoanId(H(o, "loanId")), (SpendCategory)checked((byte)U(o, "category")), U128(o, "amountFen"),
                    H(o, "counterpartyHash"), H(o, "documentHash"), new OrgId(H(o, "recorder")),
                    U(o, "recordedAtMs"), U(o, "sequence")),
                CreditDecisionType => new CreditDecisionRecord(
                    new ConsentId(H(o, "consentId")), new OrgId(H(o, "bank")), new EnterpriseHash(H(o, "enterprise")),
                    o.GetProperty("approved").GetBoolean(), checked((uint)U(o, "score")), new ProductCode(H(o, "product")),
                    U128(o, "limitFen"), checked((uint)U(o, "rateBps")), checked((ushort)U(o, "termMonths")),
                    H(o, "reasonsHash"), U(o, "decidedAtMs"), U(o, "sequence")),
                _ => throw new FormatException($"'{type}' is not a record type (AccessRecord, Refusal, DeletionReceipt, FundFlowEvidence, CreditDecision)"),
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new LedgerException("LEDGER-1082", ErrorCategory.InvalidArgument,
                $"The {type} record's JSON cannot be read ({ex.Message}); it is truncated, altered or from another system.", ex);
        }
    }

    // A record made before consent sequences has none (0): the field is left out, as its type string leaves it out.
    private static void WriteConsentSequence(Utf8JsonWriter w, ulong consentSequence)
    {
        if (consentSequence != 0)
        {
            w.WriteNumber("consentSequence", consentSequence);
        }
    }

    private static ulong ConsentSequence(JsonElement o) => o.TryGetProperty("consentSequence", out var value) ? value.GetUInt64() : 0;

    private static Hash32 H(JsonElement o, string name) =>
        Hash32.TryParse(o.GetProperty(name).GetString(), out var value) ? value : throw new FormatException($"'{name}' is not 0x + 64 hex digits");

    private static ulong U(JsonElement o, string name) => o.GetProperty(name).GetUInt64();

    private static UInt128 U128(JsonElement o, string name) =>
        UInt128.Parse(o.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is missing"), NumberStyles.None, CultureInfo.InvariantCulture);
}
