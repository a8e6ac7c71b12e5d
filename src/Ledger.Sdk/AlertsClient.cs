using System.Runtime.CompilerServices;
using Grpc.Core;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk.Mapping;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>An early-warning alert as a node streams it.</summary>
/// <param name="Id">The node's id of the alert: stable and ordered (resume after it with <see cref="AlertFilter.AfterId"/>).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Enterprise">The enterprise (salted credit-code hash).</param>
/// <param name="Loan">The loan concerned, if any.</param>
/// <param name="Consent">The consent concerned, if any.</param>
/// <param name="Summary">One sentence for people.</param>
/// <param name="Details">Facts by name (e.g. <c>daysOverdue</c>, <c>previous</c>, <c>rating</c>).</param>
/// <param name="BlockNumber">The block of a chain-sourced alert (0 otherwise).</param>
/// <param name="TxHash">The transaction of a chain-sourced alert.</param>
/// <param name="RaisedAtMs">When it was raised (unix ms): the block's time for chain-sourced alerts.</param>
/// <param name="Source">The organization whose node raised it (the tax bureau for rating downgrades).</param>
public sealed record LedgerAlert(
    string Id,
    AlertKind Kind,
    EnterpriseHash Enterprise,
    LoanId? Loan,
    ConsentId? Consent,
    string Summary,
    IReadOnlyDictionary<string, string> Details,
    ulong BlockNumber,
    Hash32? TxHash,
    ulong RaisedAtMs,
    OrgId Source);

/// <summary>Which alerts a subscription wants.</summary>
public sealed record AlertFilter
{
    /// <summary>Only these kinds (empty: all).</summary>
    public IReadOnlyCollection<AlertKind> Kinds { get; init; } = [];

    /// <summary>Only this enterprise (null: every enterprise the caller is exposed to).</summary>
    public EnterpriseHash? Enterprise { get; init; }

    /// <summary>
    /// Where the stream starts: null — live alerts only, from the moment the node accepts the subscription; <c>"0"</c> —
    /// every alert the node still keeps; an alert id — the alerts after it (resume after a reconnect).
    /// </summary>
    public string? AfterId { get; init; }
}

/// <summary>
/// A live alert stream (<c>Alerts.Subscribe</c>) the node has accepted: enumerate it once for the alerts, in id order,
/// as they happen; dispose it (or cancel the enumeration) to end the call.
/// </summary>
public sealed class AlertSubscription : IAsyncEnumerable<LedgerAlert>, IDisposable
{
    private readonly AsyncServerStreamingCall<Proto.Alert> _call;
    private readonly string _address;
    private Proto.Alert? _pending;
    private int _enumerated;

    internal AlertSubscription(AsyncServerStreamingCall<Proto.Alert> call, string address, string? startsAfterId, Proto.Alert? pending)
    {
        _call = call;
        _address = address;
        StartsAfterId = startsAfterId;
        _pending = pending;
    }

    /// <summary>The id after which the stream starts (with a null <see cref="AlertFilter.AfterId"/>: the node's latest alert when it accepted).</summary>
    public string? StartsAfterId { get; }

    /// <inheritdoc/>
    /// <exception cref="LedgerException">when the stream fails (LEDGER-1600 when the node goes away; the node's code otherwise).</exception>
    public IAsyncEnumerator<LedgerAlert> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("An alert subscription is enumerated once; subscribe again (with AfterId) for another pass.");
        }
        return ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    private async IAsyncEnumerable<LedgerAlert> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_pending is { } first)
        {
            _pending = null;
            yield return Calls.Parse(() => RiskMapping.FromProto(first));
        }
        while (true)
        {
            Proto.Alert item;
            try
            {
                if (!await _call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
                item = _call.ResponseStream.Current;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The alert stream was cancelled.", ex, cancellationToken);
            }
            catch (RpcException ex)
            {
                throw SdkErrors.FromRpc(ex, _address);
            }
            catch (HttpRequestException ex)
            {
                throw Unreachable(_address, ex);
            }
            yield return Calls.Parse(() => RiskMapping.FromProto(item));
        }
    }

    internal static LedgerException Unreachable(string address, Exception ex) => new(SdkErrors.UnreachableCode, ErrorCategory.Unavailable,
        $"The Ledger node at {address} cannot be reached ({ex.Message}); check that it is running and that the address is right.", ex);

    /// <summary>Ends the call.</summary>
    public void Dispose() => _call.Dispose();
}

/// <summary>
/// The alert stream of a tax, bank or guarantor node (<c>Alerts.Subscribe</c>; banks and guarantors): the alerts of
/// the enterprises the caller's organization is exposed to — through a loan, a guarantee or a valid consent.
/// </summary>
/// <example>
/// <code>
/// await foreach (var alert in bankNode.Alerts.StreamAsync(new AlertFilter { AfterId = lastSeenId }, stopping))
/// {
///     Console.WriteLine($"{alert.Kind}: {alert.Summary}");
///     lastSeenId = alert.Id; // resume from here after a reconnect
/// }
/// </code>
/// </example>
public sealed class AlertsClient
{
    /// <summary>Response header with which a node accepts a subscription: the id after which the stream starts.</summary>
    public const string StartHeader = "ledger-alerts-after";

    private readonly LedgerConnection _connection;
    private readonly Proto.Alerts.AlertsClient _client;

    /// <summary>A client over <paramref name="connection"/>.</summary>
    public AlertsClient(LedgerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _client = new Proto.Alerts.AlertsClient(connection.Invoker);
    }

    /// <summary>
    /// Subscribes and returns once the node has accepted the subscription (so an alert raised after this returns is in
    /// the stream), or fails with the node's refusal (PERMISSION_DENIED for a non-member or a wrong role).
    /// </summary>
    /// <param name="filter">Kinds, enterprise and start; null: every alert of the caller's exposure, live.</param>
    /// <param name="cancellationToken">Cancels the whole call.</param>
    /// <exception cref="LedgerException">the node's refusal, or LEDGER-1600 when it cannot be reached.</exception>
    public async Task<AlertSubscription> SubscribeAsync(AlertFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new AlertFilter();
        var request = new Proto.SubscribeRequest
        {
            EnterpriseHash = filter.Enterprise?.ToString() ?? "",
            AfterId = filter.AfterId ?? "",
        };
        request.Kinds.AddRange(filter.Kinds.Select(RiskMapping.ToProto));
        var call = _client.Subscribe(request, cancellationToken: cancellationToken);
        try
        {
            var headers = await call.ResponseHeadersAsync.ConfigureAwait(false);
            var start = headers.GetValue(StartHeader);
            Proto.Alert? pending = null;
            if (start is null)
            {
                // No acceptance header: the call ended before the node took the subscription (normally a refusal,
                // which reading the stream raises).
                if (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    pending = call.ResponseStream.Current;
                }
            }
            return new AlertSubscription(call, _connection.Address, start, pending);
        }
        catch (RpcException ex)
        {
            call.Dispose();
            throw SdkErrors.FromRpc(ex, _connection.Address);
        }
        catch (HttpRequestException ex)
        {
            call.Dispose();
            throw AlertSubscription.Unreachable(_connection.Address, ex);
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }

    /// <summary>The alert stream as an async sequence (subscribes when enumerated; ends when the token is cancelled).</summary>
    /// <exception cref="LedgerException">the node's refusal or a failed stream.</exception>
    public async IAsyncEnumerable<LedgerAlert> StreamAsync(AlertFilter? filter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var subscription = await SubscribeAsync(filter, cancellationToken).ConfigureAwait(false);
        await foreach (var alert in subscription.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return alert;
        }
    }
}
