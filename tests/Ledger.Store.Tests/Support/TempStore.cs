using Ledger.Core.Model;

namespace Ledger.Store.Tests.Support;

/// <summary>A store file in its own temporary folder, deleted with the folder when disposed.</summary>
public sealed class TempStore : IDisposable
{
    public static readonly OrgId Org = OrgId.FromCode("tax.liuzhou");

    public TempStore(string? password = null)
    {
        Folder = Path.Combine(Path.GetTempPath(), "ledger-store-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        FilePath = Path.Combine(Folder, "node.ledger.db");
        Password = password;
    }

    public string Folder { get; }

    public string FilePath { get; }

    public string? Password { get; }

    public LedgerStoreOptions Options(OrgId? org = null, string? password = null) => new()
    {
        Path = FilePath,
        Organization = org ?? Org,
        Password = password ?? Password,
    };

    public LedgerStore Open(OrgId? org = null) => LedgerStore.Open(Options(org));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A process under test may still hold a file for a moment; the OS temp cleaner gets it.
        }
    }
}
