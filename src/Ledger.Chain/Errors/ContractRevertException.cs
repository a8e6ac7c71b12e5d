using System.Globalization;
using System.Numerics;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Errors;

/// <summary>
/// A contract refused a call or transaction (LEDGER-1200 … LEDGER-1299). Each Solidity custom error has its own
/// subclass (named after it: <c>ConsentRevokedAt</c> → <see cref="ConsentRevokedAtException"/>) whose message says
/// what happened and what to do; <see cref="Error"/> carries the decoded arguments.
/// </summary>
public abstract class ContractRevertException : LedgerException
{
    /// <summary>Creates the exception for a decoded custom error.</summary>
    protected ContractRevertException(int code, ErrorCategory category, string message, ContractError error)
        : this(code, category, message, error.Data, error)
    {
    }

    /// <summary>Creates the exception for revert data that is not (or not only) a known custom error.</summary>
    protected ContractRevertException(int code, ErrorCategory category, string message, string revertData, ContractError? error)
        : base(string.Create(CultureInfo.InvariantCulture, $"LEDGER-{code}"), category, message)
    {
        RevertData = revertData;
        Error = error;
    }

    /// <summary>The raw revert data (0x-hex; "0x" when the contract gave none).</summary>
    public string RevertData { get; }

    /// <summary>The decoded custom error, when the selector is one of Ledger's.</summary>
    public ContractError? Error { get; }

    /// <summary>Where the failing call went (contract and function), when known; set by the sender.</summary>
    public string? Call { get; internal set; }

    // Shared wording, so every message names things the same way.

    /// <summary>0x12ab…cd34: enough of a 32-byte id to recognise it.</summary>
    protected static string Abbreviate(Hash32 value)
    {
        var hex = value.ToString();
        return hex[..6] + "…" + hex[^4..];
    }

    /// <summary>An organization as people know it: its code (bank.ccb), or the short hex when it has none.</summary>
    protected static string Org(OrgId org) => org.Value.IsZero ? "(none)" : org.Code.StartsWith("0x", StringComparison.Ordinal) ? Abbreviate(org.Value) : org.Code;

    /// <summary>An amount in fen as yuan with two decimals.</summary>
    protected static string Yuan(BigInteger fen) =>
        string.Create(CultureInfo.InvariantCulture, $"{BigInteger.Divide(fen, 100):N0}.{BigInteger.Remainder(fen, 100):00} CNY");

    /// <summary>Basis points as a percentage.</summary>
    protected static string Percent(BigInteger bps) => string.Create(CultureInfo.InvariantCulture, $"{(decimal)bps / 100m:0.##} %");

    /// <summary>A unix time as UTC.</summary>
    protected static string Time(BigInteger unixSeconds) =>
        unixSeconds > 253402300799 ? unixSeconds.ToString(CultureInfo.InvariantCulture)
            : DateTimeOffset.FromUnixTimeSeconds((long)unixSeconds).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Scope bits as names.</summary>
    protected static string ScopeNames(BigInteger bits) => ((Scopes)(ulong)bits).ToString();

    /// <summary>An integer in decimal.</summary>
    protected static string Num(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Bytes as 0x-hex.</summary>
    protected static string Hex(byte[] value) => "0x" + Convert.ToHexStringLower(value);

    /// <summary>"member" qualified by a role: "bank member", or "member" for any role.</summary>
    protected static string RoleMember(BigInteger role) => role.IsZero ? "member" : RoleName(role) + " member";

    /// <summary>A member status by name.</summary>
    protected static string MemberStatusName(BigInteger status) => Named(status, "unknown", "active", "suspended", "removed");

    /// <summary>A loan status by name.</summary>
    protected static string LoanStatusName(BigInteger status) => Named(status, "unknown", "active", "overdue", "repaid", "defaulted");

    /// <summary>A guarantee agreement status by name.</summary>
    protected static string AgreementStatusName(BigInteger status) => Named(status, "unknown", "proposed", "active", "terminated");

    /// <summary>A compensation claim status by name.</summary>
    protected static string ClaimStatusName(BigInteger status) => Named(status, "not filed", "filed", "paid", "rejected", "withdrawn");

    /// <summary>A consent access status by name.</summary>
    protected static string AccessStatusName(BigInteger status) => Named(status,
        "allowed", "unknown", "not yet valid", "expired", "revoked", "for another consumer", "for another provider",
        "without that scope", "at its fetch cap", "consumer ineligible", "provider ineligible", "enterprise unbound");

    private static string Named(BigInteger value, params string[] names) =>
        value >= 0 && value < names.Length ? names[(int)value] : "status " + value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A role number as its name.</summary>
    protected static string RoleName(BigInteger role) => (int)BigInteger.Min(role, 255) switch
    {
        0 => "any role",
        1 => "tax bureau",
        2 => "bank",
        3 => "guarantor",
        4 => "auditor",
        5 => "regulator",
        _ => "role " + role.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>LEDGER-1200: the revert data starts with a selector none of Ledger's contracts declares.</summary>
public sealed class UnknownContractErrorException : ContractRevertException
{
    internal UnknownContractErrorException(string revertData)
        : base(1200, ErrorCategory.Internal,
            $"The contract refused the request with an error this version of Ledger does not know (selector {(revertData.Length >= 10 ? revertData[..10] : revertData)}, data {revertData}). "
            + "The deployed contracts are probably newer than this program: update Ledger, or regenerate the bindings (node scripts/generate-bindings.js) and rebuild.",
            revertData, null)
    {
    }
}

/// <summary>LEDGER-1201: a plain revert — <c>Error(string)</c> or no data at all.</summary>
public sealed class ContractRevertedException : ContractRevertException
{
    internal ContractRevertedException(string revertData, string? reason)
        : base(1201, ErrorCategory.FailedPrecondition,
            string.IsNullOrEmpty(reason)
                ? $"The contract refused the request without giving a reason (revert data {revertData}). Check the call's arguments and the sender's role; the node's log shows the failing call."
                : $"The contract refused the request: \"{reason}\". Correct what it names and try again.",
            revertData, null) => Reason = reason;

    /// <summary>The revert string, when there was one.</summary>
    public string? Reason { get; }
}

/// <summary>LEDGER-1202: a Solidity panic (assertion, arithmetic overflow, division by zero…) — a bug, not bad input.</summary>
public sealed class ContractPanicException : ContractRevertException
{
    internal ContractPanicException(string revertData, BigInteger panicCode)
        : base(1202, ErrorCategory.Internal,
            $"The contract failed with panic 0x{panicCode.ToString("x2", CultureInfo.InvariantCulture)} ({Describe(panicCode)}). This is a defect in the contract or in the values sent; report it with the request that caused it.",
            revertData, null) => PanicCode = panicCode;

    /// <summary>The Solidity panic code.</summary>
    public BigInteger PanicCode { get; }

    private static string Describe(BigInteger code) => (int)code switch
    {
        0x01 => "assertion failed",
        0x11 => "arithmetic overflow or underflow",
        0x12 => "division by zero",
        0x21 => "invalid enum value",
        0x22 => "corrupt storage byte array",
        0x31 => "pop on an empty array",
        0x32 => "array index out of bounds",
        0x41 => "out of memory",
        0x51 => "call to an uninitialised function",
        _ => "unknown panic",
    };
}
