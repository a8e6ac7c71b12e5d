using Ledger.Core.Errors;
using Ledger.Core.Primitives;

namespace Ledger.Node.Hosting;

/// <summary>
/// The node's own errors (LEDGER-1500 … LEDGER-1599): configuration and start, request authentication, request
/// validation. Each is one gRPC status (through its category) and a sentence saying what to do. Catalogue: docs/nodes.md.
/// </summary>
public static class NodeErrors
{
    /// <summary>LEDGER-1500: the node's configuration is invalid (start).</summary>
    public const string ConfigurationCode = "LEDGER-1500";
    /// <summary>LEDGER-1501: the operator account is not an active member of the configured organization and role (start).</summary>
    public const string MembershipCode = "LEDGER-1501";
    /// <summary>LEDGER-1502: the encryption key registered on chain is not the key store's (start).</summary>
    public const string EncryptionKeyMismatchCode = "LEDGER-1502";
    /// <summary>LEDGER-1510: a call came without the signed-request metadata.</summary>
    public const string UnsignedCode = "LEDGER-1510";
    /// <summary>LEDGER-1511: the signed-request metadata is malformed.</summary>
    public const string MalformedSignatureCode = "LEDGER-1511";
    /// <summary>LEDGER-1512: the signed request's time is too far from the node's clock.</summary>
    public const string StaleRequestCode = "LEDGER-1512";
    /// <summary>LEDGER-1513: the signed request's nonce was used before (a replay).</summary>
    public const string ReplayCode = "LEDGER-1513";
    /// <summary>LEDGER-1514: the signature is not an operator's of the organization the call claims.</summary>
    public const string BadSignatureCode = "LEDGER-1514";
    /// <summary>LEDGER-1515: the caller is not an operator of an active member.</summary>
    public const string NotAMemberCode = "LEDGER-1515";
    /// <summary>LEDGER-1516: the caller's role may not call this method.</summary>
    public const string WrongRoleCode = "LEDGER-1516";
    /// <summary>LEDGER-1517: only the node's own organization may call this method.</summary>
    public const string NotOwnOrganizationCode = "LEDGER-1517";
    /// <summary>LEDGER-1518: the caller may not see this item (not a party to it).</summary>
    public const string NotPartyCode = "LEDGER-1518";
    /// <summary>LEDGER-1519: the method is not served by this node (its role does not offer it).</summary>
    public const string NotServedCode = "LEDGER-1519";
    /// <summary>LEDGER-1520: a request field is missing or malformed.</summary>
    public const string InvalidFieldCode = "LEDGER-1520";
    /// <summary>LEDGER-1521: the request id was served before.</summary>
    public const string DuplicateRequestCode = "LEDGER-1521";
    /// <summary>LEDGER-1522: the data period asked for is outside the consent's.</summary>
    public const string DataPeriodCode = "LEDGER-1522";
    /// <summary>LEDGER-1529: the request's purpose is not the consent's.</summary>
    public const string PurposeCode = "LEDGER-1529";
    /// <summary>LEDGER-1523: the tax bureau holds no data on the enterprise.</summary>
    public const string UnknownEnterpriseCode = "LEDGER-1523";
    /// <summary>LEDGER-1524: the consumer has no usable encryption key registered.</summary>
    public const string NoEncryptionKeyCode = "LEDGER-1524";
    /// <summary>LEDGER-1525: the consent's terms cannot be found on chain.</summary>
    public const string ConsentTermsMissingCode = "LEDGER-1525";
    /// <summary>An enterprise's own call signed by an account bound to no credit-code hash (never bound, or its key retired).</summary>
    public const string EnterpriseNotBoundCode = "LEDGER-1527";
    /// <summary>A member's signature on an enterprise's own method, or an enterprise's on a member's.</summary>
    public const string WrongSignerKindCode = "LEDGER-1528";
    /// <summary>LEDGER-1580: the node has no usable TLS certificate and is not in the plaintext development mode (start).</summary>
    public const string NoCertificateCode = "LEDGER-1580";
    /// <summary>LEDGER-1581: the node's TLS certificate is not among the pins registered on chain for its organization (start).</summary>
    public const string CertificateNotRegisteredCode = "LEDGER-1581";
    /// <summary>LEDGER-1582: the listening address breaks the TLS rules (plaintext without the development flag, or off loopback).</summary>
    public const string PlaintextCode = "LEDGER-1582";
    /// <summary>LEDGER-1583: the caller's TLS client certificate is not registered for the organization its request names.</summary>
    public const string ClientCertificateCode = "LEDGER-1583";
    /// <summary>LEDGER-1570: the request body is not a valid protobuf message of the method's request type.</summary>
    public const string MalformedRequestCode = "LEDGER-1570";
    /// <summary>LEDGER-1571: the request body is larger than the node accepts.</summary>
    public const string TooLargeCode = "LEDGER-1571";
    /// <summary>LEDGER-1530: an unexpected failure (a defect); the log has the details under the correlation id.</summary>
    public const string InternalCode = "LEDGER-1530";

    internal static LedgerException Configuration(string sentence, Exception? inner = null) =>
        new(ConfigurationCode, ErrorCategory.FailedPrecondition, sentence, inner);

    internal static LedgerException InvalidField(string sentence) => new(InvalidFieldCode, ErrorCategory.InvalidArgument, sentence);

    internal static LedgerException NotParty(string sentence) => new(NotPartyCode, ErrorCategory.PermissionDenied, sentence);
}

/// <summary>
/// A refused data request: the error the caller gets, plus the refusal record the provider accepted (durably, in its
/// outbox) before answering — its hash travels in the trailer <c>ledger-refusal-record</c>.
/// </summary>
public sealed class RequestRefusedException : LedgerException
{
    /// <summary>Wraps <paramref name="reason"/> with the refusal record's hash.</summary>
    public RequestRefusedException(LedgerException reason, Hash32 refusalRecord)
        : base((reason ?? throw new ArgumentNullException(nameof(reason))).Code, reason.Category, reason.Message, reason)
    {
        RefusalRecord = refusalRecord;
    }

    /// <summary>The hash of the refusal record.</summary>
    public Hash32 RefusalRecord { get; }
}
