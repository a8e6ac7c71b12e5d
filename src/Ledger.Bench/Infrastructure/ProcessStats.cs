using System.Globalization;

namespace Ledger.Bench.Infrastructure;

/// <summary>
/// What Linux says about a process and its children (/proc): CPU time, resident set and its peak. Every figure of the
/// report's CPU split and memory comes from here, so it counts exactly the processes the run started.
/// </summary>
internal static class ProcessStats
{
    private static readonly double TicksPerSecond = ClockTicks();

    /// <summary>User + system CPU seconds of <paramref name="pid"/> and all its living descendants.</summary>
    public static double CpuSeconds(int pid)
    {
        var total = 0.0;
        foreach (var p in WithDescendants(pid))
        {
            total += OwnCpuSeconds(p);
        }
        return total;
    }

    /// <summary>Resident set of <paramref name="pid"/> and its descendants, in bytes (0 when gone).</summary>
    public static long ResidentBytes(int pid) => WithDescendants(pid).Sum(p => StatusKb(p, "VmRSS:") * 1024);

    /// <summary>The kernel's peak resident set (VmHWM) of <paramref name="pid"/> and its descendants, in bytes.</summary>
    public static long PeakResidentBytes(int pid) => WithDescendants(pid).Sum(p => StatusKb(p, "VmHWM:") * 1024);

    /// <summary>Resets the kernel's peak resident set of the process tree to its current resident set (clear_refs 5).</summary>
    public static void ResetPeak(int pid)
    {
        foreach (var p in WithDescendants(pid))
        {
            try
            {
                File.WriteAllText($"/proc/{p}/clear_refs", "5");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // An older kernel or a process that just ended: the sampled peak still stands.
            }
        }
    }

    /// <summary>Busy and total CPU jiffies of the whole machine (/proc/stat), for "what else ran meanwhile".</summary>
    public static (double BusySeconds, double TotalSeconds) MachineCpu()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal
            var idle = f[3] + (f.Length > 4 ? f[4] : 0);
            var total = f.Take(Math.Min(f.Length, 8)).Sum();
            return ((total - idle) / TicksPerSecond, total / TicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or FormatException)
        {
            return (double.NaN, double.NaN);
        }
    }

    /// <summary>The 1-minute load average.</summary>
    public static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            return double.NaN;
        }
    }

    public static IReadOnlyList<int> WithDescendants(int pid)
    {
        var result = new List<int>();
        if (!Directory.Exists($"/proc/{pid}"))
        {
            return result;
        }
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                continue;
            }
            var parent = ParentOf(p);
            if (parent > 0)
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }
                list.Add(p);
            }
        }
        var queue = new Queue<int>([pid]);
        while (queue.Count > 0)
        {
            var p = queue.Dequeue();
            result.Add(p);
            if (children.TryGetValue(p, out var list))
            {
                foreach (var c in list)
                {
                    queue.Enqueue(c);
                }
            }
        }
        return result;
    }

    private static string[]? StatFields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // comm may contain spaces: the fields after it start after the last ')'.
            var close = text.LastIndexOf(')');
            return text[(close + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int ParentOf(int pid) =>
        StatFields(pid) is { Length: > 1 } f && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : 0;

    private static double OwnCpuSeconds(int pid)
    {
        // After the ')': state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14) — the last two are children that
        // ended and were reaped (a node stopped mid-run still counts).
        var f = StatFields(pid);
        if (f is null || f.Length < 15)
        {
            return 0;
        }
        return f.Skip(11).Take(4).Sum(x => double.Parse(x, CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    private static long StatusKb(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // The process ended.
        }
        return 0;
    }

    private static double ClockTicks()
    {
        // USER_HZ is 100 on every Linux architecture .NET runs on.
        return 100.0;
    }
}
