using System.Collections.Frozen;
using System.Globalization;
using Nethereum.ABI.ABIDeserialisation;
using Nethereum.ABI.Model;
using Newtonsoft.Json.Linq;

namespace Ledger.Chain.Abi;

/// <summary>
/// The seven contracts of a Ledger deployment and their ABIs (embedded from Generated/Abi, written by
/// <c>node scripts/generate-bindings.js</c>). Errors and events are looked up across all of them, because a revert
/// bubbles across contracts (AccessLog.recordAccess reverts with ConsentRegistry's errors).
/// </summary>
public static class LedgerContracts
{
    /// <summary>Contract names in deployment order (as scripts/lib/ledger.js <c>CONTRACTS</c>).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        Consortium, ConsentRegistry, AccessLog, LoanBook, GuaranteeBook, RiskCompensationFund, FundFlowTracker,
    ];

    /// <summary>Membership and governance.</summary>
    public const string Consortium = "Consortium";
    /// <summary>Enterprise consents.</summary>
    public const string ConsentRegistry = "ConsentRegistry";
    /// <summary>Strong-mode access records and Merkle anchors.</summary>
    public const string AccessLog = "AccessLog";
    /// <summary>Credit decisions and loans.</summary>
    public const string LoanBook = "LoanBook";
    /// <summary>Guarantees and batch agreements.</summary>
    public const string GuaranteeBook = "GuaranteeBook";
    /// <summary>The government risk-compensation fund.</summary>
    public const string RiskCompensationFund = "RiskCompensationFund";
    /// <summary>R&amp;D fund-flow tracking.</summary>
    public const string FundFlowTracker = "FundFlowTracker";

    private static readonly FrozenDictionary<string, string> AbiJson = Names.ToFrozenDictionary(n => n, ReadEmbedded, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, ContractABI> Abis =
        AbiJson.ToFrozenDictionary(kv => kv.Key, kv => new ABIJsonDeserialiser().DeserialiseContract(kv.Value), StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, ErrorABI> ErrorsBySelector = BuildErrorIndex();

    /// <summary>The ABI (JSON array) of a contract.</summary>
    public static JArray AbiOf(string contract) => JArray.Parse(AbiJson[contract]);

    /// <summary>The parsed ABI of a contract.</summary>
    public static ContractABI ContractAbi(string contract) => Abis[contract];

    /// <summary>Every custom error of every contract, once per selector.</summary>
    public static IReadOnlyCollection<ErrorABI> AllErrors => ErrorsBySelector.Values;

    /// <summary>The custom error whose 4-byte selector is <paramref name="selector"/> (0x + 8 hex digits), if any.</summary>
    public static ErrorABI? FindError(string selector) =>
        ErrorsBySelector.TryGetValue(selector.ToLowerInvariant(), out var error) ? error : null;

    /// <summary>The contracts whose ABI declares the error named <paramref name="errorName"/>.</summary>
    public static IReadOnlyList<string> ContractsDeclaring(string errorName) =>
        Names.Where(n => Abis[n].Errors.Any(e => e.Name == errorName)).ToList();

    private static FrozenDictionary<string, ErrorABI> BuildErrorIndex()
    {
        var index = new Dictionary<string, ErrorABI>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            foreach (var error in Abis[name].Errors)
            {
                index.TryAdd("0x" + error.Sha3Signature.ToLowerInvariant(), error);
            }
        }
        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ReadEmbedded(string contract)
    {
        var resource = string.Create(CultureInfo.InvariantCulture, $"Ledger.Chain.Abi.{contract}.json");
        using var stream = typeof(LedgerContracts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The ABI of {contract} is not embedded; run node scripts/generate-bindings.js and rebuild.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
