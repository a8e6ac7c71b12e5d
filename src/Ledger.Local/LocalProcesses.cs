using System.Diagnostics;
using System.Globalization;

namespace Ledger.Local;

/// <summary>What a described process is expected to be, so a recycled process id is never signalled by mistake.</summary>
public enum LocalProcessKind
{
    /// <summary>The <c>ledger up</c> process (dotnet running ledger.dll, or the ledger app host).</summary>
    Orchestrator,
    /// <summary>A <c>ledger-node</c> process (dotnet running ledger-node.dll).</summary>
    Node,
    /// <summary>A local chain node (anvil, or hardhat under node).</summary>
    Chain,
}

/// <summary>
/// The processes a consortium description names, from outside the process that started them (<c>ledger down</c>,
/// <c>ledger node restart</c>): is one alive, is it really what the description says (its command line names the
/// program), and stopping it politely.
/// </summary>
public static class LocalProcesses
{
    /// <summary>True while process <paramref name="pid"/> exists and has not exited.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>
    /// True when <paramref name="pid"/> is alive and is a <paramref name="kind"/> process: on Linux its command line
    /// (<c>/proc/PID/cmdline</c>) names ledger-node, anvil or hardhat, or ledger, and — when <paramref name="evidence"/>
    /// is given — its command line or environment holds that text too (a node's data folder, which reaches it as
    /// <c>Ledger__Node__DataDir</c>; a chain's state file or port), so another consortium's process that happens to
    /// have a recycled id is never taken for this one's. Where there is no <c>/proc</c>, being alive is all there is.
    /// </summary>
    public static bool IsAliveAs(int pid, LocalProcessKind kind, string? evidence = null)
    {
        if (!IsAlive(pid))
        {
            return false;
        }
        var commandLine = ProcFile(pid, "cmdline");
        if (commandLine is null)
        {
            return true;
        }
        var program = kind switch
        {
            LocalProcessKind.Node => commandLine.Contains("ledger-node", StringComparison.OrdinalIgnoreCase),
            LocalProcessKind.Chain => commandLine.Contains("anvil", StringComparison.OrdinalIgnoreCase) || commandLine.Contains("hardhat", StringComparison.OrdinalIgnoreCase),
            _ => commandLine.Contains("ledger", StringComparison.OrdinalIgnoreCase),
        };
        return program && (string.IsNullOrEmpty(evidence)
            || commandLine.Contains(evidence, StringComparison.Ordinal)
            || (ProcFile(pid, "environ")?.Contains(evidence, StringComparison.Ordinal) ?? false));
    }

    /// <summary>
    /// Stops <paramref name="pid"/>: SIGTERM (a node drains and closes its store; anvil writes its state; <c>ledger up</c>
    /// stops what it started), then SIGKILL after <paramref name="grace"/>. True when it is gone.
    /// </summary>
    public static async Task<bool> StopAsync(int pid, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        Process process;
        try
        {
            process = Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return true;
        }
        using (process)
        {
            try
            {
                if (process.HasExited)
                {
                    return true;
                }
                if (OperatingSystem.IsWindows())
                {
                    process.Kill(entireProcessTree: true);
                }
                else
                {
                    LocalNode.Signals.Terminate(pid);
                }
                if (await ExitedWithinAsync(pid, grace, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }
                process.Kill(entireProcessTree: true);
                return await ExitedWithinAsync(pid, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                return true; // exited meanwhile
            }
        }
    }

    /// <summary>Waits (polling; the process need not be a child) until <paramref name="pid"/> is gone, for at most <paramref name="timeout"/>.</summary>
    public static async Task<bool> ExitedWithinAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (watch.Elapsed >= timeout)
            {
                return false;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    private static string? ProcFile(int pid, string name)
    {
        var file = string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/{name}");
        try
        {
            return File.Exists(file) ? File.ReadAllText(file).Replace('\0', ' ') : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
