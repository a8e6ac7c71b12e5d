using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Ledger.Core.TaxData;

namespace Ledger.Fuzz.Tests.Support;

/// <summary>How a request body was made (reported per service).</summary>
public enum BodyKind
{
    /// <summary>A message of the method's type with hostile field values (by the field's meaning).</summary>
    Fields,
    /// <summary>Such a message with a few bytes flipped, cut or added.</summary>
    Mutated,
    /// <summary>Random bytes.</summary>
    Random,
    /// <summary>Valid protobuf the type does not expect: unknown fields, wrong wire types, deep nesting, overlong varints.</summary>
    Wire,
    /// <summary>A message above the node's 1 MiB request limit.</summary>
    Oversized,
}

/// <summary>
/// Makes request bodies for a method from its protobuf descriptor (so every field of every request message is
/// covered without listing them by hand): each field gets values by what its name says it holds — 32-byte ids,
/// accounts, organization codes, amounts in fen, uint256 decimals, signatures, credit codes, ratings, free text,
/// times, basis points — drawn mostly from <see cref="HostileValues"/> and sometimes from the consortium's real values
/// (<see cref="FuzzSeeds"/>), so some requests pass validation and reach the deeper checks. Bodies are also mutated
/// at the byte level, replaced by random bytes, or built from protobuf the message type does not expect.
/// </summary>
public sealed class RequestGenerator(Random random, FuzzSeeds seeds)
{
    private static readonly string[] Ratings = ["A", "B", "M", "C", "D", "a", "E", "AA", "", " A", "Ａ"];
    private static readonly string[] Products = ["SHUIYIDAI", "YINSHUIDAI", "shuiyidai", "NOSUCH", "", new string('P', 31), new string('P', 32)];
    private static readonly string[] Formats = ["json", "jsonl", "csv", "JSON", "xml", "", "json\0"];

    /// <summary>Largest body made on purpose (the node takes at most 1 MiB, the tax import 64 MiB).</summary>
    public const int OversizedBytes = (1024 * 1024) + 4096;

    /// <summary>A body for a request of <paramref name="descriptor"/>, and how it was made.</summary>
    public (byte[] Body, BodyKind Kind) Body(MessageDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var roll = random.Next(1000);
        if (roll < 3)
        {
            return (Oversized(descriptor), BodyKind.Oversized);
        }
        if (roll < 80)
        {
            return (HostileValues.Bytes(random, random.Next(20) == 0 ? random.Next(256, 8192) : random.Next(0, 48)), BodyKind.Random);
        }
        if (roll < 160)
        {
            return (Wire(descriptor), BodyKind.Wire);
        }
        var body = Message(descriptor, 0).ToByteArray();
        if (roll < 260)
        {
            return (Mutate(body), BodyKind.Mutated);
        }
        return (body, BodyKind.Fields);
    }

    /// <summary>A message of <paramref name="descriptor"/> with some fields set by their meaning.</summary>
    public IMessage Message(MessageDescriptor descriptor, int depth)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var message = descriptor.Parser.ParseFrom(ByteString.Empty);
        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            if (random.Next(5) == 0)
            {
                continue; // left at its default: missing fields are a case of their own
            }
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                var count = random.Next(12) switch
                {
                    < 5 => 1,
                    5 or 6 => 2,
                    7 => 7,
                    8 => 17,
                    9 => random.Next(100, 400),
                    _ => 0,
                };
                for (var i = 0; i < count; i++)
                {
                    list.Add(Value(field, depth));
                }
            }
            else
            {
                field.Accessor.SetValue(message, Value(field, depth));
            }
        }
        return message;
    }

    private object Value(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.String => Text(field.Name),
        FieldType.Bytes => ByteString.CopyFrom(Content(field.Name)),
        FieldType.UInt64 => Number64(field.Name),
        FieldType.UInt32 => Number32(field.Name),
        FieldType.Bool => random.Next(2) == 0,
        FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, random.Next(4) switch
        {
            0 => random.Next(-3, 12),
            1 => random.Next(2) == 0 ? int.MaxValue : int.MinValue,
            _ => field.EnumType.Values[random.Next(field.EnumType.Values.Count)].Number,
        }),
        FieldType.Message => depth < 4 ? Message(field.MessageType, depth + 1) : field.MessageType.Parser.ParseFrom(ByteString.Empty),
        _ => throw new NotSupportedException($"{field.FullName}: field type {field.FieldType} has no generator; add one."),
    };

    private bool Real() => random.Next(100) < 10;

    private string Text(string name)
    {
        switch (name)
        {
            case "consent_id":
                return Real() ? seeds.ConsentId : HostileValues.Hash(random);
            case "loan_id":
                return Real() ? seeds.LoanId : HostileValues.Hash(random);
            case "decision_hash":
                return Real() ? seeds.DecisionHash : HostileValues.Hash(random);
            case "agreement_id":
                return Real() ? seeds.AgreementId : HostileValues.Hash(random);
            case "fund_id":
                return Real() ? seeds.FundId : HostileValues.Hash(random);
            case "enterprise_hash" or "credit_code_hash":
                return Real() ? seeds.EnterpriseHash : HostileValues.Hash(random);
            case "enterprise" or "account":
                return Real() ? seeds.EnterpriseAccount : HostileValues.Address(random);
            case "consumer" or "provider" or "bank" or "guarantor":
                return HostileValues.Org(random, FuzzSeeds.Orgs);
            case "nonce" or "deadline":
                return HostileValues.Uint256(random);
            case "signature":
                return HostileValues.Signature(random);
            case "credit_code":
                return random.Next(6) switch
                {
                    0 => seeds.CreditCode,
                    1 => seeds.CreditCode.ToLowerInvariant(),
                    2 => seeds.CreditCode[..17] + (seeds.CreditCode[17] == '0' ? '1' : '0'),
                    3 => SyntheticCreditCode(),
                    _ => HostileValues.Text(random),
                };
            case "rating":
                return random.Next(3) == 0 ? HostileValues.Text(random) : Ratings[random.Next(Ratings.Length)];
            case "product" or "eligible_products":
                return random.Next(3) == 0 ? HostileValues.Text(random) : Products[random.Next(Products.Length)];
            case "format":
                return random.Next(4) == 0 ? HostileValues.Text(random) : Formats[random.Next(Formats.Length)];
            case "after_id":
                return random.Next(5) switch
                {
                    0 => "0",
                    1 => random.Next(0, 50).ToString(CultureInfo.InvariantCulture),
                    2 => HostileValues.Wide(random).ToString(CultureInfo.InvariantCulture),
                    3 => "-1",
                    _ => HostileValues.Text(random),
                };
            case "request_id":
                // Mostly unique (a repeated id is refused as a duplicate, a case of its own).
                return random.Next(4) == 0 ? HostileValues.Text(random) : "fuzz-" + HostileValues.Hex(random, 24);
            case "loan_reference" or "agreement_reference" or "fund_reference" or "counterparty" or "evidence_document":
                return random.Next(3) == 0 ? "FUZZ-" + HostileValues.Hex(random, 12) : HostileValues.Text(random);
        }
        if (name.EndsWith("_fen", StringComparison.Ordinal))
        {
            return HostileValues.Amount(random);
        }
        return HostileValues.Text(random);
    }

    private string SyntheticCreditCode() =>
        SyntheticTaxpayers.Generate(1, random.Next(), DateOnly.FromDateTime(DateTime.UtcNow))[0].CreditCode.Value;

    private byte[] Content(string name)
    {
        if (name == "content" && random.Next(3) == 0)
        {
            // Lines the import understands, with hostile values spliced in (few seeds: the store does not grow with the run).
            var taxpayer = SyntheticTaxpayers.Generate(1, random.Next(1, 4), DateOnly.FromDateTime(DateTime.UtcNow))[0];
            var line = TaxpayerImport.ToJsonLine(taxpayer);
            return random.Next(3) switch
            {
                0 => Encoding.UTF8.GetBytes(line.Replace(taxpayer.CreditCode.Value, HostileValues.Text(random), StringComparison.Ordinal)),
                1 => Encoding.UTF8.GetBytes(line[..random.Next(line.Length)]),
                _ => Encoding.UTF8.GetBytes(line + "\n" + HostileValues.Text(random)),
            };
        }
        return random.Next(4) switch
        {
            0 => [],
            1 => [0xff, 0xfe, 0xc0, 0x80],          // not UTF-8
            2 => HostileValues.Utf8(HostileValues.Text(random)),
            _ => HostileValues.Bytes(random, random.Next(0, 2048)),
        };
    }

    private ulong Number64(string name) => name switch
    {
        // Few seeds: generating the same taxpayers again updates them, so the tax node's store does not grow with the run.
        "seed" => random.Next(6) switch
        {
            0 => 0,
            1 => ulong.MaxValue,
            _ => (ulong)random.Next(1, 4),
        },
        "scopes" => random.Next(4) switch
        {
            0 => (ulong)random.Next(1, 128),
            1 => 7,
            _ => HostileValues.Wide(random),
        },
        _ => HostileValues.Wide(random),
    };

    private uint Number32(string name) => name switch
    {
        // Generating taxpayers costs time per taxpayer: only the boundaries and a handful (the limit is tested at limit + 1).
        "count" => random.Next(5) switch
        {
            0 => 0,
            1 => 100_001,
            2 => uint.MaxValue,
            _ => (uint)random.Next(1, 4),
        },
        "year" => random.Next(4) switch
        {
            0 => (uint)DateTime.UtcNow.Year,
            1 => 1989,
            2 => (uint)DateTime.UtcNow.Year + 1,
            _ => HostileValues.Narrow(random),
        },
        "scopes" => (uint)random.Next(0, 256),
        _ => HostileValues.Narrow(random),
    };

    /// <summary>A few bytes of <paramref name="body"/> flipped, cut, duplicated or inserted.</summary>
    public byte[] Mutate(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var bytes = new List<byte>(body);
        var edits = random.Next(1, 4);
        for (var i = 0; i < edits; i++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    bytes.InsertRange(at, HostileValues.Bytes(random, random.Next(1, 6)));
                    break;
                case 3 when bytes.Count > 0:
                    bytes[at] = random.Next(2) == 0 ? (byte)0xff : (byte)0x00;
                    break;
                default:
                    bytes.AddRange(bytes.Take(random.Next(0, 16)).ToArray());
                    break;
            }
        }
        return [.. bytes];
    }

    /// <summary>
    /// Protobuf the message does not expect: unknown field numbers, a known field with the wrong wire type, a length
    /// beyond the end, an 11-byte varint, a group that never ends, nesting 150 deep in a message-typed (or unknown) field.
    /// </summary>
    public byte[] Wire(MessageDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream, leaveOpen: true);
        var known = descriptor.Fields.InFieldNumberOrder();
        var field = known.Count > 0 && random.Next(3) > 0 ? known[random.Next(known.Count)] : null;
        var number = field?.FieldNumber ?? random.Next(1, 536_870_911);
        switch (random.Next(8))
        {
            case 0: // unknown fields of every wire type
                output.WriteTag(random.Next(1_000, 536_870_911), WireFormat.WireType.Varint);
                output.WriteUInt64(HostileValues.Wide(random));
                output.WriteTag(random.Next(1_000, 536_870_911), WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFrom(HostileValues.Bytes(random, random.Next(0, 64))));
                output.WriteTag(random.Next(1_000, 536_870_911), WireFormat.WireType.Fixed64);
                output.WriteFixed64(HostileValues.Wide(random));
                output.WriteTag(random.Next(1_000, 536_870_911), WireFormat.WireType.Fixed32);
                output.WriteFixed32(HostileValues.Narrow(random));
                break;
            case 1: // a known field with another wire type
                output.WriteTag(number, field?.FieldType is FieldType.String or FieldType.Bytes or FieldType.Message ? WireFormat.WireType.Varint : WireFormat.WireType.LengthDelimited);
                output.WriteUInt64(HostileValues.Wide(random));
                break;
            case 2: // length beyond the end
                output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                output.WriteUInt32((uint)random.Next(1, int.MaxValue));
                output.WriteRawTag(0x41, 0x42);
                break;
            case 3: // string field with invalid UTF-8
                output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFrom(0xc3, 0x28, 0xa0, 0xa1, 0xff));
                break;
            case 4: // nesting 150 deep (past protobuf's recursion limit of 100)
                output.Flush();
                var nested = Array.Empty<byte>();
                for (var i = 0; i < 150; i++)
                {
                    using var level = new MemoryStream();
                    var levelOutput = new CodedOutputStream(level, leaveOpen: true);
                    levelOutput.WriteTag(number, WireFormat.WireType.LengthDelimited);
                    levelOutput.WriteBytes(ByteString.CopyFrom(nested));
                    levelOutput.Flush();
                    nested = level.ToArray();
                }
                stream.Write(nested);
                break;
            case 5: // an 11-byte varint
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.Flush();
                stream.Write([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
                break;
            case 6: // a group that is never closed, and one closed by another number
                output.WriteTag(number, WireFormat.WireType.StartGroup);
                output.WriteTag(number + 1, WireFormat.WireType.EndGroup);
                break;
            default: // the same field many times (last one wins; repeated fields grow)
                var one = Message(descriptor, 0).ToByteArray();
                output.Flush();
                for (var i = 0; i < random.Next(2, 40); i++)
                {
                    stream.Write(one);
                }
                break;
        }
        output.Flush();
        return stream.ToArray();
    }

    private static byte[] Oversized(MessageDescriptor descriptor)
    {
        // One string (or unknown length-delimited) field just over the node's limit.
        var field = descriptor.Fields.InFieldNumberOrder().FirstOrDefault(f => f.FieldType is FieldType.String or FieldType.Bytes);
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream, leaveOpen: true);
        output.WriteTag(field?.FieldNumber ?? 999, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(Encoding.ASCII.GetBytes(new string('x', OversizedBytes))));
        output.Flush();
        return stream.ToArray();
    }
}
