using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ledger.Faults.Tests.Support;

/// <summary>What the proxy does with the requests it gets.</summary>
public enum FaultMode
{
    /// <summary>Forwards every request to the chain node and its answer back.</summary>
    PassThrough,
    /// <summary>Accepts the connection, reads the request and closes the connection without an answer.</summary>
    Drop,
    /// <summary>Nothing listens: connections are refused (as when the chain node's process is gone).</summary>
    Refuse,
    /// <summary>Answers HTTP 503 Service Unavailable (as a load balancer in front of a sick node does).</summary>
    ServiceUnavailable,
    /// <summary>Forwards every request after a fixed delay.</summary>
    Delay,
    /// <summary>
    /// Answers <c>eth_blockNumber</c> and <c>eth_getBlockByNumber</c> of the head tags (latest, pending, safe,
    /// finalized) with the block that was the head when the fault began; forwards everything else (calls at a block
    /// number, receipts, logs, transactions): the chain goes on, but the node's view of its head stands still.
    /// </summary>
    StalledHead,
}

/// <summary>
/// A JSON-RPC reverse proxy on 127.0.0.1 between a node and its chain node, whose behaviour the test switches at run
/// time (<see cref="FaultMode"/>) and which counts the requests it handled in each mode. A request that cannot reach
/// the chain node (its process killed) is answered by closing the connection, as the chain node's own socket would.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private static readonly string[] HeadTags = ["latest", "pending", "safe", "finalized"];

    private readonly HttpClient _upstream;
    private readonly ConcurrentDictionary<FaultMode, long> _counts = new();
    private readonly SemaphoreSlim _listenerGate = new(1, 1);
    private WebApplication? _app;
    private long _upstreamFailures;
    // Boxed so a request reads mode, delay and frozen head of one switch together.
    private FaultState _state = new(FaultMode.PassThrough, TimeSpan.Zero, null);

    private sealed record FrozenHead(ulong Number, JsonNode Block, JsonNode FullBlock);

    private sealed record FaultState(FaultMode Mode, TimeSpan Delay, FrozenHead? Head);

    private FaultProxy(Uri upstream, int port)
    {
        Upstream = upstream;
        Port = port;
        _upstream = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>The chain node's JSON-RPC endpoint.</summary>
    public Uri Upstream { get; }

    /// <summary>The loopback port the proxy listens on (the same after a <see cref="FaultMode.Refuse"/> fault).</summary>
    public int Port { get; }

    /// <summary>The proxy's JSON-RPC endpoint: what the node is given as its RpcUrl.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The mode in force.</summary>
    public FaultMode Mode => Volatile.Read(ref _state).Mode;

    /// <summary>The head block a <see cref="FaultMode.StalledHead"/> fault answers with (null in other modes).</summary>
    public ulong? FrozenHeadNumber => Volatile.Read(ref _state).Head?.Number;

    /// <summary>Requests handled in <paramref name="mode"/> since the proxy started (none in <see cref="FaultMode.Refuse"/>).</summary>
    public long Handled(FaultMode mode) => _counts.TryGetValue(mode, out var count) ? count : 0;

    /// <summary>Requests that were to be forwarded but could not reach the chain node (the connection was closed instead).</summary>
    public long UpstreamFailures => Interlocked.Read(ref _upstreamFailures);

    /// <summary>Starts a proxy to <paramref name="upstreamUrl"/> on <paramref name="port"/> (null: a free loopback port).</summary>
    public static async Task<FaultProxy> StartAsync(string upstreamUrl, int? port = null)
    {
        var proxy = new FaultProxy(new Uri(upstreamUrl), port ?? Node.Tests.Support.NodeProcess.FreePort());
        await proxy.ListenAsync();
        return proxy;
    }

    /// <summary>Forward everything again.</summary>
    public Task PassThroughAsync() => SwitchAsync(new FaultState(FaultMode.PassThrough, TimeSpan.Zero, null));

    /// <summary>Close every connection after reading its request, without an answer.</summary>
    public Task DropAsync() => SwitchAsync(new FaultState(FaultMode.Drop, TimeSpan.Zero, null));

    /// <summary>Stop listening: connections are refused until another mode is switched on.</summary>
    public Task RefuseAsync() => SwitchAsync(new FaultState(FaultMode.Refuse, TimeSpan.Zero, null));

    /// <summary>Answer HTTP 503 to every request.</summary>
    public Task ServiceUnavailableAsync() => SwitchAsync(new FaultState(FaultMode.ServiceUnavailable, TimeSpan.Zero, null));

    /// <summary>Forward every request <paramref name="delay"/> late.</summary>
    public Task DelayAsync(TimeSpan delay) => SwitchAsync(new FaultState(FaultMode.Delay, delay, null));

    /// <summary>
    /// Freeze the head: reads the chain node's latest block now (with and without transaction bodies) and answers
    /// every head query with it from now on, forwarding the rest.
    /// </summary>
    public async Task StallHeadAsync(CancellationToken cancellationToken = default)
    {
        var block = await UpstreamResultAsync("eth_getBlockByNumber", [JsonValue.Create("latest"), JsonValue.Create(false)], cancellationToken);
        var numberHex = block["number"]?.GetValue<string>() ?? throw new InvalidOperationException("The chain node's latest block has no number.");
        var full = await UpstreamResultAsync("eth_getBlockByNumber", [JsonValue.Create(numberHex), JsonValue.Create(true)], cancellationToken);
        var number = ulong.Parse(numberHex.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        await SwitchAsync(new FaultState(FaultMode.StalledHead, TimeSpan.Zero, new FrozenHead(number, block, full)));
    }

    public async ValueTask DisposeAsync()
    {
        await StopListeningAsync();
        _upstream.Dispose();
        _listenerGate.Dispose();
    }

    private async Task SwitchAsync(FaultState state)
    {
        Volatile.Write(ref _state, state);
        if (state.Mode == FaultMode.Refuse)
        {
            await StopListeningAsync();
        }
        else if (_app is null)
        {
            await ListenAsync();
        }
    }

    private async Task ListenAsync()
    {
        await _listenerGate.WaitAsync();
        try
        {
            if (_app is not null)
            {
                return;
            }
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Port));
            var app = builder.Build();
            app.Run(HandleAsync);
            await app.StartAsync();
            _app = app;
        }
        finally
        {
            _listenerGate.Release();
        }
    }

    private async Task StopListeningAsync()
    {
        await _listenerGate.WaitAsync();
        try
        {
            if (_app is { } app)
            {
                _app = null;
                // Open connections are closed too: a refused chain node has no connection left to answer on.
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await app.StopAsync(stop.Token);
                await app.DisposeAsync();
            }
        }
        finally
        {
            _listenerGate.Release();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var state = Volatile.Read(ref _state);
        _counts.AddOrUpdate(state.Mode, 1, (_, count) => count + 1);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        switch (state.Mode)
        {
            case FaultMode.Drop:
                context.Abort();
                return;
            case FaultMode.ServiceUnavailable:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("503 Service Unavailable (fault proxy)", context.RequestAborted);
                return;
            case FaultMode.Delay:
                await Task.Delay(state.Delay, context.RequestAborted);
                break;
            case FaultMode.StalledHead when state.Head is { } head:
                var frozen = await AnswerWithFrozenHeadAsync(body, head, context.RequestAborted);
                if (frozen is not null)
                {
                    await WriteJsonAsync(context, frozen);
                    return;
                }
                break;
        }
        await ForwardAsync(context, body);
    }

    private async Task ForwardAsync(HttpContext context, byte[] body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(Upstream, context.Request.Path + context.Request.QueryString))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType ?? "application/json");
        HttpResponseMessage response;
        try
        {
            response = await _upstream.SendAsync(request, context.RequestAborted);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            // The chain node is gone: the caller sees its connection closed, as it would without the proxy.
            Interlocked.Increment(ref _upstreamFailures);
            context.Abort();
            return;
        }
        using (response)
        {
            var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            await context.Response.Body.WriteAsync(answer, context.RequestAborted);
        }
    }

    // The answer to a request when some of it asks for the head; null when none of it does (forward it whole).
    private async Task<JsonNode?> AnswerWithFrozenHeadAsync(byte[] body, FrozenHead head, CancellationToken cancellationToken)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        switch (parsed)
        {
            case JsonObject single:
                return FrozenAnswer(single, head);
            case JsonArray batch when batch.OfType<JsonObject>().Any(call => FrozenAnswer(call, head) is not null):
                var answers = new JsonArray();
                foreach (var call in batch.OfType<JsonObject>())
                {
                    answers.Add(FrozenAnswer(call, head) ?? await UpstreamCallAsync(call, cancellationToken));
                }
                return answers;
            default:
                return null;
        }
    }

    private static JsonObject? FrozenAnswer(JsonObject call, FrozenHead head)
    {
        var method = call["method"]?.GetValue<string>();
        JsonNode? result = null;
        if (method == "eth_blockNumber")
        {
            result = JsonValue.Create("0x" + head.Number.ToString("x", CultureInfo.InvariantCulture));
        }
        else if (method == "eth_getBlockByNumber"
            && call["params"] is JsonArray parameters
            && parameters.Count > 0
            && parameters[0] is JsonValue tag && tag.TryGetValue<string>(out var text) && HeadTags.Contains(text, StringComparer.OrdinalIgnoreCase))
        {
            var full = parameters.Count > 1 && parameters[1] is JsonValue flag && flag.TryGetValue<bool>(out var withBodies) && withBodies;
            result = (full ? head.FullBlock : head.Block).DeepClone();
        }
        return result is null ? null : new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = call["id"]?.DeepClone(),
            ["result"] = result,
        };
    }

    private async Task<JsonNode> UpstreamCallAsync(JsonObject call, CancellationToken cancellationToken)
    {
        using var content = new StringContent(call.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _upstream.PostAsync(Upstream, content, cancellationToken);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))
            ?? throw new InvalidOperationException($"The chain node answered {call["method"]} with nothing.");
    }

    private async Task<JsonNode> UpstreamResultAsync(string method, JsonNode[] parameters, CancellationToken cancellationToken)
    {
        var call = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = method, ["params"] = new JsonArray(parameters) };
        var answer = await UpstreamCallAsync(call, cancellationToken);
        return answer["result"] ?? throw new InvalidOperationException($"The chain node answered {method} without a result: {answer.ToJsonString()}");
    }

    private static async Task WriteJsonAsync(HttpContext context, JsonNode answer)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }
}
