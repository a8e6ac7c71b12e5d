using System.Diagnostics.CodeAnalysis;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.TaxData;

/// <summary>
/// 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters from a 31-character alphabet, with
/// the organization code's check character (GB 11714) at position 17 and the code's own check character at 18.
/// </summary>
public readonly record struct CreditCode
{
    /// <summary>The alphabet: digits and upper-case letters without I, O, S, V, Z.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    private static readonly int[] OrgCodeWeights = [3, 7, 9, 10, 5, 8, 4, 2];

    private CreditCode(string value) => Value = value;

    /// <summary>The 18 characters.</summary>
    public string Value { get; }

    /// <summary>Parses and checks both check characters.</summary>
    /// <exception cref="FormatException">with a sentence saying what is wrong.</exception>
    public static CreditCode Parse(string text)
    {
        if (!TryParse(text, out var code, out var problem))
        {
            throw new FormatException(problem);
        }
        return code;
    }

    /// <summary>Parses and checks both check characters.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out CreditCode code) => TryParse(text, out code, out _);

    private static bool TryParse(string? text, out CreditCode code, out string problem)
    {
        code = default;
        if (text is null || text.Length != 18)
        {
            problem = $"'{text}' is not a unified social credit code: it must have 18 characters.";
            return false;
        }
        var upper = text.ToUpperInvariant();
        foreach (var ch in upper)
        {
            if (!Alphabet.Contains(ch, StringComparison.Ordinal))
            {
                problem = $"'{text}' is not a unified social credit code: '{ch}' is not allowed (digits and letters except I, O, S, V, Z).";
                return false;
            }
        }
        if (upper[16] != OrgCodeCheck(upper.AsSpan(8, 8)))
        {
            problem = $"'{text}' is not a unified social credit code: the organization code's check character (17th) is wrong.";
            return false;
        }
        if (upper[17] != Check(upper.AsSpan(0, 17)))
        {
            problem = $"'{text}' is not a unified social credit code: its check character (18th) is wrong.";
            return false;
        }
        code = new CreditCode(upper);
        problem = "";
        return true;
    }

    /// <summary>Completes 16 characters (authority, type, division, organization code body) with both check characters.</summary>
    public static CreditCode Complete(string first16)
    {
        ArgumentNullException.ThrowIfNull(first16);
        if (first16.Length != 16 || first16.Any(ch => !Alphabet.Contains(ch, StringComparison.Ordinal)))
        {
            throw new ArgumentException("Sixteen characters of the credit-code alphabet are needed.", nameof(first16));
        }
        var with17 = first16 + OrgCodeCheck(first16.AsSpan(8, 8));
        return new CreditCode(with17 + Check(with17));
    }

    /// <summary>The salted hash that goes on chain: keccak256(abi.encode(salt, code)) — as ethers' creditCodeHash.</summary>
    public EnterpriseHash Hash(Hash32 salt) => new(Keccak.Hash(AbiEncodeSaltAndString(salt, Value)));

    /// <inheritdoc/>
    public override string ToString() => Value;

    private static char Check(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += Alphabet.IndexOf(first17[i], StringComparison.Ordinal) * Weights[i];
        }
        var c = 31 - (sum % 31);
        return Alphabet[c == 31 ? 0 : c];
    }

    // The organization code (positions 9–17) carries its own GB 11714 check character over positions 9–16. Letters
    // count as 10 + their position in A–Z (the organization code alphabet).
    private static char OrgCodeCheck(ReadOnlySpan<char> body8)
    {
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var ch = body8[i];
            var value = char.IsAsciiDigit(ch) ? ch - '0' : ch - 'A' + 10;
            sum += value * OrgCodeWeights[i];
        }
        var c = 11 - (sum % 11);
        return c switch
        {
            10 => 'X',
            11 => '0',
            _ => (char)('0' + c),
        };
    }

    // abi.encode(bytes32 salt, string code): head (salt, offset 0x40), then length and the padded UTF-8 bytes.
    private static byte[] AbiEncodeSaltAndString(Hash32 salt, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var padded = (bytes.Length + 31) / 32 * 32;
        var buffer = new byte[32 * 3 + padded];
        salt.CopyTo(buffer);
        buffer[63] = 0x40;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(buffer.AsSpan(88), (ulong)bytes.Length);
        bytes.CopyTo(buffer, 96);
        return buffer;
    }
}
