using System.Globalization;
using System.Numerics;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Node.Alerts;

/// <summary>
/// The alerts chain events raise: <c>LoanOverdue</c> → overdue repayment, <c>LoanDefaulted</c> → default,
/// <c>FundFlowDeviated</c> → fund-flow deviation, <c>ConsentRevoked</c> → consent revoked,
/// <c>GuarantorFailedToPay</c> → guarantor failed to pay (also to the fund's regulator). Each alert carries the
/// event's block and transaction, and the block's time as its time.
/// </summary>
public static class ChainAlerts
{
    /// <summary>The names of the events that raise alerts.</summary>
    public static readonly IReadOnlySet<string> Raising = new HashSet<string>(StringComparer.Ordinal)
    {
        LoanOverdue.EventName, LoanDefaulted.EventName, FundFlowDeviated.EventName, ConsentRevoked.EventName, GuarantorFailedToPay.EventName,
    };

    /// <summary>
    /// The alert <paramref name="e"/> raises (null for other events, or a revocation whose grant the node has not
    /// indexed), and a member that must receive it whatever its exposure: the consumer of a revoked consent.
    /// </summary>
    public static (NodeAlert Alert, OrgId? AlsoTo)? From(ChainEvent e, ExposureIndex exposure, OrgId source)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(exposure);
        if (!Raising.Contains(e.Name))
        {
            return null;
        }
        var at = e.BlockTimestamp * 1000;
        switch (e.Typed())
        {
            case LoanOverdue o:
            {
                var days = N(o.DaysOverdue);
                var arrears = N(o.OverdueFen);
                return (Chain(e, AlertKind.OverdueRepayment, o.EnterpriseHash,
                    $"Loan {o.LoanId.Value.ToShortString()} of {o.BankOrg.Code} to enterprise {o.EnterpriseHash.Value.ToShortString()} is {days} days overdue with {Yuan(arrears)} CNY in arrears.",
                    new() { ["bank"] = o.BankOrg.Code, ["daysOverdue"] = days, ["overdueFen"] = arrears }, at, source) with { Loan = o.LoanId }, null);
            }
            case LoanDefaulted d:
            {
                var loss = N(d.LossFen);
                return (Chain(e, AlertKind.Default, d.EnterpriseHash,
                    $"Loan {d.LoanId.Value.ToShortString()} of {d.BankOrg.Code} to enterprise {d.EnterpriseHash.Value.ToShortString()} defaulted with a loss of {Yuan(loss)} CNY.",
                    new() { ["bank"] = d.BankOrg.Code, ["lossFen"] = loss }, at, source) with { Loan = d.LoanId }, null);
            }
            case FundFlowDeviated f:
            {
                var share = N(f.NonRdShareBps);
                var max = N(f.MaxNonRdBps);
                return (Chain(e, AlertKind.FundFlowDeviation, f.EnterpriseHash,
                    $"R&D loan {f.LoanId.Value.ToShortString()} of {f.BankOrg.Code} to enterprise {f.EnterpriseHash.Value.ToShortString()}: {Percent(share)} of its recorded spending went to non-R&D purposes, above the {Percent(max)} tolerated.",
                    new() { ["bank"] = f.BankOrg.Code, ["nonRdShareBps"] = share, ["maxNonRdBps"] = max }, at, source) with { Loan = f.LoanId }, null);
            }
            case GuarantorFailedToPay g:
            {
                var fund = g.FundId.Value;
                var obligation = N(g.ObligationFen);
                var paid = N(g.PaidFen);
                return (Chain(e, AlertKind.GuarantorFailedToPay, g.EnterpriseHash,
                    $"Guarantor {g.GuarantorOrg.Code} had paid {Yuan(paid)} of the {Yuan(obligation)} CNY it owes on loan {g.LoanId.Value.ToShortString()} of {g.BankOrg.Code} when the bank's claim on fund {fund.ToShortString()} was filed; the claim nets the obligation out, and the rest is the bank's to recover from the guarantor.",
                    new() { ["bank"] = g.BankOrg.Code, ["guarantor"] = g.GuarantorOrg.Code, ["fund"] = fund.ToString(), ["obligationFen"] = obligation, ["paidFen"] = paid }, at, source) with { Loan = g.LoanId },
                    exposure.RegulatorOf(fund));
            }
            case ConsentRevoked r:
            {
                if (exposure.Consent(r.ConsentId) is not { } granted)
                {
                    return null;
                }
                return (Chain(e, AlertKind.ConsentRevoked, granted.Enterprise,
                    $"Enterprise {granted.Enterprise.Value.ToShortString()} revoked consent {r.ConsentId.Value.ToShortString()} granted to {r.Consumer.Code}; no more data may be fetched under it, and what was fetched must be deleted.",
                    new() { ["consumer"] = r.Consumer.Code, ["enterpriseAccount"] = r.Enterprise.ToString() }, at, source) with { Consent = r.ConsentId },
                    r.Consumer);
            }
            default:
                return null;
        }
    }

    private static string N<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    private static NodeAlert Chain(ChainEvent e, AlertKind kind, EnterpriseHash enterprise, string summary, Dictionary<string, string> details, ulong at, OrgId source) =>
        new(kind, enterprise, summary, details, at, source) { BlockNumber = e.BlockNumber, TxHash = e.TxHash };

    /// <summary>An amount in fen as yuan with two decimals and thousands separators (e.g. <c>1,234.56</c>).</summary>
    public static string Yuan(string fen) =>
        BigInteger.TryParse(fen, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? string.Create(CultureInfo.InvariantCulture, $"{BigInteger.Divide(value, 100):N0}.{(int)BigInteger.Remainder(value, 100):D2}")
            : fen;

    private static string Percent(string bps) =>
        uint.TryParse(bps, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? string.Create(CultureInfo.InvariantCulture, $"{value / 100}.{value % 100:D2} %")
            : bps + " bps";
}
