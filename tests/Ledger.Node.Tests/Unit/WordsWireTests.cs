using Ledger.Core.Model;
using Ledger.Node.Hosting;
using Ledger.Sdk.Mapping;
using Proto = Ledger.Api.V1;

namespace Ledger.Node.Tests.Unit;

/// <summary>The word tables of Ledger.Core (src/Ledger.Core/Model/Words.cs) against the node's options and the wire.</summary>
public sealed class WordsWireTests
{
    [Fact]
    public void EveryNodeRole_IsARoleWord_AndRoundTripsToTheChainRole()
    {
        Assert.Equal(RoleWords.All.Count, Enum.GetValues<NodeRole>().Length);
        foreach (var nodeRole in Enum.GetValues<NodeRole>())
        {
            var chainRole = nodeRole.ToChainRole();
            Assert.NotEqual(Role.None, chainRole);
            Assert.Equal(nodeRole.Word(), chainRole.Word());
            // NodeInfo.role on the wire is the word; reading it back gives the same chain role.
            Assert.True(RoleWords.TryParse(nodeRole.Word(), out var parsed));
            Assert.Equal(chainRole, parsed);
            // The chain value is the byte the contracts use.
            Assert.Equal(chainRole, (Role)(byte)chainRole);
        }
    }

    [Fact]
    public void TheNodeRoleOptionWords_BindAsBefore()
    {
        // Ledger__Node__Role takes the enum name case-insensitively; every role word is one.
        foreach (var entry in RoleWords.All)
        {
            Assert.True(Enum.TryParse<NodeRole>(entry.Word, ignoreCase: true, out var nodeRole));
            Assert.Equal(entry.Role, nodeRole.ToChainRole());
        }
    }

    [Fact]
    public void EveryAlertKind_RoundTripsDomainToProtoToDomain()
    {
        var wire = Enum.GetValues<Proto.AlertKind>().Where(k => k != Proto.AlertKind.Unspecified).ToList();
        Assert.Equal(wire.Count, Enum.GetValues<AlertKind>().Length);
        Assert.Equal(Enum.GetValues<AlertKind>(), AlertKindWords.All.Select(a => a.Kind));
        foreach (var kind in Enum.GetValues<AlertKind>())
        {
            var proto = RiskMapping.ToProto(kind);
            Assert.Contains(proto, wire);
            Assert.Equal(Name(kind.ToString()), Name(proto.ToString()));
            Assert.True(RiskMapping.TryKind(proto, out var back));
            Assert.Equal(kind, back);
            Assert.True(AlertKindWords.TryParse(kind.Word(), out var fromWord));
            Assert.Equal(kind, fromWord);
        }
        Assert.False(RiskMapping.TryKind(Proto.AlertKind.Unspecified, out _));
        Assert.False(RiskMapping.TryKind((Proto.AlertKind)99, out _));
    }

    [Fact]
    public void EveryAlert_RoundTripsThroughTheWire()
    {
        foreach (var kind in Enum.GetValues<AlertKind>())
        {
            var alert = new Sdk.LedgerAlert("7", kind, new EnterpriseHash(Core.Primitives.Hash32.Parse("0x" + new string('1', 64))), null, null,
                "summary", new Dictionary<string, string>(), 0, null, 1, OrgId.FromCode("tax.liuzhou"));
            Assert.Equal(kind, RiskMapping.FromProto(RiskMapping.ToProto(alert)).Kind);
        }
    }

    [Fact]
    public void EveryScope_IsTheProtoScopeOfTheSameValueAndName()
    {
        var wire = Enum.GetValues<Proto.Scope>().Where(s => s != Proto.Scope.Unspecified).ToList();
        Assert.Equal(wire.Count, ScopeWords.All.Count);
        foreach (var entry in ScopeWords.All)
        {
            var proto = (Proto.Scope)(int)(ulong)entry.Scope;
            Assert.Contains(proto, wire);
            Assert.Equal(Name(entry.Scope.ToString()), Name(proto.ToString()));
            Assert.Equal(entry.Scope, (Scopes)(ulong)(int)proto);
        }
    }

    private static string Name(string enumName) => enumName.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();
}
