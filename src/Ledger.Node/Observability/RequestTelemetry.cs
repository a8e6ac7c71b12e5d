using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Ledger.Node.Hosting.Auth;
using Ledger.Sdk;
using Microsoft.AspNetCore.Http.Features;

namespace Ledger.Node.Observability;

/// <summary>
/// Measures and traces every gRPC request the node answers, as ASP.NET middleware in front of everything else of the
/// gRPC port — so it also sees the answers grpc-dotnet makes before any interceptor runs (a body over the size limit,
/// a method of another role's service) with the codes <see cref="Hosting.WireErrors"/> gives them:
/// <list type="bullet">
/// <item><c>ledger.node.rpc.requests</c> and <c>ledger.node.rpc.duration</c> by method, gRPC status and LEDGER code
/// (a path that is not one of the node's methods is labelled <c>unknown</c>, so arbitrary paths add no series);</item>
/// <item>one server span per request from <see cref="NodeTelemetry.Source"/>, the child of the caller's W3C
/// <c>traceparent</c> when it sent one; the consent id and record hash are added by <see cref="TraceTagsInterceptor"/>
/// and from the <c>ledger-refusal-record</c> trailer.</item>
/// </list>
/// </summary>
internal static class RequestTelemetry
{
    private static readonly string[] StatusWords =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
        "DATA_LOSS", "UNAUTHENTICATED",
    ];

    /// <summary>The middleware: measures the request when it is a gRPC call (content type <c>application/grpc…</c>).</summary>
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!IsGrpc(context.Request))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var path = context.Request.Path.Value ?? "";
        var method = AccessPolicy.For(path) is not null ? path : NodeTelemetry.UnknownMethod;
        var started = Stopwatch.GetTimestamp();
        using var activity = StartActivity(context, method);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var (status, code, refusalRecord) = Outcome(context);
            var statusWord = status is >= 0 and < 17 ? StatusWords[status] : context.RequestAborted.IsCancellationRequested ? "CANCELLED" : "UNKNOWN";
            var tags = new TagList
            {
                { NodeTelemetry.MethodLabel, method },
                { NodeTelemetry.StatusLabel, statusWord },
                { NodeTelemetry.CodeLabel, code ?? "none" },
            };
            NodeTelemetry.Requests.Add(1, tags);
            NodeTelemetry.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("rpc.grpc.status_code", status);
                if (code is not null)
                {
                    activity.SetTag(NodeTelemetry.CodeAttribute, code);
                }
                if (refusalRecord is not null)
                {
                    activity.SetTag(NodeTelemetry.RecordHashAttribute, refusalRecord);
                }
                activity.SetStatus(status == 0 ? ActivityStatusCode.Ok : ActivityStatusCode.Error, status == 0 ? null : statusWord);
            }
        }
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    private static Activity? StartActivity(HttpContext context, string method)
    {
        if (!NodeTelemetry.Source.HasListeners())
        {
            return null;
        }
        // The span continues the caller's trace (W3C traceparent, sampled as the caller decided) or starts one. ASP.NET
        // may have made a local request activity of its own that nothing records: it is not the parent (under it, the
        // parent-based sampler would drop every span of a caller that sent no traceparent).
        var parent = default(ActivityContext);
        if (context.Request.Headers.TryGetValue("traceparent", out var traceparent)
            && ActivityContext.TryParse(traceparent.ToString(), context.Request.Headers.TryGetValue("tracestate", out var state) ? state.ToString() : null, isRemote: true, out var remote))
        {
            parent = remote;
        }
        var hosting = Activity.Current;
        Activity.Current = null;
        var activity = NodeTelemetry.Source.StartActivity(method, ActivityKind.Server, parent);
        if (activity is null)
        {
            Activity.Current = hosting;
        }
        if (activity is { IsAllDataRequested: true })
        {
            var parts = method.TrimStart('/').Split('/', 2);
            activity.SetTag("rpc.system", "grpc");
            if (parts.Length == 2)
            {
                activity.SetTag("rpc.service", parts[0]);
                activity.SetTag("rpc.method", parts[1]);
            }
        }
        return activity;
    }

    // grpc-status and the Ledger trailers: in the headers of a trailers-only answer, in the trailers otherwise.
    private static (int Status, string? Code, string? RefusalRecord) Outcome(HttpContext context)
    {
        var headers = context.Response.Headers;
        var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        string? Read(string name) =>
            headers.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString()
            : trailers is not null && trailers.TryGetValue(name, out var trailer) && trailer.Count > 0 ? trailer.ToString()
            : null;
        var status = int.TryParse(Read("grpc-status"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : -1;
        var code = Read(SdkErrors.ErrorCodeTrailer);
        // Only a well-formed code becomes a label value (no cardinality from anything else).
        if (code is not null && !IsLedgerCode(code))
        {
            code = "other";
        }
        return (status, code, Read(SdkErrors.RefusalRecordTrailer));
    }

    private static bool IsLedgerCode(string code) =>
        code.Length == 11 && code.StartsWith("LEDGER-", StringComparison.Ordinal) && !code.AsSpan(7).ContainsAnyExceptInRange('0', '9');
}

/// <summary>
/// Adds the consent id a request names and the record hash its answer carries to the request's span (only when the span
/// is recorded): the <c>consent_id</c> field of the request message, the <c>record_hash</c> of the answer or of its
/// <c>AnchorRef</c> fields. Both are public identifiers (an EIP-712 digest, a record hash); no other field is read.
/// </summary>
internal sealed class TraceTagsInterceptor : Interceptor
{
    private static readonly ConcurrentDictionary<MessageDescriptor, Fields> Known = new();

    private sealed record Fields(FieldDescriptor? ConsentId, FieldDescriptor? RecordHash, FieldDescriptor[] Anchors);

    /// <inheritdoc/>
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var activity = Recorded();
        Tag(activity, request);
        var response = await continuation(request, context).ConfigureAwait(false);
        Tag(activity, response);
        return response;
    }

    /// <inheritdoc/>
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Tag(Recorded(), request);
        return continuation(request, responseStream, context);
    }

    private static Activity? Recorded() =>
        Activity.Current is { IsAllDataRequested: true } current && current.Source == NodeTelemetry.Source ? current : null;

    private static void Tag(Activity? activity, object? message)
    {
        if (activity is null || message is not IMessage proto)
        {
            return;
        }
        var fields = Known.GetOrAdd(proto.Descriptor, static d => new Fields(
            StringField(d, "consent_id"),
            StringField(d, "record_hash"),
            d.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.Message && !f.IsRepeated && f.MessageType.Name == "AnchorRef").ToArray()));
        if (fields.ConsentId?.Accessor.GetValue(proto) is string { Length: > 0 } consent)
        {
            activity.SetTag(NodeTelemetry.ConsentIdAttribute, consent);
        }
        var record = fields.RecordHash?.Accessor.GetValue(proto) as string;
        foreach (var anchor in fields.Anchors)
        {
            if (record is { Length: > 0 })
            {
                break;
            }
            if (anchor.Accessor.GetValue(proto) is IMessage anchorRef)
            {
                record = anchorRef.Descriptor.FindFieldByName("record_hash")?.Accessor.GetValue(anchorRef) as string;
            }
        }
        if (record is { Length: > 0 })
        {
            activity.SetTag(NodeTelemetry.RecordHashAttribute, record);
        }
    }

    private static FieldDescriptor? StringField(MessageDescriptor descriptor, string name) =>
        descriptor.FindFieldByName(name) is { FieldType: FieldType.String, IsRepeated: false } field ? field : null;
}
