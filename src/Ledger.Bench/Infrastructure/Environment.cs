using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ledger.Bench.Report;

namespace Ledger.Bench.Infrastructure;

/// <summary>The machine and the tool versions the report names.</summary>
internal static partial class BenchEnvironment
{
    public static MachineInfo Machine()
    {
        var info = new MachineInfo
        {
            Cores = Environment.ProcessorCount,
            Os = RuntimeInformation.OSDescription,
            LoadAverageAtStart = ProcessStats.LoadAverage(),
        };
        try
        {
            var cpuinfo = File.ReadAllLines("/proc/cpuinfo");
            info.Cpu = cpuinfo.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
            var flags = cpuinfo.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
            info.Virtualization = flags.Contains(" hypervisor", StringComparison.Ordinal) ? "virtual machine (hypervisor flag set)" : "bare metal or undetected";
            var mem = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            info.RamGiB = Math.Round(long.Parse(mem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1048576.0, 1);
            var release = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (release is not null)
            {
                info.Os = release["PRETTY_NAME=".Length..].Trim('"');
            }
            info.Kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            // Not Linux, or a restricted /proc: the report says what it could find.
        }
        if (info.Cpu.Length == 0)
        {
            info.Cpu = RuntimeInformation.ProcessArchitecture.ToString();
        }
        return info;
    }

    public static Dictionary<string, string> Versions(string repoRoot)
    {
        var versions = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [".NET runtime"] = RuntimeInformation.FrameworkDescription,
            [".NET SDK"] = Run("dotnet", "--version", repoRoot),
            ["Node.js"] = Run("node", "--version", repoRoot),
        };
        try
        {
            using var hardhat = JsonDocument.Parse(File.ReadAllText(Path.Combine(repoRoot, "node_modules", "hardhat", "package.json")));
            versions["Hardhat"] = hardhat.RootElement.GetProperty("version").GetString() ?? "";
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException)
        {
            versions["Hardhat"] = "unknown";
        }
        try
        {
            var config = File.ReadAllText(Path.Combine(repoRoot, "hardhat.config.js"));
            versions["solc"] = SolcVersion().Match(config) is { Success: true } m ? m.Groups[1].Value : "unknown";
            if (RunsPattern().Match(config) is { Success: true } runs)
            {
                versions["solc optimizer runs"] = runs.Groups[1].Value.Replace("_", "", StringComparison.Ordinal);
            }
            if (EvmPattern().Match(config) is { Success: true } evm)
            {
                versions["EVM"] = evm.Groups[1].Value;
            }
        }
        catch (IOException)
        {
            versions["solc"] = "unknown";
        }
        return versions;
    }

    public static string Run(string program, string arguments, string workingDirectory)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = workingDirectory,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return "unknown";
            }
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(10_000);
            return output.Length == 0 ? "unknown" : output;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown";
        }
    }

    [GeneratedRegex("""SOLC_VERSION\s*=\s*["']([0-9.]+)["']""")]
    private static partial Regex SolcVersion();

    [GeneratedRegex("""runs:\s*([0-9_]+)""")]
    private static partial Regex RunsPattern();

    [GeneratedRegex("""evmVersion:\s*["']([a-z]+)["']""")]
    private static partial Regex EvmPattern();
}
