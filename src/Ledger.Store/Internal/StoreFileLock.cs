using System.Globalization;
using System.Text;

namespace Ledger.Store.Internal;

/// <summary>
/// An exclusive lock on <c>&lt;store&gt;.lock</c>, held while the store is open. LiteDB's direct mode does not stop a
/// second process from opening the same file (two writers would corrupt it), so the store takes this lock first.
/// On Linux and macOS .NET implements <see cref="FileShare.None"/> with <c>flock(LOCK_EX)</c>, which is per open
/// file description: a second process, and a second open in the same process, both fail; the kernel releases it
/// when the holder exits, even on SIGKILL, so a crash never leaves a stale lock. On Windows the share mode is
/// enforced by the OS.
/// </summary>
internal sealed class StoreFileLock : IDisposable
{
    private readonly FileStream _stream;

    private StoreFileLock(FileStream stream) => _stream = stream;

    public static string LockPathOf(string storePath) => storePath + ".lock";

    public static StoreFileLock Acquire(string storePath)
    {
        var lockPath = LockPathOf(storePath);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            throw StoreErrors.Locked(storePath, lockPath, ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw StoreErrors.StorageFailure(storePath, "create its lock file", ex);
        }

        try
        {
            // For a human who finds the file: who holds it. Never read by the code — the lock is the flock.
            var owner = string.Create(CultureInfo.InvariantCulture,
                $"pid {Environment.ProcessId} on {Environment.MachineName} since {DateTimeOffset.UtcNow:O}\n");
            stream.SetLength(0);
            stream.Write(Encoding.UTF8.GetBytes(owner));
            stream.Flush();
        }
        catch (IOException)
        {
            // The note is informative only; the lock is held either way.
        }
        return new StoreFileLock(stream);
    }

    public void Dispose() => _stream.Dispose();
}
