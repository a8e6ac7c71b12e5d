using System.Numerics;
using Ledger.Api.V1;
using Ledger.Chain.Transactions;
using Ledger.Core.Ports;
using Ledger.Node.Hosting;
using Ledger.Sdk.Mapping;
using Ledger.Store.Audit;

namespace Ledger.Node.Guarantor;

/// <summary>Request parsing and index reading shared by the guarantor's and the regulator's services.</summary>
internal static class RiskRequests
{
    /// <summary>Runs a parse; a malformed field is INVALID_ARGUMENT (LEDGER-1520) naming it.</summary>
    public static T Field<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException ex)
        {
            throw NodeErrors.InvalidField(ex.Message);
        }
    }

    /// <summary>A share in basis points within <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static ushort Bps(uint value, string field, uint min, uint max, string meaning) =>
        value >= min && value <= max
            ? (ushort)value
            : throw NodeErrors.InvalidField($"{field} {value} is outside {min}..{max} ({meaning}, in basis points).");

    /// <summary>A transaction reference on the wire.</summary>
    public static ChainTx Tx(TransactionOutcome outcome) => ApiMapping.ToProto(outcome.TxHash, outcome.BlockNumber);

    /// <summary>A chain amount (uint128 read as a big integer) as the domain's amount.</summary>
    public static UInt128 Amount(BigInteger value) => (UInt128)value;

    /// <summary>Every indexed event matching <paramref name="query"/>, all pages, in chain order.</summary>
    public static List<ChainEvent> All(AuditIndex audit, EventQuery query)
    {
        var events = new List<ChainEvent>();
        string? after = null;
        while (true)
        {
            var page = audit.Find(query with { AfterId = after, Limit = AuditIndex.MaxQueryLimit });
            events.AddRange(page);
            if (page.Count < AuditIndex.MaxQueryLimit)
            {
                return events;
            }
            after = page[^1].Id;
        }
    }
}
