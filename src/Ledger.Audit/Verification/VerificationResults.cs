using Ledger.Audit.Bundle;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Audit.Verification;

/// <summary>The outcome of verifying one record (or batch).</summary>
public enum VerificationStatus
{
    /// <summary>Every check passed and the record is anchored.</summary>
    Verified = 1,
    /// <summary>Every check that applies passed, but the record is not anchored yet (accepted, waiting in the outbox).</summary>
    Pending = 2,
    /// <summary>At least one check failed; the problems say which and why.</summary>
    Failed = 3,
}

/// <summary>What kind of failure a problem is (docs/audit.md, "Verification rules").</summary>
public enum ProblemKind
{
    /// <summary>(a) The record's fields do not hash to its declared hash: the record was altered.</summary>
    HashMismatch,
    /// <summary>(b) The inclusion proof does not lead to the batch's root: the proof was altered (or the record is not in the batch).</summary>
    ProofMismatch,
    /// <summary>(b) The record is not covered by its batch: the batch is complete and rebuilds its root without it.</summary>
    NotInBatch,
    /// <summary>(c) The root differs from the chain's (or the trusted, or the bundle's anchor): a forged root.</summary>
    RootMismatch,
    /// <summary>(c) The chain has no root for the batch.</summary>
    RootNotAnchored,
    /// <summary>(c) The batch is not among the trusted roots.</summary>
    RootNotTrusted,
    /// <summary>(c) The evidence lists no anchor for the batch.</summary>
    RootUnknown,
    /// <summary>(c) The anchor reference (block, transaction, count, kind) disagrees with the anchor.</summary>
    AnchorMismatch,
    /// <summary>Whole ledger: records of an anchored batch are missing (or the whole batch, though a later batch of its organization is held).</summary>
    BatchIncomplete,
    /// <summary>(e) The batch was anchored by another organization than the record's author.</summary>
    WrongAnchoringOrg,
    /// <summary>(d) No ConsentGranted event for the record's consent.</summary>
    ConsentUnknown,
    /// <summary>(d) The consent's terms do not hash to its id.</summary>
    ConsentTermsAltered,
    /// <summary>(d) The consent was granted after the block the access was checked at.</summary>
    ConsentNotYetGranted,
    /// <summary>(d) The consent was revoked at or before the block the access was checked at.</summary>
    ConsentRevoked,
    /// <summary>(d) The block time was before the consent's validity window.</summary>
    ConsentNotYetValid,
    /// <summary>(d) The block time was after the consent's validity window.</summary>
    ConsentExpired,
    /// <summary>(d) The record's scopes were not all granted at that block.</summary>
    ScopeNotGranted,
    /// <summary>(d) The consumer is not the consent's.</summary>
    WrongConsumer,
    /// <summary>(d) The provider is not the consent's.</summary>
    WrongProvider,
    /// <summary>(d) More accesses in a fetch period than the consent's cap.</summary>
    FetchCapExceeded,
    /// <summary>(d) The enterprise account was unbound at or before the block.</summary>
    EnterpriseUnbound,
    /// <summary>(d) The consumer was not an active bank or guarantor at the block.</summary>
    ConsumerIneligible,
    /// <summary>(e) The actor was not (or no longer) a member at the block.</summary>
    ActorNotMember,
    /// <summary>(e) The actor was suspended at the block.</summary>
    ActorSuspended,
    /// <summary>(e) The actor had another role at the block.</summary>
    ActorWrongRole,
    /// <summary>The evidence lacks the time of a block a check needs.</summary>
    BlockTimeUnknown,
    /// <summary>The record contradicts itself or the chain (e.g. checked after it was anchored, a decision unlike its event).</summary>
    Inconsistent,
    /// <summary>The record appears more than once.</summary>
    Duplicate,
    /// <summary>A chain event in the bundle is not the chain's (online), or is malformed.</summary>
    EventMismatch,
    /// <summary>
    /// (d, in time) The access was served after the block time of the consent's revocation plus the provider's check
    /// freshness bound and the tolerances, though it was checked against an earlier block.
    /// </summary>
    ServedAfterRevocation,
    /// <summary>(d, in time) The access was served after the consent's last valid second (as granted or narrowed) plus the bound and tolerances.</summary>
    ServedAfterExpiry,
    /// <summary>(d, in time) The access served a scope that a narrowing had removed by the time it was served (plus the bound and tolerances).</summary>
    ServedAfterNarrowing,
    /// <summary>Completeness: a provider's accesses and refusals under a consent are numbered 1 … n, and a number is missing from the evidence.</summary>
    ConsentSequenceGap,
    /// <summary>Completeness: two records of a provider under a consent carry the same consent sequence.</summary>
    ConsentSequenceRepeated,
}

/// <summary>One failed check: its kind and a sentence naming the record (or batch) and why.</summary>
public sealed record AuditProblem(ProblemKind Kind, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Message;
}

/// <summary>The verification of one record.</summary>
/// <param name="Index">Its position in the evidence.</param>
/// <param name="Type">Its type name (<see cref="AuditRecordJson.TypeNames"/>).</param>
/// <param name="Hash">Its declared hash.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Problems">Why it failed (empty unless failed).</param>
public sealed record RecordVerification(int Index, string Type, RecordHash Hash, VerificationStatus Status, IReadOnlyList<AuditProblem> Problems);

/// <summary>The verification of one anchored batch.</summary>
/// <param name="Batch">The batch.</param>
/// <param name="Root">The root the authority gives (chain, trusted roots or bundle), when it gives one.</param>
/// <param name="RecordsInEvidence">How many records of the batch the evidence holds.</param>
/// <param name="AnchoredCount">How many records the anchor says the batch has, when known.</param>
/// <param name="Rebuilt">True when the batch was rebuilt whole (every record present) rather than proved record by record.</param>
/// <param name="Status">Failed when the batch itself has a problem (forged or missing root, an actor that was no member,
/// or — in whole-ledger verification — missing records).</param>
/// <param name="Problems">Why.</param>
public sealed record AnchorVerification(
    BatchKey Batch, Hash32? Root, int RecordsInEvidence, uint? AnchoredCount, bool Rebuilt, VerificationStatus Status, IReadOnlyList<AuditProblem> Problems);

/// <summary>Settings of a verification.</summary>
public sealed record VerificationOptions
{
    /// <summary>
    /// A batch whose records are not all present is a failure (its present records are still proved one by one).
    /// Evidence whose scope is the whole ledger is held to this whatever the option says; a bundle of a narrower
    /// scope carries only its scope's records, so leave it off there (docs/audit.md, "Completeness").
    /// </summary>
    public bool RequireCompleteBatches { get; init; }

    /// <summary>
    /// T, the providers' consent-check freshness bound (<c>Ledger:Node:Chain:MaxCheckAge</c>): a provider serves only on a
    /// check confirmed by a chain read at most this long before. Set it to the largest any provider runs with. Default 1 s.
    /// </summary>
    public TimeSpan MaxCheckAge { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How far a provider's clock (which times its records) may run ahead of the chain's block timestamps. Default 2 s.
    /// </summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Most threads to use (default: all cores).</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>The longest <see cref="MaxCheckAge"/> or <see cref="ClockSkew"/> accepted.</summary>
    public static TimeSpan MaxAllowance { get; } = TimeSpan.FromHours(1);

    /// <summary>Checks that the bound and the skew are between 0 and <see cref="MaxAllowance"/>.</summary>
    /// <exception cref="AuditException">LEDGER-1730 otherwise.</exception>
    public void Validate()
    {
        if (MaxCheckAge < TimeSpan.Zero || MaxCheckAge > MaxAllowance)
        {
            throw AuditErrors.InvalidOptions($"the providers' consent-check freshness bound (max check age) is {MaxCheckAge}; give 0 to 1 hour (default 1 s)");
        }
        if (ClockSkew < TimeSpan.Zero || ClockSkew > MaxAllowance)
        {
            throw AuditErrors.InvalidOptions($"the clock skew allowed is {ClockSkew}; give 0 to 1 hour (default 2 s)");
        }
    }
}
