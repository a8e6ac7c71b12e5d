using Ledger.Core.Errors;

namespace Ledger.Core.Crypto;

/// <summary>The envelope-encryption errors a user can meet (codes LEDGER-1100 to LEDGER-1119).</summary>
public static class EnvelopeErrors
{
    /// <summary>LEDGER-1100: the envelope is shorter than its header, or empty.</summary>
    public const string TruncatedCode = "LEDGER-1100";

    /// <summary>LEDGER-1101: the envelope's version byte is not one this node reads.</summary>
    public const string UnsupportedVersionCode = "LEDGER-1101";

    /// <summary>LEDGER-1102: a public key is not a compressed secp256k1 point.</summary>
    public const string InvalidPublicKeyCode = "LEDGER-1102";

    /// <summary>LEDGER-1103: a private key is not a valid secp256k1 scalar.</summary>
    public const string InvalidPrivateKeyCode = "LEDGER-1103";

    /// <summary>LEDGER-1104: the envelope was sealed to another member's key.</summary>
    public const string WrongRecipientCode = "LEDGER-1104";

    /// <summary>LEDGER-1105: the envelope is bound to another consent or request.</summary>
    public const string WrongBindingCode = "LEDGER-1105";

    /// <summary>LEDGER-1106: the envelope does not authenticate: altered in transit or forged.</summary>
    public const string TamperedCode = "LEDGER-1106";

    /// <summary>LEDGER-1107: this platform offers no AES-GCM.</summary>
    public const string UnavailableCode = "LEDGER-1107";

    internal static LedgerException Truncated(int length) => new(
        TruncatedCode, ErrorCategory.Tampered,
        $"The envelope is {length} byte(s) long, shorter than the {Envelope.HeaderLength}-byte header of an envelope; it was cut off in transit or is not an envelope.");

    internal static LedgerException UnsupportedVersion(byte version) => new(
        UnsupportedVersionCode, ErrorCategory.InvalidArgument,
        $"The envelope has format version {version}, but this node reads version {Envelope.Version} only; upgrade the node or ask the sender to use version {Envelope.Version}.");

    internal static LedgerException InvalidPublicKey(string what, string why) => new(
        InvalidPublicKeyCode, ErrorCategory.InvalidArgument,
        $"The {what} is not a compressed secp256k1 public key ({why}); a member's encryption key is 33 bytes starting with 0x02 or 0x03.");

    internal static LedgerException InvalidPrivateKey(string why) => new(
        InvalidPrivateKeyCode, ErrorCategory.InvalidArgument,
        $"The private key is not a valid secp256k1 key ({why}); it must be 32 bytes, neither zero nor at least the curve order.");

    internal static LedgerException WrongRecipient(string sealedFor, string thisKey) => new(
        WrongRecipientCode, ErrorCategory.PermissionDenied,
        $"The envelope was sealed to another key (key id {sealedFor}), not to this node's encryption key (key id {thisKey}); "
        + "check that the sender used the encryption key this member registered, or that its header was not altered.");

    internal static LedgerException WrongBinding(string consentId, string requestHash) => new(
        WrongBindingCode, ErrorCategory.PermissionDenied,
        $"The envelope is bound to another consent or request, not to consent {consentId} and request {requestHash}; "
        + "a payload cannot be replayed under another consent or request.");

    internal static LedgerException Tampered(string detail, Exception? inner = null) => new(
        TamperedCode, ErrorCategory.Tampered,
        $"The envelope does not authenticate ({detail}): it was altered in transit or forged; ask the provider to send it again.", inner);

    internal static LedgerException Unavailable() => new(
        UnavailableCode, ErrorCategory.Internal,
        "AES-GCM is not available on this platform (System.Security.Cryptography.AesGcm.IsSupported is false); run the node where OpenSSL 1.1+ or CNG is present.");
}
