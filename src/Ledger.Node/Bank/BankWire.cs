using System.Globalization;
using Ledger.Api.V1;
using Ledger.Chain.Transactions;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;
using Ledger.Sdk.Mapping;
using Ledger.Store.Records;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Node.Bank;

/// <summary>
/// Reading request fields of the lending and fund-flow services (a malformed field is LEDGER-1520 naming it) and
/// writing the shared reply parts.
/// </summary>
internal static class BankWire
{
    /// <summary>Longest free-text field accepted (loan references, counterparties, evidence documents).</summary>
    public const int MaxText = 256;

    public static Hash32 Hash(string? text, string field)
    {
        try
        {
            return ApiMapping.Hash(text, field);
        }
        catch (FormatException ex)
        {
            throw NodeErrors.InvalidField(ex.Message);
        }
    }

    public static OrgId Org(string? text, string field)
    {
        try
        {
            return ApiMapping.Org(text, field);
        }
        catch (FormatException ex)
        {
            throw NodeErrors.InvalidField(ex.Message);
        }
    }

    /// <summary>A uint128 amount in fen written as a decimal string; empty gives <paramref name="empty"/> (null: required).</summary>
    public static UInt128 Amount(string? text, string field, UInt128? empty = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return empty ?? throw NodeErrors.InvalidField($"{field} is empty; give an amount in fen as a decimal number, e.g. 500000000 for 5,000,000.00 CNY.");
        }
        if (text.Length > 39 || !UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw NodeErrors.InvalidField($"{field} must be an amount in fen as a decimal number below 2^128 (digits only); '{Clip(text)}' is not.");
        }
        return value;
    }

    /// <summary>A positive amount.</summary>
    public static UInt128 PositiveAmount(string? text, string field)
    {
        var value = Amount(text, field);
        return value > UInt128.Zero ? value : throw NodeErrors.InvalidField($"{field} must be more than 0.");
    }

    /// <summary>Printable text of 1 to <see cref="MaxText"/> characters without control characters.</summary>
    public static string Text(string? text, string field, string example)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxText || text.Any(char.IsControl))
        {
            throw NodeErrors.InvalidField($"{field} must be 1 to {MaxText} characters without control characters (e.g. {example}); '{Clip(text)}' is not.");
        }
        return text;
    }

    public static ChainTx Tx(TransactionOutcome outcome) => ApiMapping.ToProto(outcome.TxHash, outcome.BlockNumber);

    public static ChainTx Tx(Core.Ports.ChainConfirmation confirmation) => ApiMapping.ToProto(confirmation.TxHash, confirmation.BlockNumber);

    /// <summary>A record's place in the anchored ledger: pending (no batch) until its batch is anchored.</summary>
    public static AnchorRef Anchor(RecordHash hash, StoredRecord? stored, OrgId organization)
    {
        var anchor = new AnchorRef { RecordHash = hash.ToString(), Org = organization.Code };
        if (stored?.Anchor is { } a)
        {
            anchor.Org = a.Organization.Code;
            anchor.BatchId = a.BatchId.ToString();
            anchor.Root = a.Root.ToString();
            anchor.Proof.AddRange(a.Proof.Select(p => p.ToString()));
            anchor.AnchoredInBlock = a.BlockNumber;
            anchor.AnchorTx = a.TxHash.ToString();
        }
        return anchor;
    }

    /// <summary>
    /// Asks the chain whether the node's operator could send <paramref name="function"/> now (eth_estimateGas as the
    /// operator): a refusal surfaces as the contract's typed error, before the node accepts a record the chain
    /// would then refuse.
    /// </summary>
    public static async Task PreflightAsync<TFunction>(NodeIdentity node, Ledger.Chain.Profiles.ChainEnvironment chain, string contract, TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
    {
        var input = new CallInput
        {
            From = node.Keys.Operator.ToString(),
            To = node.Deployment[contract].ToString(),
            Data = function.GetCallData().ToHex(true),
        };
        await chain.Rpc.CallAsync(w => w.Eth.Transactions.EstimateGas.SendRequestAsync(input), cancellationToken).ConfigureAwait(false);
    }

    public static string Clip(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..77] + "...";

    /// <summary>
    /// An amount in CNY for sentences: <c>5,000,000.00 CNY</c>. Exact for every uint128 (the chain's amount type): a
    /// request may carry up to 39 digits, far beyond <see cref="decimal"/>'s 7.9 × 10^28.
    /// </summary>
    public static string Cny(UInt128 fen) =>
        string.Create(CultureInfo.InvariantCulture, $"{(fen / 100).ToString("N0", CultureInfo.InvariantCulture)}.{(ulong)(fen % 100):00} CNY");
}
