using System.Globalization;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Cli.Tests.Loan;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.TaxData;
using Ledger.Fuzz.Tests.Support;
using Ledger.Sdk;

namespace Ledger.Fuzz.Tests;

/// <summary>
/// One focused test per defect the fuzz suite found (docs/testing.md lists them): each failed on the code before its
/// fix — an unexpected failure (LEDGER-1530, LEDGER-1664, exit 3), an answer without a code, or a dropped connection.
/// </summary>
[Collection(FuzzConsortiumDefinition.Name)]
public sealed class FuzzFindingsTests(FuzzConsortium consortium)
{
    /// <summary>The issue's 32 digits of yuan, in fen: far past decimal's 7.9 × 10^28, well within uint128.</summary>
    private static readonly UInt128 HugeFen = UInt128.Parse("9999999999999999999999999999999900", CultureInfo.InvariantCulture);

    private LedgerConnection BankAsBank => consortium.Connection(LendingSetup.Bank, LendingSetup.Bank);

    [Fact]
    public async Task Disburse_AnAmountPastDecimal_IsAboveTheLimit_NotAnUnexpectedFailure()
    {
        var decision = new DecisionHash(Hash32.Parse(consortium.Seeds.DecisionHash));

        var error = await Assert.ThrowsAsync<LedgerRemoteException>(() =>
            BankAsBank.Bank.DisburseAsync(new Disbursement(decision, "FUZZ-HUGE-1", HugeFen, Core.Model.LoanPurpose.WorkingCapital)));

        Assert.Equal("LEDGER-1541", error.Code);
        Assert.Equal(StatusCode.FailedPrecondition, error.Status);
        Assert.Contains("99,999,999,999,999,999,999,999,999,999,999.00 CNY", error.Message);
    }

    [Fact]
    public async Task LoanDisburse_TheIssuesAmount_ExitsOneWithTheLimitRefusal()
    {
        var run = await consortium.RunAsync(
            "loan", "disburse", "--decision", consortium.Seeds.DecisionHash, "--reference", "FUZZ-HUGE-2", "--amount", "99999999999999999999999999999999", "--org", LendingSetup.Bank);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("LEDGER-1541: The amount 99,999,999,999,999,999,999,999,999,999,999.00 CNY is above the limit", run.Error);
    }

    [Fact]
    public async Task Decide_ARequestedAmountPastDecimal_IsNotedInTheReasons()
    {
        var decided = await BankAsBank.Bank.DecideAsync(new DecisionRequest(ConsentId.Parse(consortium.Seeds.ConsentId)) { RequestedAmountFen = HugeFen });

        Assert.True(decided.Approved);
        Assert.Contains(decided.Reasons, r => r.StartsWith("99,999,999,999,999,999,999,999,999,999,999.00 CNY was requested", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABodyThatIsNotTheMethodsMessage_IsInvalidArgument1570()
    {
        // A string field cut short: the length says 10 bytes, 2 follow.
        var error = await RawAsync(LendingSetup.Bank, "ledger.v1.Lending", "GetLoan", [0x0a, 0x0a, 0x30, 0x78]);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("LEDGER-1570", error.Trailers.GetValue(SdkErrors.ErrorCodeTrailer));
        Assert.StartsWith("The body of the request to /ledger.v1.Lending/GetLoan is not a LoanRef message", error.Status.Detail);
    }

    [Fact]
    public async Task ABodyOverTheLimit_IsResourceExhausted1571()
    {
        var body = new LoanRef { LoanId = new string('x', (1024 * 1024) + 10) }.ToByteArray();

        var error = await RawAsync(LendingSetup.Bank, "ledger.v1.Lending", "GetLoan", body);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal("LEDGER-1571", error.Trailers.GetValue(SdkErrors.ErrorCodeTrailer));
        Assert.Contains("larger than this node accepts (1 MiB", error.Status.Detail);
    }

    [Fact]
    public async Task AnotherRolesMethod_IsUnimplemented1519_AndTheCliExitsOne()
    {
        var error = await RawAsync(LendingSetup.Tax, "ledger.v1.Lending", "GetLoan", new LoanRef { LoanId = consortium.Seeds.LoanId }.ToByteArray());
        var run = await consortium.RunAsync("loan", "show", consortium.Seeds.LoanId, "--org", LendingSetup.Bank, "--node", consortium.Consortium[LendingSetup.Tax].Url);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Equal("LEDGER-1519", error.Trailers.GetValue(SdkErrors.ErrorCodeTrailer));
        Assert.Equal(
            "/ledger.v1.Lending/GetLoan is not served here (a tax node); ledger.v1.Lending is served by bank nodes: call one of those (--org or --node of such a member; docs/nodes.md, 'Allowed roles').",
            error.Status.Detail);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("LEDGER-1519: /ledger.v1.Lending/GetLoan is not served here (a tax node); ledger.v1.Lending is served by bank nodes", run.Error);
        var nowhere = await RawAsync(LendingSetup.Tax, "ledger.v1.Nothing", "Get", []);
        Assert.Equal("LEDGER-1519", nowhere.Trailers.GetValue(SdkErrors.ErrorCodeTrailer));
        Assert.EndsWith("no Ledger node serves it; check the method's name.", nowhere.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHugeCreditCode_IsQuotedClipped_AndTheConnectionSurvives()
    {
        var tax = consortium.Connection(LendingSetup.Tax, LendingSetup.Tax);
        var client = new TaxAdmin.TaxAdminClient(tax.Invoker);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.UpdateRatingAsync(new UpdateRatingRequest { CreditCode = new string('码', 30_000), Year = 2024, Rating = "A" }));
        var listed = await tax.Tax.ListEnterprisesAsync(1); // the same HTTP/2 connection is still usable

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("LEDGER-1520", error.Trailers.GetValue(SdkErrors.ErrorCodeTrailer));
        Assert.True(error.Status.Detail.Length < 200, error.Status.Detail);
        Assert.Single(listed);
    }

    [Fact]
    public async Task ATopUpPastUint128_IsInvalidArgument_NotAContractPanic()
    {
        var regulator = consortium.Connection(LendingSetup.Regulator, LendingSetup.Regulator);

        var error = await Assert.ThrowsAsync<LedgerRemoteException>(() => regulator.Compensation.TopUpAsync(FundId.Parse(consortium.Seeds.FundId), UInt128.MaxValue));
        var run = await consortium.RunAsync("fund", "top-up", consortium.Seeds.FundId, "--amount", "340282366920938463463374607431768211455fen", "--org", LendingSetup.Regulator);

        Assert.Equal("LEDGER-1520", error.Code);
        Assert.Equal(StatusCode.InvalidArgument, error.Status);
        Assert.Contains("past the largest amount the chain holds", error.Message);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("LEDGER-1520: amount_fen", run.Error);
    }

    [Theory]
    [InlineData("consent", "keygen", "--out", "a\0b")]
    [InlineData("tax", "import", "a\0b.jsonl")]
    [InlineData("audit", "verify", "a\0b.json")]
    public async Task APathWithANul_ExitsTwoWithTheArgumentError(params string[] args)
    {
        var run = await consortium.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("LEDGER-1660: 'a\\0b", run.Error);
        Assert.Contains("is not a usable path", run.Error);
    }

    [Theory]
    [InlineData("audit", "stats", "--from", "0001-01-01")]
    [InlineData("audit", "trail", "--enterprise", "0x0000000000000000000000000000000000000000000000000000000000000001", "--until", "0001-01-01")]
    [InlineData("data", "fetch", "--consent", "(the consent)", "--from", "0001-01-01")]
    public async Task ADateBefore1970_ExitsTwoWithTheArgumentError(params string[] args)
    {
        var run = await consortium.RunAsync([.. args.Select(a => a == "(the consent)" ? consortium.Seeds.ConsentId : a)]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("LEDGER-1660: --", run.Error);
        Assert.Contains("'0001-01-01' is before 1970", run.Error);
    }

    [Fact]
    public async Task TaxImport_RejectedRows_PrintTheirCodeOnStderr()
    {
        var file = Path.Combine(consortium.Dir, "half-broken.jsonl");
        var good = SyntheticTaxpayers.Generate(1, 515_151, DateOnly.FromDateTime(DateTime.UtcNow))[0];
        await File.WriteAllTextAsync(file, TaxpayerImport.ToJsonLine(good) + "\n{\"creditCode\":\n", Encoding.UTF8);

        var run = await consortium.RunAsync("tax", "import", file);
        var json = await consortium.RunAsync("tax", "import", file, "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(1, json.ExitCode);
        var rejected = json.Json().GetProperty("rejected").GetArrayLength();
        var imported = json.Json().GetProperty("imported").GetInt32();
        Assert.True(rejected > 0, json.ToString());
        Assert.StartsWith(
            $"LEDGER-1680: {rejected} row(s) were rejected, each named above; correct them and import those rows again (the {imported} others were imported).", run.Error);
        Assert.Equal("LEDGER-1680", json.Json().GetProperty("error").GetProperty("code").GetString());
    }

    private async Task<RpcException> RawAsync(string node, string service, string method, byte[] body)
    {
        var caller = node == LendingSetup.Tax ? LendingSetup.Bank : node;
        var connection = consortium.Connection(node, caller);
        var marshaller = Marshallers.Create<byte[]>(b => b, b => b);
        var raw = new Method<byte[], byte[]>(MethodType.Unary, service, method, marshaller, marshaller);
        var headers = new Metadata();
        foreach (var entry in connection.Signer.Sign(raw.FullName, body))
        {
            headers.Add(entry);
        }
        using var call = connection.Channel.CreateCallInvoker().AsyncUnaryCall(raw, null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(60)), body);
        return await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
    }
}
