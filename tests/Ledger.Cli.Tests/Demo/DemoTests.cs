using System.Text.Json.Nodes;
using Ledger.Audit;
using Ledger.Cli.Tests.Support;

namespace Ledger.Cli.Tests.Demo;

/// <summary>
/// <c>ledger demo</c> as a user runs it: the built executable starts a fresh hardhat chain and six node processes,
/// runs the scenario, and exits 0 only when every check passed, leaving a bundle that verifies on its own and no
/// process behind.
/// </summary>
public sealed class DemoTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ledger-demo-" + Guid.NewGuid().ToString("N")[..8]);

    public DemoTests() => Directory.CreateDirectory(_dir);

    [Fact]
    public async Task Demo_FreshConsortium_EveryStepsChecksPassAndTheBundleVerifiesOnItsOwnAndNothingIsLeftRunning()
    {
        var bundle = Path.Combine(_dir, "out", "demo-audit-bundle.json");

        // The smallest size the CLI accepts (10): with few enterprises the scorecard may grant no 税易贷 loan, and step 7
        // once failed on "Sequence contains no elements".
        var run = await CliRunner.RunExecutableAsync(
            ["demo", "--enterprises", "10", "--json", "--work-dir", Path.Combine(_dir, "work"), "--bundle", bundle],
            new Dictionary<string, string>(), _dir, TimeSpan.FromMinutes(6));

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = run.Json();
        Assert.True(result.GetProperty("passed").GetBoolean(), run.Out);
        var checks = result.GetProperty("checks").EnumerateArray().ToList();
        Assert.All(checks, c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
        // Every one of the eight steps ended in checks of its own.
        Assert.Equal(Enumerable.Range(1, 8), checks.Select(c => c.GetProperty("step").GetInt32()).Distinct().Order());
        Assert.Contains(checks, c => c.GetProperty("name").GetString()!.Contains("next fetch is refused", StringComparison.Ordinal));
        Assert.Contains(checks, c => c.GetProperty("name").GetString()!.Contains("the fund-flow alert reaches guarantor.gx", StringComparison.Ordinal));
        Assert.Contains(checks, c => c.GetProperty("name").GetString()!.Contains("the fund compensates", StringComparison.Ordinal));
        Assert.Contains(checks, c => c.GetProperty("name").GetString()!.Contains("no monitoring consent, no alert", StringComparison.Ordinal));

        Assert.Equal(bundle, result.GetProperty("bundle").GetString());
        var statistics = result.GetProperty("statistics");
        Assert.Equal(1UL, statistics.GetProperty("defaults").GetUInt64());
        Assert.Equal(1UL, statistics.GetProperty("consentsRevoked").GetUInt64());
        Assert.True(statistics.GetProperty("creditsGranted").GetUInt64() > 0);

        // Nothing the demo started is left running.
        var processes = result.GetProperty("stoppedProcesses").EnumerateArray().Select(p => p.GetInt32()).ToList();
        Assert.Equal(7, processes.Count); // six nodes and the chain
        Assert.DoesNotContain(processes, ConsortiumFixture.IsRunning);

        // The bundle stands on its own: it verifies offline, and a tampered copy fails naming the record.
        var offline = await BundleVerifier.VerifyAsync(bundle, new VerificationMode.Offline());
        Assert.True(offline.ExitCode == BundleVerificationResult.Verified, offline.Summary + string.Join("\n", offline.Problems));
        var tampered = Path.Combine(_dir, "tampered-bundle.json");
        await File.WriteAllTextAsync(tampered, TamperFirstAmount(await File.ReadAllTextAsync(bundle), out var recordHash));
        var failed = await BundleVerifier.VerifyAsync(tampered, new VerificationMode.Offline());
        Assert.Equal(BundleVerificationResult.Failed, failed.ExitCode);
        Assert.Contains(failed.Problems, p => p.Contains(recordHash[..10], StringComparison.OrdinalIgnoreCase));

        // The demo's "check it yourself" line works as printed, from the repository root (scripts/ledger: the Release build).
        var hint = result.GetProperty("verifyCommand").GetString()!;
        Assert.StartsWith("scripts/ledger audit verify ", hint, StringComparison.Ordinal);
        var verify = await CliRunner.RunShellAsync(hint, CliRunner.RepositoryRoot(), TimeSpan.FromMinutes(3));
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("verified", verify.Out, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Raises the <c>sequence</c> of the bundle's first record by 1,000, keeping the hash it declares.</summary>
    private static string TamperFirstAmount(string json, out string recordHash)
    {
        var root = JsonNode.Parse(json)!;
        var first = root["records"]!.AsArray()[0]!;
        var fields = first["fields"]!.AsObject();
        fields["sequence"] = fields["sequence"]!.GetValue<ulong>() + 1000;
        recordHash = first["hash"]!.GetValue<string>();
        return root.ToJsonString();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
