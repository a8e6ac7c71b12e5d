using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Ledger.Cli.Tests.Loan;
using Ledger.Core.Auth;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Local;
using Ledger.Node.Hosting.Auth;
using Ledger.Sdk;

namespace Ledger.Fuzz.Tests.Support;

/// <summary>How a request is (or is not) signed.</summary>
public enum AuthMode
{
    /// <summary>Signed by an operator of a member the method is open to (the node's own organization where it must be).</summary>
    Valid,
    /// <summary>Signed correctly by a member the method is not open to (wrong role, or not the node's own organization).</summary>
    WrongCaller,
    /// <summary>No signed-request metadata.</summary>
    NoSignature,
    /// <summary>One metadata value missing or malformed (organization, time, nonce, signature).</summary>
    Malformed,
    /// <summary>Signed correctly, at a time far from the node's clock (or at 0 / the largest time).</summary>
    Stale,
    /// <summary>A valid request, then the very same request again (the second one is the replay).</summary>
    Replay,
    /// <summary>A signature over another body than the one sent.</summary>
    OtherBody,
    /// <summary>Signed for another node (audience).</summary>
    WrongAudience,
    /// <summary>Signed by a key that operates no member.</summary>
    Outsider,
    /// <summary>Signed by one member's operator, claiming to come from another member.</summary>
    ClaimsOtherOrg,
    /// <summary>A high-s (malleable) copy of a valid signature.</summary>
    Malleable,
    /// <summary>Signed correctly, sent to a node that does not serve the method (another role's node).</summary>
    WrongNode,
}

/// <summary>Which layer answered.</summary>
public enum AnswerLayer
{
    /// <summary>The request body could not be read as the method's message (LEDGER-1570), or was too large (LEDGER-1571).</summary>
    Wire,
    /// <summary>The signed-request interceptor or the access policy (LEDGER-1510 … 1517, 1519).</summary>
    Auth,
    /// <summary>The service: a success, or any other code (validation, state, chain).</summary>
    Service,
}

/// <summary>One method of a node service, where it is served and who may call it (<see cref="AccessPolicy"/>).</summary>
public sealed record FuzzMethod(ServiceDescriptor Service, MethodDescriptor Method, MethodPolicy Policy, IReadOnlyList<LocalNode> Nodes)
{
    public string FullName => $"/{Service.FullName}/{Method.Name}";

    public bool ServerStreaming => Method.IsServerStreaming;
}

/// <summary>A node's answer.</summary>
public sealed record Answer(StatusCode Status, string? Code, string Detail, string? Correlation)
{
    public static readonly Answer Ok = new(StatusCode.OK, null, "", null);

    /// <summary>How long the answer took (for the report: where the suite's time goes).</summary>
    public TimeSpan Elapsed { get; init; }
}

/// <summary>One request sent and its answer, for counting and for failure messages.</summary>
public sealed record Exchange(FuzzMethod Method, string Node, AuthMode Auth, BodyKind BodyKind, byte[] Body, Answer Answer)
{
    /// <summary>What failed about the answer, or null when it is one of the acceptable answers.</summary>
    public string? Violation()
    {
        var a = Answer;
        if (a.Status == StatusCode.OK)
        {
            return null;
        }
        if (a.Status == StatusCode.DeadlineExceeded)
        {
            return "no answer within the deadline (a hang)";
        }
        if (a.Status == StatusCode.Unknown)
        {
            return "status UNKNOWN";
        }
        if (a.Code is null)
        {
            return $"status {a.Status} without a ledger-error-code trailer";
        }
        if (a.Status == StatusCode.Internal)
        {
            return $"INTERNAL ({a.Code}): a defect, whatever its code (a contract panic, an unknown revert, a miswired deployment)";
        }
        if (!ErrorCatalogue.Codes.Contains(a.Code))
        {
            return $"code {a.Code} is not in docs/errors.md";
        }
        if (a.Code == ErrorCatalogue.NodeInternal || a.Detail.Contains("failed unexpectedly", StringComparison.OrdinalIgnoreCase))
        {
            return $"{a.Code}: the node failed unexpectedly";
        }
        if (a.Detail.Contains("   at ", StringComparison.Ordinal) || a.Detail.Contains("Exception", StringComparison.Ordinal))
        {
            return "the message shows an exception or a stack trace";
        }
        return null;
    }

    public AnswerLayer Layer => Answer.Code switch
    {
        "LEDGER-1570" or "LEDGER-1571" => AnswerLayer.Wire,
        "LEDGER-1510" or "LEDGER-1511" or "LEDGER-1512" or "LEDGER-1513" or "LEDGER-1514" or "LEDGER-1515" or "LEDGER-1516"
            or "LEDGER-1517" or "LEDGER-1519" => AnswerLayer.Auth,
        _ => AnswerLayer.Service,
    };

    public override string ToString()
    {
        var body = Body.Length <= 160 ? Convert.ToHexStringLower(Body) : Convert.ToHexStringLower(Body.AsSpan(0, 160)) + $"… ({Body.Length} bytes)";
        return $"{Method.FullName} on {Node}, auth {Auth}, body {BodyKind} 0x{body} → {Answer.Status} {Answer.Code ?? "(no code)"}: {Answer.Detail}"
            + (Answer.Correlation is { } id ? $" [correlation {id}]" : "");
    }
}

/// <summary>
/// Sends generated hostile requests to the node services of a <see cref="FuzzConsortium"/> as raw bytes through a
/// generic gRPC call (a bytes marshaller: the body need not be a valid message), signing them itself so it can also
/// sign them wrongly — see <see cref="AuthMode"/>. About two in three requests are validly signed, so most bodies
/// reach the service logic; the rest test the interceptor.
/// </summary>
public sealed class NodeFuzzer(FuzzConsortium consortium)
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    /// <summary>How long one call may take before it counts as a hang (generous: the machine is shared).</summary>
    public static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(60);

    private static readonly ConcurrentDictionary<string, Method<byte[], byte[]>> Methods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CallInvoker> _invokers = new(StringComparer.Ordinal);
    private readonly Lazy<Eip712Domain> _domain = new(() => SignedRequest.Domain(consortium.Consortium.Deployment.ChainId, consortium.Consortium.Deployment[Chain.Abi.LedgerContracts.Consortium]));
    private readonly Lazy<byte[]> _outsiderKey = new(() =>
    {
        using var keys = Sdk.Keys.NodeKeys.Generate();
        return keys.OperatorKey.ToArray();
    });

    /// <summary>The roles whose nodes map each service (NodeHostExtensions.MapLedgerNode).</summary>
    public static IReadOnlyDictionary<string, Role[]> ServedBy { get; } = new Dictionary<string, Role[]>(StringComparer.Ordinal)
    {
        ["ledger.v1.Node"] = [Role.TaxBureau, Role.Bank, Role.Guarantor, Role.Regulator, Role.Auditor],
        ["ledger.v1.Consent"] = [Role.TaxBureau, Role.Bank, Role.Guarantor, Role.Regulator, Role.Auditor],
        ["ledger.v1.RecordExport"] = [Role.TaxBureau, Role.Bank, Role.Guarantor, Role.Regulator, Role.Auditor],
        ["ledger.v1.DataExchange"] = [Role.TaxBureau],
        ["ledger.v1.TaxAdmin"] = [Role.TaxBureau],
        ["ledger.v1.EnterpriseSelf"] = [Role.TaxBureau, Role.Bank],
        ["ledger.v1.FundFlow"] = [Role.TaxBureau, Role.Bank],
        ["ledger.v1.Lending"] = [Role.Bank],
        ["ledger.v1.Alerts"] = [Role.TaxBureau, Role.Bank, Role.Guarantor],
        ["ledger.v1.Guarantee"] = [Role.Guarantor],
        ["ledger.v1.Compensation"] = [Role.Regulator],
        ["ledger.v1.Audit"] = [Role.Auditor],
    };

    /// <summary>Every service of the <c>ledger.v1</c> protos (from the generated descriptors, not a hand list).</summary>
    public static IReadOnlyList<ServiceDescriptor> Services { get; } = typeof(Api.V1.Empty).Assembly.GetTypes()
        .Where(t => t.Name.EndsWith("Reflection", StringComparison.Ordinal) && t.Namespace == typeof(Api.V1.Empty).Namespace)
        .Select(t => (FileDescriptor)t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
        .SelectMany(f => f.Services)
        .OrderBy(s => s.FullName, StringComparer.Ordinal)
        .ToList();

    /// <summary>The methods of <paramref name="service"/> with their policy and the nodes that serve them.</summary>
    public IReadOnlyList<FuzzMethod> MethodsOf(ServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var roles = ServedBy.TryGetValue(service.FullName, out var r)
            ? r
            : throw new InvalidOperationException($"{service.FullName} is in the protos but the fuzz suite does not know which nodes serve it; add it to NodeFuzzer.ServedBy.");
        var nodes = consortium.Consortium.Nodes.Where(n => roles.Contains(n.Role)).ToList();
        return service.Methods.Select(m => new FuzzMethod(
            service, m,
            AccessPolicy.For($"/{service.FullName}/{m.Name}") ?? throw new InvalidOperationException($"/{service.FullName}/{m.Name} is not in AccessPolicy.Table."),
            nodes)).ToList();
    }

    /// <summary>
    /// Makes and sends requests from <paramref name="seed"/>, <paramref name="concurrency"/> at a time, until
    /// <paramref name="count"/> have been sent (a replay is two: the request and its replay); returns every exchange.
    /// Request <c>i</c> is the same for a seed whatever the interleaving.
    /// </summary>
    public async Task<IReadOnlyList<Exchange>> RunAsync(ServiceDescriptor service, int seed, int count, int concurrency)
    {
        var methods = MethodsOf(service);
        var exchanges = new ConcurrentBag<Exchange>();
        var next = -1;
        var sent = 0;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Volatile.Read(ref sent) < count)
            {
                var index = Interlocked.Increment(ref next);
                // One Random per index: the same seed makes the same requests whatever the interleaving.
                var random = new Random(unchecked((seed * 1_000_003) + (Stable(service.FullName) * 7_919) + index));
                foreach (var exchange in await OneAsync(methods[random.Next(methods.Count)], random))
                {
                    exchanges.Add(exchange);
                    Interlocked.Increment(ref sent);
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        return [.. exchanges];
    }

    private static int Stable(string text)
    {
        // A hash that does not change between processes (string.GetHashCode does).
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }
        return hash;
    }

    private async Task<IReadOnlyList<Exchange>> OneAsync(FuzzMethod method, Random random)
    {
        var node = method.Nodes[random.Next(method.Nodes.Count)];
        var generator = new RequestGenerator(random, consortium.Seeds);
        var (body, kind) = generator.Body(method.Method.InputType);
        for (var tries = 0; tries < 100 && Costly(method, body); tries++)
        {
            (body, kind) = generator.Body(method.Method.InputType);
        }
        var auth = PickAuth(method, random);
        var elsewhere = consortium.Consortium.Nodes.Where(n => !method.Nodes.Contains(n)).ToList();
        if (auth == AuthMode.WrongNode)
        {
            if (elsewhere.Count == 0)
            {
                auth = AuthMode.Valid;
            }
            else
            {
                node = elsewhere[random.Next(elsewhere.Count)];
            }
        }
        var signedBody = SignedBody(method, body);
        var callers = Callers(method, node);
        var valid = callers.Valid[random.Next(callers.Valid.Count)];
        var timestamp = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var nonce = new Hash32(HostileValues.Bytes(random, 32));
        Metadata? headers;
        switch (auth)
        {
            case AuthMode.Valid or AuthMode.Replay or AuthMode.WrongNode:
                headers = Sign(method, node, valid, valid.Spec.Org, signedBody, timestamp, nonce);
                break;
            case AuthMode.WrongCaller when callers.Wrong.Count > 0:
                var wrong = callers.Wrong[random.Next(callers.Wrong.Count)];
                headers = Sign(method, node, wrong, wrong.Spec.Org, signedBody, timestamp, nonce);
                break;
            case AuthMode.WrongCaller or AuthMode.Outsider:
                headers = Sign(method, node.Organization, _outsiderKey.Value, valid.Spec.Org, signedBody, timestamp, nonce);
                break;
            case AuthMode.NoSignature:
                headers = null;
                break;
            case AuthMode.Malformed:
                headers = Malformed(Sign(method, node, valid, valid.Spec.Org, signedBody, timestamp, nonce), random);
                break;
            case AuthMode.Stale:
                var stale = random.Next(5) switch
                {
                    0 => 0UL,
                    1 => ulong.MaxValue,
                    2 => timestamp - 600_000,
                    3 => timestamp + 600_000,
                    _ => timestamp - 121_000,
                };
                headers = Sign(method, node, valid, valid.Spec.Org, signedBody, stale, nonce);
                break;
            case AuthMode.OtherBody:
                var other = SignedBody(method, generator.Body(method.Method.InputType).Body);
                headers = Sign(method, node, valid, valid.Spec.Org, other.AsSpan().SequenceEqual(signedBody) ? [.. other, 0] : other, timestamp, nonce);
                break;
            case AuthMode.WrongAudience:
                var others = consortium.Consortium.Nodes.Where(n => n != node).ToList();
                headers = Sign(method, others[random.Next(others.Count)].Organization, valid.Keys.OperatorKey.ToArray(), valid.Spec.Org, signedBody, timestamp, nonce);
                break;
            case AuthMode.ClaimsOtherOrg:
                var claimed = FuzzSeeds.Orgs.Where(o => o != valid.Spec.Org).ToList();
                headers = Sign(method, node, valid, claimed[random.Next(claimed.Count)], signedBody, timestamp, nonce);
                break;
            case AuthMode.Malleable:
                headers = Malleate(Sign(method, node, valid, valid.Spec.Org, signedBody, timestamp, nonce));
                break;
            default:
                throw new InvalidOperationException(auth.ToString());
        }

        var first = new Exchange(method, node.Spec.Org, auth == AuthMode.Replay ? AuthMode.Valid : auth, kind, body, await SendAsync(method, node, headers, body));
        if (auth != AuthMode.Replay)
        {
            return [first];
        }
        var replay = new Exchange(method, node.Spec.Org, AuthMode.Replay, kind, body, await SendAsync(method, node, headers, body));
        return [first, replay];
    }

    /// <summary>
    /// A valid request that is expensive by design, which random bytes can hit: generating up to 100,000 taxpayers in
    /// one call (minutes, and hundreds of megabytes in the tax node's store). The suite is about malformed input, and a
    /// handful of those would take longer than everything else.
    /// </summary>
    private static bool Costly(FuzzMethod method, byte[] body)
    {
        if (method.FullName != "/ledger.v1.TaxAdmin/GenerateSyntheticData")
        {
            return false;
        }
        try
        {
            return Api.V1.GenerateRequest.Parser.ParseFrom(body).Count is > 3 and <= Node.Tax.TaxAdminService.MaxGenerated;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static AuthMode PickAuth(FuzzMethod method, Random random)
    {
        // Methods whose request has no fields (Sync, VerifyLedger, GetInfo…) do the same work for every body: most of
        // their requests test the interceptor, and fewer run the (costly) method itself.
        var validShare = method.Method.InputType.Fields.InDeclarationOrder().Count == 0 ? 25 : 66;
        var roll = random.Next(100);
        if (roll < validShare)
        {
            return AuthMode.Valid;
        }
        var hostile = new[]
        {
            AuthMode.WrongCaller, AuthMode.WrongCaller, AuthMode.NoSignature, AuthMode.Malformed, AuthMode.Malformed, AuthMode.Stale,
            AuthMode.Replay, AuthMode.Replay, AuthMode.OtherBody, AuthMode.WrongAudience, AuthMode.Outsider, AuthMode.ClaimsOtherOrg,
            AuthMode.Malleable, AuthMode.WrongNode,
        };
        return hostile[random.Next(hostile.Length)];
    }

    /// <summary>What the node hashes: its own re-encoding of the message it parsed (the raw bytes when they do not parse).</summary>
    private static byte[] SignedBody(FuzzMethod method, byte[] body)
    {
        try
        {
            return method.Method.InputType.Parser.ParseFrom(body).ToByteArray();
        }
        catch (InvalidProtocolBufferException)
        {
            return body;
        }
    }

    private sealed record CallerSet(IReadOnlyList<LocalNode> Valid, IReadOnlyList<LocalNode> Wrong);

    private CallerSet Callers(FuzzMethod method, LocalNode node)
    {
        var policy = method.Policy;
        var members = consortium.Consortium.Nodes;
        bool Allowed(LocalNode caller) => policy.Public
            || (policy.Roles.Contains(caller.Role) && (!policy.OwnOrganizationOnly || caller.Organization == node.Organization));
        var valid = members.Where(Allowed).ToList();
        return new CallerSet(valid.Count > 0 ? valid : [node], members.Where(m => !Allowed(m)).ToList());
    }

    private Metadata Sign(FuzzMethod method, LocalNode node, LocalNode signer, string claimedOrg, byte[] body, ulong timestamp, Hash32 nonce) =>
        Sign(method, node.Organization, signer.Keys.OperatorKey.ToArray(), claimedOrg, body, timestamp, nonce);

    private Metadata Sign(FuzzMethod method, OrgId audience, byte[] key, string claimedOrg, byte[] body, ulong timestamp, Hash32 nonce)
    {
        var signature = SignedRequest.Sign(_domain.Value, method.FullName, body, audience, OrgId.FromCode(claimedOrg), timestamp, nonce, key);
        return new Metadata
        {
            { SignedRequest.Headers.Org, claimedOrg },
            { SignedRequest.Headers.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture) },
            { SignedRequest.Headers.Nonce, nonce.ToString() },
            { SignedRequest.Headers.Signature, "0x" + Convert.ToHexStringLower(signature) },
        };
    }

    private static Metadata Malformed(Metadata signed, Random random)
    {
        var keys = new[] { SignedRequest.Headers.Org, SignedRequest.Headers.Timestamp, SignedRequest.Headers.Nonce, SignedRequest.Headers.Signature };
        var target = keys[random.Next(keys.Length)];
        var value = signed.GetValue(target)!;
        string? replacement = random.Next(12) switch
        {
            0 => null,                                                      // missing
            1 => "",
            2 => value + "0",
            3 => value[..^1],
            4 => value.ToUpperInvariant(),
            5 => "-1",
            6 => "99999999999999999999999999",
            7 => "0x" + new string('z', value.Length - 2),
            8 => new string('a', 4_000),
            9 => " " + value,
            10 => "0x" + HostileValues.Hex(random, 130),
            _ => HostileValues.RandomAscii(random, random.Next(0, 80)).Trim(),
        };
        var headers = new Metadata();
        foreach (var key in keys)
        {
            if (key != target)
            {
                headers.Add(key, signed.GetValue(key)!);
            }
            else if (replacement is not null)
            {
                headers.Add(key, replacement);
            }
        }
        return headers;
    }

    /// <summary>The same signature with s replaced by n − s (and v flipped): it recovers the same key, but is not low-s.</summary>
    private static Metadata Malleate(Metadata signed)
    {
        var signature = Convert.FromHexString(signed.GetValue(SignedRequest.Headers.Signature)![2..]);
        var n = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var s = new System.Numerics.BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        var high = (n - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var malleated = new byte[65];
        signature.AsSpan(0, 32).CopyTo(malleated);
        high.CopyTo(malleated.AsSpan(64 - high.Length));
        malleated[64] = (byte)(signature[64] == 27 ? 28 : 27);
        var headers = new Metadata();
        foreach (var entry in signed)
        {
            headers.Add(entry.Key, entry.Key == SignedRequest.Headers.Signature ? "0x" + Convert.ToHexStringLower(malleated) : entry.Value);
        }
        return headers;
    }

    private CallInvoker Invoker(LocalNode node) =>
        _invokers.GetOrAdd(node.Spec.Org, org => consortium.Connection(org, org).Channel.CreateCallInvoker());

    private static Method<byte[], byte[]> RawMethod(FuzzMethod method) => Methods.GetOrAdd(method.FullName, _ => new Method<byte[], byte[]>(
        method.ServerStreaming ? MethodType.ServerStreaming : MethodType.Unary, method.Service.FullName, method.Method.Name, Bytes, Bytes));

    private async Task<Answer> SendAsync(FuzzMethod method, LocalNode node, Metadata? headers, byte[] body)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var answer = await AnswerAsync(method, node, headers, body);
        return answer with { Elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started) };
    }

    private async Task<Answer> AnswerAsync(FuzzMethod method, LocalNode node, Metadata? headers, byte[] body)
    {
        var invoker = Invoker(node);
        var raw = RawMethod(method);
        try
        {
            if (!method.ServerStreaming)
            {
                using var call = invoker.AsyncUnaryCall(raw, null, new CallOptions(headers, DateTime.UtcNow + CallDeadline), body);
                await call.ResponseAsync;
                return Answer.Ok;
            }
            using var stream = invoker.AsyncServerStreamingCall(raw, null, new CallOptions(headers, DateTime.UtcNow + CallDeadline), body);
            var responseHeaders = await stream.ResponseHeadersAsync;
            if (responseHeaders.GetValue(AlertsClient.StartHeader) is not null)
            {
                return Answer.Ok; // a live stream the node accepted (disposing the call cancels it)
            }
            // The first messages show the node accepted the request; reading thousands of records per request would
            // only measure the export (disposing the call cancels the rest).
            var messages = 0;
            while (messages < 64 && await stream.ResponseStream.MoveNext(CancellationToken.None))
            {
                messages++;
            }
            return Answer.Ok;
        }
        catch (RpcException ex)
        {
            return new Answer(ex.StatusCode, ex.Trailers.GetValue(SdkErrors.ErrorCodeTrailer), ex.Status.Detail, ex.Trailers.GetValue(SdkErrors.CorrelationTrailer));
        }
    }
}
