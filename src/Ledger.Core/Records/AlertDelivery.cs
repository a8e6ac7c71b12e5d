using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Records;

/// <summary>
/// A provider's delivery of a monitoring alert (a rating downgrade) to a consumer under its monitoring consent, as it is
/// hashed into the access record that records the delivery (the record's <c>requestHash</c>; its <c>responseHash</c> is
/// <see cref="ContentHash"/>). An alert that leaves a provider's node is a use of the enterprise's data like a fetch:
/// checked against a consent for post-loan monitoring, counted against its fetch cap, recorded and anchored.
/// <code>
/// requestHash  = keccak256(abi.encode(
///     keccak256("AlertDelivery(bytes32 consentId,bytes32 consumer,bytes32 provider,bytes32 alertId,uint8 kind)"),
///     consentId, consumer, provider, keccak256(utf8(alertId)), kind))
/// responseHash = keccak256(utf8(kind word + "\n" + enterprise hash + "\n" + raisedAtMs + "\n" + summary))
/// </code>
/// </summary>
/// <param name="ConsentId">The monitoring consent the alert is delivered under.</param>
/// <param name="Consumer">The member it is delivered to.</param>
/// <param name="Provider">The provider whose node raised and delivers it.</param>
/// <param name="AlertId">The alert's id in the provider's alert log (what the stream sends).</param>
/// <param name="Kind">The alert's kind.</param>
public sealed record AlertDelivery(ConsentId ConsentId, OrgId Consumer, OrgId Provider, string AlertId, AlertKind Kind)
{
    /// <summary>The EIP-712-style type string of a delivery.</summary>
    public const string Type = "AlertDelivery(bytes32 consentId,bytes32 consumer,bytes32 provider,bytes32 alertId,uint8 kind)";

    private static readonly Hash32 TypeHash = Keccak.Hash(Type);

    /// <summary>The delivery's hash (the access record's request hash; see the class remarks).</summary>
    public Hash32 Hash() => new AbiWords()
        .Bytes32(TypeHash).Bytes32(ConsentId.Value).Bytes32(Consumer.Value).Bytes32(Provider.Value)
        .Bytes32(Keccak.Hash(AlertId ?? "")).Number((ulong)Kind)
        .Keccak();

    /// <summary>The hash of what the alert says (the access record's response hash; see the class remarks).</summary>
    public static Hash32 ContentHash(AlertKind kind, EnterpriseHash enterprise, ulong raisedAtMs, string summary) =>
        Keccak.Hash(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{kind.Word()}\n{enterprise}\n{raisedAtMs}\n{summary}"));
}
