using System.Globalization;
using Ledger.Api.V1;
using Ledger.Core.Events;
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
        var loans = new Dictionary<LoanId, LoanInfo>();
        var order = new List<LoanId>();
        foreach (var e in events)
        {
            // Decisions, other contracts' events, and events naming this bank in another role are left out.
            if (e.Contract != LoanDisbursed.Contract)
            {
                continue;
            }
            var (loanId, bankOrg) = e.Typed() switch
            {
                LoanDisbursed d => (d.LoanId, d.BankOrg),
                LoanRepaid r => (r.LoanId, r.BankOrg),
                LoanOverdue o => (o.LoanId, o.BankOrg),
                LoanBackToCurrent c => (c.LoanId, c.BankOrg),
                LoanDefaulted d => (d.LoanId, d.BankOrg),
                _ => (default(LoanId), default(OrgId)),
            };
            if (bankOrg != bank)
            {
                continue;
            }
            if (e.Is<LoanDisbursed>(out var disbursed))
            {
                loans[loanId] = new LoanInfo
                {
                    LoanId = loanId.Value.ToString(),
                    Bank = bank.Code,
                    EnterpriseHash = disbursed.EnterpriseHash.Value.ToString(),
                    Product = disbursed.ProductCode.Code,
                    AmountFen = N(disbursed.AmountFen),
                    OutstandingFen = N(disbursed.AmountFen),
                    LossFen = "0",
                    RateBps = disbursed.RateBps,
                    TermMonths = disbursed.TermMonths,
                    Purpose = (LoanPurpose)(int)disbursed.Purpose,
                    Status = LoanStatus.Active,
                    DisbursedAt = e.BlockTimestamp,
                    DecisionHash = disbursed.DecisionHash.Value.ToString(),
                    ConsentId = disbursed.ConsentId.Value.ToString(),
                };
                order.Add(loanId);
                continue;
            }
            if (!loans.TryGetValue(loanId, out var loan))
            {
                continue;
            }
            switch (e.Typed())
            {
                case LoanRepaid repaid:
                    loan.OutstandingFen = N(repaid.OutstandingFen);
                    if (repaid.OutstandingFen == 0)
                    {
                        loan.Status = LoanStatus.Repaid;
                    }
                    break;
                case LoanOverdue:
                    loan.Status = LoanStatus.Overdue;
                    break;
                case LoanBackToCurrent:
                    loan.Status = LoanStatus.Active;
                    break;
                case LoanDefaulted defaulted:
                    loan.Status = LoanStatus.Defaulted;
                    loan.LossFen = N(defaulted.LossFen);
                    break;
            }
        }
        return order.Select(id => loans[id]).ToList();
    }

    private static string N(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);
}
