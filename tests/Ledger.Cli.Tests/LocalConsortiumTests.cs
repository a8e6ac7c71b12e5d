using System.Text;
using Ledger.Cli.Tests.Support;
using Ledger.Local;

namespace Ledger.Cli.Tests;

/// <summary>The orchestrator's running consortium: node restarts, the description, and where secrets do not go.</summary>
[Collection(SharedConsortium.Name)]
public sealed class LocalConsortiumTests(ConsortiumFixture fixture)
{
    [Fact]
    public async Task KilledNode_RestartsOnTheSamePortWithItsDataAndKeys()
    {
        var node = fixture.Consortium["guarantor.gx"];
        var firstProcess = node.ProcessId;
        var marker = Path.Combine(node.DataDir, "ledger.db");
        Assert.True(File.Exists(marker), "the node keeps its store in its data folder");

        node.Kill();

        Assert.False(node.IsRunning);
        var down = await fixture.RunAsync("status", "--json");
        Assert.Equal(2, down.ExitCode);
        var guarantor = down.Json().GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("url").GetString() == node.Url);
        Assert.False(guarantor.GetProperty("reachable").GetBoolean());

        await node.StartAsync();

        Assert.True(node.IsRunning);
        Assert.NotEqual(firstProcess, node.ProcessId);
        var up = await fixture.RunAsync("status", "--json");
        Assert.True(up.ExitCode == 0, up.ToString());
        var again = up.Json().GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("url").GetString() == node.Url);
        Assert.Equal("guarantor.gx", again.GetProperty("org").GetString());
        Assert.Equal(node.Operator.ToString(), again.GetProperty("operator").GetString());
        Assert.Contains(firstProcess!.Value, node.ProcessIds);
    }

    [Fact]
    public async Task Status_Json_DescribesEveryNodeReadyOnTheSameChain()
    {
        var run = await fixture.RunAsync("status", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var nodes = run.Json().GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(fixture.Consortium.Nodes.Select(n => n.Spec.Org), nodes.Select(n => n.GetProperty("org").GetString()));
        Assert.All(nodes, n => Assert.True(n.GetProperty("reachable").GetBoolean()));
        Assert.All(nodes, n => Assert.Equal("31337", n.GetProperty("chainId").GetString()));
        // The health check's verdict (docs/observability.md): nothing past a threshold on a fresh consortium.
        Assert.All(nodes, n => Assert.True(n.GetProperty("health").GetString() == "serving", n.ToString()));
        Assert.All(nodes, n => Assert.Empty(n.GetProperty("healthReasons").EnumerateArray()));
    }

    [Fact]
    public void Description_HoldsPublicFactsAndPathsButNoSecret()
    {
        var json = fixture.Consortium.Describe().ToJson();
        var description = ConsortiumDescription.Load(fixture.ConsortiumFile);

        Assert.DoesNotContain(fixture.Password, json, StringComparison.Ordinal);
        Assert.Equal("environment", description.KeyStorePassword);
        Assert.Equal("hardhat", description.Chain.Kind);
        Assert.True(description.Chain.DevAccounts);
        foreach (var node in fixture.Consortium.Nodes)
        {
            var described = description.Node(node.Spec.Org)!;
            Assert.Equal(node.Url, described.Url);
            Assert.Equal(node.Operator.ToString(), described.Operator);
            Assert.True(File.Exists(described.KeyStore));
            Assert.DoesNotContain(fixture.Password, File.ReadAllText(described.KeyStore), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NodeProcesses_GetThePasswordByEnvironmentOnly_NeverOnTheCommandLineOrInTheirLogs()
    {
        foreach (var node in fixture.Consortium.Nodes.Where(n => n.IsRunning))
        {
            var commandLine = Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{node.ProcessId}/cmdline")).Replace('\0', ' ');
            Assert.Contains("ledger-node.dll", commandLine);
            Assert.DoesNotContain(fixture.Password, commandLine, StringComparison.Ordinal);
            var log = File.ReadAllText(node.LogFile);
            Assert.Contains(node.Spec.Org, log);
            Assert.DoesNotContain(fixture.Password, log, StringComparison.Ordinal);
        }
    }
}
