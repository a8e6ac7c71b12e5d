using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grpc.Core;
using Ledger.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace Ledger.Fuzz.Tests;

/// <summary>
/// At least 10,000 generated hostile requests against each node service of the <c>ledger.v1</c> protos, on a real
/// consortium of real ledger-node processes (loopback, a fixed seed, bounded concurrency): hostile field values,
/// mutated and random bytes, protobuf the message does not expect, oversized bodies, and unsigned, malformed,
/// stale, replayed, wrongly signed or wrong-caller requests. Every answer must be a success or a status carrying a
/// code of docs/errors.md — never LEDGER-1530 ("failed unexpectedly"), never a status without a code, never UNKNOWN,
/// never a hang (docs/testing.md).
/// </summary>
[Collection(FuzzConsortiumDefinition.Name)]
public sealed class NodeServiceFuzzTests(FuzzConsortium consortium, ITestOutputHelper output)
{
    /// <summary>The seed (LEDGER_FUZZ_SEED overrides it to explore; the suite always prints the one it used).</summary>
    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("LEDGER_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : 20_260_115;

    /// <summary>Requests per service (LEDGER_FUZZ_COUNT changes it to explore; the test fails below 10,000).</summary>
    public static int Count => int.TryParse(Environment.GetEnvironmentVariable("LEDGER_FUZZ_COUNT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count > 0 ? count : 10_000;

    /// <summary>Requests in flight at once (the machine has two cores; the nodes share them).</summary>
    public const int Concurrency = 8;

    public static TheoryData<string> Services()
    {
        var data = new TheoryData<string>();
        foreach (var service in NodeFuzzer.Services)
        {
            data.Add(service.FullName);
        }
        return data;
    }

    [Fact]
    public void EveryProtoServiceIsFuzzed()
    {
        var services = NodeFuzzer.Services.Select(s => s.FullName).ToList();

        Assert.Equal(12, services.Count);
        Assert.All(services, s => Assert.True(NodeFuzzer.ServedBy.ContainsKey(s), $"{s} has no nodes in NodeFuzzer.ServedBy"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task HostileRequests_GetOnlyDocumentedAnswers(string serviceName)
    {
        var service = NodeFuzzer.Services.Single(s => s.FullName == serviceName);
        var fuzzer = new NodeFuzzer(consortium);
        var cpuBefore = consortium.Cpu();
        var clock = Stopwatch.StartNew();

        var exchanges = await fuzzer.RunAsync(service, Seed, Count, Concurrency);

        clock.Stop();
        var cpuAfter = consortium.Cpu();
        var cpu = "  cpu:     " + string.Join(", ", cpuAfter.Select(c => (c.Key, Used: c.Value - cpuBefore.GetValueOrDefault(c.Key))).Where(c => c.Used > TimeSpan.FromMilliseconds(100))
            .OrderByDescending(c => c.Used).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Used.TotalSeconds:0.0} s")));
        var report = Report(service.FullName, exchanges, clock.Elapsed) + cpu;
        output.WriteLine(report);
        var violations = exchanges.Select(e => (Exchange: e, Problem: e.Violation())).Where(v => v.Problem is not null).ToList();
        if (violations.Count > 0)
        {
            var examples = violations
                .GroupBy(v => (v.Problem, v.Exchange.Answer.Code, v.Exchange.Method.FullName))
                .OrderByDescending(g => g.Key.Code == ErrorCatalogue.NodeInternal)
                .Select(g => $"- {g.Count()} × {g.Key.Problem}; e.g. {g.First().Exchange}")
                .Take(20);
            var nodes = violations.Where(v => v.Exchange.Answer.Correlation is not null)
                .GroupBy(v => v.Exchange.Method.FullName)
                .Take(4)
                .Select(g => $"--- {g.First().Exchange.Node}, correlation {g.First().Exchange.Answer.Correlation} ---\n{consortium.LogAround(g.First().Exchange.Node, g.First().Exchange.Answer.Correlation!)}");
            Assert.Fail($"{violations.Count} of {exchanges.Count} answers of {service.FullName} are not documented answers:\n{string.Join('\n', examples)}\n{report}\n{string.Join('\n', nodes)}");
        }
        Assert.True(exchanges.Count >= 10_000, $"only {exchanges.Count} requests were sent to {service.FullName}");
        Assert.True(exchanges.Count(e => e.Layer == AnswerLayer.Service) * 3 >= exchanges.Count,
            $"fewer than a third of the requests reached {service.FullName}'s own logic:\n{report}");
        Assert.All(fuzzer.MethodsOf(service), m => Assert.Contains(exchanges, e => e.Method.FullName == m.FullName && e.Layer == AnswerLayer.Service));
    }

    private static string Report(string service, IReadOnlyList<Exchange> exchanges, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{service}: {exchanges.Count} requests (seed {Seed}, concurrency {Concurrency}) in {elapsed.TotalSeconds:0.0} s");
        text.AppendLine("  layer:   " + Tally(exchanges, e => e.Layer.ToString()));
        text.AppendLine("  auth:    " + Tally(exchanges, e => e.Auth.ToString()));
        text.AppendLine("  body:    " + Tally(exchanges, e => e.BodyKind.ToString()));
        text.AppendLine("  answers: " + Tally(exchanges, e => e.Answer.Status == StatusCode.OK ? "OK" : e.Answer.Code ?? e.Answer.Status.ToString()));
        foreach (var method in exchanges.GroupBy(e => e.Method.Method.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {method.Key}: {method.Count()} ({method.Count(e => e.Layer == AnswerLayer.Service)} reached the service, {method.Count(e => e.Answer.Status == StatusCode.OK)} OK; {method.Sum(e => e.Answer.Elapsed.TotalSeconds):0.0} s in calls)");
        }
        return text.ToString();
    }

    private static string Tally(IEnumerable<Exchange> exchanges, Func<Exchange, string> key) =>
        string.Join(", ", exchanges.GroupBy(key).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
}
