using Grpc.Core;
using Grpc.Core.Interceptors;
using Ledger.Core.Errors;
using Ledger.Sdk;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Hosting;

/// <summary>
/// Turns every failure of a call into a gRPC status the caller can act on: a <see cref="LedgerException"/> becomes the
/// status of its category with its sentence and the trailer <c>ledger-error-code</c> (plus <c>ledger-refusal-record</c>
/// for a refused data request); anything unexpected becomes INTERNAL with a correlation id (trailer
/// <c>ledger-correlation-id</c>) and is logged with its stack trace — which never reaches the caller.
/// </summary>
public sealed class ErrorInterceptor : Interceptor
{
    private readonly ILogger<ErrorInterceptor> _logger;

    /// <summary>Creates the interceptor.</summary>
    public ErrorInterceptor(ILogger<ErrorInterceptor> logger) => _logger = logger;

    /// <inheritdoc/>
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context);
        }
    }

    /// <inheritdoc/>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context);
        }
    }

    /// <inheritdoc/>
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context);
        }
    }

    /// <inheritdoc/>
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context);
        }
    }

    /// <summary>
    /// Longest status detail sent. The detail travels in the grpc-message header, percent-encoded (a Chinese character
    /// takes 9 bytes), and a client drops the whole HTTP/2 connection — every call on it — when a header block passes
    /// 64 KiB; a sentence that quotes a caller's value must never get near that, whatever the caller sent.
    /// </summary>
    public const int MaxDetailLength = 2_000;

    /// <summary>The gRPC status of a category.</summary>
    public static StatusCode StatusOf(ErrorCategory category) => category switch
    {
        ErrorCategory.InvalidArgument => StatusCode.InvalidArgument,
        ErrorCategory.PermissionDenied => StatusCode.PermissionDenied,
        ErrorCategory.NotFound => StatusCode.NotFound,
        ErrorCategory.AlreadyExists => StatusCode.AlreadyExists,
        ErrorCategory.FailedPrecondition => StatusCode.FailedPrecondition,
        ErrorCategory.Unavailable => StatusCode.Unavailable,
        ErrorCategory.Tampered => StatusCode.DataLoss,
        _ => StatusCode.Internal,
    };

    private RpcException Translate(Exception exception, ServerCallContext context)
    {
        if (exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled by the caller or the node is stopping."));
        }
        if (exception is LedgerException ledger)
        {
            var trailers = new Metadata { { SdkErrors.ErrorCodeTrailer, ledger.Code } };
            if (ledger is RequestRefusedException refused)
            {
                trailers.Add(SdkErrors.RefusalRecordTrailer, refused.RefusalRecord.ToString());
            }
            var detail = ledger.Message.Length <= MaxDetailLength ? ledger.Message : ledger.Message[..MaxDetailLength] + "…";
            return new RpcException(new Status(StatusOf(ledger.Category), detail), trailers);
        }
        var correlation = Guid.NewGuid().ToString("N")[..12];
        NodeLog.Unexpected(_logger, exception, context.Method, correlation);
        return new RpcException(
            new Status(StatusCode.Internal, $"The node failed unexpectedly (correlation id {correlation}); the operator can find the details in its log under that id."),
            new Metadata { { SdkErrors.ErrorCodeTrailer, NodeErrors.InternalCode }, { SdkErrors.CorrelationTrailer, correlation } });
    }
}
