using System.Text;

namespace Ledger.Store.Internal;

/// <summary>What a file on disk is, judged from its first page before LiteDB touches it.</summary>
internal enum StoreFileKind
{
    /// <summary>No file: a new store will be created.</summary>
    Missing,
    /// <summary>A zero-length file (e.g. a crash while the store was being created): treated as new.</summary>
    Empty,
    /// <summary>A LiteDB 5 data file without encryption.</summary>
    PlainLiteDb,
    /// <summary>A LiteDB 5 data file encrypted with a password.</summary>
    EncryptedLiteDb,
}

/// <summary>
/// Recognizes LiteDB 5 files by their header page. Needed because LiteDB itself takes any file shorter than one page
/// for a new database and overwrites it — a node pointed at the wrong path must refuse, not destroy the file.
/// </summary>
internal static class StoreFileProbe
{
    private const int PageSize = 8192;
    private const int HeaderInfoOffset = 32;
    private const int FileVersionOffset = 59;
    private const byte SupportedFileVersion = 8; // LiteDB 5's data file format
    private const int SaltEnd = 17; // encrypted files: byte 0 = 1, bytes 1..16 = salt, then zeros up to offset 32

    private static readonly byte[] HeaderInfo = Encoding.ASCII.GetBytes("** This is a LiteDB file **");

    public static StoreFileKind Probe(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return StoreFileKind.Missing;
        }
        if (info.Length == 0)
        {
            return StoreFileKind.Empty;
        }
        if (info.Length < PageSize)
        {
            throw StoreErrors.NotLiteDb(path, $"it is {info.Length} bytes long, shorter than one LiteDB page ({PageSize} bytes)");
        }

        var page = new byte[PageSize];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            stream.ReadExactly(page);
        }

        if (page.AsSpan(HeaderInfoOffset, HeaderInfo.Length).SequenceEqual(HeaderInfo))
        {
            var version = page[FileVersionOffset];
            return version == SupportedFileVersion
                ? StoreFileKind.PlainLiteDb
                : throw StoreErrors.NotLiteDb(path, $"it is a LiteDB file of format version {version}; Ledger reads LiteDB 5 files (format {SupportedFileVersion})");
        }
        if (page.AsSpan(0, 100).IndexOf(HeaderInfo) >= 0)
        {
            throw StoreErrors.NotLiteDb(path, "it is a file of an older LiteDB version (4.x or earlier)");
        }
        if (page[0] == 1 && page.AsSpan(SaltEnd, HeaderInfoOffset - SaltEnd).IndexOfAnyExcept((byte)0) < 0)
        {
            return StoreFileKind.EncryptedLiteDb;
        }
        throw StoreErrors.NotLiteDb(path, "its first page carries no LiteDB header (another kind of file, or a LiteDB file whose header page is damaged)");
    }
}
