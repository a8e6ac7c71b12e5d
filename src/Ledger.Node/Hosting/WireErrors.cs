using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Ledger.Sdk;
using Microsoft.AspNetCore.Routing;

namespace Ledger.Node.Hosting;

/// <summary>
/// Answers with a Ledger code the requests that grpc-dotnet itself refuses before any interceptor runs — so that no
/// answer of a node lacks a code, whatever bytes a caller sends:
/// <list type="bullet">
/// <item>a body that is not a valid protobuf message of the method's request type (truncated, wrong wire types,
/// invalid UTF-8 in a string, nesting past protobuf's limit): LEDGER-1570, INVALID_ARGUMENT — grpc-dotnet would answer
/// UNKNOWN "Exception was thrown by handler." and log the parser's stack trace as an error
/// (<see cref="LedgerServiceMethodProvider{TService}"/>);</item>
/// <item>a body above the node's size limit: LEDGER-1571 added to grpc-dotnet's RESOURCE_EXHAUSTED (<see cref="AddCodes"/>);</item>
/// <item>a method no service of this node has (another role's service, or none at all): LEDGER-1519 added to
/// grpc-dotnet's UNIMPLEMENTED, as the interceptor answers a mapped method the access policy does not open.</item>
/// </list>
/// A request that cannot be read is not a data request, so the tax node records no refusal for it.
/// </summary>
public static class WireErrors
{
    private const string StatusHeader = "grpc-status";
    private const string MessageHeader = "grpc-message";

    /// <summary>
    /// After the gRPC endpoint ran: a trailers-only answer grpc-dotnet made itself (no Ledger code) for a body over the
    /// size limit, or for a method this node does not serve, gets its code and a sentence. Answers that already carry a
    /// code, and answers whose response has started, are left as they are.
    /// </summary>
    public static void AddCodes(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        if (response.HasStarted || response.Headers.ContainsKey(SdkErrors.ErrorCodeTrailer) || !response.Headers.TryGetValue(StatusHeader, out var status))
        {
            return;
        }
        var path = context.Request.Path.Value ?? "";
        switch (status.ToString())
        {
            case "8": // RESOURCE_EXHAUSTED: grpc-dotnet's MaxReceiveMessageSize
                response.Headers[SdkErrors.ErrorCodeTrailer] = NodeErrors.TooLargeCode;
                response.Headers[MessageHeader] =
                    $"The request to {Ascii(path)} is larger than this node accepts ({NodeHostExtensions.MaxRequestBytes / (1024 * 1024)} MiB; "
                    + $"{NodeHostExtensions.MaxImportBytes / (1024 * 1024)} MiB for TaxAdmin.ImportTaxData). Send less: split an import, or ask for fewer items.";
                break;
            case "12": // UNIMPLEMENTED: no such service or method on this node
                var module = context.RequestServices.GetService(typeof(NodeModule)) as NodeModule;
                var which = module is not null ? $"a {module.Role.Word()} node" : "this node";
                var service = path.TrimStart('/').Split('/')[0];
                var roles = NodeModule.RolesServing(service);
                var servedBy = roles.Count == 0
                    ? "no Ledger node serves it; check the method's name"
                    : $"{service} is served by {string.Join(" and ", roles.Select(r => r.Word()))} nodes: call one of those (--org or --node of such a member; docs/nodes.md, 'Allowed roles')";
                response.Headers[SdkErrors.ErrorCodeTrailer] = NodeErrors.NotServedCode;
                response.Headers[MessageHeader] = $"{Ascii(path)} is not served here ({which}); {servedBy}.";
                break;
        }
    }

    /// <summary>The error of a request body that does not parse as <paramref name="requestType"/>.</summary>
    public static RpcException Malformed(string method, string requestType, InvalidProtocolBufferException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var reason = error.Message.Split(". ", 2)[0].TrimEnd('.');
        return new RpcException(
            new Status(StatusCode.InvalidArgument,
                $"The body of the request to {method} is not a {requestType} message ({reason}); send the protobuf message the method takes (docs/api.md), as the Ledger SDK does."),
            new Metadata { { SdkErrors.ErrorCodeTrailer, NodeErrors.MalformedRequestCode } });
    }

    // grpc-message is percent-encoded: keep the sentence to printable ASCII without '%'.
    private static string Ascii(string text)
    {
        var clipped = text.Length <= 120 ? text : text[..120] + "...";
        return string.Concat(clipped.Select(c => c is >= ' ' and <= '~' && c != '%' ? c : '?'));
    }
}

/// <summary>
/// Binds a gRPC service as grpc-dotnet's own binder does — the generated <c>BindService</c> method found through its
/// <see cref="BindServiceMethodAttribute"/>, one open delegate per method — with one difference: each method's
/// request deserializer answers a body that does not parse with LEDGER-1570 (<see cref="WireErrors.Malformed"/>).
/// grpc-dotnet reads the request before any interceptor runs, so <see cref="ErrorInterceptor"/> never sees that
/// failure. Registered in place of grpc-dotnet's binder for every service of the node (health and reflection too).
/// </summary>
internal sealed class LedgerServiceMethodProvider<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var attribute = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true);
        if (attribute is null)
        {
            return;
        }
        var bind = attribute.BindType
            .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .SingleOrDefault(m => m.Name == attribute.BindMethodName && m.GetParameters() is [var first, _] && first.ParameterType == typeof(ServiceBinderBase))
            ?? throw new InvalidOperationException($"{attribute.BindType} has no {attribute.BindMethodName}(ServiceBinderBase, …) to bind {typeof(TService)}.");
        bind.Invoke(null, [new Binder(context, bind.GetParameters()[1].ParameterType), null]);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type declaringType) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Guarded(method), Metadata(method.Name, out var m, typeof(TRequest), typeof(ServerCallContext)),
                (UnaryServerMethod<TService, TRequest, TResponse>)Delegate.CreateDelegate(typeof(UnaryServerMethod<TService, TRequest, TResponse>), m));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Guarded(method), Metadata(method.Name, out var m, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
                (ServerStreamingServerMethod<TService, TRequest, TResponse>)Delegate.CreateDelegate(typeof(ServerStreamingServerMethod<TService, TRequest, TResponse>), m));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Guarded(method), Metadata(method.Name, out var m, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)),
                (ClientStreamingServerMethod<TService, TRequest, TResponse>)Delegate.CreateDelegate(typeof(ClientStreamingServerMethod<TService, TRequest, TResponse>), m));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Guarded(method),
                Metadata(method.Name, out var m, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
                (DuplexStreamingServerMethod<TService, TRequest, TResponse>)Delegate.CreateDelegate(typeof(DuplexStreamingServerMethod<TService, TRequest, TResponse>), m));

        /// <summary>The service's override of the method (as grpc-dotnet finds it) and the endpoint metadata grpc-dotnet gives it.</summary>
        private List<object> Metadata(string name, out MethodInfo handler, params Type[] parameters)
        {
            handler = Find(name, parameters) ?? throw new InvalidOperationException($"Could not find '{name}' on {typeof(TService)}.");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(handler.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return metadata;
        }

        private MethodInfo? Find(string name, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, null, parameters, null);
                if (method is null)
                {
                    return null;
                }
                if (method.IsVirtual && method.GetBaseDefinition().DeclaringType == declaringType)
                {
                    return method;
                }
            }
            return null;
        }

        private static Method<TRequest, TResponse> Guarded<TRequest, TResponse>(Method<TRequest, TResponse> method)
            where TRequest : class
            where TResponse : class
        {
            var inner = method.RequestMarshaller;
            var marshaller = new Marshaller<TRequest>(inner.ContextualSerializer, deserialization =>
            {
                try
                {
                    // The hash of the bytes as received is what a signed request is checked against (never a
                    // re-serialization of the parsed message, which may differ from what was signed).
                    var bodyHash = ReceivedBodies.HashOf(deserialization.PayloadAsReadOnlySequence());
                    var message = inner.ContextualDeserializer(deserialization);
                    ReceivedBodies.Remember(message, bodyHash);
                    return message;
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw WireErrors.Malformed(method.FullName, typeof(TRequest).Name, ex);
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
        }
    }
}

/// <summary>
/// The keccak256 of each request message's bytes as the node received them, kept beside the parsed message (weakly: it
/// goes with the message) from the deserializer (<see cref="LedgerServiceMethodProvider{TService}"/>) to the
/// <see cref="Auth.SignedRequestInterceptor"/>, which checks the signature over it.
/// </summary>
internal static class ReceivedBodies
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, System.Runtime.CompilerServices.StrongBox<Core.Primitives.Hash32>> Hashes = [];

    public static Core.Primitives.Hash32 HashOf(System.Buffers.ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            return Core.Primitives.Keccak.Hash(payload.FirstSpan);
        }
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent((int)payload.Length);
        try
        {
            System.Buffers.BuffersExtensions.CopyTo(payload, bytes);
            return Core.Primitives.Keccak.Hash(bytes.AsSpan(0, (int)payload.Length));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public static void Remember(object message, Core.Primitives.Hash32 bodyHash) => Hashes.AddOrUpdate(message, new(bodyHash));

    public static bool TryGet(object message, out Core.Primitives.Hash32 bodyHash)
    {
        if (Hashes.TryGetValue(message, out var box))
        {
            bodyHash = box.Value;
            return true;
        }
        bodyHash = default;
        return false;
    }
}
