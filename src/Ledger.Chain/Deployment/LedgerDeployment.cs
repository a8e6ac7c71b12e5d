using System.Globalization;
using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Errors;
using Ledger.Core.Consent;
using Ledger.Core.Primitives;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Ledger.Chain.Deployment;

/// <summary>
/// Where a Ledger suite lives on a chain: the deployment file (<c>deployments/&lt;network&gt;.json</c>) that
/// scripts/lib/ledger.js <c>deploymentDocument</c> writes and <see cref="LedgerDeployer"/> writes the same way —
/// chain id, the block of the first deployment (where the indexer starts), addresses and ABIs.
/// </summary>
public sealed record LedgerDeployment
{
    /// <summary>The format tag written into every deployment file.</summary>
    public const string FormatTag = "ledger-deployment/1";

    /// <summary>Network name (hardhat, anvil, localhost, besu…).</summary>
    public required string Network { get; init; }

    /// <summary>Chain id the contracts were deployed on.</summary>
    public required BigInteger ChainId { get; init; }

    /// <summary>Block of the first contract (Consortium): the indexer reads from here.</summary>
    public required ulong DeployBlock { get; init; }

    /// <summary>Contract addresses by name (<see cref="LedgerContracts.Names"/>).</summary>
    public required IReadOnlyDictionary<string, EthAddress> Addresses { get; init; }

    /// <summary>Account that deployed the suite, when recorded.</summary>
    public EthAddress? Deployer { get; init; }

    /// <summary>The initial governors, when recorded.</summary>
    public IReadOnlyList<EthAddress> Governors { get; init; } = [];

    /// <summary>The initial governance threshold, when recorded.</summary>
    public int? Threshold { get; init; }

    /// <summary>Address of one contract.</summary>
    public EthAddress this[string contract] => Addresses.TryGetValue(contract, out var address)
        ? address
        : throw new KeyNotFoundException($"The deployment has no contract named {contract}.");

    /// <summary>The EIP-712 domain consents are signed in.</summary>
    public Eip712Domain ConsentDomain => Eip712Domain.ForConsentRegistry(ChainId, this[LedgerContracts.ConsentRegistry]);

    /// <summary>Reads a deployment file.</summary>
    /// <exception cref="ChainConfigurationException">when the file is missing, unreadable or incomplete.</exception>
    public static LedgerDeployment Load(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ChainConfigurationException.DeploymentFile(file, $"it cannot be read ({ex.Message}); deploy the contracts (npx hardhat run scripts/deploy.js --network <name>) or point DeploymentFile at the right file", ex);
        }
        return Parse(text, file);
    }

    /// <summary>Parses the JSON of a deployment file; <paramref name="source"/> names it in errors.</summary>
    public static LedgerDeployment Parse(string json, string source = "(deployment)")
    {
        JObject doc;
        try
        {
            doc = JObject.Parse(json);
        }
        catch (JsonReaderException ex)
        {
            throw ChainConfigurationException.DeploymentFile(source, $"it is not valid JSON ({ex.Message})", ex);
        }
        var format = (string?)doc["format"];
        if (format is not null && format != FormatTag)
        {
            throw ChainConfigurationException.DeploymentFile(source, $"its format is '{format}', this version reads '{FormatTag}'");
        }
        if (doc["chainId"] is not JValue chainId || doc["deployBlock"] is not JValue deployBlock || doc["contracts"] is not JObject contracts)
        {
            throw ChainConfigurationException.DeploymentFile(source, "it lacks chainId, deployBlock or contracts");
        }
        var addresses = new Dictionary<string, EthAddress>(StringComparer.Ordinal);
        foreach (var name in LedgerContracts.Names)
        {
            var text = (string?)contracts[name]?["address"];
            if (!EthAddress.TryParse(text, out var address))
            {
                throw ChainConfigurationException.DeploymentFile(source, $"it has no valid address for {name}");
            }
            addresses[name] = address;
        }
        return new LedgerDeployment
        {
            Network = (string?)doc["network"] ?? "unknown",
            ChainId = BigInteger.Parse(chainId.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            DeployBlock = ulong.Parse(deployBlock.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            Addresses = addresses,
            Deployer = EthAddress.TryParse((string?)doc["deployer"], out var deployer) ? deployer : null,
            Governors = doc["governors"] is JArray governors ? governors.Select(g => EthAddress.Parse((string)g!)).ToList() : [],
            Threshold = (int?)doc["threshold"],
        };
    }

    /// <summary>The JSON document, key for key as scripts/lib/ledger.js writes it (ABIs from the embedded bindings).</summary>
    public JObject ToJson()
    {
        var contracts = new JObject();
        foreach (var name in LedgerContracts.Names)
        {
            contracts[name] = new JObject { ["address"] = this[name].ToString(), ["abi"] = LedgerContracts.AbiOf(name) };
        }
        var doc = new JObject
        {
            ["format"] = FormatTag,
            ["network"] = Network,
            ["chainId"] = ChainId <= long.MaxValue ? new JValue((long)ChainId) : new JValue(ChainId.ToString(CultureInfo.InvariantCulture)),
            ["deployBlock"] = DeployBlock,
            ["consentDomain"] = new JObject
            {
                ["name"] = Eip712Domain.ConsentRegistryName,
                ["version"] = Eip712Domain.ConsentRegistryVersion,
            },
        };
        if (Deployer is { } deployer)
        {
            doc["deployer"] = deployer.ToString();
        }
        if (Governors.Count > 0)
        {
            doc["governors"] = new JArray(Governors.Select(g => g.ToString()));
        }
        if (Threshold is { } threshold)
        {
            doc["threshold"] = threshold;
        }
        doc["contracts"] = contracts;
        return doc;
    }

    /// <summary>Writes the deployment file (atomically: a half-written file never replaces a good one).</summary>
    public void Save(string file)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, "." + Path.GetFileName(file) + ".tmp");
        File.WriteAllText(temporary, ToJson().ToString(Formatting.Indented).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        File.Move(temporary, file, overwrite: true);
    }
}
