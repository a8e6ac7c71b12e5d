using System.Globalization;
using System.Text.Json;
using Ledger.Chain.Abi;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Audit.Bundle;

/// <summary>
/// Reads and writes <see cref="AuditBundle"/>s as JSON (format <see cref="AuditBundle.FormatTag"/>, described in
/// docs/audit.md). Reading checks the shape and every value; it does not verify anything — that is
/// <see cref="Verification.LedgerVerifier"/>'s job — so a tampered but well-formed bundle reads fine and then fails
/// verification, while a cut or garbled file is LEDGER-1701 and a file missing a section LEDGER-1703.
/// </summary>
public static class AuditBundleJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>Writes <paramref name="bundle"/> to <paramref name="stream"/> as UTF-8 JSON.</summary>
    public static void Write(AuditBundle bundle, Stream stream, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new Utf8JsonWriter(stream, WriterOptions with { Indented = indented });
        Write(bundle, writer);
    }

    /// <summary>The bundle as UTF-8 JSON bytes.</summary>
    public static byte[] ToUtf8(AuditBundle bundle, bool indented = false)
    {
        using var buffer = new MemoryStream();
        Write(bundle, buffer, indented);
        return buffer.ToArray();
    }

    /// <summary>
    /// Writes the bundle to <paramref name="path"/> atomically (a temporary file beside it, then a rename), so a
    /// reader never sees half a bundle.
    /// </summary>
    public static void WriteFile(AuditBundle bundle, string path, bool indented = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Write(bundle, file, indented);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Reads a bundle file.</summary>
    /// <exception cref="AuditException">LEDGER-1700 unreadable, 1701 malformed, 1702 another format, 1703 incomplete, 1708 an invalid record.</exception>
    public static AuditBundle ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = ex switch
            {
                FileNotFoundException or DirectoryNotFoundException => "there is no such file",
                UnauthorizedAccessException => "permission denied",
                _ => ex.Message,
            };
            throw AuditErrors.BundleUnreadable(path, why, ex);
        }
        using (file)
        {
            if (file.Length == 0)
            {
                throw AuditErrors.BundleUnreadable(path, "the file is empty");
            }
            return Read(file);
        }
    }

    /// <summary>Reads a bundle from UTF-8 JSON.</summary>
    /// <exception cref="AuditException">as <see cref="ReadFile"/>.</exception>
    public static AuditBundle Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return Read(stream);
    }

    /// <summary>Reads a bundle from a stream of UTF-8 JSON.</summary>
    /// <exception cref="AuditException">as <see cref="ReadFile"/>.</exception>
    public static AuditBundle Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            throw AuditErrors.BundleMalformed(
                ex.LineNumber is { } line ? $"line {line + 1}, byte {ex.BytePositionInLine + 1}" : "the start",
                "it is not valid JSON", ex);
        }
        catch (IOException ex)
        {
            throw AuditErrors.BundleUnreadable("(stream)", ex.Message, ex);
        }
        using (document)
        {
            try
            {
                return Read(document.RootElement);
            }
            catch (JsonShapeException ex) when (ex.Where.StartsWith("bundle.records[", StringComparison.Ordinal) && ex.Where.Contains(".fields", StringComparison.Ordinal))
            {
                throw AuditErrors.InvalidRecord(ex.Where, ex.Why, ex);
            }
            catch (JsonShapeException ex) when (ex.Why == "is missing")
            {
                throw AuditErrors.BundleIncomplete($"{ex.Where} is missing");
            }
            catch (JsonShapeException ex)
            {
                throw AuditErrors.BundleMalformed(ex.Where, ex.Why, ex);
            }
        }
    }

    // ------------------------------------------------------------------ writing

    private static void Write(AuditBundle bundle, Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("format", AuditBundle.FormatTag);

        w.WriteStartObject("chain");
        w.WriteNumber("chainId", bundle.Chain.ChainId);
        w.WriteNumber("deployBlock", bundle.Chain.DeployBlock);
        w.WriteStartObject("contracts");
        foreach (var (name, address) in bundle.Chain.Contracts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            w.WriteString(name, address.ToString());
        }
        w.WriteEndObject();
        w.WriteEndObject();

        WriteScope(w, bundle.Scope);
        w.WriteNumber("createdAtMs", bundle.CreatedAtMs);
        w.WriteNumber("asOfBlock", bundle.AsOfBlock);
        if (bundle.CreatedBy is { } by)
        {
            w.WriteString("createdBy", by);
        }

        w.WriteStartArray("records");
        foreach (var record in bundle.Records)
        {
            WriteRecord(w, record);
            if (w.BytesPending > 1 << 16)
            {
                w.Flush();
            }
        }
        w.WriteEndArray();

        w.WriteStartArray("anchors");
        foreach (var anchor in bundle.Anchors)
        {
            w.WriteStartObject();
            w.WriteString("org", anchor.Org.Code);
            w.WriteString("batchId", anchor.BatchId.Value.ToString());
            w.WriteString("root", anchor.Root.ToString());
            w.WriteNumber("count", anchor.Count);
            w.WriteString("kind", anchor.Kind.ToString());
            w.WriteNumber("block", anchor.BlockNumber);
            w.WriteString("txHash", anchor.TxHash.ToString());
            w.WriteString("uri", anchor.Uri);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("events");
        foreach (var e in bundle.Events)
        {
            WriteEvent(w, e);
            if (w.BytesPending > 1 << 16)
            {
                w.Flush();
            }
        }
        w.WriteEndArray();

        w.WriteStartObject("blockTimes");
        foreach (var (block, time) in bundle.BlockTimes.OrderBy(b => b.Key))
        {
            w.WriteNumber(block.ToString(CultureInfo.InvariantCulture), time);
        }
        w.WriteEndObject();

        w.WriteEndObject();
        w.Flush();
    }

    private static void WriteScope(Utf8JsonWriter w, AuditScope scope)
    {
        w.WriteStartObject("scope");
        w.WriteString("kind", scope.Kind.ToString().ToLowerInvariant());
        if (scope.Enterprise is { } e)
        {
            w.WriteString("enterpriseHash", e.Value.ToString());
        }
        if (scope.Loan is { } l)
        {
            w.WriteString("loanId", l.Value.ToString());
        }
        if (scope.Consent is { } c)
        {
            w.WriteString("consentId", c.Value.ToString());
        }
        if (scope.FromMs is { } from)
        {
            w.WriteNumber("fromMs", from);
        }
        if (scope.UntilMs is { } until)
        {
            w.WriteNumber("untilMs", until);
        }
        w.WriteEndObject();
    }

    private static void WriteRecord(Utf8JsonWriter w, BundleRecord record)
    {
        w.WriteStartObject();
        w.WriteString("type", AuditRecordJson.TypeName(record.Record));
        w.WriteString("hash", record.DeclaredHash.Value.ToString());
        w.WritePropertyName("fields");
        AuditRecordJson.WriteFields(w, record.Record);
        if (record.Anchor is { } a)
        {
            w.WriteStartObject("anchor");
            w.WriteString("org", a.Org.Code);
            w.WriteString("batchId", a.BatchId.Value.ToString());
            w.WriteString("root", a.Root.ToString());
            w.WriteStartArray("proof");
            foreach (var step in a.Proof)
            {
                w.WriteStringValue(step.ToString());
            }
            w.WriteEndArray();
            w.WriteNumber("block", a.BlockNumber);
            w.WriteString("txHash", a.TxHash.ToString());
            w.WriteEndObject();
        }
        if (record.ReasonsJson is { } reasons)
        {
            w.WriteString("reasonsJson", reasons);
        }
        if (record.Rating is { } rating)
        {
            w.WriteString("rating", rating);
        }
        w.WriteEndObject();
    }

    /// <summary>Writes one chain event as <c>{"contract","name","block","time","txHash","logIndex","args":{…}}</c>.</summary>
    internal static void WriteEvent(Utf8JsonWriter w, ChainEvent e)
    {
        w.WriteStartObject();
        w.WriteString("contract", e.Contract);
        w.WriteString("name", e.Name);
        w.WriteNumber("block", e.BlockNumber);
        w.WriteNumber("time", e.BlockTimestamp);
        w.WriteString("txHash", e.TxHash.ToString());
        w.WriteNumber("logIndex", e.LogIndex);
        w.WriteStartObject("args");
        foreach (var (name, value) in e.Args.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            w.WriteString(name, value);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // ------------------------------------------------------------------ reading

    private static AuditBundle Read(JsonElement root)
    {
        const string P = "bundle";
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonShapeException(P, $"expected a JSON object, found {JsonRead.Describe(root)}");
        }
        var format = JsonRead.String(root, "format", P);
        if (format != AuditBundle.FormatTag)
        {
            throw AuditErrors.BundleUnsupported(format);
        }

        var chain = JsonRead.Object(root, "chain", P);
        var contracts = new Dictionary<string, EthAddress>(StringComparer.Ordinal);
        foreach (var property in JsonRead.Object(chain, "contracts", $"{P}.chain").EnumerateObject())
        {
            contracts[property.Name] = JsonRead.Address(property.Value, $"{P}.chain.contracts.{property.Name}");
        }
        foreach (var name in LedgerContracts.Names)
        {
            if (!contracts.ContainsKey(name))
            {
                throw new JsonShapeException($"{P}.chain.contracts.{name}", "is missing");
            }
        }
        var reference = new ChainReference(JsonRead.U64(chain, "chainId", $"{P}.chain"), JsonRead.U64(chain, "deployBlock", $"{P}.chain"), contracts);

        var scope = ReadScope(JsonRead.Object(root, "scope", P), $"{P}.scope");

        var recordsJson = JsonRead.Array(root, "records", P);
        var records = new List<BundleRecord>(recordsJson.GetArrayLength());
        var i = 0;
        foreach (var item in recordsJson.EnumerateArray())
        {
            records.Add(ReadRecord(item, $"{P}.records[{i++}]"));
        }

        var anchors = new List<AnchorInfo>();
        i = 0;
        foreach (var item in JsonRead.Array(root, "anchors", P).EnumerateArray())
        {
            var path = $"{P}.anchors[{i++}]";
            anchors.Add(new AnchorInfo(
                JsonRead.Org(item, "org", path),
                new BatchId(JsonRead.Hash(item, "batchId", path)),
                JsonRead.Hash(item, "root", path),
                JsonRead.U32(item, "count", path),
                Kind(item, path),
                JsonRead.U64(item, "block", path),
                JsonRead.Hash(item, "txHash", path))
            {
                Uri = JsonRead.Optional(item, "uri") is { } uri ? JsonRead.AsString(uri, $"{path}.uri") : "",
            });
        }

        var events = new List<ChainEvent>();
        i = 0;
        foreach (var item in JsonRead.Array(root, "events", P).EnumerateArray())
        {
            events.Add(ReadEvent(item, $"{P}.events[{i++}]"));
        }

        var blockTimes = new Dictionary<ulong, ulong>();
        foreach (var property in JsonRead.Object(root, "blockTimes", P).EnumerateObject())
        {
            if (!ulong.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var block))
            {
                throw new JsonShapeException($"{P}.blockTimes", $"'{JsonRead.Clip(property.Name)}' is not a block number");
            }
            blockTimes[block] = JsonRead.AsU64(property.Value, $"{P}.blockTimes.{property.Name}");
        }

        return new AuditBundle
        {
            Chain = reference,
            Scope = scope,
            CreatedAtMs = JsonRead.Optional(root, "createdAtMs") is { } created ? JsonRead.AsU64(created, $"{P}.createdAtMs") : 0,
            AsOfBlock = JsonRead.Optional(root, "asOfBlock") is { } asOf ? JsonRead.AsU64(asOf, $"{P}.asOfBlock") : 0,
            CreatedBy = JsonRead.Optional(root, "createdBy") is { } by ? JsonRead.AsString(by, $"{P}.createdBy") : null,
            Records = records,
            Anchors = anchors,
            Events = events,
            BlockTimes = blockTimes,
        };
    }

    private static AuditScope ReadScope(JsonElement s, string path)
    {
        var scope = new AuditScope
        {
            Enterprise = JsonRead.Optional(s, "enterpriseHash") is { } e ? new EnterpriseHash(JsonRead.AsHash(e, $"{path}.enterpriseHash")) : null,
            Loan = JsonRead.Optional(s, "loanId") is { } l ? new LoanId(JsonRead.AsHash(l, $"{path}.loanId")) : null,
            Consent = JsonRead.Optional(s, "consentId") is { } c ? new ConsentId(JsonRead.AsHash(c, $"{path}.consentId")) : null,
            FromMs = JsonRead.Optional(s, "fromMs") is { } f ? JsonRead.AsU64(f, $"{path}.fromMs") : null,
            UntilMs = JsonRead.Optional(s, "untilMs") is { } u ? JsonRead.AsU64(u, $"{path}.untilMs") : null,
        };
        try
        {
            scope.Validate();
        }
        catch (AuditException ex)
        {
            throw new JsonShapeException(path, ex.Message);
        }
        return scope;
    }

    private static BundleRecord ReadRecord(JsonElement item, string path)
    {
        var type = JsonRead.String(item, "type", path);
        var record = AuditRecordJson.ReadFields(type, JsonRead.Object(item, "fields", path), $"{path}.fields");
        RecordAnchorRef? anchor = null;
        if (JsonRead.Optional(item, "anchor") is { } a)
        {
            var ap = $"{path}.anchor";
            var proofJson = JsonRead.Array(a, "proof", ap);
            var proof = new Hash32[proofJson.GetArrayLength()];
            var k = 0;
            foreach (var step in proofJson.EnumerateArray())
            {
                proof[k] = JsonRead.AsHash(step, $"{ap}.proof[{k}]");
                k++;
            }
            anchor = new RecordAnchorRef(
                JsonRead.Org(a, "org", ap), new BatchId(JsonRead.Hash(a, "batchId", ap)), JsonRead.Hash(a, "root", ap), proof,
                JsonRead.U64(a, "block", ap), JsonRead.Hash(a, "txHash", ap));
        }
        return new BundleRecord(record, new Core.Model.RecordHash(JsonRead.Hash(item, "hash", path)), anchor)
        {
            ReasonsJson = JsonRead.Optional(item, "reasonsJson") is { } r ? JsonRead.AsString(r, $"{path}.reasonsJson") : null,
            Rating = JsonRead.Optional(item, "rating") is { } g ? JsonRead.AsString(g, $"{path}.rating") : null,
        };
    }

    private static BatchKind Kind(JsonElement item, string path)
    {
        var value = JsonRead.Member(item, "kind", path);
        if (value.ValueKind == JsonValueKind.Number && value.TryGetByte(out var number) && Enum.IsDefined((BatchKind)number))
        {
            return (BatchKind)number;
        }
        if (value.ValueKind == JsonValueKind.String && Enum.TryParse<BatchKind>(value.GetString(), ignoreCase: true, out var kind)
            && Enum.IsDefined(kind) && !char.IsAsciiDigit(value.GetString()![0]))
        {
            return kind;
        }
        throw new JsonShapeException($"{path}.kind", $"expected a batch kind ({string.Join(", ", Enum.GetNames<BatchKind>())}), found {JsonRead.Describe(value)}");
    }

    /// <summary>Reads one chain event as <see cref="WriteEvent"/> writes it.</summary>
    internal static ChainEvent ReadEvent(JsonElement item, string path)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in JsonRead.Object(item, "args", path).EnumerateObject())
        {
            args[property.Name] = JsonRead.AsString(property.Value, $"{path}.args.{property.Name}");
        }
        return new ChainEvent(
            JsonRead.String(item, "contract", path),
            JsonRead.String(item, "name", path),
            JsonRead.U64(item, "block", path),
            JsonRead.U64(item, "time", path),
            JsonRead.Hash(item, "txHash", path),
            JsonRead.I32(item, "logIndex", path),
            args);
    }
}
