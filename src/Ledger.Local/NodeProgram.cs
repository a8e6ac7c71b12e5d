using System.Runtime.InteropServices;
using Ledger.Chain.Profiles;

namespace Ledger.Local;

/// <summary>
/// The node program to run: the built <c>ledger-node.dll</c> and the <c>dotnet</c> host that runs it (the same host
/// as the current process, so node and CLI run on the same runtime).
/// </summary>
/// <param name="DotnetHost">The dotnet executable.</param>
/// <param name="NodeDll">The node assembly.</param>
public sealed record NodeProgram(string DotnetHost, string NodeDll)
{
    /// <summary>The environment variable that may name the node assembly.</summary>
    public const string NodeDllVariable = "LEDGER_NODE_DLL";

    /// <summary>
    /// Finds the node, first match wins:
    /// <list type="number">
    /// <item><paramref name="configured"/> (<see cref="LocalConsortiumOptions.NodeDll"/>), then the environment variable <c>LEDGER_NODE_DLL</c>;</item>
    /// <item><c>ledger-node.dll</c> next to the running program, with its runtimeconfig (the CLI references the node
    /// project, so its build output holds a runnable node);</item>
    /// <item>the repository's build output, <c>src/Ledger.Node/bin/&lt;Debug|Release&gt;/net10.0/ledger-node.dll</c> — the
    /// configuration the running program was built with first, then the most recently built one.</item>
    /// </list>
    /// The host is the <c>dotnet</c> running this process, or else the one of this runtime's installation.
    /// </summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1650 when no node is built or no host is found.</exception>
    public static NodeProgram Locate(string? configured = null, string? repositoryRoot = null) =>
        new(LocateHost(), LocateNodeDll(configured, repositoryRoot));

    private static string LocateNodeDll(string? configured, string? repositoryRoot)
    {
        foreach (var explicitPath in new[] { configured, Environment.GetEnvironmentVariable(NodeDllVariable) })
        {
            if (!string.IsNullOrWhiteSpace(explicitPath))
            {
                var full = Path.GetFullPath(explicitPath);
                return File.Exists(full)
                    ? full
                    : throw LocalErrors.NodeNotBuilt($"The node assembly {full} does not exist; build it with `dotnet build src/Ledger.Node` or point {NodeDllVariable} at ledger-node.dll.");
            }
        }
        // Beside the program only when it can run there: a project that references the node gets its runtimeconfig too,
        // one that references it only transitively (a test project through the CLI) gets the assembly alone.
        var beside = Path.Combine(AppContext.BaseDirectory, "ledger-node.dll");
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
        {
            return beside;
        }
        string root;
        try
        {
            root = RepositoryRoot.Find(repositoryRoot);
        }
        catch (Core.Errors.LedgerException)
        {
            throw LocalErrors.NodeNotBuilt(
                $"ledger-node.dll is neither beside {AppContext.BaseDirectory} nor in a Ledger repository above the working folder; build the solution (`dotnet build Ledger.sln`) or set {NodeDllVariable}.");
        }
        var bin = Path.Combine(root, "src", "Ledger.Node", "bin");
        var ownConfiguration = AppContext.BaseDirectory.Replace('\\', '/').Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var candidates = new[] { ownConfiguration, ownConfiguration == "Release" ? "Debug" : "Release" }
            .Select(c => Path.Combine(bin, c, "net10.0", "ledger-node.dll"))
            .Where(File.Exists)
            .ToList();
        if (candidates.Count == 0)
        {
            throw LocalErrors.NodeNotBuilt($"The node is not built: no ledger-node.dll under {bin}; run `dotnet build Ledger.sln` in {root}.");
        }
        // The running program's own configuration is preferred unless the other one is clearly newer.
        return candidates.Count == 1 || File.GetLastWriteTimeUtc(candidates[0]) >= File.GetLastWriteTimeUtc(candidates[1]) - TimeSpan.FromMinutes(1)
            ? candidates[0]
            : candidates[1];
    }

    private static string LocateHost()
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var self = Environment.ProcessPath;
        if (self is not null && string.Equals(Path.GetFileName(self), exe, StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }
        // Running through an app host (bin/…/ledger): the runtime directory is <root>/shared/Microsoft.NETCore.App/<version>/.
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var installRoot = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        foreach (var candidate in new[]
                 {
                     Path.Combine(installRoot, exe),
                     Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
                     Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot ? Path.Combine(dotnetRoot, exe) : null,
                 })
        {
            if (!string.IsNullOrWhiteSpace(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw LocalErrors.NodeNotBuilt($"The dotnet host was not found beside the runtime in {installRoot}; set DOTNET_ROOT to the .NET installation.");
    }
}
