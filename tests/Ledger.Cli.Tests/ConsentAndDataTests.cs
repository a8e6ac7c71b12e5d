using System.Security.Cryptography;
using System.Text.Json;
using Ledger.Cli.Tests.Support;
using Ledger.Core.TaxData;

namespace Ledger.Cli.Tests;

/// <summary>
/// `tax …`, `consent …` and `data fetch` against the running nodes: the bureau imports a taxpayer and binds its wallet,
/// the enterprise grants a bank a consent (signed here with its key file, relayed by the bank's node), the bank fetches
/// and decrypts the report, the enterprise revokes, and the next fetch is refused.
/// </summary>
[Collection(SharedConsortium.Name)]
public sealed class ConsentAndDataTests(ConsortiumFixture fixture)
{
    private const string Bank = "bank.ccb.liuzhou";

    [Fact]
    public async Task ConsentGrant_ThenList_ShowsTheConsentActiveToTheBankItNames()
    {
        var enterprise = await BindNewEnterpriseAsync();

        var granted = await fixture.RunAsync("consent", "grant", "--enterprise-key", enterprise.KeyFile, "--org", Bank, "--scopes", "rating,payments", "--fetch-cap", "3", "--json");

        Assert.True(granted.ExitCode == 0, granted.ToString());
        var id = granted.Json().GetProperty("consentId").GetString()!;
        var terms = granted.Json().GetProperty("terms");
        Assert.Equal(enterprise.Account, terms.GetProperty("enterprise").GetString());
        Assert.Equal(Bank, terms.GetProperty("consumer").GetString());
        Assert.Equal("tax.liuzhou", terms.GetProperty("provider").GetString());
        Assert.Equal("rating,payments", terms.GetProperty("scopes").GetString());

        // The list reads the node's chain index, which follows the chain within a polling interval (docs/api.md).
        var consent = Assert.Single(await Loan.LendingSetup.EventuallyAsync(async () =>
        {
            var listed = await fixture.RunAsync("consent", "list", "--org", Bank, "--enterprise", enterprise.Account, "--json");
            Assert.True(listed.ExitCode == 0, listed.ToString());
            var consents = listed.Json().GetProperty("consents").EnumerateArray().ToList();
            return consents.Count > 0 ? consents : null;
        }, "the granted consent in the bank node's list"));
        Assert.Equal(id, consent.GetProperty("consentId").GetString());
        Assert.Equal("active", consent.GetProperty("status").GetString());
        Assert.Equal(3u, consent.GetProperty("fetchCap").GetUInt32());

        // Another bank sees only the consents naming it.
        var other = await fixture.RunAsync("consent", "list", "--org", "bank.icbc.liuzhou", "--enterprise", enterprise.Account, "--json");
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.Empty(other.Json().GetProperty("consents").EnumerateArray());

        var shown = await fixture.RunAsync("consent", "show", id, "--org", Bank);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains(id, shown.Out);
        Assert.Contains("active", shown.Out);
    }

    [Fact]
    public async Task ConsentSubmit_AWalletsSignatureOverTheTypedDataPrepareWrote_IsGrantedWithThoseTerms()
    {
        var enterprise = await BindNewEnterpriseAsync();
        var typedData = Path.Combine(fixture.Dir, $"consent-{Guid.NewGuid():N}.json");
        var prepared = await fixture.RunAsync("consent", "prepare", "--enterprise", enterprise.Account, "--org", Bank, "--fetch-cap", "2", "--out", typedData, "--json");
        Assert.True(prepared.ExitCode == 0, prepared.ToString());
        var id = prepared.Json().GetProperty("consentId").GetString()!;

        // The enterprise's own wallet signs the file (Nethereum's eth_signTypedData_v4, not Ledger's signer).
        var key = new Nethereum.Signer.EthECKey((await File.ReadAllTextAsync(enterprise.KeyFile)).Trim());
        var signature = new Nethereum.Signer.EIP712.Eip712TypedDataSigner().SignTypedDataV4(await File.ReadAllTextAsync(typedData), key);
        var submitted = await fixture.RunAsync("consent", "submit", "--typed-data", typedData, "--signature", signature, "--org", Bank, "--json");

        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.Equal(id, submitted.Json().GetProperty("consentId").GetString());
        var shown = await fixture.RunAsync("consent", "show", id, "--org", Bank, "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Equal("active", shown.Json().GetProperty("status").GetString());
        Assert.Equal(2u, shown.Json().GetProperty("fetchCap").GetUInt32());

        // Another key's signature over the same file is refused, and nothing is granted twice.
        var forged = new Nethereum.Signer.EIP712.Eip712TypedDataSigner().SignTypedDataV4(await File.ReadAllTextAsync(typedData), Nethereum.Signer.EthECKey.GenerateKey());
        var refused = await fixture.RunAsync("consent", "submit", "--typed-data", typedData, "--signature", forged, "--org", Bank);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("LEDGER-", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsentNarrow_ToRatingOnly_ShowsTheNarrowerScopesAndRefusesWidening()
    {
        var enterprise = await BindNewEnterpriseAsync();
        var granted = await fixture.RunAsync("consent", "grant", "--enterprise-key", enterprise.KeyFile, "--org", Bank, "--scopes", "rating,payments,judicial", "--json");
        Assert.True(granted.ExitCode == 0, granted.ToString());
        var id = granted.Json().GetProperty("consentId").GetString()!;

        var narrowed = await fixture.RunAsync("consent", "narrow", id, "--enterprise-key", enterprise.KeyFile, "--scopes", "rating", "--org", Bank);

        Assert.True(narrowed.ExitCode == 0, narrowed.ToString());
        Assert.Contains("narrowed to", narrowed.Out, StringComparison.Ordinal);
        var shown = await fixture.RunAsync("consent", "show", id, "--org", Bank, "--json");
        Assert.Equal("rating", shown.Json().GetProperty("scopes").GetString());
        var widened = await fixture.RunAsync("consent", "narrow", id, "--enterprise-key", enterprise.KeyFile, "--scopes", "rating,payments", "--org", Bank);
        Assert.True(widened.ExitCode == 2, widened.ToString()); // a consent never widens: bad input, said before anything is signed
        Assert.StartsWith("LEDGER-", widened.Error, StringComparison.Ordinal);
        Assert.Equal("rating", (await fixture.RunAsync("consent", "show", id, "--org", Bank, "--json")).Json().GetProperty("scopes").GetString());
        var nothing = await fixture.RunAsync("consent", "narrow", id, "--enterprise-key", enterprise.KeyFile, "--org", Bank);
        Assert.Equal(2, nothing.ExitCode);
    }

    [Fact]
    public async Task DataFetch_UnderAGrantedConsent_PrintsTheDecryptedReportOfThatEnterprise()
    {
        var enterprise = await BindNewEnterpriseAsync();
        var granted = await fixture.RunAsync("consent", "grant", "--enterprise-key", enterprise.KeyFile, "--org", Bank, "--scopes", "rating,invoices", "--json");
        Assert.True(granted.ExitCode == 0, granted.ToString());
        var id = granted.Json().GetProperty("consentId").GetString()!;

        var fetched = await fixture.RunAsync("data", "fetch", "--consent", id, "--org", Bank, "--json");

        Assert.True(fetched.ExitCode == 0, fetched.ToString());
        var report = fetched.Json().GetProperty("report");
        Assert.Equal(enterprise.Taxpayer.CreditCode.Value, report.GetProperty("creditCode").GetString());
        Assert.Equal(enterprise.Taxpayer.Name, report.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, report.GetProperty("ratings").ValueKind);
        Assert.Equal(JsonValueKind.Array, report.GetProperty("invoices").ValueKind);
        Assert.False(report.TryGetProperty("payments", out var payments) && payments.ValueKind != JsonValueKind.Null, "payments were not consented");
        Assert.StartsWith("0x", fetched.Json().GetProperty("accessRecord").GetProperty("recordHash").GetString());

        // The fetch is counted where it is counted (the provider's node, in batched mode), not shown as 0 of 1.
        var listed = await fixture.RunAsync("consent", "list", "--org", Bank, "--enterprise", enterprise.Account, "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var consent = listed.Json().GetProperty("consents").EnumerateArray().Single(c => c.GetProperty("consentId").GetString() == id);
        Assert.Equal(1, consent.GetProperty("fetchesInPeriod").GetInt32());
        Assert.Equal("provider", consent.GetProperty("fetchesCountedBy").GetString());
        var shown = await fixture.RunAsync("consent", "show", id, "--org", Bank);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("1/1 per validity", shown.Out, StringComparison.Ordinal);
        Assert.Contains("credit-assessment", shown.Out, StringComparison.Ordinal); // the purpose by name, not its number
    }

    [Fact]
    public async Task ConsentKeygen_InsideAGitWorkTree_RefusesAPathGitWouldCommit_AndWritesUnderAnIgnoredOne()
    {
        var repo = Path.Combine(fixture.Dir, $"repo-{Guid.NewGuid():N}");
        Directory.CreateDirectory(repo);
        var init = await CliRunner.RunShellAsync("git init -q && printf 'out/\\n' > .gitignore", repo, TimeSpan.FromSeconds(30));
        Assert.True(init.ExitCode == 0, init.ToString());

        var committed = await CliRunner.RunExecutableAsync(["consent", "keygen", "--out", "enterprise.key"], new Dictionary<string, string>(), repo);
        Assert.True(committed.ExitCode != 0, committed.ToString());
        Assert.StartsWith("LEDGER-1662: ", committed.Error, StringComparison.Ordinal);
        Assert.Contains("would be committed", committed.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(repo, "enterprise.key")));

        var ignored = await CliRunner.RunExecutableAsync(["consent", "keygen", "--out", "out/enterprise.key"], new Dictionary<string, string>(), repo);
        Assert.True(ignored.ExitCode == 0, ignored.ToString());
        Assert.True(File.Exists(Path.Combine(repo, "out", "enterprise.key")));
    }

    [Fact]
    public async Task DataFetch_ForPeople_IsASummaryOfTheConsentedScopesInYuan_NotTheRawReport()
    {
        var enterprise = await BindNewEnterpriseAsync();
        var granted = await fixture.RunAsync("consent", "grant", "--enterprise-key", enterprise.KeyFile, "--org", Bank, "--scopes", "rating,payments,invoices,judicial", "--json");
        Assert.True(granted.ExitCode == 0, granted.ToString());

        var fetched = await fixture.RunAsync("data", "fetch", "--consent", granted.Json().GetProperty("consentId").GetString()!, "--org", Bank);

        Assert.True(fetched.ExitCode == 0, fetched.ToString());
        Assert.Contains(enterprise.Taxpayer.Name, fetched.Out, StringComparison.Ordinal);
        Assert.Contains("tax-credit rating", fetched.Out, StringComparison.Ordinal);
        Assert.Contains("tax paid", fetched.Out, StringComparison.Ordinal);
        Assert.Contains("invoiced", fetched.Out, StringComparison.Ordinal);
        Assert.Contains("court enforcement cases", fetched.Out, StringComparison.Ordinal);
        Assert.Contains("¥", fetched.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("social insurance", fetched.Out, StringComparison.Ordinal); // not consented
        Assert.DoesNotContain("\"creditCode\"", fetched.Out, StringComparison.Ordinal); // no JSON dump for people
    }

    [Fact]
    public async Task ConsentRevoke_ThenDataFetch_IsRefusedWithItsReasonAndExitOne()
    {
        var enterprise = await BindNewEnterpriseAsync();
        var granted = await fixture.RunAsync("consent", "grant", "--enterprise-key", enterprise.KeyFile, "--org", Bank, "--json");
        Assert.True(granted.ExitCode == 0, granted.ToString());
        var id = granted.Json().GetProperty("consentId").GetString()!;

        var revoked = await fixture.RunAsync("consent", "revoke", id, "--enterprise-key", enterprise.KeyFile, "--org", Bank, "--json");
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        var shown = await fixture.RunAsync("consent", "show", id, "--org", Bank, "--json");
        Assert.Equal("revoked", shown.Json().GetProperty("status").GetString());

        var refused = await fixture.RunAsync("data", "fetch", "--consent", id, "--org", Bank, "--scopes", "rating");

        Assert.Equal(1, refused.ExitCode);
        Assert.Matches("^LEDGER-1[0-9]{3}: .*revoked", refused.Error);
        Assert.DoesNotContain("   at ", refused.Error);
        Assert.Equal("", refused.Out);
    }

    [Fact]
    public async Task DataFetch_AsksForItsPurpose_AConsentForPostLoanMonitoringServesOnlyThat()
    {
        var enterprise = await BindNewEnterpriseAsync();
        var granted = await fixture.RunAsync("consent", "grant", "--enterprise-key", enterprise.KeyFile, "--org", Bank, "--purpose", "post-loan", "--json");
        Assert.True(granted.ExitCode == 0, granted.ToString());
        var id = granted.Json().GetProperty("consentId").GetString()!;

        var refused = await fixture.RunAsync("data", "fetch", "--consent", id, "--org", Bank, "--scopes", "rating");
        var badWord = await fixture.RunAsync("data", "fetch", "--consent", id, "--org", Bank, "--purpose", "curiosity");
        var served = await fixture.RunAsync("data", "fetch", "--consent", id, "--org", Bank, "--scopes", "rating", "--purpose", "post-loan", "--json");

        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("LEDGER-1529: ", refused.Error, StringComparison.Ordinal);
        Assert.Contains("post-loan", refused.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, badWord.ExitCode);
        Assert.Contains("--purpose 'curiosity'", badWord.Error, StringComparison.Ordinal);
        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.Equal(id, served.Json().GetProperty("consentId").GetString());
    }

    [Fact]
    public async Task ConsentPrepare_ShowsTermsAndTypedDataWithoutGrantingAnything()
    {
        var enterprise = await BindNewEnterpriseAsync();
        var typedData = Path.Combine(fixture.Dir, $"typed-{Guid.NewGuid():N}.json");

        var prepared = await fixture.RunAsync("consent", "prepare", "--enterprise", enterprise.Account, "--org", Bank, "--out", typedData, "--json");

        Assert.True(prepared.ExitCode == 0, prepared.ToString());
        var id = prepared.Json().GetProperty("consentId").GetString()!;
        Assert.Equal("Consent", prepared.Json().GetProperty("typedData").GetProperty("primaryType").GetString());
        using (var written = JsonDocument.Parse(await File.ReadAllTextAsync(typedData)))
        {
            Assert.Equal("Consent", written.RootElement.GetProperty("primaryType").GetString());
        }
        var shown = await fixture.RunAsync("consent", "show", id, "--org", Bank);
        Assert.Equal(1, shown.ExitCode);
        Assert.StartsWith("LEDGER-1227: ", shown.Error);
    }

    [Fact]
    public async Task TaxGenerate_AsABank_IsRefusedByTheTaxNodeWithExitOne()
    {
        var tax = fixture.Consortium["tax.liuzhou"];

        var run = await fixture.RunAsync("tax", "generate", "--count", "1", "--org", Bank, "--node", tax.Url);

        Assert.Equal(1, run.ExitCode);
        Assert.Matches("^LEDGER-15[0-9]{2}: ", run.Error);
    }

    [Fact]
    public async Task TaxImport_RejectedRows_AreNamedAndExitOne()
    {
        var file = Path.Combine(fixture.Dir, $"bad-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(file, "{\"not\":\"a taxpayer\"}\n");

        var run = await fixture.RunAsync("tax", "import", file, "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(0, run.Json().GetProperty("imported").GetInt32());
        Assert.Single(run.Json().GetProperty("rejected").EnumerateArray());
    }

    [Fact]
    public async Task TaxBind_WithAnAccountOnly_PrintsTheBindingToSign_AndRelaysItOnceSignedElsewhere()
    {
        var taxpayer = await ImportNewTaxpayerAsync();
        var key = RandomNumberGenerator.GetBytes(32);
        var account = Ledger.Core.Crypto.Secp256k1Signer.AddressOf(key).ToString();

        var printed = await fixture.RunAsync("tax", "bind", "--credit-code", taxpayer.CreditCode.Value, "--account", account, "--json");
        Assert.True(printed.ExitCode == 0, printed.ToString());
        var message = printed.Json().GetProperty("typedData").GetProperty("message");
        Assert.Equal(account, message.GetProperty("enterprise").GetString(), ignoreCase: true);
        var digest = Ledger.Core.Primitives.Hash32.Parse(printed.Json().GetProperty("digest").GetString()!);
        // Nothing was sent: the account is not bound yet.
        var signature = Ledger.Core.Crypto.Secp256k1Signer.SignDigest(digest, key);

        var relayed = await fixture.RunAsync("tax", "bind", "--credit-code", taxpayer.CreditCode.Value, "--account", account,
            "--nonce", message.GetProperty("nonce").GetString()!, "--deadline", message.GetProperty("deadline").GetString()!,
            "--signature", "0x" + Convert.ToHexStringLower(signature), "--json");
        Assert.True(relayed.ExitCode == 0, relayed.ToString());
        Assert.Equal(account, relayed.Json().GetProperty("account").GetString(), ignoreCase: true);
    }

    [Fact]
    public async Task TaxBind_ASignatureOfAnotherKey_IsRefusedAsNotTheEnterprisesSignature()
    {
        var taxpayer = await ImportNewTaxpayerAsync();
        var account = Ledger.Core.Crypto.Secp256k1Signer.AddressOf(RandomNumberGenerator.GetBytes(32)).ToString();
        var printed = await fixture.RunAsync("tax", "bind", "--credit-code", taxpayer.CreditCode.Value, "--account", account, "--json");
        Assert.True(printed.ExitCode == 0, printed.ToString());
        var message = printed.Json().GetProperty("typedData").GetProperty("message");
        var digest = Ledger.Core.Primitives.Hash32.Parse(printed.Json().GetProperty("digest").GetString()!);
        var forged = Ledger.Core.Crypto.Secp256k1Signer.SignDigest(digest, RandomNumberGenerator.GetBytes(32));

        var relayed = await fixture.RunAsync("tax", "bind", "--credit-code", taxpayer.CreditCode.Value, "--account", account,
            "--nonce", message.GetProperty("nonce").GetString()!, "--deadline", message.GetProperty("deadline").GetString()!,
            "--signature", "0x" + Convert.ToHexStringLower(forged));
        Assert.Equal(2, relayed.ExitCode); // invalid argument: the signature is not the account's
        Assert.Contains("LEDGER-1237", relayed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaxRotateKey_WithTheNewKeyFile_RetiresTheOldAccountAndItsConsents()
    {
        var enterprise = await BindNewEnterpriseAsync();
        var granted = await fixture.RunAsync("consent", "grant", "--enterprise-key", enterprise.KeyFile, "--org", Bank, "--scopes", "rating", "--json");
        Assert.True(granted.ExitCode == 0, granted.ToString());
        var id = granted.Json().GetProperty("consentId").GetString()!;

        var newKeyFile = Path.Combine(fixture.Dir, $"enterprise-{Guid.NewGuid():N}.key");
        var newKey = await fixture.RunAsync("consent", "keygen", "--out", newKeyFile, "--json");
        Assert.True(newKey.ExitCode == 0, newKey.ToString());
        var again = await fixture.RunAsync("tax", "bind", "--credit-code", enterprise.Taxpayer.CreditCode.Value, "--enterprise-key", newKeyFile);
        Assert.Equal(2, again.ExitCode); // the credit code has an account: bind refuses and points at rotate-key
        Assert.Contains("rotate-key", again.ToString(), StringComparison.Ordinal);

        var rotated = await fixture.RunAsync("tax", "rotate-key", "--credit-code", enterprise.Taxpayer.CreditCode.Value, "--enterprise-key", newKeyFile, "--json");
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.True(rotated.Json().GetProperty("rotated").GetBoolean());
        Assert.Equal(newKey.Json().GetProperty("account").GetString(), rotated.Json().GetProperty("account").GetString());

        var fetched = await fixture.RunAsync("data", "fetch", "--consent", id, "--org", Bank, "--json");
        Assert.Equal(1, fetched.ExitCode);
        Assert.Contains("LEDGER-1240", fetched.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnterpriseCommands_WithTheEnterprisesOwnKey_ListItsConsentsToEveryBankAndWhoUsedItsData()
    {
        var enterprise = await BindNewEnterpriseAsync();
        var toCcb = await fixture.RunAsync("consent", "grant", "--enterprise-key", enterprise.KeyFile, "--org", Bank, "--scopes", "rating", "--fetch-cap", "1", "--json");
        Assert.True(toCcb.ExitCode == 0, toCcb.ToString());
        var ccbConsent = toCcb.Json().GetProperty("consentId").GetString()!;
        var toIcbc = await fixture.RunAsync("consent", "grant", "--enterprise-key", enterprise.KeyFile, "--org", "bank.icbc.liuzhou", "--scopes", "rating", "--json");
        Assert.True(toIcbc.ExitCode == 0, toIcbc.ToString());
        var served = await fixture.RunAsync("data", "fetch", "--consent", ccbConsent, "--org", Bank, "--json");
        Assert.True(served.ExitCode == 0, served.ToString());
        var capped = await fixture.RunAsync("data", "fetch", "--consent", ccbConsent, "--org", Bank, "--json");
        Assert.Equal(1, capped.ExitCode);

        // The tax node's list reads its chain index, which follows the chain within a polling interval.
        var listed = await Loan.LendingSetup.EventuallyAsync(async () =>
        {
            var consents = await fixture.RunAsync("enterprise", "consents", "--enterprise-key", enterprise.KeyFile, "--json");
            Assert.True(consents.ExitCode == 0, consents.ToString());
            var all = consents.Json().GetProperty("consents").EnumerateArray().ToList();
            return all.Count == 2 ? all : null;
        }, "both consents in the enterprise's own list");
        Assert.Equal(["bank.ccb.liuzhou", "bank.icbc.liuzhou"], listed.Select(c => c.GetProperty("consumer").GetString()).Order());
        var ccb = Assert.Single(listed, c => c.GetProperty("consentId").GetString() == ccbConsent);
        Assert.Equal(1u, ccb.GetProperty("fetchesInPeriod").GetUInt32());

        var accesses = await fixture.RunAsync("enterprise", "accesses", "--enterprise-key", enterprise.KeyFile, "--json");
        Assert.True(accesses.ExitCode == 0, accesses.ToString());
        var records = accesses.Json().GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal(["served", "refused: fetch cap reached"], records.Select(r => r.GetProperty("outcome").GetString()));
        Assert.All(records, r => Assert.Equal(Bank, r.GetProperty("consumer").GetString()));
        Assert.All(records, r => Assert.Equal(ccbConsent, r.GetProperty("consentId").GetString()));

        // --csv: a header row and one row per record, nothing else.
        var csv = await fixture.RunAsync("enterprise", "accesses", "--enterprise-key", enterprise.KeyFile, "--csv", "--utc");
        Assert.True(csv.ExitCode == 0, csv.ToString());
        var lines = csv.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Time,Outcome,Consumer,Scopes,Consent,Anchored", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains(",served,bank.ccb.liuzhou,rating,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",refused: fetch cap reached,bank.ccb.liuzhou,rating,", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(" UTC", lines[1].Split(',')[0], StringComparison.Ordinal);

        // Another enterprise's key sees none of it; a key no bureau bound is refused with its code.
        var other = await BindNewEnterpriseAsync();
        var theirs = await fixture.RunAsync("enterprise", "consents", "--enterprise-key", other.KeyFile, "--json");
        Assert.True(theirs.ExitCode == 0, theirs.ToString());
        Assert.Empty(theirs.Json().GetProperty("consents").EnumerateArray());
        var unboundKey = Path.Combine(fixture.Dir, $"unbound-{Guid.NewGuid():N}.key");
        Assert.Equal(0, (await fixture.RunAsync("consent", "keygen", "--out", unboundKey)).ExitCode);
        var refused = await fixture.RunAsync("enterprise", "accesses", "--enterprise-key", unboundKey);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("LEDGER-1527: ", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnterpriseTrail_AfterADecisionARefusalAndARevocation_ListsTheTaxNodesAndTheBanksRecords_EachCheckedAgainstTheChain()
    {
        var enterprise = await BindNewEnterpriseAsync();
        var granted = await fixture.RunAsync("consent", "grant", "--enterprise-key", enterprise.KeyFile, "--org", Bank, "--fetch-cap", "5", "--json");
        Assert.True(granted.ExitCode == 0, granted.ToString());
        var consent = granted.Json().GetProperty("consentId").GetString()!;
        // The bank's node fetches (an access at the tax node; the report held at the bank) and decides (a decision record).
        var decided = await fixture.RunAsync("loan", "decide", "--consent", consent, "--org", Bank, "--json");
        Assert.True(decided.ExitCode == 0, decided.ToString());
        var refused = await fixture.RunAsync("data", "fetch", "--consent", consent, "--org", Bank, "--scopes", "customs", "--json");
        Assert.Equal(1, refused.ExitCode);
        var revoked = await fixture.RunAsync("consent", "revoke", consent, "--enterprise-key", enterprise.KeyFile, "--json");
        Assert.True(revoked.ExitCode == 0, revoked.ToString());

        // Until the bank has deleted what it held and every record is anchored (the batchers run every few seconds).
        var entries = await Loan.LendingSetup.EventuallyAsync(async () =>
        {
            var trail = await fixture.RunAsync("enterprise", "trail", "--enterprise-key", enterprise.KeyFile, "--json");
            Assert.True(trail.ExitCode == 0, trail.ToString());
            var all = trail.Json().GetProperty("entries").EnumerateArray().ToList();
            var kinds = all.Select(e => e.GetProperty("kind").GetString()).ToHashSet();
            return kinds.IsSupersetOf(["served", "refused", "decided", "deleted"]) && all.All(e => e.GetProperty("status").GetString() == "verified") ? all : null;
        }, "the enterprise's trail to hold the deletion and every record verified");

        Assert.All(entries, e => Assert.Equal(consent, e.GetProperty("consentId").GetString()));
        Assert.All(entries, e => Assert.True(e.GetProperty("anchoredInBlock").GetUInt64() > 0));
        Assert.Equal("tax.liuzhou", Assert.Single(entries, e => e.GetProperty("kind").GetString() == "served").GetProperty("keptBy").GetString());
        Assert.Equal("refused: scope not granted", Assert.Single(entries, e => e.GetProperty("kind").GetString() == "refused").GetProperty("what").GetString());
        var deleted = Assert.Single(entries, e => e.GetProperty("kind").GetString() == "deleted");
        Assert.Equal(Bank, deleted.GetProperty("keptBy").GetString());
        Assert.Equal("deleted: consent revoked", deleted.GetProperty("what").GetString());
        Assert.Equal(Bank, Assert.Single(entries, e => e.GetProperty("kind").GetString() == "decided").GetProperty("keptBy").GetString());
        Assert.Equal(entries.Select(e => e.GetProperty("timeMs").GetUInt64()).Order(), entries.Select(e => e.GetProperty("timeMs").GetUInt64()));

        // For people and spreadsheets: one row per record, "anchored in block N, proof checked".
        var csv = await fixture.RunAsync("enterprise", "trail", "--enterprise-key", enterprise.KeyFile, "--csv", "--utc");
        Assert.True(csv.ExitCode == 0, csv.ToString());
        var lines = csv.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Time,What,Who,Consent,Kept by,Verified", lines[0]);
        Assert.Equal(entries.Count + 1, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Matches(@",""?anchored in block \d+, proof checked""?$", l));

        var people = await fixture.RunAsync("enterprise", "trail", "--enterprise-key", enterprise.KeyFile);
        Assert.True(people.ExitCode == 0, people.ToString());
        Assert.Contains("deleted: consent revoked", people.Out, StringComparison.Ordinal);
        Assert.Contains($"{entries.Count} verified against the chain, 0 pending, 0 failed", people.Out, StringComparison.Ordinal);

        // Another enterprise's trail holds none of it.
        var other = await BindNewEnterpriseAsync();
        var theirs = await fixture.RunAsync("enterprise", "trail", "--enterprise-key", other.KeyFile, "--json");
        Assert.True(theirs.ExitCode == 0, theirs.ToString());
        Assert.Empty(theirs.Json().GetProperty("entries").EnumerateArray());
    }

    private sealed record BoundEnterprise(Taxpayer Taxpayer, string KeyFile, string Account);

    private async Task<Taxpayer> ImportNewTaxpayerAsync()
    {
        var taxpayer = SyntheticTaxpayers.Generate(1, RandomNumberGenerator.GetInt32(1, int.MaxValue), DateOnly.FromDateTime(DateTime.UtcNow))[0];
        var data = Path.Combine(fixture.Dir, $"taxpayer-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(data, TaxpayerImport.ToJsonLine(taxpayer) + "\n");
        var imported = await fixture.RunAsync("tax", "import", data, "--json");
        Assert.True(imported.ExitCode == 0, imported.ToString());
        return taxpayer;
    }

    /// <summary>A fresh taxpayer imported into the tax node (`tax import`), a wallet key (`consent keygen`) bound to it (`tax bind`).</summary>
    private async Task<BoundEnterprise> BindNewEnterpriseAsync()
    {
        var taxpayer = SyntheticTaxpayers.Generate(1, RandomNumberGenerator.GetInt32(1, int.MaxValue), DateOnly.FromDateTime(DateTime.UtcNow))[0];
        var data = Path.Combine(fixture.Dir, $"taxpayer-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(data, TaxpayerImport.ToJsonLine(taxpayer) + "\n");
        var imported = await fixture.RunAsync("tax", "import", data, "--json");
        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Equal(1, imported.Json().GetProperty("imported").GetInt32());

        var keyFile = Path.Combine(fixture.Dir, $"enterprise-{Guid.NewGuid():N}.key");
        var key = await fixture.RunAsync("consent", "keygen", "--out", keyFile, "--json");
        Assert.True(key.ExitCode == 0, key.ToString());
        var account = key.Json().GetProperty("account").GetString()!;
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        var bound = await fixture.RunAsync("tax", "bind", "--credit-code", taxpayer.CreditCode.Value, "--enterprise-key", keyFile, "--json");
        Assert.True(bound.ExitCode == 0, bound.ToString());
        Assert.Equal(account, bound.Json().GetProperty("account").GetString());
        return new BoundEnterprise(taxpayer, keyFile, account);
    }
}
