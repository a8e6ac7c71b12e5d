using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Primitives;
using Nethereum.KeyStore;
using Nethereum.KeyStore.Crypto;
using Nethereum.KeyStore.Model;

namespace Ledger.Sdk.Keys;

/// <summary>
/// A node's two secrets, loaded from its key store: the operator key (its chain account: signs transactions and
/// requests) and the envelope encryption key (providers seal data to its public half). Kept apart so either can be
/// rotated alone. <see cref="ToString"/> shows public parts only, so a key never reaches a log by accident.
/// </summary>
public sealed class NodeKeys : IDisposable
{
    private readonly byte[] _operatorKey;

    /// <summary>Wraps the two private keys.</summary>
    public NodeKeys(ReadOnlySpan<byte> operatorKey, EnvelopeKeyPair encryption)
    {
        ArgumentNullException.ThrowIfNull(encryption);
        if (operatorKey.Length != 32)
        {
            throw new ArgumentException("An operator key is 32 bytes.", nameof(operatorKey));
        }
        _operatorKey = operatorKey.ToArray();
        Operator = Secp256k1Signer.AddressOf(operatorKey);
        Encryption = encryption;
    }

    /// <summary>The operator account.</summary>
    public EthAddress Operator { get; }

    /// <summary>The operator's private key (for the transaction sender and the request signer only).</summary>
    public ReadOnlySpan<byte> OperatorKey => _operatorKey;

    /// <summary>The envelope encryption key pair.</summary>
    public EnvelopeKeyPair Encryption { get; }

    /// <summary>Generates a fresh pair of keys.</summary>
    public static NodeKeys Generate()
    {
        var key = new byte[32];
        do
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(key);
        }
        while (!NBitcoin.Secp256k1.Context.Instance.TryCreateECPrivKey(key, out _));
        return new NodeKeys(key, EnvelopeKeyPair.Generate());
    }

    /// <summary>Public parts only.</summary>
    public override string ToString() => $"NodeKeys(operator {Operator}, encryption 0x{Convert.ToHexStringLower(Encryption.PublicKey)})";

    /// <summary>
    /// The password of the node's store (LiteDB's encryption at rest; docs/store.md, "Encryption at rest"), derived from
    /// the encryption private key — the node's confidentiality key — so it lives in the key store and nowhere else:
    /// HKDF-SHA256(ikm = the encryption private key, salt = the organization id, info = "ledger/store-at-rest/v1"),
    /// 32 bytes as 64 lowercase hex characters. The same keys and organization always give the same password.
    /// </summary>
    public string StorePassword(Core.Model.OrgId organization)
    {
        var ikm = Encryption.PrivateKey.ToArray();
        var key = System.Security.Cryptography.HKDF.DeriveKey(
            System.Security.Cryptography.HashAlgorithmName.SHA256, ikm, 32, organization.Value.ToArray(), StorePasswordInfo);
        try
        {
            return Convert.ToHexStringLower(key);
        }
        finally
        {
            Array.Clear(ikm);
            Array.Clear(key);
        }
    }

    private static readonly byte[] StorePasswordInfo = System.Text.Encoding.UTF8.GetBytes("ledger/store-at-rest/v1");

    /// <summary>Clears the operator key from memory.</summary>
    public void Dispose() => Array.Clear(_operatorKey);
}

/// <summary>How hard the key store's password is stretched (scrypt, Web3 Secret Storage).</summary>
/// <param name="N">CPU/memory cost (a power of two).</param>
/// <param name="R">Block size.</param>
/// <param name="P">Parallelism.</param>
public sealed record KeyStoreKdf(int N, int R, int P)
{
    /// <summary>The default: N = 2^15, r = 8, p = 1 — 32 MiB and a fraction of a second per key on a server.</summary>
    public static KeyStoreKdf Default { get; } = new(1 << 15, 8, 1);

    /// <summary>Geth's "standard" parameters (N = 2^18): slower, for keys that live long on shared hosts.</summary>
    public static KeyStoreKdf Strong { get; } = new(1 << 18, 8, 1);

    /// <summary>Fast parameters for throwaway test stores only.</summary>
    public static KeyStoreKdf Light { get; } = new(1 << 12, 8, 1);
}

/// <summary>
/// A node's encrypted key store: one JSON file holding the operator key and the encryption key, each encrypted as an
/// Ethereum Web3 Secret Storage (v3) document (scrypt + AES-128-CTR + keccak MAC) under the same password.
/// <code>
/// { "format": "ledger-keystore/1", "operator": "0x…address", "encryptionPublicKey": "0x02…",
///   "operatorKey": { …v3 key store… }, "encryptionKey": { …v3 key store… } }
/// </code>
/// The password comes from an environment variable (never a file beside the store, never a command-line argument).
/// </summary>
public static class NodeKeyStore
{
    /// <summary>The file format tag.</summary>
    public const string FormatTag = "ledger-keystore/1";

    /// <summary>The environment variable nodes read the password from, unless configured otherwise.</summary>
    public const string DefaultPasswordVariable = "LEDGER_KEYSTORE_PASSWORD";

    /// <summary>Writes a new key store with fresh keys; returns the keys (to register their public parts on chain).</summary>
    /// <exception cref="LedgerException">LEDGER-1613 when the file exists; LEDGER-1614 when the password is empty.</exception>
    public static NodeKeys Create(string file, string password, KeyStoreKdf? kdf = null)
    {
        var keys = NodeKeys.Generate();
        Write(file, password, keys, kdf);
        return keys;
    }

    /// <summary>Writes <paramref name="keys"/> into a new key store file (atomically; an existing file is never overwritten).</summary>
    /// <exception cref="LedgerException">LEDGER-1613 when the file exists; LEDGER-1614 when the password is empty.</exception>
    public static void Write(string file, string password, NodeKeys keys, KeyStoreKdf? kdf = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        ArgumentNullException.ThrowIfNull(keys);
        RequirePassword(password, file);
        var full = Path.GetFullPath(file);
        if (File.Exists(full))
        {
            throw new LedgerException(SdkErrors.KeyStoreExistsCode, ErrorCategory.AlreadyExists,
                $"A key store already exists at {full}; a key store is never overwritten. Choose another file, or delete the old one if its keys are no longer registered anywhere.");
        }
        var parameters = kdf ?? KeyStoreKdf.Default;
        var scrypt = new ScryptParams { Dklen = 32, N = parameters.N, R = parameters.R, P = parameters.P };
        var service = new KeyStoreScryptService();
        var encryptionAddress = Secp256k1Signer.AddressOf(keys.Encryption.PrivateKey).ToString();
        var document = new JsonObject
        {
            ["format"] = FormatTag,
            ["operator"] = keys.Operator.ToString(),
            ["encryptionPublicKey"] = "0x" + Convert.ToHexStringLower(keys.Encryption.PublicKey),
            ["operatorKey"] = JsonNode.Parse(service.EncryptAndGenerateKeyStoreAsJson(password, keys.OperatorKey.ToArray(), keys.Operator.ToString(), scrypt)),
            ["encryptionKey"] = JsonNode.Parse(service.EncryptAndGenerateKeyStoreAsJson(password, keys.Encryption.PrivateKey.ToArray(), encryptionAddress, scrypt)),
        };
        SecretFiles.WriteNew(full, System.Text.Encoding.UTF8.GetBytes(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true })),
            () => new LedgerException(SdkErrors.KeyStoreExistsCode, ErrorCategory.AlreadyExists,
                $"A key store already exists at {full}; a key store is never overwritten."));
    }

    /// <summary>The public parts of a key store (operator address, encryption public key), read without the password.</summary>
    /// <exception cref="LedgerException">LEDGER-1610 missing, LEDGER-1612 malformed.</exception>
    public static (EthAddress Operator, byte[] EncryptionPublicKey) ReadPublic(string file)
    {
        var root = ReadDocument(file, out var full);
        try
        {
            return (EthAddress.Parse(root["operator"]!.GetValue<string>()),
                Convert.FromHexString(root["encryptionPublicKey"]!.GetValue<string>()[2..]));
        }
        catch (Exception ex) when (ex is NullReferenceException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw Malformed(full, "its public fields are missing or malformed", ex);
        }
    }

    /// <summary>Loads and decrypts a key store.</summary>
    /// <exception cref="LedgerException">LEDGER-1610 missing, LEDGER-1611 wrong password, LEDGER-1612 malformed, LEDGER-1614 no password.</exception>
    public static NodeKeys Load(string file, string? password)
    {
        var root = ReadDocument(file, out var full);
        RequirePassword(password, full);
        byte[] operatorKey;
        byte[] encryptionKey;
        try
        {
            var service = new KeyStoreService();
            operatorKey = service.DecryptKeyStoreFromJson(password!, root["operatorKey"]!.ToJsonString());
            encryptionKey = service.DecryptKeyStoreFromJson(password!, root["encryptionKey"]!.ToJsonString());
        }
        catch (DecryptionException ex)
        {
            throw new LedgerException(SdkErrors.KeyStorePasswordCode, ErrorCategory.PermissionDenied,
                $"The password does not open the key store {full}; set the password it was created with.", ex);
        }
        catch (Exception ex) when (ex is NullReferenceException or FormatException or InvalidOperationException or ArgumentException or Newtonsoft.Json.JsonException or JsonException)
        {
            throw Malformed(full, "its encrypted keys are missing or malformed", ex);
        }
        try
        {
            var keys = new NodeKeys(operatorKey, EnvelopeKeyPair.FromPrivateKey(encryptionKey));
            var declared = root["operator"]?.GetValue<string>();
            if (declared is not null && EthAddress.TryParse(declared, out var address) && address != keys.Operator)
            {
                throw Malformed(full, $"it declares operator {declared} but its key belongs to {keys.Operator}", null);
            }
            return keys;
        }
        catch (LedgerException ex) when (ex.Code != SdkErrors.KeyStoreMalformedCode)
        {
            throw Malformed(full, "a decrypted key is not a valid secp256k1 key", ex);
        }
        finally
        {
            Array.Clear(operatorKey);
            Array.Clear(encryptionKey);
        }
    }

    private static JsonNode ReadDocument(string file, out string full)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        full = Path.GetFullPath(file);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LedgerException(SdkErrors.KeyStoreMissingCode, ErrorCategory.FailedPrecondition,
                $"The key store {full} cannot be read ({(ex is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : ex.Message)}); create it with `ledger-node keys init --file {file}` or point the node at its key store.", ex);
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw Malformed(full, "it is not JSON", ex);
        }
        if (root is not JsonObject || root["format"]?.GetValue<string>() != FormatTag)
        {
            throw Malformed(full, $"it is not a {FormatTag} document", null);
        }
        return root;
    }

    private static void RequirePassword(string? password, string file)
    {
        if (string.IsNullOrEmpty(password))
        {
            throw new LedgerException(SdkErrors.KeyStoreNoPasswordCode, ErrorCategory.FailedPrecondition,
                $"No password was given for the key store {file}; set the environment variable that holds it ({DefaultPasswordVariable} unless configured otherwise).");
        }
    }

    private static LedgerException Malformed(string file, string why, Exception? inner) => new(
        SdkErrors.KeyStoreMalformedCode, ErrorCategory.FailedPrecondition,
        $"The file {file} is not a usable Ledger key store: {why}. Restore it from a backup or create a new one.", inner);
}
