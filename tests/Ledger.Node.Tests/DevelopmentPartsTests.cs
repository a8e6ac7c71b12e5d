using System.Reflection;
using System.Text;
using System.Xml.Linq;
using Ledger.Local;

namespace Ledger.Node.Tests;

/// <summary>
/// ledger-node holds no development part: it does not reference Ledger.Local (the hardhat/anvil launcher and the
/// published development keys), and none of the assemblies it runs on carries a development private key, the
/// mnemonic, or the launcher's types. It knows the development accounts only by address, to refuse them on a chain
/// that is not local (<see cref="DevelopmentKeyTests"/>).
/// </summary>
public class DevelopmentPartsTests
{
    private static readonly string[] LauncherTypes = ["DevAccounts", "LocalChain", "LocalChainProcess", "RepositoryRoot"];

    [Fact]
    public void NodeProject_DoesNotReferenceLedgerLocal_DirectlyOrThroughAnotherProject()
    {
        var root = RepositoryRoot.Find();
        var projects = ProjectClosure(Path.Combine(root, "src", "Ledger.Node", "Ledger.Node.csproj"));

        Assert.Contains(projects, p => Path.GetFileName(p) == "Ledger.Chain.csproj"); // the walk does follow references
        Assert.DoesNotContain(projects, p => Path.GetFileName(p) == "Ledger.Local.csproj");
    }

    [Fact]
    public void NodeAssembly_DoesNotLoadLedgerLocal_DirectlyOrThroughAnotherAssembly()
    {
        var names = NodeAssemblies().Select(a => a.GetName().Name).ToList();

        Assert.Contains("Ledger.Chain", names);
        Assert.DoesNotContain("Ledger.Local", names);
    }

    [Fact]
    public void NodeAssemblies_HoldNoDevelopmentKeyNorMnemonicNorLauncherType()
    {
        var needles = Needles();
        // The scan finds what it looks for: Ledger.Local does hold the keys.
        Assert.NotEmpty(Found(File.ReadAllBytes(typeof(DevAccounts).Assembly.Location), needles));

        foreach (var assembly in NodeAssemblies())
        {
            var found = Found(File.ReadAllBytes(assembly.Location), needles);
            Assert.True(found.Count == 0, $"{assembly.GetName().Name} holds {string.Join(", ", found)}");
            var types = assembly.GetTypes().Where(t => LauncherTypes.Contains(t.Name)).Select(t => t.FullName).ToList();
            Assert.True(types.Count == 0, $"{assembly.GetName().Name} has {string.Join(", ", types)}");
        }
    }

    // ledger-node and every Ledger assembly it references, transitively.
    private static List<Assembly> NodeAssemblies()
    {
        var node = typeof(Hosting.NodeFoundation).Assembly;
        var seen = new Dictionary<string, Assembly>(StringComparer.Ordinal) { [node.GetName().Name!] = node };
        var queue = new Queue<Assembly>([node]);
        while (queue.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("Ledger.", StringComparison.Ordinal)))
            {
                if (!seen.ContainsKey(reference.Name!))
                {
                    var loaded = Assembly.Load(reference);
                    seen[reference.Name!] = loaded;
                    queue.Enqueue(loaded);
                }
            }
        }
        return [.. seen.Values];
    }

    private static HashSet<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([Path.GetFullPath(project)]);
        while (queue.TryDequeue(out var next))
        {
            if (!seen.Add(next))
            {
                continue;
            }
            foreach (var reference in XDocument.Load(next).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar);
                queue.Enqueue(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next)!, include)));
            }
        }
        return seen;
    }

    // Each key as hex (lower and upper case, UTF-8 and UTF-16 as string literals are stored) and as its 32 raw bytes;
    // the mnemonic likewise.
    private static List<(string What, byte[] Bytes)> Needles()
    {
        var needles = new List<(string, byte[])>();
        void Text(string what, string text)
        {
            needles.Add((what, Encoding.UTF8.GetBytes(text)));
            needles.Add((what, Encoding.Unicode.GetBytes(text)));
        }
        for (var i = 0; i < DevAccounts.Count; i++)
        {
            var key = DevAccounts.PrivateKey(i);
            Text($"development key {i}", Convert.ToHexStringLower(key));
            Text($"development key {i}", Convert.ToHexString(key));
            needles.Add(($"development key {i} (raw)", key));
        }
        Text("the development mnemonic", DevAccounts.Mnemonic);
        return needles;
    }

    private static List<string> Found(byte[] haystack, List<(string What, byte[] Bytes)> needles) =>
        [.. needles.Where(n => haystack.AsSpan().IndexOf(n.Bytes) >= 0).Select(n => n.What).Distinct()];
}
