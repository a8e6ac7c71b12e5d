using System.CommandLine;
using Ledger.Local;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger down</c>: stops the described local consortium from another terminal. It asks the <c>ledger up</c> process
/// to stop (SIGTERM: it stops what runs now — restarted processes included — and removes the description), and then
/// stops whatever the description still names that is alive: what an <c>up</c> process killed without a chance to
/// stop its children left behind (nodes, and a chain it started; never an rpc chain). A process id is signalled only
/// when its command line shows it is what the description says (ledger-node, anvil or hardhat, ledger).
/// </summary>
public sealed class DownCommand : ICommandGroup
{
    /// <summary>How long `ledger up` may take to stop everything before it is killed (six nodes stop in parallel, 10 s grace each, then the chain).</summary>
    private static readonly TimeSpan UpGrace = TimeSpan.FromSeconds(60);

    /// <summary>How long a left-over process may take to stop after SIGTERM before it is killed.</summary>
    private static readonly TimeSpan ProcessGrace = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var command = new Command("down",
            "Stop the local consortium described in out/consortium.json: its `ledger up` process, and whatever it left running (nodes, its chain).");
        globals.Run(command, async (context, cancellationToken) =>
        {
            var file = context.ConsortiumFile;
            var description = context.Consortium();
            var stopped = new List<(string What, int Pid)>();
            if (description.ProcessId is { } up && up != Environment.ProcessId && LocalProcesses.IsAliveAs(up, LocalProcessKind.Orchestrator))
            {
                context.Progress($"asking `ledger up` (process {up}) to stop…");
                await LocalProcesses.StopAsync(up, UpGrace, cancellationToken).ConfigureAwait(false);
                stopped.Add(("ledger up", up));
                // It rewrote the description until it stopped; read what it says now, if it is still there.
                if (File.Exists(file))
                {
                    description = ConsortiumDescription.Load(file);
                }
            }
            var left = description.LiveProcesses().Select(p => (p.What, Pid: p.ProcessId)).ToList();
            if (left.Count > 0)
            {
                context.Progress($"stopping what is left: {string.Join(", ", left.Select(l => $"{l.What} (process {l.Pid})"))}…");
                // Nodes first (in parallel), then the chain they use.
                await Task.WhenAll(left.Where(l => !l.What.EndsWith(" chain", StringComparison.Ordinal)).Select(l => LocalProcesses.StopAsync(l.Pid, ProcessGrace, cancellationToken))).ConfigureAwait(false);
                foreach (var chainProcess in left.Where(l => l.What.EndsWith(" chain", StringComparison.Ordinal)))
                {
                    await LocalProcesses.StopAsync(chainProcess.Pid, ProcessGrace, cancellationToken).ConfigureAwait(false);
                }
                stopped.AddRange(left);
            }
            var stillRunning = stopped.Where(s => LocalProcesses.IsAlive(s.Pid)).ToList();
            if (stillRunning.Count > 0)
            {
                throw new Core.Errors.LedgerException(CliErrors.AlreadyRunningCode, Core.Errors.ErrorCategory.FailedPrecondition,
                    $"Some processes did not stop: {string.Join(", ", stillRunning.Select(s => $"{s.What} (process {s.Pid})"))}; the description {file} is kept. Stop them by hand (kill -9).");
            }
            if (File.Exists(file))
            {
                File.Delete(file);
            }
            if (context.Json)
            {
                context.WriteJson(new { stopped = stopped.Select(s => new { what = s.What, processId = s.Pid }) });
            }
            else if (stopped.Count == 0)
            {
                context.Console.MarkupLine($"Nothing described in {Markup.Escape(file)} was running; the stale description is removed.");
            }
            else
            {
                foreach (var (what, pid) in stopped)
                {
                    context.Console.MarkupLine($"stopped {Markup.Escape(what)} (process {pid})");
                }
            }
            return CliErrors.Ok;
        });
        return command;
    }
}
