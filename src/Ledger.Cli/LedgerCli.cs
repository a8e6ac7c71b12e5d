using System.CommandLine;
using Ledger.Cli.Commands;

namespace Ledger.Cli;

/// <summary>
/// A group of commands, one file each under <c>Commands/</c> (<c>members …</c>, <c>consent …</c>, …). A new group is one
/// class implementing this and one line in <see cref="LedgerCli.Groups"/>.
/// </summary>
public interface ICommandGroup
{
    /// <summary>Builds the group's command (with its subcommands), running actions through <see cref="GlobalOptions.Run"/>.</summary>
    Command Build(GlobalOptions globals);
}

/// <summary>
/// The <c>ledger</c> command line: the root command with the global options and every command group, and the one
/// entry point that runs it (in the executable, and in-process in tests) with Ledger's exit codes.
/// </summary>
public static class LedgerCli
{
    /// <summary>
    /// The command groups, in the order help lists them. Later groups — <c>loan …</c>, <c>guarantee …</c>,
    /// <c>fund …</c>, <c>audit trail|verify|bundle|stats</c> and <c>demo</c> — are added here, one file each.
    /// </summary>
    public static IReadOnlyList<ICommandGroup> Groups { get; } =
    [
        new UpCommand(),
        new DownCommand(),
        new StatusCommand(),
        new NodeCommands(),
        new MembersCommands(),
        new BesuCommands(),
        new ConsentCommands(),
        new DataCommands(),
        new EnterpriseCommands(),
        new TaxCommands(),
        new LoanCommands(),
        new GuaranteeCommands(),
        new FundCommands(),
        new FundFlowCommands(),
        new AlertsCommands(),
        new AuditCommands(),
        new Demo.DemoCommand(),
    ];

    /// <summary>The root command over <paramref name="environment"/>.</summary>
    public static RootCommand Build(CliEnvironment environment, out GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var root = new RootCommand(
            "Ledger: the 银税互动 (bank–tax interaction) data-sharing ledger. Run the demo or start a local consortium; manage "
            + "members, consents and tax data; fetch reports; lend, guarantee, compensate and track R&D fund flows; watch alerts; "
            + "audit. Exit codes: 0 ok, 1 refused or verification failed, 2 unusable input, 3 internal error.");
        globals = new GlobalOptions(environment);
        globals.AddTo(root);
        foreach (var group in Groups)
        {
            root.Subcommands.Add(group.Build(globals));
        }
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A parse error prints LEDGER-1660 with the parser's sentence and exits 2;
    /// otherwise the command's own exit code (docs/cli.md).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment? environment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        environment ??= CliEnvironment.FromConsole();
        var root = Build(environment, out _);
        var parsed = root.Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,
            // Ctrl-C is the caller's cancellation token (Program.cs): `ledger up` must get to stop what it started.
            ProcessTerminationTimeout = null,
        };
        if (parsed.Errors.Count > 0)
        {
            var json = args.Contains("--json", StringComparer.Ordinal);
            var message = string.Join(" ", parsed.Errors.Select(e => e.Message.TrimEnd('.') + "."))
                + " See `ledger " + string.Join(' ', CommandPath(parsed.CommandResult.Command)) + " --help`.";
            await environment.Error.WriteLineAsync($"{CliErrors.BadArgumentCode}: {message}").ConfigureAwait(false);
            if (json)
            {
                await environment.Out.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(
                    new { error = new { code = CliErrors.BadArgumentCode, message, exitCode = CliErrors.UnusableInput } }, CliContext.JsonOptions)).ConfigureAwait(false);
            }
            return CliErrors.UnusableInput;
        }
        return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    private static Stack<string> CommandPath(Command command)
    {
        var names = new Stack<string>();
        for (Symbol? symbol = command; symbol is Command c && c is not RootCommand; symbol = c.Parents.FirstOrDefault())
        {
            names.Push(c.Name);
        }
        return names;
    }
}
