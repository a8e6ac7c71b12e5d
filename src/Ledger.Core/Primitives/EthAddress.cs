using System.Diagnostics.CodeAnalysis;
using Nethereum.Util;

namespace Ledger.Core.Primitives;

/// <summary>A 20-byte Ethereum account address, printed with its EIP-55 checksum.</summary>
public readonly record struct EthAddress
{
    private readonly string _checksummed;

    private EthAddress(string checksummed) => _checksummed = checksummed;

    /// <summary>The zero address.</summary>
    public static readonly EthAddress Zero = new("0x0000000000000000000000000000000000000000");

    /// <summary>True for the zero address (or a default value).</summary>
    public bool IsZero => _checksummed is null || _checksummed == Zero._checksummed;

    /// <summary>Parses 0x + 40 hex digits; mixed-case input must carry a valid EIP-55 checksum.</summary>
    /// <exception cref="FormatException">with a sentence saying what is wrong.</exception>
    public static EthAddress Parse(string text)
    {
        if (!TryParse(text, out var address))
        {
            throw new FormatException($"'{text}' is not an Ethereum address (expected 0x followed by 40 hex digits, with a valid checksum if mixed-case).");
        }
        return address;
    }

    /// <summary>Parses 0x + 40 hex digits; mixed-case input must carry a valid EIP-55 checksum.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out EthAddress address)
    {
        address = default;
        if (text is null || text.Length != 42 || !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        foreach (var ch in text.AsSpan(2))
        {
            if (!char.IsAsciiHexDigit(ch))
            {
                return false;
            }
        }
        var body = text[2..];
        var mixed = body.Any(char.IsAsciiLetterUpper) && body.Any(char.IsAsciiLetterLower);
        var checksummed = new AddressUtil().ConvertToChecksumAddress(text);
        if (mixed && !string.Equals(checksummed, "0x" + body, StringComparison.Ordinal))
        {
            return false;
        }
        address = new EthAddress(checksummed);
        return true;
    }

    /// <summary>From 20 raw bytes.</summary>
    public static EthAddress FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 20)
        {
            throw new ArgumentException($"An address has 20 bytes, not {bytes.Length}.", nameof(bytes));
        }
        return Parse("0x" + Convert.ToHexStringLower(bytes));
    }

    /// <summary>The 20 raw bytes.</summary>
    public byte[] ToBytes() => Convert.FromHexString((_checksummed ?? Zero._checksummed)[2..]);

    /// <summary>EIP-55 checksummed form.</summary>
    public override string ToString() => _checksummed ?? Zero._checksummed;
}
