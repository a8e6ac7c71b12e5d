using System.Globalization;
using System.Text;
using System.Text.Json;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Audit.Bundle;

/// <summary>
/// Every off-chain record type to and from JSON: a type name and the record's fields, named as in its type string,
/// from which the canonical hash is recomputed. The fields are written exactly as <see cref="Ledger.Core.Records.RecordJson"/>
/// writes them (what nodes export): bytes32 values — ids, hashes, organizations, products — as 0x + 64 hex digits,
/// uint64 and smaller as JSON numbers, uint128 amounts as decimal strings. The reader is lenient where that cannot
/// change a hash (organization and product codes such as <c>tax.liuzhou</c>, integers as decimal strings) and says
/// where a value is wrong.
/// <code>{"type":"AccessRecord","hash":"0x…","fields":{"consentId":"0x…","provider":"tax.liuzhou",…}}</code>
/// </summary>
public static class AuditRecordJson
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

    /// <summary>The type names this codec knows.</summary>
    public static IReadOnlyList<string> TypeNames { get; } = [AccessType, RefusalType, DeletionType, FundFlowType, CreditDecisionType];

    /// <summary>The type name of <paramref name="record"/>.</summary>
    /// <exception cref="AuditException">LEDGER-1708 for a record type Ledger does not know.</exception>
    public static string TypeName(ILedgerRecord record) => record switch
    {
        AccessRecord => AccessType,
        RefusalRecord => RefusalType,
        DeletionReceipt => DeletionType,
        FundFlowEvidence => FundFlowType,
        CreditDecisionRecord => CreditDecisionType,
        null => throw new ArgumentNullException(nameof(record)),
        _ => throw AuditErrors.InvalidRecord(record.GetType().Name, $"{record.GetType().Name} is not a record type Ledger knows ({string.Join(", ", TypeNames)})"),
    };

    /// <summary>The record as <c>{"type":…,"hash":…,"fields":{…}}</c>.</summary>
    public static string ToJson(ILedgerRecord record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", TypeName(record));
            writer.WriteString("hash", record.Hash().ToString());
            writer.WritePropertyName("fields");
            WriteFields(writer, record);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Only the fields object (what <c>ExportedRecord.json</c> carries beside its <c>type</c>).</summary>
    public static string FieldsJson(ILedgerRecord record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteFields(writer, record);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads <c>{"type":…,"hash":…,"fields":{…}}</c>; when a hash is given it must match the fields.</summary>
    /// <exception cref="AuditException">LEDGER-1708 when the JSON is not a record or the hash does not match.</exception>
    public static ILedgerRecord FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var record = ReadFields(JsonRead.String(root, "type", "record"), JsonRead.Object(root, "fields", "record"), "record.fields");
            if (JsonRead.Optional(root, "hash") is { } declared && JsonRead.AsHash(declared, "record.hash") != record.Hash().Value)
            {
                throw AuditErrors.InvalidRecord("record", $"its fields hash to {record.Hash()}, not to the hash {declared.GetString()} it carries (the record was altered)");
            }
            return record;
        }
        catch (JsonException ex)
        {
            throw AuditErrors.InvalidRecord("record", $"it is not JSON ({ex.Message})", ex);
        }
        catch (JsonShapeException ex)
        {
            throw AuditErrors.InvalidRecord(ex.Where, ex.Why, ex);
        }
    }

    /// <summary>Reads a fields object of the record type <paramref name="type"/>.</summary>
    /// <exception cref="AuditException">LEDGER-1708 for an unknown type or an invalid field.</exception>
    public static ILedgerRecord FromFieldsJson(string type, string fieldsJson)
    {
        ArgumentNullException.ThrowIfNull(fieldsJson);
        try
        {
            using var document = JsonDocument.Parse(fieldsJson);
            return ReadFields(type, document.RootElement, "fields");
        }
        catch (JsonException ex)
        {
            throw AuditErrors.InvalidRecord("fields", $"it is not JSON ({ex.Message})", ex);
        }
        catch (JsonShapeException ex)
        {
            throw AuditErrors.InvalidRecord(ex.Where, ex.Why, ex);
        }
    }

    /// <summary>The fields as strings (numbers in decimal, bools true/false), as a trail item shows them.</summary>
    public static IReadOnlyDictionary<string, string> ToFieldMap(ILedgerRecord record)
    {
        var sink = new MapSink();
        Write(sink, record);
        return sink.Map;
    }

    /// <summary>Writes the fields object of <paramref name="record"/>.</summary>
    public static void WriteFields(Utf8JsonWriter writer, ILedgerRecord record)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        Write(new JsonSink(writer), record);
        writer.WriteEndObject();
    }

    // One list of fields per type, written to JSON or to a map.
    private static void Write<TSink>(TSink sink, ILedgerRecord record)
        where TSink : IFieldSink
    {
        switch (record)
        {
            case AccessRecord r:
                sink.String("consentId", r.ConsentId.Value.ToString());
                sink.String("provider", r.Provider.Value.ToString());
                sink.String("consumer", r.Consumer.Value.ToString());
                sink.Number("scopes", (ulong)r.Scopes);
                sink.String("requestHash", r.RequestHash.ToString());
                sink.String("responseHash", r.ResponseHash.ToString());
                sink.Number("checkedAtBlock", r.CheckedAtBlock);
                sink.Number("servedAtMs", r.ServedAtMs);
                sink.Number("sequence", r.Sequence);
                if (r.ConsentSequence != 0)
                {
                    sink.Number("consentSequence", r.ConsentSequence); // records made before consent sequences have none
                }
                break;
            case RefusalRecord r:
                sink.String("consentId", r.ConsentId.Value.ToString());
                sink.String("provider", r.Provider.Value.ToString());
                sink.String("consumer", r.Consumer.Value.ToString());
                sink.Number("scopes", (ulong)r.Scopes);
                sink.String("requestHash", r.RequestHash.ToString());
                sink.Number("reason", r.Reason);
                sink.Number("checkedAtBlock", r.CheckedAtBlock);
                sink.Number("refusedAtMs", r.RefusedAtMs);
                sink.Number("sequence", r.Sequence);
                if (r.ConsentSequence != 0)
                {
                    sink.Number("consentSequence", r.ConsentSequence);
                }
                break;
            case DeletionReceipt r:
                sink.String("consentId", r.ConsentId.Value.ToString());
                sink.String("consumer", r.Consumer.Value.ToString());
                sink.String("dataHash", r.DataHash.ToString());
                sink.Number("cause", (byte)r.Cause);
                sink.Number("deletedAtMs", r.DeletedAtMs);
                sink.Number("sequence", r.Sequence);
                break;
            case FundFlowEvidence r:
                sink.String("loanId", r.LoanId.Value.ToString());
                sink.Number("category", (byte)r.Category);
                sink.String("amountFen", r.AmountFen.ToString(CultureInfo.InvariantCulture));
                sink.String("counterpartyHash", r.CounterpartyHash.ToString());
                sink.String("documentHash", r.DocumentHash.ToString());
                sink.String("recorder", r.Recorder.Value.ToString());
                sink.Number("recordedAtMs", r.RecordedAtMs);
                sink.Number("sequence", r.Sequence);
                break;
            case CreditDecisionRecord r:
                sink.String("consentId", r.ConsentId.Value.ToString());
                sink.String("bank", r.Bank.Value.ToString());
                sink.String("enterprise", r.Enterprise.Value.ToString());
                sink.Bool("approved", r.Approved);
                sink.Number("score", r.Score);
                sink.String("product", r.Product.Value.ToString());
                sink.String("limitFen", r.LimitFen.ToString(CultureInfo.InvariantCulture));
                sink.Number("rateBps", r.RateBps);
                sink.Number("termMonths", r.TermMonths);
                sink.String("reasonsHash", r.ReasonsHash.ToString());
                sink.Number("decidedAtMs", r.DecidedAtMs);
                sink.Number("sequence", r.Sequence);
                break;
            default:
                throw AuditErrors.InvalidRecord(record?.GetType().Name ?? "null", $"{record?.GetType().Name ?? "null"} is not a record type Ledger knows ({string.Join(", ", TypeNames)})");
        }
    }

    private interface IFieldSink
    {
        void String(string name, string value);

        void Number(string name, ulong value);

        void Bool(string name, bool value);
    }

    private readonly struct JsonSink(Utf8JsonWriter writer) : IFieldSink
    {
        public void String(string name, string value) => writer.WriteString(name, value);

        public void Number(string name, ulong value) => writer.WriteNumber(name, value);

        public void Bool(string name, bool value) => writer.WriteBoolean(name, value);
    }

    private sealed class MapSink : IFieldSink
    {
        public Dictionary<string, string> Map { get; } = new(StringComparer.Ordinal);

        public void String(string name, string value) => Map[name] = value;

        public void Number(string name, ulong value) => Map[name] = value.ToString(CultureInfo.InvariantCulture);

        public void Bool(string name, bool value) => Map[name] = value ? "true" : "false";
    }

    /// <summary>Reads the fields object <paramref name="f"/> of a record of type <paramref name="type"/>.</summary>
    internal static ILedgerRecord ReadFields(string type, JsonElement f, string path) => type switch
    {
        AccessType => new AccessRecord(
            new ConsentId(JsonRead.Hash(f, "consentId", path)), JsonRead.Org(f, "provider", path), JsonRead.Org(f, "consumer", path),
            (Scopes)JsonRead.U64(f, "scopes", path), JsonRead.Hash(f, "requestHash", path), JsonRead.Hash(f, "responseHash", path),
            JsonRead.U64(f, "checkedAtBlock", path), JsonRead.U64(f, "servedAtMs", path), JsonRead.U64(f, "sequence", path), ConsentSequence(f, path)),
        RefusalType => new RefusalRecord(
            new ConsentId(JsonRead.Hash(f, "consentId", path)), JsonRead.Org(f, "provider", path), JsonRead.Org(f, "consumer", path),
            (Scopes)JsonRead.U64(f, "scopes", path), JsonRead.Hash(f, "requestHash", path), JsonRead.U8(f, "reason", path),
            JsonRead.U64(f, "checkedAtBlock", path), JsonRead.U64(f, "refusedAtMs", path), JsonRead.U64(f, "sequence", path), ConsentSequence(f, path)),
        DeletionType => new DeletionReceipt(
            new ConsentId(JsonRead.Hash(f, "consentId", path)), JsonRead.Org(f, "consumer", path), JsonRead.Hash(f, "dataHash", path),
            (DeletionCause)JsonRead.U8(f, "cause", path), JsonRead.U64(f, "deletedAtMs", path), JsonRead.U64(f, "sequence", path)),
        FundFlowType => new FundFlowEvidence(
            new LoanId(JsonRead.Hash(f, "loanId", path)), (SpendCategory)JsonRead.U8(f, "category", path), JsonRead.U128(f, "amountFen", path),
            JsonRead.Hash(f, "counterpartyHash", path), JsonRead.Hash(f, "documentHash", path), JsonRead.Org(f, "recorder", path),
            JsonRead.U64(f, "recordedAtMs", path), JsonRead.U64(f, "sequence", path)),
        CreditDecisionType => new CreditDecisionRecord(
            new ConsentId(JsonRead.Hash(f, "consentId", path)), JsonRead.Org(f, "bank", path), new EnterpriseHash(JsonRead.Hash(f, "enterprise", path)),
            JsonRead.Bool(f, "approved", path), JsonRead.U32(f, "score", path), Product(f, path), JsonRead.U128(f, "limitFen", path),
            JsonRead.U32(f, "rateBps", path), JsonRead.U16(f, "termMonths", path), JsonRead.Hash(f, "reasonsHash", path),
            JsonRead.U64(f, "decidedAtMs", path), JsonRead.U64(f, "sequence", path)),
        _ => throw new JsonShapeException(path, $"'{JsonRead.Clip(type)}' is not a record type Ledger knows ({string.Join(", ", TypeNames)})"),
    };

    // Bundles written before consent sequences (and records made before them) have none: 0, the legacy type string.
    private static ulong ConsentSequence(JsonElement f, string path) =>
        JsonRead.Optional(f, "consentSequence") is null ? 0 : JsonRead.U64(f, "consentSequence", path);

    // A declined decision for no particular product carries the zero product; "" is read as that too.
    private static ProductCode Product(JsonElement f, string path)
    {
        var text = JsonRead.String(f, "product", path);
        if (text.Length == 0)
        {
            return default;
        }
        try
        {
            return new ProductCode(OrgId.Parse(text).Value);
        }
        catch (ArgumentException)
        {
            throw new JsonShapeException($"{path}.product", $"'{JsonRead.Clip(text)}' is not a product code");
        }
    }

    /// <summary>The record's own time (served, refused, deleted, recorded or decided at), unix ms.</summary>
    public static ulong TimeMs(ILedgerRecord record) => record switch
    {
        AccessRecord r => r.ServedAtMs,
        RefusalRecord r => r.RefusedAtMs,
        DeletionReceipt r => r.DeletedAtMs,
        FundFlowEvidence r => r.RecordedAtMs,
        CreditDecisionRecord r => r.DecidedAtMs,
        _ => 0,
    };

    /// <summary>An access's or refusal's number among its provider's answers under its consent (0: none, or another record type).</summary>
    public static ulong ConsentSequenceOf(ILedgerRecord record) => record is IConsentSequencedRecord r ? r.ConsentSequence : 0;

    /// <summary>The record's sequence number at its author.</summary>
    public static ulong SequenceOf(ILedgerRecord record) => record switch
    {
        AccessRecord r => r.Sequence,
        RefusalRecord r => r.Sequence,
        DeletionReceipt r => r.Sequence,
        FundFlowEvidence r => r.Sequence,
        CreditDecisionRecord r => r.Sequence,
        _ => 0,
    };

    /// <summary>The organization that made the record and anchors it: provider, consumer, recorder or bank.</summary>
    public static OrgId AuthorOf(ILedgerRecord record) => record switch
    {
        AccessRecord r => r.Provider,
        RefusalRecord r => r.Provider,
        DeletionReceipt r => r.Consumer,
        FundFlowEvidence r => r.Recorder,
        CreditDecisionRecord r => r.Bank,
        _ => default,
    };

    /// <summary>The consent the record was made under, if any.</summary>
    public static ConsentId? ConsentOf(ILedgerRecord record) => record switch
    {
        AccessRecord r => r.ConsentId,
        RefusalRecord r => r.ConsentId,
        DeletionReceipt r => r.ConsentId,
        CreditDecisionRecord r => r.ConsentId,
        _ => null,
    };

    /// <summary>A short name of the record for sentences: "AccessRecord 0x12ab…".</summary>
    public static string Label(ILedgerRecord record, RecordHash hash) => $"{TypeName(record)} {hash}";
}
