using Ledger.Sdk.Keys;

namespace Ledger.Cli;

/// <summary>
/// Private keys in files, for the keys the CLI signs with besides a node's key store: a governor's key, an enterprise's
/// wallet key. A file holds 64 hex digits (optionally 0x-prefixed), or is a Ledger key store (whose operator key is
/// used; password from LEDGER_KEYSTORE_PASSWORD). New key files are written owner-only.
/// </summary>
public static class KeyFiles
{
    /// <summary>A private key from a file: 64 hex digits (0x optional), or a Ledger key store's operator key.</summary>
    public static byte[] ReadPrivateKey(CliContext context, string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliErrors.File($"The key file {file} cannot be read ({ex.Message}).", ex);
        }
        if (text.StartsWith('{'))
        {
            using var keys = NodeKeyStore.Load(file, context.Environment.Variable(GlobalOptions.PasswordVariable));
            return keys.OperatorKey.ToArray();
        }
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        try
        {
            var key = Convert.FromHexString(hex);
            if (key.Length == 32 && NBitcoin.Secp256k1.Context.Instance.TryCreateECPrivKey(key, out _))
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }
        throw CliErrors.File($"The key file {file} holds no private key: it should hold 64 hex digits (optionally 0x-prefixed), or be a Ledger key store.");
    }

    /// <summary>
    /// Writes a new key file (never over an existing one), readable by its owner only — and never where git would
    /// commit it: inside a git work tree the path must be one git ignores (the repository's <c>out/</c>, say).
    /// </summary>
    public static void WritePrivateKey(string file, ReadOnlySpan<byte> key)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        if (WouldBeCommitted(Path.GetFullPath(file)) is { } root)
        {
            throw CliErrors.File(
                $"{file} is inside the git work tree {root} and git does not ignore it: a private key there would be committed. Write it under out/ (ignored), or outside the work tree.");
        }
        try
        {
            Directory.CreateDirectory(directory);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using var stream = new FileStream(file, options);
            using var writer = new StreamWriter(stream);
            writer.WriteLine("0x" + Convert.ToHexStringLower(key));
        }
        catch (IOException ex) when (File.Exists(file))
        {
            throw CliErrors.File($"{file} already exists; a key file is never overwritten. Choose another name.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliErrors.File($"The key file {file} cannot be written ({ex.Message}).", ex);
        }
    }

    // The work tree's root when `path` is in a git work tree and not ignored there; null otherwise (or without git).
    private static string? WouldBeCommitted(string path)
    {
        string? root = null;
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(path)!); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                root = dir.FullName;
                break;
            }
        }
        if (root is null)
        {
            return null;
        }
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "check-ignore", "-q", "--no-index", path })
            {
                info.ArgumentList.Add(arg);
            }
            using var git = System.Diagnostics.Process.Start(info);
            if (git is null)
            {
                return null;
            }
            git.WaitForExit(10_000);
            // 0: ignored; 1: not ignored; anything else (128: not a repository after all): no verdict.
            return git.HasExited && git.ExitCode == 1 ? root : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine: nothing would commit it from here
        }
    }
}
