using System.Text.Json;
using System.Text.RegularExpressions;
using Ledger.Cli.Tests.Support;
using Ledger.Local;

namespace Ledger.Cli.Tests;

/// <summary>`members …` and `besu export-allowlist` against the running consortium's chain.</summary>
[Collection(SharedConsortium.Name)]
public sealed partial class MembersAndBesuTests(ConsortiumFixture fixture)
{
    [Fact]
    public async Task MembersList_Json_ShowsTheSixMembersActiveWithTheirOperatorsEndpointsAndKeys()
    {
        var run = await fixture.RunAsync("members", "list", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var members = run.Json().GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(6, members.Count);
        foreach (var node in fixture.Consortium.Nodes)
        {
            var member = Assert.Single(members, m => m.GetProperty("org").GetString() == node.Spec.Org);
            Assert.Equal(Ledger.Local.LocalRoles.Word(node.Role), member.GetProperty("role").GetString());
            Assert.Equal("active", member.GetProperty("status").GetString());
            Assert.Equal(node.Spec.Name, member.GetProperty("name").GetString());
            Assert.Equal([node.Operator.ToString()], member.GetProperty("operators").EnumerateArray().Select(o => o.GetString()));
            Assert.Equal(node.Url, member.GetProperty("endpoint").GetString());
            Assert.Equal(fixture.Enodes[node.Spec.Org], member.GetProperty("enode").GetString());
            Assert.Equal("0x" + Convert.ToHexStringLower(node.Keys.Encryption.PublicKey), member.GetProperty("encryptionKey").GetString());
        }
        Assert.Equal(2, run.Json().GetProperty("threshold").GetInt32());
    }

    [Fact]
    public async Task MembersList_ForPeople_PrintsATableRowForEachOrganization()
    {
        var run = await fixture.RunAsync("members", "list");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var node in fixture.Consortium.Nodes)
        {
            Assert.Contains(node.Spec.Org, run.Out);
            Assert.Contains(node.Operator.ToString(), run.Out);
        }
        Assert.Contains("6 members", run.Out);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task BesuExportAllowlist_SuspendedByGovernance_LeavesOutExactlyThatMembersOperatorAndEnode()
    {
        var file = Path.Combine(fixture.Dir, "permissions_config.toml");
        const string suspended = "bank.icbc.liuzhou";
        var all = fixture.Consortium.Nodes;

        var before = await ExportAsync(file);
        Assert.Equal(all.Select(n => n.Operator.ToString().ToLowerInvariant()).Order(), before.Accounts.Order());
        Assert.Equal(all.Select(n => fixture.Enodes[n.Spec.Org]).Order(), before.Nodes.Order());

        var proposed = await fixture.RunAsync("members", "suspend", suspended, "--dev-governor", "0", "--json");
        Assert.True(proposed.ExitCode == 0, proposed.ToString());
        Assert.False(proposed.Json().GetProperty("executed").GetBoolean());
        Assert.Equal(1, proposed.Json().GetProperty("approvals").GetInt32());
        var proposal = proposed.Json().GetProperty("proposalId").GetString()!;
        try
        {
            // One approval of two: nothing has changed yet.
            Assert.Equal(6, (await ExportAsync(file)).Accounts.Count);

            var approved = await fixture.RunAsync("members", "approve", proposal, "--dev-governor", "1", "--json");
            Assert.True(approved.ExitCode == 0, approved.ToString());
            Assert.True(approved.Json().GetProperty("executed").GetBoolean());

            var listed = await fixture.RunAsync("members", "list", "--json");
            Assert.Equal("suspended", listed.Json().GetProperty("members").EnumerateArray().Single(m => m.GetProperty("org").GetString() == suspended).GetProperty("status").GetString());

            var after = await ExportAsync(file);
            var active = all.Where(n => n.Spec.Org != suspended).ToList();
            Assert.Equal(active.Select(n => n.Operator.ToString().ToLowerInvariant()).Order(), after.Accounts.Order());
            Assert.Equal(active.Select(n => fixture.Enodes[n.Spec.Org]).Order(), after.Nodes.Order());
        }
        finally
        {
            // Leave the consortium as the other tests expect it.
            var reinstate = await fixture.RunAsync("members", "reinstate", suspended, "--dev-governor", "0", "--json");
            if (reinstate.ExitCode == 0)
            {
                await fixture.RunAsync("members", "approve", reinstate.Json().GetProperty("proposalId").GetString()!, "--dev-governor", "1");
            }
        }
        Assert.Equal(6, (await ExportAsync(file)).Accounts.Count);
    }

    [Fact]
    public async Task BesuExportAllowlist_IncludeGovernors_AddsTheGovernorAccounts()
    {
        var file = Path.Combine(fixture.Dir, "with-governors.toml");
        var run = await fixture.RunAsync("besu", "export-allowlist", "--out", file, "--include-governors", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var accounts = Parse(await File.ReadAllTextAsync(file)).Accounts;
        Assert.Equal(9, accounts.Count);
        Assert.Contains(DevAccounts.Address(0).ToString().ToLowerInvariant(), accounts);
    }

    [Fact]
    public async Task MembersApprove_UnknownProposal_IsRefusedWithTheContractsErrorAndExitOne()
    {
        var run = await fixture.RunAsync("members", "approve", "99999", "--dev-governor", "1");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("LEDGER-1208: ", run.Error);
    }

    [Fact]
    public async Task MembersSuspend_WithoutAGovernorKey_ExitsTwoSayingWhichKeyToGive()
    {
        var run = await fixture.RunAsync("members", "suspend", "bank.ccb.liuzhou");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--governor-key", run.Error);
        Assert.Contains("--dev-governor", run.Error);
    }

    [Fact]
    public async Task MembersSuspend_UnknownOrganization_ExitsTwoAndProposesNothing()
    {
        var run = await fixture.RunAsync("members", "suspend", "bank.nosuch", "--dev-governor", "0");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("LEDGER-1661: bank.nosuch is not a member", run.Error);
    }

    private async Task<(List<string> Accounts, List<string> Nodes)> ExportAsync(string file)
    {
        var run = await fixture.RunAsync("besu", "export-allowlist", "--out", file, "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var parsed = Parse(await File.ReadAllTextAsync(file));
        // The JSON report says what the file says.
        Assert.Equal(parsed.Accounts, run.Json().GetProperty("accounts").EnumerateArray().Select(a => a.GetString()!));
        return parsed;
    }

    /// <summary>The two allowlists of a Besu permissions file, read as TOML string arrays.</summary>
    private static (List<string> Accounts, List<string> Nodes) Parse(string toml)
    {
        List<string> Array(string key)
        {
            var line = Assert.Single(toml.Split('\n'), l => l.StartsWith(key + "=", StringComparison.Ordinal));
            var value = line[(key.Length + 1)..].Trim();
            Assert.StartsWith("[", value);
            Assert.EndsWith("]", value);
            return JsonSerializer.Deserialize<List<string>>(value)!;
        }
        foreach (var line in toml.Split('\n').Where(l => l.Length > 0))
        {
            Assert.True(line.StartsWith('#') || TomlAssignment().IsMatch(line), $"not a TOML comment or assignment: {line}");
        }
        return (Array("accounts-allowlist"), Array("nodes-allowlist"));
    }

    [GeneratedRegex("^(accounts|nodes)-allowlist=\\[.*\\]$")]
    private static partial Regex TomlAssignment();
}
