using Ledger.Cli.Tests.Loan;
using Ledger.Cli.Tests.Support;
using Ledger.Core.Model;
using Ledger.Core.TaxData;
using Ledger.Core.Primitives;
using Ledger.Local;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Ledger.Sdk.Keys;

namespace Ledger.Fuzz.Tests.Support;

/// <summary>
/// Real values of the running consortium that hostile requests mix in, so that some of them get past "malformed" and
/// reach the deeper checks (an existing consent, decision, loan, agreement, fund, enterprise, credit code).
/// </summary>
/// <param name="ConsentId">A consent of <see cref="EnterpriseAccount"/> to <see cref="LendingSetup.Bank"/>.</param>
/// <param name="EnterpriseHash">The enterprise's salted credit-code hash.</param>
/// <param name="EnterpriseAccount">The enterprise's bound wallet account.</param>
/// <param name="EnterpriseKeyFile">The enterprise's wallet key file (for CLI commands that sign as the enterprise).</param>
/// <param name="CreditCode">The enterprise's unified social credit code (held by the tax node).</param>
/// <param name="DecisionHash">An approved decision of the bank.</param>
/// <param name="LoanId">A loan disbursed on it.</param>
/// <param name="LoanReference">The bank's reference of that loan.</param>
/// <param name="AgreementId">A batch agreement the guarantor proposed to the bank.</param>
/// <param name="FundId">A risk-compensation fund of the regulator.</param>
public sealed record FuzzSeeds(
    string ConsentId,
    string EnterpriseHash,
    string EnterpriseAccount,
    string EnterpriseKeyFile,
    string CreditCode,
    string DecisionHash,
    string LoanId,
    string LoanReference,
    string AgreementId,
    string FundId)
{
    /// <summary>Every organization of the consortium (<see cref="LocalConsortiumOptions.DefaultTopology"/>).</summary>
    public static IReadOnlyList<string> Orgs { get; } = [.. LocalConsortiumOptions.DefaultTopology.Select(n => n.Org)];

    /// <summary>Every 32-byte id above.</summary>
    public IReadOnlyList<string> Ids => [ConsentId, EnterpriseHash, DecisionHash, LoanId, AgreementId, FundId];
}

/// <summary>
/// The consortium the fuzz suite runs against: the default local consortium (a hardhat chain and six real ledger-node
/// processes on loopback — tax, two banks, guarantor, regulator, auditor — started by <see cref="LocalConsortium"/> as
/// the CLI tests start it, but polling the chain every 2 s and anchoring at most every 2 s instead of 50 and 300 ms:
/// a hundred thousand requests take minutes, and six nodes polling hardhat all along cost a good share of a core); a borrower with a
/// consent, a decision and a loan, made through the CLI in-process as the CLI tests make them; a batch agreement and a
/// fund; and signed connections from every member (and from a key that operates no member) to every node. Its
/// description file is where the CLI finds it, so the CLI fuzz runs commands against it.
/// </summary>
public sealed class FuzzConsortium : IAsyncLifetime
{
    private readonly Dictionary<(string Node, string Caller), LedgerConnection> _connections = [];
    private readonly Dictionary<string, LedgerConnection> _outsiders = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _owned = [];

    public string Password { get; } = "fuzz-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    /// <summary>The suite's folder: the consortium's work folder, its description, and a sandbox for files the CLI reads and writes.</summary>
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "ledger-fuzz-tests", Guid.NewGuid().ToString("N")[..12]);

    public string ConsortiumFile => Path.Combine(Dir, "consortium.json");

    /// <summary>The running consortium.</summary>
    public LocalConsortium Consortium { get; private set; } = null!;

    /// <summary>Real values to mix into requests.</summary>
    public FuzzSeeds Seeds { get; private set; } = null!;

    /// <summary>The environment variables the CLI sees (key store password, consortium description).</summary>
    public Dictionary<string, string> Environment() => new(StringComparer.Ordinal)
    {
        [Cli.GlobalOptions.PasswordVariable] = Password,
        [Cli.GlobalOptions.ConsortiumVariable] = ConsortiumFile,
    };

    /// <summary>Runs the CLI in-process against this consortium.</summary>
    public Task<CliRun> RunAsync(params string[] args) => CliRunner.RunAsync(args, Environment(), Dir);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Dir);
        Consortium = await LocalConsortium.StartAsync(new LocalConsortiumOptions
        {
            WorkDir = Path.Combine(Dir, "local"),
            KeyStorePassword = Password,
            PollInterval = TimeSpan.FromSeconds(2),
            BatcherMaxWaitMs = 2_000,
        });
        Consortium.Describe().Save(ConsortiumFile);

        // A borrower and its loan, as LendingSetup makes them for the CLI tests.
        var taxpayer = LendingSetup.ApprovedTaxpayer();
        var data = Path.Combine(Dir, "borrower.jsonl");
        await File.WriteAllTextAsync(data, TaxpayerImport.ToJsonLine(taxpayer) + "\n");
        LendingSetup.Ok(await RunAsync("tax", "import", data, "--json"));
        var keyFile = Path.Combine(Dir, "borrower.key");
        var account = LendingSetup.Ok(await RunAsync("consent", "keygen", "--out", keyFile, "--json")).GetProperty("account").GetString()!;
        LendingSetup.Ok(await RunAsync("tax", "bind", "--credit-code", taxpayer.CreditCode.Value, "--enterprise-key", keyFile, "--json"));
        var granted = LendingSetup.Ok(await RunAsync(
            "consent", "grant", "--enterprise-key", keyFile, "--org", LendingSetup.Bank, "--scopes", "rating,payments,invoices,judicial", "--fetch-cap", "100", "--json"));
        var consentId = granted.GetProperty("consentId").GetString()!;
        // The tax node decides "as of the latest block it knows"; with a 2 s poll it may not know the grant's yet.
        await WaitForHeadAsync(LendingSetup.Tax, granted.GetProperty("block").GetUInt64());
        var decision = LendingSetup.Ok(await RunAsync("loan", "decide", "--consent", consentId, "--org", LendingSetup.Bank, "--json"));
        if (!decision.GetProperty("approved").GetBoolean())
        {
            throw new InvalidOperationException($"The borrower's decision was declined; the suite needs an approved one:\n{decision}");
        }
        var decisionHash = decision.GetProperty("decisionHash").GetString()!;
        const string reference = "FUZZ-LOAN-1";
        var loan = LendingSetup.Ok(await RunAsync("loan", "disburse", "--decision", decisionHash, "--reference", reference, "--amount", "1万", "--org", LendingSetup.Bank, "--json"));

        foreach (var node in Consortium.Nodes)
        {
            foreach (var caller in Consortium.Nodes)
            {
                _connections[(node.Spec.Org, caller.Spec.Org)] = await Consortium.ConnectAsync(node.Spec.Org, caller.Spec.Org);
            }
            var keys = NodeKeys.Generate();
            _owned.Add(keys);
            var outsider = new LedgerIdentity(OrgId.FromCode(LendingSetup.Bank), keys.OperatorKey, keys.Encryption);
            _owned.Add(outsider);
            _outsiders[node.Spec.Org] = await node.ConnectAsync(outsider);
        }

        var guarantor = Connection(LendingSetup.Guarantor, LendingSetup.Guarantor);
        var (agreement, _) = await guarantor.Guarantees.ProposeAgreementAsync(new AgreementProposal(
            "FUZZ-AGREEMENT-1", OrgId.FromCode(LendingSetup.Bank), 5_000, 100, 100_000_000, 1_000_000_000,
            (ulong)DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds()));
        var regulator = Connection(LendingSetup.Regulator, LendingSetup.Regulator);
        var fund = await regulator.Compensation.CreateFundAsync(new FundSetup("FUZZ-FUND-1", 5_000, 1_000_000_000, [ProductCode.FromCode("SHUIYIDAI")]));

        Seeds = new FuzzSeeds(
            consentId,
            granted.GetProperty("terms").GetProperty("creditCodeHash").GetString()!,
            account,
            keyFile,
            taxpayer.CreditCode.Value,
            decisionHash,
            loan.GetProperty("loanId").GetString()!,
            reference,
            agreement.ToString(),
            fund.Fund.ToString());
    }

    private async Task WaitForHeadAsync(string org, ulong block)
    {
        var node = await Consortium.ConnectAsync(org);
        using (node)
        {
            for (var i = 0; i < 600 && (await node.Node.GetInfoAsync()) is var info && (info.LatestBlock < block || info.IndexedBlock < block); i++)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A connection to the node of <paramref name="node"/> signing as the operator of <paramref name="caller"/>.</summary>
    public LedgerConnection Connection(string node, string caller) => _connections[(node, caller)];

    /// <summary>A connection to the node of <paramref name="node"/> signing with a key that operates no member (claiming a bank).</summary>
    public LedgerConnection Outsider(string node) => _outsiders[node];

    /// <summary>CPU used so far by this test process, each node process and the chain node (for the suite's report).</summary>
    public IReadOnlyDictionary<string, TimeSpan> Cpu()
    {
        var cpu = new Dictionary<string, TimeSpan>(StringComparer.Ordinal) { ["tests"] = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime };
        foreach (var node in Consortium.Nodes)
        {
            cpu[node.Spec.Org] = CpuOf(node.ProcessId);
        }
        var chain = Consortium.ProcessIds.Except(Consortium.Nodes.SelectMany(n => n.ProcessIds)).FirstOrDefault();
        cpu["chain"] = CpuOf(chain == 0 ? null : chain);
        return cpu;
    }

    private static TimeSpan CpuOf(int? pid)
    {
        if (pid is not { } id)
        {
            return TimeSpan.Zero;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(id);
            return process.TotalProcessorTime;
        }
        catch (ArgumentException)
        {
            return TimeSpan.Zero;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>The lines of a node's log from the one naming <paramref name="correlation"/> on (an unexpected failure is logged there with its stack trace).</summary>
    public string LogAround(string node, string correlation, int lines = 25)
    {
        var log = Consortium[node].LogFile;
        if (!File.Exists(log))
        {
            return $"(no log at {log})";
        }
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var all = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            all.Add(line);
        }
        var at = all.FindIndex(l => l.Contains(correlation, StringComparison.Ordinal));
        return at < 0 ? $"(correlation id {correlation} not in {log})" : string.Join('\n', all.Skip(at).Take(lines));
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections.Values.Concat(_outsiders.Values))
        {
            connection.Dispose();
        }
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        if (Consortium is null)
        {
            return;
        }
        var processes = Consortium.ProcessIds;
        await Consortium.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
        var left = processes.Where(ConsortiumFixture.IsRunning).ToList();
        if (left.Count > 0)
        {
            throw new InvalidOperationException($"Processes of the consortium are still running after it was stopped: {string.Join(", ", left)}.");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FuzzConsortiumDefinition : ICollectionFixture<FuzzConsortium>
{
    public const string Name = "fuzz consortium";
}
