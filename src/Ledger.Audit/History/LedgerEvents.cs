using System.Globalization;
using System.Numerics;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Audit.History;

/// <summary>The contract events the audit reads, by contract and name (as <see cref="ChainEvent"/> carries them).</summary>
public static class LedgerEvents
{
#pragma warning disable CS1591 // the names are the documentation
    public const string Consortium = "Consortium";
    public const string ConsentRegistry = "ConsentRegistry";
    public const string AccessLog = "AccessLog";
    public const string LoanBook = "LoanBook";
    public const string GuaranteeBook = "GuaranteeBook";
    public const string RiskCompensationFund = "RiskCompensationFund";
    public const string FundFlowTracker = "FundFlowTracker";

    public const string MemberAdmitted = "MemberAdmitted";
    public const string MemberSuspended = "MemberSuspended";
    public const string MemberReinstated = "MemberReinstated";
    public const string MemberRemoved = "MemberRemoved";
    public const string MemberRoleChanged = "MemberRoleChanged";
    public const string OperatorAdded = "OperatorAdded";
    public const string OperatorRemoved = "OperatorRemoved";

    public const string EnterpriseBound = "EnterpriseBound";
    public const string EnterpriseUnbound = "EnterpriseUnbound";
    public const string ConsentGranted = "ConsentGranted";
    public const string ConsentNarrowed = "ConsentNarrowed";
    public const string ConsentRevoked = "ConsentRevoked";

    public const string AccessRecorded = "AccessRecorded";
    public const string AccessRefused = "AccessRefused";
    public const string BatchAnchored = "BatchAnchored";

    public const string CreditDecisionRecorded = "CreditDecisionRecorded";
    public const string LoanDisbursed = "LoanDisbursed";
    public const string LoanRepaid = "LoanRepaid";
    public const string LoanOverdue = "LoanOverdue";
    public const string LoanBackToCurrent = "LoanBackToCurrent";
    public const string LoanDefaulted = "LoanDefaulted";

    public const string GuarantorInvited = "GuarantorInvited";
    public const string InvitationWithdrawn = "InvitationWithdrawn";
    public const string GuaranteeCancelled = "GuaranteeCancelled";
    public const string LoanGuaranteed = "LoanGuaranteed";
    public const string GuaranteeReleased = "GuaranteeReleased";
    public const string GuaranteePaidOut = "GuaranteePaidOut";
    public const string AgreementProposed = "AgreementProposed";
    public const string AgreementAccepted = "AgreementAccepted";
    public const string AgreementTerminated = "AgreementTerminated";

    public const string ClaimFiled = "ClaimFiled";
    public const string ClaimPaid = "ClaimPaid";
    public const string ClaimRejected = "ClaimRejected";
    public const string ClaimWithdrawn = "ClaimWithdrawn";
    public const string GuarantorFailedToPay = "GuarantorFailedToPay";

    public const string FundFlowOpened = "FundFlowOpened";
    public const string ConsentImported = "ConsentImported";
    public const string BindingImported = "BindingImported";
    public const string SpendingRecorded = "SpendingRecorded";
    public const string SpendingReversed = "SpendingReversed";
    public const string SpendingCorrected = "SpendingCorrected";
    public const string FundFlowDeviated = "FundFlowDeviated";
    public const string FundFlowDeviationCleared = "FundFlowDeviationCleared";
#pragma warning restore CS1591

    /// <summary>The membership events (state of members and their operators over time).</summary>
    public static IReadOnlySet<string> MembershipEventNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        MemberAdmitted, MemberSuspended, MemberReinstated, MemberRemoved, MemberRoleChanged, OperatorAdded, OperatorRemoved,
    };

    /// <summary>True for a membership event of the Consortium.</summary>
    public static bool IsMembership(ChainEvent e) => e.Contract == Consortium && MembershipEventNames.Contains(e.Name);

    /// <summary>Orders events as the chain did: block, then log index.</summary>
    public static int CompareChainOrder(ChainEvent a, ChainEvent b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var c = a.BlockNumber.CompareTo(b.BlockNumber);
        return c != 0 ? c : a.LogIndex.CompareTo(b.LogIndex);
    }
}

/// <summary>Typed reads of a <see cref="ChainEvent"/>'s string arguments; a missing or malformed one is a <see cref="FormatException"/>.</summary>
public static class ChainEventValues
{
    /// <summary>A bytes32 argument.</summary>
    public static Hash32 Hash(this ChainEvent e, string name) =>
        Hash32.TryParse(Arg(e, name), out var value) ? value : throw Bad(e, name, "a 32-byte hex value");

    /// <summary>A bytes32 argument, or null when absent or malformed.</summary>
    public static Hash32? HashOrNull(this ChainEvent e, string name) =>
        e is not null && e.Args.TryGetValue(name, out var text) && Hash32.TryParse(text, out var value) ? value : null;

    /// <summary>An organization (bytes32) argument.</summary>
    public static OrgId Org(this ChainEvent e, string name) => new(Hash(e, name));

    /// <summary>An address argument.</summary>
    public static EthAddress Address(this ChainEvent e, string name) =>
        EthAddress.TryParse(Arg(e, name), out var value) ? value : throw Bad(e, name, "an account address");

    /// <summary>An unsigned integer argument of at most 64 bits.</summary>
    public static ulong U64(this ChainEvent e, string name) =>
        ulong.TryParse(Arg(e, name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw Bad(e, name, "an unsigned 64-bit integer");

    /// <summary>A uint128 argument.</summary>
    public static UInt128 U128(this ChainEvent e, string name) =>
        UInt128.TryParse(Arg(e, name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw Bad(e, name, "an unsigned 128-bit integer");

    /// <summary>A uint256 argument.</summary>
    public static BigInteger U256(this ChainEvent e, string name) =>
        BigInteger.TryParse(Arg(e, name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value.GetByteCount(isUnsigned: true) <= 32
            ? value
            : throw Bad(e, name, "an unsigned 256-bit integer");

    /// <summary>A bool argument.</summary>
    public static bool Bool(this ChainEvent e, string name) => Arg(e, name) switch
    {
        "true" => true,
        "false" => false,
        _ => throw Bad(e, name, "true or false"),
    };

    /// <summary>A string argument (empty when absent).</summary>
    public static string Text(this ChainEvent e, string name) => e is not null && e.Args.TryGetValue(name, out var text) ? text : "";

    /// <summary>For sentences: "ConsentGranted at block 12 (log 3)".</summary>
    public static string Describe(this ChainEvent e) => e is null ? "(none)" : $"{e.Name} at block {e.BlockNumber} (log {e.LogIndex})";

    private static string Arg(ChainEvent e, string name)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Args.TryGetValue(name, out var text) ? text : throw new FormatException($"The {e.Describe()} has no argument '{name}'.");
    }

    private static FormatException Bad(ChainEvent e, string name, string expected) =>
        new($"The {e.Describe()} has '{e.Args[name]}' as '{name}', not {expected}.");
}
