using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using Ledger.Core.Errors;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Ledger.Chain.Errors;

/// <summary>
/// A contract refused a call or transaction (LEDGER-1200 … LEDGER-1299, LEDGER-1800 … LEDGER-1899). For a Solidity custom
/// error, <see cref="ContractErrorCatalogue"/> gives the code, category and message (what happened and what to do) and
/// <see cref="Error"/> carries the decoded error; test which one it is with the DTO the bindings generate for it:
/// <code>
/// catch (ContractRevertException ex) when (ex.Is&lt;ConsentRevokedAtError&gt;(out var revoked)) { … revoked.ConsentId … }
/// </code>
/// A plain revert, a panic and an unknown selector are the three subclasses below.
/// </summary>
public class ContractRevertException : LedgerException
{
    /// <summary>Creates the exception for a decoded custom error of the catalogue.</summary>
    internal ContractRevertException(ContractErrorEntry entry, ContractError error)
        : this(entry.Number, entry.Category, ContractErrorTemplate.Render(entry.Template, error), error.Data, error)
    {
    }

    /// <summary>Creates the exception for revert data that is not (or not only) a known custom error.</summary>
    private protected ContractRevertException(int code, ErrorCategory category, string message, string revertData, ContractError? error)
        : base(string.Create(CultureInfo.InvariantCulture, $"LEDGER-{code}"), category, message)
    {
        RevertData = revertData;
        Error = error;
    }

    /// <summary>The raw revert data (0x-hex; "0x" when the contract gave none).</summary>
    public string RevertData { get; }

    /// <summary>The decoded custom error, when the selector is one of Ledger's.</summary>
    public ContractError? Error { get; }

    /// <summary>The Solidity name of the decoded custom error (<c>ConsentRevokedAt</c>); null for a plain revert, a panic or an unknown selector.</summary>
    public string? ErrorName => Error?.Name;

    /// <summary>Where the failing call went (contract and function), when known; set by the sender.</summary>
    public string? Call { get; internal set; }

    /// <summary>
    /// Whether the contract reverted with the custom error <typeparamref name="TError"/> (a generated error DTO such as
    /// <c>ConsentRevokedAtError</c>; any contract's DTO of the same error will do), and its arguments when it did.
    /// </summary>
    public bool Is<TError>([NotNullWhen(true)] out TError? error)
        where TError : class, IErrorDTO, new()
    {
        error = Error is not null && Error.Data.IsExceptionEncodedDataForError<TError>()
            ? Error.Data.DecodeExceptionEncodedData<TError>()
            : null;
        return error is not null;
    }

    /// <summary>Whether the contract reverted with the custom error <typeparamref name="TError"/>.</summary>
    public bool Is<TError>()
        where TError : class, IErrorDTO, new() =>
        Error is not null && Error.Data.IsExceptionEncodedDataForError<TError>();
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
