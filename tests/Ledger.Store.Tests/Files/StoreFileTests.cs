using System.Text;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Store.Tests.Support;
using LiteDB;

namespace Ledger.Store.Tests.Files;

public sealed class StoreFileTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_WhileAnotherInstanceHasTheFileOpen_FailsWithLockedAndTheFirstKeepsWorking()
    {
        using var first = _temp.Open();

        var ex = Assert.Throws<LedgerException>(() => _temp.Open());

        Assert.Equal(StoreErrors.LockedCode, ex.Code);
        Assert.Contains(_temp.FilePath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("another Ledger node", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1UL, first.Records.Accept(SampleRecords.Access()).Sequence);
    }

    [Fact]
    public void Open_AfterTheHolderClosed_Succeeds()
    {
        using (var first = _temp.Open())
        {
            first.Records.Accept(SampleRecords.Access());
        }

        using var second = _temp.Open();

        Assert.Equal(1, second.Records.Count);
    }

    [Fact]
    public void Open_MissingFileInMissingFolder_CreatesANewStoreOwnedByTheOrganization()
    {
        var path = Path.Combine(_temp.Folder, "deeper", "folder", "new.db");

        using (var store = LedgerStore.Open(new LedgerStoreOptions { Path = path, Organization = TempStore.Org }))
        {
            Assert.Equal(TempStore.Org, store.Organization);
            Assert.Equal(0UL, store.Records.LastSequence);
        }
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void Open_ZeroLengthFile_IsTreatedAsANewStore()
    {
        File.WriteAllBytes(_temp.FilePath, []);

        using var store = _temp.Open();

        Assert.Equal(1UL, store.Records.Accept(SampleRecords.Access()).Sequence);
    }

    [Fact]
    public void Open_ATextFile_FailsAsNotLiteDbAndLeavesTheFileUntouched()
    {
        // LiteDB alone would take this short file for an empty database and overwrite it.
        var content = Encoding.UTF8.GetBytes("my notes: do not lose\n");
        File.WriteAllBytes(_temp.FilePath, content);

        var ex = Assert.Throws<LedgerException>(() => _temp.Open());

        Assert.Equal(StoreErrors.NotLiteDbCode, ex.Code);
        Assert.Contains("not a Ledger store", ex.Message, StringComparison.Ordinal);
        Assert.Contains("left untouched", ex.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(_temp.FilePath));
    }

    [Fact]
    public void Open_ALargeFileOfRandomBytes_FailsAsNotLiteDb()
    {
        var content = new byte[64 * 1024];
        new Random(7).NextBytes(content);
        content[0] = 0; // not the encrypted-file marker either
        File.WriteAllBytes(_temp.FilePath, content);

        var ex = Assert.Throws<LedgerException>(() => _temp.Open());

        Assert.Equal(StoreErrors.NotLiteDbCode, ex.Code);
        Assert.Contains("no LiteDB header", ex.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(_temp.FilePath));
    }

    [Fact]
    public void Open_ALiteDbFileOfAnotherApplication_FailsAsForeignNamingItsCollections()
    {
        using (var db = new LiteDatabase(new ConnectionString { Filename = _temp.FilePath }))
        {
            db.GetCollection("customers").Insert(new BsonDocument { ["name"] = "Li Lei" });
        }
        var before = File.ReadAllBytes(_temp.FilePath);

        var ex = Assert.Throws<LedgerException>(() => _temp.Open());

        Assert.Equal(StoreErrors.ForeignFileCode, ex.Code);
        Assert.Contains("another application", ex.Message, StringComparison.Ordinal);
        Assert.Contains("customers", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_temp.FilePath));
    }

    [Fact]
    public void Open_ALiteDbFileWhoseMetadataNamesAnotherApplication_FailsAsForeign()
    {
        using (var db = new LiteDatabase(new ConnectionString { Filename = _temp.FilePath }))
        {
            db.GetCollection("meta").Insert(new BsonDocument { ["_id"] = "store", ["application"] = "Inventory" });
        }

        var ex = Assert.Throws<LedgerException>(() => _temp.Open());

        Assert.Equal(StoreErrors.ForeignFileCode, ex.Code);
        Assert.Contains("Inventory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WithAnotherOrganization_IsRefusedNamingBoth()
    {
        using (var store = _temp.Open())
        {
            store.Records.Accept(SampleRecords.Access());
        }

        var ex = Assert.Throws<LedgerException>(() => _temp.Open(OrgId.FromCode("bank.ccb")));

        Assert.Equal(StoreErrors.OrganizationMismatchCode, ex.Code);
        Assert.Contains("tax.liuzhou", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bank.ccb", ex.Message, StringComparison.Ordinal);
        using var again = _temp.Open();
        Assert.Equal(1, again.Records.Count);
    }

    [Fact]
    public void Open_AStoreWrittenByANewerSchema_IsRefusedWithBothVersions()
    {
        using (_temp.Open())
        {
        }
        using (var db = new LiteDatabase(new ConnectionString { Filename = _temp.FilePath }))
        {
            var meta = db.GetCollection("meta");
            var doc = meta.FindById("store");
            doc["schemaVersion"] = 99;
            meta.Update(doc);
        }

        var ex = Assert.Throws<LedgerException>(() => _temp.Open());

        Assert.Equal(StoreErrors.SchemaTooNewCode, ex.Code);
        Assert.Contains("99", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{LedgerStore.CurrentSchemaVersion}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AFileWithDamagedDataPages_FailsAsCorrupt()
    {
        FillStore();
        var bytes = File.ReadAllBytes(_temp.FilePath);
        for (var i = 8192 * 2; i < bytes.Length; i += 7)
        {
            bytes[i] ^= 0x5a;
        }
        File.WriteAllBytes(_temp.FilePath, bytes);

        var ex = Assert.Throws<LedgerException>(() => _temp.Open());

        Assert.Equal(StoreErrors.CorruptCode, ex.Code);
        Assert.Equal(ErrorCategory.Tampered, ex.Category);
        Assert.Contains("damaged", ex.Message, StringComparison.Ordinal);
        Assert.Contains("backup", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ATruncatedFile_FailsAsCorrupt()
    {
        FillStore();
        var bytes = File.ReadAllBytes(_temp.FilePath);
        File.WriteAllBytes(_temp.FilePath, bytes[..(bytes.Length / 2)]);

        var ex = Assert.Throws<LedgerException>(() => _temp.Open());

        Assert.Equal(StoreErrors.CorruptCode, ex.Code);
    }

    [Fact]
    public void Open_AFileWithADamagedHeaderPage_FailsSayingTheHeaderIsMissingOrDamaged()
    {
        FillStore();
        var bytes = File.ReadAllBytes(_temp.FilePath);
        for (var i = 0; i < 8192; i += 3)
        {
            bytes[i] ^= 0x5a;
        }
        File.WriteAllBytes(_temp.FilePath, bytes);

        var ex = Assert.Throws<LedgerException>(() => _temp.Open());

        Assert.Equal(StoreErrors.NotLiteDbCode, ex.Code);
        Assert.Contains("damaged", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EncryptedStore_KeepsRecordsUnreadableOnDiskAndReadableWithThePassword()
    {
        using var temp = new TempStore(password: "correct horse battery staple");
        string hash;
        using (var store = temp.Open())
        {
            hash = store.Records.Accept(SampleRecords.Access()).Hash.ToString();
        }

        var onDisk = Encoding.ASCII.GetString(File.ReadAllBytes(temp.FilePath));
        Assert.DoesNotContain(hash[2..], onDisk, StringComparison.Ordinal);
        Assert.DoesNotContain("LiteDB file", onDisk, StringComparison.Ordinal);
        Assert.DoesNotContain(TempStore.Org.Code, onDisk, StringComparison.Ordinal);

        using var reopened = temp.Open();
        Assert.Equal(hash, reopened.Records.Get(1UL)!.Hash.ToString());
    }

    [Fact]
    public void Open_EncryptedStoreWithoutPassword_AsksForThePassword()
    {
        using var temp = new TempStore(password: "s3cret");
        using (temp.Open())
        {
        }

        var ex = Assert.Throws<LedgerException>(() => LedgerStore.Open(new LedgerStoreOptions { Path = temp.FilePath, Organization = TempStore.Org }));

        Assert.Equal(StoreErrors.PasswordRequiredCode, ex.Code);
        Assert.Contains("encrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EncryptedStoreWithWrongPassword_FailsAsWrongPassword()
    {
        using var temp = new TempStore(password: "s3cret");
        using (temp.Open())
        {
        }

        var ex = Assert.Throws<LedgerException>(() => LedgerStore.Open(temp.Options(password: "guess")));

        Assert.Equal(StoreErrors.WrongPasswordCode, ex.Code);
        Assert.Equal(ErrorCategory.PermissionDenied, ex.Category);
    }

    [Fact]
    public void Open_PlainStoreWithAPassword_IsRefusedRatherThanGuessed()
    {
        using (_temp.Open())
        {
        }

        var ex = Assert.Throws<LedgerException>(() => LedgerStore.Open(_temp.Options(password: "s3cret")));

        Assert.Equal(StoreErrors.NotEncryptedCode, ex.Code);
    }

    [Fact]
    public void Open_PlainStoreWithAPasswordAndEncryptIfPlain_IsEncryptedInPlace_EveryRecordKept_NoPlainCopyLeft()
    {
        var hashes = new List<string>();
        using (var plain = _temp.Open())
        {
            for (var i = 0; i < 50; i++)
            {
                hashes.Add(plain.Records.Accept(SampleRecords.Access()).Hash.ToString());
            }
        }
        Assert.Contains(TempStore.Org.Code, Encoding.ASCII.GetString(File.ReadAllBytes(_temp.FilePath)), StringComparison.Ordinal);

        using (var store = LedgerStore.Open(WithEncryptIfPlain(_temp.Options(password: "s3cret"))))
        {
            Assert.Equal(hashes, Enumerable.Range(1, 50).Select(i => store.Records.Get((ulong)i)!.Hash.ToString()).ToList());
            Assert.Equal(51UL, store.Records.Accept(SampleRecords.Access()).Sequence); // the counters came along
        }

        // Every file left in the folder is unreadable without the password: the plain original LiteDB kept is gone.
        foreach (var file in Directory.EnumerateFiles(_temp.Folder))
        {
            var onDisk = Encoding.ASCII.GetString(File.ReadAllBytes(file));
            Assert.DoesNotContain(TempStore.Org.Code, onDisk, StringComparison.Ordinal);
            Assert.DoesNotContain(hashes[0][2..], onDisk, StringComparison.Ordinal);
        }
        Assert.Empty(Directory.EnumerateFiles(_temp.Folder, "*backup*"));
        var noPassword = Assert.Throws<LedgerException>(() => _temp.Open());
        Assert.Equal(StoreErrors.PasswordRequiredCode, noPassword.Code);
        using var reopened = LedgerStore.Open(_temp.Options(password: "s3cret"));
        Assert.Equal(51UL, reopened.Records.LastSequence);
    }

    [Theory]
    [InlineData("", "tax.liuzhou", null)]
    [InlineData("x.db", null, null)]
    [InlineData("x.db", "tax.liuzhou", "")]
    public void Open_InvalidOptions_FailsAsInvalidOptions(string path, string? org, string? password)
    {
        var options = new LedgerStoreOptions
        {
            Path = path.Length == 0 ? "" : Path.Combine(_temp.Folder, path),
            Organization = org is null ? default : OrgId.FromCode(org),
            Password = password,
        };

        var ex = Assert.Throws<LedgerException>(() => LedgerStore.Open(options));

        Assert.Equal(StoreErrors.InvalidOptionsCode, ex.Code);
        Assert.Equal(ErrorCategory.InvalidArgument, ex.Category);
    }

    [Fact]
    public void Open_AfterAFailedOpen_ReleasesTheLockForTheNextAttempt()
    {
        using (_temp.Open())
        {
        }

        Assert.Throws<LedgerException>(() => _temp.Open(OrgId.FromCode("bank.ccb")));

        using var store = _temp.Open();
        Assert.Equal(TempStore.Org, store.Organization);
    }

    private void FillStore()
    {
        using var store = _temp.Open();
        for (var i = 0; i < 300; i++)
        {
            store.Records.Accept(SampleRecords.Access());
        }
    }

    private static LedgerStoreOptions WithEncryptIfPlain(LedgerStoreOptions options)
    {
        options.EncryptIfPlain = true;
        return options;
    }
}
