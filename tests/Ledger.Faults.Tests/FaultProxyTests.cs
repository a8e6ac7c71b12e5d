using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ledger.Faults.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ledger.Faults.Tests;

/// <summary>The fault proxy itself, against a small JSON-RPC server whose head moves with every question: each mode does what it says.</summary>
#pragma warning disable CA1001 // the chain and the proxy are disposed by IAsyncLifetime.DisposeAsync
public sealed class FaultProxyTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly MovingChain _chain = new();
    private FaultProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        await _chain.StartAsync();
        _proxy = await FaultProxy.StartAsync(_chain.Url);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _chain.DisposeAsync();
    }

    [Fact]
    public async Task PassThrough_ForwardsRequestAndAnswer_AndCountsThem()
    {
        var answer = await CallAsync("net_version", JsonValue.Create("x"));
        Assert.Equal("net_version x", answer["result"]!.GetValue<string>());
        Assert.Equal(7, answer["id"]!.GetValue<int>());
        Assert.Equal(1, _proxy.Handled(FaultMode.PassThrough));
        Assert.Equal(1, _chain.Calls);
    }

    [Fact]
    public async Task Drop_ClosesTheConnectionWithoutAnAnswer_AndNothingReachesTheChain()
    {
        await _proxy.DropAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => CallAsync("eth_chainId"));
        await Assert.ThrowsAsync<HttpRequestException>(() => CallAsync("eth_chainId"));
        Assert.Equal(2, _proxy.Handled(FaultMode.Drop));
        Assert.Equal(0, _chain.Calls);

        await _proxy.PassThroughAsync();
        Assert.Equal("0x7a69", (await CallAsync("eth_chainId"))["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refuse_NothingListens_ThenTheSamePortServesAgain()
    {
        await _proxy.RefuseAsync();
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => CallAsync("eth_chainId"));
        Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, Assert.IsType<System.Net.Sockets.SocketException>(error.InnerException).SocketErrorCode);
        Assert.Equal(0, _chain.Calls);

        await _proxy.PassThroughAsync();
        Assert.Equal("0x7a69", (await CallAsync("eth_chainId"))["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task ServiceUnavailable_AnswersHttp503_AndNothingReachesTheChain()
    {
        await _proxy.ServiceUnavailableAsync();
        using var response = await PostAsync(Request("eth_blockNumber"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, _proxy.Handled(FaultMode.ServiceUnavailable));
        Assert.Equal(0, _chain.Calls);
    }

    [Fact]
    public async Task Delay_ForwardsEachRequestNoSoonerThanTheDelay()
    {
        await _proxy.DelayAsync(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        var answer = await CallAsync("net_version", JsonValue.Create("slow"));
        Assert.True(watch.ElapsedMilliseconds >= 300, $"answered after {watch.ElapsedMilliseconds} ms");
        Assert.Equal("net_version slow", answer["result"]!.GetValue<string>());
        Assert.Equal(1, _proxy.Handled(FaultMode.Delay));
    }

    [Fact]
    public async Task StalledHead_AnswersHeadQueriesWithTheBlockOfTheFaultsStart_AndForwardsTheRest()
    {
        await CallAsync("eth_blockNumber");
        await _proxy.StallHeadAsync();
        var frozen = _proxy.FrozenHeadNumber!.Value;
        var frozenHex = "0x" + frozen.ToString("x", CultureInfo.InvariantCulture);
        var callsAfterFreeze = _chain.Calls;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(frozenHex, (await CallAsync("eth_blockNumber"))["result"]!.GetValue<string>());
            var latest = (await CallAsync("eth_getBlockByNumber", JsonValue.Create("latest"), JsonValue.Create(false)))["result"]!;
            Assert.Equal(frozenHex, latest["number"]!.GetValue<string>());
            Assert.False(latest["full"]!.GetValue<bool>());
            var pending = (await CallAsync("eth_getBlockByNumber", JsonValue.Create("pending"), JsonValue.Create(true)))["result"]!;
            Assert.Equal(frozenHex, pending["number"]!.GetValue<string>());
            Assert.True(pending["full"]!.GetValue<bool>());
        }
        Assert.Equal(callsAfterFreeze, _chain.Calls); // the head queries never reached the chain

        // Everything else reaches the chain, whose head has moved on: a block by number, a call, a receipt.
        Assert.Equal("0x99", (await CallAsync("eth_getBlockByNumber", JsonValue.Create("0x99"), JsonValue.Create(false)))["result"]!["number"]!.GetValue<string>());
        Assert.Equal("eth_call x", (await CallAsync("eth_call", JsonValue.Create("x")))["result"]!.GetValue<string>());
        Assert.True(_chain.Head > frozen);

        // A batch: the head part frozen, the rest forwarded, in order.
        using var batch = await PostAsync(new JsonArray(Request("eth_blockNumber", 1), Request("net_version", 2, JsonValue.Create("b"))));
        var answers = (await batch.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal(frozenHex, answers[0]!["result"]!.GetValue<string>());
        Assert.Equal(1, answers[0]!["id"]!.GetValue<int>());
        Assert.Equal("net_version b", answers[1]!["result"]!.GetValue<string>());
        Assert.Equal(2, answers[1]!["id"]!.GetValue<int>());

        await _proxy.PassThroughAsync();
        var moving = ulong.Parse((await CallAsync("eth_blockNumber"))["result"]!.GetValue<string>().AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.True(moving > frozen);
        Assert.True(_proxy.Handled(FaultMode.StalledHead) >= 10);
    }

    [Fact]
    public async Task ChainNodeGone_TheCallersConnectionIsClosed_AndCounted()
    {
        await _chain.DisposeAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => CallAsync("eth_chainId"));
        Assert.Equal(1, _proxy.UpstreamFailures);
    }

    private static JsonObject Request(string method, int id = 7, params JsonNode?[] parameters) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = new JsonArray(parameters) };

    private async Task<JsonNode> CallAsync(string method, params JsonNode?[] parameters)
    {
        using var response = await PostAsync(Request(method, 7, parameters));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    private Task<HttpResponseMessage> PostAsync(JsonNode body) => Http.PostAsJsonAsync(_proxy.Url, body);

    /// <summary>A JSON-RPC server whose head moves by one with every request it gets; other methods echo.</summary>
    private sealed class MovingChain : IAsyncDisposable
    {
        private WebApplication? _app;
        private long _head = 10;
        private int _calls;

        public string Url { get; private set; } = "";

        public ulong Head => (ulong)Interlocked.Read(ref _head);

        public int Calls => Volatile.Read(ref _calls);

        public async Task StartAsync()
        {
            var port = Node.Tests.Support.NodeProcess.FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
            _app = builder.Build();
            _app.Run(AnswerAsync);
            await _app.StartAsync();
            Url = $"http://127.0.0.1:{port}";
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is { } app)
            {
                _app = null;
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }

        private async Task AnswerAsync(HttpContext context)
        {
            Interlocked.Increment(ref _calls);
            var head = Interlocked.Increment(ref _head);
            var body = await JsonNode.ParseAsync(context.Request.Body);
            JsonNode Answer(JsonNode call)
            {
                var method = call["method"]!.GetValue<string>();
                var parameters = call["params"] as JsonArray ?? [];
                JsonNode? result = method switch
                {
                    "eth_chainId" => "0x7a69",
                    "eth_blockNumber" => "0x" + head.ToString("x", CultureInfo.InvariantCulture),
                    "eth_getBlockByNumber" => new JsonObject
                    {
                        ["number"] = parameters[0]!.GetValue<string>() is var tag && tag.StartsWith("0x", StringComparison.Ordinal) ? tag : "0x" + head.ToString("x", CultureInfo.InvariantCulture),
                        ["full"] = parameters.Count > 1 && parameters[1]!.GetValue<bool>(),
                    },
                    _ => $"{method} {(parameters.Count > 0 ? parameters[0]!.GetValue<string>() : "")}".Trim(),
                };
                return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = call["id"]?.DeepClone(), ["result"] = result };
            }
            JsonNode answer = body is JsonArray batch ? new JsonArray(batch.Select(c => Answer(c!)).ToArray()) : Answer(body!);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.ToJsonString());
        }
    }
}
