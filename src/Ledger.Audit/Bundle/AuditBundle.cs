using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Audit.Bundle;

/// <summary>
/// Everything an auditor needs to verify part (or all) of the ledger without asking any node: the records with
/// their proofs, the anchored roots, the chain events that say which consents and memberships held at which block,
/// and the block times. Serialized as JSON by <see cref="AuditBundleJson"/> (format <see cref="FormatTag"/>,
/// docs/audit.md). The same type carries a whole ledger in memory (scope <see cref="AuditScopeKind.Ledger"/>).
/// </summary>
public sealed record AuditBundle
{
    /// <summary>The format tag and version of the JSON document.</summary>
    public const string FormatTag = "ledger/audit-bundle/v1";

    /// <summary>Which chain and contracts the evidence is from.</summary>
    public required ChainReference Chain { get; init; }

    /// <summary>What the bundle covers.</summary>
    public required AuditScope Scope { get; init; }

    /// <summary>When it was written (unix ms).</summary>
    public ulong CreatedAtMs { get; init; }

    /// <summary>The highest block whose events the exporter had indexed.</summary>
    public ulong AsOfBlock { get; init; }

    /// <summary>The organization (or tool) that wrote it, if known.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>The off-chain records, each with its anchor and proof once anchored.</summary>
    public IReadOnlyList<BundleRecord> Records { get; init; } = [];

    /// <summary>The anchors (one per batch) the records refer to.</summary>
    public IReadOnlyList<AnchorInfo> Anchors { get; init; } = [];

    /// <summary>The chain events relevant to the scope, in chain order.</summary>
    public IReadOnlyList<ChainEvent> Events { get; init; } = [];

    /// <summary>Block number → block time (unix seconds) for every block a check refers to.</summary>
    public IReadOnlyDictionary<ulong, ulong> BlockTimes { get; init; } = new Dictionary<ulong, ulong>();
}

/// <summary>The chain a bundle's evidence comes from.</summary>
/// <param name="ChainId">The chain id.</param>
/// <param name="DeployBlock">The block the contracts were deployed in (where event reading starts).</param>
/// <param name="Contracts">Contract name → address, for the seven Ledger contracts.</param>
public sealed record ChainReference(ulong ChainId, ulong DeployBlock, IReadOnlyDictionary<string, EthAddress> Contracts)
{
    /// <summary>The address of <paramref name="contract"/>, or null when the bundle does not name it.</summary>
    public EthAddress? AddressOf(string contract) => Contracts.TryGetValue(contract, out var address) ? address : null;
}

/// <summary>What a bundle, trail or statistic covers.</summary>
public enum AuditScopeKind
{
    /// <summary>Everything.</summary>
    Ledger,
    /// <summary>One enterprise (by credit-code hash).</summary>
    Enterprise,
    /// <summary>One loan.</summary>
    Loan,
    /// <summary>One consent.</summary>
    Consent,
    /// <summary>Everything in a time range.</summary>
    TimeRange,
}

/// <summary>
/// The subject of a bundle or trail: at most one of enterprise, loan or consent, optionally narrowed to a half-open
/// time range [<see cref="FromMs"/>, <see cref="UntilMs"/>) in unix milliseconds.
/// </summary>
public sealed record AuditScope
{
    /// <summary>The enterprise, by salted credit-code hash.</summary>
    public EnterpriseHash? Enterprise { get; init; }

    /// <summary>The loan.</summary>
    public LoanId? Loan { get; init; }

    /// <summary>The consent.</summary>
    public ConsentId? Consent { get; init; }

    /// <summary>Start of the time range (inclusive, unix ms), or null.</summary>
    public ulong? FromMs { get; init; }

    /// <summary>End of the time range (exclusive, unix ms), or null.</summary>
    public ulong? UntilMs { get; init; }

    /// <summary>Everything.</summary>
    public static AuditScope WholeLedger { get; } = new();

    /// <summary>The subject kind.</summary>
    public AuditScopeKind Kind =>
        Enterprise is not null ? AuditScopeKind.Enterprise
        : Loan is not null ? AuditScopeKind.Loan
        : Consent is not null ? AuditScopeKind.Consent
        : FromMs is not null || UntilMs is not null ? AuditScopeKind.TimeRange
        : AuditScopeKind.Ledger;

    /// <summary>One enterprise's trail.</summary>
    public static AuditScope ForEnterprise(EnterpriseHash enterprise) => new() { Enterprise = enterprise };

    /// <summary>One loan's trail.</summary>
    public static AuditScope ForLoan(LoanId loan) => new() { Loan = loan };

    /// <summary>One consent's trail.</summary>
    public static AuditScope ForConsent(ConsentId consent) => new() { Consent = consent };

    /// <summary>Everything in [<paramref name="fromMs"/>, <paramref name="untilMs"/>).</summary>
    public static AuditScope ForTimeRange(ulong? fromMs, ulong? untilMs) => new() { FromMs = fromMs, UntilMs = untilMs };

    /// <summary>True when <paramref name="timeMs"/> is inside the time range (always, when there is none).</summary>
    public bool InTimeRange(ulong timeMs) => (FromMs is not { } from || timeMs >= from) && (UntilMs is not { } until || timeMs < until);

    /// <summary>Checks that at most one subject is set and the range is not empty.</summary>
    /// <exception cref="AuditException">LEDGER-1720 otherwise.</exception>
    public void Validate()
    {
        var subjects = (Enterprise is null ? 0 : 1) + (Loan is null ? 0 : 1) + (Consent is null ? 0 : 1);
        if (subjects > 1)
        {
            throw AuditErrors.InvalidQuery("give one of enterprise, loan or consent, not several");
        }
        if (FromMs is { } from && UntilMs is { } until && until <= from)
        {
            throw AuditErrors.InvalidQuery($"the time range ends ({until}) at or before it starts ({from})");
        }
    }

    /// <summary>For people: "enterprise 0x…", "loan 0x… from … until …".</summary>
    public override string ToString()
    {
        var subject = Kind switch
        {
            AuditScopeKind.Enterprise => $"enterprise {Enterprise}",
            AuditScopeKind.Loan => $"loan {Loan}",
            AuditScopeKind.Consent => $"consent {Consent}",
            _ => "the whole ledger",
        };
        var range = (FromMs, UntilMs) switch
        {
            (null, null) => "",
            ({ } f, null) => $" from {Time(f)}",
            (null, { } u) => $" until {Time(u)}",
            ({ } f, { } u) => $" from {Time(f)} until {Time(u)}",
        };
        return subject + range;

        static string Time(ulong ms) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(ms, 253402300799999UL)).ToString("u", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// One off-chain record in a bundle: the record, the hash its holder declares for it, and where it is anchored.
/// </summary>
/// <param name="Record">The record (its fields).</param>
/// <param name="DeclaredHash">The hash the exporter gives; verification recomputes it from the fields.</param>
/// <param name="Anchor">The anchor and inclusion proof, or null while the record waits in the anchor outbox.</param>
public sealed record BundleRecord(ILedgerRecord Record, RecordHash DeclaredHash, RecordAnchorRef? Anchor)
{
    /// <summary>
    /// For a credit decision: the canonical reasons document (<c>ledger/credit-reasons/v1</c>) whose keccak-256 is the
    /// record's <c>reasonsHash</c>. Optional; when present it is checked, and the rating is read from it.
    /// </summary>
    public string? ReasonsJson { get; init; }

    /// <summary>
    /// For a credit decision: the rating the bank reported (its DecisionResponse), used for statistics only when no
    /// verified reasons document is given. Not covered by any hash.
    /// </summary>
    public string? Rating { get; init; }

    /// <summary>A record as its holder has it, hash computed from the fields.</summary>
    public static BundleRecord Of(ILedgerRecord record, RecordAnchorRef? anchor = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new BundleRecord(record, record.Hash(), anchor);
    }
}

/// <summary>Where a record is anchored, and its proof.</summary>
/// <param name="Org">The anchoring organization.</param>
/// <param name="BatchId">The batch id.</param>
/// <param name="Root">The batch's Merkle root, as the holder has it.</param>
/// <param name="Proof">OpenZeppelin standard-tree proof of the record hash.</param>
/// <param name="BlockNumber">Block of the anchor transaction.</param>
/// <param name="TxHash">The anchor transaction.</param>
public sealed record RecordAnchorRef(OrgId Org, BatchId BatchId, Hash32 Root, IReadOnlyList<Hash32> Proof, ulong BlockNumber, Hash32 TxHash)
{
    /// <summary>The batch key.</summary>
    public BatchKey Batch => new(Org, BatchId);
}

/// <summary>One anchored batch, as its <c>BatchAnchored</c> event says.</summary>
/// <param name="Org">The anchoring organization.</param>
/// <param name="BatchId">The batch id.</param>
/// <param name="Root">The Merkle root.</param>
/// <param name="Count">Number of records in the batch.</param>
/// <param name="Kind">What the batch holds.</param>
/// <param name="BlockNumber">Block of the anchor transaction.</param>
/// <param name="TxHash">The anchor transaction.</param>
public sealed record AnchorInfo(OrgId Org, BatchId BatchId, Hash32 Root, uint Count, BatchKind Kind, ulong BlockNumber, Hash32 TxHash)
{
    /// <summary>The reference anchored with the root (where the records can be asked for).</summary>
    public string Uri { get; init; } = "";

    /// <summary>The batch key.</summary>
    public BatchKey Batch => new(Org, BatchId);
}

/// <summary>An anchored batch's identity: the anchoring organization and the batch id.</summary>
public readonly record struct BatchKey(OrgId Org, BatchId BatchId)
{
    /// <summary>For people: "batch 0x12ab… of tax.liuzhou".</summary>
    public override string ToString() => $"batch {BatchId.Value} of {Org}";
}
