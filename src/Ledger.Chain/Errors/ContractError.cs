using System.Globalization;
using Ledger.Chain.Abi;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;

namespace Ledger.Chain.Errors;

/// <summary>One argument of a decoded custom error.</summary>
/// <param name="Name">Parameter name in the Solidity declaration.</param>
/// <param name="Type">ABI type (bytes32, uint64, address…).</param>
/// <param name="Value">Decoded value (byte[] for bytesN, string for address/string, BigInteger or smaller integer for uintN, bool).</param>
public sealed record ContractErrorArgument(string Name, string Type, object? Value)
{
    /// <summary>The value as the indexer and the docs print it: hex for bytes and addresses, decimal for numbers.</summary>
    public string Text => ContractError.Format(Value);
}

/// <summary>
/// A Solidity custom error decoded from revert data with the ABIs of every Ledger contract (errors bubble across
/// contracts, so the selector alone decides).
/// </summary>
public sealed class ContractError
{
    private static readonly FunctionCallDecoder Decoder = new();

    private ContractError(ErrorABI abi, string data, IReadOnlyList<ContractErrorArgument> arguments)
    {
        Name = abi.Name;
        Signature = $"{abi.Name}({string.Join(',', abi.InputParameters.Select(p => p.Type))})";
        Selector = "0x" + abi.Sha3Signature.ToLowerInvariant();
        Data = data;
        Arguments = arguments;
    }

    /// <summary>Error name, e.g. <c>ConsentRevokedAt</c>.</summary>
    public string Name { get; }

    /// <summary>Canonical signature, e.g. <c>ConsentRevokedAt(bytes32,uint64)</c>.</summary>
    public string Signature { get; }

    /// <summary>4-byte selector (0x + 8 hex digits).</summary>
    public string Selector { get; }

    /// <summary>The raw revert data (0x-hex).</summary>
    public string Data { get; }

    /// <summary>Arguments in declaration order.</summary>
    public IReadOnlyList<ContractErrorArgument> Arguments { get; }

    /// <summary>The contracts whose ABI declares this error.</summary>
    public IReadOnlyList<string> DeclaredBy => LedgerContracts.ContractsDeclaring(Name);

    /// <summary>Decodes revert data that starts with a known custom-error selector; null otherwise.</summary>
    public static ContractError? TryDecode(string data)
    {
        if (data.Length < 10)
        {
            return null;
        }
        var abi = LedgerContracts.FindError(data[..10]);
        if (abi is null)
        {
            return null;
        }
        try
        {
            var outputs = Decoder.DecodeError(abi, data);
            var arguments = outputs
                .OrderBy(o => o.Parameter.Order)
                .Select(o => new ContractErrorArgument(o.Parameter.Name, o.Parameter.Type, o.Result))
                .ToList();
            return new ContractError(abi, data.ToLowerInvariant(), arguments);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            // The selector matched but the arguments do not decode: not one of ours after all.
            return null;
        }
    }

    /// <summary>Formats a decoded ABI value: 0x-hex for bytes, decimal for integers.</summary>
    internal static string Format(object? value) => value switch
    {
        null => "",
        byte[] bytes => "0x" + Convert.ToHexStringLower(bytes),
        bool b => b ? "true" : "false",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list => "[" + string.Join(",", list.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}({string.Join(", ", Arguments.Select(a => $"{a.Name}={a.Text}"))})";
}
