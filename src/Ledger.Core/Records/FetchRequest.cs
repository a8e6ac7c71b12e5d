using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Records;

/// <summary>
/// A consumer's request for an enterprise's tax report, as it is hashed into the access record's
/// <c>requestHash</c> and bound into the envelope the report travels in. Both sides compute the hash from the request
/// as sent (a zero period bound means "the consent's own bound" and is hashed as zero), so the consumer can open the
/// envelope and later prove what it asked for, and the provider can prove what it answered.
/// <code>
/// requestHash = keccak256(abi.encode(
///     keccak256("FetchReportRequest(bytes32 consentId,bytes32 consumer,bytes32 provider,uint64 scopes,uint32 purpose,uint64 periodFrom,uint64 periodUntil,bytes32 requestId)"),
///     consentId, consumer, provider, scopes, purpose, periodFrom, periodUntil, keccak256(utf8(requestId))))
/// </code>
/// </summary>
/// <param name="ConsentId">The consent the data is asked under.</param>
/// <param name="Consumer">The asking organization (the consent's consumer).</param>
/// <param name="Provider">The organization asked (the tax bureau whose node serves the request).</param>
/// <param name="Scopes">The scopes asked for.</param>
/// <param name="Purpose">What the data is asked for (<see cref="Consent.PurposeCodes"/>): the provider serves only a
/// purpose the consent names, and the purpose is part of the request hash the access record holds.</param>
/// <param name="PeriodFrom">Start of the data period asked for (unix seconds; 0 = the consent's <c>dataFrom</c>).</param>
/// <param name="PeriodUntil">End of the data period asked for (unix seconds; 0 = the consent's <c>dataUntil</c>).</param>
/// <param name="RequestId">The consumer's own unique id of the request.</param>
public sealed record FetchRequest(
    ConsentId ConsentId,
    OrgId Consumer,
    OrgId Provider,
    Scopes Scopes,
    uint Purpose,
    ulong PeriodFrom,
    ulong PeriodUntil,
    string RequestId)
{
    /// <summary>The EIP-712-style type string of the request.</summary>
    public const string Type =
        "FetchReportRequest(bytes32 consentId,bytes32 consumer,bytes32 provider,uint64 scopes,uint32 purpose,"
        + "uint64 periodFrom,uint64 periodUntil,bytes32 requestId)";

    private static readonly Hash32 TypeHash = Keccak.Hash(Type);

    /// <summary>The request hash (see the class remarks).</summary>
    public Hash32 Hash() => new AbiWords()
        .Bytes32(TypeHash).Bytes32(ConsentId.Value).Bytes32(Consumer.Value).Bytes32(Provider.Value)
        .Number((ulong)Scopes).Number(Purpose).Number(PeriodFrom).Number(PeriodUntil).Bytes32(Keccak.Hash(RequestId ?? ""))
        .Keccak();
}
