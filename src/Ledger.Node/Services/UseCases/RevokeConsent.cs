using Ledger.Chain.Contracts.ConsentRegistry.ContractDefinition;
using Ledger.Chain.Errors;
using Ledger.Core.Consent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Node.Services.UseCases;

/// <summary>
/// The chain refused a revocation because the consent was revoked already (the contract's <c>ConsentRevokedAt</c>): the
/// contract's code, category and sentence, and the block of the earlier revocation.
/// </summary>
public sealed class ConsentAlreadyRevokedException : LedgerException
{
    /// <summary>Creates the refusal from the contract's.</summary>
    public ConsentAlreadyRevokedException(string code, ErrorCategory category, string message, ulong revokedAtBlock, Exception? innerException = null)
        : base(code, category, message, innerException)
    {
        RevokedAtBlock = revokedAtBlock;
    }

    /// <summary>The block that revoked the consent.</summary>
    public ulong RevokedAtBlock { get; }
}

/// <summary>What revoking a consent reads and sends on chain, in domain types.</summary>
public interface IRevocationChain
{
    /// <summary>Relays an enterprise-signed revocation (<c>ConsentRegistry.revokeConsentBySig</c>) under <paramref name="key"/>.</summary>
    /// <exception cref="ConsentAlreadyRevokedException">when the consent was revoked before.</exception>
    Task<ChainConfirmation> RevokeBySignatureAsync(ConsentRevocation revocation, byte[] signature, string key);

    /// <summary>The consent's provider, as of <paramref name="atBlock"/> (null: the latest block).</summary>
    Task<OrgId> ProviderAsync(ConsentId consent, ulong? atBlock);
}

/// <summary>Waits until a consent's provider has seen a block (<see cref="RevocationWitness"/> in a node).</summary>
public interface IRevocationWitness
{
    /// <summary>Returns once <paramref name="provider"/>'s node reports block <paramref name="block"/> or later.</summary>
    /// <exception cref="LedgerException">LEDGER-1526 when it does not within <paramref name="timeout"/>.</exception>
    Task AwaitSeenAsync(ConsentId consent, OrgId provider, ulong block, string txHash, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>
/// Revoke (use case over ports): relays a revocation the enterprise signed, then waits until the consent's provider has
/// seen the block that revoked it, so a client that awaited the revocation and then fetches is refused. The send is
/// keyed by consent and nonce (<c>revoke:&lt;consent&gt;:&lt;nonce&gt;</c>): the same revocation again is not sent twice,
/// it only waits again. A consent revoked earlier is refused with the contract's code, after waiting for the provider
/// to have seen the earlier revocation.
/// </summary>
public sealed class RevokeConsent(IRevocationChain chain, IRevocationWitness witness)
{
    /// <summary>Relays the revocation and waits for its provider.</summary>
    /// <exception cref="LedgerException">the chain's refusal (ConsentRevokedAt after the wait); LEDGER-1526 when the
    /// provider did not confirm in time (the revocation stands).</exception>
    public async Task<ChainConfirmation> RevokeAsync(ConsentRevocation revocation, byte[] signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        ChainConfirmation tx;
        try
        {
            tx = await chain.RevokeBySignatureAsync(revocation, signature, $"revoke:{revocation.ConsentId}:{revocation.Nonce}").ConfigureAwait(false);
        }
        catch (ConsentAlreadyRevokedException revoked)
        {
            var earlier = await chain.ProviderAsync(revocation.ConsentId, null).ConfigureAwait(false);
            await witness.AwaitSeenAsync(revocation.ConsentId, earlier, revoked.RevokedAtBlock, "(an earlier one)",
                RevocationWitness.DefaultTimeout, cancellationToken).ConfigureAwait(false);
            throw;
        }
        var provider = await chain.ProviderAsync(revocation.ConsentId, tx.BlockNumber).ConfigureAwait(false);
        await witness.AwaitSeenAsync(revocation.ConsentId, provider, tx.BlockNumber, tx.TxHash.ToString(),
            RevocationWitness.DefaultTimeout, cancellationToken).ConfigureAwait(false);
        return tx;
    }
}

/// <summary>The consent registry (through the operator's chain client) as an <see cref="IRevocationChain"/>.</summary>
public sealed class ChainRevocations(Ledger.Chain.LedgerChainClient chainClient) : IRevocationChain
{
    /// <inheritdoc/>
    public async Task<ChainConfirmation> RevokeBySignatureAsync(ConsentRevocation revocation, byte[] signature, string key)
    {
        try
        {
            var outcome = await chainClient.RevokeConsentBySigAsync(revocation, signature, key, CancellationToken.None).ConfigureAwait(false);
            return new ChainConfirmation(outcome.TxHash, outcome.BlockNumber, outcome.Confirmations);
        }
        catch (ContractRevertException ex) when (ex.Is<ConsentRevokedAtError>(out var revoked))
        {
            throw new ConsentAlreadyRevokedException(ex.Code, ex.Category, ex.Message, revoked.RevokedAtBlock, ex);
        }
    }

    /// <inheritdoc/>
    public async Task<OrgId> ProviderAsync(ConsentId consent, ulong? atBlock)
    {
        var state = atBlock is { } block
            ? await chainClient.ConsentAsync(consent, block, CancellationToken.None).ConfigureAwait(false)
            : await chainClient.ConsentAsync(consent, CancellationToken.None).ConfigureAwait(false);
        return new OrgId(new Hash32(state.Provider));
    }
}
