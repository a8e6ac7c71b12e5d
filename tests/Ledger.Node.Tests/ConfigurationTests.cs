using System.Diagnostics;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests;

/// <summary>A node with a bad configuration stops at start with exit code 2 and one sentence saying what to fix.</summary>
[Collection(SharedCluster.Name)]
public sealed class ConfigurationTests(NodeCluster cluster)
{
    public static TheoryData<string, string> Mistakes => new()
    {
        { "no-org", "Ledger:Node:Org is not set" },
        { "unknown-role", "Role is one of tax, bank, guarantor, regulator, auditor" },
        { "wrong-password", "LEDGER-1611" },
        { "no-password", "LEDGER_KEYSTORE_PASSWORD is not set" },
        { "missing-deployment", "does not exist" },
        { "role-not-on-chain", "is a bank member on chain, but this node is configured as auditor" },
        { "key-of-another-org", "operates bank.ccb, not bank.icbc" },
        { "unreachable-chain", "LEDGER-1300" },
        { "tax-without-salt", "Ledger:Node:Tax:Salt" },
        { "store-in-use", "LEDGER-1400" },
        { "bad-listen", "Ledger:Node:Listen" },
        { "plaintext-without-flag", "LEDGER-1582: Ledger:Node:Listen 'http://127.0.0.1:" },
        { "plaintext-off-loopback", "LEDGER-1582: Ledger:Node:Tls:Mode=plaintext-development serves on loopback only" },
        { "no-certificate", "LEDGER-1580: The node has no usable TLS certificate" },
        { "unregistered-certificate", "LEDGER-1581: The node's TLS certificate" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Start_WithAConfigurationMistake_ExitsWithCode2AndOneSentence(string mistake, string expected)
    {
        var environment = cluster.NodeEnvironment(NodeCluster.BankOrg, "bank", strongMode: false);
        environment["Ledger__Node__DataDir"] = Path.Combine(cluster.Dir, "config-" + mistake);
        switch (mistake)
        {
            case "no-org": environment.Remove("Ledger__Node__Org"); break;
            case "unknown-role": environment["Ledger__Node__Role"] = "teller"; break;
            case "wrong-password": environment["LEDGER_KEYSTORE_PASSWORD"] = "not the password"; break;
            case "no-password": environment.Remove("LEDGER_KEYSTORE_PASSWORD"); break;
            case "missing-deployment": environment["Ledger__Node__Chain__DeploymentFile"] = Path.Combine(cluster.Dir, "nowhere.json"); break;
            case "role-not-on-chain": environment["Ledger__Node__Role"] = "auditor"; break;
            case "key-of-another-org": environment["Ledger__Node__Org"] = "bank.icbc"; break;
            case "unreachable-chain": environment["Ledger__Node__Chain__RpcUrl"] = "http://127.0.0.1:1"; break;
            case "tax-without-salt":
                environment["Ledger__Node__Role"] = "tax";
                environment.Remove("Ledger__Node__Tax__Salt");
                break;
            case "store-in-use": environment["Ledger__Node__DataDir"] = cluster.Bank.Environment["Ledger__Node__DataDir"]; break;
            case "no-certificate": environment["Ledger__Node__Tls__CertificateFile"] = Path.Combine(cluster.Dir, "nowhere.tls.p12"); break;
            case "unregistered-certificate":
                var unregistered = Path.Combine(cluster.Dir, "config-" + mistake, "other.tls.p12");
                Sdk.Keys.NodeTlsCertificates.Create(unregistered, NodeCluster.Password, "bank.ccb");
                environment["Ledger__Node__Tls__CertificateFile"] = unregistered;
                break;
        }
        await using var node = new NodeProcess(mistake, environment);
        switch (mistake)
        {
            case "bad-listen": node.Environment["Ledger__Node__Listen"] = "ftp://somewhere"; break;
            case "plaintext-without-flag": node.Environment["Ledger__Node__Listen"] = $"http://127.0.0.1:{node.Port}"; break;
            case "plaintext-off-loopback":
                node.Environment["Ledger__Node__Tls__Mode"] = "plaintext-development";
                node.Environment["Ledger__Node__Listen"] = $"http://0.0.0.0:{node.Port}";
                break;
        }

        node.Start();
        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 2, $"exit code {exitCode}; output:\n{node.Output}");
        Assert.Contains(expected, node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", node.Output, StringComparison.Ordinal); // a sentence, not a stack trace
        Assert.DoesNotContain(Convert.ToHexStringLower(cluster[NodeCluster.BankOrg].Keys.OperatorKey), node.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task KeysInit_CreatesAKeyStoreOnce_AndShowPrintsItsPublicParts()
    {
        var file = Path.Combine(cluster.Dir, "cli-keys", "keystore.json");
        var (created, createdOutput) = await RunNodeAsync("keys", "init", "--file", file, "--kdf", "light");
        var (again, againOutput) = await RunNodeAsync("keys", "init", "--file", file, "--kdf", "light");
        var (shown, shownOutput) = await RunNodeAsync("keys", "show", "--file", file);

        Assert.True(created == 0, createdOutput);
        Assert.Contains("operator       0x", createdOutput, StringComparison.Ordinal);
        // The TLS certificate is made with the key store, and its pin shown with the public parts.
        var pinLine = createdOutput.Split('\n').Single(l => l.StartsWith("tls-pin", StringComparison.Ordinal)).Trim();
        Assert.Contains(pinLine, shownOutput, StringComparison.Ordinal);
        Assert.Contains(Sdk.Keys.NodeTlsCertificates.PinOf(Sdk.Keys.NodeTlsCertificates.CurrentFile(file), NodeCluster.Password).ToString(), pinLine, StringComparison.Ordinal);
        Assert.Equal(2, again);
        Assert.Contains("LEDGER-1613", againOutput, StringComparison.Ordinal);
        Assert.Equal(0, shown);
        var operatorLine = createdOutput.Split('\n').Single(l => l.StartsWith("operator", StringComparison.Ordinal));
        Assert.Contains(operatorLine, shownOutput, StringComparison.Ordinal);
        var loaded = Sdk.Keys.NodeKeyStore.Load(file, NodeCluster.Password);
        Assert.Contains(loaded.Operator.ToString(), operatorLine, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunNodeAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(NodeProcess.NodeDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["LEDGER_KEYSTORE_PASSWORD"] = NodeCluster.Password;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
