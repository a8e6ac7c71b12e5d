using Ledger.Core.Errors;
using Ledger.Sdk;
using Ledger.Sdk.Keys;

namespace Ledger.Node.Tests.Unit;

public sealed class KeyStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ledger-keystore-tests", Guid.NewGuid().ToString("N"));

    private string File_ => Path.Combine(_dir, "keystore.json");

    [Fact]
    public void Load_WithTheRightPassword_GivesBackTheKeysCreated()
    {
        using var created = NodeKeyStore.Create(File_, "pw-1", KeyStoreKdf.Light);
        using var loaded = NodeKeyStore.Load(File_, "pw-1");

        Assert.Equal(created.Operator, loaded.Operator);
        Assert.Equal(created.OperatorKey.ToArray(), loaded.OperatorKey.ToArray());
        Assert.Equal(created.Encryption.PublicKey.ToArray(), loaded.Encryption.PublicKey.ToArray());
        var (account, encryption) = NodeKeyStore.ReadPublic(File_);
        Assert.Equal(created.Operator, account);
        Assert.Equal(created.Encryption.PublicKey.ToArray(), encryption);
    }

    [Fact]
    public void Load_WithAWrongPassword_FailsWithASentenceAndNoKey()
    {
        using var created = NodeKeyStore.Create(File_, "pw-1", KeyStoreKdf.Light);
        var error = Assert.Throws<LedgerException>(() => NodeKeyStore.Load(File_, "pw-2"));
        Assert.Equal(SdkErrors.KeyStorePasswordCode, error.Code);
        Assert.Contains("password does not open the key store", error.Message, StringComparison.Ordinal);
        Assert.Equal(SdkErrors.KeyStoreNoPasswordCode, Assert.Throws<LedgerException>(() => NodeKeyStore.Load(File_, "")).Code);
    }

    [Fact]
    public void Load_MissingOrForeignFile_SaysWhatIsWrong()
    {
        Assert.Equal(SdkErrors.KeyStoreMissingCode, Assert.Throws<LedgerException>(() => NodeKeyStore.Load(File_, "pw")).Code);
        Directory.CreateDirectory(_dir);
        File.WriteAllText(File_, "{\"version\":3}");
        Assert.Equal(SdkErrors.KeyStoreMalformedCode, Assert.Throws<LedgerException>(() => NodeKeyStore.Load(File_, "pw")).Code);
        File.WriteAllText(File_, "not json");
        Assert.Equal(SdkErrors.KeyStoreMalformedCode, Assert.Throws<LedgerException>(() => NodeKeyStore.Load(File_, "pw")).Code);
    }

    [Fact]
    public void Create_WhereAKeyStoreExists_NeverOverwritesIt()
    {
        using var first = NodeKeyStore.Create(File_, "pw", KeyStoreKdf.Light);
        var before = File.ReadAllText(File_);
        Assert.Equal(SdkErrors.KeyStoreExistsCode, Assert.Throws<LedgerException>(() => NodeKeyStore.Create(File_, "pw", KeyStoreKdf.Light)).Code);
        Assert.Equal(before, File.ReadAllText(File_));
    }

    [Fact]
    public void Keys_AreNeitherInTheFileNorInToString()
    {
        using var keys = NodeKeyStore.Create(File_, "pw", KeyStoreKdf.Light);
        var operatorHex = Convert.ToHexStringLower(keys.OperatorKey);
        var encryptionHex = Convert.ToHexStringLower(keys.Encryption.PrivateKey);
        var text = File.ReadAllText(File_);

        Assert.DoesNotContain(operatorHex, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(encryptionHex, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(operatorHex, keys.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(keys.Operator.ToString(), keys.ToString(), StringComparison.Ordinal);
        using var identity = Sdk.Auth.LedgerIdentity.FromKeys(Core.Model.OrgId.FromCode("bank.x"), keys);
        Assert.DoesNotContain(operatorHex, identity.ToString(), StringComparison.OrdinalIgnoreCase);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(File_));
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
