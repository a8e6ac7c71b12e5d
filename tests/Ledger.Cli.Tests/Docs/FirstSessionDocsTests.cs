using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Ledger.Cli.Tests.Support;

namespace Ledger.Cli.Tests.Docs;

/// <summary>
/// docs/cli.md's "A first session" is executable: its commands are read from the file (not copied here) and run in
/// order, as written, by the built `ledger` against a fresh consortium the session's own `ledger up` starts. A
/// placeholder the docs write with "…" takes the value an earlier command printed (the consent id `consent grant`
/// printed, the proposal number `members suspend` printed, …). The test fails when the docs and the program disagree.
/// </summary>
public sealed partial class FirstSessionDocsTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ledger-docs", Guid.NewGuid().ToString("N")[..12]);
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private readonly List<(string Command, string Output)> _done = [];
    private readonly StringBuilder _upErrors = new();
    private readonly StringBuilder _watchOut = new();
    private Process? _up;
    private Process? _watch;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task FirstSession_AsDocsCliMdWritesIt_RunsInOrderAgainstAFreshConsortium()
    {
        var commands = FirstSession(await File.ReadAllTextAsync(Path.Combine(CliRunner.RepositoryRoot(), "docs", "cli.md")));
        Assert.True(commands.Count >= 20, $"only {commands.Count} commands in docs/cli.md's first session");
        Assert.Equal("ledger up", commands.First(c => c.StartsWith("ledger", StringComparison.Ordinal)));
        Assert.Equal("ledger down", commands[^1]);

        foreach (var line in commands)
        {
            foreach (var command in line.Split(" && ", StringSplitOptions.TrimEntries))
            {
                if (command == "ledger down")
                {
                    // Before the consortium goes: the alerts watch "in another terminal" is still streaming, and what
                    // it printed so far is JSON, one alert per line.
                    Assert.True(_watch is { HasExited: false }, $"ledger alerts watch stopped early:\n{WatchOutput()}");
                    foreach (var alert in WatchOutput().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        using var parsed = System.Text.Json.JsonDocument.Parse(alert);
                        Assert.True(parsed.RootElement.TryGetProperty("kind", out _), alert);
                    }
                }
                await RunAsync(command);
            }
        }
        output.WriteLine(string.Join("\n", _done.Select(d => d.Command)));

        // `ledger down` stopped the consortium `ledger up` (terminal 1) was supervising, and `up` ended cleanly.
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            await _up!.WaitForExitAsync(wait.Token);
        }
        Assert.True(_up.ExitCode == 0, $"ledger up exited with {_up.ExitCode}:\n{Errors()}");
    }

    private string WatchOutput()
    {
        lock (_watchOut)
        {
            return _watchOut.ToString();
        }
    }

    private async Task RunAsync(string command)
    {
        var words = Words(command);
        if (words[0] == "export")
        {
            var (name, value) = (words[1][..words[1].IndexOf('=', StringComparison.Ordinal)], words[1][(words[1].IndexOf('=', StringComparison.Ordinal) + 1)..]);
            _environment[name] = value;
            return;
        }
        Assert.True(words[0] == "ledger", $"docs/cli.md's first session has `{command}`, which is not a ledger command");
        var args = words.Skip(1).Select((w, i) => Resolve(w, i == 0 ? null : words[i], command)).ToArray();
        var asRun = "ledger " + string.Join(' ', args);
        switch (args)
        {
            case ["up", ..]:
                _up = CliRunner.Start(args, _environment, _dir);
                _up.ErrorDataReceived += (_, e) => { lock (_upErrors) { _upErrors.AppendLine(e.Data); } };
                _up.OutputDataReceived += (_, _) => { };
                _up.BeginErrorReadLine();
                _up.BeginOutputReadLine();
                await WaitReadyAsync();
                return;
            case ["alerts", "watch", ..]:
                // "another terminal": it keeps streaming; it is stopped with the consortium.
                _watch = CliRunner.Start(args, _environment, _dir);
                _watch.OutputDataReceived += (_, e) => { lock (_watchOut) { _watchOut.AppendLine(e.Data); } };
                _watch.ErrorDataReceived += (_, _) => { };
                _watch.BeginOutputReadLine();
                _watch.BeginErrorReadLine();
                return;
        }
        var run = await CliRunner.RunExecutableAsync(args, _environment, _dir, TimeSpan.FromMinutes(3));
        Assert.True(run.ExitCode == 0, $"docs/cli.md: `{command}` (run as `{asRun}`) exited with {run.ExitCode}:\n{run}\n{Errors()}");
        _done.Add((asRun, run.Out + "\n" + run.Error));
    }

    // `ledger up` is ready when `ledger status` finds every node it describes reachable.
    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            Assert.False(_up!.HasExited, $"ledger up exited with {(_up.HasExited ? _up.ExitCode : 0)}:\n{Errors()}");
            if (File.Exists(Path.Combine(_dir, "out", "consortium.json")))
            {
                var status = await CliRunner.RunExecutableAsync(["status", "--json"], _environment, _dir);
                if (status.ExitCode == 0 && status.Json().GetProperty("nodes").EnumerateArray().All(n => n.GetProperty("reachable").GetBoolean()))
                {
                    return;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"ledger up was not ready within 4 minutes:\n{Errors()}");
            await Task.Delay(1000);
        }
    }

    /// <summary>A word as written, or — for a placeholder with "…" — the value an earlier command printed.</summary>
    private string Resolve(string word, string? option, string command)
    {
        if (word == "N" && option == "approve")
        {
            return Find("members suspend", ProposalNumber(), command, word);
        }
        var ellipsis = word.IndexOf('…', StringComparison.Ordinal);
        if (ellipsis < 0)
        {
            return word;
        }
        var prefix = word[..ellipsis];
        return (option, prefix) switch
        {
            ("--consent", "0x") => Find("consent grant", Hash64(), command, word),
            ("--decision", "0x") => Find("loan decide", Hash64(), command, word),
            ("--enterprise", "0x") => Find("tax bind", Hash64(), command, word),
            _ => Find("tax list", new Regex(Regex.Escape(prefix) + "[0-9A-Z]{1,16}"), command, word),
        };
    }

    // The value the latest run of `source` printed.
    private string Find(string source, Regex pattern, string command, string placeholder)
    {
        var (ran, output) = _done.LastOrDefault(d => d.Command.StartsWith("ledger " + source, StringComparison.Ordinal));
        Assert.True(ran is not null, $"docs/cli.md: `{command}` needs {placeholder} from `ledger {source}`, which the session has not run before it");
        var match = pattern.Match(output);
        Assert.True(match.Success, $"docs/cli.md: `{command}` needs {placeholder}, but `{ran}` printed none:\n{output}");
        return match.Groups.Count > 1 && match.Groups[1].Success ? match.Groups[1].Value : match.Value;
    }

    /// <summary>The commands of the first ```sh block under "## A first session", comments removed.</summary>
    public static IReadOnlyList<string> FirstSession(string markdown)
    {
        var section = markdown[markdown.IndexOf("## A first session", StringComparison.Ordinal)..];
        var start = section.IndexOf("```sh", StringComparison.Ordinal) + "```sh".Length;
        var block = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        return block.Split('\n')
            .Select(l => Comment().Replace(l, "").Trim())
            .Where(l => l.Length > 0)
            .ToList();
    }

    /// <summary>Splits a command line into words as a shell does (single and double quotes; no expansion).</summary>
    public static IReadOnlyList<string> Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    private string Errors()
    {
        lock (_upErrors)
        {
            return _upErrors.ToString();
        }
    }

    // A shell comment: `#` at the start or after whitespace, outside quotes (the block has none inside quotes).
    [GeneratedRegex(@"(^|\s)#.*$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\b0x[0-9a-f]{64}\b")]
    private static partial Regex Hash64();

    [GeneratedRegex(@"[Pp]roposal #?(\d+)")]
    private static partial Regex ProposalNumber();

    public async Task DisposeAsync()
    {
        foreach (var process in new[] { _watch, _up })
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process?.Dispose();
        }
        // Anything `up` left running is stopped by `ledger down` in the session; if the session failed before it, stop it here.
        if (File.Exists(Path.Combine(_dir, "out", "consortium.json")))
        {
            await CliRunner.RunExecutableAsync(["down"], _environment, _dir);
        }
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
