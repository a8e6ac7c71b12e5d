using System.Text.RegularExpressions;
using Ledger.Audit;
using Ledger.Cli.Tests.Loan;
using Ledger.Cli.Tests.Support;
using Ledger.Core.Model;
using Ledger.Core.Records;
using Ledger.Core.TaxData;
using Ledger.Sdk;

namespace Ledger.Cli.Tests.Sdk;

/// <summary>
/// src/Ledger.Sdk/README.md cannot drift from working code: its C# blocks are the regions of
/// <see cref="SdkReadmeExamples"/> verbatim, and those run, one after another, against the shared local consortium.
/// </summary>
[Collection(SharedConsortium.Name)]
public sealed partial class SdkReadmeTests(ConsortiumFixture fixture)
{
    [Fact]
    public async Task ReadmeExamples_RunAgainstALocalConsortium_FromKeyStoreToVerifiedBundle()
    {
        var consortium = fixture.Consortium;
        var bankNode = consortium[LendingSetup.Bank];
        var info = await SdkReadmeExamples.ConnectAsync(bankNode.KeyStoreFile, fixture.Password, bankNode.Url, bankNode.TlsPin!.Value);
        Assert.Equal(LendingSetup.Bank, info.Organization.Code);
        Assert.Equal("bank", info.Role);

        using var taxAsTax = await consortium.ConnectAsync(LendingSetup.Tax);
        using var bank = await consortium.ConnectAsync(LendingSetup.Bank);
        using var taxAsBank = await consortium.ConnectAsync(LendingSetup.Tax, LendingSetup.Bank);
        using var auditor = await consortium.ConnectAsync(LendingSetup.Auditor);
        using var wallet = EnterpriseWallet.Generate();
        var taxpayer = LendingSetup.ApprovedTaxpayer();

        var enterprise = await SdkReadmeExamples.TaxBureauAsync(taxAsTax, TaxpayerImport.ToJsonLine(taxpayer) + "\n", taxpayer.CreditCode, wallet);
        var consentId = await SdkReadmeExamples.GrantConsentAsync(bank, wallet);
        var granted = await SeenAsync(bank, consentId, ConsentStatus.Active);
        Assert.Equal(ConsentStatus.Active, granted.Status);
        Assert.Equal(enterprise, granted.CreditCodeHash);
        Assert.Equal(5u, granted.FetchCap);

        var report = await SdkReadmeExamples.FetchDataAsync(taxAsBank, bank, consentId);
        Assert.Equal(taxpayer.CreditCode, report.CreditCode);
        Assert.NotNull(report.Ratings);
        Assert.Null(report.Invoices);

        var loan = await SdkReadmeExamples.LendAsync(bank, consentId, "SDK-README-" + Guid.NewGuid().ToString("N")[..12]);
        Assert.Equal(LoanStatus.Active, loan.Status);
        Assert.Equal(loan.AmountFen - (loan.AmountFen / 4), loan.OutstandingFen);
        Assert.Equal(enterprise, loan.Enterprise);

        var revocation = await SdkReadmeExamples.RevokeAsync(bank, wallet, consentId);
        await SeenAsync(bank, consentId, ConsentStatus.Revoked);
        // The tax node checks consents as of the latest block it has seen (polled every interval): wait until it has
        // seen the revocation's block, as a client that must not race the chain does.
        await LendingSetup.EventuallyAsync(async () => (await taxAsBank.Node.GetInfoAsync()).LatestBlock >= revocation.BlockNumber ? "" : null, "the tax node to see the revocation");
        var refusal = await SdkReadmeExamples.FetchRefusedAsync(taxAsBank, consentId);
        Assert.NotNull(refusal);
        Assert.Equal("LEDGER-1230", refusal.Code);
        Assert.NotNull(refusal.RefusalRecord);

        var (own, accesses) = await SdkReadmeExamples.EnterpriseViewAsync(consortium[LendingSetup.Tax].Url, consortium[LendingSetup.Tax].TlsPin!.Value, wallet);
        Assert.Equal(ConsentStatus.Revoked, Assert.Single(own, c => c.ConsentId == consentId).Status);
        Assert.Equal(enterprise, accesses.CreditCodeHash);
        Assert.Contains(accesses.Records, r => r.Record is AccessRecord a && a.ConsentId == consentId);
        Assert.Contains(accesses.Records, r => r.Record is RefusalRecord f && f.ConsentId == consentId && f.Reason == (byte)AccessStatus.Revoked);

        var alert = await SdkReadmeExamples.WatchAlertsAsync(bank, enterprise);
        Assert.NotNull(alert);
        Assert.Equal(consentId, alert.Consent);

        // The bank's node deleted what it held under the revoked consent and anchors the deletion receipt; once the
        // receipt is anchored, the auditor's bundle of the enterprise carries it beside the accesses and the refusal.
        using var bankAsAuditor = await consortium.ConnectAsync(LendingSetup.Bank, LendingSetup.Auditor);
        var receipt = await LendingSetup.EventuallyAsync(async () =>
            (await bankAsAuditor.Records.ListAsync(new RecordFilter { Consent = consentId }))
                .FirstOrDefault(r => r.Record is DeletionReceipt && r.Anchor.IsAnchored), "the bank's deletion receipt to be anchored");
        var bundle = Path.Combine(fixture.Dir, "sdk-readme", "audit-bundle.json");
        var verified = await SdkReadmeExamples.AuditAsync(auditor, enterprise, bundle, consortium.RpcUrl);
        Assert.True(verified.ExitCode == BundleVerificationResult.Verified, string.Join("\n", verified.Problems));
        Assert.True(File.Exists(bundle));
        var records = verified.Report!.Records;
        Assert.Contains(records, r => r.Record is DeletionReceipt d && d.ConsentId == consentId && r.DeclaredHash == receipt.Hash);
        Assert.Contains(records, r => r.Record is AccessRecord a && a.ConsentId == consentId);
        Assert.Contains(records, r => r.Record is RefusalRecord f && f.ConsentId == consentId);
    }

    /// <summary>The consent as <paramref name="node"/> reports it once the node's view of the chain shows it in <paramref name="status"/>.</summary>
    private static Task<ConsentDetails> SeenAsync(LedgerConnection node, ConsentId consentId, ConsentStatus status) =>
        LendingSetup.EventuallyAsync(async () =>
        {
            try
            {
                var consent = await node.Consents.GetAsync(consentId);
                return consent.Status == status ? consent : null;
            }
            catch (LedgerRemoteException unknown) when (unknown.Status == Grpc.Core.StatusCode.NotFound)
            {
                return null;
            }
        }, $"consent {consentId} to be {status} at {node.Info.Organization}");

    [Fact]
    public void ReadmeCodeBlocks_AreTheExampleRegionsVerbatim()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "src", "Ledger.Sdk", "README.md")).ReplaceLineEndings("\n");
        var examples = File.ReadAllText(Path.Combine(root, "tests", "Ledger.Cli.Tests", "Sdk", "SdkReadmeExamples.cs")).ReplaceLineEndings("\n");
        var regions = Regions(examples);

        var blocks = CodeBlock().Matches(readme).ToList();
        Assert.NotEmpty(blocks);
        var shown = new List<string>();
        foreach (var block in blocks)
        {
            var name = block.Groups["name"].Value;
            Assert.True(name.Length > 0, $"A ```csharp block of the README has no <!-- example: NAME --> line above it:\n{block.Groups["code"].Value}");
            Assert.True(regions.ContainsKey(name), $"The README shows example '{name}', which SdkReadmeExamples.cs has no region for.");
            Assert.Equal(regions[name], block.Groups["code"].Value.TrimEnd('\n'));
            shown.Add(name);
        }
        Assert.Equal(regions.Keys.Order(StringComparer.Ordinal), shown.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Regions_AreDedentedAndCutAtTheirMarkers()
    {
        const string source = "x\n    // region A\n    var a = 1;\n\n        nested();\n    // endregion\ny\n";

        var regions = Regions(source);

        Assert.Equal("var a = 1;\n\n    nested();", Assert.Single(regions).Value);
    }

    /// <summary>Each <c>// region NAME</c> … <c>// endregion</c>, without the markers and the indentation common to its lines.</summary>
    private static Dictionary<string, string> Regions(string source)
    {
        var regions = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var start = RegionStart().Match(lines[i]);
            if (!start.Success)
            {
                continue;
            }
            var body = new List<string>();
            var j = i + 1;
            for (; j < lines.Length && lines[j].Trim() != "// endregion"; j++)
            {
                body.Add(lines[j]);
            }
            Assert.True(j < lines.Length, $"Region {start.Groups[1].Value} has no // endregion.");
            var indent = body.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart(' ').Length).DefaultIfEmpty(0).Min();
            regions.Add(start.Groups[1].Value, string.Join('\n', body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart(' '))).TrimEnd('\n'));
            i = j;
        }
        return regions;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ledger.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (Ledger.sln) is not above the test binaries.");
    }

    [GeneratedRegex(@"^\s*// region (\S+)\s*$")]
    private static partial Regex RegionStart();

    // A fenced C# block, with the example marker on the line before it when there is one.
    [GeneratedRegex(@"(?:<!-- example: (?<name>\S+) -->\n)?```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
