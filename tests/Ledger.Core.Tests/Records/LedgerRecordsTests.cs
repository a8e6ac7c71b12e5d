using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Core.Tests.Records;

public class LedgerRecordsTests
{
    private static readonly ConsentId Consent = new(Keccak.Hash("consent"));
    private static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb");

    private static AccessRecord Access() => new(Consent, Tax, Bank, Scopes.TaxCreditRating, Keccak.Hash("rq"), Keccak.Hash("rs"), 10, 1_000, 1, 3);

    [Fact]
    public void Hash_SameRecord_SameHash()
    {
        Assert.Equal(Access().Hash(), Access().Hash());
    }

    [Fact]
    public void Hash_IsKeccakOfTypeHashAndFieldsAsAbiWords()
    {
        var r = Access();
        var expected = new AbiWords().Bytes32(Keccak.Hash(AccessRecord.Type)).Bytes32(Consent.Value).Bytes32(Tax.Value).Bytes32(Bank.Value)
            .Number((ulong)Scopes.TaxCreditRating).Bytes32(r.RequestHash).Bytes32(r.ResponseHash).Number(10UL).Number(1_000UL).Number(1UL).Number(3UL).Keccak();
        Assert.Equal(expected, r.Hash().Value);
    }

    [Fact]
    public void Hash_OfARecordMadeBeforeConsentSequences_IsItsLegacyHashWithoutTheField()
    {
        var r = Access() with { ConsentSequence = 0 };
        var expected = new AbiWords().Bytes32(Keccak.Hash(AccessRecord.LegacyType)).Bytes32(Consent.Value).Bytes32(Tax.Value).Bytes32(Bank.Value)
            .Number((ulong)Scopes.TaxCreditRating).Bytes32(r.RequestHash).Bytes32(r.ResponseHash).Number(10UL).Number(1_000UL).Number(1UL).Keccak();
        Assert.Equal(expected, r.Hash().Value);
        Assert.Equal(AccessRecord.LegacyType, r.TypeString);
        Assert.NotEqual(r.Hash(), Access().Hash());
    }

    [Fact]
    public void Hash_AnyFieldChanged_ChangesTheHash()
    {
        var baseline = Access().Hash();
        AccessRecord[] variants =
        [
            Access() with { ConsentId = new ConsentId(Keccak.Hash("other")) },
            Access() with { Provider = OrgId.FromCode("tax.nanning") },
            Access() with { Consumer = OrgId.FromCode("bank.icbc") },
            Access() with { Scopes = Scopes.Invoices },
            Access() with { RequestHash = Keccak.Hash("x") },
            Access() with { ResponseHash = Keccak.Hash("y") },
            Access() with { CheckedAtBlock = 11 },
            Access() with { ServedAtMs = 1_001 },
            Access() with { Sequence = 2 },
            Access() with { ConsentSequence = 4 },
            Access() with { ConsentSequence = 0 },
        ];
        Assert.All(variants, v => Assert.NotEqual(baseline, v.Hash()));
    }

    [Fact]
    public void Hash_SameFieldsInADifferentRecordType_Differs()
    {
        // The type hash separates record kinds even where the words would otherwise coincide.
        var access = Access();
        var refusal = new RefusalRecord(Consent, Tax, Bank, Scopes.TaxCreditRating, access.RequestHash, 0, 10, 1_000, 1, 3);
        Assert.NotEqual(access.Hash(), refusal.Hash());
    }

    [Fact]
    public void KindAndTypeString_MatchEachRecord()
    {
        ILedgerRecord[] records =
        [
            Access(),
            new RefusalRecord(Consent, Tax, Bank, Scopes.None, Hash32.Zero, (byte)RefusalReason.NotAMember, 0, 0, 0, 1),
            new DeletionReceipt(Consent, Bank, Hash32.Zero, DeletionCause.ConsentRevoked, 0, 0),
            new FundFlowEvidence(new LoanId(Hash32.Zero), SpendCategory.RnDLabour, 1, Hash32.Zero, Hash32.Zero, Bank, 0, 0),
            new CreditDecisionRecord(Consent, Bank, new EnterpriseHash(Hash32.Zero), true, 1, ProductCode.FromCode("SHUIYIDAI"), 1, 1, 1, Hash32.Zero, 0, 0),
        ];
        Assert.Equal(
            [BatchKind.AccessRecords, BatchKind.Refusals, BatchKind.DeletionReceipts, BatchKind.FundFlowEvidence, BatchKind.CreditDecisions],
            records.Select(r => r.Kind));
        Assert.Equal(
            [AccessRecord.Type, RefusalRecord.Type, DeletionReceipt.Type, FundFlowEvidence.Type, CreditDecisionRecord.Type],
            records.Select(r => r.TypeString));
        Assert.Equal(records.Length, records.Select(r => r.Hash()).Distinct().Count());
    }
}
