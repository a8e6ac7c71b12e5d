using System.Diagnostics;
using System.Globalization;
using Ledger.Chain.Deployment;
using Ledger.Chain.Profiles;
using Ledger.Chain.Rpc;
using Ledger.Chain.Transactions;
using Ledger.Core.Crypto;
using Ledger.Local;
using Ledger.Node.Tests.Support;
using Ledger.Sdk.Keys;

namespace Ledger.Node.Tests;

/// <summary>
/// The published hardhat/anvil development keys are for local chains only: a node whose operator key is one of them
/// does not start on a chain whose id is not a local development chain's.
/// </summary>
public sealed class DevelopmentKeyTests : IAsyncLifetime
{
    private const ulong ConsortiumChainId = 2026;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ledger-devkey-" + Guid.NewGuid().ToString("N")[..8]);
    private Process? _anvil;
    private string _rpcUrl = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        var port = NodeProcess.FreePort();
        var root = RepositoryRoot.Find();
        var os = OperatingSystem.IsMacOS() ? "darwin" : "linux";
        var arch = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "amd64";
        var info = new ProcessStartInfo(Path.Combine(root, "node_modules", "@foundry-rs", $"anvil-{os}-{arch}", "bin", "anvil"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--chain-id", ConsortiumChainId.ToString(CultureInfo.InvariantCulture), "--silent" })
        {
            info.ArgumentList.Add(arg);
        }
        _anvil = Process.Start(info) ?? throw new InvalidOperationException("anvil did not start.");
        _anvil.OutputDataReceived += (_, _) => { };
        _anvil.ErrorDataReceived += (_, _) => { };
        _anvil.BeginOutputReadLine();
        _anvil.BeginErrorReadLine();
        _rpcUrl = $"http://127.0.0.1:{port}";
        var rpc = new ChainRpc(_rpcUrl);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await rpc.CallAsync(w => w.Eth.ChainId.SendRequestAsync());
                break;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    [Fact]
    public async Task Start_WithAPublishedDevelopmentKeyOnAChainThatIsNotLocal_ExitsWithCode2AndSaysSo()
    {
        // A consortium chain (id 2026) with the contracts deployed, and a node whose key store holds hardhat's account 0.
        using (var sender = new TransactionSender(new ChainRpc(_rpcUrl), DevAccounts.PrivateKey(1), new InMemoryTransactionJournal(),
            new SenderOptions { FinalityDepth = 0, PollInterval = TimeSpan.FromMilliseconds(50) }, chainId: ConsortiumChainId))
        {
            var deployment = await LedgerDeployer.DeployAsync(sender, [DevAccounts.Address(1)], 1, "consortium");
            deployment.Save(Path.Combine(_dir, "deployment.json"));
        }
        var keyStore = Path.Combine(_dir, "bank.keystore.json");
        NodeKeyStore.Write(keyStore, NodeCluster.Password, new NodeKeys(DevAccounts.PrivateKey(0), EnvelopeKeyPair.Generate()), KeyStoreKdf.Light);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Ledger__Node__Org"] = "bank.ccb",
            ["Ledger__Node__Role"] = "bank",
            ["Ledger__Node__DataDir"] = Path.Combine(_dir, "data"),
            ["Ledger__Node__KeyStoreFile"] = keyStore,
            ["LEDGER_KEYSTORE_PASSWORD"] = NodeCluster.Password,
            ["Ledger__Node__Chain__RpcUrl"] = _rpcUrl,
            ["Ledger__Node__Chain__DeploymentFile"] = Path.Combine(_dir, "deployment.json"),
            ["Ledger__Node__Chain__PollInterval"] = "00:00:00.050",
        };
        await using var node = new NodeProcess("dev-key", environment);

        node.Start();
        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 2, $"exit code {exitCode}; output:\n{node.Output}");
        Assert.Contains("published development key", node.Output, StringComparison.Ordinal);
        Assert.Contains("chain 2026 is not a local development chain", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(DevAccounts.PrivateKey(0)), node.Output, StringComparison.OrdinalIgnoreCase);
        using var own = NodeKeys.Generate();
        Assert.False(PublishedDevelopmentAccounts.IsPublished(own.Operator));
        Assert.True(PublishedDevelopmentAccounts.IsPublished(DevAccounts.Address(0)));
    }

    public Task DisposeAsync()
    {
        if (_anvil is { HasExited: false })
        {
            _anvil.Kill(entireProcessTree: true);
        }
        _anvil?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }
}
