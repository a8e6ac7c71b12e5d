using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Audit.Bundle;

/// <summary>A JSON document does not have the expected shape at <see cref="Where"/>.</summary>
internal sealed class JsonShapeException(string where, string why) : Exception($"{where}: {why}")
{
    public string Where { get; } = where;

    public string Why { get; } = why;

    /// <summary>"records[3].fields.consumer is missing", "records[3].anchor.proof[0]: '0x12' is not …".</summary>
    public static string Sentence(string where, string why) => why.StartsWith("is ", StringComparison.Ordinal) ? $"{where} {why}" : $"{where}: {why}";
}

/// <summary>Typed reads of JSON members that say where and what is wrong.</summary>
internal static class JsonRead
{
    public static JsonElement Member(JsonElement obj, string name, string path)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw new JsonShapeException(path, $"expected an object, found {Describe(obj)}");
        }
        return obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new JsonShapeException($"{path}.{name}", "is missing");
    }

    public static JsonElement? Optional(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static JsonElement Object(JsonElement obj, string name, string path)
    {
        var value = Member(obj, name, path);
        return value.ValueKind == JsonValueKind.Object ? value : throw new JsonShapeException($"{path}.{name}", $"expected an object, found {Describe(value)}");
    }

    public static JsonElement Array(JsonElement obj, string name, string path)
    {
        var value = Member(obj, name, path);
        return value.ValueKind == JsonValueKind.Array ? value : throw new JsonShapeException($"{path}.{name}", $"expected an array, found {Describe(value)}");
    }

    public static string String(JsonElement obj, string name, string path) => AsString(Member(obj, name, path), $"{path}.{name}");

    public static string AsString(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new JsonShapeException(path, $"expected a string, found {Describe(value)}");

    public static Hash32 Hash(JsonElement obj, string name, string path) => AsHash(Member(obj, name, path), $"{path}.{name}");

    public static Hash32 AsHash(JsonElement value, string path)
    {
        var text = AsString(value, path);
        return Hash32.TryParse(text, out var hash) && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? hash
            : throw new JsonShapeException(path, $"'{Clip(text)}' is not a 32-byte hex value (0x and 64 hex digits)");
    }

    public static OrgId Org(JsonElement obj, string name, string path)
    {
        var text = String(obj, name, path);
        try
        {
            return OrgId.Parse(text);
        }
        catch (ArgumentException)
        {
            throw new JsonShapeException($"{path}.{name}", $"'{Clip(text)}' is neither an organization code nor a 32-byte hex id");
        }
    }

    public static EthAddress Address(JsonElement value, string path)
    {
        var text = AsString(value, path);
        return EthAddress.TryParse(text, out var address) ? address : throw new JsonShapeException(path, $"'{Clip(text)}' is not an account address");
    }

    public static bool Bool(JsonElement obj, string name, string path)
    {
        var value = Member(obj, name, path);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new JsonShapeException($"{path}.{name}", $"expected true or false, found {Describe(value)}"),
        };
    }

    public static ulong U64(JsonElement obj, string name, string path) => AsU64(Member(obj, name, path), $"{path}.{name}");

    /// <summary>A uint64 as a JSON number or a decimal string (readers in JavaScript lose precision above 2^53).</summary>
    public static ulong AsU64(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var number))
        {
            return number;
        }
        if (value.ValueKind == JsonValueKind.String && ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }
        throw new JsonShapeException(path, $"expected an unsigned 64-bit integer, found {Describe(value)}");
    }

    public static uint U32(JsonElement obj, string name, string path)
    {
        var value = U64(obj, name, path);
        return value <= uint.MaxValue ? (uint)value : throw new JsonShapeException($"{path}.{name}", $"{value} is above {uint.MaxValue}");
    }

    public static ushort U16(JsonElement obj, string name, string path)
    {
        var value = U64(obj, name, path);
        return value <= ushort.MaxValue ? (ushort)value : throw new JsonShapeException($"{path}.{name}", $"{value} is above {ushort.MaxValue}");
    }

    public static byte U8(JsonElement obj, string name, string path)
    {
        var value = U64(obj, name, path);
        return value <= byte.MaxValue ? (byte)value : throw new JsonShapeException($"{path}.{name}", $"{value} is above {byte.MaxValue}");
    }

    public static int I32(JsonElement obj, string name, string path)
    {
        var value = U64(obj, name, path);
        return value <= int.MaxValue ? (int)value : throw new JsonShapeException($"{path}.{name}", $"{value} is above {int.MaxValue}");
    }

    /// <summary>A uint128 as a decimal string (or a JSON number that fits).</summary>
    public static UInt128 U128(JsonElement obj, string name, string path)
    {
        var value = Member(obj, name, path);
        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var small))
        {
            return small;
        }
        if (value.ValueKind == JsonValueKind.String && UInt128.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var big))
        {
            return big;
        }
        throw new JsonShapeException($"{path}.{name}", $"expected an unsigned 128-bit integer as a decimal string, found {Describe(value)}");
    }

    public static BigInteger U256(string text, string path) =>
        BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value.GetByteCount(isUnsigned: true) <= 32
            ? value
            : throw new JsonShapeException(path, $"'{Clip(text)}' is not an unsigned 256-bit decimal integer");

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Clip(value.GetString() ?? "")}\"",
        JsonValueKind.Number => $"the number {Clip(value.GetRawText())}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    public static string Clip(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
