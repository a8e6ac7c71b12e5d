using System.CommandLine;
using System.Globalization;
using Ledger.Cli.Commands;
using Ledger.Local;
using Spectre.Console;

namespace Ledger.Cli.Demo;

/// <summary>
/// <c>ledger demo</c>: starts a fresh local consortium (a hardhat chain and six <c>ledger-node</c> processes), runs the
/// 银税互动 scenario (<see cref="DemoScenario"/>) through the SDK, writes the audit bundle, stops everything it
/// started, and exits 0 only when every check passed (1 when one failed; 2 when the consortium could not start).
/// </summary>
public sealed class DemoCommand : ICommandGroup
{
    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var workDir = new Option<string>("--work-dir")
        {
            Description = "Where the demo's key stores, node data and logs go (wiped at the start; default out/demo).",
            HelpName = "DIR",
            DefaultValueFactory = _ => Path.Combine("out", "demo"),
        };
        var bundle = new Option<string>("--bundle")
        {
            Description = "Where the audit bundle is written (default out/audit-bundle.json).",
            HelpName = "FILE",
            DefaultValueFactory = _ => Path.Combine("out", "audit-bundle.json"),
        };
        var enterprises = new Option<int>("--enterprises")
        {
            Description = "Enterprises the tax bureau binds (10 to 500; default 50).",
            HelpName = "N",
            DefaultValueFactory = _ => 50,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the synthetic taxpayers (default 2026).",
            HelpName = "N",
            DefaultValueFactory = _ => 2026,
        };
        var command = new Command("demo",
            "Run the whole 银税互动 scenario on a fresh local consortium (1 tax node, 2 banks, a guarantor, a regulator, an auditor): "
            + "consents, consented data, lending, a revocation, an R&D fund-flow drift, a default shared by the guarantor and the "
            + "risk-compensation fund, and an audit that verifies every record and writes an audit bundle. Exit 0: every check passed; "
            + "1: a check failed; 2: the consortium could not start.")
        {
            workDir, bundle, enterprises, seed,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var count = context.Get(enterprises);
            if (count is < 10 or > 500)
            {
                throw CliErrors.BadArgument("--enterprises must be between 10 and 500.");
            }
            var password = context.Environment.Variable(GlobalOptions.PasswordVariable);
            var options = new LocalConsortiumOptions
            {
                WorkDir = context.Environment.FullPath(context.Get(workDir)!),
                KeyStorePassword = string.IsNullOrEmpty(password) ? null : password,
                PlaintextDevelopment = context.PlaintextDevelopment,
                TaxSyntheticCount = count,
                TaxSyntheticSeed = context.Get(seed),
            };
            var demo = new DemoOptions
            {
                Enterprises = count,
                Seed = context.Get(seed),
                BundleFile = context.Environment.FullPath(context.Get(bundle)!),
            };
            if (!context.Json)
            {
                context.Console.MarkupLine("[bold]Ledger demo — 银税互动[/]: the tax bureau shares an enterprise's tax-credit data with a bank only with its signed consent;");
                context.Console.MarkupLine("the bank lends without collateral; a guarantor and the risk-compensation fund share the risk; every step is audited.");
                context.Console.WriteLine();
            }

            var started = DateTimeOffset.UtcNow;
            DemoOutcome outcome;
            IReadOnlyList<int> processes;
            await using (var consortium = await UpCommand.StartAsync(context, options, cancellationToken).ConfigureAwait(false))
            {
                if (!context.Json)
                {
                    context.Console.MarkupLine($"[grey]chain {Markup.Escape(consortium.RpcUrl)} (hardhat, chain id {consortium.Deployment.ChainId}); "
                        + $"{consortium.Nodes.Count} node processes; logs under {Markup.Escape(consortium.WorkDir)}[/]");
                }
                var narrator = context.Json ? (IDemoNarrator)new SilentNarrator() : new ConsoleNarrator(context.Console, context.Environment.Interactive);
                outcome = await new DemoScenario(consortium, demo, narrator).RunAsync(cancellationToken).ConfigureAwait(false);
                processes = [.. consortium.ProcessIds];
                context.Progress("stopping every process the demo started…");
            }
            var elapsed = DateTimeOffset.UtcNow - started;

            var failed = outcome.Checks.Where(c => !c.Passed).ToList();
            if (context.Json)
            {
                context.WriteJson(new
                {
                    passed = outcome.Passed,
                    checks = outcome.Checks.Select(c => new { step = c.Step, name = c.Name, passed = c.Passed, detail = c.Detail }),
                    bundle = outcome.BundleFile,
                    verifyCommand = outcome.BundleFile is { } file ? DemoScenario.VerifyCommand(file) : null,
                    scenarioSeconds = Math.Round(outcome.Elapsed.TotalSeconds, 1),
                    totalSeconds = Math.Round(elapsed.TotalSeconds, 1),
                    statistics = outcome.Statistics,
                    stoppedProcesses = processes,
                });
            }
            else
            {
                context.Console.WriteLine();
                var summary = string.Create(CultureInfo.InvariantCulture,
                    $"{outcome.Checks.Count - failed.Count} of {outcome.Checks.Count} checks passed; scenario {outcome.Elapsed.TotalSeconds:0.0} s, with start and stop {elapsed.TotalSeconds:0.0} s.");
                context.Console.MarkupLine(outcome.Passed ? $"[green bold]PASSED[/] {summary}" : $"[red bold]FAILED[/] {summary}");
                foreach (var check in failed)
                {
                    context.Console.MarkupLine($"  [red]✗[/] step {check.Step}: {Markup.Escape(check.Name)}: {Markup.Escape(check.Detail)}");
                }
                if (outcome.BundleFile is not null)
                {
                    context.Console.WriteLine($"audit bundle: {outcome.BundleFile}");
                }
            }
            return outcome.Passed ? CliErrors.Ok : CliErrors.Refused;
        });
        return command;
    }
}
