using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Ledger.Core.Primitives;

namespace Ledger.Core.Consent;

/// <summary>
/// Ledger's EIP-712 types and domains from their one definition, <c>contracts/eip712/types.json</c> (embedded in this
/// assembly; the JS scripts and fixtures read the same file, and tests hold the contracts' typehash constants to it).
/// A struct is hashed by naming its fields (<see cref="Struct"/>): the order, the type strings and the typehashes all
/// come from the definition, so they cannot drift apart.
/// </summary>
public static class Eip712Types
{
    /// <summary>The name of the domain type.</summary>
    public const string DomainType = "EIP712Domain";

    private static readonly Definition Loaded = Definition.Load();

    /// <summary>The primary types defined (Consent, Revocation, Narrowing, Binding, LedgerRequest, EnterpriseRequest).</summary>
    public static IReadOnlyCollection<string> PrimaryTypes => Loaded.Order;

    /// <summary>The fields of <paramref name="type"/> (a primary type or <see cref="DomainType"/>), in encoding order.</summary>
    /// <exception cref="ArgumentException">when the type is not defined.</exception>
    public static IReadOnlyList<Eip712Field> Fields(string type) => Loaded.Type(type).Fields;

    /// <summary>The EIP-712 type string (<c>encodeType</c>) of <paramref name="type"/>, e.g. <c>Revocation(bytes32 consentId,uint256 nonce,uint256 deadline)</c>.</summary>
    public static string TypeString(string type) => Loaded.Type(type).TypeString;

    /// <summary>keccak256 of <see cref="TypeString"/>.</summary>
    public static Hash32 TypeHash(string type) => Loaded.Type(type).TypeHash;

    /// <summary>A named domain's name and version (<c>ConsentRegistry</c>, <c>Grpc</c>).</summary>
    public static (string Name, string Version) Domain(string key) =>
        Loaded.Domains.TryGetValue(key, out var domain) ? domain : throw new ArgumentException($"No EIP-712 domain '{key}' is defined.", nameof(key));

    /// <summary>An empty struct of <paramref name="primaryType"/> (a signed type or a record type) to fill by field name and hash.</summary>
    public static Eip712Struct Struct(string primaryType) => new(Loaded.Type(primaryType));

    /// <summary>
    /// The off-chain record types (AccessRecord, Refusal, DeletionReceipt, FundFlowEvidence, CreditDecision): never
    /// signed, but hashed as EIP-712 hashes a struct, so any ABI library recomputes a record's hash from this definition.
    /// </summary>
    public static IReadOnlyCollection<string> RecordTypes => Loaded.Records;

    /// <summary>The type string a record of <paramref name="recordType"/> made before its last field existed hashes under (its <c>legacyWithout</c> field left out).</summary>
    public static string LegacyTypeString(string recordType) => LegacyType(recordType).TypeString;

    /// <summary>An empty struct of <paramref name="recordType"/>'s earlier form (<see cref="LegacyTypeString"/>).</summary>
    public static Eip712Struct LegacyStruct(string recordType) => new(LegacyType(recordType));

    private static TypeDefinition LegacyType(string recordType) =>
        Loaded.Legacy.TryGetValue(recordType, out var type) ? type : throw new ArgumentException($"The record type '{recordType}' has no earlier form.", nameof(recordType));

    internal sealed record TypeDefinition(string Name, Eip712Field[] Fields, FrozenDictionary<string, int> Index, string TypeString, Hash32 TypeHash);

    private sealed record Definition(
        FrozenDictionary<string, TypeDefinition> Types, string[] Order, string[] Records, FrozenDictionary<string, TypeDefinition> Legacy,
        FrozenDictionary<string, (string, string)> Domains)
    {
        public TypeDefinition Type(string name) =>
            Types.TryGetValue(name, out var type) ? type : throw new ArgumentException($"No EIP-712 type '{name}' is defined in contracts/eip712/types.json.", nameof(name));

        public static Definition Load()
        {
            using var stream = typeof(Eip712Types).Assembly.GetManifestResourceStream("Ledger.Core.Eip712.types.json")
                ?? throw new InvalidOperationException("The EIP-712 definition (contracts/eip712/types.json) is not embedded in Ledger.Core.");
            using var document = JsonDocument.Parse(stream);
            var root = document.RootElement;
            var types = new Dictionary<string, TypeDefinition>(StringComparer.Ordinal);
            var order = new List<string>();
            var domains = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
            foreach (var entry in root.GetProperty("domains").EnumerateObject())
            {
                if (entry.Name == DomainType)
                {
                    types[DomainType] = Build(DomainType, entry.Value);
                }
                else
                {
                    domains[entry.Name] = (entry.Value.GetProperty("name").GetString()!, entry.Value.GetProperty("version").GetString()!);
                }
            }
            foreach (var entry in root.GetProperty("types").EnumerateObject())
            {
                types[entry.Name] = Build(entry.Name, entry.Value);
                order.Add(entry.Name);
            }
            var records = new List<string>();
            var legacy = new Dictionary<string, TypeDefinition>(StringComparer.Ordinal);
            foreach (var entry in root.GetProperty("records").EnumerateObject())
            {
                var record = Build(entry.Name, entry.Value.GetProperty("fields"));
                types.Add(entry.Name, record);
                records.Add(entry.Name);
                if (entry.Value.TryGetProperty("legacyWithout", out var dropped))
                {
                    var kept = entry.Value.GetProperty("fields").EnumerateArray().Where(f => f.GetProperty("name").GetString() != dropped.GetString()).ToArray();
                    legacy[entry.Name] = Build(entry.Name, kept);
                }
            }
            return new Definition(
                types.ToFrozenDictionary(StringComparer.Ordinal), [.. order], [.. records], legacy.ToFrozenDictionary(StringComparer.Ordinal),
                domains.ToFrozenDictionary(StringComparer.Ordinal));
        }

        private static TypeDefinition Build(string name, JsonElement fields) => Build(name, fields.EnumerateArray());

        private static TypeDefinition Build(string name, IEnumerable<JsonElement> fields)
        {
            var list = fields
                .Select(f => new Eip712Field(f.GetProperty("name").GetString()!, f.GetProperty("type").GetString()!))
                .ToArray();
            if (list.Length > 64)
            {
                throw new InvalidOperationException($"The EIP-712 type {name} has more than 64 fields.");
            }
            foreach (var field in list)
            {
                _ = field.Kind; // an unsupported type fails here, at load
            }
            var typeString = $"{name}({string.Join(',', list.Select(f => $"{f.Type} {f.Name}"))})";
            var index = list.Select((f, i) => (f.Name, i)).ToFrozenDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
            return new TypeDefinition(name, list, index, typeString, Keccak.Hash(typeString));
        }
    }
}

/// <summary>One field of an EIP-712 type.</summary>
/// <param name="Name">Its name, e.g. <c>creditCodeHash</c>.</param>
/// <param name="Type">Its Solidity type: <c>address</c>, <c>bytes32</c>, <c>string</c> or <c>uint8</c> … <c>uint256</c>.</param>
public sealed record Eip712Field(string Name, string Type)
{
    /// <summary>The field's kind: 'a' address, 'o' bool, 'b' bytes32, 's' string, 'u' unsigned integer.</summary>
    internal char Kind => Type switch
    {
        "address" => 'a',
        "bool" => 'o',
        "bytes32" => 'b',
        "string" => 's',
        _ when Type.StartsWith("uint", StringComparison.Ordinal) => 'u',
        _ => throw new InvalidOperationException($"The EIP-712 field {Name} has the type {Type}, which Ledger does not encode (address, bool, bytes32, string, uintN)."),
    };

    /// <summary>The bit width of a uintN field.</summary>
    internal int Bits => int.Parse(Type.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture);
}

/// <summary>
/// An EIP-712 struct being filled by field name (<see cref="Eip712Types.Struct"/>): each value is checked against its
/// field's declared type; <see cref="Hash"/> needs every field set. It also keeps each value as wallets show it
/// (<see cref="Message"/>: addresses and bytes32 as 0x-hex, integers as decimal strings, rendered when asked) for
/// typed-data JSON.
/// </summary>
public sealed class Eip712Struct
{
    private readonly Eip712Types.TypeDefinition _type;
    private readonly byte[] _words;
    private string?[]? _strings;
    private ulong _set;

    internal Eip712Struct(Eip712Types.TypeDefinition type)
    {
        _type = type;
        _words = new byte[(type.Fields.Length + 1) * 32];
        type.TypeHash.CopyTo(_words);
    }

    /// <summary>The primary type.</summary>
    public string PrimaryType => _type.Name;

    /// <summary>Sets a <c>bytes32</c> field.</summary>
    public Eip712Struct Set(string field, Hash32 value)
    {
        var i = Slot(field, 'b');
        value.CopyTo(Word(i));
        return this;
    }

    /// <summary>Sets an <c>address</c> field.</summary>
    public Eip712Struct Set(string field, EthAddress value)
    {
        var i = Slot(field, 'a');
        var word = Word(i);
        word.Clear();
        value.ToBytes().CopyTo(word[12..]);
        return this;
    }

    /// <summary>Sets a <c>uintN</c> field; the value must fit N bits.</summary>
    public Eip712Struct Set(string field, ulong value)
    {
        var i = Slot(field, 'u');
        CheckWidth(i, value == 0 ? 0 : 64 - BitOperations.LeadingZeroCount(value));
        var word = Word(i);
        word.Clear();
        BinaryPrimitives.WriteUInt64BigEndian(word[24..], value);
        return this;
    }

    /// <summary>Sets a <c>uintN</c> field (N ≥ the value's bits) from a 128-bit amount.</summary>
    public Eip712Struct Set(string field, UInt128 value)
    {
        var i = Slot(field, 'u');
        CheckWidth(i, value == UInt128.Zero ? 0 : 128 - (int)UInt128.LeadingZeroCount(value));
        var word = Word(i);
        word.Clear();
        BinaryPrimitives.WriteUInt128BigEndian(word[16..], value);
        return this;
    }

    /// <summary>Sets a <c>bool</c> field.</summary>
    public Eip712Struct Set(string field, bool value)
    {
        var i = Slot(field, 'o');
        var word = Word(i);
        word.Clear();
        word[31] = value ? (byte)1 : (byte)0;
        return this;
    }

    /// <summary>Sets a <c>uintN</c> field from a non-negative integer that fits N bits.</summary>
    public Eip712Struct Set(string field, BigInteger value)
    {
        var i = Slot(field, 'u');
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{_type.Name}.{field} is unsigned.");
        }
        CheckWidth(i, (int)value.GetBitLength());
        var word = Word(i);
        word.Clear();
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(word[(32 - bytes.Length)..]);
        return this;
    }

    /// <summary>Sets a <c>string</c> field (encoded as the keccak256 of its UTF-8 bytes).</summary>
    public Eip712Struct Set(string field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var i = Slot(field, 's');
        Keccak.Hash(value).CopyTo(Word(i));
        (_strings ??= new string?[_type.Fields.Length])[i] = value;
        return this;
    }

    /// <summary>The struct hash: keccak256(typeHash ‖ encodeData).</summary>
    /// <exception cref="InvalidOperationException">when a field was not set.</exception>
    public Hash32 Hash()
    {
        CheckComplete();
        return Keccak.Hash(_words);
    }

    /// <summary>The message as wallets take it: every field in definition order, with its value as a string.</summary>
    public IReadOnlyList<(Eip712Field Field, string Value)> Message()
    {
        CheckComplete();
        return [.. _type.Fields.Select((f, i) => (f, Shown(f, i)))];
    }

    private string Shown(Eip712Field field, int index) => field.Kind switch
    {
        'a' => EthAddress.FromBytes(Word(index)[12..]).ToString(),
        'b' => new Hash32(Word(index)).ToString(),
        'o' => Word(index)[31] == 1 ? "true" : "false",
        's' => _strings![index]!,
        _ => new BigInteger(Word(index), isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture),
    };

    private Span<byte> Word(int index) => _words.AsSpan((index + 1) * 32, 32);

    private int Slot(string field, char kind)
    {
        if (!_type.Index.TryGetValue(field, out var i))
        {
            throw new ArgumentException($"The EIP-712 type {_type.Name} has no field '{field}'.", nameof(field));
        }
        if (_type.Fields[i].Kind != kind)
        {
            throw new ArgumentException($"{_type.Name}.{field} is a {_type.Fields[i].Type}; a value of another kind was given.", nameof(field));
        }
        _set |= 1UL << i;
        return i;
    }

    private void CheckWidth(int index, int bits)
    {
        if (bits > _type.Fields[index].Bits)
        {
            throw new ArgumentOutOfRangeException(_type.Fields[index].Name, $"{_type.Name}.{_type.Fields[index].Name} is a {_type.Fields[index].Type}; the value needs {bits} bits.");
        }
    }

    private void CheckComplete()
    {
        var all = _type.Fields.Length == 64 ? ulong.MaxValue : (1UL << _type.Fields.Length) - 1;
        if (_set != all)
        {
            var missing = _type.Fields.Where((_, i) => (_set & (1UL << i)) == 0).Select(f => f.Name);
            throw new InvalidOperationException($"The EIP-712 struct {_type.Name} lacks {string.Join(", ", missing)}.");
        }
    }
}

/// <summary>EIP-712 typed data as wallets take it (<c>eth_signTypedData_v4</c>): types, primary type, domain and message.</summary>
public static class Eip712TypedData
{
    /// <summary>
    /// The JSON of <paramref name="message"/> under <paramref name="domain"/>. Integers of the message are decimal strings
    /// (exact for uint256); the chain id is a number.
    /// </summary>
    public static string Json(Eip712Domain domain, Eip712Struct message)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(message);
        var values = message.Message();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions()))
        {
            w.WriteStartObject();
            w.WriteStartObject("types");
            WriteFields(w, Eip712Types.DomainType, Eip712Types.Fields(Eip712Types.DomainType));
            WriteFields(w, message.PrimaryType, values.Select(v => v.Field));
            w.WriteEndObject();
            w.WriteString("primaryType", message.PrimaryType);
            w.WriteStartObject("domain");
            w.WriteString("name", domain.Name);
            w.WriteString("version", domain.Version);
            w.WriteNumber("chainId", (ulong)domain.ChainId);
            w.WriteString("verifyingContract", domain.VerifyingContract.ToString());
            w.WriteEndObject();
            w.WriteStartObject("message");
            foreach (var (field, value) in values)
            {
                w.WriteString(field.Name, value);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteFields(Utf8JsonWriter w, string name, IEnumerable<Eip712Field> fields)
    {
        w.WriteStartArray(name);
        foreach (var field in fields)
        {
            w.WriteStartObject();
            w.WriteString("name", field.Name);
            w.WriteString("type", field.Type);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
