using System.CommandLine;
using Ledger.Chain.Profiles;
using Ledger.Core.Errors;
using Ledger.Local;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger up</c>: starts a local consortium (<see cref="LocalConsortium"/>) — by default a fresh hardhat chain and
/// the demo's six members — prints its nodes, writes <c>out/consortium.json</c> so other commands reach the nodes by
/// organization code, and supervises it (<see cref="ConsortiumSupervisor"/>: what dies is reported and restarted, the
/// description keeps the live process ids) until Ctrl-C or SIGTERM (<c>ledger down</c>), then stops what runs then. A
/// chain that cannot come back (hardhat's state is in memory) stops it too, with LEDGER-1657.
/// </summary>
public sealed class UpCommand : ICommandGroup
{
    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var chain = new Option<string>("--chain")
        {
            Description = "hardhat (a fresh chain, the default), anvil (kept in --state-file across runs) or rpc (attach to --rpc with --deployment).",
            HelpName = "KIND",
        };
        chain.AcceptOnlyFromAmong("hardhat", "anvil", "rpc");
        var stateFile = new Option<string?>("--state-file") { Description = "The anvil state file (default WORK-DIR/anvil-state.json).", HelpName = "FILE" };
        var workDir = new Option<string>("--work-dir")
        {
            Description = "Where key stores, node data and logs go (default out/local).",
            HelpName = "DIR",
            DefaultValueFactory = _ => Path.Combine("out", "local"),
        };
        var strongKdf = new Option<bool>("--strong-kdf") { Description = "Stretch key store passwords with the strong KDF (slower start; the default is fast, for local runs)." };
        var synthetic = new Option<int>("--synthetic") { Description = "Synthetic taxpayers the tax node generates on its first start.", HelpName = "N" };
        var strongMode = new Option<bool>("--strong-mode") { Description = "Run the tax node in strong mode (each access recorded on chain before the reply)." };

        var command = new Command("up",
            "Start a local consortium — chain, key stores, governance admission, one node per member (1 tax, 2 banks, a guarantor, "
            + "a regulator, an auditor) — write out/consortium.json and run until Ctrl-C. Key store passwords are generated unless "
            + $"{GlobalOptions.PasswordVariable} is set (set it to sign calls from other terminals).")
        {
            chain, stateFile, workDir, strongKdf, synthetic, strongMode,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var descriptionFile = context.ConsortiumFile;
            RefuseIfRunning(descriptionFile);
            var rpc = context.RpcOption;
            var deployment = context.DeploymentOption;
            var kind = (context.Get(chain) ?? (rpc is not null ? "rpc" : "hardhat")) switch
            {
                "anvil" => ChainKind.Anvil,
                "rpc" => ChainKind.Rpc,
                _ => ChainKind.Hardhat,
            };
            if (context.Get(synthetic) is < 0 or > 100_000)
            {
                throw CliErrors.BadArgument("--synthetic must be between 0 and 100000.");
            }
            var password = context.Environment.Variable(GlobalOptions.PasswordVariable);
            var options = new LocalConsortiumOptions
            {
                Chain = kind,
                RpcUrl = rpc is null ? null : CliParse.Url(rpc, "--rpc"),
                DeploymentFile = deployment is null ? null : context.Environment.FullPath(deployment),
                StateFile = context.Get(stateFile) is { } state ? context.Environment.FullPath(state) : null,
                WorkDir = context.Environment.FullPath(context.Get(workDir)!),
                KeyStorePassword = string.IsNullOrEmpty(password) ? null : password,
                PlaintextDevelopment = context.PlaintextDevelopment,
                StrongKdf = context.Get(strongKdf),
                TaxSyntheticCount = context.Get(synthetic),
                Nodes = context.Get(strongMode)
                    ? LocalConsortiumOptions.DefaultTopology.Select(n => n.Role == Core.Model.Role.TaxBureau ? n with { StrongMode = true } : n).ToList()
                    : LocalConsortiumOptions.DefaultTopology,
            };

            await using var consortium = await StartAsync(context, options, cancellationToken).ConfigureAwait(false);
            var description = consortium.Describe();
            description.Save(descriptionFile);
            if (context.Json)
            {
                context.WriteJson(description);
            }
            else
            {
                PrintTable(context, description, descriptionFile);
            }
            await context.Environment.Out.FlushAsync(cancellationToken).ConfigureAwait(false);

            // Supervision: every event on stderr (stdout keeps its one document with --json) and in WORK-DIR/supervisor.log;
            // the description is rewritten with the live process ids after each change.
            var errorGate = new object();
            var supervisor = consortium.Supervise(new SupervisionOptions(), descriptionFile, report =>
            {
                lock (errorGate)
                {
                    context.Environment.Error.WriteLine(report.ToString());
                }
            });
            LedgerException? lost = null;
            try
            {
                lost = await supervisor.Fatal.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C or SIGTERM (`ledger down`): stop below.
            }

            context.Progress("stopping the consortium…");
            await consortium.StopAsync().ConfigureAwait(false);
            try
            {
                // The description points at processes that are gone now; a stale file would only mislead.
                if (File.Exists(descriptionFile) && ConsortiumDescription.Load(descriptionFile).ProcessId == Environment.ProcessId)
                {
                    File.Delete(descriptionFile);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Core.Errors.LedgerException)
            {
                context.Warn($"{descriptionFile} could not be removed ({ex.Message}); delete it by hand.");
            }
            context.Progress("stopped");
            if (lost is not null)
            {
                // Not through the JSON error document: with --json stdout already holds the description.
                lock (errorGate)
                {
                    context.Environment.Error.WriteLine($"{lost.Code}: {lost.Message}");
                }
                return CliErrors.ExitCodeOf(lost);
            }
            return CliErrors.Ok;
        });
        return command;
    }

    /// <summary>
    /// Starts the consortium with progress: a spinner naming the current step above the finished ones when a person
    /// watches a terminal, plain lines otherwise (none with --json).
    /// </summary>
    internal static async Task<LocalConsortium> StartAsync(CliContext context, LocalConsortiumOptions options, CancellationToken cancellationToken)
    {
        if (!context.Environment.Interactive || context.Json)
        {
            return await LocalConsortium.StartAsync(options with { Progress = new LineProgress(context, null) }, cancellationToken).ConfigureAwait(false);
        }
        return await context.Console.Status()
            .Spinner(Spinner.Known.Dots)
            .StartAsync("starting the local consortium…", status =>
                LocalConsortium.StartAsync(options with { Progress = new LineProgress(context, status) }, cancellationToken))
            .ConfigureAwait(false);
    }

    private static void RefuseIfRunning(string descriptionFile)
    {
        if (!File.Exists(descriptionFile))
        {
            return;
        }
        ConsortiumDescription existing;
        try
        {
            existing = ConsortiumDescription.Load(descriptionFile);
        }
        catch (Core.Errors.LedgerException)
        {
            return; // unreadable: it is rewritten
        }
        if (existing.ProcessId is { } pid && pid != Environment.ProcessId && LocalProcesses.IsAliveAs(pid, LocalProcessKind.Orchestrator))
        {
            throw new LedgerException(CliErrors.AlreadyRunningCode, ErrorCategory.FailedPrecondition,
                $"A local consortium is already running (process {pid}, described in {descriptionFile}); stop it with Ctrl-C in its terminal or `ledger down` first.");
        }
        // Its `up` process is gone (killed without a chance to stop them), but what it started may still run.
        var left = existing.LiveProcesses().Select(p => $"{p.What} (process {p.ProcessId})").ToList();
        if (left.Count > 0)
        {
            throw new LedgerException(CliErrors.AlreadyRunningCode, ErrorCategory.FailedPrecondition,
                $"An earlier `ledger up` ended without stopping what it started, and it still runs: {string.Join(", ", left)}; `ledger down` stops it, then start again.");
        }
    }

    private static void PrintTable(CliContext context, ConsortiumDescription description, string descriptionFile)
    {
        var console = context.Console;
        console.MarkupLine($"[bold]Local consortium[/] on {Markup.Escape(description.Chain.Kind)} chain {description.Chain.ChainId} at {Markup.Escape(description.Chain.RpcUrl)}");
        var table = CliContext.NewTable("Org", "Role", "Name", "URL", "Operator", "Log");
        foreach (var node in description.Nodes)
        {
            table.AddRow(Markup.Escape(node.Org), node.Role, Markup.Escape(node.Name), Markup.Escape(node.Url), node.Operator, Markup.Escape(node.Log));
        }
        console.Write(table);
        console.MarkupLine($"Deployment: {Markup.Escape(description.Chain.DeploymentFile)}");
        console.MarkupLine($"Described in {Markup.Escape(descriptionFile)}; other `ledger` commands find the nodes there.");
        if (description.KeyStorePassword == "generated")
        {
            console.MarkupLine($"[grey]Key store passwords were generated for this run; to sign calls from another terminal, start `ledger up` with {GlobalOptions.PasswordVariable} set and set it there too.[/]");
        }
        console.MarkupLine("[grey]A node or chain process that dies is reported here and restarted; `ledger node restart ORG` restarts one by hand.[/]");
        console.MarkupLine("[bold]Press Ctrl-C (or run `ledger down` elsewhere) to stop.[/]");
    }

    /// <summary>
    /// Progress reported synchronously and in order (Progress&lt;T&gt; would post to the thread pool): each step a line,
    /// and the spinner's text when there is one. Nodes start in parallel, so reports are serialized here.
    /// </summary>
    private sealed class LineProgress(CliContext context, StatusContext? status) : IProgress<string>
    {
        private readonly object _gate = new();

        public void Report(string value)
        {
            lock (_gate)
            {
                context.Progress(value);
                if (status is not null)
                {
                    status.Status = Markup.Escape(value);
                }
            }
        }
    }
}
