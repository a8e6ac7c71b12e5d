using System.CommandLine;
using System.Text;
using Ledger.Cli;
using Ledger.Cli.Tests.Support;
using Ledger.Core.TaxData;
using Ledger.Local;
using Ledger.Sdk.Keys;

namespace Ledger.Fuzz.Tests.Support;

/// <summary>A command of the <c>ledger</c> tree that runs (a leaf), with every option it takes (its own and the recursive global ones).</summary>
public sealed record CliCommand(IReadOnlyList<string> Path, IReadOnlyList<Argument> Arguments, IReadOnlyList<Option> Options, IReadOnlySet<string> Globals)
{
    public string Name => string.Join(' ', Path);

    /// <summary>Commands that would start a consortium when their options are accepted: they run already interrupted.</summary>
    public bool StartsConsortium => Name is "up" or "demo";

    /// <summary>Streams until interrupted: it runs with a short time limit.</summary>
    public bool Streams => Name is "alerts watch";

    /// <summary>Deletes the description it reads (`ledger down`): each run gets a copy of its own.</summary>
    public bool RemovesDescription => Name is "down";
}

/// <summary>One run of the CLI with a malformed value (or a malformed command line).</summary>
public sealed record CliCase(CliCommand Command, string Symbol, string Value, string[] Args);

/// <summary>
/// Malformed command lines for every command and option of <c>ledger</c>, enumerated from its parser
/// (<see cref="LedgerCli.Build"/>): for each command, a baseline command line that names real things of the running
/// consortium (or, where a success would change what other tests rely on, well-formed ids of nothing), and from it one
/// command line per symbol and malformed value — bad numbers, 30-digit and 2^128-sized amounts, bad hex, unknown
/// organizations, bad URLs, bad dates, files that do not exist or hold garbage, empty and NUL-carrying values — plus a
/// missing value, an unknown option, a repeated option and a stray argument.
/// </summary>
public sealed class CliFuzzer(FuzzConsortium consortium)
{
    private readonly string _sandbox = Path.Combine(consortium.Dir, "cli-sandbox");

    /// <summary>Every runnable command with its options, from the parser.</summary>
    public static IReadOnlyList<CliCommand> Commands()
    {
        var environment = new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null, Variable = _ => null, WorkingDirectory = Path.GetTempPath() };
        var root = LedgerCli.Build(environment, out _);
        var globals = root.Options.Where(o => o.Recursive).ToList();
        var commands = new List<CliCommand>();
        void Walk(Command command, List<string> path)
        {
            if (command.Subcommands.Count == 0)
            {
                commands.Add(new CliCommand([.. path], [.. command.Arguments], [.. command.Options, .. globals], globals.Select(g => g.Name).ToHashSet(StringComparer.Ordinal)));
            }
            foreach (var sub in command.Subcommands)
            {
                Walk(sub, [.. path, sub.Name]);
            }
        }
        foreach (var group in root.Subcommands)
        {
            Walk(group, [group.Name]);
        }
        return commands;
    }

    /// <summary>
    /// The consortium description the runs use: the fuzz consortium's, with each member's key store replaced by a copy
    /// (same keys, same password) whose scrypt cost is minimal — the CLI stretches the password on every run that
    /// signs, and two thousand runs at the local consortium's cost (2 × N = 4096) would spend minutes doing only that —
    /// and without any process id, so that no command (`ledger down`, `ledger node restart`) can stop or signal the
    /// processes the other tests use.
    /// </summary>
    private string CheapConsortiumFile => Sandbox("consortium.json");

    /// <summary>
    /// Files the cases read: an empty file, garbage, cut JSON, a directory, a valid import, a real bundle; and the
    /// description with cheap key stores.
    /// </summary>
    public async Task PrepareAsync()
    {
        Directory.CreateDirectory(Path.Combine(_sandbox, "keys"));
        var description = ConsortiumDescription.Load(consortium.ConsortiumFile);
        var nodes = new List<NodeDescription>();
        foreach (var node in description.Nodes)
        {
            var file = Sandbox(Path.Combine("keys", node.Org + ".json"));
            NodeKeyStore.Write(file, consortium.Password, consortium.Consortium[node.Org].Keys, new KeyStoreKdf(2, 1, 1));
            nodes.Add(node with { KeyStore = file, ProcessId = null });
        }
        (description with { ProcessId = null, Chain = description.Chain with { ProcessId = null }, Nodes = nodes }).Save(CheapConsortiumFile);

        Directory.CreateDirectory(Path.Combine(_sandbox, "a-directory"));
        await File.WriteAllTextAsync(Sandbox("empty.txt"), "");
        await File.WriteAllBytesAsync(Sandbox("garbage.bin"), [0xff, 0xfe, 0x00, 0x01, 0xc3, 0x28, 0x7b]);
        await File.WriteAllTextAsync(Sandbox("cut.json"), "{\"format\":\"ledger-consortium/1\",\"nodes\":[{\"org\":");
        await File.WriteAllTextAsync(Sandbox("not-hex.key"), "0xzz" + new string('1', 62));
        await File.WriteAllTextAsync(Sandbox("existing-output.txt"), "a file that is already there\n");
        await File.WriteAllTextAsync(Sandbox("import.jsonl"),
            TaxpayerImport.ToJsonLine(SyntheticTaxpayers.Generate(1, 424_242, DateOnly.FromDateTime(DateTime.UtcNow))[0]) + "\n");
        // A bundle needs its records anchored and their anchors indexed (LEDGER-1721 until then): a few seconds at most.
        var bundle = await CliRunner.RunAsync(["audit", "bundle", "--out", Sandbox("bundle.json"), "--enterprise", consortium.Seeds.EnterpriseHash, "--json"], Environment(), _sandbox);
        for (var i = 0; i < 60 && bundle.ExitCode != 0; i++)
        {
            await Task.Delay(500);
            bundle = await CliRunner.RunAsync(["audit", "bundle", "--out", Sandbox("bundle.json"), "--enterprise", consortium.Seeds.EnterpriseHash, "--json"], Environment(), _sandbox);
        }
        if (bundle.ExitCode != 0)
        {
            throw new InvalidOperationException($"The audit bundle the fuzz cases verify could not be made:\n{bundle}");
        }
    }

    private string Sandbox(string name) => Path.Combine(_sandbox, name);

    /// <summary>The baseline values of the command's required symbols (and of those without which it would not get far).</summary>
    public List<(string Symbol, string Value)> Baseline(CliCommand command)
    {
        var seeds = consortium.Seeds;
        var nobody = "0x" + new string('7', 64);
        var values = new List<(string, string)>();
        void Add(string symbol, string value)
        {
            if (command.Arguments.Any(a => a.Name == symbol) || command.Options.Any(o => o.Name == symbol))
            {
                values.Add((symbol, value));
            }
        }
        switch (command.Name)
        {
            case "consent revoke" or "consent narrow":
                Add("consent", nobody); // never the consent the other cases use
                break;
            case "consent prepare":
                Add("--enterprise", seeds.EnterpriseAccount);
                break;
            case "tax bind" or "tax rate":
                Add("--credit-code", "91450200MA5KTEST5U");
                break;
            case "members suspend" or "members reinstate" or "members remove" or "members propose-admit":
                Add("org", "bank.fuzz.none");
                break;
            case "loan accept-agreement" or "guarantee terminate":
                Add("agreement", nobody);
                break;
        }
        foreach (var argument in command.Arguments)
        {
            if (!values.Any(v => v.Item1 == argument.Name))
            {
                Add(argument.Name, Valid(argument.Name, command));
            }
        }
        foreach (var option in command.Options.Where(o => o.Required || o.Name is "--dev-governor"))
        {
            if (!values.Any(v => v.Item1 == option.Name))
            {
                Add(option.Name, Valid(option.Name, command));
            }
        }
        return values;
    }

    private string Valid(string symbol, CliCommand command) => symbol switch
    {
        "consent" or "--consent" => consortium.Seeds.ConsentId,
        "--decision" => consortium.Seeds.DecisionHash,
        "loan" => consortium.Seeds.LoanId,
        "agreement" or "--agreement" => consortium.Seeds.AgreementId,
        "fund" or "--fund" => consortium.Seeds.FundId,
        "reference" or "--reference" => "FUZZ-CLI-REF",
        "--amount" or "--principal" or "--loss" or "--balance" => "100",
        "--per-loan-limit" => "1万",
        "--total-limit" => "10万",
        "--coverage" or "--ratio" or "--min-coverage" => "50%",
        "--max-fee" => "100",
        "--products" => "SHUIYIDAI",
        "--days" => "30",
        "--guarantor" => "guarantor.gx",
        "--bank" => "bank.ccb.liuzhou",
        "--category" => "rnd-labour",
        "--counterparty" => "FUZZ-PAYEE",
        "--document" => "FUZZ-DOC",
        "--new-document" => "FUZZ-DOC-2",
        "--typed-data" => Sandbox("consent-typed-data.json"),
        "--signature" => "0x" + new string('1', 130),
        "--reason" => "1",
        "--enterprise-key" => consortium.Seeds.EnterpriseKeyFile,
        "--count" => "1",
        "--credit-code" => consortium.Seeds.CreditCode,
        "--year" => "2024",
        "--rating" => "A",
        "--role" => "bank",
        "org" => "bank.fuzz.none",
        "proposal" => "999999",
        "pins" => "0x" + new string('a', 64), // a well-formed pin for an organization that is no member
        "--dev-governor" => "0",
        "--out" => Sandbox($"out-{command.Name.Replace(' ', '-')}.json"),
        "file" => Sandbox("import.jsonl"),
        "bundle" => Sandbox("bundle.json"),
        _ => throw new InvalidOperationException($"`ledger {command.Name}`: no baseline value for {symbol}; add one to CliFuzzer.Valid."),
    };

    /// <summary>Malformed values for a symbol, by what its name says it takes.</summary>
    public IReadOnlyList<string> Malformed(string symbol, Type valueType)
    {
        if (valueType == typeof(bool))
        {
            return ["maybe", "2"];
        }
        var common = new[] { "", "a\0b", new string('x', 5_000) };
        string[] specific = symbol switch
        {
            "--amount" or "--principal" or "--interest" or "--loss" or "--fee" or "--balance" or "--per-loan-limit" or "--total-limit" =>
            [
                "99999999999999999999999999999999", "999999999999999999999999999999", "999999999999999999999999999999999999999",
                "340282366920938463463374607431768211456fen", "340282366920938463463374607431768211455fen", "-1", "1.234", "1e5", "0x10",
                "１００", "100万万", "1,,000", "0", "NaN",
            ],
            "--coverage" or "--ratio" or "--max-non-rnd" or "--fee-rate" => ["101%", "-5", "0.001", "1e2", "50%%", "99999999999", "abc", "0"],
            "consent" or "--consent" or "--decision" or "agreement" or "--agreement" or "fund" or "--fund" or "--loan" =>
                ["0x12", "0x" + new string('g', 64), "0x" + new string('a', 63), new string('a', 64), "0x" + new string('0', 64), "0X" + new string('A', 64)],
            "loan" => ["0x12", "0x" + new string('g', 64), "0x" + new string('0', 64), "0xabc-not-a-reference", new string('r', 300)],
            "--enterprise" => ["0x12", "0x" + new string('g', 64), "0x" + new string('a', 40) + "00", "nothex"],
            "--account" or "--operator" => ["0x12", "0x" + new string('g', 40), "0x" + new string('a', 41), "0x" + new string('0', 40)],
            "--org" or "--consumer" or "--provider" or "--bank" or "--guarantor" or "org" =>
                ["bank.nosuch", "a b", new string('b', 32), "银行.建设", "BANK.CCB.LIUZHOU", "tax.liuzhou"],
            "--node" or "--rpc" or "--endpoint" or "--enode" =>
                ["not a url", "http://127.0.0.1:1", "ftp://127.0.0.1:1", "http://", "http://[::1", "http://127.0.0.1:99999", "enode://zz@127.0.0.1:1"],
            "--key-store" or "--consortium" or "--deployment" or "--enterprise-key" or "--member-key-store" or "--governor-key" or "--trusted-roots"
                or "file" or "bundle" or "--typed-data" =>
                [Sandbox("no-such-file.json"), Sandbox("a-directory"), Sandbox("empty.txt"), Sandbox("garbage.bin"), Sandbox("cut.json"), Sandbox("not-hex.key")],
            "--out" or "--bundle" or "--work-dir" or "--state-file" =>
                [Sandbox("garbage.bin/under-a-file"), Sandbox("a-directory"), Sandbox("existing-output.txt"), Path.Combine(Sandbox("no-such-dir"), "x", "y")],
            "--days" or "--count" or "--limit" or "--year" or "--reason" or "--valid-days" or "--data-months" or "--fetch-cap" or "--fetch-period-days"
                or "--data-life-days" or "--dev-governor" or "--synthetic" or "--enterprises" or "--seed" =>
                ["-1", "abc", "99999999999999999999", "65536", "4294967296", "1.5", "0x10", "0", "2147483648"],
            "--from" or "--until" => ["2026-13-01", "yesterday", "0000-00-00", "9999-12-31T25:00:00Z", "-1", "1e9", "0001-01-01", "9999-12-31"],
            "--after" => ["-1", "abc", "99999999999999999999", "1.5"],
            "proposal" => ["-1", "abc", new string('9', 90), "0x10", "1.5"],
            "--encryption-key" => ["0x02", "0x04" + new string('a', 128), "0x02" + new string('g', 64), "0x05" + new string('a', 64)],
            "--credit-code" => ["91450200MA5KTEST5", "91450200MA5KTEST5Z", "91450200ma5ktest5u", new string('9', 18)],
            "--rating" => ["E", "AA", "a", "Ａ"],
            "reference" or "--reference" or "--name" or "--counterparty" or "--document" or "--new-document" or "--product" => ["0xabc", new string('r', 300), "\t\n", "\u0001"],
            _ => ["nosuch", "a,,b", "all,nosuch", new string(',', 100), "-1"],
        };
        return [.. specific, .. common];
    }

    /// <summary>Every case of <paramref name="command"/> (the <paramref name="index"/>-th command: it picks the global options' values).</summary>
    public IReadOnlyList<CliCase> Cases(CliCommand command, int index)
    {
        ArgumentNullException.ThrowIfNull(command);
        var baseline = Baseline(command);
        var cases = new List<CliCase>();
        var symbols = command.Arguments.Select(a => (Name: a.Name, Type: a.ValueType, IsArgument: true))
            .Concat(command.Options.Select(o => (Name: o.Name, Type: o.ValueType, IsArgument: false)))
            .Where(s => s.Name is not "--help" and not "-h" and not "--version");
        foreach (var (name, type, isArgument) in symbols)
        {
            var scalar = type == typeof(bool) ? typeof(bool) : type;
            // The global options are read by the same code for every command: one value each per command, taken in turn
            // from their lists, so that every value meets several commands and every command meets every global option.
            var all = Malformed(name, scalar);
            var malformed = command.Globals.Contains(name) ? [all[index % all.Count]] : all;
            foreach (var value in malformed)
            {
                var set = baseline.Where(b => b.Symbol != name).Append((name, value)).ToList();
                cases.Add(new CliCase(command, name, value, Args(command, set)));
            }
            if (!isArgument && type != typeof(bool) && !command.Globals.Contains(name))
            {
                // The option as the last token, without its value; and given twice.
                cases.Add(new CliCase(command, name, "(no value)", [.. Args(command, baseline.Where(b => b.Symbol != name).ToList()), name]));
                var twice = baseline.Any(b => b.Symbol == name) ? baseline.First(b => b.Symbol == name).Value : Malformed(name, scalar)[0];
                cases.Add(new CliCase(command, name, "(twice)", [.. Args(command, baseline), name, twice]));
            }
        }
        cases.Add(new CliCase(command, "--bogus", "(unknown option)", [.. Args(command, baseline), "--bogus", "1"]));
        cases.Add(new CliCase(command, "(stray)", "(stray argument)", [.. Args(command, baseline), "stray-argument"]));
        cases.Add(new CliCase(command, "(none)", "(no arguments)", [.. command.Path]));
        return cases;
    }

    private static string[] Args(CliCommand command, IReadOnlyList<(string Symbol, string Value)> values)
    {
        var args = new List<string>(command.Path);
        foreach (var argument in command.Arguments)
        {
            if (values.FirstOrDefault(v => v.Symbol == argument.Name) is { Symbol: not null } value)
            {
                args.Add(value.Value);
            }
        }
        foreach (var (symbol, value) in values.Where(v => v.Symbol.StartsWith('-')))
        {
            var option = command.Options.First(o => o.Name == symbol);
            if (option.ValueType == typeof(bool))
            {
                args.Add($"{symbol}:{value}");
            }
            else
            {
                args.Add(symbol);
                args.Add(value);
            }
        }
        return [.. args];
    }

    /// <summary>Runs one case in-process (interrupted from the start for commands that would start a consortium).</summary>
    public async Task<CliRun> RunAsync(CliCase fuzzCase)
    {
        ArgumentNullException.ThrowIfNull(fuzzCase);
        using var limit = new CancellationTokenSource();
        if (fuzzCase.Command.StartsConsortium)
        {
            await limit.CancelAsync();
        }
        else
        {
            limit.CancelAfter(fuzzCase.Command.Streams ? TimeSpan.FromSeconds(1.5) : TimeSpan.FromSeconds(90));
        }
        var environment = Environment();
        if (fuzzCase.Command.RemovesDescription)
        {
            var own = Sandbox($"consortium-{Guid.NewGuid():N}.json");
            File.Copy(CheapConsortiumFile, own);
            environment[GlobalOptions.ConsortiumVariable] = own;
        }
        return await CliRunner.RunAsync(fuzzCase.Args, environment, _sandbox, limit.Token);
    }

    /// <summary>The variables the runs see: the key store password and the description with cheap key stores.</summary>
    public Dictionary<string, string> Environment() => new(StringComparer.Ordinal)
    {
        [GlobalOptions.PasswordVariable] = consortium.Password,
        [GlobalOptions.ConsortiumVariable] = CheapConsortiumFile,
    };

    /// <summary>What is wrong with a run's outcome, or null when it is one of the acceptable ones.</summary>
    public static string? Violation(CliCase fuzzCase, CliRun run)
    {
        ArgumentNullException.ThrowIfNull(fuzzCase);
        ArgumentNullException.ThrowIfNull(run);
        if (run.Error.Contains("   at ", StringComparison.Ordinal) || run.Out.Contains("   at ", StringComparison.Ordinal))
        {
            return "a stack trace was printed";
        }
        if (run.ExitCode == 0)
        {
            return null;
        }
        if (run.ExitCode == CliErrors.Interrupted && (fuzzCase.Command.StartsConsortium || fuzzCase.Command.Streams))
        {
            return run.Error.StartsWith(CliErrors.InterruptedCode + ": ", StringComparison.Ordinal) ? null : "interrupted without LEDGER-1665";
        }
        if (run.ExitCode is not (CliErrors.Refused or CliErrors.UnusableInput))
        {
            return run.ExitCode == CliErrors.Interrupted ? "no answer within 90 s (a hang)" : $"exit code {run.ExitCode}";
        }
        var code = CodeOf(run);
        if (code is null)
        {
            return "stderr does not start with a LEDGER code";
        }
        return ErrorCatalogue.IsAcceptable(code) ? null : $"{code} is not a documented code (or is a 'failed unexpectedly' code)";
    }

    /// <summary>The LEDGER code stderr starts with ("LEDGER-NNNN: …"), or null.</summary>
    public static string? CodeOf(CliRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Error.Length > 12 && run.Error.StartsWith("LEDGER-", StringComparison.Ordinal) && run.Error[11] == ':' && run.Error[7..11].All(char.IsAsciiDigit)
            ? run.Error[..11]
            : null;
    }

    /// <summary>A case as a command line, for failure messages.</summary>
    public static string Describe(CliCase fuzzCase, CliRun run)
    {
        ArgumentNullException.ThrowIfNull(fuzzCase);
        ArgumentNullException.ThrowIfNull(run);
        var line = new StringBuilder("ledger");
        foreach (var arg in fuzzCase.Args)
        {
            var shown = arg.Length > 60 ? arg[..60] + $"…({arg.Length} chars)" : arg;
            line.Append(' ').Append(shown.Any(char.IsWhiteSpace) || shown.Length == 0 ? $"'{shown}'" : shown);
        }
        var error = run.Error.Length > 400 ? run.Error[..400] + "…" : run.Error;
        return $"{line.ToString().Replace("\0", "\\0", StringComparison.Ordinal)} → exit {run.ExitCode}: {error.Trim()}";
    }
}
