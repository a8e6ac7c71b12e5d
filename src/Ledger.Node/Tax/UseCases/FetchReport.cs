using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Tax.UseCases;

/// <summary>
/// Serves a consumer's validated request for a tax report, in this order:
/// <list type="number">
/// <item>ask the consent registry (through the <see cref="ConsentGate"/>) as of a head confirmed by a chain read at most
/// T old, re-asking once at a newer head when it says no, so a consent granted a moment ago is seen; refuse on anything
/// but Allowed, and on a chain that cannot be read;</item>
/// <item>read the grant's terms: the data period asked for must lie within the consent's, and the purpose asked for
/// must be the consent's;</item>
/// <item>find the enterprise by the consent's credit-code hash;</item>
/// <item>read the consumer's registered encryption key;</item>
/// <item>check again when the steps above took longer than T;</item>
/// <item>reserve the fetch: a request is served once; in batch mode the node counts the fetch cap;</item>
/// <item>build the report of the granted scopes and period, seal it to the consumer's key, bound to (consent id, request hash);</item>
/// <item>strong mode: record the access on chain and wait for it;</item>
/// <item>accept the access record durably — only then answer.</item>
/// </list>
/// Every refusal is a refusal record accepted durably before the refusal is thrown (a <see cref="RequestRefusedException"/>
/// carrying the record's hash). A plain class over ports: the chain (<see cref="IDataExchangeChain"/>, and the registry
/// behind the <see cref="ConsentGate"/>), the node's answers (<see cref="IAnswerLog"/>) and its tax data
/// (<see cref="ITaxDataStore"/>); the gRPC adapter is <see cref="DataExchangeProcessor"/>.
/// </summary>
public sealed class FetchReport
{
    /// <summary>The gRPC method a refusal is logged under.</summary>
    public const string Method = "/ledger.v1.DataExchange/FetchReport";

    // One per node: each consumer's ephemeral key is reused for a second (at most 4,096 envelopes) instead of two
    // scalar multiplications per report; the envelope format is unchanged (EnvelopeSealer explains the trade).
    private static readonly EnvelopeSealer Sealer = new();

    // One per node: a report's canonical JSON is built once per taxpayer data, scopes and period, and each request
    // splices in its own generatedAtMs (the same bytes as building it in full; ReportTemplates explains).
    private static readonly ReportTemplates Reports = new();

    private readonly FetchReportSettings _settings;
    private readonly ChainHead _head;
    private readonly ConsentGate _gate;
    private readonly ITaxDataStore _taxData;
    private readonly IDataExchangeChain _chain;
    private readonly IAnswerLog _answers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the use case of the provider node <see cref="FetchReportSettings.Provider"/>.</summary>
    public FetchReport(FetchReportSettings settings, ChainHead head, ConsentGate gate, ITaxDataStore taxData, IDataExchangeChain chain, IAnswerLog answers, ILogger<FetchReport> logger, TimeProvider time)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _head = head ?? throw new ArgumentNullException(nameof(head));
        _gate = gate ?? throw new ArgumentNullException(nameof(gate));
        _taxData = taxData ?? throw new ArgumentNullException(nameof(taxData));
        _chain = chain ?? throw new ArgumentNullException(nameof(chain));
        _answers = answers ?? throw new ArgumentNullException(nameof(answers));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The provider this node serves for.</summary>
    public OrgId Provider => _settings.Provider;

    /// <summary>Serves <paramref name="fetch"/> (validated; its consumer is the authenticated caller).</summary>
    /// <exception cref="RequestRefusedException">any refusal, recorded before it is thrown.</exception>
    /// <exception cref="LedgerException">LEDGER-1326 when the grant's terms cannot be read yet (nothing is served).</exception>
    public async Task<ServedReport> ExecuteAsync(FetchRequest fetch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        var consumer = fetch.Consumer;
        var requestHash = fetch.Hash();

        // 1. The consent, as of a head confirmed by a chain read at most T old.
        var check = await CheckConsentAsync(fetch, requestHash, cancellationToken).ConfigureAwait(false);
        var block = check.Block;

        // 2. Its terms: the data period.
        var grant = await _gate.GrantAsync(fetch.ConsentId, cancellationToken).ConfigureAwait(false)
            ?? throw new LedgerException(NodeErrors.ConsentTermsMissingCode, ErrorCategory.Unavailable,
                $"Consent {fetch.ConsentId} is allowed on chain but its ConsentGranted event cannot be read yet; retry in a moment.");
        var terms = grant.Terms;
        var from = fetch.PeriodFrom == 0 ? terms.DataFrom : fetch.PeriodFrom;
        var until = fetch.PeriodUntil == 0 ? terms.DataUntil : fetch.PeriodUntil;
        if (from < terms.DataFrom || until > terms.DataUntil || from > until)
        {
            throw await RefuseAsync(fetch.ConsentId, consumer, fetch.Scopes, requestHash, (byte)RefusalReason.DataPeriodOutsideConsent, block.Number,
                new LedgerException(NodeErrors.DataPeriodCode, ErrorCategory.PermissionDenied,
                    $"The data period asked for ({Day(from)} to {Day(until)}) is not within consent {fetch.ConsentId.Value.ToShortString()}'s data period "
                    + $"({Day(terms.DataFrom)} to {Day(terms.DataUntil)}); ask for a period inside it, or leave the period empty for the whole of it.")).ConfigureAwait(false);
        }

        // 2b. Its purpose: data is used only for what the enterprise consented to (PIPL Art 6, 14).
        if (fetch.Purpose != terms.Purpose)
        {
            throw await RefuseAsync(fetch.ConsentId, consumer, fetch.Scopes, requestHash, (byte)RefusalReason.PurposeNotConsented, block.Number,
                new LedgerException(NodeErrors.PurposeCode, ErrorCategory.PermissionDenied,
                    $"Consent {fetch.ConsentId.Value.ToShortString()} allows its data for {PurposeWords.Describe(terms.Purpose)} only, not for {PurposeWords.Describe(fetch.Purpose)}; "
                    + "ask under a consent the enterprise granted for this purpose, or ask for the purpose this consent names.")).ConfigureAwait(false);
        }

        // 3. The enterprise.
        var taxpayer = _taxData.Find(terms.CreditCodeHash);
        if (taxpayer is null)
        {
            throw await RefuseAsync(fetch.ConsentId, consumer, fetch.Scopes, requestHash, (byte)RefusalReason.UnknownEnterprise, block.Number,
                new LedgerException(NodeErrors.UnknownEnterpriseCode, ErrorCategory.NotFound,
                    $"{Provider.Code} holds no tax data on the enterprise of consent {fetch.ConsentId.Value.ToShortString()} (credit-code hash {terms.CreditCodeHash.Value.ToShortString()}); the enterprise is not a taxpayer of this bureau.")).ConfigureAwait(false);
        }

        // 4. The consumer's registered encryption key.
        byte[] recipientKey;
        try
        {
            recipientKey = await _chain.EncryptionKeyAsync(consumer, block.Number).ConfigureAwait(false);
        }
        catch (LedgerException unreadable)
        {
            // Only the chain is read here: whatever the read failed with, the key cannot be confirmed.
            throw await RefuseStaleAsync(fetch, requestHash, block.Number, unreadable, "the consumer's registered key").ConfigureAwait(false);
        }
        if (recipientKey is not { Length: 33 } || recipientKey[0] is not (0x02 or 0x03))
        {
            throw await RefuseAsync(fetch.ConsentId, consumer, fetch.Scopes, requestHash, (byte)AccessStatus.ConsumerIneligible, block.Number,
                new LedgerException(NodeErrors.NoEncryptionKeyCode, ErrorCategory.FailedPrecondition,
                    $"{consumer.Code} has no usable encryption key registered in the consortium, so nothing can be sealed to it; the governors must register its node's encryption key.")).ConfigureAwait(false);
        }

        // 5. Still within T of the chain read that confirmed the check? (Steps 2-4 may have waited.) If not, check again
        //    on a freshly confirmed head: the report is served at most T after the read that allowed it.
        if (!_head.IsCurrent(check.ConfirmedAt))
        {
            check = await CheckConsentAsync(fetch, requestHash, cancellationToken).ConfigureAwait(false);
            block = check.Block;
        }

        // 6. Reserve the fetch (request served once; the cap counted here in batch mode).
        var now = _time.GetUtcNow();
        var period = ConsentGate.PeriodOf(grant, (ulong)now.ToUnixTimeSeconds());
        var strong = _settings.StrongMode;
        switch (_gate.TryReserve(grant, requestHash, period, countCap: !strong))
        {
            case ReserveOutcome.Duplicate:
                throw await RefuseAsync(fetch.ConsentId, consumer, fetch.Scopes, requestHash, (byte)RefusalReason.MalformedRequest, block.Number,
                    new LedgerException(NodeErrors.DuplicateRequestCode, ErrorCategory.AlreadyExists,
                        $"Request id '{fetch.RequestId}' was already served under consent {fetch.ConsentId.Value.ToShortString()}; every request needs its own request id.")).ConfigureAwait(false);
            case ReserveOutcome.CapReached:
                throw await RefuseAsync(fetch.ConsentId, consumer, fetch.Scopes, requestHash, (byte)AccessStatus.FetchCapReached, block.Number,
                    RefusalCatalogue.FetchCapReached(fetch.ConsentId, terms.FetchCap, terms.FetchPeriod)).ConfigureAwait(false);
        }

        try
        {
            // 7. The report, sealed to the consumer and bound to this consent and request.
            var plaintext = Reports.Json(taxpayer.Taxpayer, fetch.Scopes, MonthOf(from), MonthOf(until), now);
            var responseHash = Keccak.Hash(plaintext);
            var envelope = Sealer.Seal(plaintext, recipientKey, new EnvelopeBinding(fetch.ConsentId, requestHash));

            // 8. Strong mode: the chain records (and counts) the access before anything is answered.
            ChainConfirmation? strongTx = null;
            if (strong)
            {
                try
                {
                    strongTx = await _chain.RecordAccessAsync(fetch.ConsentId, consumer, fetch.Scopes, requestHash, responseHash, key: $"access:{requestHash}").ConfigureAwait(false);
                }
                catch (LedgerException refused) when (RefusalCatalogue.StatusOfContractError(refused.Code) is { } chainStatus)
                {
                    _gate.Release(grant, requestHash, period);
                    throw await RefuseAsync(fetch.ConsentId, consumer, fetch.Scopes, requestHash, (byte)chainStatus, block.Number, refused).ConfigureAwait(false);
                }
            }

            // 9. Durable before acknowledged.
            var servedAtMs = (ulong)now.ToUnixTimeMilliseconds();
            var provider = Provider;
            var checkedAt = block.Number;
            var accessRecord = await _answers.AcceptAccessAsync(sequence => new AccessRecord(
                fetch.ConsentId, provider, consumer, fetch.Scopes, requestHash, responseHash, checkedAt, servedAtMs, sequence)).ConfigureAwait(false);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                NodeLog.Served(_logger, fetch.Scopes.ToString(), fetch.ConsentId.ToString(), consumer.Code, requestHash.ToString(), checkedAt);
            }
            return new ServedReport(envelope, requestHash, responseHash, checkedAt, servedAtMs, accessRecord, strongTx);
        }
        catch (Exception ex) when (ex is not RequestRefusedException)
        {
            // Nothing was acknowledged: the reservation goes back (the access record, if the commit raced the failure,
            // is kept and counted on the next start).
            _gate.Release(grant, requestHash, period);
            throw;
        }
    }

    /// <summary>
    /// Records a refusal durably (a refusal record) and returns the exception that carries its hash to the caller.
    /// The adapter uses it for requests it could not validate.
    /// </summary>
    public async Task<RequestRefusedException> RefuseAsync(
        ConsentId consent, OrgId consumer, Scopes scopes, Hash32 requestHash, byte reason, ulong block, LedgerException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var hash = await RecordRefusalAsync(consent, consumer, scopes, requestHash, reason, block).ConfigureAwait(false);
        NodeLog.Refused(_logger, Method, consumer.Code, error.Code, error.Message);
        Observability.NodeTelemetry.Refused(Method, reason, recorded: true);
        return new RequestRefusedException(error, hash.Value);
    }

    /// <summary>Accepts a refusal record durably and returns its hash.</summary>
    public Task<RecordHash> RecordRefusalAsync(ConsentId consent, OrgId consumer, Scopes scopes, Hash32 requestHash, byte reason, ulong block)
    {
        var provider = Provider;
        var refusedAtMs = (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds();
        return _answers.AcceptRefusalAsync(sequence =>
            new RefusalRecord(consent, provider, consumer, scopes, requestHash, reason, block, refusedAtMs, sequence));
    }

    // The registry's verdict on a head confirmed within T; anything but Allowed, or a chain that cannot be read, is a
    // recorded refusal.
    private async Task<ConsentCheck> CheckConsentAsync(FetchRequest fetch, Hash32 requestHash, CancellationToken cancellationToken)
    {
        var consumer = fetch.Consumer;
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
            throw await RefuseStaleAsync(fetch, requestHash, _head.Latest.Number, unreadable, "the consent").ConfigureAwait(false);
        }
        var block = head.Block;
        if (status != AccessStatus.Allowed)
        {
            try
            {
                var newer = await _head.ReadNewAsync(cancellationToken).ConfigureAwait(false);
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
                error = await RefusalCatalogue.ForStatusAsync(status, fetch, _chain, block.Number).ConfigureAwait(false);
            }
            catch (LedgerException unreadable)
            {
                // The sentence of some verdicts reads the consent's dates; a chain gone in between still gets a recorded refusal.
                throw await RefuseStaleAsync(fetch, requestHash, block.Number, unreadable, "the consent's terms").ConfigureAwait(false);
            }
            throw await RefuseAsync(fetch.ConsentId, consumer, fetch.Scopes, requestHash, (byte)status, block.Number, error).ConfigureAwait(false);
        }
        return new ConsentCheck(block, block.Number == head.Block.Number ? head.ConfirmedAt : _head.Time.GetTimestamp());
    }

    private readonly record struct ConsentCheck(ChainBlock Block, long ConfirmedAt);

    private async Task<RequestRefusedException> RefuseStaleAsync(FetchRequest fetch, Hash32 requestHash, ulong block, LedgerException cause, string what) =>
        await RefuseAsync(fetch.ConsentId, fetch.Consumer, fetch.Scopes, requestHash, (byte)RefusalReason.ChainViewStale, block,
            new LedgerException(ChainHead.StaleViewCode, ErrorCategory.Unavailable,
                $"The node could not read {what} from the chain ({cause.Code}: {cause.Message.TrimEnd('.')}), so it serves no data; the refusal is recorded. Retry when the node's chain is back (its health check says SERVING again).",
                cause)).ConfigureAwait(false);

    /// <summary>The calendar month of a moment in China Standard Time (as the scorecard counts months).</summary>
    internal static YearMonth MonthOf(ulong unixSeconds)
    {
        var seconds = (long)Math.Min(unixSeconds, 253_402_271_999UL); // 9999-12-31 in UTC+8
        var moment = DateTimeOffset.FromUnixTimeSeconds(seconds).ToOffset(TimeSpan.FromHours(8));
        return new YearMonth(moment.Year, moment.Month);
    }

    private static string Day(ulong unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(unixSeconds, 253_402_271_999UL)).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What a <see cref="FetchReport"/> needs to know of its node.</summary>
/// <param name="Provider">The provider organization the node serves for.</param>
/// <param name="StrongMode">Whether every access is also a transaction the node waits for.</param>
public sealed record FetchReportSettings(OrgId Provider, bool StrongMode);
