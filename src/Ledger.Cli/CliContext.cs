using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Chain.Deployment;
using Ledger.Chain.Profiles;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Local;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Ledger.Sdk.Keys;
using Ledger.Sdk.Tls;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Ledger.Cli;

/// <summary>
/// One command invocation: its parsed options, its output (a Spectre console for people, or one JSON document), and
/// the resolution every command shares — which consortium description, which node, which key, which chain.
/// Whatever it opens (connections, key material, chain clients) is disposed when the command ends.
/// </summary>
public sealed class CliContext : IAsyncDisposable
{
    /// <summary>JSON output: camelCase, indented, readable Chinese names.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly GlobalOptions _globals;
    private readonly List<object> _owned = [];
    private ConsortiumDescription? _consortium;
    private bool _consortiumLoaded;
    private IAnsiConsole? _console;

    internal CliContext(GlobalOptions globals, ParseResult parseResult)
    {
        _globals = globals;
        ParseResult = parseResult;
    }

    /// <summary>The parsed command line.</summary>
    public ParseResult ParseResult { get; }

    /// <summary>Where the CLI reads and writes.</summary>
    public CliEnvironment Environment => _globals.Environment;

    /// <summary>True with <c>--json</c>.</summary>
    public bool Json => ParseResult.GetValue(_globals.Json);

    /// <summary><c>--csv</c> (list commands only).</summary>
    public bool Csv => ParseResult.GetResult(_globals.Csv) is not null && ParseResult.GetValue(_globals.Csv);

    /// <summary>True with <c>--verbose</c>.</summary>
    public bool Verbose => ParseResult.GetValue(_globals.Verbose);

    /// <summary>The value of <c>--org</c>.</summary>
    public string? OrgOption => ParseResult.GetValue(_globals.Org);

    /// <summary>The value of <c>--node</c>.</summary>
    public string? NodeOption => ParseResult.GetValue(_globals.Node);

    /// <summary>The value of <c>--rpc</c>.</summary>
    public string? RpcOption => ParseResult.GetValue(_globals.Rpc);

    /// <summary>The value of <c>--deployment</c>.</summary>
    public string? DeploymentOption => ParseResult.GetValue(_globals.Deployment);

    /// <summary>The value of an option of the command.</summary>
    public T? Get<T>(Option<T> option) => ParseResult.GetValue(option);

    /// <summary>The value of an argument of the command.</summary>
    public T? Get<T>(Argument<T> argument) => ParseResult.GetValue(argument);

    // ------------------------------------------------------------------ output

    /// <summary>The console for people (writes to standard output; no colours unless a terminal watches).</summary>
    public IAnsiConsole Console => _console ??= CreateConsole(Environment.Out, Environment.Interactive);

    /// <summary>Prints one JSON document on standard output.</summary>
    public void WriteJson(object value) => Environment.Out.WriteLine(JsonSerializer.Serialize(value, value.GetType(), JsonOptions));

    /// <summary>A progress line for people (nothing with <c>--json</c>, which keeps stdout to its one document).</summary>
    public void Progress(string message)
    {
        if (!Json)
        {
            Console.MarkupLine($"[grey]· {Markup.Escape(message)}[/]");
        }
    }

    /// <summary>A warning on standard error (never on stdout, so <c>--json</c> output stays one document).</summary>
    public void Warn(string message) => Environment.Error.WriteLine($"warning: {message}");

    /// <summary>A table with rounded borders and the given column headers.</summary>
    public static Table NewTable(params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(column);
        }
        return table;
    }

    /// <summary>
    /// Prints a list: with <c>--csv</c> the table's header and rows as CSV (RFC 4180, the cells' plain text, line breaks
    /// within a cell kept inside its quotes) and nothing else; otherwise the table and then <paramref name="summary"/>
    /// (markup).
    /// </summary>
    public void WriteList(Table table, string summary)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!Csv)
        {
            Console.Write(table);
            Console.MarkupLine(summary);
            return;
        }
        var options = new RenderOptions(Console.Profile.Capabilities, new Size(100_000, 1));
        string Plain(IRenderable cell) =>
            string.Concat(cell.Render(options, 100_000).Where(s => !s.IsControlCode).Select(s => s.IsLineBreak ? "\n" : s.Text)).TrimEnd();
        Environment.Out.Write(CsvLine(table.Columns.Select(c => Plain(c.Header))));
        foreach (var row in table.Rows)
        {
            Environment.Out.Write(CsvLine(row.Select(Plain)));
        }
    }

    /// <summary>One CSV line (CRLF-terminated, RFC 4180): a field with a comma, quote or line break is quoted, its quotes doubled.</summary>
    public static string CsvLine(IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return string.Join(',', fields.Select(f =>
            f.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f)) + "\r\n";
    }

    /// <summary>A Spectre console over <paramref name="writer"/>: wide, and plain unless a person watches a terminal.</summary>
    public static IAnsiConsole CreateConsole(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Captured or redirected output: no terminal width to fit, and addresses should not wrap.
            console.Profile.Width = 220;
        }
        return console;
    }

    // ------------------------------------------------------------------ consortium description

    /// <summary>The consortium description's path: <c>--consortium</c>, LEDGER_CONSORTIUM, or <c>out/consortium.json</c>.</summary>
    public string ConsortiumFile =>
        Environment.FullPath(ParseResult.GetValue(_globals.Consortium)
            ?? Environment.Variable(GlobalOptions.ConsortiumVariable)
            ?? Path.Combine("out", "consortium.json"));

    private bool ConsortiumFileNamed => ParseResult.GetValue(_globals.Consortium) is not null || Environment.Variable(GlobalOptions.ConsortiumVariable) is not null;

    /// <summary>The consortium description; null when none exists at the default place (a named file must exist).</summary>
    public ConsortiumDescription? TryConsortium()
    {
        if (!_consortiumLoaded)
        {
            _consortiumLoaded = true;
            _consortium = File.Exists(ConsortiumFile) || ConsortiumFileNamed ? ConsortiumDescription.Load(ConsortiumFile) : null;
        }
        return _consortium;
    }

    /// <summary>The consortium description (LEDGER-1654 when there is none).</summary>
    public ConsortiumDescription Consortium() => TryConsortium() ?? ConsortiumDescription.Load(ConsortiumFile);

    /// <summary>The described node of <paramref name="org"/> (LEDGER-1661 naming the known ones when there is none).</summary>
    public NodeDescription NodeOf(string org)
    {
        var consortium = Consortium();
        return consortium.Node(org)
            ?? throw CliErrors.UnknownOrg(
                $"No node of organization '{org}' is in {ConsortiumFile}; the consortium has {string.Join(", ", consortium.Nodes.Select(n => n.Org))}. Check the code, or name the node with --node URL.");
    }

    /// <summary>The first described node of a role (tax, bank, …), or null.</summary>
    public NodeDescription? FirstNodeOf(string role) => TryConsortium()?.Nodes.FirstOrDefault(n => n.Role == role);

    // ------------------------------------------------------------------ who signs, which node

    /// <summary>
    /// The caller: <c>--key-store FILE</c> (with <c>--org</c>, or the organization the consortium description gives its
    /// operator), or the key store of <c>--org</c>'s node in the consortium description, or that of the first node of
    /// <paramref name="defaultRole"/>. The password comes from LEDGER_KEYSTORE_PASSWORD.
    /// </summary>
    public LedgerIdentity Identity(string? defaultRole = null)
    {
        var org = OrgOption;
        var keyStore = ParseResult.GetValue(_globals.KeyStore);
        string file;
        if (keyStore is not null)
        {
            file = Environment.FullPath(keyStore);
        }
        else
        {
            if (TryConsortium() is null)
            {
                throw CliErrors.Target(
                    $"No key to sign with: give --key-store FILE and --org CODE (password in {GlobalOptions.PasswordVariable}), or start a local consortium with `ledger up`.");
            }
            var node = org is not null
                ? NodeOf(org)
                : defaultRole is not null ? FirstNodeOf(defaultRole) : null;
            if (node is null)
            {
                throw CliErrors.Target(
                    defaultRole is null
                        ? "Which organization should sign? Give --org CODE (or --key-store FILE)."
                        : $"The consortium in {ConsortiumFile} has no {defaultRole} node to act as; give --org CODE or --key-store FILE.");
            }
            org = node.Org;
            file = node.KeyStore;
        }
        var password = Environment.Variable(GlobalOptions.PasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            var generated = keyStore is null && TryConsortium()?.KeyStorePassword == "generated";
            throw CliErrors.Target(generated
                ? $"The local consortium's key stores have generated passwords that only its `ledger up` process knows; start `ledger up` with {GlobalOptions.PasswordVariable} set, and set the same value here."
                : $"{GlobalOptions.PasswordVariable} is not set; set it to the password of the key store {file}.");
        }
        var keys = NodeKeyStore.Load(file, password);
        _owned.Add(keys);
        if (org is null)
        {
            org = TryConsortium()?.Nodes.FirstOrDefault(n => string.Equals(n.Operator, keys.Operator.ToString(), StringComparison.OrdinalIgnoreCase))?.Org
                ?? throw CliErrors.Target($"Which organization does the key store {file} act for? Give --org CODE.");
        }
        var identity = LedgerIdentity.FromKeys(CliParse.Org(org, "--org"), keys);
        _owned.Add(identity);
        return identity;
    }

    /// <summary>
    /// The node to call: <c>--node</c>, else the described node of <paramref name="org"/>, else the first described node
    /// of <paramref name="role"/>.
    /// </summary>
    public string NodeUrl(string? org, string? role = null)
    {
        if (NodeOption is { } explicitUrl)
        {
            return CliParse.Url(explicitUrl, "--node");
        }
        if (org is not null && TryConsortium() is not null)
        {
            return NodeOf(org).Url;
        }
        if (role is not null && FirstNodeOf(role) is { } node)
        {
            return node.Url;
        }
        throw CliErrors.Target(TryConsortium() is null
            ? $"Which node? Give --node URL, or start a local consortium with `ledger up` (no description at {ConsortiumFile})."
            : $"Which node? Give --node URL or --org CODE; the consortium has {string.Join(", ", Consortium().Nodes.Select(n => n.Org))}.");
    }

    /// <summary>True with <c>--plaintext-development</c>.</summary>
    public bool PlaintextDevelopment => ParseResult.GetValue(_globals.PlaintextDevelopment);

    /// <summary>
    /// How the node at <paramref name="url"/> is checked: the pins of <c>--tls-pin</c>; else the pin the consortium
    /// description gives the node at that address (a described plaintext node is reached in plaintext: `ledger up`
    /// was told so); else the pins the chain registers for the member the node says it is (<c>--rpc</c> and
    /// <c>--deployment</c>, or the description's chain). <c>--plaintext-development</c> allows plain HTTP to loopback.
    /// </summary>
    public LedgerTlsOptions TlsFor(string url)
    {
        var plaintext = PlaintextDevelopment;
        if (ParseResult.GetValue(_globals.TlsPin) is { } pinText)
        {
            var pins = new List<Core.Primitives.Hash32>();
            foreach (var part in pinText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                pins.Add(TlsPins.TryParse(part, out var pin) ? pin
                    : throw CliErrors.BadArgument($"--tls-pin '{part}' is not a pin (0x followed by 64 hex digits, as `ledger-node keys show` prints it)."));
            }
            return new LedgerTlsOptions { ServerPins = pins, AllowPlaintext = plaintext };
        }
        if (TryConsortium()?.Nodes.FirstOrDefault(n => string.Equals(n.Url.TrimEnd('/'), url.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)) is { } described)
        {
            if (described.TlsPin is { } text && TlsPins.TryParse(text, out var pin))
            {
                return new LedgerTlsOptions { ServerPins = [pin], AllowPlaintext = plaintext };
            }
            if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                return new LedgerTlsOptions { AllowPlaintext = true };
            }
        }
        var haveChain = (RpcOption is not null && DeploymentOption is not null) || TryConsortium() is not null;
        return new LedgerTlsOptions { AllowPlaintext = plaintext, RegisteredPins = haveChain ? RegisteredPinsAsync : null };
    }

    private ChainEnvironment? _pinChain;

    private async Task<IReadOnlyCollection<Core.Primitives.Hash32>> RegisteredPinsAsync(OrgId org, CancellationToken cancellationToken)
    {
        _pinChain ??= await OpenChainAsync(cancellationToken).ConfigureAwait(false);
        var consortium = new Chain.Contracts.Consortium.ConsortiumService(_pinChain.Rpc.Web3, _pinChain.Deployment[Chain.Abi.LedgerContracts.Consortium].ToString());
        var pins = await _pinChain.Rpc.CallAsync(_ => consortium.TlsPinsOfQueryAsync(org.Value.ToArray()), cancellationToken).ConfigureAwait(false);
        return TlsPins.FromChain(pins);
    }

    /// <summary>Connects to <paramref name="url"/> as <paramref name="identity"/> (closed when the command ends).</summary>
    public async Task<LedgerConnection> ConnectAsync(string url, LedgerIdentity identity, CancellationToken cancellationToken)
    {
        var connection = await LedgerConnection.ConnectAsync(url, identity, new LedgerConnectionOptions { Tls = TlsFor(url) }, cancellationToken).ConfigureAwait(false);
        _owned.Add(connection);
        return connection;
    }

    // ------------------------------------------------------------------ chain

    /// <summary>
    /// The chain: <c>--rpc</c> and <c>--deployment</c>, or the consortium description's. On a local chain (chain id
    /// 31337) transactions count as final at once — hardhat mines only when a transaction comes.
    /// </summary>
    public async Task<ChainEnvironment> OpenChainAsync(CancellationToken cancellationToken)
    {
        var rpc = ParseResult.GetValue(_globals.Rpc);
        var deploymentFile = ParseResult.GetValue(_globals.Deployment);
        if (rpc is null || deploymentFile is null)
        {
            var consortium = TryConsortium();
            if (consortium is null)
            {
                throw CliErrors.Target(
                    $"Which chain? Give --rpc URL and --deployment FILE, or start a local consortium with `ledger up` (no description at {ConsortiumFile}).");
            }
            rpc ??= consortium.Chain.RpcUrl;
            deploymentFile ??= consortium.Chain.DeploymentFile;
        }
        rpc = CliParse.Url(rpc, "--rpc");
        deploymentFile = Environment.FullPath(deploymentFile);
        var deployment = LedgerDeployment.Load(deploymentFile);
        var local = (ulong)deployment.ChainId == LocalConsortium.LocalChainId;
        var chain = await ChainEnvironment.StartAsync(
            new ChainProfile
            {
                Kind = ChainKind.Rpc,
                RpcUrl = rpc,
                DeploymentFile = deploymentFile,
                FinalityDepth = local ? 0 : null,
                PollInterval = local ? TimeSpan.FromMilliseconds(100) : null,
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        _owned.Add(chain);
        return chain;
    }

    /// <summary>Something to dispose when the command ends.</summary>
    public T Own<T>(T disposable)
        where T : notnull
    {
        _owned.Add(disposable);
        return disposable;
    }

    // ------------------------------------------------------------------ running

    internal async Task<int> RunAsync(Func<CliContext, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(this, cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerException ex)
        {
            return Fail(ex.Code, ex.Message, CliErrors.ExitCodeOf(ex), ex);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(CliErrors.InterruptedCode, "Interrupted; nothing further was done.", CliErrors.Interrupted, ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Fail(CliErrors.InternalCode, $"The command failed unexpectedly ({ex.GetType().Name}: {ex.Message}); run it again with --verbose and report the output.", CliErrors.Internal, ex);
        }
    }

    /// <summary>Prints a failure (code and sentence on stderr; with <c>--json</c> also as the JSON document) and returns the exit code.</summary>
    public int Fail(string code, string message, int exitCode, Exception? exception = null)
    {
        Environment.Error.WriteLine($"{code}: {message}");
        if (Verbose && exception is not null)
        {
            Environment.Error.WriteLine(exception.ToString());
        }
        if (Json)
        {
            WriteJson(new { error = new { code, message, exitCode } });
        }
        return exitCode;
    }

    /// <summary>Disposes what the command opened.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            switch (_owned[i])
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
        _owned.Clear();
    }
}
