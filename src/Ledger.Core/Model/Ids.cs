using System.Text;
using Ledger.Core.Primitives;

namespace Ledger.Core.Model;

/// <summary>
/// A consortium member's id: a bytes32 holding a short ASCII code, right-padded with zeros (ethers'
/// <c>encodeBytes32String</c>), so ids stay readable on chain, e.g. <c>tax.liuzhou</c>.
/// </summary>
public readonly record struct OrgId(Hash32 Value)
{
    /// <summary>From a code of 1 to 31 printable ASCII characters.</summary>
    /// <exception cref="ArgumentException">with a sentence saying what is wrong.</exception>
    public static OrgId FromCode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length is 0 or > 31 || code.Any(ch => ch is < (char)0x21 or > (char)0x7e))
        {
            throw new ArgumentException($"An organization code is 1 to 31 printable ASCII characters without spaces; '{code}' is not.", nameof(code));
        }
        Span<byte> bytes = stackalloc byte[32];
        Encoding.ASCII.GetBytes(code, bytes);
        return new OrgId(new Hash32(bytes));
    }

    /// <summary>The code, when the id holds one; otherwise the hex.</summary>
    public string Code
    {
        get
        {
            Span<byte> bytes = stackalloc byte[32];
            Value.CopyTo(bytes);
            var end = bytes.IndexOf((byte)0);
            if (end <= 0)
            {
                return Value.ToString();
            }
            foreach (var b in bytes[end..])
            {
                if (b != 0)
                {
                    return Value.ToString();
                }
            }
            foreach (var b in bytes[..end])
            {
                if (b is < 0x21 or > 0x7e)
                {
                    return Value.ToString();
                }
            }
            return Encoding.ASCII.GetString(bytes[..end]);
        }
    }

    /// <summary>Parses a code (e.g. <c>bank.ccb</c>) or a 0x-prefixed 32-byte hex id.</summary>
    public static OrgId Parse(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length == 66 ? new OrgId(Hash32.Parse(text)) : FromCode(text);

    /// <inheritdoc/>
    public override string ToString() => Code;
}

/// <summary>A consent's id: the EIP-712 digest of its terms (bound to chain and contract).</summary>
public readonly record struct ConsentId(Hash32 Value)
{
    /// <summary>Parses 0x + 64 hex digits.</summary>
    public static ConsentId Parse(string hex) => new(Hash32.Parse(hex));
    /// <inheritdoc/>
    public override string ToString() => Value.ToString();
}

/// <summary>A loan's id, chosen by the lending bank (bytes32).</summary>
public readonly record struct LoanId(Hash32 Value)
{
    /// <summary>Parses 0x + 64 hex digits.</summary>
    public static LoanId Parse(string hex) => new(Hash32.Parse(hex));
    /// <summary>keccak256 of the bank's own reference, e.g. its contract number.</summary>
    public static LoanId FromReference(OrgId bank, string reference) =>
        new(new AbiWords().Bytes32(bank.Value).Bytes32(Keccak.Hash(reference)).Keccak());
    /// <inheritdoc/>
    public override string ToString() => Value.ToString();
}

/// <summary>Salted keccak-256 of an enterprise's unified social credit code: keccak256(abi.encode(salt, uscc)).</summary>
public readonly record struct EnterpriseHash(Hash32 Value)
{
    /// <summary>Parses 0x + 64 hex digits.</summary>
    public static EnterpriseHash Parse(string hex) => new(Hash32.Parse(hex));
    /// <inheritdoc/>
    public override string ToString() => Value.ToString();
}

/// <summary>The hash of a credit decision record.</summary>
public readonly record struct DecisionHash(Hash32 Value)
{
    /// <inheritdoc/>
    public override string ToString() => Value.ToString();
}

/// <summary>An anchor batch's id, unique per anchoring organization.</summary>
public readonly record struct BatchId(Hash32 Value)
{
    /// <summary>The deterministic id of an organization's <paramref name="sequence"/>-th batch.</summary>
    public static BatchId For(OrgId org, ulong sequence) =>
        new(new AbiWords().Bytes32(Keccak.Hash("ledger/batch/v1")).Bytes32(org.Value).Number(sequence).Keccak());
    /// <inheritdoc/>
    public override string ToString() => Value.ToString();
}

/// <summary>The canonical hash of an off-chain record.</summary>
public readonly record struct RecordHash(Hash32 Value)
{
    /// <summary>Parses 0x + 64 hex digits.</summary>
    public static RecordHash Parse(string hex) => new(Hash32.Parse(hex));
    /// <inheritdoc/>
    public override string ToString() => Value.ToString();
}

/// <summary>A batch guarantee agreement's id (bytes32).</summary>
public readonly record struct AgreementId(Hash32 Value)
{
    /// <summary>Parses 0x + 64 hex digits.</summary>
    public static AgreementId Parse(string hex) => new(Hash32.Parse(hex));
    /// <summary>
    /// The id a guarantor gives the agreement it calls <paramref name="reference"/> (its own contract number):
    /// keccak256(abi.encode(keccak256("ledger/agreement/v1"), guarantor, keccak256(utf8(reference)))).
    /// </summary>
    public static AgreementId FromReference(OrgId guarantor, string reference) =>
        new(new AbiWords().Bytes32(Keccak.Hash("ledger/agreement/v1")).Bytes32(guarantor.Value).Bytes32(Keccak.Hash(reference)).Keccak());
    /// <inheritdoc/>
    public override string ToString() => Value.ToString();
}

/// <summary>A risk-compensation fund's id (bytes32).</summary>
public readonly record struct FundId(Hash32 Value)
{
    /// <summary>Parses 0x + 64 hex digits.</summary>
    public static FundId Parse(string hex) => new(Hash32.Parse(hex));
    /// <summary>
    /// The id a regulator gives the fund it calls <paramref name="reference"/> (e.g. its programme number):
    /// keccak256(abi.encode(keccak256("ledger/fund/v1"), regulator, keccak256(utf8(reference)))).
    /// </summary>
    public static FundId FromReference(OrgId regulator, string reference) =>
        new(new AbiWords().Bytes32(Keccak.Hash("ledger/fund/v1")).Bytes32(regulator.Value).Bytes32(Keccak.Hash(reference)).Keccak());
    /// <inheritdoc/>
    public override string ToString() => Value.ToString();
}

/// <summary>A loan product code such as 税易贷 (<c>SHUIYIDAI</c>), stored like an <see cref="OrgId"/>.</summary>
public readonly record struct ProductCode(Hash32 Value)
{
    /// <summary>From an ASCII code of 1 to 31 characters.</summary>
    public static ProductCode FromCode(string code) => new(OrgId.FromCode(code).Value);
    /// <summary>The code.</summary>
    public string Code => new OrgId(Value).Code;
    /// <inheritdoc/>
    public override string ToString() => Code;
}
