using System.Globalization;
using System.Numerics;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Core.Events;

// The typed chain events. Generated/ChainEvents.cs (scripts/generate-bindings.js) holds one record per contract
// event; each record's FromArgs and ToArgs are the only code that spells an argument's name. A ChainEvent keeps its
// arguments as strings (its stored and serialized form, unchanged since the first version); the record is derived
// from them on read, so audit indexes and bundles written by older versions read without a migration.
// docs/chain.md, "Typed events", has the reasoning.

/// <summary>The arguments of one contract event, typed.</summary>
public interface ITypedChainEvent
{
    /// <summary>The arguments in their stored form (as <see cref="ChainEvent.Args"/>): by ABI name, strings.</summary>
    IReadOnlyDictionary<string, string> ToArgs();
}

/// <summary>The arguments of one contract event, typed; <typeparamref name="TSelf"/> is the event's record.</summary>
public interface ITypedChainEvent<TSelf> : ITypedChainEvent
    where TSelf : class, ITypedChainEvent<TSelf>
{
    /// <summary>The emitting contract (as <see cref="ChainEvent.Contract"/>).</summary>
    static abstract string Contract { get; }

    /// <summary>The event's name (as <see cref="ChainEvent.Name"/>).</summary>
    static abstract string EventName { get; }

    /// <summary>The typed arguments of <paramref name="e"/>.</summary>
    /// <exception cref="FormatException">when an argument is missing or malformed (another ABI version, or a tampered store).</exception>
    static abstract TSelf FromArgs(ChainEvent e);
}

/// <summary>One typed event: its record type, where it comes from, and its argument names in stored form.</summary>
/// <param name="Type">The record.</param>
/// <param name="Contract">The emitting contract.</param>
/// <param name="Name">The event's name.</param>
/// <param name="Signature">The canonical ABI signature (e.g. <c>ConsentRevoked(bytes32,address,bytes32)</c>).</param>
/// <param name="ArgumentNames">The keys of <see cref="ChainEvent.Args"/> it reads (tuple fields as <c>terms.scopes</c>).</param>
/// <param name="Parse">Its <c>FromArgs</c>.</param>
public sealed record ChainEventDefinition(
    Type Type,
    string Contract,
    string Name,
    string Signature,
    IReadOnlyList<string> ArgumentNames,
    Func<ChainEvent, ITypedChainEvent> Parse);

/// <summary>The typed event definitions.</summary>
public static partial class ChainEventCatalogue
{
    private static readonly Lazy<Dictionary<(string Contract, string Name), ChainEventDefinition>> ByName =
        new(() => All!.ToDictionary(d => (d.Contract, d.Name)));

    /// <summary>The definition of <paramref name="contract"/>'s event <paramref name="name"/>, if there is one.</summary>
    public static ChainEventDefinition? Find(string contract, string name) =>
        ByName.Value.TryGetValue((contract, name), out var definition) ? definition : null;

    /// <summary>The typed arguments of any event, or null for an event no definition knows.</summary>
    /// <exception cref="FormatException">when an argument is missing or malformed.</exception>
    public static ITypedChainEvent? Parse(ChainEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Find(e.Contract, e.Name)?.Parse(e);
    }
}

/// <summary>
/// Reads and writes the stored (string) form of event arguments: bytes and addresses as 0x-hex (addresses
/// checksummed), integers in decimal, bools as true/false — what the indexer's decoder writes. Used by the generated
/// records only.
/// </summary>
public readonly struct ChainEventArgReader
{
    private readonly ChainEvent _event;

    /// <summary>A reader over <paramref name="e"/>'s arguments.</summary>
    public ChainEventArgReader(ChainEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        _event = e;
    }

    /// <summary>A bytes32 argument.</summary>
    public Hash32 Hash(string name) => Hash32.TryParse(Arg(name), out var value) ? value : throw Bad(name, "a 32-byte hex value");

    /// <summary>An address argument.</summary>
    public EthAddress Address(string name) => EthAddress.TryParse(Arg(name), out var value) ? value : throw Bad(name, "an account address");

    /// <summary>A bool argument.</summary>
    public bool Bool(string name) => Arg(name) switch
    {
        "true" => true,
        "false" => false,
        _ => throw Bad(name, "true or false"),
    };

    /// <summary>A string argument.</summary>
    public string Text(string name) => Arg(name);

    /// <summary>A bytes argument, as 0x-hex.</summary>
    public string Bytes(string name)
    {
        var text = Arg(name);
        return text.StartsWith("0x", StringComparison.Ordinal) && text.Length % 2 == 0 && text.Skip(2).All(Uri.IsHexDigit)
            ? text
            : throw Bad(name, "0x-hex bytes");
    }

    /// <summary>A uint8 argument.</summary>
    public byte U8(string name) => Unsigned<byte>(name, "an unsigned 8-bit integer");

    /// <summary>A uint16 argument.</summary>
    public ushort U16(string name) => Unsigned<ushort>(name, "an unsigned 16-bit integer");

    /// <summary>A uint24/uint32 argument.</summary>
    public uint U32(string name) => Unsigned<uint>(name, "an unsigned 32-bit integer");

    /// <summary>A uint40…uint64 argument.</summary>
    public ulong U64(string name) => Unsigned<ulong>(name, "an unsigned 64-bit integer");

    /// <summary>A uint72…uint128 argument.</summary>
    public UInt128 U128(string name) => Unsigned<UInt128>(name, "an unsigned 128-bit integer");

    /// <summary>A uint136…uint256 argument.</summary>
    public BigInteger U256(string name) =>
        BigInteger.TryParse(Arg(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value.GetByteCount(isUnsigned: true) <= 32
            ? value
            : throw Bad(name, "an unsigned 256-bit integer");

    /// <summary>An integer in stored form (decimal).</summary>
    public static string Number<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    /// <summary>A bool in stored form.</summary>
    public static string Bool(bool value) => value ? "true" : "false";

    private T Unsigned<T>(string name, string expected)
        where T : IBinaryInteger<T>, IUnsignedNumber<T> =>
        T.TryParse(Arg(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw Bad(name, expected);

    private string Arg(string name) =>
        _event.Args.TryGetValue(name, out var text) ? text : throw new FormatException($"The {Describe()} has no argument '{name}'.");

    private FormatException Bad(string name, string expected) => new($"The {Describe()} has '{_event.Args[name]}' as '{name}', not {expected}.");

    private string Describe() => $"{_event.Name} at block {_event.BlockNumber} (log {_event.LogIndex})";
}
