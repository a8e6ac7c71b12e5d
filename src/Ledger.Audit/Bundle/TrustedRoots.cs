using System.Text.Json;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Audit.Bundle;

/// <summary>
/// Roots an auditor trusts independently of any bundle — e.g. read from the chain earlier, or published by the
/// regulator — as <c>{"format":"ledger/trusted-roots/v1","chainId":31337,"roots":[{"org":"tax.liuzhou","batchId":"0x…","root":"0x…"}]}</c>.
/// Offline verification with trusted roots accepts a batch only when its root is listed here.
/// </summary>
public sealed class TrustedRoots
{
    /// <summary>The format tag of the file.</summary>
    public const string FormatTag = "ledger/trusted-roots/v1";

    private readonly Dictionary<BatchKey, Hash32> _roots;

    /// <summary>Trusted roots of chain <paramref name="chainId"/> (null: any chain).</summary>
    public TrustedRoots(ulong? chainId, IEnumerable<KeyValuePair<BatchKey, Hash32>> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        ChainId = chainId;
        _roots = [];
        foreach (var (key, root) in roots)
        {
            if (_roots.TryGetValue(key, out var existing) && existing != root)
            {
                throw new ArgumentException($"The {key} is listed twice with different roots ({existing} and {root}).", nameof(roots));
            }
            _roots[key] = root;
        }
    }

    /// <summary>The chain the roots belong to, when the file says.</summary>
    public ulong? ChainId { get; }

    /// <summary>Where the roots were read from (for messages), or null.</summary>
    public string? Source { get; init; }

    /// <summary>Number of roots.</summary>
    public int Count => _roots.Count;

    /// <summary>The trusted root of <paramref name="batch"/>, if listed.</summary>
    public bool TryGetRoot(BatchKey batch, out Hash32 root) => _roots.TryGetValue(batch, out root);

    /// <summary>Every (batch, root) pair.</summary>
    public IEnumerable<KeyValuePair<BatchKey, Hash32>> Roots => _roots;

    /// <summary>The roots of the given anchors (e.g. those just read from the chain).</summary>
    public static TrustedRoots FromAnchors(ulong? chainId, IEnumerable<AnchorInfo> anchors) =>
        new(chainId, anchors.Select(a => KeyValuePair.Create(a.Batch, a.Root)));

    /// <summary>Reads a trusted-roots file.</summary>
    /// <exception cref="AuditException">LEDGER-1704 when the file is missing, not JSON or not of this format.</exception>
    public static TrustedRoots Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw AuditErrors.TrustedRootsUnusable(path, ex is FileNotFoundException or DirectoryNotFoundException ? "there is no such file" : ex.Message, ex);
        }
        return Parse(json, path);
    }

    /// <summary>Reads trusted roots from JSON.</summary>
    /// <exception cref="AuditException">LEDGER-1704 when the JSON is not of this format.</exception>
    public static TrustedRoots Parse(string json, string source = "(trusted roots)")
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            const string P = "roots file";
            var format = JsonRead.String(root, "format", P);
            if (format != FormatTag)
            {
                throw new JsonShapeException($"{P}.format", $"'{JsonRead.Clip(format)}' is not {FormatTag}");
            }
            ulong? chainId = JsonRead.Optional(root, "chainId") is { } c ? JsonRead.AsU64(c, $"{P}.chainId") : null;
            var entries = new List<KeyValuePair<BatchKey, Hash32>>();
            var i = 0;
            foreach (var item in JsonRead.Array(root, "roots", P).EnumerateArray())
            {
                var path = $"{P}.roots[{i++}]";
                entries.Add(KeyValuePair.Create(
                    new BatchKey(JsonRead.Org(item, "org", path), new BatchId(JsonRead.Hash(item, "batchId", path))),
                    JsonRead.Hash(item, "root", path)));
            }
            return new TrustedRoots(chainId, entries) { Source = source };
        }
        catch (JsonException ex)
        {
            throw AuditErrors.TrustedRootsUnusable(source, "it is not valid JSON", ex);
        }
        catch (JsonShapeException ex)
        {
            throw AuditErrors.TrustedRootsUnusable(source, JsonShapeException.Sentence(ex.Where, ex.Why), ex);
        }
        catch (ArgumentException ex)
        {
            throw AuditErrors.TrustedRootsUnusable(source, ex.Message, ex);
        }
    }

    /// <summary>The roots as JSON in the file format.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", FormatTag);
            if (ChainId is { } chainId)
            {
                w.WriteNumber("chainId", chainId);
            }
            w.WriteStartArray("roots");
            foreach (var (key, root) in _roots.OrderBy(r => r.Key.Org.Code, StringComparer.Ordinal).ThenBy(r => r.Key.BatchId.Value))
            {
                w.WriteStartObject();
                w.WriteString("org", key.Org.Code);
                w.WriteString("batchId", key.BatchId.Value.ToString());
                w.WriteString("root", root.ToString());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the roots to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson());
}
