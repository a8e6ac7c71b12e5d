using System.Text.Json;
using Ledger.Chain.Abi;
using Ledger.Chain.Indexing;
using Ledger.Chain.Tests.Support;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Local;

namespace Ledger.Chain.Tests;

/// <summary>The typed chain events (Ledger.Core.Events): one definition per contract event, read from real logs and from the stored string form.</summary>
public class TypedEventTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    [Fact]
    public void EveryEventOfTheCompiledContracts_HasATypedDefinitionWithItsSignatureAndArguments()
    {
        var artifacts = Path.Combine(RepositoryRoot.Find(), "artifacts", "contracts");
        var seen = 0;
        foreach (var file in Directory.EnumerateFiles(artifacts, "*.json", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".dbg.json", StringComparison.Ordinal) || file.Contains($"{Path.DirectorySeparatorChar}test{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue; // build info, and the test-only mock contracts
            }
            using var artifact = JsonDocument.Parse(File.ReadAllText(file));
            var contract = artifact.RootElement.GetProperty("contractName").GetString()!;
            foreach (var item in artifact.RootElement.GetProperty("abi").EnumerateArray().Where(i => i.GetProperty("type").GetString() == "event"))
            {
                var name = item.GetProperty("name").GetString()!;
                var inputs = item.GetProperty("inputs").EnumerateArray().ToList();
                var signature = $"{name}({string.Join(",", inputs.Select(Canonical))})";
                var definition = Assert.Single(ChainEventCatalogue.All, d => d.Name == name);
                Assert.Equal(signature, definition.Signature);
                Assert.Equal(inputs.SelectMany(Flattened), definition.ArgumentNames);
                if (LedgerContracts.Names.Contains(contract))
                {
                    Assert.Equal(contract, definition.Contract);
                    seen++;
                }
            }
        }
        // Every definition belongs to an event of a deployed contract, and each is defined once.
        Assert.Equal(seen, ChainEventCatalogue.All.Count);
        Assert.Equal(seen, LedgerContracts.Names.Sum(n => LedgerContracts.ContractAbi(n).Events.Length));
    }

    [Fact]
    public async Task RealLogs_DecodeToTypedEvents_WhoseStoredFormIsTheDecodersExactly()
    {
        var terms = LedgerFixture.Terms(nonce: 7_777);
        var consentId = await fixture.GrantAsync(terms);
        var sink = new DedupingSink();
        await new EventIndexer(fixture.Chain.Rpc, fixture.Chain.Deployment, new MemoryCheckpoints(), sink).RunOnceAsync();

        Assert.NotEmpty(sink.Events);
        foreach (var e in sink.Events)
        {
            var typed = e.Typed();
            Assert.NotNull(typed);
            // The record writes back exactly the strings the decoder wrote: the stored form and the typed form are one.
            Assert.Equal(e.Args.OrderBy(a => a.Key, StringComparer.Ordinal), typed.ToArgs().OrderBy(a => a.Key, StringComparer.Ordinal));
        }
        var granted = sink.Events.Select(e => e.TryAs<ConsentGranted>()).Single(g => g?.ConsentId == consentId)!;
        Assert.Equal(terms, granted.Terms);
        Assert.Equal(terms.Consumer, granted.Consumer);
        Assert.Equal(fixture.BankOperator.Account, granted.Relayer);
        var admitted = sink.Events.Select(e => e.TryAs<MemberAdmitted>()).Single(m => m?.OrgId == LedgerFixture.Bank)!;
        Assert.Equal(Role.Bank, admitted.Role);
        Assert.Equal("bank.ccb.liuzhou", admitted.Name);
    }

    [Fact]
    public async Task StoredStringForm_AsAnOlderVersionWroteIt_ReadsAsTheSameTypedEvent()
    {
        var sink = new DedupingSink();
        await new EventIndexer(fixture.Chain.Rpc, fixture.Chain.Deployment, new MemoryCheckpoints(), sink).RunOnceAsync();
        var bound = Assert.Single(sink.Events, e => e.Name == "EnterpriseBound");

        // The shape a store or bundle keeps: names and strings, serialized and read back (JSON, as bundles do).
        var json = JsonSerializer.Serialize(bound.Args);
        var stored = bound with { Args = JsonSerializer.Deserialize<Dictionary<string, string>>(json)! };

        Assert.True(stored.Is<EnterpriseBound>(out var typed));
        Assert.Equal(bound.As<EnterpriseBound>(), typed);
        Assert.Equal(LedgerFixture.Enterprise, typed.Enterprise);
        Assert.False(stored.Is<EnterpriseUnbound>());

        // And through a node's real audit index (a LiteDB file), closed and opened again.
        var path = Path.Combine(Path.GetTempPath(), $"ledger-typed-events-{Guid.NewGuid():N}.db");
        try
        {
            using (var store = Store.LedgerStore.Open(new Store.LedgerStoreOptions { Path = path, Organization = LedgerFixture.Bank }))
            {
                store.Audit.Accept([.. sink.Events], sink.ThroughBlock ?? 0);
            }
            using (var store = Store.LedgerStore.Open(new Store.LedgerStoreOptions { Path = path, Organization = LedgerFixture.Bank }))
            {
                var reread = store.Audit.Get(bound.Id)!;
                Assert.Equal(bound.As<EnterpriseBound>(), reread.As<EnterpriseBound>());
                foreach (var e in sink.Events)
                {
                    Assert.Equal(e.Typed(), store.Audit.Get(e.Id)!.Typed());
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MalformedOrMissingArguments_AreFormatExceptionsNamingTheArgument()
    {
        var revoked = ChainEvent.Of(new ConsentRevoked(new ConsentId(Core.Primitives.Keccak.Hash("c")), LedgerFixture.Enterprise, LedgerFixture.Bank), 5, 1_767_225_600, Core.Primitives.Keccak.Hash("tx"), 0);
        var missing = revoked with { Args = revoked.Args.Where(a => a.Key != "consumer").ToDictionary() };
        var malformed = revoked with { Args = revoked.Args.ToDictionary(a => a.Key, a => a.Key == "consentId" ? "0x12" : a.Value) };

        Assert.Contains("'consumer'", Assert.Throws<FormatException>(() => missing.As<ConsentRevoked>()).Message);
        Assert.Contains("'consentId'", Assert.Throws<FormatException>(() => malformed.As<ConsentRevoked>()).Message);
        Assert.Null(malformed.TryAs<ConsentRevoked>());
        Assert.Equal(revoked.As<ConsentRevoked>(), ChainEventCatalogue.Parse(revoked));
    }

    private static string Canonical(JsonElement p)
    {
        var type = p.GetProperty("type").GetString()!;
        return type.StartsWith("tuple", StringComparison.Ordinal)
            ? $"({string.Join(",", p.GetProperty("components").EnumerateArray().Select(Canonical))}){type[5..]}"
            : type;
    }

    private static IEnumerable<string> Flattened(JsonElement p)
    {
        var name = p.GetProperty("name").GetString()!;
        return p.GetProperty("type").GetString()!.StartsWith("tuple", StringComparison.Ordinal)
            ? p.GetProperty("components").EnumerateArray().Select(c => $"{name}.{c.GetProperty("name").GetString()}")
            : [name];
    }
}
