using System.Globalization;
using System.Numerics;
using Ledger.Api.V1;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using LoanPurpose = Ledger.Api.V1.LoanPurpose;
using LoanStatus = Ledger.Api.V1.LoanStatus;

namespace Ledger.Node.Bank;

/// <summary>
/// A bank's loans as its node's audit index knows them: the <c>LoanBook</c> events naming the bank, folded in chain
/// order (disbursed → repaid / overdue / back to current / defaulted). No chain call: the list is as of the indexer's
/// block, which follows the chain within one polling interval.
/// </summary>
internal static class LoanIndex
{
    public static IReadOnlyList<LoanInfo> Fold(IEnumerable<ChainEvent> events, OrgId bank)
    {
        var loans = new Dictionary<string, LoanInfo>(StringComparer.Ordinal);
        var order = new List<string>();
        var bankHex = bank.Value.ToString();
        foreach (var e in events)
        {
            if (!e.Args.TryGetValue("loanId", out var loanId) || !e.Args.TryGetValue("bankOrg", out var bankOrg)
                || !string.Equals(bankOrg, bankHex, StringComparison.OrdinalIgnoreCase))
            {
                continue; // decisions, and events naming this bank in another role
            }
            loanId = loanId.ToLowerInvariant();
            if (e.Name == "LoanDisbursed")
            {
                loans[loanId] = new LoanInfo
                {
                    LoanId = loanId,
                    Bank = bank.Code,
                    EnterpriseHash = Arg(e, "enterpriseHash").ToLowerInvariant(),
                    Product = new ProductCode(Core.Primitives.Hash32.Parse(Arg(e, "productCode"))).Code,
                    AmountFen = Arg(e, "amountFen"),
                    OutstandingFen = Arg(e, "amountFen"),
                    LossFen = "0",
                    RateBps = uint.Parse(Arg(e, "rateBps"), CultureInfo.InvariantCulture),
                    TermMonths = uint.Parse(Arg(e, "termMonths"), CultureInfo.InvariantCulture),
                    Purpose = (LoanPurpose)int.Parse(Arg(e, "purpose"), CultureInfo.InvariantCulture),
                    Status = LoanStatus.Active,
                    DisbursedAt = e.BlockTimestamp,
                    DecisionHash = Arg(e, "decisionHash").ToLowerInvariant(),
                    ConsentId = Arg(e, "consentId").ToLowerInvariant(),
                };
                order.Add(loanId);
                continue;
            }
            if (!loans.TryGetValue(loanId, out var loan))
            {
                continue;
            }
            switch (e.Name)
            {
                case "LoanRepaid":
                    loan.OutstandingFen = Arg(e, "outstandingFen");
                    if (BigInteger.Parse(loan.OutstandingFen, CultureInfo.InvariantCulture).IsZero)
                    {
                        loan.Status = LoanStatus.Repaid;
                    }
                    break;
                case "LoanOverdue":
                    loan.Status = LoanStatus.Overdue;
                    break;
                case "LoanBackToCurrent":
                    loan.Status = LoanStatus.Active;
                    break;
                case "LoanDefaulted":
                    loan.Status = LoanStatus.Defaulted;
                    loan.LossFen = Arg(e, "lossFen");
                    break;
            }
        }
        return order.Select(id => loans[id]).ToList();
    }

    private static string Arg(ChainEvent e, string name) =>
        e.Args.TryGetValue(name, out var value) ? value : throw new FormatException($"the {e.Name} event has no '{name}'");
}
