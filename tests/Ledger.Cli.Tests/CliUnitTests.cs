using Ledger.Cli.Besu;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Local;

namespace Ledger.Cli.Tests;

/// <summary>Parsing, exit codes, the allowlist format and the consortium description, without any node.</summary>
public sealed class CliUnitTests
{
    [Theory]
    [InlineData(1_000_000UL, "1万")]
    [InlineData(50_000_000UL, "50万")]
    [InlineData(125_050_000UL, "125.05万")]
    [InlineData(12_345_678_901UL, "1.2345678901亿")]
    [InlineData(999_999UL, null)]
    public void LargeUnitText_IsExactWithoutTrailingZeros(ulong fen, string? expected) =>
        Assert.Equal(expected, Commands.LendingParse.LargeUnitText(fen));

    [Fact]
    public async Task YuanText_AfterTheUserTypedWan_AddsTheWanForm_OtherwiseNot()
    {
        // Each command runs in its own flow: what one command's input notes does not reach another's output.
        Assert.Equal("¥500,000.00", await Task.Run(() => Commands.LendingParse.YuanText(50_000_000UL)));
        var typed = await Task.Run(() =>
        {
            var fen = Commands.LendingParse.Yuan("50万", "--amount");
            return (Commands.LendingParse.YuanText(fen), Commands.LendingParse.YuanText(fen / 2), Commands.LendingParse.YuanText(12_345UL));
        });
        Assert.Equal(("¥500,000.00 (50万)", "¥250,000.00 (25万)", "¥123.45"), typed);
        Assert.Equal("¥500,000.00", await Task.Run(() => Commands.LendingParse.YuanText(50_000_000UL)));
    }

    [Fact]
    public void EveryListCommand_TakesCsv()
    {
        var root = LedgerCli.Build(new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null }, out _);
        var lists = All(root).Where(c => c.Name is "list" or "trail" || (c.Description ?? "").StartsWith("List ", StringComparison.Ordinal)).ToList();

        Assert.True(lists.Count >= 9, string.Join(", ", lists.Select(c => c.Name)));
        Assert.All(lists, c => Assert.True(c.Options.Any(o => o.Name == "--csv"), $"`{c.Parents.OfType<System.CommandLine.Command>().FirstOrDefault()?.Name} {c.Name}` has no --csv"));

        static IEnumerable<System.CommandLine.Command> All(System.CommandLine.Command command) =>
            command.Subcommands.SelectMany(All).Prepend(command);
    }

    [Theory]
    [InlineData(new[] { "a", "b" }, "a,b\r\n")]
    [InlineData(new[] { "¥1,250,000.00", "say \"hi\"" }, "\"¥1,250,000.00\",\"say \"\"hi\"\"\"\r\n")]
    [InlineData(new[] { "two\nlines", "" }, "\"two\nlines\",\r\n")]
    public void CsvLine_QuotesFieldsWithCommasQuotesOrLineBreaks(string[] fields, string expected) =>
        Assert.Equal(expected, CliContext.CsvLine(fields));

    [Theory]
    [InlineData("rating", Scopes.TaxCreditRating)]
    [InlineData("rating,payments,invoices", Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices)]
    [InlineData(" Invoices , ip ", Scopes.Invoices | Scopes.IntellectualProperty)]
    [InlineData("6", Scopes.TaxPayments | Scopes.Invoices)]
    public void Scopes_WordsOrMask_GiveTheScopeBits(string text, Scopes expected) =>
        Assert.Equal(expected, CliParse.Scopes(text, "--scopes"));

    [Theory]
    [InlineData("")]
    [InlineData("salaries")]
    [InlineData("rating,,nope")]
    [InlineData("0")]
    public void Scopes_Unknown_IsBadArgument(string text)
    {
        var error = Assert.Throws<LedgerException>(() => CliParse.Scopes(text, "--scopes"));
        Assert.Equal(CliErrors.BadArgumentCode, error.Code);
        Assert.Equal(2, CliErrors.ExitCodeOf(error));
    }

    [Fact]
    public void EveryScopeWord_RoundTripsThroughScopesAndScopesText()
    {
        foreach (var entry in ScopeWords.All)
        {
            Assert.Equal(entry.Scope, CliParse.Scopes(entry.Word, "--scopes"));
            Assert.Equal(entry.Word, CliParse.ScopesText(entry.Scope));
        }
        Assert.Equal(ScopeWords.AllHeld, CliParse.Scopes("all", "--scopes"));
        Assert.Equal("rating,0x80", CliParse.ScopesText(Scopes.TaxCreditRating | (Scopes)0x80));
    }

    [Fact]
    public void Scopes_UnknownWord_SaysTheSameAsBefore()
    {
        var error = Assert.Throws<LedgerException>(() => CliParse.Scopes("rating,salaries", "--scopes"));
        Assert.Equal("--scopes 'salaries' is not a scope; use rating, payments, invoices, social-insurance, customs, judicial, ip or all, separated by commas.", error.Message);
    }

    [Theory]
    [InlineData("tax", Role.TaxBureau)]
    [InlineData("taxbureau", Role.TaxBureau)]
    [InlineData("tax-bureau", Role.TaxBureau)]
    [InlineData(" Bank ", Role.Bank)]
    [InlineData("guarantor", Role.Guarantor)]
    [InlineData("regulator", Role.Regulator)]
    [InlineData("auditor", Role.Auditor)]
    public void Role_EveryWordAndAlias_Parses(string text, Role expected)
    {
        Assert.Equal(expected, CliParse.Role(text, "--role"));
        Assert.Equal(expected, CliParse.Role(expected.Word(), "--role"));
        Assert.Equal(expected.Word(), Ledger.Local.LocalRoles.Word(expected));
    }

    [Theory]
    [InlineData("banker")]
    [InlineData("none")]
    public void Role_Unknown_SaysTheSameAsBefore(string text)
    {
        var error = Assert.Throws<LedgerException>(() => CliParse.Role(text, "--role"));
        Assert.Equal(CliErrors.BadArgumentCode, error.Code);
        Assert.Equal($"--role '{text}' is not a role; use tax, bank, guarantor, regulator or auditor.", error.Message);
    }

    [Fact]
    public void ScopesText_RoundTripsThroughScopes()
    {
        var scopes = Scopes.TaxCreditRating | Scopes.Judicial | Scopes.SocialInsurance;
        Assert.Equal("rating,social-insurance,judicial", CliParse.ScopesText(scopes));
        Assert.Equal(scopes, CliParse.Scopes(CliParse.ScopesText(scopes), "--scopes"));
    }

    [Theory]
    [InlineData("0x12")]
    [InlineData("12ab")]
    [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0xZZ00000000000000000000000000000000000000000000000000000000000000")]
    public void ConsentId_Malformed_SaysWhatAnIdLooksLike(string text)
    {
        var error = Assert.Throws<LedgerException>(() => CliParse.ConsentId(text, "consent"));
        Assert.Contains("0x followed by 64 hex digits", error.Message);
    }

    [Theory]
    [InlineData("A", Core.Scoring.TaxCreditRating.A)]
    [InlineData("m", Core.Scoring.TaxCreditRating.M)]
    public void Rating_Letters_Parse(string text, Core.Scoring.TaxCreditRating expected) => Assert.Equal(expected, CliParse.Rating(text, "--rating"));

    [Theory]
    [InlineData("E")]
    [InlineData("0")]
    [InlineData("AA")]
    public void Rating_Other_IsBadArgument(string text) => Assert.Throws<LedgerException>(() => CliParse.Rating(text, "--rating"));

    [Theory]
    [InlineData(ErrorCategory.InvalidArgument, 2)]
    [InlineData(ErrorCategory.Unavailable, 2)]
    [InlineData(ErrorCategory.PermissionDenied, 1)]
    [InlineData(ErrorCategory.FailedPrecondition, 1)]
    [InlineData(ErrorCategory.NotFound, 1)]
    [InlineData(ErrorCategory.AlreadyExists, 1)]
    [InlineData(ErrorCategory.Tampered, 1)]
    [InlineData(ErrorCategory.Internal, 3)]
    public void ExitCodeOf_Category_IsTheDocumentedCode(ErrorCategory category, int exitCode) =>
        Assert.Equal(exitCode, CliErrors.ExitCodeOf(new LedgerException("LEDGER-1234", category, "x")));

    [Theory]
    [InlineData("LEDGER-1611")]
    [InlineData("LEDGER-1610")]
    [InlineData("LEDGER-1303")]
    [InlineData("LEDGER-1654")]
    public void ExitCodeOf_KeyStoreOrChainSettingFailures_IsUnusableInput(string code) =>
        Assert.Equal(2, CliErrors.ExitCodeOf(new LedgerException(code, ErrorCategory.FailedPrecondition, "x")));

    [Fact]
    public void BesuAllowlist_ListsOperatorsAndEnodesOfActiveMembersOnly()
    {
        var enodeA = "enode://" + new string('a', 128) + "@10.0.0.1:30303";
        var enodeC = "enode://" + new string('c', 128) + "@10.0.0.3:30303?discport=30304";
        var a = Address(1);
        var a2 = Address(2);
        var b = Address(3);
        var members = new[]
        {
            Member("tax.x", MemberStatus.Active, enodeA, 1, a, a2),
            Member("bank.y", MemberStatus.Suspended, "enode://" + new string('b', 128) + "@10.0.0.2:30303", 2, b),
            Member("bank.z", MemberStatus.Active, enodeC, 3, Address(4)),
            Member("audit.w", MemberStatus.Active, "", 4, Address(5)),
            Member("gone.v", MemberStatus.Removed, "", 5, Address(6)),
        };

        var allowlist = BesuAllowlist.From(members, [Address(7), a]);

        Assert.Equal(new[] { a, a2, Address(4), Address(5), Address(7) }.Select(x => x.ToString().ToLowerInvariant()), allowlist.Accounts);
        Assert.Equal([enodeA, enodeC], allowlist.Nodes);
        Assert.Empty(allowlist.Skipped);
        var toml = allowlist.ToToml("From a test.");
        Assert.Contains($"accounts-allowlist=[\"{a.ToString().ToLowerInvariant()}\",\"{a2.ToString().ToLowerInvariant()}\",", toml);
        Assert.Contains($"nodes-allowlist=[\"{enodeA}\",\"{enodeC}\"]", toml);
        Assert.All(toml.TrimEnd().Split('\n'), line => Assert.True(line.StartsWith('#') || line.Contains("-allowlist=[", StringComparison.Ordinal), line));
    }

    [Fact]
    public void BesuAllowlist_MalformedEnode_IsSkippedAndNamed()
    {
        var allowlist = BesuAllowlist.From([Member("bank.q", MemberStatus.Active, "enode://short@host:1", 1, Address(1))]);

        Assert.Empty(allowlist.Nodes);
        Assert.Contains("bank.q", Assert.Single(allowlist.Skipped));
        Assert.Contains("nodes-allowlist=[]", allowlist.ToToml("x"));
    }

    [Fact]
    public void ConsortiumDescription_SavedAndLoaded_IsTheSame()
    {
        var file = Path.Combine(Path.GetTempPath(), $"consortium-{Guid.NewGuid():N}.json");
        var description = new ConsortiumDescription
        {
            StartedAt = "2025-01-01T00:00:00.0000000+00:00",
            WorkDir = "/w",
            Chain = new ChainDescription { Kind = "hardhat", RpcUrl = "http://127.0.0.1:8545", ChainId = 31337, DeploymentFile = "/w/d.json", DevAccounts = true },
            Nodes = [new NodeDescription { Org = "tax.x", Role = "tax", Name = "税", Url = "http://127.0.0.1:1", Operator = "0x1", KeyStore = "/k" }],
        };
        try
        {
            description.Save(file);
            var loaded = ConsortiumDescription.Load(file);
            Assert.Equal(description.ToJson(), loaded.ToJson());
            Assert.Equal("http://127.0.0.1:1", loaded.Node("tax.x")!.Url);
            Assert.Null(loaded.Node("tax.y"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"format\":\"something-else/1\"}")]
    public void ConsortiumDescription_NotADescription_IsRefusedWithWhatToDo(string text)
    {
        var file = Path.Combine(Path.GetTempPath(), $"consortium-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, text);
        try
        {
            var error = Assert.Throws<LedgerException>(() => ConsortiumDescription.Load(file));
            Assert.Equal(LocalErrors.DescriptionCode, error.Code);
            Assert.Contains("ledger up", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Help_ListsTheCommandGroupsAndExitsZero()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await LedgerCli.RunAsync(["--help"], new CliEnvironment { Out = output, Error = error, Variable = _ => null });

        Assert.Equal(0, exit);
        foreach (var command in new[] { "up", "status", "members", "besu", "consent", "data", "tax" })
        {
            Assert.Contains(command, output.ToString());
        }
    }

    [Fact]
    public async Task LocalConsortium_InvalidTopology_IsRefusedBeforeAnythingStarts()
    {
        var options = new LocalConsortiumOptions
        {
            WorkDir = Path.Combine(Path.GetTempPath(), "never-" + Guid.NewGuid().ToString("N")),
            Nodes = [new LocalNodeSpec(Role.Bank, "bank.a", "A"), new LocalNodeSpec(Role.Bank, "bank.a", "A again")],
        };

        var error = await Assert.ThrowsAsync<LedgerException>(() => LocalConsortium.StartAsync(options));

        Assert.Equal(LocalErrors.OptionsCode, error.Code);
        Assert.Contains("bank.a appears twice", error.Message);
        Assert.False(Directory.Exists(options.WorkDir));
    }

    [Fact]
    public async Task LocalConsortium_StrongModeOnABank_IsRefused()
    {
        var options = new LocalConsortiumOptions { Nodes = [new LocalNodeSpec(Role.Bank, "bank.a", "A") { StrongMode = true }] };

        var error = await Assert.ThrowsAsync<LedgerException>(() => LocalConsortium.StartAsync(options));

        Assert.Contains("Strong mode is for tax nodes only", error.Message);
    }

    [Fact]
    public async Task LocalConsortium_ForeignNonEmptyWorkFolder_IsNeverWiped()
    {
        var dir = Path.Combine(Path.GetTempPath(), "foreign-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var precious = Path.Combine(dir, "precious.txt");
        File.WriteAllText(precious, "keep me");
        try
        {
            var error = await Assert.ThrowsAsync<LedgerException>(() => LocalConsortium.StartAsync(new LocalConsortiumOptions { WorkDir = dir }));

            Assert.Equal(LocalErrors.WorkDirCode, error.Code);
            Assert.Equal("keep me", File.ReadAllText(precious));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static EthAddress Address(int seed) => EthAddress.FromBytes(Enumerable.Repeat((byte)seed, 20).ToArray());

    private static ConsortiumMember Member(string org, MemberStatus status, string enode, uint index, params EthAddress[] operators) =>
        new(OrgId.FromCode(org), Role.Bank, status, org, "http://127.0.0.1:1", enode, new byte[33], operators, index, 1, 1);
}
