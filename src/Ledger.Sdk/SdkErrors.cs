using Grpc.Core;
using Ledger.Core.Errors;
using Ledger.Core.Primitives;

namespace Ledger.Sdk;

/// <summary>
/// The SDK's own errors (LEDGER-1600 … LEDGER-1699) and the mapping of a node's gRPC errors back to
/// <see cref="LedgerException"/>s: the node sends its error code in the trailer <c>ledger-error-code</c>, so a caller
/// sees the same code and sentence the node raised.
/// </summary>
public static class SdkErrors
{
    /// <summary>Trailer carrying the LEDGER-NNNN code of a failed call.</summary>
    public const string ErrorCodeTrailer = "ledger-error-code";

    /// <summary>Trailer carrying the hash of the refusal record a provider wrote for a refused request.</summary>
    public const string RefusalRecordTrailer = "ledger-refusal-record";

    /// <summary>Trailer carrying the correlation id of an unexpected failure (to find it in the node's log).</summary>
    public const string CorrelationTrailer = "ledger-correlation-id";

    /// <summary>LEDGER-1600: the node could not be reached.</summary>
    public const string UnreachableCode = "LEDGER-1600";
    /// <summary>LEDGER-1601: the node failed without a Ledger error code (an older node or a proxy in between).</summary>
    public const string RemoteFailureCode = "LEDGER-1601";
    /// <summary>LEDGER-1602: a served report does not match the response hash the provider recorded.</summary>
    public const string ResponseMismatchCode = "LEDGER-1602";
    /// <summary>LEDGER-1603: an argument of an SDK call is not usable.</summary>
    public const string InvalidArgumentCode = "LEDGER-1603";
    /// <summary>LEDGER-1604: the node's answer is malformed.</summary>
    public const string MalformedResponseCode = "LEDGER-1604";
    /// <summary>LEDGER-1610: the key store file does not exist or cannot be read.</summary>
    public const string KeyStoreMissingCode = "LEDGER-1610";
    /// <summary>LEDGER-1611: the key store password is wrong.</summary>
    public const string KeyStorePasswordCode = "LEDGER-1611";
    /// <summary>LEDGER-1612: the key store file is not a Ledger key store, or it is damaged.</summary>
    public const string KeyStoreMalformedCode = "LEDGER-1612";
    /// <summary>LEDGER-1613: a key store already exists where a new one was to be written.</summary>
    public const string KeyStoreExistsCode = "LEDGER-1613";
    /// <summary>LEDGER-1614: the key store password is missing (empty or unset environment variable).</summary>
    public const string KeyStoreNoPasswordCode = "LEDGER-1614";
    /// <summary>LEDGER-1620: the wallet was asked to sign for another enterprise account.</summary>
    public const string WalletWrongAccountCode = "LEDGER-1620";
    /// <summary>LEDGER-1621: a node prepared typed data whose digest does not match the terms it returned.</summary>
    public const string WalletDigestMismatchCode = "LEDGER-1621";

    /// <summary>LEDGER-1670: the node's TLS certificate is not one of the pins the caller expects.</summary>
    public const string PinMismatchCode = "LEDGER-1670";
    /// <summary>LEDGER-1671: the node's TLS certificate is not registered on chain for the member it says it is.</summary>
    public const string PinNotRegisteredCode = "LEDGER-1671";
    /// <summary>LEDGER-1672: a plain HTTP address without the development flag, or to another machine.</summary>
    public const string PlaintextRefusedCode = "LEDGER-1672";
    /// <summary>LEDGER-1673: a TLS connection with nothing to check the node's certificate against.</summary>
    public const string NoPinsCode = "LEDGER-1673";
    /// <summary>LEDGER-1674: a node's TLS certificate file is missing, damaged or not opened by the password.</summary>
    public const string TlsCertificateCode = "LEDGER-1674";
    /// <summary>LEDGER-1675: a TLS certificate file exists where a new one was to be written, or there is no next one to switch to.</summary>
    public const string TlsCertificateExistsCode = "LEDGER-1675";

    internal static LedgerException InvalidArgument(string what) => new(InvalidArgumentCode, ErrorCategory.InvalidArgument, what);

    internal static LedgerException MalformedResponse(string what) =>
        new(MalformedResponseCode, ErrorCategory.Internal, $"The node's answer is malformed: {what}. Check that the node runs the same Ledger version.");

    /// <summary>The category a gRPC status stands for.</summary>
    public static ErrorCategory CategoryOf(StatusCode status) => status switch
    {
        StatusCode.InvalidArgument or StatusCode.OutOfRange or StatusCode.ResourceExhausted => ErrorCategory.InvalidArgument,
        // UNIMPLEMENTED: the node has no such method (another role's node, LEDGER-1519) — the caller's choice of node, not a defect.
        StatusCode.PermissionDenied or StatusCode.Unauthenticated or StatusCode.Unimplemented => ErrorCategory.PermissionDenied,
        StatusCode.NotFound => ErrorCategory.NotFound,
        StatusCode.AlreadyExists => ErrorCategory.AlreadyExists,
        StatusCode.FailedPrecondition or StatusCode.Aborted => ErrorCategory.FailedPrecondition,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled => ErrorCategory.Unavailable,
        StatusCode.DataLoss => ErrorCategory.Tampered,
        _ => ErrorCategory.Internal,
    };

    /// <summary>A node's gRPC error as a <see cref="LedgerRemoteException"/> (code from the trailer when present).</summary>
    public static LedgerRemoteException FromRpc(RpcException exception, string target)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var trailers = exception.Trailers;
        var code = trailers.GetValue(ErrorCodeTrailer);
        var refusal = Hash32.TryParse(trailers.GetValue(RefusalRecordTrailer), out var hash) ? hash : (Hash32?)null;
        var correlation = trailers.GetValue(CorrelationTrailer);
        var status = exception.StatusCode;
        string message;
        if (!string.IsNullOrEmpty(code))
        {
            message = exception.Status.Detail;
        }
        else if (status is StatusCode.Unavailable)
        {
            code = UnreachableCode;
            message = $"The Ledger node at {target} cannot be reached ({exception.Status.Detail}); check that it is running and that the address is right.";
        }
        else if (status is StatusCode.DeadlineExceeded)
        {
            code = UnreachableCode;
            message = $"The Ledger node at {target} did not answer in time; it may be overloaded or waiting for the chain. Retry later.";
        }
        else
        {
            code = RemoteFailureCode;
            message = $"The Ledger node at {target} failed with {status}: {exception.Status.Detail}";
        }
        return new LedgerRemoteException(code, CategoryOf(status), message, status, refusal, correlation, exception);
    }
}

/// <summary>A failure a Ledger node reported, with the node's error code, the gRPC status and, for refused data requests, the refusal record.</summary>
public sealed class LedgerRemoteException : LedgerException
{
    /// <summary>Creates the error.</summary>
    public LedgerRemoteException(
        string code, ErrorCategory category, string message, StatusCode status, Hash32? refusalRecord, string? correlationId, Exception? innerException = null)
        : base(code, category, message, innerException)
    {
        Status = status;
        RefusalRecord = refusalRecord;
        CorrelationId = correlationId;
    }

    /// <summary>The gRPC status the node answered with.</summary>
    public StatusCode Status { get; }

    /// <summary>The hash of the refusal record the provider wrote (durable, anchored later), when the request was refused.</summary>
    public Hash32? RefusalRecord { get; }

    /// <summary>The node's correlation id of an unexpected failure (search the node's log for it).</summary>
    public string? CorrelationId { get; }
}
