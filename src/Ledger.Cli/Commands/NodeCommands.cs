using System.CommandLine;
using Ledger.Local;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger node restart ORG</c>: asks the <c>ledger up</c> process that supervises the described consortium to
/// restart one node — stop it politely, start it on the same port, key store and data, wait until it answers as its
/// member — and prints the old and new process. Only that process can do it (it alone knows the nodes' configuration
/// and generated passwords), and the restarted node stays its child, supervised like the others
/// (<see cref="ConsortiumControl"/>). Works on a node the supervisor gave up on, too.
/// </summary>
public sealed class NodeCommands : ICommandGroup
{
    /// <summary>
    /// How long to wait for the supervisor's answer once it took the request: a polite stop (10 s) and a start, which
    /// `up` itself bounds (120 s) — with room for a loaded machine. The wait ends at once if `up` ends.
    /// </summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(10);

    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var node = new Command("node", "Operate the nodes of a running local consortium (`ledger up`).");
        var org = new Argument<string>("org") { Description = "The organization whose node to restart, e.g. bank.ccb.liuzhou." };
        var restart = new Command("restart",
            "Restart one node of the consortium `ledger up` runs: stopped politely, started on the same port, key store and data, "
            + "supervised as before. Prints the old and new process.")
        {
            org,
        };
        globals.Run(restart, async (context, cancellationToken) =>
        {
            var code = CliParse.Org(context.Get(org), "org").Code;
            var description = context.Consortium();
            var described = description.Node(code)
                ?? throw CliErrors.UnknownOrg($"No node of organization '{code}' is in {context.ConsortiumFile}; the consortium has {string.Join(", ", description.Nodes.Select(n => n.Org))}.");
            context.Progress($"asking `ledger up` (process {description.ProcessId}) to restart {code}…");
            var outcome = await ConsortiumControl.RestartNodeAsync(description, code, AnswerTimeout, cancellationToken).ConfigureAwait(false);
            if (outcome.Error is { } error)
            {
                throw error;
            }
            if (context.Json)
            {
                context.WriteJson(new { org = code, url = described.Url, previousProcessId = outcome.PreviousProcessId, processId = outcome.ProcessId });
            }
            else
            {
                context.Console.MarkupLine(outcome.PreviousProcessId is { } previous
                    ? $"Restarted {Markup.Escape(code)}: process {previous} → {outcome.ProcessId}, ready on {Markup.Escape(described.Url)}."
                    : $"Started {Markup.Escape(code)}: process {outcome.ProcessId}, ready on {Markup.Escape(described.Url)}.");
            }
            return CliErrors.Ok;
        });
        node.Subcommands.Add(restart);
        return node;
    }
}
