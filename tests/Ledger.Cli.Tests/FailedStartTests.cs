using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Ledger.Cli.Tests.Support;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Local;

namespace Ledger.Cli.Tests;

/// <summary>A start that fails midway stops what it had started: the chain and the nodes already running.</summary>
public sealed partial class FailedStartTests
{
    [Fact]
    public async Task StartAsync_NodeWithABadConfiguration_FailsWithItsSentenceAndStopsEverythingStarted()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ledger-cli-failed", Guid.NewGuid().ToString("N")[..12]);
        var progress = new ConcurrentQueue<string>();
        var options = new LocalConsortiumOptions
        {
            WorkDir = dir,
            Nodes =
            [
                new LocalNodeSpec(Role.TaxBureau, "tax.a", "税务局"),
                // The node refuses this setting at start (exit code 2, one sentence on stderr).
                new LocalNodeSpec(Role.Bank, "bank.b", "银行") { Environment = new Dictionary<string, string> { ["Ledger__Node__Batcher__MaxBatch"] = "0" } },
            ],
            KeyStorePassword = "failed-start",
            Progress = new Collect(progress),
        };
        try
        {
            var error = await Assert.ThrowsAsync<LedgerException>(() => LocalConsortium.StartAsync(options));

            Assert.Equal(LocalErrors.NodeStartFailedCode, error.Code);
            Assert.Contains("The node bank.b exited with code 2 before it was ready", error.Message);
            Assert.Contains("LEDGER-1500", error.Message);
            Assert.Contains("MaxBatch", error.Message);
            var started = progress.SelectMany(line => ProcessOf().Matches(line).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))).ToList();
            Assert.Equal(3, started.Count); // the chain and both nodes
            Assert.DoesNotContain(started, ConsortiumFixture.IsRunning);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_WorkFolderInUseByAnotherConsortium_IsRefused()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ledger-cli-locked", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, ".ledger-local"), "hardhat\n");
        try
        {
            using (new FileStream(Path.Combine(dir, ".ledger-local.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                var error = await Assert.ThrowsAsync<LedgerException>(() => LocalConsortium.StartAsync(new LocalConsortiumOptions { WorkDir = dir }));

                Assert.Equal(LocalErrors.WorkDirCode, error.Code);
                Assert.Contains("in use by another running local consortium", error.Message);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [GeneratedRegex("\\(process ([0-9]+)\\)")]
    private static partial Regex ProcessOf();

    private sealed class Collect(ConcurrentQueue<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Enqueue(value);
    }
}
