using System.Text;
using Ledger.Chain.Abi;
using Ledger.Chain.Profiles;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.TaxData;
using Ledger.Local;

namespace Ledger.Cli.Tests;

/// <summary>A persistent anvil consortium: a second start on the same work folder finds its members, keys and data.</summary>
public sealed class AnvilRestartTests
{
    [Fact]
    public async Task StartAsync_AnvilAgainOnTheSameWorkFolder_ReusesMembersKeysPortsAndData()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ledger-cli-anvil", Guid.NewGuid().ToString("N")[..12]);
        var options = new LocalConsortiumOptions
        {
            Chain = ChainKind.Anvil,
            WorkDir = dir,
            Nodes = [new LocalNodeSpec(Role.TaxBureau, "tax.anvil", "税务局")],
            KeyStorePassword = "anvil-restart",
        };
        var taxpayer = SyntheticTaxpayers.Generate(1, 4242, DateOnly.FromDateTime(DateTime.UtcNow))[0];
        try
        {
            string operatorAccount, url, consortiumAddress;
            await using (var first = await LocalConsortium.StartAsync(options))
            {
                var tax = first["tax.anvil"];
                operatorAccount = tax.Operator.ToString();
                url = tax.Url;
                consortiumAddress = first.Deployment[LedgerContracts.Consortium].ToString();
                using var connection = await first.ConnectAsync("tax.anvil");
                var imported = await connection.Tax.ImportTaxDataAsync("jsonl", Encoding.UTF8.GetBytes(TaxpayerImport.ToJsonLine(taxpayer)));
                Assert.Equal(1, imported.Imported);
            }

            await using (var second = await LocalConsortium.StartAsync(options))
            {
                var tax = second["tax.anvil"];
                Assert.Equal(operatorAccount, tax.Operator.ToString());
                Assert.Equal(url, tax.Url);
                Assert.Equal(consortiumAddress, second.Deployment[LedgerContracts.Consortium].ToString());
                var (members, _) = await new MemberDirectory(second.Chain.Rpc, second.Deployment).ListAsync();
                Assert.Equal("tax.anvil", Assert.Single(members).Org.Code);
                using var connection = await second.ConnectAsync("tax.anvil");
                var enterprises = await connection.Tax.ListEnterprisesAsync();
                Assert.Equal(taxpayer.CreditCode, Assert.Single(enterprises).CreditCode);
            }

            // The first run's key store cannot be opened without its password.
            var error = await Assert.ThrowsAsync<LedgerException>(() => LocalConsortium.StartAsync(options with { KeyStorePassword = null }));
            Assert.Equal(LocalErrors.OptionsCode, error.Code);
            Assert.Contains("set LEDGER_KEYSTORE_PASSWORD to the password it was made with", error.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
