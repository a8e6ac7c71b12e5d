using Ledger.Cli.Besu;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Local;

namespace Ledger.Cli.Tests.Ops;

/// <summary>The pure parts of operating a consortium: Besu's enode syntax, and the supervisor's restart back-off.</summary>
public sealed class OpsUnitTests
{
    private static readonly string Id = new('a', 128);

    [Theory]
    [InlineData("10.0.0.5:30303")]
    [InlineData("127.0.0.1:30303?discport=30301")]
    [InlineData("127.0.0.1:30303?discport=0")]
    [InlineData("[::1]:30303")]
    [InlineData("[2001:db8::7]:30303?discport=30304")]
    [InlineData("besu-1.bank.example:30303")]
    [InlineData("localhost:0")]
    public void EnodeUrl_BesuSyntax_IsValid(string address) =>
        Assert.True(EnodeUrl.IsValid($"enode://{Id}@{address}", out var problem), problem);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("enode://abc@10.0.0.9:30303", "exactly 128 hex digits")]
    [InlineData("enode://0x{id}@10.0.0.9:30303", "0x prefix")]
    [InlineData("enode://{id}@10.0.0.9", "no port")]
    [InlineData("enode://{id}@10.0.0.9:", "port")]
    [InlineData("enode://{id}@10.0.0.9:65536", "port")]
    [InlineData("enode://{id}@10.0.0.9:30303?discport=70000", "discport")]
    [InlineData("enode://{id}@10.0.0.9:30303?disc=1", "discport")]
    [InlineData("enode://{id}10.0.0.9:30303", "'@'")]
    [InlineData("http://{id}@10.0.0.9:30303", "enode://")]
    [InlineData("enode://{id}@::1:30303", "brackets")]
    [InlineData("enode://{id}@[::1]30303", "[address]:port")]
    [InlineData("enode://{id}@[10.0.0.1]:30303", "IPv6")]
    [InlineData("enode://{id}@999.1.1.1:30303", "neither")]
    [InlineData("enode://{id}@10.0.0.9 :30303", "neither")]
    [InlineData("enode://{id}@bad_host:30303", "neither")]
    [InlineData("enode://{id}@:30303", "host is empty")]
    [InlineData(" enode://{id}@10.0.0.9:30303", "enode://")]
    public void EnodeUrl_Malformed_IsRefusedWithTheReason(string template, string reason)
    {
        var text = template.Replace("{id}", Id, StringComparison.Ordinal);

        Assert.False(EnodeUrl.IsValid(text, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureEnode_Malformed_IsLedger1656AndSaysNothingWasProposed()
    {
        var error = Assert.Throws<LedgerException>(() => LocalErrors.EnsureEnode("bank.x", "enode://icbc@10.0.0.2:30303"));

        Assert.Equal(LocalErrors.MalformedEnodeCode, error.Code);
        Assert.Equal(ErrorCategory.InvalidArgument, error.Category);
        Assert.Contains("bank.x", error.Message);
        Assert.Contains("nothing was proposed", error.Message);
        LocalErrors.EnsureEnode("bank.x", ""); // no Besu node: nothing to check
    }

    [Fact]
    public async Task LocalConsortium_SpecWithMalformedEnode_IsRefusedBeforeAnythingStarts()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ledger-ops-enode", Guid.NewGuid().ToString("N")[..12]);

        var error = await Assert.ThrowsAsync<LedgerException>(() => LocalConsortium.StartAsync(new LocalConsortiumOptions
        {
            WorkDir = dir,
            Nodes = [new LocalNodeSpec(Role.TaxBureau, "tax.x", "税务局") { Enode = "enode://tax@10.0.0.1:30303" }],
        }));

        Assert.Equal(LocalErrors.MalformedEnodeCode, error.Code);
        Assert.False(Directory.Exists(dir), "nothing was started or written");
    }

    [Fact]
    public void BesuAllowlist_IPv6Enode_IsListedAndAMalformedOneNamesItsProblem()
    {
        var v6 = $"enode://{Id}@[2001:db8::7]:30303";
        var members = new[]
        {
            new ConsortiumMember(OrgId.FromCode("bank.a"), Role.Bank, MemberStatus.Active, "a", "", v6, [], [EthAddress.FromBytes(new byte[20])], 1, 1, 1),
            new ConsortiumMember(OrgId.FromCode("bank.b"), Role.Bank, MemberStatus.Active, "b", "", $"enode://{Id}@10.0.0.2", [], [EthAddress.FromBytes(new byte[20])], 2, 1, 1),
        };

        var allowlist = BesuAllowlist.From(members);

        Assert.Equal([v6], allowlist.Nodes);
        Assert.Contains("bank.b: ", Assert.Single(allowlist.Skipped));
        Assert.Contains("no port", allowlist.Skipped[0]);
    }

    [Fact]
    public void AnvilStateFiles_ACutShortStateFile_IsReplacedByTheLastCompleteCopyAndKept()
    {
        var dir = Directory.CreateTempSubdirectory("ledger-ops-state").FullName;
        try
        {
            var state = Path.Combine(dir, "anvil-state.json");
            File.WriteAllText(state, "{\"block\":{\"number\":\"0x7\"},\"accounts\":{}}");
            var kept = AnvilStateFiles.TrySnapshot(state, DateTime.MinValue);
            Assert.True(kept > DateTime.MinValue);
            Assert.Equal(kept, AnvilStateFiles.TrySnapshot(state, kept)); // unchanged: no new copy
            Assert.Null(AnvilStateFiles.Repair(state)); // whole: left alone

            File.WriteAllText(state, "{\"block\":{\"number\":\"0x9\"},\"acc");
            File.SetLastWriteTimeUtc(state, kept.AddSeconds(2));
            Assert.Equal(kept, AnvilStateFiles.TrySnapshot(state, kept)); // a half-written file is never taken as good

            var note = AnvilStateFiles.Repair(state);

            Assert.Contains("cut short", note);
            Assert.Contains("0x7", File.ReadAllText(state));
            Assert.True(AnvilStateFiles.IsComplete(state));
            Assert.Equal("{\"block\":{\"number\":\"0x9\"},\"acc", File.ReadAllText(Assert.Single(Directory.GetFiles(dir, "anvil-state.json.damaged-*"))));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AnvilStateFiles_ACutShortStateFileWithoutACopy_IsLedger1657()
    {
        var dir = Directory.CreateTempSubdirectory("ledger-ops-state").FullName;
        try
        {
            var state = Path.Combine(dir, "anvil-state.json");
            File.WriteAllText(state, "{\"block\":");

            var error = Assert.Throws<LedgerException>(() => AnvilStateFiles.Repair(state));

            Assert.Equal(LocalErrors.ChainLostCode, error.Code);
            Assert.Equal("{\"block\":", File.ReadAllText(state)); // nothing moved
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RestartBackoff_DoublesFromOneSecondCappedAtThirty_AndGivesUpAfterTheMaximumInTheWindow()
    {
        var backoff = new RestartBackoff(new SupervisionOptions { MaxRestarts = 7 });
        var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var delays = new List<double>();

        for (var i = 0; i < 7; i++)
        {
            var delay = backoff.NextDelay(now);
            Assert.NotNull(delay);
            delays.Add(delay.Value.TotalSeconds);
            backoff.Restarted(now);
            now += TimeSpan.FromSeconds(5);
        }

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], delays);
        Assert.Null(backoff.NextDelay(now));
        Assert.Equal(7, backoff.TotalRestarts);
    }

    [Fact]
    public void RestartBackoff_RestartsOlderThanTheWindow_AreForgiven()
    {
        var options = new SupervisionOptions { MaxRestarts = 2, Window = TimeSpan.FromMinutes(10) };
        var backoff = new RestartBackoff(options);
        var start = DateTimeOffset.UnixEpoch;
        backoff.Restarted(start);
        backoff.Restarted(start + TimeSpan.FromMinutes(1));
        Assert.Null(backoff.NextDelay(start + TimeSpan.FromMinutes(5)));

        Assert.Equal(TimeSpan.FromSeconds(2), backoff.NextDelay(start + TimeSpan.FromMinutes(10)));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.NextDelay(start + TimeSpan.FromMinutes(11)));
    }

    [Fact]
    public void RestartBackoff_ARestartByHand_StartsAFreshWindow()
    {
        var backoff = new RestartBackoff(new SupervisionOptions { MaxRestarts = 1 });
        backoff.Restarted(DateTimeOffset.UnixEpoch);
        Assert.Null(backoff.NextDelay(DateTimeOffset.UnixEpoch));

        backoff.RestartedByHand();

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.NextDelay(DateTimeOffset.UnixEpoch));
        Assert.Equal(2, backoff.TotalRestarts);
    }
}
