using Ledger.Core.Model;
using Ledger.Core.Ports;

namespace Ledger.Node.Regulator.UseCases;

/// <summary>
/// Rejects a claim (use case over ports): the regulator rejects a bank's claim at a fund — the one named, or the fund of
/// the loan's live claim — with its reason code; the fund refuses a claim something was paid on. The send is keyed by
/// the claim and the reason (<c>reject:&lt;fund&gt;:&lt;loan&gt;:&lt;reason&gt;</c>): a retried rejection is not sent twice.
/// </summary>
public sealed class RejectClaim(IClaimChain chain)
{
    /// <summary>Rejects the claim; returns its fund and the transaction.</summary>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1287 when no fund is named and the loan has no live claim; the chain's refusals.</exception>
    public async Task<(FundId Fund, ChainConfirmation Tx)> RejectAsync(FundId? fund, LoanId loan, ushort reasonCode, CancellationToken cancellationToken)
    {
        var at = await ApproveClaim.FundOfAsync(chain, fund, loan, cancellationToken).ConfigureAwait(false);
        var tx = await chain.RejectAsync(at, loan, reasonCode, $"reject:{at}:{loan}:{reasonCode}").ConfigureAwait(false);
        return (at, tx);
    }
}
