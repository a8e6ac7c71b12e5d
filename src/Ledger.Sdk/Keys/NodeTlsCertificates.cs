using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ledger.Core.Errors;
using Ledger.Core.Primitives;
using Ledger.Sdk.Tls;

namespace Ledger.Sdk.Keys;

/// <summary>
/// A node's TLS identity, kept beside its key store: an ECDSA P-256 key and a self-signed X.509 certificate in a
/// PKCS#12 file encrypted with the key store's password (PBES2: AES-256-CBC, PBKDF2-SHA256) and readable by its owner
/// only. Peers recognize the certificate by its pin (<see cref="TlsPins.Of"/>), registered on chain for the member, so
/// no certificate authority is involved and its names and validity do not matter.
/// <list type="bullet">
/// <item><c>keystore.tls.p12</c> — the certificate the node presents (<see cref="CurrentFile"/>);</item>
/// <item><c>keystore.tls-next.p12</c> — during a rotation, the one it presents next (<see cref="NextFile"/>);
/// <see cref="Switch"/> puts it in place, and a running node picks it up at its next handshake.</item>
/// </list>
/// </summary>
public static class NodeTlsCertificates
{
    // PBKDF2 iterations of the file's encryption (the loader accepts up to 300,000).
    private const int Iterations = 100_000;

    /// <summary>The current certificate's file of the key store <paramref name="keyStoreFile"/>.</summary>
    public static string CurrentFile(string keyStoreFile) => Beside(keyStoreFile, ".tls.p12");

    /// <summary>The next certificate's file (a rotation in progress).</summary>
    public static string NextFile(string keyStoreFile) => Beside(keyStoreFile, ".tls-next.p12");

    /// <summary>A fresh key and self-signed certificate naming <paramref name="org"/> (valid ten years; the pin is what counts).</summary>
    public static X509Certificate2 Generate(string org)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(org);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationName("Ledger node");
        name.AddCommonName(org);
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "serverAuth"), new Oid("1.3.6.1.5.5.7.3.2", "clientAuth")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
    }

    /// <summary>
    /// Writes a new certificate for <paramref name="org"/> to <paramref name="file"/> (never over an existing file) and
    /// returns its pin.
    /// </summary>
    /// <exception cref="LedgerException">LEDGER-1675 when the file exists; LEDGER-1614 when the password is empty.</exception>
    public static Hash32 Create(string file, string password, string org)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        RequirePassword(password, file);
        var full = Path.GetFullPath(file);
        if (File.Exists(full))
        {
            throw new LedgerException(SdkErrors.TlsCertificateExistsCode, ErrorCategory.AlreadyExists,
                $"A TLS certificate already exists at {full}; a certificate file is never overwritten. Rotate with `ledger-node keys tls-next` and `ledger-node keys tls-switch`.");
        }
        using var certificate = Generate(org);
        var bytes = certificate.ExportPkcs12(new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, Iterations), password);
        try
        {
            SecretFiles.WriteNew(full, bytes, () => new LedgerException(SdkErrors.TlsCertificateExistsCode, ErrorCategory.AlreadyExists,
                $"A TLS certificate already exists at {full}; a certificate file is never overwritten."));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
        return TlsPins.Of(certificate);
    }

    /// <summary>Loads a certificate file with its private key.</summary>
    /// <exception cref="LedgerException">LEDGER-1674 when it is missing, damaged, not opened by the password, or has no usable key.</exception>
    public static X509Certificate2 Load(string file, string? password)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        var full = Path.GetFullPath(file);
        if (!File.Exists(full))
        {
            throw new LedgerException(SdkErrors.TlsCertificateCode, ErrorCategory.FailedPrecondition,
                $"There is no TLS certificate at {full}; create it with `ledger-node keys tls-init --file KEYSTORE` (ledger-node keys init makes one with every new key store) and register its pin on chain.");
        }
        RequirePassword(password, full);
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(full, password, X509KeyStorageFlags.EphemeralKeySet);
            if (!certificate.HasPrivateKey || certificate.GetECDsaPrivateKey() is not { } key)
            {
                certificate.Dispose();
                throw new LedgerException(SdkErrors.TlsCertificateCode, ErrorCategory.FailedPrecondition,
                    $"The TLS certificate file {full} holds no ECDSA private key; make a new one with `ledger-node keys tls-next` and rotate to it.");
            }
            key.Dispose();
            return certificate;
        }
        catch (CryptographicException ex)
        {
            throw new LedgerException(SdkErrors.TlsCertificateCode, ErrorCategory.FailedPrecondition,
                $"The TLS certificate file {full} cannot be opened ({ex.Message.TrimEnd('.')}): the key store's password does not open it, or it is damaged. Restore it, or make a new one and rotate to it.", ex);
        }
        catch (IOException ex)
        {
            throw new LedgerException(SdkErrors.TlsCertificateCode, ErrorCategory.FailedPrecondition,
                $"The TLS certificate file {full} cannot be read ({ex.Message.TrimEnd('.')}).", ex);
        }
    }

    /// <summary>The pin of a certificate file's certificate (the password opens it).</summary>
    public static Hash32 PinOf(string file, string? password)
    {
        using var certificate = Load(file, password);
        return TlsPins.Of(certificate);
    }

    /// <summary>
    /// Puts the next certificate in place of the current one (atomically; a running node presents it from its next
    /// handshake on). The governors must have registered its pin before, or peers refuse the node.
    /// </summary>
    /// <exception cref="LedgerException">LEDGER-1675 when there is no next certificate.</exception>
    public static void Switch(string keyStoreFile)
    {
        var next = NextFile(keyStoreFile);
        if (!File.Exists(next))
        {
            throw new LedgerException(SdkErrors.TlsCertificateExistsCode, ErrorCategory.FailedPrecondition,
                $"There is no next TLS certificate at {next} to switch to; make one with `ledger-node keys tls-next` and have its pin registered first.");
        }
        File.Move(next, CurrentFile(keyStoreFile), overwrite: true);
    }

    private static string Beside(string keyStoreFile, string suffix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyStoreFile);
        var full = Path.GetFullPath(keyStoreFile);
        var directory = Path.GetDirectoryName(full)!;
        return Path.Combine(directory, Path.GetFileNameWithoutExtension(full) + suffix);
    }

    private static void RequirePassword(string? password, string file)
    {
        if (string.IsNullOrEmpty(password))
        {
            throw new LedgerException(SdkErrors.KeyStoreNoPasswordCode, ErrorCategory.FailedPrecondition,
                $"No password was given for the TLS certificate {file} (it is the key store's password); set the environment variable that holds it ({NodeKeyStore.DefaultPasswordVariable} unless configured otherwise).");
        }
    }
}
