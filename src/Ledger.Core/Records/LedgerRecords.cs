using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Records;

/// <summary>
/// An off-chain record a node keeps and anchors. Its hash is canonical and language-neutral, built the way EIP-712
/// hashes a struct: <c>keccak256(abi.encode(keccak256(TypeString), field1, field2, …))</c> — so the same record gives
/// the same hash on any machine and in any ABI library (ethers, web3, Solidity).
/// The Merkle leaf of a record is OpenZeppelin's standard leaf of its hash as <c>bytes32</c>.
/// </summary>
public interface ILedgerRecord
{
    /// <summary>What kind of record this is (the anchor batch kind it belongs to).</summary>
    BatchKind Kind { get; }

    /// <summary>The EIP-712-style type string of the record.</summary>
    string TypeString { get; }

    /// <summary>The canonical hash.</summary>
    RecordHash Hash();
}

/// <summary>
/// A record a provider makes when it answers a request under a consent — an access or a refusal — and numbers per
/// consent: <see cref="ConsentSequence"/> is 1, 2, 3 … without gaps among the provider's accesses and refusals under
/// that consent, assigned by the provider's store as it accepts the record (docs/store.md, "Consent sequences"), so
/// that a record missing from an audit bundle shows as a gap (docs/audit.md, "Completeness"). Records made before
/// consent sequences carry 0 and hash under their earlier type string (<c>LegacyType</c>), so they keep their hashes.
/// </summary>
public interface IConsentSequencedRecord : ILedgerRecord
{
    /// <summary>The consent the request named (zero when it named none that could be read).</summary>
    ConsentId ConsentId { get; }

    /// <summary>The provider that answered and numbers its answers.</summary>
    OrgId Provider { get; }

    /// <summary>The record's number among the provider's accesses and refusals under the consent; 0: made before consent sequences.</summary>
    ulong ConsentSequence { get; }

    /// <summary>The same record numbered <paramref name="consentSequence"/> under its consent.</summary>
    IConsentSequencedRecord WithConsentSequence(ulong consentSequence);
}

/// <summary>Why a request was refused, when the reason is the node's rather than the consent registry's.</summary>
public enum RefusalReason : byte
{
    // 0..63 are IConsentRegistry.AccessStatus values (see AccessStatus).
    /// <summary>The caller is not an operator of an active member.</summary>
    NotAMember = 64,
    /// <summary>The caller's member has the wrong role.</summary>
    WrongRole = 65,
    /// <summary>The request was malformed.</summary>
    MalformedRequest = 66,
    /// <summary>The request's signature was invalid or stale.</summary>
    BadRequestSignature = 67,
    /// <summary>The enterprise is unknown to the provider.</summary>
    UnknownEnterprise = 68,
    /// <summary>The requested data period is outside the consent's data period.</summary>
    DataPeriodOutsideConsent = 69,
    /// <summary>The provider could not confirm the consent against the chain in time (chain unreachable or stalled).</summary>
    ChainViewStale = 70,
    /// <summary>The request named a purpose the consent does not (or none).</summary>
    PurposeNotConsented = 71,
}

/// <summary>A provider served data to a consumer under a consent (batch mode's access record).</summary>
/// <param name="CheckedAtBlock">The block whose state the consent was checked against.</param>
/// <param name="ServedAtMs">Unix time in milliseconds.</param>
/// <param name="Sequence">The provider's own sequence number, unique per provider.</param>
/// <param name="ConsentSequence">The record's number among the provider's accesses and refusals under the consent
/// (<see cref="IConsentSequencedRecord"/>); 0 for a record made before consent sequences, hashed under <see cref="LegacyType"/>.</param>
public sealed record AccessRecord(
    ConsentId ConsentId,
    OrgId Provider,
    OrgId Consumer,
    Scopes Scopes,
    Hash32 RequestHash,
    Hash32 ResponseHash,
    ulong CheckedAtBlock,
    ulong ServedAtMs,
    ulong Sequence,
    ulong ConsentSequence = 0) : IConsentSequencedRecord
{
    /// <summary>The record's type string (contracts/eip712/types.json, <c>records.AccessRecord</c>).</summary>
    public static readonly string Type = Eip712Types.TypeString(StructName);

    /// <summary>The type string of records made before consent sequences (<see cref="ConsentSequence"/> 0).</summary>
    public static readonly string LegacyType = Eip712Types.LegacyTypeString(StructName);

    private const string StructName = "AccessRecord";

    /// <inheritdoc/>
    public BatchKind Kind => BatchKind.AccessRecords;

    /// <inheritdoc/>
    public string TypeString => ConsentSequence == 0 ? LegacyType : Type;

    /// <inheritdoc/>
    public RecordHash Hash() => new(ToStruct().Hash());

    /// <summary>The record as the struct its hash is computed from (its earlier form when <see cref="ConsentSequence"/> is 0).</summary>
    public Eip712Struct ToStruct() => (ConsentSequence == 0 ? Eip712Types.LegacyStruct(StructName) : Eip712Types.Struct(StructName).Set("consentSequence", ConsentSequence))
        .Set("consentId", ConsentId.Value).Set("provider", Provider.Value).Set("consumer", Consumer.Value)
        .Set("scopes", (ulong)Scopes).Set("requestHash", RequestHash).Set("responseHash", ResponseHash)
        .Set("checkedAtBlock", CheckedAtBlock).Set("servedAtMs", ServedAtMs).Set("sequence", Sequence);

    /// <inheritdoc/>
    public IConsentSequencedRecord WithConsentSequence(ulong consentSequence) => this with { ConsentSequence = consentSequence };
}

/// <summary>A provider refused a request; the refusal is kept and anchored like an access.</summary>
/// <param name="Reason">An <see cref="AccessStatus"/> value (below 64) or a <see cref="RefusalReason"/> (64 and up).</param>
/// <param name="ConsentSequence">The record's number among the provider's accesses and refusals under the consent
/// (<see cref="IConsentSequencedRecord"/>); 0 for a record made before consent sequences, hashed under <see cref="LegacyType"/>.</param>
public sealed record RefusalRecord(
    ConsentId ConsentId,
    OrgId Provider,
    OrgId Consumer,
    Scopes Scopes,
    Hash32 RequestHash,
    byte Reason,
    ulong CheckedAtBlock,
    ulong RefusedAtMs,
    ulong Sequence,
    ulong ConsentSequence = 0) : IConsentSequencedRecord
{
    /// <summary>The record's type string (contracts/eip712/types.json, <c>records.Refusal</c>).</summary>
    public static readonly string Type = Eip712Types.TypeString(StructName);

    /// <summary>The type string of records made before consent sequences (<see cref="ConsentSequence"/> 0).</summary>
    public static readonly string LegacyType = Eip712Types.LegacyTypeString(StructName);

    private const string StructName = "Refusal";

    /// <inheritdoc/>
    public BatchKind Kind => BatchKind.Refusals;

    /// <inheritdoc/>
    public string TypeString => ConsentSequence == 0 ? LegacyType : Type;

    /// <inheritdoc/>
    public RecordHash Hash() => new(ToStruct().Hash());

    /// <summary>The record as the struct its hash is computed from (its earlier form when <see cref="ConsentSequence"/> is 0).</summary>
    public Eip712Struct ToStruct() => (ConsentSequence == 0 ? Eip712Types.LegacyStruct(StructName) : Eip712Types.Struct(StructName).Set("consentSequence", ConsentSequence))
        .Set("consentId", ConsentId.Value).Set("provider", Provider.Value).Set("consumer", Consumer.Value)
        .Set("scopes", (ulong)Scopes).Set("requestHash", RequestHash).Set("reason", Reason)
        .Set("checkedAtBlock", CheckedAtBlock).Set("refusedAtMs", RefusedAtMs).Set("sequence", Sequence);

    /// <inheritdoc/>
    public IConsentSequencedRecord WithConsentSequence(ulong consentSequence) => this with { ConsentSequence = consentSequence };
}

/// <summary>Why a consumer deleted data it had fetched.</summary>
public enum DeletionCause : byte
{
    /// <summary>The enterprise revoked the consent.</summary>
    ConsentRevoked = 1,
    /// <summary>The consent's data life ended.</summary>
    DataLifeEnded = 2,
    /// <summary>The consent expired and the bank keeps nothing past it.</summary>
    ConsentExpired = 3,
    /// <summary>The consumer deleted it of its own accord.</summary>
    Voluntary = 4,
}

/// <summary>
/// A consumer's receipt that it deleted what it held under a consent. <c>DataHash</c> is the hash of the data
/// deleted (the response hash it was served).
/// </summary>
public sealed record DeletionReceipt(
    ConsentId ConsentId,
    OrgId Consumer,
    Hash32 DataHash,
    DeletionCause Cause,
    ulong DeletedAtMs,
    ulong Sequence) : ILedgerRecord
{
    /// <summary>The record's type string (contracts/eip712/types.json, <c>records.DeletionReceipt</c>).</summary>
    public static readonly string Type = Eip712Types.TypeString("DeletionReceipt");

    /// <inheritdoc/>
    public BatchKind Kind => BatchKind.DeletionReceipts;

    /// <inheritdoc/>
    public string TypeString => Type;

    /// <inheritdoc/>
    public RecordHash Hash() => new(ToStruct().Hash());

    /// <summary>The record as the struct its hash is computed from.</summary>
    public Eip712Struct ToStruct() => Eip712Types.Struct("DeletionReceipt")
        .Set("consentId", ConsentId.Value).Set("consumer", Consumer.Value).Set("dataHash", DataHash)
        .Set("cause", (ulong)Cause).Set("deletedAtMs", DeletedAtMs).Set("sequence", Sequence);
}

/// <summary>Evidence of one R&amp;D-loan spending entry (the invoice or payment behind it).</summary>
public sealed record FundFlowEvidence(
    LoanId LoanId,
    SpendCategory Category,
    UInt128 AmountFen,
    Hash32 CounterpartyHash,
    Hash32 DocumentHash,
    OrgId Recorder,
    ulong RecordedAtMs,
    ulong Sequence) : ILedgerRecord
{
    /// <summary>The record's type string (contracts/eip712/types.json, <c>records.FundFlowEvidence</c>).</summary>
    public static readonly string Type = Eip712Types.TypeString("FundFlowEvidence");

    /// <inheritdoc/>
    public BatchKind Kind => BatchKind.FundFlowEvidence;

    /// <inheritdoc/>
    public string TypeString => Type;

    /// <inheritdoc/>
    public RecordHash Hash() => new(ToStruct().Hash());

    /// <summary>The record as the struct its hash is computed from.</summary>
    public Eip712Struct ToStruct() => Eip712Types.Struct("FundFlowEvidence")
        .Set("loanId", LoanId.Value).Set("category", (ulong)Category).Set("amountFen", AmountFen)
        .Set("counterpartyHash", CounterpartyHash).Set("documentHash", DocumentHash).Set("recorder", Recorder.Value)
        .Set("recordedAtMs", RecordedAtMs).Set("sequence", Sequence);
}

/// <summary>
/// A bank's credit decision as a record. Its hash is the decision hash recorded on chain; the full record (score,
/// factors, reasons) stays with the bank and is anchored, so the decision can later be shown to be the one made.
/// <c>ReasonsHash</c> is keccak256 of the canonical JSON of the scorecard's factors and reasons.
/// </summary>
public sealed record CreditDecisionRecord(
    ConsentId ConsentId,
    OrgId Bank,
    EnterpriseHash Enterprise,
    bool Approved,
    uint Score,
    ProductCode Product,
    UInt128 LimitFen,
    uint RateBps,
    ushort TermMonths,
    Hash32 ReasonsHash,
    ulong DecidedAtMs,
    ulong Sequence) : ILedgerRecord
{
    /// <summary>The record's type string (contracts/eip712/types.json, <c>records.CreditDecision</c>).</summary>
    public static readonly string Type = Eip712Types.TypeString("CreditDecision");

    /// <inheritdoc/>
    public BatchKind Kind => BatchKind.CreditDecisions;

    /// <inheritdoc/>
    public string TypeString => Type;

    /// <inheritdoc/>
    public RecordHash Hash() => new(ToStruct().Hash());

    /// <summary>The record as the struct its hash is computed from.</summary>
    public Eip712Struct ToStruct() => Eip712Types.Struct("CreditDecision")
        .Set("consentId", ConsentId.Value).Set("bank", Bank.Value).Set("enterprise", Enterprise.Value)
        .Set("approved", Approved).Set("score", Score).Set("product", Product.Value).Set("limitFen", LimitFen)
        .Set("rateBps", RateBps).Set("termMonths", TermMonths).Set("reasonsHash", ReasonsHash)
        .Set("decidedAtMs", DecidedAtMs).Set("sequence", Sequence);
}
