using System.Collections.Frozen;
using System.Globalization;
using Ledger.Chain.Abi;
using Ledger.Chain.Deployment;
using Ledger.Chain.Errors;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Chain.Indexing;

/// <summary>Decodes the logs of a Ledger deployment into <see cref="ChainEvent"/>s, by contract address and event topic.</summary>
public sealed class EventDecoder
{
    private readonly FrozenDictionary<string, (string Contract, FrozenDictionary<string, EventABI> Events)> _byAddress;

    /// <summary>Decoder for the contracts of <paramref name="deployment"/>.</summary>
    public EventDecoder(LedgerDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        _byAddress = LedgerContracts.Names.ToFrozenDictionary(
            name => deployment[name].ToString().ToLowerInvariant(),
            name => (name, LedgerContracts.ContractAbi(name).Events
                .ToFrozenDictionary(e => "0x" + e.Sha3Signature.ToLowerInvariant(), e => e, StringComparer.Ordinal)),
            StringComparer.Ordinal);
    }

    /// <summary>The addresses whose logs this decoder understands.</summary>
    public IReadOnlyList<string> Addresses => _byAddress.Keys;

    /// <summary>Decodes one log; <paramref name="blockTimestamp"/> is its block's time (unix seconds).</summary>
    /// <exception cref="IndexerException">when the log is from an unknown address or event.</exception>
    public ChainEvent Decode(FilterLog log, ulong blockTimestamp)
    {
        ArgumentNullException.ThrowIfNull(log);
        var address = log.Address?.ToLowerInvariant() ?? "";
        var topic = log.Topics is { Length: > 0 } ? log.Topics[0]?.ToString()?.ToLowerInvariant() ?? "" : "";
        if (!_byAddress.TryGetValue(address, out var contract) || !contract.Events.TryGetValue(topic, out var abi))
        {
            throw new IndexerException(
                $"The log at block {log.BlockNumber?.Value}, index {log.LogIndex?.Value} (address {log.Address}, topic {topic}) matches no event of the deployed contracts. "
                + "The bindings are older than the contracts: regenerate them (node scripts/generate-bindings.js) and rebuild.");
        }
        Dictionary<string, string> args;
        try
        {
            var decoded = abi.DecodeEventDefaultTopics(log);
            args = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var output in decoded.Event)
            {
                Flatten(output.Parameter.Name, output.Parameter.Type, output.Result, args);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new IndexerException($"The {contract.Contract}.{abi.Name} log at block {log.BlockNumber?.Value} does not decode with the current ABI; regenerate the bindings.", ex);
        }
        return new ChainEvent(
            contract.Contract,
            abi.Name,
            (ulong)log.BlockNumber.Value,
            blockTimestamp,
            Hash32.Parse(log.TransactionHash),
            (int)log.LogIndex.Value,
            args);
    }

    private static void Flatten(string name, string type, object? value, Dictionary<string, string> into)
    {
        if (value is List<ParameterOutput> tuple)
        {
            foreach (var field in tuple)
            {
                Flatten($"{name}.{field.Parameter.Name}", field.Parameter.Type, field.Result, into);
            }
            return;
        }
        into[name] = Format(type, value);
    }

    /// <summary>bytes and addresses as 0x-hex (addresses checksummed), integers in decimal, bools as true/false.</summary>
    internal static string Format(string type, object? value) => value switch
    {
        null => "",
        string s when type == "address" && EthAddress.TryParse(s, out var address) => address.ToString(),
        string s => s,
        byte[] bytes => "0x" + Convert.ToHexStringLower(bytes),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list => "[" + string.Join(",", list.Cast<object?>().Select(v => Format(type.TrimEnd(']').TrimEnd('[', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), v))) + "]",
        _ => value.ToString() ?? "",
    };
}
