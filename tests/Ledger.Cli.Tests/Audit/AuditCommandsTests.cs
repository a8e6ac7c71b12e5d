using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Audit.Bundle;
using Ledger.Audit.Online;
using Ledger.Cli.Tests.Loan;
using Ledger.Cli.Tests.Support;
using Ledger.Core.Primitives;

namespace Ledger.Cli.Tests.Audit;

/// <summary>
/// `ledger audit …`: the auditor node's verified trail, bundle, statistics, sync and whole-ledger verification, and
/// `audit verify BUNDLE`, which needs no node — exit 0 for the real bundle (online and offline), 1 naming the record
/// for a tampered record, a tampered proof and a forged root, 2 for a truncated file and another chain.
/// </summary>
[Collection(SharedConsortium.Name)]
public sealed class AuditCommandsTests(ConsortiumFixture fixture)
{
    [Fact]
    public async Task Trail_OfTheEnterprise_VerifiesEveryRecordAndEvent()
    {
        var scenario = await AuditScenario.OfAsync(fixture);

        var run = await fixture.RunAsync("audit", "trail", "--enterprise", scenario.Borrower.EnterpriseHash, "--json");

        var trail = LendingSetup.Ok(run);
        Assert.True(trail.GetProperty("passed").GetBoolean());
        Assert.Equal(0, trail.GetProperty("failed").GetInt32());
        var items = trail.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, i => Assert.Equal("verified", i.GetProperty("status").GetString()));
        var kinds = items.Select(i => i.GetProperty("kind").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "ConsentGranted", "AccessRecord", "CreditDecision", "LoanDisbursed", "LoanRepaid" }, kinds);
        var access = items.Single(i => i.GetProperty("id").GetString() == scenario.AccessRecord);
        Assert.Equal(LendingSetup.Tax, access.GetProperty("org").GetString());

        var people = await fixture.RunAsync("audit", "trail", "--loan", scenario.Loan.LoanId);
        Assert.True(people.ExitCode == 0, people.ToString());
        Assert.Contains("LoanDisbursed", people.Out);
        Assert.Contains("0 failed", people.Out);
        // Times for people in China time, the zone named; --utc for UTC.
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} CST \(UTC\+8\)", people.Out);
        var utc = await fixture.RunAsync("audit", "trail", "--loan", scenario.Loan.LoanId, "--utc");
        Assert.True(utc.ExitCode == 0, utc.ToString());
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC", utc.Out);
        Assert.DoesNotContain("CST", utc.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TheExportedBundle_OnlineAndOffline_ExitsZero()
    {
        var scenario = await AuditScenario.OfAsync(fixture);

        var online = await fixture.RunAsync("audit", "verify", scenario.BundlePath, "--rpc", fixture.Consortium.RpcUrl, "--json");
        var offline = await fixture.RunAsync("audit", "verify", scenario.BundlePath, "--offline");
        var byDescription = await fixture.RunAsync("audit", "verify", scenario.BundlePath);

        var report = LendingSetup.Ok(online);
        Assert.True(report.GetProperty("verified").GetBoolean());
        Assert.Equal("online", report.GetProperty("mode").GetString());
        Assert.Equal(0, report.GetProperty("recordsFailed").GetInt32());
        Assert.True(report.GetProperty("recordsVerified").GetInt32() >= 2);
        Assert.Contains("chain 31337", report.GetProperty("rootSource").GetString());
        Assert.True(offline.ExitCode == 0, offline.ToString());
        Assert.Contains("Verified", offline.Out);
        Assert.Equal("", offline.Error);
        Assert.True(byDescription.ExitCode == 0, byDescription.ToString());
        Assert.Contains("verified online", byDescription.Out);
    }

    [Fact]
    public async Task Verify_WithNoNodeAndNoConsortium_WorksOfflineAndAsksHowOtherwise()
    {
        var scenario = await AuditScenario.OfAsync(fixture);
        var elsewhere = Directory.CreateTempSubdirectory("ledger-verify-").FullName;
        try
        {
            var copy = Path.Combine(elsewhere, "bundle.json");
            File.Copy(scenario.BundlePath, copy);
            var nothing = new Dictionary<string, string>();

            var offline = await CliRunner.RunAsync(["audit", "verify", "bundle.json", "--offline", "--json"], nothing, elsewhere);
            var unsaid = await CliRunner.RunAsync(["audit", "verify", "bundle.json"], nothing, elsewhere);

            Assert.True(LendingSetup.Ok(offline).GetProperty("verified").GetBoolean());
            Assert.Equal(2, unsaid.ExitCode);
            Assert.StartsWith("LEDGER-1660: ", unsaid.Error);
            Assert.Contains("--offline", unsaid.Error);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task Verify_ATamperedRecord_ExitsOneNamingTheRecordAndWhy()
    {
        var scenario = await AuditScenario.OfAsync(fixture);
        var bundle = Load(scenario);
        var access = RecordOf(bundle, scenario.AccessRecord);
        access["fields"]!["servedAtMs"] = access["fields"]!["servedAtMs"]!.GetValue<ulong>() + 1;
        var tampered = Save(bundle, "tampered-record");

        foreach (var mode in Modes())
        {
            var run = await fixture.RunAsync(["audit", "verify", tampered, .. mode, "--json"]);

            Assert.Equal(1, run.ExitCode);
            Assert.StartsWith("LEDGER-1710: ", run.Error);
            var report = run.Json();
            Assert.False(report.GetProperty("verified").GetBoolean());
            Assert.Equal("LEDGER-1710", report.GetProperty("error").GetProperty("code").GetString());
            var failure = Assert.Single(report.GetProperty("failures").EnumerateArray());
            Assert.Equal(scenario.AccessRecord, failure.GetProperty("hash").GetString());
            Assert.Equal("AccessRecord", failure.GetProperty("type").GetString());
            Assert.Contains(failure.GetProperty("problems").EnumerateArray(), p => p.GetProperty("kind").GetString() == "HashMismatch"
                && p.GetProperty("message").GetString()!.StartsWith($"AccessRecord {scenario.AccessRecord}: ", StringComparison.Ordinal));
        }
        var people = await fixture.RunAsync("audit", "verify", tampered, "--offline");
        Assert.Equal(1, people.ExitCode);
        Assert.Contains($"AccessRecord {scenario.AccessRecord}", people.Out);
        Assert.Contains("HashMismatch", people.Out);
    }

    [Fact]
    public async Task Verify_ATamperedProof_ExitsOneNamingTheRecordAndItsProof()
    {
        var scenario = await AuditScenario.OfAsync(fixture);
        var bundle = Load(scenario);
        // A sibling more (or another first sibling) leads the proof to another root: works for a batch of one too.
        RecordOf(bundle, scenario.DecisionRecord)["anchor"]!["proof"]!.AsArray().Insert(0, Keccak.Hash("not a sibling").ToString());
        var tampered = Save(bundle, "tampered-proof");

        foreach (var mode in Modes())
        {
            var run = await fixture.RunAsync(["audit", "verify", tampered, .. mode, "--json"]);

            Assert.Equal(1, run.ExitCode);
            var failure = Assert.Single(run.Json().GetProperty("failures").EnumerateArray());
            Assert.Equal(scenario.DecisionRecord, failure.GetProperty("hash").GetString());
            Assert.Contains(failure.GetProperty("problems").EnumerateArray(), p => p.GetProperty("kind").GetString() == "ProofMismatch"
                && p.GetProperty("message").GetString()!.StartsWith($"CreditDecision {scenario.DecisionRecord}: ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Verify_AForgedRoot_ExitsOneNamingTheRecordsThatClaimIt()
    {
        var scenario = await AuditScenario.OfAsync(fixture);
        var forged = Save(ForgeRootOf(scenario, Load(scenario)), "forged-root");

        foreach (var mode in Modes())
        {
            var run = await fixture.RunAsync(["audit", "verify", forged, .. mode, "--json"]);

            Assert.Equal(1, run.ExitCode);
            var problems = run.Json().GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
            Assert.Contains(problems, p => p.StartsWith($"AccessRecord {scenario.AccessRecord}:", StringComparison.Ordinal) && p.Contains("forged", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Verify_OfflineWithTrustedRootsFromTheChain_PassesTheRealBundleAndCatchesAForgery()
    {
        var scenario = await AuditScenario.OfAsync(fixture);
        var real = AuditBundleJson.ReadFile(scenario.BundlePath);
        var chain = await ChainAuditSource.ConnectAsync(fixture.Consortium.RpcUrl, real.Chain);
        var roots = await chain.AnchoredRootsAsync(real.Anchors.Select(a => a.Batch));
        var trusted = Path.Combine(fixture.Dir, "audit", "trusted-roots.json");
        new TrustedRoots(real.Chain.ChainId, roots).Save(trusted);
        var forged = Save(ForgeRootOf(scenario, Load(scenario)), "forged-root-trusted");

        var good = await fixture.RunAsync("audit", "verify", scenario.BundlePath, "--offline", "--trusted-roots", trusted, "--json");
        var caught = await fixture.RunAsync("audit", "verify", forged, "--offline", "--trusted-roots", trusted, "--json");

        Assert.Contains("trusted", LendingSetup.Ok(good).GetProperty("rootSource").GetString());
        Assert.Equal(1, caught.ExitCode);
        Assert.Contains(caught.Json().GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith($"AccessRecord {scenario.AccessRecord}:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_ATruncatedFile_IsUnusableInputWithExitTwo()
    {
        var scenario = await AuditScenario.OfAsync(fixture);
        var text = await File.ReadAllTextAsync(scenario.BundlePath);
        var truncated = Path.Combine(fixture.Dir, "audit", "truncated-bundle.json");
        await File.WriteAllTextAsync(truncated, text[..(text.Length / 2)]);

        var run = await fixture.RunAsync("audit", "verify", truncated, "--offline", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1701: ", run.Error);
        Assert.Equal(2, run.Json().GetProperty("error").GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task Verify_AgainstAChainOfAnotherId_IsUnusableInputWithExitTwo()
    {
        var scenario = await AuditScenario.OfAsync(fixture);
        var bundle = Load(scenario);
        bundle["chain"]!["chainId"] = 1;
        var otherChain = Save(bundle, "other-chain");

        var run = await fixture.RunAsync("audit", "verify", otherChain, "--rpc", fixture.Consortium.RpcUrl);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1706: ", run.Error);
        Assert.Contains("chain 1", run.Error);
    }

    [Theory]
    [InlineData("--offline", "--rpc", "http://127.0.0.1:1")]
    [InlineData("--trusted-roots", "roots.json")]
    public async Task Verify_ContradictoryModes_AreBadInputWithExitTwo(params string[] mode)
    {
        var scenario = await AuditScenario.OfAsync(fixture);

        var run = await fixture.RunAsync(["audit", "verify", scenario.BundlePath, .. mode]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1660: ", run.Error);
    }

    [Fact]
    public async Task Verify_WithAnUnusableTrustedRootsFile_ExitsTwo()
    {
        var scenario = await AuditScenario.OfAsync(fixture);
        var roots = Path.Combine(fixture.Dir, "audit", "bad-roots.json");
        await File.WriteAllTextAsync(roots, """{"format":"ledger/trusted-roots/v1","chainId":5,"roots":[]}""");

        var run = await fixture.RunAsync("audit", "verify", scenario.BundlePath, "--offline", "--trusted-roots", roots);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1704: ", run.Error);
    }

    [Fact]
    public async Task Stats_CountTheScenariosLoanAndRepayment()
    {
        var scenario = await AuditScenario.OfAsync(fixture);

        var stats = LendingSetup.Ok(await fixture.RunAsync("audit", "stats", "--json"));

        Assert.True(stats.GetProperty("creditsGranted").GetUInt64() >= 1);
        Assert.True(UInt128.Parse(stats.GetProperty("totalAmountFen").GetString()!) >= scenario.Loan.AmountFen);
        Assert.True(stats.GetProperty("repayments").GetUInt64() >= 1);
        Assert.True(stats.GetProperty("dataAccesses").GetUInt64() >= 1);
        Assert.Contains(stats.GetProperty("byProduct").EnumerateArray(), p => p.GetProperty("count").GetUInt64() >= 1);
        var empty = LendingSetup.Ok(await fixture.RunAsync("audit", "stats", "--from", "2001-01-01", "--until", "2001-01-02", "--json"));
        Assert.Equal(0UL, empty.GetProperty("creditsGranted").GetUInt64());
        var people = await fixture.RunAsync("audit", "stats");
        Assert.True(people.ExitCode == 0, people.ToString());
        Assert.Contains("credits granted", people.Out);
        Assert.Contains("Product", people.Out);
    }

    [Fact]
    public async Task SyncAndVerifyLedger_ReportWhatTheAuditorHolds()
    {
        await AuditScenario.OfAsync(fixture);

        var sync = LendingSetup.Ok(await fixture.RunAsync("audit", "sync", "--json"));
        var ledger = await fixture.RunAsync("audit", "verify-ledger", "--json");

        Assert.Contains(sync.GetProperty("synced").EnumerateArray(), s => s.GetString() == LendingSetup.Tax);
        Assert.True(sync.GetProperty("recordsTotal").GetUInt64() >= 3);
        var report = ledger.Json();
        Assert.True(report.GetProperty("records").GetUInt64() >= 3);
        // The exit code follows the verdict: 0 when nothing failed, 1 (with its problems) otherwise.
        var passed = report.GetProperty("passed").GetBoolean();
        Assert.Equal(passed ? 0 : 1, ledger.ExitCode);
        Assert.Equal(passed, report.GetProperty("problems").GetArrayLength() == 0 && report.GetProperty("failed").GetUInt64() == 0);
    }

    [Fact]
    public async Task Trail_AsABank_IsRefusedByTheAuditorNodeWithExitOne()
    {
        var scenario = await AuditScenario.OfAsync(fixture);

        var run = await fixture.RunAsync("audit", "trail", "--enterprise", scenario.Borrower.EnterpriseHash, "--org", LendingSetup.Bank);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("LEDGER-1516: ", run.Error);
    }

    [Fact]
    public async Task Trail_OfTwoSubjects_IsBadInputWithExitTwo()
    {
        var run = await fixture.RunAsync("audit", "trail", "--loan", Keccak.Hash("a").ToString(), "--consent", Keccak.Hash("b").ToString());

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1660: ", run.Error);
    }

    private IEnumerable<string[]> Modes() => [["--rpc", fixture.Consortium.RpcUrl], ["--offline"]];

    private static JsonObject Load(AuditScenario scenario) => JsonNode.Parse(File.ReadAllText(scenario.BundlePath))!.AsObject();

    private string Save(JsonObject bundle, string name)
    {
        var path = Path.Combine(fixture.Dir, "audit", $"{name}-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, bundle.ToJsonString());
        return path;
    }

    private static JsonObject RecordOf(JsonObject bundle, string hash) =>
        bundle["records"]!.AsArray().Single(r => r!["hash"]!.GetValue<string>() == hash)!.AsObject();

    /// <summary>A consistent forgery: the access record's batch anchor and every record of that batch claim another root.</summary>
    private static JsonObject ForgeRootOf(AuditScenario scenario, JsonObject bundle)
    {
        var batch = RecordOf(bundle, scenario.AccessRecord)["anchor"]!["batchId"]!.GetValue<string>();
        var forgedRoot = Keccak.Hash("a root never anchored").ToString();
        foreach (var anchor in bundle["anchors"]!.AsArray().Where(a => a!["batchId"]!.GetValue<string>() == batch))
        {
            anchor!["root"] = forgedRoot;
        }
        foreach (var record in bundle["records"]!.AsArray().Where(r => r!["anchor"]?["batchId"]?.GetValue<string>() == batch))
        {
            record!["anchor"]!["root"] = forgedRoot;
        }
        return bundle;
    }
}
