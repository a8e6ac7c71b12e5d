using System.Globalization;
using Spectre.Console;

namespace Ledger.Cli.Demo;

/// <summary>One check of the demo: what was checked, whether it held, and the evidence (figures, ids).</summary>
/// <param name="Step">The step it belongs to (1–8).</param>
/// <param name="Name">What was checked, as a sentence.</param>
/// <param name="Passed">Whether it held.</param>
/// <param name="Detail">The evidence, or why it failed.</param>
public sealed record DemoCheck(int Step, string Name, bool Passed, string Detail);

/// <summary>
/// What the demo tells the person watching it: step headings, narration lines, tables and checks. Every check is
/// also kept, so the demo's outcome is exactly the list of checks and whether all of them held.
/// </summary>
public interface IDemoNarrator
{
    /// <summary>A step begins.</summary>
    void BeginStep(int number, string title);

    /// <summary>A line of narration under the current step.</summary>
    void Say(string text);

    /// <summary>A table (header row first) under the current step.</summary>
    void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows);

    /// <summary>A check held or failed.</summary>
    void Check(DemoCheck check);

    /// <summary>
    /// Runs countable work (<paramref name="total"/> items; the work calls the action it is given once per item done),
    /// with a progress bar when a person watches a terminal.
    /// </summary>
    Task<T> WithProgressAsync<T>(string what, int total, Func<Action, Task<T>> work);
}

/// <summary>Narrates to a Spectre console: bold step headings, grey lines, rounded tables, ✓/✗ checks.</summary>
internal sealed class ConsoleNarrator(IAnsiConsole console, bool interactive) : IDemoNarrator
{
    public async Task<T> WithProgressAsync<T>(string what, int total, Func<Action, Task<T>> work)
    {
        if (!interactive)
        {
            return await work(() => { }).ConfigureAwait(false);
        }
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("   " + Markup.Escape(what), maxValue: Math.Max(total, 1));
                result = await work(() => task.Increment(1)).ConfigureAwait(false);
                task.StopTask();
            }).ConfigureAwait(false);
        return result;
    }

    public void BeginStep(int number, string title)
    {
        console.WriteLine();
        console.MarkupLine($"[bold]{number.ToString(CultureInfo.InvariantCulture)}. {Markup.Escape(title)}[/]");
    }

    public void Say(string text) => console.MarkupLine($"   {Markup.Escape(text)}");

    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = CliContext.NewTable([.. header.Select(Markup.Escape)]);
        foreach (var row in rows)
        {
            table.AddRow([.. row.Select(Markup.Escape)]);
        }
        console.Write(new Padder(table).Padding(3, 0, 0, 0));
    }

    public void Check(DemoCheck check) => console.MarkupLine(check.Passed
        ? $"   [green]✓[/] {Markup.Escape(check.Name)} [grey]({Markup.Escape(check.Detail)})[/]"
        : $"   [red]✗ {Markup.Escape(check.Name)}[/]: {Markup.Escape(check.Detail)}");
}

/// <summary>Tells nothing (for <c>--json</c>, where only the final document is printed).</summary>
internal sealed class SilentNarrator : IDemoNarrator
{
    public Task<T> WithProgressAsync<T>(string what, int total, Func<Action, Task<T>> work) => work(() => { });

    public void BeginStep(int number, string title)
    {
    }

    public void Say(string text)
    {
    }

    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
    }

    public void Check(DemoCheck check)
    {
    }
}

/// <summary>Amounts as people read them.</summary>
internal static class Yuan
{
    /// <summary>Fen as "¥1,234,567.89".</summary>
    public static string Of(UInt128 fen) =>
        string.Create(CultureInfo.InvariantCulture, $"¥{(decimal)(ulong)(fen / 100):N0}.{(ulong)(fen % 100):00}");

    /// <summary>Basis points as "3.65 %".</summary>
    public static string Percent(uint bps) => string.Create(CultureInfo.InvariantCulture, $"{bps / 100m:0.00} %");
}
