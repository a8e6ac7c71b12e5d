using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Core.Auth;
using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Proto = Ledger.Api.V1;

namespace Ledger.Node.Tests;

/// <summary>Bad input gets a clear status and sentence — never a crash, a hang, or a half-written record.</summary>
[Collection(SharedCluster.Name)]
public sealed class BadInputTests(NodeCluster cluster)
{
    private const string FetchMethod = "/ledger.v1.DataExchange/FetchReport";

    [Theory]
    [InlineData("0x1234", "consent_id")]
    [InlineData("", "consent_id")]
    [InlineData("0xzz00000000000000000000000000000000000000000000000000000000000000", "consent_id")]
    public async Task FetchReport_MalformedConsentId_IsInvalidArgumentNamingTheField(string consentId, string field)
    {
        var error = await FetchRawAsync(new Proto.FetchReportRequest { Purpose = 1, ConsentId = consentId, Scopes = 1, RequestId = "r-" + Guid.NewGuid().ToString("N") });
        Assert.Equal(StatusCode.InvalidArgument, error.Status);
        Assert.Equal("LEDGER-1520", error.Code);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        await Refusals.RecordedAsync(cluster, error, (byte)RefusalReason.MalformedRequest);
    }

    [Fact]
    public async Task FetchReport_MissingOrOversizedFields_AreInvalidArgumentAndNothingIsServed()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[0]);
        var id = consent.ToString();
        var accessesBefore = await Refusals.AccessCountAsync(cluster);

        var missingId = await FetchRawAsync(new Proto.FetchReportRequest { Purpose = 1, ConsentId = id, Scopes = 1 });
        var longId = await FetchRawAsync(new Proto.FetchReportRequest { Purpose = 1, ConsentId = id, Scopes = 1, RequestId = new string('x', 129) });
        var noScopes = await FetchRawAsync(new Proto.FetchReportRequest { Purpose = 1, ConsentId = id, RequestId = "r1-" + Guid.NewGuid().ToString("N") });
        var unknownScopes = await FetchRawAsync(new Proto.FetchReportRequest { Purpose = 1, ConsentId = id, Scopes = 1UL << 40, RequestId = "r2-" + Guid.NewGuid().ToString("N") });
        var otherConsumer = await FetchRawAsync(new Proto.FetchReportRequest { Purpose = 1, ConsentId = id, Scopes = 1, Consumer = "bank.icbc", RequestId = "r3-" + Guid.NewGuid().ToString("N") });
        var backwards = await FetchRawAsync(new Proto.FetchReportRequest { Purpose = 1, ConsentId = id, Scopes = 1, PeriodFrom = 2000, PeriodUntil = 1000, RequestId = "r4-" + Guid.NewGuid().ToString("N") });
        var noPurpose = await FetchRawAsync(new Proto.FetchReportRequest { ConsentId = id, Scopes = 1, RequestId = "r5-" + Guid.NewGuid().ToString("N") });

        foreach (var (error, field) in new[] { (missingId, "request_id"), (longId, "request_id"), (noScopes, "scopes"), (unknownScopes, "scopes"), (otherConsumer, "consumer"), (backwards, "period_from"), (noPurpose, "purpose") })
        {
            Assert.Equal(StatusCode.InvalidArgument, error.Status);
            Assert.Equal("LEDGER-1520", error.Code);
            Assert.Contains(field, error.Message, StringComparison.Ordinal);
        }
        Assert.Equal(accessesBefore, await Refusals.AccessCountAsync(cluster));
    }

    [Fact]
    public async Task FetchReport_MessageLargerThanTheLimit_IsRefusedBeforeAnyWorkAndTheNodeKeepsServing()
    {
        var huge = new Proto.FetchReportRequest { Purpose = 1, ConsentId = "0x" + new string('1', 64), Scopes = 1, RequestId = new string('y', 2 * 1024 * 1024) };
        var error = await Assert.ThrowsAsync<LedgerRemoteException>(() => cluster.TaxAsBank.Tax.FetchReportAsync(
            new ReportRequest(ConsentId.Parse(huge.ConsentId), Scopes.TaxCreditRating) { RequestId = huge.RequestId }));
        Assert.Equal(StatusCode.ResourceExhausted, error.Status);
        Assert.Equal(ErrorCategory.InvalidArgument, error.Category);
        Assert.Equal("tax.liuzhou", (await cluster.TaxAsBank.Node.GetInfoAsync()).Organization.Code);
    }

    [Fact]
    public async Task FetchReport_UnknownConsent_IsNotFoundAndTheRefusalRecorded()
    {
        var unknown = new ConsentId(Keccak.Hash("no such consent " + Guid.NewGuid()));
        var error = await Refusals.ExpectAsync(
            () => cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(unknown, Scopes.TaxCreditRating)), StatusCode.NotFound, "LEDGER-1227");
        Assert.Contains("does not exist on this chain", error.Message, StringComparison.Ordinal);
        var refusal = await Refusals.RecordedAsync(cluster, error, (byte)AccessStatus.UnknownConsent);
        Assert.Equal(unknown, refusal.ConsentId);
    }

    [Fact]
    public async Task FetchReport_WithoutSignature_IsRefused()
    {
        using var channel = Ledger.Sdk.Tls.LedgerChannels.ForAddress(cluster.Tax.Url, cluster.Tax.Tls);
        var error = await CallAsync(() => new Proto.DataExchange.DataExchangeClient(channel).FetchReportAsync(Valid()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, error.Status);
        Assert.Equal("LEDGER-1510", error.Code);
        Assert.Contains("signed request", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchReport_SignatureOverAnotherBody_IsRefusedAsBadSignature()
    {
        var request = Valid();
        var headers = Sign(cluster.TaxAsBank, FetchMethod, Valid().ToByteArray()); // another request id: another body
        var error = await SendAsync(request, headers);
        // A valid signature over another digest recovers some other account, which operates no member.
        Assert.Equal(StatusCode.PermissionDenied, error.Status);
        Assert.Equal("LEDGER-1515", error.Code);
        Assert.Contains("operates no consortium member", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchReport_SignatureIsCheckedOverTheBytesReceived_NotOverARe_encoding()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[0]);
        var request = Valid(consent);
        var canonical = request.ToByteArray();
        // The same message in other bytes: request_id given twice (protobuf keeps the last), which a re-encoding drops.
        var variant = new Proto.FetchReportRequest { RequestId = "first" }.ToByteArray().Concat(canonical).ToArray();
        Assert.Equal(request, Proto.FetchReportRequest.Parser.ParseFrom(variant));

        // Signed over the bytes sent: accepted, though this node would encode the message otherwise.
        var served = await SendRawAsync(variant, Sign(cluster.TaxAsBank, FetchMethod, variant));
        Assert.False(string.IsNullOrEmpty(served.ResponseHash));

        // Signed over the canonical bytes but other bytes sent: they are not what was signed, whatever they parse to.
        var again = Valid(consent);
        var sentBytes = new Proto.FetchReportRequest { RequestId = "first" }.ToByteArray().Concat(again.ToByteArray()).ToArray();
        var rpc = await Assert.ThrowsAsync<RpcException>(() => SendRawAsync(sentBytes, Sign(cluster.TaxAsBank, FetchMethod, again.ToByteArray())));
        var error = SdkErrors.FromRpc(rpc, cluster.Tax.Url);
        Assert.Equal(StatusCode.PermissionDenied, error.Status);
        Assert.Equal("LEDGER-1515", error.Code);
    }

    [Fact]
    public async Task FetchReport_SignatureBytesAltered_IsRefused()
    {
        var request = Valid();
        var headers = Sign(cluster.TaxAsBank, FetchMethod, request.ToByteArray());
        var signature = headers.Get(SignedRequest.Headers.Signature)!.Value;
        headers.Remove(headers.Get(SignedRequest.Headers.Signature)!);
        // The last hex digit of s ("0x" + r + s + v): s stays low and non-zero and r stays a curve point, so the
        // altered signature still recovers — to another account, which operates no member. (Altering r instead could
        // leave no point to recover from, which is LEDGER-1514 "malformed"; the outcome would depend on the bytes.)
        const int lastDigitOfS = 2 + 64 + 63;
        headers.Add(SignedRequest.Headers.Signature,
            signature[..lastDigitOfS] + (signature[lastDigitOfS] == '1' ? '2' : '1') + signature[(lastDigitOfS + 1)..]);
        var error = await SendAsync(request, headers);
        Assert.Equal(StatusCode.PermissionDenied, error.Status);
        Assert.Equal("LEDGER-1515", error.Code);
        Assert.Contains("operates no consortium member", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchReport_StaleTimestamp_IsRefused()
    {
        var request = Valid();
        var stale = new SigningInterceptor(cluster[NodeCluster.BankOrg].Identity(), cluster.TaxAsBank.RequestDomain, NodeCluster.TaxOrg,
            new FixedTime(DateTimeOffset.UtcNow.AddMinutes(-10)));
        var headers = new Metadata();
        foreach (var entry in stale.Sign(FetchMethod, request.ToByteArray()))
        {
            headers.Add(entry);
        }
        var error = await SendAsync(request, headers);
        Assert.Equal("LEDGER-1512", error.Code);
        Assert.Contains("clock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchReport_ReplayedSignedRequest_IsRefusedTheSecondTime()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[2]);
        var request = Valid(consent);
        var headers = Sign(cluster.TaxAsBank, FetchMethod, request.ToByteArray());
        using var channel = Ledger.Sdk.Tls.LedgerChannels.ForAddress(cluster.Tax.Url, cluster.Tax.Tls);
        var client = new Proto.DataExchange.DataExchangeClient(channel);
        await client.FetchReportAsync(request, headers);

        var error = await CallAsync(() => client.FetchReportAsync(request, headers).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, error.Status);
        Assert.Equal("LEDGER-1513", error.Code);
    }

    [Fact]
    public async Task ASignedRequestAcceptedBeforeTheNodeRestarted_IsRefusedWhenReplayedAfterIt_ANewOneIsServed()
    {
        const string method = "/ledger.v1.Consent/GetConsent";
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[2]);
        var request = new Proto.GetConsentRequest { ConsentId = consent.ToString() };
        var headers = Sign(cluster.TaxAsBank, method, request.ToByteArray());
        using (var before = Ledger.Sdk.Tls.LedgerChannels.ForAddress(cluster.Tax.Url, cluster.Tax.Tls))
        {
            await new Proto.Consent.ConsentClient(before).GetConsentAsync(request, headers);
        }

        // The restarted node's nonce memory is empty; the request is still within the ±120 s window.
        cluster.Tax.Kill();
        await cluster.Tax.StartAndWaitAsync();
        using var after = Ledger.Sdk.Tls.LedgerChannels.ForAddress(cluster.Tax.Url, cluster.Tax.Tls);
        var client = new Proto.Consent.ConsentClient(after);
        var error = await CallAsync(() => client.GetConsentAsync(request, headers).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.Status);
        Assert.Equal("LEDGER-1513", error.Code);
        Assert.Contains("signed before this node started", error.Message, StringComparison.Ordinal);
        var fresh = await client.GetConsentAsync(request, Sign(cluster.TaxAsBank, method, request.ToByteArray()));
        Assert.Equal(consent.ToString(), fresh.ConsentId, ignoreCase: true);
    }

    [Fact]
    public async Task Open_TamperedCiphertext_FailsClearlyAndAnotherRequestsBindingOrKeyToo()
    {
        var (consent, _) = await cluster.GrantAsync(cluster.Enterprises[1]);
        var fetched = await cluster.TaxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxPayments));
        var key = cluster[NodeCluster.BankOrg].Keys.Encryption;

        var tampered = fetched with { Envelope = (byte[])fetched.Envelope.Clone() };
        tampered.Envelope[^5] ^= 0x01;
        var altered = Assert.Throws<LedgerException>(() => tampered.Open(key));
        Refusals.IsLedgerError(altered, ErrorCategory.Tampered, "LEDGER-1106");

        var otherRequest = fetched with { Request = fetched.Request with { RequestId = "someone-else" } };
        Assert.Equal("LEDGER-1105", Assert.Throws<LedgerException>(() => otherRequest.Open(key)).Code);

        var otherKey = cluster[NodeCluster.OtherBankOrg].Keys.Encryption;
        Assert.Equal("LEDGER-1104", Assert.Throws<LedgerException>(() => fetched.Open(otherKey)).Code);

        var truncated = fetched with { Envelope = fetched.Envelope[..40] };
        Assert.Equal("LEDGER-1100", Assert.Throws<LedgerException>(() => truncated.Open(key)).Code);

        Assert.NotNull(fetched.Open(key)); // the genuine one still opens
    }

    private static Proto.FetchReportRequest Valid(ConsentId? consent = null) => new()
    {
        ConsentId = (consent ?? new ConsentId(Keccak.Hash("x"))).ToString(),
        Scopes = 1,
        Purpose = 1,
        RequestId = "raw-" + Guid.NewGuid().ToString("N"),
    };

    private static Metadata Sign(LedgerConnection connection, string method, byte[] body)
    {
        var headers = new Metadata();
        foreach (var entry in connection.Signer.Sign(method, body))
        {
            headers.Add(entry);
        }
        return headers;
    }

    /// <summary>A correctly signed raw call (so the node's own validation is reached).</summary>
    private Task<LedgerRemoteException> FetchRawAsync(Proto.FetchReportRequest request) =>
        SendAsync(request, Sign(cluster.TaxAsBank, FetchMethod, request.ToByteArray()));

    private async Task<LedgerRemoteException> SendAsync(Proto.FetchReportRequest request, Metadata headers)
    {
        using var channel = Ledger.Sdk.Tls.LedgerChannels.ForAddress(cluster.Tax.Url, cluster.Tax.Tls);
        return await CallAsync(() => new Proto.DataExchange.DataExchangeClient(channel).FetchReportAsync(request, headers).ResponseAsync);
    }

    // FetchReport with the request's bytes as given (no encoding by the client library).
    private static readonly Method<byte[], Proto.FetchReportResponse> RawFetch = new(
        MethodType.Unary, "ledger.v1.DataExchange", "FetchReport",
        Marshallers.Create(bytes => bytes, bytes => bytes),
        Marshallers.Create(response => response.ToByteArray(), Proto.FetchReportResponse.Parser.ParseFrom));

    private async Task<Proto.FetchReportResponse> SendRawAsync(byte[] body, Metadata headers)
    {
        using var channel = Ledger.Sdk.Tls.LedgerChannels.ForAddress(cluster.Tax.Url, cluster.Tax.Tls);
        return await channel.CreateCallInvoker().AsyncUnaryCall(RawFetch, null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(30)), body);
    }

    private async Task<LedgerRemoteException> CallAsync(Func<Task> call)
    {
        var rpc = await Assert.ThrowsAsync<RpcException>(call);
        var error = SdkErrors.FromRpc(rpc, cluster.Tax.Url);
        Assert.NotEqual("LEDGER-1530", error.Code); // never an unexpected failure
        return error;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
