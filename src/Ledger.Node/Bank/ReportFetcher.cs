using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Bank.UseCases;
using Ledger.Node.Hosting;
using Ledger.Node.Services;
using Ledger.Node.Tax;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Bank;

/// <summary>A report the bank holds (just fetched or kept), opened: its canonical JSON bytes and, just fetched, the provider's access record.</summary>
public sealed record OpenedReport(HeldItem Item, byte[] Plaintext, RecordHash? ProviderAccessRecord);

/// <summary>
/// The bank's report fetch (use case over ports; the name kept, as <see cref="DataLifeKeeper"/>'s): fetches reports for
/// the bank under its consents and keeps them. The consent's grant (<see cref="ConsentGate"/>: from the audit index or
/// the chain's logs) names the provider and the data life; the provider's node is asked through
/// <see cref="IReportProviders"/> (a request signed as this node); the envelope is opened with the node's encryption
/// key (<see cref="IEnvelopeKeys"/>) and the plaintext must hash to the response hash the provider recorded; the
/// envelope is then kept (<see cref="IFetchedReports"/>, the store's held data) until fetched-at + data life, and a
/// revocation seen meanwhile deletes it at once (<see cref="DataLifeKeeper"/>).
/// </summary>
public sealed class ReportFetcher
{
    /// <summary>Every scope a tax report can carry.</summary>
    public const Scopes KnownScopes = (Scopes)0x7F;

    private readonly ILendingChain _chain;
    private readonly IReportProviders _providers;
    private readonly IEnvelopeKeys _keys;
    private readonly ConsentGate _gate;
    private readonly IFetchedReports _store;
    private readonly DataLifeKeeper _keeper;
    private readonly TimeProvider _time;
    private readonly ILogger<ReportFetcher> _logger;

    // A provider that could not confirm its view of the chain in time (LEDGER-1330, fail-closed: recorded as a
    // refusal, nothing served) is asked again twice, after 0.5 and 1 s; any other refusal is final.
    private static readonly Polly.ResiliencePipeline ProviderRetry = Core.Resilience.Backoff.ForTransient(
        2, TimeSpan.FromMilliseconds(500), e => e is LedgerException { Code: ChainHead.StaleViewCode });

    /// <summary>Creates the fetcher.</summary>
    public ReportFetcher(
        ILendingChain chain, IReportProviders providers, IEnvelopeKeys keys, ConsentGate gate, IFetchedReports store, DataLifeKeeper keeper, TimeProvider time, ILogger<ReportFetcher> logger)
    {
        _chain = chain;
        _providers = providers;
        _keys = keys;
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
        var bank = _chain.Bank;
        if (grant.Terms.Consumer != bank)
        {
            throw NodeErrors.NotParty(
                $"Consent {consent.Value.ToShortString()} was granted to {grant.Terms.Consumer.Code}, not to {bank.Code}; a bank uses its own consents only.");
        }
        return grant;
    }

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
            scopes = await _chain.ConsentScopesAsync(consent, cancellationToken).ConfigureAwait(false);
        }
        var provider = grant.Terms.Provider;
        var fetched = await ProviderRetry.ExecuteAsync(
            async ct => await _providers.FetchAsync(provider, consent, scopes, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

        var plaintext = _keys.Open(fetched.Envelope, new EnvelopeBinding(consent, fetched.RequestHash));
        var hash = Keccak.Hash(plaintext);
        if (hash != fetched.ResponseHash)
        {
            throw BankErrors.ReportMismatch(
                $"The report {provider.Code} sent hashes to {hash}, but it recorded {fetched.ResponseHash} for this request; the report was not kept. Report request {fetched.RequestId} to the tax bureau.");
        }
        var now = (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds();
        var life = grant.Terms.DataLife;
        var keepUntil = life > (ulong.MaxValue - now) / 1000 ? ulong.MaxValue : now + (life * 1000);
        var item = new HeldItem(fetched.RequestHash, consent, provider, scopes, fetched.ResponseHash, fetched.Envelope, now, keepUntil,
            fetched.CheckedAtBlock, fetched.AccessRecord.Value);
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
        var plaintext = _keys.Open(envelope, new EnvelopeBinding(item.ConsentId, item.RequestHash));
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
