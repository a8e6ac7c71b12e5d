namespace Ledger.Core.Errors;

/// <summary>What kind of failure an error is, so hosts can map it to one gRPC status and callers know what to do.</summary>
public enum ErrorCategory
{
    /// <summary>The input is malformed or out of range (gRPC INVALID_ARGUMENT).</summary>
    InvalidArgument,
    /// <summary>The caller may not do this (PERMISSION_DENIED).</summary>
    PermissionDenied,
    /// <summary>The thing referred to does not exist (NOT_FOUND).</summary>
    NotFound,
    /// <summary>It already exists (ALREADY_EXISTS).</summary>
    AlreadyExists,
    /// <summary>The state does not allow it now: expired, revoked, wrong status (FAILED_PRECONDITION).</summary>
    FailedPrecondition,
    /// <summary>The chain or a peer could not be reached; retrying later may work (UNAVAILABLE).</summary>
    Unavailable,
    /// <summary>Stored or received data does not verify (DATA_LOSS).</summary>
    Tampered,
    /// <summary>A bug or an unexpected state (INTERNAL).</summary>
    Internal,
}

/// <summary>
/// Every error Ledger reports to a user: a stable code (<c>LEDGER-1203</c>) to search for, a category that maps to
/// one gRPC status, and a message that says what happened and what to do.
/// </summary>
public class LedgerException : Exception
{
    /// <summary>Creates an error.</summary>
    public LedgerException(string code, ErrorCategory category, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        Category = category;
    }

    /// <summary>Stable code, e.g. <c>LEDGER-1203</c> (catalogue in docs/errors.md).</summary>
    public string Code { get; }

    /// <summary>The kind of failure.</summary>
    public ErrorCategory Category { get; }

    /// <summary>The code and the message.</summary>
    public override string ToString() => $"{Code}: {Message}";
}
