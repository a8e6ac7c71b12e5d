using System.Text;
using Google.Protobuf;
using Ledger.Api.V1;
using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;
using Ledger.Node.Tax.UseCases;

namespace Ledger.Node.Tax;

/// <summary>
/// The gRPC side of <c>DataExchange.FetchReport</c> on the tax node: turns the wire request into a validated
/// <see cref="FetchRequest"/> (a request it cannot validate is refused, recorded, named by keccak256 of its protobuf
/// bytes), runs the <see cref="FetchReport"/> use case, and turns what it served into the wire response. Also the node's
/// <see cref="IRefusalRecorder"/>: requests the interceptors refuse (a bad signature, a wrong role) are recorded here.
/// </summary>
public sealed class DataExchangeProcessor : IRefusalRecorder
{
    /// <summary>Longest request id accepted.</summary>
    public const int MaxRequestIdLength = 128;

    private static readonly Scopes KnownScopes = ScopeWords.Known;

    private readonly ChainHead _head;
    private readonly FetchReport _fetch;

    /// <summary>Creates the adapter over the use case.</summary>
    public DataExchangeProcessor(ChainHead head, FetchReport fetch)
    {
        _head = head ?? throw new ArgumentNullException(nameof(head));
        _fetch = fetch ?? throw new ArgumentNullException(nameof(fetch));
    }

    /// <summary>Serves one request of an authenticated caller.</summary>
    public async Task<FetchReportResponse> FetchAsync(FetchReportRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        FetchRequest fetch;
        try
        {
            fetch = Validate(request, caller.Org);
        }
        catch (LedgerException invalid)
        {
            throw await _fetch.RefuseAsync(ConsentIdOrZero(request.ConsentId), caller.Org, (Scopes)request.Scopes, RawRequestHash(request),
                (byte)RefusalReason.MalformedRequest, _head.Latest.Number, invalid).ConfigureAwait(false);
        }
        var served = await _fetch.ExecuteAsync(fetch, cancellationToken).ConfigureAwait(false);
        var response = new FetchReportResponse
        {
            Envelope = UnsafeByteOperations.UnsafeWrap(served.Envelope),
            RequestHash = served.RequestHash.ToString(),
            ResponseHash = served.ResponseHash.ToString(),
            CheckedAtBlock = served.CheckedAtBlock,
            ServedAtMs = served.ServedAtMs,
            AccessRecord = new AnchorRef { RecordHash = served.AccessRecord.ToString(), Org = _fetch.Provider.Code },
        };
        if (served.StrongModeTx is { } tx)
        {
            response.StrongModeTx = new ChainTx { TxHash = tx.TxHash.ToString(), BlockNumber = tx.BlockNumber };
        }
        return response;
    }

    /// <inheritdoc/>
    public async Task<Hash32> RecordAsync(string method, object request, OrgId claimedCaller, RefusalReason reason, ulong block)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fetch = request as FetchReportRequest;
        var consent = ConsentIdOrZero(fetch?.ConsentId);
        var scopes = (Scopes)(fetch?.Scopes ?? 0);
        var requestHash = fetch is null ? Keccak.Hash(Encoding.UTF8.GetBytes(method)) : RequestHashOrRaw(fetch, claimedCaller);
        var refused = await _fetch.RecordRefusalAsync(consent, claimedCaller, scopes, requestHash, (byte)reason, block).ConfigureAwait(false);
        return refused.Value;
    }

    private FetchRequest Validate(FetchReportRequest request, OrgId caller)
    {
        if (request.ConsentId is not { Length: 66 } || !Hash32.TryParse(request.ConsentId, out var consent))
        {
            throw NodeErrors.InvalidField($"consent_id must be 0x followed by 64 hex digits (the consent's id); '{Clip(request.ConsentId)}' is not.");
        }
        if (!string.IsNullOrEmpty(request.Consumer))
        {
            OrgId consumer;
            try
            {
                consumer = OrgId.Parse(request.Consumer);
            }
            catch (ArgumentException)
            {
                throw NodeErrors.InvalidField($"consumer must be an organization code; '{Clip(request.Consumer)}' is not.");
            }
            if (consumer != caller)
            {
                throw NodeErrors.InvalidField($"consumer '{consumer.Code}' is not the calling organization {caller.Code}; a member fetches data for itself only.");
            }
        }
        var scopes = (Scopes)request.Scopes;
        if (scopes == Scopes.None || (scopes & ~KnownScopes) != 0)
        {
            throw NodeErrors.InvalidField($"scopes {request.Scopes} is not a set of known scopes (bits 0 to 6: rating 1, payments 2, invoices 4, social insurance 8, customs 16, judicial 32, IP 64).");
        }
        if (request.PeriodFrom != 0 && request.PeriodUntil != 0 && request.PeriodFrom > request.PeriodUntil)
        {
            throw NodeErrors.InvalidField($"period_from {request.PeriodFrom} is after period_until {request.PeriodUntil}.");
        }
        var id = request.RequestId;
        if (string.IsNullOrEmpty(id) || id.Length > MaxRequestIdLength || id.Any(ch => ch is < (char)0x21 or > (char)0x7e))
        {
            throw NodeErrors.InvalidField($"request_id must be 1 to {MaxRequestIdLength} printable ASCII characters without spaces (the caller's unique id of the request); '{Clip(id)}' is not.");
        }
        if (request.Purpose == 0)
        {
            throw NodeErrors.InvalidField($"purpose must say what the data is for, as the consent's purpose code ({string.Join(", ", PurposeWords.Purposes.Select(p => $"{p.Code} {p.Word}"))}); the request names none.");
        }
        return new FetchRequest(new ConsentId(consent), caller, _fetch.Provider, scopes, request.Purpose, request.PeriodFrom, request.PeriodUntil, id);
    }

    private Hash32 RequestHashOrRaw(FetchReportRequest request, OrgId caller)
    {
        try
        {
            return Validate(request, caller).Hash();
        }
        catch (LedgerException)
        {
            return RawRequestHash(request);
        }
    }

    /// <summary>A malformed request is named in its refusal by keccak256 of its protobuf bytes.</summary>
    private static Hash32 RawRequestHash(FetchReportRequest request) => Keccak.Hash(request.ToByteArray());

    private static ConsentId ConsentIdOrZero(string? text) =>
        text is { Length: 66 } && Hash32.TryParse(text, out var id) ? new ConsentId(id) : default;

    private static string Clip(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..77] + "...";
}
