using Ledger.Core.Errors;

namespace Ledger.Sdk.Keys;

/// <summary>How a node's secret files (key store, TLS certificate) are written: owner-only, whole or not at all, never over another.</summary>
internal static class SecretFiles
{
    /// <summary>
    /// Writes <paramref name="bytes"/> to a new file at <paramref name="full"/>: into a temporary file beside it, made
    /// owner-only (read and write) before it is moved into place, so no other user ever reads it and a crash leaves no
    /// half-written file; an existing file is never overwritten (<paramref name="exists"/> is thrown).
    /// </summary>
    public static void WriteNew(string full, ReadOnlySpan<byte> bytes, Func<LedgerException> exists)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
        using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            file.Write(bytes);
        }
        try
        {
            File.Move(temp, full, overwrite: false);
        }
        catch (IOException) when (File.Exists(full))
        {
            File.Delete(temp);
            throw exists();
        }
    }
}
