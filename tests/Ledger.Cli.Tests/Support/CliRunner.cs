using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Ledger.Cli.Tests.Support;

/// <summary>One run of the CLI: its exit code and what it printed.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>Standard output as the one JSON document <c>--json</c> promises (fails the test when it is not).</summary>
    public JsonElement Json()
    {
        try
        {
            using var document = JsonDocument.Parse(Out);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"stdout is not one JSON document ({ex.Message}):\n{Out}\nstderr:\n{Error}");
        }
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}

/// <summary>Runs the CLI in-process (the command tree, captured output) or as the built executable.</summary>
public static class CliRunner
{
    /// <summary>Reads the consortium description a running <c>ledger up --json</c> prints (up to its closing brace).</summary>
    public static async Task<JsonElement> ReadUpDescriptionAsync(Process process, TimeSpan timeout, Func<string> errors)
    {
        var text = new StringBuilder();
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"ledger up printed no description within {timeout}:\n{text}\n{errors()}");
            }
            if (line is null)
            {
                await process.WaitForExitAsync(CancellationToken.None);
                throw new InvalidOperationException($"ledger up exited with {process.ExitCode} before describing the consortium:\n{text}\n{errors()}");
            }
            text.AppendLine(line);
            if (line == "}")
            {
                using var document = JsonDocument.Parse(text.ToString());
                return document.RootElement.Clone();
            }
        }
    }

    /// <summary>The built CLI beside the tests (the test project references it).</summary>
    public static string LedgerDll => Path.Combine(AppContext.BaseDirectory, "ledger.dll");

    /// <summary>Runs <paramref name="args"/> through <see cref="LedgerCli.RunAsync"/> with captured output and only <paramref name="variables"/> as environment.</summary>
    public static async Task<CliRun> RunAsync(string[] args, IReadOnlyDictionary<string, string> variables, string? workingDirectory = null, CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            Variable = name => variables.TryGetValue(name, out var value) ? value : null,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
            Interactive = false,
        };
        var exit = await LedgerCli.RunAsync(args, environment, cancellationToken);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    /// <summary>Starts the built executable (<c>dotnet ledger.dll ARGS</c>) with <paramref name="variables"/> added to a clean environment.</summary>
    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> variables, string workingDirectory)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(LedgerDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("LEDGER", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }
        foreach (var (key, value) in variables)
        {
            info.Environment[key] = value;
        }
        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    /// <summary>The repository root (the folder with Ledger.sln above the test binaries).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ledger.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (Ledger.sln) is not above the test binaries.");
    }

    /// <summary>Runs <paramref name="commandLine"/> with bash in <paramref name="workingDirectory"/>, as a user types it (LEDGER_* variables cleared).</summary>
    public static async Task<CliRun> RunShellAsync(string commandLine, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(commandLine);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("LEDGER", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{commandLine} did not finish in time.\n{await error}");
        }
        return new CliRun(process.ExitCode, await output, await error);
    }

    /// <summary>Runs the built executable to its end.</summary>
    public static async Task<CliRun> RunExecutableAsync(string[] args, IReadOnlyDictionary<string, string> variables, string workingDirectory, TimeSpan? timeout = null)
    {
        using var process = Start(args, variables, workingDirectory);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ledger {string.Join(' ', args)} did not finish in time.\n{await error}");
        }
        return new CliRun(process.ExitCode, await output, await error);
    }
}
