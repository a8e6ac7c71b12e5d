using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;
using Ledger.Node.Services;
using Ledger.Node.Tax;
using Ledger.Sdk;
using Ledger.Sdk.Mapping;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Bank;

/// <summary>A report the bank holds (just fetched or kept), opened: its canonical JSON bytes and where it came from.</summary>
public sealed record OpenedReport(HeldItem Item, byte[] Plaintext, AnchorReference? ProviderAccessRecord);

/// <summary>
/// Fetches reports for the bank under its consents and keeps them: the consent's grant (from the audit index or the
/// chain's logs) names the provider and the data life; the provider's node is reached through
/// <see cref="PeerConnections"/> with a request signed as this node; the envelope is opened with the node's
/// encryption key and the plaintext must hash to the response hash the provider recorded; the envelope is then kept
/// in the store's held data (<see cref="IBankStore"/>) until fetched-at + data life.
/// </summary>
public sealed class ReportFetcher
{
    /// <summary>Every scope a tax report can carry.</summary>
    public const Scopes KnownScopes = (Scopes)0x7F;

    private readonly NodeIdentity _node;
    private readonly Ledger.Chain.LedgerChainClient _chainClient;
    private readonly PeerConnections _peers;
    private readonly ConsentGate _gate;
    private readonly IBankStore _store;
    private readonly DataLifeKeeper _keeper;
    private readonly TimeProvider _time;
    private readonly ILogger<ReportFetcher> _logger;

    /// <summary>Creates the fetcher.</summary>
    public ReportFetcher(NodeIdentity node, Ledger.Chain.LedgerChainClient chainClient, PeerConnections peers, ConsentGate gate, IBankStore store, DataLifeKeeper keeper, TimeProvider time, ILogger<ReportFetcher> logger)
    {
        _node = node;
        _chainClient = chainClient;
        _peers = peers;
        _gate = gate;
        _store = store;
        _keeper = keeper;
        _time = time;
        _logger = logger;
    }

    /// <summary>The consent's grant, which must name this bank as consumer.</summary>
    /// <exception cref="LedgerException">LEDGER-1540 when the consent is unknown; LEDGER-1518 when it is another member's.</exception>
    public async Task<GrantedConsent> GrantAsync(ConsentId consent, CancellationToken cancellationToken)
    {
        var grant = await _gate.GrantAsync(consent, cancellationToken).ConfigureAwait(false)
            ?? throw BankErrors.UnknownConsent(
                $"Consent {consent} was never granted on this chain (no ConsentGranted event); check the consent id, or wait a moment when it was granted just now.");
        if (grant.Terms.Consumer != _node.Organization)
        {
            throw NodeErrors.NotParty(
                $"Consent {consent.Value.ToShortString()} was granted to {grant.Terms.Consumer.Code}, not to {_node.Organization.Code}; a bank uses its own consents only.");
        }
        return grant;
    }

    private static readonly Polly.ResiliencePipeline ProviderRetry = Core.Resilience.Backoff.ForTransient(
        2, TimeSpan.FromMilliseconds(500), e => e is LedgerRemoteException { Code: ChainHead.StaleViewCode });

    /// <summary>
    /// Fetches the report of <paramref name="scopes"/> (none: every scope the consent grants now) from the consent's
    /// provider, checks it, keeps it for the consent's data life and returns it opened.
    /// </summary>
    /// <exception cref="LedgerException">the provider's refusal (its code and sentence, with its refusal record in the
    /// trailer); LEDGER-1543 when the report does not hash to the recorded response hash; LEDGER-1548 when the consent
    /// was revoked while the report travelled (it is deleted at once).</exception>
    public async Task<OpenedReport> FetchAsync(ConsentId consent, Scopes scopes, CancellationToken cancellationToken)
    {
        if ((scopes & ~KnownScopes) != 0)
        {
            throw NodeErrors.InvalidField($"scopes {(ulong)scopes} is not a set of known scopes (bits 0 to 6: rating 1, payments 2, invoices 4, social insurance 8, customs 16, judicial 32, IP 64).");
        }
        var grant = await GrantAsync(consent, cancellationToken).ConfigureAwait(false);
        if (scopes == Scopes.None)
        {
            // What the consent grants now: a narrowing may have taken scopes away since the grant.
            var state = await _chainClient.ConsentAsync(consent, cancellationToken).ConfigureAwait(false);
            scopes = (Scopes)state.Scopes;
        }
        var provider = grant.Terms.Provider;
        var peer = await _peers.ConnectAsync(provider, cancellationToken).ConfigureAwait(false);
        FetchedReport fetched;
        try
        {
            // A provider that could not confirm its view of the chain in time (LEDGER-1330, fail-closed: recorded as a
            // refusal, nothing served) is asked again twice, after 0.5 and 1 s; any other refusal is final.
            fetched = await ProviderRetry.ExecuteAsync(
                async ct => await peer.Tax.FetchReportAsync(new ReportRequest(consent, scopes), ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerRemoteException refused)
        {
            // The provider's own code and sentence, and its refusal record, reach the bank's caller unchanged.
            var reason = new LedgerException(refused.Code, refused.Category, $"{provider.Code} refused the fetch: {refused.Message}", refused);
            throw refused.RefusalRecord is { } record ? new RequestRefusedException(reason, record) : reason;
        }

        var plaintext = _node.Keys.Encryption.Open(fetched.Envelope, new EnvelopeBinding(consent, fetched.RequestHash));
        var hash = Keccak.Hash(plaintext);
        if (hash != fetched.ResponseHash)
        {
            throw BankErrors.ReportMismatch(
                $"The report {provider.Code} sent hashes to {hash}, but it recorded {fetched.ResponseHash} for this request; the report was not kept. Report request {fetched.Request.RequestId} to the tax bureau.");
        }
        var now = (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds();
        var life = grant.Terms.DataLife;
        var keepUntil = life > (ulong.MaxValue - now) / 1000 ? ulong.MaxValue : now + (life * 1000);
        var item = new HeldItem(fetched.RequestHash, consent, provider, scopes, fetched.ResponseHash, fetched.Envelope, now, keepUntil,
            fetched.CheckedAtBlock, fetched.AccessRecord.RecordHash.Value);
        _store.Add(item);
        BankLog.Fetched(_logger, consent.ToString(), provider.Code, fetched.ResponseHash.ToString(), keepUntil);

        // A revocation the indexer saw while the report travelled: nothing is kept past it.
        if (await _keeper.EnforceRevocationAsync(consent, cancellationToken).ConfigureAwait(false))
        {
            throw BankErrors.ConsentRevoked(
                $"Consent {consent.Value.ToShortString()} was revoked while its report was being fetched; the report was deleted with a deletion receipt and cannot be used.");
        }
        return new OpenedReport(item, plaintext, fetched.AccessRecord);
    }

    /// <summary>Opens a kept report with the node's encryption key and checks it against its response hash.</summary>
    public OpenedReport Open(HeldItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var envelope = item.Envelope ?? throw new InvalidOperationException("The held item was deleted.");
        var plaintext = _node.Keys.Encryption.Open(envelope, new EnvelopeBinding(item.ConsentId, item.RequestHash));
        var hash = Keccak.Hash(plaintext);
        if (hash != item.ResponseHash)
        {
            throw BankErrors.ReportMismatch(
                $"The report kept for consent {item.ConsentId.Value.ToShortString()} hashes to {hash}, not to the recorded {item.ResponseHash}; the bank's data file was altered. Fetch again.");
        }
        return new OpenedReport(item, plaintext, null);
    }

    /// <summary>
    /// A report of the consent to decide on: one still held within its life (unless the consent is revoked, in which
    /// case it is deleted now), else a fresh fetch of every granted scope.
    /// </summary>
    public async Task<OpenedReport> HeldOrFetchAsync(ConsentId consent, CancellationToken cancellationToken)
    {
        await GrantAsync(consent, cancellationToken).ConfigureAwait(false);
        await _keeper.EnforceRevocationAsync(consent, cancellationToken).ConfigureAwait(false);
        var now = (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_store.LatestLive(consent, now) is { Envelope: not null } held)
        {
            return Open(held);
        }
        return await FetchAsync(consent, Scopes.None, cancellationToken).ConfigureAwait(false);
    }
}
