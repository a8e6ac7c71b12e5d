using System.Globalization;
using System.Text;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Local;

namespace Ledger.Cli.Besu;

/// <summary>
/// Hyperledger Besu's local permissioning file (<c>permissions_config.toml</c>) made from on-chain membership:
/// <c>accounts-allowlist</c> holds the operator accounts of the active members (so only they can send transactions)
/// and <c>nodes-allowlist</c> the enode URLs they registered (so only their nodes can peer). Suspended and removed
/// members are left out. See https://besu.hyperledger.org/private-networks/how-to/use-local-permissioning.
/// </summary>
public sealed record BesuAllowlist(IReadOnlyList<string> Accounts, IReadOnlyList<string> Nodes, IReadOnlyList<string> Skipped)
{
    /// <summary>
    /// The allowlists of <paramref name="members"/>: operators of active members (lower-case hex, in admission order,
    /// each once), plus <paramref name="extraAccounts"/> (e.g. the governors); the active members' enode URLs. An enode
    /// that is not one (<see cref="EnodeUrl"/>; admission refuses those since LEDGER-1656, but older registrations may
    /// hold one) is skipped (Besu would refuse to start) and named in <see cref="Skipped"/>.
    /// </summary>
    public static BesuAllowlist From(IEnumerable<ConsortiumMember> members, IEnumerable<EthAddress>? extraAccounts = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        var active = members.Where(m => m.Status == MemberStatus.Active).OrderBy(m => m.Index).ToList();
        var accounts = active.SelectMany(m => m.Operators).Concat(extraAccounts ?? [])
            .Select(a => a.ToString().ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var nodes = new List<string>();
        var skipped = new List<string>();
        foreach (var member in active.Where(m => m.Enode.Length > 0))
        {
            var enode = member.Enode.Trim();
            if (EnodeUrl.IsValid(enode, out var problem))
            {
                if (!nodes.Contains(enode, StringComparer.OrdinalIgnoreCase))
                {
                    nodes.Add(enode);
                }
            }
            else
            {
                skipped.Add($"{member.Org.Code}: '{member.Enode}' is not an enode URL ({problem}; expected {EnodeUrl.Shape})");
            }
        }
        return new BesuAllowlist(accounts, nodes, skipped);
    }

    /// <summary>The TOML text, with a header saying where it came from.</summary>
    public string ToToml(string source)
    {
        var text = new StringBuilder();
        text.AppendLine("# Besu local permissioning (permissions_config.toml), written by `ledger besu export-allowlist`.");
        foreach (var line in source.Split('\n'))
        {
            text.Append("# ").AppendLine(line.TrimEnd());
        }
        text.AppendLine("# Start Besu with --permissions-accounts-config-file-enabled --permissions-nodes-config-file-enabled");
        text.AppendLine("# and point --permissions-accounts-config-file / --permissions-nodes-config-file at this file.");
        text.Append("accounts-allowlist=").AppendLine(Array(Accounts));
        text.Append("nodes-allowlist=").AppendLine(Array(Nodes));
        return text.ToString();
    }

    private static string Array(IEnumerable<string> values) =>
        "[" + string.Join(",", values.Select(v => "\"" + v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"")) + "]";

    /// <summary>A one-line summary.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture, $"{Accounts.Count} accounts, {Nodes.Count} nodes");
}
