using System.Globalization;
using System.Numerics;
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
        "LoanOverdue", "LoanDefaulted", "FundFlowDeviated", "ConsentRevoked", "GuarantorFailedToPay",
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
        switch (e.Name)
        {
            case "LoanOverdue":
            {
                var loan = new LoanId(ExposureIndex.Hash(e, "loanId"));
                var bank = ExposureIndex.Org(e, "bankOrg");
                var enterprise = new EnterpriseHash(ExposureIndex.Hash(e, "enterpriseHash"));
                var days = e.Args["daysOverdue"];
                var arrears = e.Args["overdueFen"];
                return (Chain(e, NodeAlertKind.OverdueRepayment, enterprise,
                    $"Loan {loan.Value.ToShortString()} of {bank.Code} to enterprise {enterprise.Value.ToShortString()} is {days} days overdue with {Yuan(arrears)} CNY in arrears.",
                    new() { ["bank"] = bank.Code, ["daysOverdue"] = days, ["overdueFen"] = arrears }, at, source) with { Loan = loan }, null);
            }
            case "LoanDefaulted":
            {
                var loan = new LoanId(ExposureIndex.Hash(e, "loanId"));
                var bank = ExposureIndex.Org(e, "bankOrg");
                var enterprise = new EnterpriseHash(ExposureIndex.Hash(e, "enterpriseHash"));
                var loss = e.Args["lossFen"];
                return (Chain(e, NodeAlertKind.Default, enterprise,
                    $"Loan {loan.Value.ToShortString()} of {bank.Code} to enterprise {enterprise.Value.ToShortString()} defaulted with a loss of {Yuan(loss)} CNY.",
                    new() { ["bank"] = bank.Code, ["lossFen"] = loss }, at, source) with { Loan = loan }, null);
            }
            case "FundFlowDeviated":
            {
                var loan = new LoanId(ExposureIndex.Hash(e, "loanId"));
                var bank = ExposureIndex.Org(e, "bankOrg");
                var enterprise = new EnterpriseHash(ExposureIndex.Hash(e, "enterpriseHash"));
                var share = e.Args["nonRdShareBps"];
                var max = e.Args["maxNonRdBps"];
                return (Chain(e, NodeAlertKind.FundFlowDeviation, enterprise,
                    $"R&D loan {loan.Value.ToShortString()} of {bank.Code} to enterprise {enterprise.Value.ToShortString()}: {Percent(share)} of its recorded spending went to non-R&D purposes, above the {Percent(max)} tolerated.",
                    new() { ["bank"] = bank.Code, ["nonRdShareBps"] = share, ["maxNonRdBps"] = max }, at, source) with { Loan = loan }, null);
            }
            case "GuarantorFailedToPay":
            {
                var loan = new LoanId(ExposureIndex.Hash(e, "loanId"));
                var bank = ExposureIndex.Org(e, "bankOrg");
                var guarantor = ExposureIndex.Org(e, "guarantorOrg");
                var fund = ExposureIndex.Hash(e, "fundId");
                var enterprise = new EnterpriseHash(ExposureIndex.Hash(e, "enterpriseHash"));
                var obligation = e.Args["obligationFen"];
                var paid = e.Args["paidFen"];
                return (Chain(e, NodeAlertKind.GuarantorFailedToPay, enterprise,
                    $"Guarantor {guarantor.Code} had paid {Yuan(paid)} of the {Yuan(obligation)} CNY it owes on loan {loan.Value.ToShortString()} of {bank.Code} when the bank's claim on fund {fund.ToShortString()} was filed; the claim nets the obligation out, and the rest is the bank's to recover from the guarantor.",
                    new() { ["bank"] = bank.Code, ["guarantor"] = guarantor.Code, ["fund"] = fund.ToString(), ["obligationFen"] = obligation, ["paidFen"] = paid }, at, source) with { Loan = loan },
                    exposure.RegulatorOf(fund));
            }
            default: // ConsentRevoked
            {
                var consent = new ConsentId(ExposureIndex.Hash(e, "consentId"));
                if (exposure.Consent(consent) is not { } granted)
                {
                    return null;
                }
                var consumer = ExposureIndex.Org(e, "consumer");
                return (Chain(e, NodeAlertKind.ConsentRevoked, granted.Enterprise,
                    $"Enterprise {granted.Enterprise.Value.ToShortString()} revoked consent {consent.Value.ToShortString()} granted to {consumer.Code}; no more data may be fetched under it, and what was fetched must be deleted.",
                    new() { ["consumer"] = consumer.Code, ["enterpriseAccount"] = e.Args.GetValueOrDefault("enterprise", "") }, at, source) with { Consent = consent },
                    consumer);
            }
        }
    }

    private static NodeAlert Chain(ChainEvent e, NodeAlertKind kind, EnterpriseHash enterprise, string summary, Dictionary<string, string> details, ulong at, OrgId source) =>
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
