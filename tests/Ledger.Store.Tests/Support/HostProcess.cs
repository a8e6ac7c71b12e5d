using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Ledger.Store.Tests.Support;

/// <summary>The crash host running as a separate process; its stdout lines are collected as they come.</summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process) => _process = process;

    public static string HostAssembly => Path.Combine(AppContext.BaseDirectory, "Ledger.Store.CrashHost.dll");

    public int Id => _process.Id;

    public IReadOnlyCollection<string> Lines => _lines;

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public static HostProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(HostAssembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = info };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                host._stdoutClosed.TrySetResult();
            }
            else
            {
                host._lines.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (host._errors)
                {
                    host._errors.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until the host printed a line matching <paramref name="predicate"/> (or failed the test if it exited first).</summary>
    public async Task WaitForLineAsync(Func<string, bool> predicate, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (!_lines.Any(predicate))
        {
            if (_process.HasExited && _stdoutClosed.Task.IsCompleted && !_lines.Any(predicate))
            {
                Assert.Fail($"The crash host exited ({_process.ExitCode}) before {what}. stderr: {Errors}");
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}. stderr: {Errors}");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>SIGKILL: the process gets no chance to flush, dispose or checkpoint anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(120));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The crash host did not exit in time. stderr: {Errors}");
        }
        await _stdoutClosed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    /// <summary>The hashes of the records the host acknowledged (ACK &lt;sequence&gt; &lt;hash&gt;).</summary>
    public IReadOnlyList<(ulong Sequence, string Hash)> Acknowledged() =>
        _lines.Where(l => l.StartsWith("ACK ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(p => (ulong.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), p[2]))
            .ToList();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        _process.Dispose();
    }
}
