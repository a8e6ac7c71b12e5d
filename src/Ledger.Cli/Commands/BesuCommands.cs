using System.CommandLine;
using System.Globalization;
using Ledger.Cli.Besu;
using Ledger.Chain.Abi;
using Ledger.Local;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger besu export-allowlist --out FILE</c>: writes Hyperledger Besu's local permissioning file from on-chain
/// membership (docs/cli.md; Besu removed its on-chain permissioning contracts, so the consortium's membership reaches
/// Besu through this file).
/// </summary>
public sealed class BesuCommands : ICommandGroup
{
    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var besu = new Command("besu", "Hyperledger Besu integration.");
        var output = new Option<string>("--out") { Description = "The permissions file to write (e.g. permissions_config.toml).", Required = true, HelpName = "FILE" };
        var includeGovernors = new Option<bool>("--include-governors")
        {
            Description = "Also allow the governors' accounts (needed if governors are not operators: governance transactions come from them).",
        };
        var export = new Command("export-allowlist",
            "Write Besu's local permissioning file: accounts-allowlist = the active members' operator accounts, nodes-allowlist = their enode URLs.")
        {
            output, includeGovernors,
        };
        globals.Run(export, async (context, cancellationToken) =>
        {
            var file = context.Environment.FullPath(CliParse.Required(context.Get(output), "--out"));
            var chain = await context.OpenChainAsync(cancellationToken).ConfigureAwait(false);
            var directory = new MemberDirectory(chain.Rpc, chain.Deployment);
            var (members, block) = await directory.ListAsync(cancellationToken).ConfigureAwait(false);
            var governors = context.Get(includeGovernors) ? (await directory.GovernanceAsync(cancellationToken).ConfigureAwait(false)).Governors : [];
            var allowlist = BesuAllowlist.From(members, governors);
            var source = string.Create(CultureInfo.InvariantCulture,
                $"From Consortium {chain.Deployment[LedgerContracts.Consortium]} on chain {chain.Deployment.ChainId} at block {block}: {members.Count(m => m.Status == Core.Model.MemberStatus.Active)} active of {members.Count} members.");
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                var temp = file + ".tmp-" + Guid.NewGuid().ToString("N");
                await File.WriteAllTextAsync(temp, allowlist.ToToml(source), cancellationToken).ConfigureAwait(false);
                File.Move(temp, file, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw CliErrors.File($"The permissions file {file} cannot be written ({ex.Message}).", ex);
            }
            foreach (var skipped in allowlist.Skipped)
            {
                context.Warn($"enode skipped: {skipped}");
            }
            if (context.Json)
            {
                context.WriteJson(new { file, block, accounts = allowlist.Accounts, nodes = allowlist.Nodes, skipped = allowlist.Skipped });
            }
            else
            {
                context.Console.MarkupLine($"Wrote {Markup.Escape(file)}: {allowlist.Summary()} (block {block}).");
                if (allowlist.Nodes.Count == 0)
                {
                    context.Console.MarkupLine("[grey]No active member registered an enode URL, so nodes-allowlist is empty; with node permissioning on, Besu would peer with no one.[/]");
                }
            }
            return CliErrors.Ok;
        });
        besu.Subcommands.Add(export);
        return besu;
    }
}
