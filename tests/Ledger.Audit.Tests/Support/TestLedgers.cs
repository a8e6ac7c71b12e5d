using Ledger.Audit.Bundle;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Records;

namespace Ledger.Audit.Tests.Support;

/// <summary>A small program with everything in it: consents, accesses, a refusal, decisions, two loans, a guarantee,
/// R&amp;D spending, a repayment, a default with payout and compensation, a revocation with its deletion receipt.</summary>
public sealed class LendingScenario
{
    public required SyntheticLedger Ledger { get; init; }
    public required ConsentId C1 { get; init; }
    public required ConsentTerms T1 { get; init; }
    public required ConsentId C2 { get; init; }
    public required ConsentTerms T2 { get; init; }
    public required ConsentId C3 { get; init; }
    public required ConsentTerms T3 { get; init; }
    public required ConsentId C4 { get; init; }
    public required LoanId L1 { get; init; }
    public required LoanId L2 { get; init; }
    public required int A1 { get; init; }
    public required int A2 { get; init; }
    public required int A3 { get; init; }
    public required int D1 { get; init; }
    public required int D2 { get; init; }
    public required int D3 { get; init; }
    public required int Deletion { get; init; }
    public required int Refusal { get; init; }
    public required int Spending { get; init; }
    public required ulong RevokedAtBlock { get; init; }

    public AuditBundle ToBundle() => Ledger.ToBundle();
}

public static class TestLedgers
{
    public const ulong Yuan = 100;

    public static SyntheticLedger Lending() => LendingScenario().Ledger;

    public static LendingScenario LendingScenario()
    {
        var l = new SyntheticLedger();
        var t1 = l.Terms(1);
        var c1 = l.Grant(t1);
        var t2 = l.Terms(2, fetchCap: 2);
        var c2 = l.Grant(t2);
        var t3 = l.Terms(1, SyntheticLedger.OtherBank, Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices);
        var c3 = l.Grant(t3);
        var t4 = l.Terms(3);
        var c4 = l.Grant(t4);
        l.NextBlock();

        var a1 = l.Access(c1, t1);
        var a2 = l.Access(c2, t2);
        var a3 = l.Access(c3, t3);
        l.Access(c4, t4);
        l.NextBlock();

        var (d1, d1Hash) = l.Decision(c1, t1, true, SyntheticLedger.Shuiyidai, 3_000_000 * Yuan, 'A');
        var (d2, d2Hash) = l.Decision(c3, t3, true, SyntheticLedger.Yinshuidai, 5_000_000 * Yuan, 'B');
        var (d3, _) = l.Decision(c4, t4, false, default, 0, 'C');
        l.NextBlock();

        var l1 = l.Disburse("CCB-2026-0001", SyntheticLedger.Bank, t1.CreditCodeHash, SyntheticLedger.Shuiyidai, 1_000_000 * Yuan, d1Hash, c1);
        var l2 = l.Disburse("ICBC-2026-0001", SyntheticLedger.OtherBank, t3.CreditCodeHash, SyntheticLedger.Yinshuidai, 2_000_000 * Yuan, d2Hash, c3, LoanPurpose.RnD);
        l.NextBlock();

        l.Guarantee(l1, SyntheticLedger.Bank, t1.CreditCodeHash, 5000, 10_000 * Yuan);
        var spending = l.Spending(l2, SyntheticLedger.OtherBank, Core.Model.SpendCategory.RnDLabour, 400_000 * Yuan);
        l.Repay(l2, SyntheticLedger.OtherBank, t3.CreditCodeHash, 500_000 * Yuan, 20_000 * Yuan, 1_500_000 * Yuan);
        l.NextBlock();

        l.AnchorAll();
        l.NextBlock();

        var revokedAt = l.Block;
        l.Revoke(c2, t2);
        var deletion = l.Deletion(c2, t2, DeletionCause.ConsentRevoked);
        l.NextBlock();

        var refusal = l.Refusal(c2, t2, (byte)AccessStatus.Revoked);
        l.Overdue(l1, SyntheticLedger.Bank, t1.CreditCodeHash, 45, 200_000 * Yuan);
        l.Default(l1, SyntheticLedger.Bank, t1.CreditCodeHash, 600_000 * Yuan);
        l.NextBlock();
        l.PayOut(l1, SyntheticLedger.Bank, 300_000 * Yuan, 600_000 * Yuan);
        l.ClaimPaid(l1, SyntheticLedger.Bank, 300_000 * Yuan, 90_000 * Yuan);
        l.NextBlock();

        l.AnchorAll();
        l.NextBlock();

        return new LendingScenario
        {
            Ledger = l,
            C1 = c1, T1 = t1, C2 = c2, T2 = t2, C3 = c3, T3 = t3, C4 = c4,
            L1 = l1, L2 = l2,
            A1 = a1, A2 = a2, A3 = a3, D1 = d1, D2 = d2, D3 = d3,
            Deletion = deletion, Refusal = refusal, Spending = spending,
            RevokedAtBlock = revokedAt,
        };
    }
}
