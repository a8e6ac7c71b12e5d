using Ledger.Chain.Abi;
using GrantConsentBySigFunction = Ledger.Chain.Contracts.ConsentRegistry.ContractDefinition.GrantConsentBySigFunction;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Node.Hosting;

namespace Ledger.Node.Services.UseCases;

/// <summary>What relaying an enterprise's signed grant or narrowing sends on the consent registry, in domain types.</summary>
public interface IConsentRelayChain
{
    /// <summary>The deployment's consent domain (EIP-712): a consent's id is the digest of its terms in it.</summary>
    Eip712Domain ConsentDomain { get; }

    /// <summary>Relays a grant the enterprise signed (<c>ConsentRegistry.grantConsentBySig</c>) under <paramref name="key"/>.</summary>
    Task<ChainConfirmation> GrantBySignatureAsync(ConsentTerms terms, byte[] signature, string key);

    /// <summary>Relays a narrowing the enterprise signed (<c>ConsentRegistry.narrowConsentBySig</c>) under <paramref name="key"/>.</summary>
    Task<ChainConfirmation> NarrowBySignatureAsync(ConsentNarrowing narrowed, byte[] signature, string key);
}

/// <summary>A grant relayed.</summary>
/// <param name="Consent">The consent's id (its terms' digest in the deployment's consent domain).</param>
/// <param name="Tx">The <c>grantConsentBySig</c> transaction.</param>
public sealed record ConsentGranted(ConsentId Consent, ChainConfirmation Tx);

/// <summary>
/// The consent relays (use case over ports): the node's operator sends a grant or a narrowing the enterprise signed, so
/// the enterprise needs no gas; the registry checks the signature and the rest. Keys: <c>grant:&lt;consent&gt;</c> (the
/// same signed terms are one consent) and <c>narrow:&lt;consent&gt;:&lt;nonce&gt;</c> (the same signed narrowing is
/// sent once). The registry's refusals pass through as they are. (A revocation, which also waits for the provider, is
/// <see cref="RevokeConsent"/>.)
/// </summary>
public sealed class RelayConsent(IConsentRelayChain chain)
{
    /// <summary>Relays the grant of <paramref name="terms"/> signed by the enterprise.</summary>
    /// <exception cref="Core.Errors.LedgerException">the registry's refusals.</exception>
    public async Task<ConsentGranted> GrantAsync(ConsentTerms terms, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var id = terms.IdIn(chain.ConsentDomain);
        var tx = await chain.GrantBySignatureAsync(terms, signature, $"grant:{id}").ConfigureAwait(false);
        return new ConsentGranted(id, tx);
    }

    /// <summary>Relays the narrowing signed by the enterprise.</summary>
    /// <exception cref="Core.Errors.LedgerException">the registry's refusals.</exception>
    public Task<ChainConfirmation> NarrowAsync(ConsentNarrowing narrowing, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(narrowing);
        return chain.NarrowBySignatureAsync(narrowing, signature, $"narrow:{narrowing.ConsentId}:{narrowing.Nonce}");
    }
}

/// <summary>The consent registry (through the operator's transaction sender and chain client) as an <see cref="IConsentRelayChain"/>.</summary>
public sealed class ChainConsentRelay(
    NodeIdentity node, Ledger.Chain.LedgerChainClient chainClient, Ledger.Chain.Transactions.TransactionSender sender) : IConsentRelayChain
{
    /// <inheritdoc/>
    public Eip712Domain ConsentDomain => node.ConsentDomain;

    /// <inheritdoc/>
    public async Task<ChainConfirmation> GrantBySignatureAsync(ConsentTerms terms, byte[] signature, string key) =>
        (await sender.SendAsync(
            node.Deployment[LedgerContracts.ConsentRegistry],
            new GrantConsentBySigFunction { Terms = Ledger.Chain.LedgerChainClient.ToDto(terms), Signature = signature },
            key,
            CancellationToken.None).ConfigureAwait(false)).ToConfirmation();

    /// <inheritdoc/>
    public async Task<ChainConfirmation> NarrowBySignatureAsync(ConsentNarrowing narrowed, byte[] signature, string key) =>
        (await chainClient.NarrowConsentBySigAsync(narrowed, signature, key, CancellationToken.None).ConfigureAwait(false)).ToConfirmation();
}
