using System.Text;
using Google.Protobuf;
using Ledger.Api.V1;
using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;
using Ledger.Node.Services;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Tax;

/// <summary>
/// Serves a consumer's request for a tax report (<c>DataExchange.FetchReport</c>), in this order:
/// <list type="number">
/// <item>validate the request (ids, sizes);</item>
/// <item>ask the consent registry as of the chain head's latest block (re-asking once at a newer head when it says
/// no, so a consent granted a moment ago is seen); refuse on anything but Allowed;</item>
/// <item>read the grant's terms: the data period asked for must lie within the consent's;</item>
/// <item>find the enterprise by the consent's credit-code hash;</item>
/// <item>reserve the fetch: a request id is served once; in batch mode the node counts the fetch cap;</item>
/// <item>build the report of the granted scopes and period, seal it to the consumer's encryption key registered on
/// chain, bound to (consent id, request hash);</item>
/// <item>strong mode: record the access on chain (AccessLog.recordAccess) and wait for it;</item>
/// <item>accept the access record durably (group commit) — only then answer.</item>
/// </list>
/// Every refusal is a refusal record accepted durably before the answer, whose hash the caller gets in the trailer
/// <c>ledger-refusal-record</c>.
/// </summary>
public sealed class DataExchangeProcessor : IRefusalRecorder
{
    /// <summary>Longest request id accepted.</summary>
    public const int MaxRequestIdLength = 128;

    private static readonly Scopes KnownScopes = ScopeWords.Known;

    // One per node: each consumer's ephemeral key is reused for a second (at most 4,096 envelopes) instead of two
    // scalar multiplications per report; the envelope format is unchanged (EnvelopeSealer explains the trade).
    private static readonly EnvelopeSealer Sealer = new();

    // One per node: a report's canonical JSON is built once per taxpayer data, scopes and period, and each request
    // splices in its own generatedAtMs (the same bytes as building it in full; ReportTemplates explains).
    private static readonly ReportTemplates Reports = new();

    private readonly NodeIdentity _node;
    private readonly ChainHead _head;
    private readonly Ledger.Store.LedgerStore _store;
    private readonly Ledger.Chain.LedgerChainClient _chainClient;
    private readonly MembershipDirectory _membership;
    private readonly ITaxDataStore _taxData;
    private readonly ConsentGate _gate;
    private readonly ILogger<DataExchangeProcessor> _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the processor.</summary>
    public DataExchangeProcessor(NodeIdentity node, ChainHead head, Ledger.Store.LedgerStore store, Ledger.Chain.LedgerChainClient chainClient, MembershipDirectory membership, ITaxDataStore taxData, ConsentGate gate, ILogger<DataExchangeProcessor> logger, TimeProvider time)
    {
        _node = node;
        _head = head;
        _store = store;
        _chainClient = chainClient;
        _membership = membership;
        _taxData = taxData;
        _gate = gate;
        _logger = logger;
        _time = time;
    }

    /// <summary>Serves one request of an authenticated caller.</summary>
    public async Task<FetchReportResponse> FetchAsync(FetchReportRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        var block = _head.Latest;

        // 1. The request itself.
        FetchRequest fetch;
        try
        {
            fetch = Validate(request, caller.Org);
        }
        catch (LedgerException invalid)
        {
            throw await RefuseAsync(ConsentIdOrZero(request.ConsentId), caller.Org, (Scopes)request.Scopes, RawRequestHash(request),
                (byte)RefusalReason.MalformedRequest, block.Number, invalid).ConfigureAwait(false);
        }
        var requestHash = fetch.Hash();

        // 2. The consent, as of a head confirmed by a chain read at most T old (read again when older; refused when the
        //    chain cannot be read), re-asking once at a newer head when it says no, so a consent granted a moment ago is seen.
        var check = await CheckConsentAsync(fetch, caller.Org, requestHash, cancellationToken).ConfigureAwait(false);
        block = check.Block;

        // 3. Its terms: the data period.
        var grant = await _gate.GrantAsync(fetch.ConsentId, cancellationToken).ConfigureAwait(false)
            ?? throw new LedgerException(NodeErrors.ConsentTermsMissingCode, ErrorCategory.Unavailable,
                $"Consent {fetch.ConsentId} is allowed on chain but its ConsentGranted event cannot be read yet; retry in a moment.");
        var terms = grant.Terms;
        var from = fetch.PeriodFrom == 0 ? terms.DataFrom : fetch.PeriodFrom;
        var until = fetch.PeriodUntil == 0 ? terms.DataUntil : fetch.PeriodUntil;
        if (from < terms.DataFrom || until > terms.DataUntil || from > until)
        {
            throw await RefuseAsync(fetch.ConsentId, caller.Org, fetch.Scopes, requestHash, (byte)RefusalReason.DataPeriodOutsideConsent, block.Number,
                new LedgerException(NodeErrors.DataPeriodCode, ErrorCategory.PermissionDenied,
                    $"The data period asked for ({Day(from)} to {Day(until)}) is not within consent {fetch.ConsentId.Value.ToShortString()}'s data period "
                    + $"({Day(terms.DataFrom)} to {Day(terms.DataUntil)}); ask for a period inside it, or leave the period empty for the whole of it.")).ConfigureAwait(false);
        }

        // 4. The enterprise.
        var taxpayer = _taxData.Find(terms.CreditCodeHash);
        if (taxpayer is null)
        {
            throw await RefuseAsync(fetch.ConsentId, caller.Org, fetch.Scopes, requestHash, (byte)RefusalReason.UnknownEnterprise, block.Number,
                new LedgerException(NodeErrors.UnknownEnterpriseCode, ErrorCategory.NotFound,
                    $"{_node.Organization.Code} holds no tax data on the enterprise of consent {fetch.ConsentId.Value.ToShortString()} (credit-code hash {terms.CreditCodeHash.Value.ToShortString()}); the enterprise is not a taxpayer of this bureau.")).ConfigureAwait(false);
        }

        // 5. The consumer's registered encryption key.
        Ledger.Chain.Contracts.Consortium.ContractDefinition.Member member;
        try
        {
            member = await _membership.MemberAsync(caller.Org, block.Number).ConfigureAwait(false);
        }
        catch (LedgerException unreadable)
        {
            // Only the chain is read here: whatever the read failed with, the key cannot be confirmed.
            throw await RefuseStaleAsync(fetch, caller.Org, requestHash, block.Number, unreadable, "the consumer's registered key").ConfigureAwait(false);
        }
        var recipientKey = member.EncryptionKey;
        if (recipientKey is not { Length: 33 } || recipientKey[0] is not (0x02 or 0x03))
        {
            throw await RefuseAsync(fetch.ConsentId, caller.Org, fetch.Scopes, requestHash, (byte)AccessStatus.ConsumerIneligible, block.Number,
                new LedgerException(NodeErrors.NoEncryptionKeyCode, ErrorCategory.FailedPrecondition,
                    $"{caller.Org.Code} has no usable encryption key registered in the consortium, so nothing can be sealed to it; the governors must register its node's encryption key.")).ConfigureAwait(false);
        }

        // 6. Still within T of the chain read that confirmed the check? (Steps 3-5 may have waited.) If not, check again
        //    on a freshly confirmed head: the report is served at most T after the read that allowed it.
        if (!_head.IsCurrent(check.ConfirmedAt))
        {
            check = await CheckConsentAsync(fetch, caller.Org, requestHash, cancellationToken).ConfigureAwait(false);
            block = check.Block;
        }

        // 7. Reserve the fetch (request served once; the cap counted here in batch mode).
        var now = _time.GetUtcNow();
        var period = ConsentGate.PeriodOf(grant, (ulong)now.ToUnixTimeSeconds());
        var strong = _node.Options.StrongMode;
        switch (_gate.TryReserve(grant, requestHash, period, countCap: !strong))
        {
            case ReserveOutcome.Duplicate:
                throw await RefuseAsync(fetch.ConsentId, caller.Org, fetch.Scopes, requestHash, (byte)RefusalReason.MalformedRequest, block.Number,
                    new LedgerException(NodeErrors.DuplicateRequestCode, ErrorCategory.AlreadyExists,
                        $"Request id '{fetch.RequestId}' was already served under consent {fetch.ConsentId.Value.ToShortString()}; every request needs its own request id.")).ConfigureAwait(false);
            case ReserveOutcome.CapReached:
                throw await RefuseAsync(fetch.ConsentId, caller.Org, fetch.Scopes, requestHash, (byte)AccessStatus.FetchCapReached, block.Number,
                    RefusalCatalogue.FetchCapReached(fetch.ConsentId, terms.FetchCap, terms.FetchPeriod)).ConfigureAwait(false);
        }

        try
        {
            // 8. The report, sealed to the consumer and bound to this consent and request.
            var plaintext = Reports.Json(taxpayer.Taxpayer, fetch.Scopes, MonthOf(from), MonthOf(until), now);
            var responseHash = Keccak.Hash(plaintext);
            var envelope = Sealer.Seal(plaintext, recipientKey, new EnvelopeBinding(fetch.ConsentId, requestHash));

            // 9. Strong mode: the chain records (and counts) the access before anything is answered.
            ChainTx? strongTx = null;
            if (strong)
            {
                try
                {
                    var outcome = await _chainClient.RecordAccessAsync(fetch.ConsentId, caller.Org, fetch.Scopes, requestHash, responseHash,
                        key: $"access:{requestHash}", cancellationToken: CancellationToken.None).ConfigureAwait(false);
                    strongTx = new ChainTx { TxHash = outcome.TxHash.ToString(), BlockNumber = outcome.BlockNumber };
                }
                catch (LedgerException refused) when (RefusalCatalogue.StatusOfContractError(refused.Code) is { } chainStatus)
                {
                    _gate.Release(grant, requestHash, period);
                    throw await RefuseAsync(fetch.ConsentId, caller.Org, fetch.Scopes, requestHash, (byte)chainStatus, block.Number, refused).ConfigureAwait(false);
                }
            }

            // 10. Durable before acknowledged.
            var servedAtMs = (ulong)now.ToUnixTimeMilliseconds();
            var provider = _node.Organization;
            var consumer = caller.Org;
            var checkedAt = block.Number;
            var accepted = await _store.Records.AcceptAsync(sequence => new AccessRecord(
                fetch.ConsentId, provider, consumer, fetch.Scopes, requestHash, responseHash, checkedAt, servedAtMs, sequence)).ConfigureAwait(false);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                NodeLog.Served(_logger, fetch.Scopes.ToString(), fetch.ConsentId.ToString(), consumer.Code, requestHash.ToString(), checkedAt);
            }

            var response = new FetchReportResponse
            {
                Envelope = UnsafeByteOperations.UnsafeWrap(envelope),
                RequestHash = requestHash.ToString(),
                ResponseHash = responseHash.ToString(),
                CheckedAtBlock = checkedAt,
                ServedAtMs = servedAtMs,
                AccessRecord = new AnchorRef { RecordHash = accepted.Hash.ToString(), Org = provider.Code },
            };
            if (strongTx is not null)
            {
                response.StrongModeTx = strongTx;
            }
            return response;
        }
        catch (Exception ex) when (ex is not RequestRefusedException)
        {
            // Nothing was acknowledged: the reservation goes back (the access record, if the commit raced the failure,
            // is kept and counted on the next start).
            _gate.Release(grant, requestHash, period);
            throw;
        }
    }

    // The registry's verdict on a head confirmed within T; anything but Allowed, or a chain that cannot be read, is a
    // recorded refusal.
    private async Task<ConsentCheck> CheckConsentAsync(FetchRequest fetch, OrgId consumer, Hash32 requestHash, CancellationToken cancellationToken)
    {
        ConfirmedHead head;
        AccessStatus status;
        try
        {
            // The verdict must still be within T of the read that confirmed its head once it is in hand (a verdict
            // not cached is itself read from the chain, which takes time): otherwise confirm and ask again.
            var started = _head.Time.GetTimestamp();
            while (true)
            {
                head = await _head.ConfirmAsync(cancellationToken).ConfigureAwait(false);
                status = await _gate.CheckAsync(fetch.ConsentId, consumer, fetch.Scopes, head.Block.Number).ConfigureAwait(false);
                if (_head.IsCurrent(head.ConfirmedAt))
                {
                    break;
                }
                if (_head.Time.GetElapsedTime(started) >= _head.Options.ReadTimeout)
                {
                    throw new LedgerException(ChainHead.StaleViewCode, ErrorCategory.Unavailable,
                        $"The node could not confirm consent {fetch.ConsentId.Value.ToShortString()} within {_head.Options.MaxCheckAge.TotalSeconds:0.###} s of a chain read for {_head.Options.ReadTimeout.TotalSeconds:0.###} s, so it serves no data; the refusal is recorded. Retry in a moment.");
                }
            }
        }
        catch (LedgerException unreadable) when (unreadable.Code == ChainHead.StaleViewCode)
        {
            throw await RefuseAsync(fetch.ConsentId, consumer, fetch.Scopes, requestHash, (byte)RefusalReason.ChainViewStale, _head.Latest.Number, unreadable).ConfigureAwait(false);
        }
        catch (LedgerException unreadable)
        {
            // The gate only reads the chain: whatever it failed with (unreachable, a block the chain no longer has after
            // a restart, an erroring node), the verdict is not confirmed.
            throw await RefuseStaleAsync(fetch, consumer, requestHash, _head.Latest.Number, unreadable, "the consent").ConfigureAwait(false);
        }
        var block = head.Block;
        if (status != AccessStatus.Allowed)
        {
            try
            {
                var newer = await _head.RefreshAsync(cancellationToken).ConfigureAwait(false);
                if (newer.Number > block.Number)
                {
                    var second = await _gate.CheckAsync(fetch.ConsentId, consumer, fetch.Scopes, newer.Number).ConfigureAwait(false);
                    (block, status) = (newer, second);
                }
            }
#pragma warning disable CA1031 // the second look is a courtesy: the refusal at the confirmed head stands when it fails
            catch (Exception second) when (second is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                block = head.Block;
            }
        }
        if (status != AccessStatus.Allowed)
        {
            LedgerException error;
            try
            {
                error = await RefusalCatalogue.ForStatusAsync(status, fetch, _node, _chainClient, block.Number).ConfigureAwait(false);
            }
            catch (LedgerException unreadable)
            {
                // The sentence of some verdicts reads the consent's dates; a chain gone in between still gets a recorded refusal.
                throw await RefuseStaleAsync(fetch, consumer, requestHash, block.Number, unreadable, "the consent's terms").ConfigureAwait(false);
            }
            throw await RefuseAsync(fetch.ConsentId, consumer, fetch.Scopes, requestHash, (byte)status, block.Number, error).ConfigureAwait(false);
        }
        return new ConsentCheck(block, block.Number == head.Block.Number ? head.ConfirmedAt : _head.Time.GetTimestamp());
    }

    private readonly record struct ConsentCheck(ChainBlock Block, long ConfirmedAt);

    private async Task<RequestRefusedException> RefuseStaleAsync(FetchRequest fetch, OrgId consumer, Hash32 requestHash, ulong block, LedgerException cause, string what) =>
        await RefuseAsync(fetch.ConsentId, consumer, fetch.Scopes, requestHash, (byte)RefusalReason.ChainViewStale, block,
            new LedgerException(ChainHead.StaleViewCode, ErrorCategory.Unavailable,
                $"The node could not read {what} from the chain ({cause.Code}: {cause.Message.TrimEnd('.')}), so it serves no data; the refusal is recorded. Retry when the node's chain is back (its health check says SERVING again).",
                cause)).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task<Hash32> RecordAsync(string method, object request, OrgId claimedCaller, RefusalReason reason, ulong block)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fetch = request as FetchReportRequest;
        var consent = ConsentIdOrZero(fetch?.ConsentId);
        var scopes = (Scopes)(fetch?.Scopes ?? 0);
        var requestHash = fetch is null ? Keccak.Hash(Encoding.UTF8.GetBytes(method)) : RequestHashOrRaw(fetch, claimedCaller);
        var refused = await AcceptRefusalAsync(consent, claimedCaller, scopes, requestHash, (byte)reason, block).ConfigureAwait(false);
        return refused.Value;
    }

    private async Task<RequestRefusedException> RefuseAsync(
        ConsentId consent, OrgId consumer, Scopes scopes, Hash32 requestHash, byte reason, ulong block, LedgerException error)
    {
        var hash = await AcceptRefusalAsync(consent, consumer, scopes, requestHash, reason, block).ConfigureAwait(false);
        NodeLog.Refused(_logger, "/ledger.v1.DataExchange/FetchReport", consumer.Code, error.Code, error.Message);
        Observability.NodeTelemetry.Refused("/ledger.v1.DataExchange/FetchReport", reason, recorded: true);
        return new RequestRefusedException(error, hash.Value);
    }

    private async Task<RecordHash> AcceptRefusalAsync(ConsentId consent, OrgId consumer, Scopes scopes, Hash32 requestHash, byte reason, ulong block)
    {
        var provider = _node.Organization;
        var refusedAtMs = (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds();
        var accepted = await _store.Records.AcceptAsync(sequence =>
            new RefusalRecord(consent, provider, consumer, scopes, requestHash, reason, block, refusedAtMs, sequence)).ConfigureAwait(false);
        return accepted.Hash;
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
        return new FetchRequest(new ConsentId(consent), caller, _node.Organization, scopes, request.PeriodFrom, request.PeriodUntil, id);
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

    /// <summary>The calendar month of a moment in China Standard Time (as the scorecard counts months).</summary>
    internal static YearMonth MonthOf(ulong unixSeconds)
    {
        var seconds = (long)Math.Min(unixSeconds, 253_402_271_999UL); // 9999-12-31 in UTC+8
        var moment = DateTimeOffset.FromUnixTimeSeconds(seconds).ToOffset(TimeSpan.FromHours(8));
        return new YearMonth(moment.Year, moment.Month);
    }

    private static string Day(ulong unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(unixSeconds, 253_402_271_999UL)).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string Clip(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..77] + "...";
}
