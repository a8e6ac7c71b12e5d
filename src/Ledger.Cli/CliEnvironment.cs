namespace Ledger.Cli;

/// <summary>
/// Where the CLI reads and writes: the real console and process environment, or (in tests) captured writers, a
/// dictionary of environment variables and a working folder — so the command tree runs in-process exactly as the
/// executable does.
/// </summary>
public sealed class CliEnvironment
{
    /// <summary>Standard output: tables for people, or the one JSON document of <c>--json</c>.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: error sentences, progress when <c>--json</c> keeps stdout clean.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Reads an environment variable (e.g. LEDGER_KEYSTORE_PASSWORD).</summary>
    public Func<string, string?> Variable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The folder relative paths (and the default <c>out/consortium.json</c>) start from.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>True when a person watches a terminal (spinners and colours); false for captured or redirected output.</summary>
    public bool Interactive { get; init; }

    /// <summary>The process's own console.</summary>
    public static CliEnvironment FromConsole() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        Interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected,
    };

    /// <summary>A path made absolute against <see cref="WorkingDirectory"/>; LEDGER-1660 when it is empty or holds a NUL character.</summary>
    public string FullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path, WorkingDirectory);
        }
        catch (ArgumentException)
        {
            var shown = path.Length <= 60 ? path : path[..60] + "…";
            throw CliErrors.BadArgument($"'{shown.Replace("\0", "\\0", StringComparison.Ordinal)}' is not a usable path: it is empty or holds a NUL character. Give the path of a file.");
        }
    }
}
