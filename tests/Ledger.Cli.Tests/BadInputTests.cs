using Ledger.Cli.Tests.Support;

namespace Ledger.Cli.Tests;

/// <summary>Unusable input exits 2 with the LEDGER code and one sentence on stderr — never a stack trace.</summary>
[Collection(SharedConsortium.Name)]
public sealed class BadInputTests(ConsortiumFixture fixture)
{
    [Fact]
    public async Task UnknownOrganization_ExitsTwoNamingTheKnownOnes()
    {
        var run = await fixture.RunAsync("consent", "list", "--org", "bank.nosuch");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1661: No node of organization 'bank.nosuch'", run.Error);
        Assert.Contains("bank.ccb.liuzhou", run.Error);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task MalformedConsentId_ExitsTwoSayingWhatAnIdLooksLike()
    {
        var run = await fixture.RunAsync("consent", "show", "0x12ab", "--org", "bank.ccb.liuzhou");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1660: consent '0x12ab' is not a consent id", run.Error);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task UnreachableNode_ExitsTwoSayingItCannotBeReached()
    {
        var run = await fixture.RunAsync("consent", "list", "--org", "bank.ccb.liuzhou", "--node", "https://127.0.0.1:1");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1600: The Ledger node at https://127.0.0.1:1 cannot be reached", run.Error);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task PlaintextNode_WithoutTheDevelopmentFlag_IsRefusedSayingToUseTls()
    {
        var run = await fixture.RunAsync("consent", "list", "--org", "bank.ccb.liuzhou", "--node", "http://127.0.0.1:1");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1672: http://127.0.0.1:1 is plain HTTP", run.Error);
        Assert.Contains("--plaintext-development", run.Error, StringComparison.Ordinal);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task Node_WhoseCertificateIsNotTheGivenPin_IsRefusedWithWhatToDo()
    {
        var tax = fixture.Consortium.NodesOf(Core.Model.Role.TaxBureau).First();
        var run = await fixture.RunAsync("status", "--node", tax.Url, "--tls-pin", "0x" + new string('1', 64), "--json");

        Assert.Equal(2, run.ExitCode);
        var node = Assert.Single(run.Json().GetProperty("nodes").EnumerateArray());
        Assert.False(node.GetProperty("reachable").GetBoolean());
        Assert.Equal("LEDGER-1670", node.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains(tax.TlsPin!.Value.ToString(), node.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableNode_Status_ExitsTwoWithTheNodeMarkedUnreachable()
    {
        var run = await fixture.RunAsync("status", "--node", "https://127.0.0.1:1", "--json");

        Assert.Equal(2, run.ExitCode);
        var node = Assert.Single(run.Json().GetProperty("nodes").EnumerateArray());
        Assert.False(node.GetProperty("reachable").GetBoolean());
        Assert.Equal("LEDGER-1600", node.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnreachableChain_ExitsTwoSayingTheChainCannotBeReached()
    {
        var run = await fixture.RunAsync("members", "list", "--rpc", "http://127.0.0.1:1", "--deployment", fixture.Consortium.DeploymentFile);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1300: ", run.Error);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task UnknownOption_ExitsTwoWithTheParsersSentence()
    {
        var run = await fixture.RunAsync("members", "list", "--bogus");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1660: ", run.Error);
        Assert.Contains("--bogus", run.Error);
        Assert.Contains("ledger members list --help", run.Error);
    }

    [Fact]
    public async Task ErrorWithJson_PrintsOneJsonErrorDocumentOnStdout()
    {
        var run = await fixture.RunAsync("consent", "show", "nothex", "--org", "bank.ccb.liuzhou", "--json");

        Assert.Equal(2, run.ExitCode);
        var error = run.Json().GetProperty("error");
        Assert.Equal("LEDGER-1660", error.GetProperty("code").GetString());
        Assert.Equal(2, error.GetProperty("exitCode").GetInt32());
        Assert.Contains("not a consent id", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task MissingPassword_ExitsTwoNamingTheVariable()
    {
        var environment = fixture.Environment();
        environment.Remove(GlobalOptions.PasswordVariable);

        var run = await CliRunner.RunAsync(["consent", "list", "--org", "bank.ccb.liuzhou"], environment);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1663: ", run.Error);
        Assert.Contains(GlobalOptions.PasswordVariable, run.Error);
    }

    [Fact]
    public async Task WrongPassword_ExitsTwoWithTheKeyStoresSentence()
    {
        var environment = fixture.Environment();
        environment[GlobalOptions.PasswordVariable] = "not the password";

        var run = await CliRunner.RunAsync(["consent", "list", "--org", "bank.ccb.liuzhou"], environment);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1611: The password does not open the key store", run.Error);
        Assert.DoesNotContain(fixture.Password, run.Error);
    }

    [Fact]
    public async Task NoConsortiumDescription_ExitsTwoSayingWhichChainOrNodeToGive()
    {
        var empty = Path.Combine(fixture.Dir, "empty-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);

        var run = await CliRunner.RunAsync(["members", "list"], new Dictionary<string, string>(), empty);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1663: Which chain? Give --rpc URL and --deployment FILE", run.Error);
    }

    [Fact]
    public async Task MissingEnterpriseKeyFile_ExitsTwoNamingTheFile()
    {
        var missing = Path.Combine(fixture.Dir, "no-such.key");

        var run = await fixture.RunAsync("consent", "grant", "--enterprise-key", missing, "--org", "bank.ccb.liuzhou");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"LEDGER-1662: The key file {missing} cannot be read", run.Error);
    }

    [Fact]
    public async Task MalformedScopes_ExitsTwoListingTheScopeWords()
    {
        var key = Path.Combine(fixture.Dir, $"scopes-{Guid.NewGuid():N}.key");
        Assert.Equal(0, (await fixture.RunAsync("consent", "keygen", "--out", key)).ExitCode);

        var run = await fixture.RunAsync("consent", "grant", "--enterprise-key", key, "--org", "bank.ccb.liuzhou", "--scopes", "rating,salaries");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1660: --scopes 'salaries' is not a scope; use rating, payments, invoices", run.Error);
    }

    private static void AssertNoStackTrace(CliRun run)
    {
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
    }
}
