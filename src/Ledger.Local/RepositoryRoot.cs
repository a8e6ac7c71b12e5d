using Ledger.Chain.Errors;

namespace Ledger.Local;

/// <summary>Finds the repository root: the folder with hardhat.config.js (and node_modules).</summary>
public static class RepositoryRoot
{
    /// <summary>
    /// <paramref name="configured"/> when given; otherwise the first folder with hardhat.config.js walking up from
    /// the working folder, then from the program's folder.
    /// </summary>
    public static string Find(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = Path.GetFullPath(configured);
            return File.Exists(Path.Combine(full, "hardhat.config.js"))
                ? full
                : throw ChainConfigurationException.Profile($"RepositoryRoot {full} has no hardhat.config.js; point it at the Ledger repository");
        }
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "hardhat.config.js")))
                {
                    return dir.FullName;
                }
            }
        }
        throw ChainConfigurationException.Profile(
            "no hardhat.config.js was found above the working or program folder, so the local chain cannot be started; run from the Ledger repository or set RepositoryRoot");
    }
}
