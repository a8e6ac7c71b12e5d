using System.Numerics;
using Ledger.Core.Consent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.TaxData;
using Ledger.Node.Hosting;

namespace Ledger.Node.Tax.UseCases;

/// <summary>What <see cref="BindEnterprise"/> reads and sends on chain: the consent registry's bindings, in domain types.</summary>
public interface IBindingChain
{
    /// <summary>The tax bureau this node relays bindings for (its operator account's member): a binding names it.</summary>
    OrgId Bureau { get; }

    /// <summary>The EIP-712 digest the enterprise account signs for <paramref name="binding"/> (the deployment's consent domain).</summary>
    Hash32 Digest(EnterpriseBinding binding);

    /// <summary>The active account bound to the credit-code hash; null when none.</summary>
    Task<EthAddress?> BoundAccountAsync(EnterpriseHash enterprise, CancellationToken cancellationToken);

    /// <summary>Relays the signed binding (<c>ConsentRegistry.bindEnterprise</c>).</summary>
    Task<ChainConfirmation> BindAsync(EnterpriseBinding binding, byte[] signature, string key);

    /// <summary>Relays the signed binding of a new account in place of the bound one (<c>ConsentRegistry.rotateEnterprise</c>).</summary>
    Task<ChainConfirmation> RotateAsync(EnterpriseBinding binding, byte[] signature, string key);
}

/// <summary>A binding prepared for the enterprise account to sign.</summary>
/// <param name="Binding">The binding (account, credit-code hash, this bureau, a fresh nonce, a deadline an hour on).</param>
/// <param name="Digest">The EIP-712 digest the account signs.</param>
/// <param name="BoundAccount">The account bound to the credit code now (null when none): a rotation replaces it.</param>
public sealed record PreparedBinding(EnterpriseBinding Binding, Hash32 Digest, EthAddress? BoundAccount);

/// <summary>A signed binding to relay.</summary>
/// <param name="Code">The enterprise's unified social credit code (the bureau must hold its tax data).</param>
/// <param name="Account">The enterprise account that signed.</param>
/// <param name="Nonce">The nonce it signed.</param>
/// <param name="Deadline">The deadline it signed (unix seconds; 0: missing).</param>
/// <param name="Signature">Its signature (empty: missing).</param>
/// <param name="Rotate">Whether the account replaces the bound one (key recovery) rather than binding a first one.</param>
public sealed record BindCommand(CreditCode Code, EthAddress Account, BigInteger Nonce, ulong Deadline, byte[] Signature, bool Rotate);

/// <summary>
/// The binding (use case over ports): the bureau prepares a binding of an enterprise account to the credit-code hash of
/// a taxpayer it holds data on, for the account to sign (the nonce fresh, good for <see cref="Lifetime"/>), and relays
/// the signed binding — or the rotation to a new account — on chain under the key
/// <c>bind:&lt;account&gt;:&lt;hash&gt;:&lt;nonce&gt;</c> (<c>rotate:…</c>), so a retry is the same transaction. The
/// bound account is noted in the tax data only once the chain has it.
/// </summary>
public sealed class BindEnterprise(IBindingChain chain, ITaxDataStore taxData, TimeProvider time)
{
    /// <summary>How long a prepared binding's signature stays good.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>Prepares the binding of <paramref name="account"/> to the taxpayer with <paramref name="code"/>.</summary>
    /// <exception cref="LedgerException">LEDGER-1523 when the bureau holds no data on the credit code; the chain's read failures.</exception>
    public async Task<PreparedBinding> PrepareAsync(CreditCode code, EthAddress account, CancellationToken cancellationToken)
    {
        var entry = taxData.Get(code) ?? throw UnknownTaxpayer(code);
        var binding = new EnterpriseBinding(
            account,
            entry.CreditCodeHash,
            chain.Bureau,
            Ledger.Sdk.EnterpriseWallet.NewNonce(),
            (ulong)(time.GetUtcNow() + Lifetime).ToUnixTimeSeconds());
        var bound = await chain.BoundAccountAsync(entry.CreditCodeHash, cancellationToken).ConfigureAwait(false);
        return new PreparedBinding(binding, chain.Digest(binding), bound);
    }

    /// <summary>Relays the signed binding; returns the credit-code hash and the transaction.</summary>
    /// <exception cref="LedgerException">LEDGER-1520 a missing deadline or signature; LEDGER-1523 when the bureau holds no
    /// data on the credit code; the registry's refusals (a bad signature, a used nonce, a credit code already bound).</exception>
    public async Task<(EnterpriseHash Enterprise, ChainConfirmation Tx)> BindAsync(BindCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Deadline == 0)
        {
            throw NodeErrors.InvalidField("deadline is missing; give the deadline the enterprise signed (PrepareBinding).");
        }
        if (command.Signature.Length == 0)
        {
            throw NodeErrors.InvalidField("signature is missing; the enterprise account must sign its binding (PrepareBinding), so a bureau cannot bind an account it does not hold.");
        }
        var entry = taxData.Get(command.Code) ?? throw UnknownTaxpayer(command.Code);
        var hash = entry.CreditCodeHash;
        var binding = new EnterpriseBinding(command.Account, hash, chain.Bureau, command.Nonce, command.Deadline);
        var key = $"{(command.Rotate ? "rotate" : "bind")}:{command.Account}:{hash}:{command.Nonce}";
        var tx = command.Rotate
            ? await chain.RotateAsync(binding, command.Signature, key).ConfigureAwait(false)
            : await chain.BindAsync(binding, command.Signature, key).ConfigureAwait(false);
        taxData.RecordBinding(command.Code, command.Account, tx.TxHash);
        return (hash, tx);
    }

    internal static LedgerException UnknownTaxpayer(CreditCode code) => new(NodeErrors.UnknownEnterpriseCode, ErrorCategory.NotFound,
        $"The tax bureau holds no data on {code}; import its tax data before binding its account.");
}

/// <summary>The consent registry's bindings (through the operator's chain client) as an <see cref="IBindingChain"/>.</summary>
public sealed class ChainBindings(NodeIdentity node, Ledger.Chain.LedgerChainClient chainClient) : IBindingChain
{
    /// <inheritdoc/>
    public OrgId Bureau => node.Organization;

    /// <inheritdoc/>
    public Hash32 Digest(EnterpriseBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return binding.DigestIn(chainClient.Deployment.ConsentDomain);
    }

    /// <inheritdoc/>
    public async Task<EthAddress?> BoundAccountAsync(EnterpriseHash enterprise, CancellationToken cancellationToken) =>
        (await chainClient.AccountOfAsync(enterprise, cancellationToken).ConfigureAwait(false))?.Account;

    /// <inheritdoc/>
    public async Task<ChainConfirmation> BindAsync(EnterpriseBinding binding, byte[] signature, string key) =>
        (await chainClient.BindEnterpriseAsync(binding, signature, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false)).ToConfirmation();

    /// <inheritdoc/>
    public async Task<ChainConfirmation> RotateAsync(EnterpriseBinding binding, byte[] signature, string key) =>
        (await chainClient.RotateEnterpriseAsync(binding, signature, key: key, cancellationToken: CancellationToken.None).ConfigureAwait(false)).ToConfirmation();
}
