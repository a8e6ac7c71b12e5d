using System.CommandLine;

namespace Ledger.Cli;

/// <summary>
/// The options every command takes (recursive on the root command): where to reach a node or the chain, who to act
/// as, and how to print. Each command group builds its commands with these and runs its actions through
/// <see cref="Run"/>, which turns every failure into a LEDGER code, a sentence and an exit code.
/// </summary>
public sealed class GlobalOptions
{
    /// <summary>The environment variable of key store passwords (same as the nodes').</summary>
    public const string PasswordVariable = Sdk.Keys.NodeKeyStore.DefaultPasswordVariable;

    /// <summary>The environment variable that may name the consortium description.</summary>
    public const string ConsortiumVariable = "LEDGER_CONSORTIUM";

    /// <summary>Creates the options over <paramref name="environment"/>.</summary>
    public GlobalOptions(CliEnvironment environment)
    {
        Environment = environment;
    }

    /// <summary>Where the CLI reads and writes.</summary>
    public CliEnvironment Environment { get; }

    /// <summary><c>--node URL</c>: the node to call (otherwise found in the consortium description).</summary>
    public Option<string?> Node { get; } = new("--node")
    {
        Description = "The node to call, e.g. https://127.0.0.1:7101 (default: found by organization in out/consortium.json).",
        Recursive = true,
        HelpName = "URL",
    };

    /// <summary><c>--org CODE</c>: the organization to act as (its operator signs the calls).</summary>
    public Option<string?> Org { get; } = new("--org")
    {
        Description = "The organization to act as, e.g. bank.ccb.liuzhou; its operator key signs the calls.",
        Recursive = true,
        HelpName = "CODE",
    };

    /// <summary><c>--key-store FILE</c>: the key store to sign with (password from LEDGER_KEYSTORE_PASSWORD).</summary>
    public Option<string?> KeyStore { get; } = new("--key-store")
    {
        Description = $"The key store whose operator key signs the calls (password from {PasswordVariable}).",
        Recursive = true,
        HelpName = "FILE",
    };

    /// <summary><c>--json</c>: one JSON document on stdout, nothing else.</summary>
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON document on stdout and nothing else (errors too: {\"error\":{…}}).",
        Recursive = true,
    };

    /// <summary><c>--rpc URL</c>: the chain's JSON-RPC endpoint.</summary>
    public Option<string?> Rpc { get; } = new("--rpc")
    {
        Description = "The chain's JSON-RPC endpoint (default: the local consortium's chain).",
        Recursive = true,
        HelpName = "URL",
    };

    /// <summary><c>--deployment FILE</c>: the contracts' deployment file.</summary>
    public Option<string?> Deployment { get; } = new("--deployment")
    {
        Description = "The deployment file of the contracts (deployments/<network>.json; default: the local consortium's).",
        Recursive = true,
        HelpName = "FILE",
    };

    /// <summary><c>--consortium FILE</c>: the consortium description (default out/consortium.json).</summary>
    public Option<string?> Consortium { get; } = new("--consortium")
    {
        Description = $"The local consortium description written by `ledger up` (default out/consortium.json, or ${ConsortiumVariable}).",
        Recursive = true,
        HelpName = "FILE",
    };

    /// <summary><c>--tls-pin PIN[,PIN]</c>: the pin(s) the node's TLS certificate must have.</summary>
    public Option<string?> TlsPin { get; } = new("--tls-pin")
    {
        Description = "The pin (0x…, SHA-256 of the certificate's public key; `ledger-node keys show` prints it) the node's TLS certificate must have; two may be given, comma-separated, during a rotation. Default: the pin in the consortium description, else the pins the chain registers for the node's member.",
        Recursive = true,
        HelpName = "PIN",
    };

    /// <summary><c>--plaintext-development</c>: allow plain HTTP/2 to loopback nodes.</summary>
    public Option<bool> PlaintextDevelopment { get; } = new("--plaintext-development")
    {
        Description = "Development only: allow plain HTTP (no TLS) to a node on this machine (one started with Ledger:Node:Tls:Mode=plaintext-development). With `ledger up`/`demo`: start the nodes that way.",
        Recursive = true,
    };

    /// <summary><c>--verbose</c>: stack traces with errors.</summary>
    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Print the full exception (with stack trace) when something fails.",
        Recursive = true,
    };

    /// <summary><c>--csv</c> on a list command: the list as CSV on stdout and nothing else.</summary>
    public Option<bool> Csv { get; } = new("--csv")
    {
        Description = "Print the list as CSV (RFC 4180: a header row, then one row per item, plain values; UTF-8) and nothing else.",
    };

    /// <summary>Gives a list command <c>--csv</c> (<see cref="CliContext.WriteList"/> prints the table as CSV then).</summary>
    public Command Listing(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Csv);
        return command;
    }

    /// <summary>Adds the options to the root command.</summary>
    public void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var option in new Option[] { Node, Org, KeyStore, Json, Rpc, Deployment, Consortium, TlsPin, PlaintextDevelopment, Verbose })
        {
            root.Options.Add(option);
        }
    }

    /// <summary>
    /// Sets <paramref name="command"/>'s action to <paramref name="body"/>, run with a <see cref="CliContext"/>; a Ledger
    /// error prints its code and sentence and exits 1, 2 or 3 (docs/cli.md), anything unexpected exits 3.
    /// </summary>
    public void Run(Command command, Func<CliContext, CancellationToken, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(body);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var context = new CliContext(this, parseResult);
            return await context.RunAsync(
                (c, ct) => c.Json && c.Csv ? throw CliErrors.BadArgument("--json and --csv each choose how the list is printed; give one of them.") : body(c, ct),
                cancellationToken).ConfigureAwait(false);
        });
    }
}
