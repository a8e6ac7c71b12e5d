using System.Globalization;
using System.Numerics;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using ConsentTerms = Ledger.Core.Consent.ConsentTerms;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk.Mapping;

/// <summary>
/// Conversions between the API's messages (package <c>ledger.v1</c>) and the domain types, used alike by the SDK and
/// by the nodes, so both read and write the wire format the same way (docs/api.md, "Conventions").
/// Parsing throws <see cref="FormatException"/> naming the field; callers turn that into their own error.
/// </summary>
public static class ApiMapping
{
    /// <summary>Consent terms on the wire.</summary>
    public static Proto.ConsentTerms ToProto(ConsentTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return new Proto.ConsentTerms
        {
            Enterprise = terms.Enterprise.ToString(),
            CreditCodeHash = terms.CreditCodeHash.ToString(),
            Consumer = terms.Consumer.Code,
            Provider = terms.Provider.Code,
            Scopes = (ulong)terms.Scopes,
            Purpose = terms.Purpose,
            ValidFrom = terms.ValidFrom,
            ValidUntil = terms.ValidUntil,
            DataFrom = terms.DataFrom,
            DataUntil = terms.DataUntil,
            FetchCap = terms.FetchCap,
            FetchPeriod = terms.FetchPeriod,
            DataLife = terms.DataLife,
            Nonce = terms.Nonce.ToString(CultureInfo.InvariantCulture),
            Deadline = terms.Deadline.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Consent terms from the wire.</summary>
    /// <exception cref="FormatException">naming the malformed field.</exception>
    public static ConsentTerms FromProto(Proto.ConsentTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return new ConsentTerms(
            Account(terms.Enterprise, "terms.enterprise"),
            new EnterpriseHash(Hash(terms.CreditCodeHash, "terms.credit_code_hash")),
            Org(terms.Consumer, "terms.consumer"),
            Org(terms.Provider, "terms.provider"),
            (Scopes)terms.Scopes,
            terms.Purpose,
            terms.ValidFrom,
            terms.ValidUntil,
            terms.DataFrom,
            terms.DataUntil,
            terms.FetchCap,
            terms.FetchPeriod,
            terms.DataLife,
            UInt256(terms.Nonce, "terms.nonce"),
            UInt256(terms.Deadline, "terms.deadline"));
    }

    /// <summary>Parses a 32-byte value: 0x + 64 hex digits.</summary>
    /// <exception cref="FormatException">naming <paramref name="field"/>.</exception>
    public static Hash32 Hash(string? text, string field) =>
        text is { Length: 66 } && Hash32.TryParse(text, out var value)
            ? value
            : throw new FormatException($"{field} must be 0x followed by 64 hex digits; '{Shorten(text)}' is not.");

    /// <summary>Parses an account: 0x + 40 hex digits.</summary>
    /// <exception cref="FormatException">naming <paramref name="field"/>.</exception>
    public static EthAddress Account(string? text, string field) =>
        text is { Length: 42 } && EthAddress.TryParse(text, out var value)
            ? value
            : throw new FormatException($"{field} must be an account, 0x followed by 40 hex digits; '{Shorten(text)}' is not.");

    /// <summary>Parses an organization code (1–31 printable ASCII) or a 0x bytes32 id.</summary>
    /// <exception cref="FormatException">naming <paramref name="field"/>.</exception>
    public static OrgId Org(string? text, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw new FormatException($"{field} is empty; give an organization code such as bank.ccb.");
        }
        try
        {
            return OrgId.Parse(text);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw new FormatException($"{field} must be an organization code of 1 to 31 printable ASCII characters; '{Shorten(text)}' is not.", ex);
        }
    }

    /// <summary>Parses a decimal uint256.</summary>
    /// <exception cref="FormatException">naming <paramref name="field"/>.</exception>
    public static BigInteger UInt256(string? text, string field) =>
        text is { Length: > 0 and <= 78 }
        && BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
        && value.GetBitLength() <= 256
            ? value
            : throw new FormatException($"{field} must be a decimal number below 2^256; '{Shorten(text)}' is not.");

    /// <summary>An anchor reference from the wire.</summary>
    public static AnchorReference FromProto(Proto.AnchorRef anchor)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        return new AnchorReference(
            new RecordHash(Hash(anchor.RecordHash, "anchor.record_hash")),
            string.IsNullOrEmpty(anchor.Org) ? default : Org(anchor.Org, "anchor.org"),
            string.IsNullOrEmpty(anchor.BatchId) ? null : new BatchId(Hash(anchor.BatchId, "anchor.batch_id")),
            string.IsNullOrEmpty(anchor.Root) ? null : Hash(anchor.Root, "anchor.root"),
            anchor.Proof.Select((p, i) => Hash(p, $"anchor.proof[{i}]")).ToList(),
            anchor.AnchoredInBlock,
            string.IsNullOrEmpty(anchor.AnchorTx) ? null : Hash(anchor.AnchorTx, "anchor.anchor_tx"));
    }

    /// <summary>A transaction reference from the wire (null when empty).</summary>
    public static ChainTransaction? FromProto(Proto.ChainTx? tx) =>
        tx is null || string.IsNullOrEmpty(tx.TxHash) ? null : new ChainTransaction(Hash(tx.TxHash, "tx.tx_hash"), tx.BlockNumber);

    /// <summary>A transaction reference on the wire.</summary>
    public static Proto.ChainTx ToProto(Hash32 txHash, ulong block) => new() { TxHash = txHash.ToString(), BlockNumber = block };

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..77] + "...";
}

/// <summary>A transaction a node sent, mined with the chain profile's finality depth.</summary>
public sealed record ChainTransaction(Hash32 TxHash, ulong BlockNumber);

/// <summary>Where an off-chain record stands: pending (no batch yet) or anchored with its inclusion proof.</summary>
/// <param name="RecordHash">The record's canonical hash.</param>
/// <param name="Organization">The organization that anchors it.</param>
/// <param name="BatchId">The batch it was anchored in (null while pending).</param>
/// <param name="Root">The batch's Merkle root.</param>
/// <param name="Proof">The record's OpenZeppelin standard-tree proof.</param>
/// <param name="AnchoredInBlock">The anchor transaction's block.</param>
/// <param name="AnchorTx">The anchor transaction.</param>
public sealed record AnchorReference(
    RecordHash RecordHash,
    OrgId Organization,
    BatchId? BatchId,
    Hash32? Root,
    IReadOnlyList<Hash32> Proof,
    ulong AnchoredInBlock,
    Hash32? AnchorTx)
{
    /// <summary>True once the record's batch is anchored.</summary>
    public bool IsAnchored => BatchId is not null && Root is not null;
}
