using System.Globalization;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Observability;

/// <summary>One sample of a Prometheus text exposition: metric name, labels, value.</summary>
public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A scrape of a node's metrics endpoint over plain HTTP/1.1 (what Prometheus and curl send), parsed into samples.
/// </summary>
public sealed class Scrape
{
    private Scrape(string text, IReadOnlyList<Sample> samples)
    {
        Text = text;
        Samples = samples;
    }

    public string Text { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public static async Task<Scrape> TakeAsync(string baseUrl)
    {
        using var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version11, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri(baseUrl + "/metrics"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics answered {(int)response.StatusCode}: {text}");
        Assert.Equal(new Version(1, 1), response.Version);
        return Parse(text);
    }

    public static Scrape Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            string name;
            string rest;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                ParseLabels(line[(brace + 1)..close], labels);
                rest = line[(close + 1)..].Trim();
            }
            else
            {
                name = line[..space];
                rest = line[(space + 1)..].Trim();
            }
            var valueText = rest.Split(' ')[0];
            var value = valueText switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(valueText, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(name, labels, value));
        }
        return new Scrape(text, samples);
    }

    private static void ParseLabels(string text, Dictionary<string, string> labels)
    {
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            var key = text[i..eq].Trim().TrimStart(',').Trim();
            var j = eq + 2; // past ="
            var value = new System.Text.StringBuilder();
            while (text[j] != '"')
            {
                if (text[j] == '\\')
                {
                    j++;
                }
                value.Append(text[j]);
                j++;
            }
            labels[key] = value.ToString();
            i = j + 1;
            while (i < text.Length && text[i] is ',' or ' ')
            {
                i++;
            }
        }
    }

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include <paramref name="labels"/> (0 when none).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Matching(name, labels).Sum(s => s.Value);

    public IEnumerable<Sample> Matching(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value));

    /// <summary>The single sample's value; fails when the metric is missing.</summary>
    public double One(string name, params (string Key, string Value)[] labels)
    {
        var found = Matching(name, labels).ToList();
        Assert.True(found.Count == 1, $"expected one sample of {name} {string.Join(",", labels)}, found {found.Count}:\n{Text}");
        return found[0].Value;
    }
}

/// <summary>Only the tax node, with its metrics endpoint on a loopback port and spans printed on its stdout.</summary>
public sealed class ObservedCluster : NodeCluster
{
    public int MetricsPort { get; } = NodeProcess.FreePort();

    public string MetricsUrl => $"http://127.0.0.1:{MetricsPort}";

    protected override bool WithBankAndAuditor => false;

    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Ledger__Node__Metrics__Listen"] = MetricsUrl;
        environment["Ledger__Node__Tracing__Exporter"] = "console";
    }
}

/// <summary>
/// Only the tax node, anchoring only full batches of 5 (a partial batch would wait 10 minutes), with the anchoring
/// backlog degraded from 2 records and unhealthy from 3.
/// </summary>
public sealed class BacklogCluster : NodeCluster
{
    public const int MaxBatch = 5;

    public int MetricsPort { get; } = NodeProcess.FreePort();

    public string MetricsUrl => $"http://127.0.0.1:{MetricsPort}";

    protected override bool WithBankAndAuditor => false;

    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Ledger__Node__Batcher__MaxBatch"] = MaxBatch.ToString(CultureInfo.InvariantCulture);
        environment["Ledger__Node__Batcher__MaxWaitMs"] = "600000";
        environment["Ledger__Node__Health__AnchorBacklogDegraded"] = "2";
        environment["Ledger__Node__Health__AnchorBacklogUnhealthy"] = "3";
        environment["Ledger__Node__Metrics__Listen"] = MetricsUrl;
    }
}
