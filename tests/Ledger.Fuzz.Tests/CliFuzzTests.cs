using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Ledger.Cli.Tests.Support;
using Ledger.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace Ledger.Fuzz.Tests;

/// <summary>
/// Malformed values for every option and argument of every `ledger` command (enumerated from its parser), run in-process
/// against the fuzz consortium: each run must end with exit 0, 1 or 2 — never 3 — and a failure must start its stderr
/// with a code of docs/errors.md (never LEDGER-1664, "failed unexpectedly"), with no stack trace (docs/testing.md).
/// </summary>
[Collection(FuzzConsortiumDefinition.Name)]
public sealed class CliFuzzTests(FuzzConsortium consortium, ITestOutputHelper output)
{
    /// <summary>CLI runs at once (in-process; the nodes they call share the two cores).</summary>
    public const int Concurrency = 4;

    [Fact]
    public void EveryCommandHasABaseline()
    {
        var commands = CliFuzzer.Commands();

        Assert.True(commands.Count >= 50, $"only {commands.Count} commands were found in the parser");
        Assert.Contains(commands, c => c.Name == "loan disburse");
        Assert.All(commands, c => Assert.Contains(c.Options, o => o.Name == "--node")); // the global options reach every command
    }

    [Fact]
    public async Task MalformedOptions_ExitOneOrTwoWithADocumentedCode()
    {
        var fuzzer = new CliFuzzer(consortium);
        await fuzzer.PrepareAsync();
        var cases = CliFuzzer.Commands().SelectMany((command, index) => fuzzer.Cases(command, index)).ToList();
        var results = new ConcurrentBag<(CliCase Case, CliRun Run, TimeSpan Elapsed)>();
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (fuzzCase, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            var run = await fuzzer.RunAsync(fuzzCase);
            results.Add((fuzzCase, run, Stopwatch.GetElapsedTime(started)));
        });

        clock.Stop();
        var report = string.Create(CultureInfo.InvariantCulture,
            $"{cases.Count} CLI runs over {cases.Select(c => c.Command.Name).Distinct().Count()} commands in {clock.Elapsed.TotalSeconds:0.0} s; exits: ")
            + string.Join(", ", results.GroupBy(r => r.Run.ExitCode).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))
            + "\n  codes: " + string.Join(", ", results.Where(r => r.Run.ExitCode != 0).GroupBy(r => CliFuzzer.CodeOf(r.Run) ?? "(none)")
                .OrderByDescending(g => g.Count()).Take(25).Select(g => $"{g.Key} {g.Count()}"))
            + "\n  slowest commands (seconds in runs): " + string.Join(", ", results.GroupBy(r => r.Case.Command.Name)
                .Select(g => (g.Key, Seconds: g.Sum(r => r.Elapsed.TotalSeconds), Count: g.Count())).OrderByDescending(g => g.Seconds).Take(15)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Seconds:0.0} ({g.Count})")));
        output.WriteLine(report);
        var violations = results.Select(r => (r.Case, r.Run, Problem: CliFuzzer.Violation(r.Case, r.Run))).Where(v => v.Problem is not null).ToList();
        if (violations.Count > 0)
        {
            var groups = violations.GroupBy(v => (v.Case.Command.Name, v.Case.Symbol, v.Problem)).Take(30).ToList();
            var lines = new List<string>();
            foreach (var group in groups)
            {
                // Once more, alone and with --verbose: the exception's stack trace says where it came from.
                var first = group.First();
                var again = first.Case.Command.StartsConsortium ? first.Run : await fuzzer.RunAsync(first.Case with { Args = [.. first.Case.Args, "--verbose"] });
                lines.Add($"- {group.Count()} × {group.Key.Problem}: e.g. {CliFuzzer.Describe(first.Case, first.Run)}"
                    + (again.ExitCode == 3 ? $"\n    with --verbose: {again.Error[..Math.Min(1_500, again.Error.Length)]}" : ""));
            }
            Assert.Fail($"{violations.Count} of {cases.Count} CLI runs did not end as documented:\n{string.Join('\n', lines)}\n{report}");
        }
        Assert.All(CliFuzzer.Commands(), c => Assert.Contains(results, r => r.Case.Command.Name == c.Name));
        // The runs reached the consortium (a lost description would make every run a quick LEDGER-1654), and left it running.
        Assert.True(results.Count(r => CliFuzzer.CodeOf(r.Run) == "LEDGER-1654") * 10 < cases.Count, report);
        Assert.All(consortium.Consortium.Nodes, n => Assert.True(n.IsRunning, $"{n} was stopped by a CLI run"));
    }
}
