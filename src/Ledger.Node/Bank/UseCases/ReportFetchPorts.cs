using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;
using Ledger.Sdk;

namespace Ledger.Node.Bank.UseCases;

/// <summary>A report a provider's node served to this bank, in domain types (still sealed to the bank's key).</summary>
/// <param name="RequestId">The request's id (what the bureau is told when the report is wrong).</param>
/// <param name="Envelope">The report, sealed to the bank's registered encryption key and bound to (consent, request hash).</param>
/// <param name="RequestHash">The request's hash.</param>
/// <param name="ResponseHash">The hash the provider recorded for the report (keccak256 of its canonical JSON).</param>
/// <param name="CheckedAtBlock">The block the provider checked the consent at.</param>
/// <param name="AccessRecord">The provider's access record of the fetch.</param>
public sealed record ProvidedReport(string RequestId, byte[] Envelope, Hash32 RequestHash, Hash32 ResponseHash, ulong CheckedAtBlock, RecordHash AccessRecord);

/// <summary>The providers' nodes as the bank's <see cref="ReportFetcher"/> asks them for reports.</summary>
public interface IReportProviders
{
    /// <summary>
    /// Asks <paramref name="provider"/>'s node for the report of <paramref name="scopes"/> under <paramref name="consent"/>
    /// (a request signed as this node).
    /// </summary>
    /// <exception cref="LedgerException">the provider's refusal: its code and category, its sentence after "&lt;provider&gt;
    /// refused the fetch: ", a <see cref="RequestRefusedException"/> when it recorded a refusal record (LEDGER-1330 when it
    /// could not confirm its view of the chain in time); the node's own when the provider cannot be reached.</exception>
    Task<ProvidedReport> FetchAsync(OrgId provider, ConsentId consent, Scopes scopes, CancellationToken cancellationToken);
}

/// <summary>The bank node's encryption key, as the <see cref="ReportFetcher"/> opens the reports sealed to it.</summary>
public interface IEnvelopeKeys
{
    /// <summary>Opens an envelope sealed to this node's key and bound to <paramref name="binding"/>.</summary>
    byte[] Open(byte[] envelope, EnvelopeBinding binding);
}

/// <summary>The providers' nodes through the node's peer connections (endpoints from the consortium, calls signed as this node).</summary>
public sealed class PeerReportProviders(PeerConnections peers) : IReportProviders
{
    /// <inheritdoc/>
    public async Task<ProvidedReport> FetchAsync(OrgId provider, ConsentId consent, Scopes scopes, CancellationToken cancellationToken)
    {
        var peer = await peers.ConnectAsync(provider, cancellationToken).ConfigureAwait(false);
        FetchedReport fetched;
        try
        {
            fetched = await peer.Tax.FetchReportAsync(new ReportRequest(consent, scopes), cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerRemoteException refused)
        {
            // The provider's own code and sentence, and its refusal record, reach the bank's caller unchanged.
            var reason = new LedgerException(refused.Code, refused.Category, $"{provider.Code} refused the fetch: {refused.Message}", refused);
            throw refused.RefusalRecord is { } record ? new RequestRefusedException(reason, record) : reason;
        }
        return new ProvidedReport(
            fetched.Request.RequestId, fetched.Envelope, fetched.RequestHash, fetched.ResponseHash, fetched.CheckedAtBlock, fetched.AccessRecord.RecordHash);
    }
}

/// <summary>The node's key store's encryption key as the bank's <see cref="IEnvelopeKeys"/>.</summary>
public sealed class NodeEnvelopeKeys(NodeIdentity node) : IEnvelopeKeys
{
    /// <inheritdoc/>
    public byte[] Open(byte[] envelope, EnvelopeBinding binding) => node.Keys.Encryption.Open(envelope, binding);
}
