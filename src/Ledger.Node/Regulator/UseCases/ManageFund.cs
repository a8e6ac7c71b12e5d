using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;

namespace Ledger.Node.Regulator.UseCases;

/// <summary>The risk-compensation funds as the regulator's <see cref="ManageFund"/> creates, reads and changes them, in domain types.</summary>
public interface IFundChain
{
    /// <summary>The regulator this node runs funds for (its operator account's member): fund ids derive from it.</summary>
    OrgId Regulator { get; }

    /// <summary>The number of the latest block the node has seen (a key part for sends that may be made again later).</summary>
    ulong LatestBlock { get; }

    /// <summary>The fund's balance; null when there is no such fund.</summary>
    Task<UInt128?> BalanceAsync(FundId fund, CancellationToken cancellationToken);

    /// <summary>Creates a fund under the regulator's reference (<c>RiskCompensationFund.createFund</c>).</summary>
    Task<ChainConfirmation> CreateAsync(string reference, ushort ratioBps, UInt128 balanceFen, IReadOnlyList<ProductCode> eligibleProducts, string key);

    /// <summary>Tops a fund up (<c>RiskCompensationFund.topUp</c>); no key: each call is a top-up.</summary>
    Task<ChainConfirmation> TopUpAsync(FundId fund, UInt128 amountFen, string? key);

    /// <summary>Sets the guarantors' grace period of a fund (<c>RiskCompensationFund.setGracePeriod</c>).</summary>
    Task<ChainConfirmation> SetGracePeriodAsync(FundId fund, uint graceSeconds, string key);
}

/// <summary>
/// A fund's life (use case over ports): the regulator creates a risk-compensation fund under its own reference (the id
/// derives from the regulator and the reference) paying 1 to 9,999 basis points of a bank's net loss — never 100 %, the
/// bank keeps part of the risk — tops it up, and sets the guarantors' grace period. Keys: <c>fund:&lt;id&gt;:&lt;ratio&gt;:&lt;balance&gt;:&lt;products&gt;</c>
/// (the same fund asked for again is one fund), none for a top-up (two top-ups of the same amount are two top-ups),
/// <c>grace:&lt;fund&gt;:&lt;seconds&gt;:&lt;latest block&gt;</c> (a period may be set back to an earlier value later).
/// </summary>
public sealed class ManageFund(IFundChain chain)
{
    /// <summary>Code of a ratio outside 1..9,999 bps, or a grace period outside 1..730 days (as the contract's <c>CompensationInvalidRatio</c>).</summary>
    public const string InvalidRatioCode = "LEDGER-1282";

    /// <summary>The ratio a fund pays, checked: 1 to 9,999 basis points.</summary>
    /// <exception cref="LedgerException">LEDGER-1282 outside 1..9,999.</exception>
    public static ushort Ratio(uint ratioBps) => ratioBps is 0 or >= 10_000
        ? throw new LedgerException(InvalidRatioCode, ErrorCategory.InvalidArgument,
            $"ratio_bps {ratioBps} is not allowed: a fund pays 1 to 9,999 basis points of a bank's net loss, never 100 % — the bank always keeps part of the risk.")
        : (ushort)ratioBps;

    /// <summary>Creates the fund; returns its id and the transaction.</summary>
    /// <exception cref="LedgerException">LEDGER-1282 a ratio outside 1..9,999 bps; LEDGER-1520 a product listed twice; the chain's refusals.</exception>
    public async Task<(FundId Fund, ChainConfirmation Tx)> CreateAsync(string reference, uint ratioBps, UInt128 balanceFen, IReadOnlyList<ProductCode> eligibleProducts)
    {
        ArgumentNullException.ThrowIfNull(eligibleProducts);
        var ratio = Ratio(ratioBps);
        if (eligibleProducts.Distinct().Count() != eligibleProducts.Count)
        {
            throw NodeErrors.InvalidField("eligible_products lists a product twice.");
        }
        var id = FundId.FromReference(chain.Regulator, reference);
        var tx = await chain.CreateAsync(
            reference, ratio, balanceFen, eligibleProducts,
            $"fund:{id}:{ratio}:{balanceFen}:{string.Join(',', eligibleProducts.Select(p => p.Value))}").ConfigureAwait(false);
        return (id, tx);
    }

    /// <summary>Tops the fund up by <paramref name="amountFen"/> (not idempotent: two top-ups of the same amount are two top-ups).</summary>
    /// <exception cref="LedgerException">LEDGER-1520 a zero amount, or one that would take the balance past 2^128 − 1 fen; the chain's refusals.</exception>
    public async Task<ChainConfirmation> TopUpAsync(FundId fund, UInt128 amountFen, CancellationToken cancellationToken)
    {
        if (amountFen == UInt128.Zero)
        {
            throw NodeErrors.InvalidField("amount_fen is zero; a top-up adds more than nothing.");
        }
        // The contract adds with checked uint128 arithmetic: a sum past 2^128 − 1 would come back as a panic
        // (LEDGER-1202, "a defect") instead of the caller's mistake it is. (A top-up racing this one can still meet
        // the panic; only the regulator's own operators top up.)
        if (await chain.BalanceAsync(fund, cancellationToken).ConfigureAwait(false) is { } balance && balance > UInt128.MaxValue - amountFen)
        {
            throw NodeErrors.InvalidField(
                $"amount_fen {amountFen} would take fund {fund.Value.ToShortString()}'s balance ({balance} fen) past the largest amount the chain holds (2^128 − 1 fen); top up less.");
        }
        return await chain.TopUpAsync(fund, amountFen, key: null).ConfigureAwait(false);
    }

    /// <summary>Sets the fund's grace period: how long a guarantor has to pay after a default (1 to 730 days).</summary>
    /// <exception cref="LedgerException">LEDGER-1282 outside 1..730 days; the chain's refusals.</exception>
    public Task<ChainConfirmation> SetGracePeriodAsync(FundId fund, uint graceSeconds)
    {
        if (graceSeconds is < 86_400 or > 730 * 86_400)
        {
            throw new LedgerException(InvalidRatioCode, ErrorCategory.InvalidArgument,
                $"grace_seconds {graceSeconds} is not allowed: a guarantor gets 1 to 730 days (86400 to 63072000 seconds) after a default to pay before a claim nets its obligation out unpaid.");
        }
        return chain.SetGracePeriodAsync(fund, graceSeconds, $"grace:{fund}:{graceSeconds}:{chain.LatestBlock}");
    }
}

/// <summary>The risk-compensation fund (through the operator's chain client) as an <see cref="IFundChain"/>.</summary>
public sealed class ChainFunds(NodeIdentity node, ChainHead head, Ledger.Chain.LedgerChainClient chainClient) : IFundChain
{
    /// <inheritdoc/>
    public OrgId Regulator => node.Organization;

    /// <inheritdoc/>
    public ulong LatestBlock => head.Latest.Number;

    /// <inheritdoc/>
    public async Task<UInt128?> BalanceAsync(FundId fund, CancellationToken cancellationToken)
    {
        var f = await chainClient.FundAsync(fund, cancellationToken).ConfigureAwait(false);
        return f.Exists ? (UInt128)f.BalanceFen : null;
    }

    /// <inheritdoc/>
    public async Task<ChainConfirmation> CreateAsync(string reference, ushort ratioBps, UInt128 balanceFen, IReadOnlyList<ProductCode> eligibleProducts, string key) =>
        (await chainClient.CreateFundAsync(reference, ratioBps, balanceFen, eligibleProducts, key, CancellationToken.None).ConfigureAwait(false)).ToConfirmation();

    /// <inheritdoc/>
    public async Task<ChainConfirmation> TopUpAsync(FundId fund, UInt128 amountFen, string? key) =>
        (await chainClient.TopUpAsync(fund, amountFen, key, CancellationToken.None).ConfigureAwait(false)).ToConfirmation();

    /// <inheritdoc/>
    public async Task<ChainConfirmation> SetGracePeriodAsync(FundId fund, uint graceSeconds, string key) =>
        (await chainClient.SetGracePeriodAsync(fund, TimeSpan.FromSeconds(graceSeconds), key, CancellationToken.None).ConfigureAwait(false)).ToConfirmation();
}
