using System.Security.Cryptography;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Store.Tests.Support;

/// <summary>Records of every kind with random content (each one different, so each hashes differently).</summary>
public static class SampleRecords
{
    public static readonly OrgId Tax = TempStore.Org;
    public static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    public static readonly OrgId OtherBank = OrgId.FromCode("bank.icbc");

    public static Hash32 RandomHash() => new(RandomNumberGenerator.GetBytes(32));

    public static AccessRecord Access(ConsentId? consent = null, OrgId? consumer = null, ulong servedAtMs = 1_760_000_000_000, ulong sequence = 1) => new(
        consent ?? new ConsentId(RandomHash()), Tax, consumer ?? Bank, Scopes.TaxCreditRating | Scopes.TaxPayments,
        RandomHash(), RandomHash(), 812, servedAtMs, sequence);

    public static RefusalRecord Refusal(ConsentId? consent = null, ulong refusedAtMs = 1_760_000_000_000) => new(
        consent ?? new ConsentId(RandomHash()), Tax, Bank, Scopes.Invoices, RandomHash(), (byte)AccessStatus.Revoked, 813, refusedAtMs, 1);

    public static DeletionReceipt Deletion(ConsentId? consent = null, ulong deletedAtMs = 1_760_000_000_000) => new(
        consent ?? new ConsentId(RandomHash()), Bank, RandomHash(), DeletionCause.ConsentRevoked, deletedAtMs, 1);

    public static FundFlowEvidence FundFlow(LoanId? loan = null, ulong recordedAtMs = 1_760_000_000_000) => new(
        loan ?? new LoanId(RandomHash()), SpendCategory.RnDEquipment, UInt128.Parse("123456789012345678901234567", System.Globalization.CultureInfo.InvariantCulture),
        RandomHash(), RandomHash(), Bank, recordedAtMs, 1);

    public static CreditDecisionRecord Decision(ConsentId? consent = null, EnterpriseHash? enterprise = null, ulong decidedAtMs = 1_760_000_000_000) => new(
        consent ?? new ConsentId(RandomHash()), Bank, enterprise ?? new EnterpriseHash(RandomHash()), true, 712,
        ProductCode.FromCode("SHUIYIDAI"), 3_000_000_00, 385, 12, RandomHash(), decidedAtMs, 1);

    public static IEnumerable<ILedgerRecord> OneOfEach()
    {
        yield return Access();
        yield return Refusal();
        yield return Deletion();
        yield return FundFlow();
        yield return Decision();
    }
}
