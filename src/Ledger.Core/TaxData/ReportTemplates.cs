using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Ledger.Core.Model;
using Ledger.Core.Scoring;

namespace Ledger.Core.TaxData;

/// <summary>
/// The UTF-8 canonical JSON of a tax report, built once per (taxpayer data, scopes, data period) instead of once per
/// request: a report differs between two requests of the same consent only in <c>generatedAtMs</c>, so the JSON is
/// kept as the bytes before and after that number, and each request splices its own time in. The bytes are those
/// <see cref="TaxReport.ToJson"/> gives, byte for byte (the unit tests compare them); when the JSON cannot be split
/// that way the report is built in full.
/// <para>
/// Keyed by the <see cref="Taxpayer"/> object (its reference, not its value): the tax node's data store hands out a new
/// object when a taxpayer's data changes, so a change is never served from an old template, and templates of
/// replaced objects are collected with them. At most <see cref="MaxPerTaxpayer"/> templates per taxpayer (scopes × periods asked for). Thread-safe.
/// </para>
/// </summary>
public sealed class ReportTemplates
{
    /// <summary>Most (scopes, period) templates kept per taxpayer; beyond it reports are built in full.</summary>
    public const int MaxPerTaxpayer = 64;

    // The bytes that precede the number: a key, so never inside a JSON string (a quote there is escaped).
    private static readonly byte[] Marker = Encoding.UTF8.GetBytes("\"generatedAtMs\":");

    // A time whose digits cannot be mistaken for the end of the number (the marker is found first).
    private static readonly DateTimeOffset Probe = DateTimeOffset.FromUnixTimeMilliseconds(1_234_567_890_123);

    private readonly ConditionalWeakTable<Taxpayer, ConcurrentDictionary<(Scopes, YearMonth, YearMonth), Template?>> _templates = new();

    /// <summary>The report's canonical JSON in UTF-8, as <c>Encoding.UTF8.GetBytes(report.ToJson())</c>.</summary>
    public byte[] Json(Taxpayer taxpayer, Scopes scopes, YearMonth from, YearMonth until, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(taxpayer);
        var perTaxpayer = _templates.GetValue(taxpayer, _ => new());
        var key = (scopes, from, until);
        if (!perTaxpayer.TryGetValue(key, out var template))
        {
            template = perTaxpayer.Count < MaxPerTaxpayer ? Build(taxpayer, scopes, from, until) : null;
            if (template is not null)
            {
                perTaxpayer.TryAdd(key, template);
            }
        }
        return template is null
            ? Encoding.UTF8.GetBytes(taxpayer.Report(scopes, from, until, generatedAt).ToJson())
            : template.With(generatedAt.ToUnixTimeMilliseconds());
    }

    private static Template? Build(Taxpayer taxpayer, Scopes scopes, YearMonth from, YearMonth until)
    {
        var json = Encoding.UTF8.GetBytes(taxpayer.Report(scopes, from, until, Probe).ToJson()).AsSpan();
        var at = json.IndexOf(Marker);
        if (at < 0 || json[(at + 1)..].IndexOf(Marker) >= 0)
        {
            return null;
        }
        var numberAt = at + Marker.Length;
        var digits = Encoding.ASCII.GetBytes(Probe.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        if (!json[numberAt..].StartsWith(digits) || json.Length <= numberAt + digits.Length || json[numberAt + digits.Length] is not ((byte)',' or (byte)'}'))
        {
            return null;
        }
        return new Template(json[..numberAt].ToArray(), json[(numberAt + digits.Length)..].ToArray());
    }

    private sealed class Template(byte[] before, byte[] after)
    {
        public byte[] With(long generatedAtMs)
        {
            Span<byte> number = stackalloc byte[20];
            if (!generatedAtMs.TryFormat(number, out var length, default, CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException("A 64-bit number did not fit in 20 bytes.");
            }
            var json = new byte[before.Length + length + after.Length];
            before.CopyTo(json, 0);
            number[..length].CopyTo(json.AsSpan(before.Length));
            after.CopyTo(json, before.Length + length);
            return json;
        }
    }
}
