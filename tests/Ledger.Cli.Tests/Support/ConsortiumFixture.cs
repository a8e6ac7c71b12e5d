using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Ledger.Local;

namespace Ledger.Cli.Tests.Support;

/// <summary>
/// The default local consortium (1 tax, 2 banks, guarantor, regulator, auditor), started once for the collection by
/// <see cref="LocalConsortium"/>: a real hardhat chain and six real ledger-node processes on loopback. Each member also
/// registers an enode URL (made from a fresh secp256k1 key, as a Besu node key would be) so the allowlist export has
/// nodes to list. Its description is written where the CLI looks for it; the CLI runs in-process against it through
/// <see cref="RunAsync"/>. Disposing stops everything and fails when any process of it is left.
/// </summary>
public sealed class ConsortiumFixture : IAsyncLifetime
{
    public string Password { get; } = "cli-tests-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "ledger-cli-tests", Guid.NewGuid().ToString("N")[..12]);

    public string ConsortiumFile => Path.Combine(Dir, "consortium.json");

    public LocalConsortium Consortium { get; private set; } = null!;

    /// <summary>The enode URL each member registered.</summary>
    public IReadOnlyDictionary<string, string> Enodes { get; private set; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Dir);
        var enodes = new Dictionary<string, string>();
        var nodes = LocalConsortiumOptions.DefaultTopology.Select((spec, i) =>
        {
            var enode = NewEnode(30303 + i);
            enodes[spec.Org] = enode;
            return spec with { Enode = enode };
        }).ToList();
        Enodes = enodes;
        Consortium = await LocalConsortium.StartAsync(new LocalConsortiumOptions
        {
            WorkDir = Path.Combine(Dir, "local"),
            Nodes = nodes,
            KeyStorePassword = Password,
            PollInterval = TimeSpan.FromMilliseconds(50),
            BatcherMaxWaitMs = 300,
        });
        Consortium.Describe().Save(ConsortiumFile);
    }

    /// <summary>Runs the CLI in-process against this consortium (password and description from its environment).</summary>
    public Task<CliRun> RunAsync(params string[] args) => CliRunner.RunAsync(args, Environment());

    /// <summary>The environment variables the CLI sees.</summary>
    public Dictionary<string, string> Environment() => new(StringComparer.Ordinal)
    {
        [GlobalOptions.PasswordVariable] = Password,
        [GlobalOptions.ConsortiumVariable] = ConsortiumFile,
    };

    public async Task DisposeAsync()
    {
        if (Consortium is null)
        {
            return;
        }
        var processes = Consortium.ProcessIds;
        await Consortium.DisposeAsync();
        var left = processes.Where(IsRunning).ToList();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
        if (left.Count > 0)
        {
            throw new InvalidOperationException($"Processes of the consortium are still running after it was stopped: {string.Join(", ", left)}.");
        }
    }

    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>An enode URL of a fresh node key: the 64-byte uncompressed public key in hex, @ a loopback address.</summary>
    public static string NewEnode(int port)
    {
        var key = new byte[32];
        NBitcoin.Secp256k1.ECPrivKey? privateKey;
        do
        {
            RandomNumberGenerator.Fill(key);
        }
        while (!NBitcoin.Secp256k1.Context.Instance.TryCreateECPrivKey(key, out privateKey));
        Span<byte> publicKey = stackalloc byte[65];
        privateKey!.CreatePubKey().WriteToSpan(compressed: false, publicKey, out _);
        return string.Create(CultureInfo.InvariantCulture, $"enode://{Convert.ToHexStringLower(publicKey[1..])}@127.0.0.1:{port}");
    }
}

[CollectionDefinition(Name)]
public sealed class SharedConsortium : ICollectionFixture<ConsortiumFixture>
{
    public const string Name = "local consortium";
}
