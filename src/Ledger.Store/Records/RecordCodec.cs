using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Store.Internal;
using LiteDB;

namespace Ledger.Store.Records;

/// <summary>
/// Each record kind as a typed BSON document (<c>type</c> + <c>body</c> with every field), plus the fields the
/// store indexes: consent, organizations involved, enterprise, loan, and the record's own time.
/// Decoding gives back a record equal to the one stored, so its canonical hash can be checked on every read.
/// </summary>
internal static class RecordCodec
{
    public const string AccessType = "AccessRecord";
    public const string RefusalType = "Refusal";
    public const string DeletionType = "DeletionReceipt";
    public const string FundFlowType = "FundFlowEvidence";
    public const string CreditDecisionType = "CreditDecision";

    /// <summary>What the store keeps about a record besides its body (<c>Sequence</c>: the record's own sequence field).</summary>
    public sealed record IndexFields(
        string Type,
        ulong TimeMs,
        ConsentId? Consent,
        IReadOnlyList<OrgId> Orgs,
        EnterpriseHash? Enterprise,
        LoanId? Loan,
        ulong Sequence = 0);

    public static (BsonDocument Body, IndexFields Index) Encode(ILedgerRecord record)
    {
        switch (record)
        {
            case AccessRecord r:
                return (new BsonDocument
                {
                    ["consentId"] = Bson.Hex(r.ConsentId.Value),
                    ["provider"] = Bson.Hex(r.Provider.Value),
                    ["consumer"] = Bson.Hex(r.Consumer.Value),
                    ["scopes"] = Bson.U64((ulong)r.Scopes),
                    ["requestHash"] = Bson.Hex(r.RequestHash),
                    ["responseHash"] = Bson.Hex(r.ResponseHash),
                    ["checkedAtBlock"] = Bson.U64(r.CheckedAtBlock),
                    ["servedAtMs"] = Bson.U64(r.ServedAtMs),
                    ["sequence"] = Bson.U64(r.Sequence),
                    ["consentSequence"] = Bson.U64(r.ConsentSequence),
                }, new IndexFields(AccessType, r.ServedAtMs, r.ConsentId, [r.Provider, r.Consumer], null, null, r.Sequence));
            case RefusalRecord r:
                return (new BsonDocument
                {
                    ["consentId"] = Bson.Hex(r.ConsentId.Value),
                    ["provider"] = Bson.Hex(r.Provider.Value),
                    ["consumer"] = Bson.Hex(r.Consumer.Value),
                    ["scopes"] = Bson.U64((ulong)r.Scopes),
                    ["requestHash"] = Bson.Hex(r.RequestHash),
                    ["reason"] = (int)r.Reason,
                    ["checkedAtBlock"] = Bson.U64(r.CheckedAtBlock),
                    ["refusedAtMs"] = Bson.U64(r.RefusedAtMs),
                    ["sequence"] = Bson.U64(r.Sequence),
                    ["consentSequence"] = Bson.U64(r.ConsentSequence),
                }, new IndexFields(RefusalType, r.RefusedAtMs, r.ConsentId, [r.Provider, r.Consumer], null, null, r.Sequence));
            case DeletionReceipt r:
                return (new BsonDocument
                {
                    ["consentId"] = Bson.Hex(r.ConsentId.Value),
                    ["consumer"] = Bson.Hex(r.Consumer.Value),
                    ["dataHash"] = Bson.Hex(r.DataHash),
                    ["cause"] = (int)r.Cause,
                    ["deletedAtMs"] = Bson.U64(r.DeletedAtMs),
                    ["sequence"] = Bson.U64(r.Sequence),
                }, new IndexFields(DeletionType, r.DeletedAtMs, r.ConsentId, [r.Consumer], null, null, r.Sequence));
            case FundFlowEvidence r:
                return (new BsonDocument
                {
                    ["loanId"] = Bson.Hex(r.LoanId.Value),
                    ["category"] = (int)r.Category,
                    ["amountFen"] = Bson.U128(r.AmountFen),
                    ["counterpartyHash"] = Bson.Hex(r.CounterpartyHash),
                    ["documentHash"] = Bson.Hex(r.DocumentHash),
                    ["recorder"] = Bson.Hex(r.Recorder.Value),
                    ["recordedAtMs"] = Bson.U64(r.RecordedAtMs),
                    ["sequence"] = Bson.U64(r.Sequence),
                }, new IndexFields(FundFlowType, r.RecordedAtMs, null, [r.Recorder], null, r.LoanId, r.Sequence));
            case CreditDecisionRecord r:
                return (new BsonDocument
                {
                    ["consentId"] = Bson.Hex(r.ConsentId.Value),
                    ["bank"] = Bson.Hex(r.Bank.Value),
                    ["enterprise"] = Bson.Hex(r.Enterprise.Value),
                    ["approved"] = r.Approved,
                    ["score"] = (long)r.Score,
                    ["product"] = Bson.Hex(r.Product.Value),
                    ["limitFen"] = Bson.U128(r.LimitFen),
                    ["rateBps"] = (long)r.RateBps,
                    ["termMonths"] = (int)r.TermMonths,
                    ["reasonsHash"] = Bson.Hex(r.ReasonsHash),
                    ["decidedAtMs"] = Bson.U64(r.DecidedAtMs),
                    ["sequence"] = Bson.U64(r.Sequence),
                }, new IndexFields(CreditDecisionType, r.DecidedAtMs, r.ConsentId, [r.Bank], r.Enterprise, null, r.Sequence));
            case null:
                throw new ArgumentNullException(nameof(record));
            default:
                throw StoreErrors.UnsupportedRecord(
                    $"{record.GetType().Name} is not a record kind the store knows (AccessRecord, RefusalRecord, DeletionReceipt, FundFlowEvidence, CreditDecisionRecord)");
        }
    }

    public static ILedgerRecord Decode(string type, BsonDocument b) => type switch
    {
        AccessType => new AccessRecord(
            new ConsentId(H(b, "consentId")), new OrgId(H(b, "provider")), new OrgId(H(b, "consumer")),
            (Scopes)U(b, "scopes"), H(b, "requestHash"), H(b, "responseHash"),
            U(b, "checkedAtBlock"), U(b, "servedAtMs"), U(b, "sequence"), ConsentSequence(b)),
        RefusalType => new RefusalRecord(
            new ConsentId(H(b, "consentId")), new OrgId(H(b, "provider")), new OrgId(H(b, "consumer")),
            (Scopes)U(b, "scopes"), H(b, "requestHash"), checked((byte)b["reason"].AsInt32),
            U(b, "checkedAtBlock"), U(b, "refusedAtMs"), U(b, "sequence"), ConsentSequence(b)),
        DeletionType => new DeletionReceipt(
            new ConsentId(H(b, "consentId")), new OrgId(H(b, "consumer")), H(b, "dataHash"),
            (DeletionCause)checked((byte)b["cause"].AsInt32), U(b, "deletedAtMs"), U(b, "sequence")),
        FundFlowType => new FundFlowEvidence(
            new LoanId(H(b, "loanId")), (SpendCategory)checked((byte)b["category"].AsInt32), Bson.ToU128(b["amountFen"]),
            H(b, "counterpartyHash"), H(b, "documentHash"), new OrgId(H(b, "recorder")),
            U(b, "recordedAtMs"), U(b, "sequence")),
        CreditDecisionType => new CreditDecisionRecord(
            new ConsentId(H(b, "consentId")), new OrgId(H(b, "bank")), new EnterpriseHash(H(b, "enterprise")),
            b["approved"].AsBoolean, checked((uint)b["score"].AsInt64), new ProductCode(H(b, "product")),
            Bson.ToU128(b["limitFen"]), checked((uint)b["rateBps"].AsInt64), checked((ushort)b["termMonths"].AsInt32),
            H(b, "reasonsHash"), U(b, "decidedAtMs"), U(b, "sequence")),
        _ => throw new FormatException($"unknown record type '{type}'"),
    };

    private static Hash32 H(BsonDocument b, string field) => Bson.ToHash(b[field]);

    // Records stored before consent sequences (schema 2 and older) have none: 0, their legacy hash.
    private static ulong ConsentSequence(BsonDocument b) => b.TryGetValue("consentSequence", out var value) ? Bson.ToU64(value) : 0;

    private static ulong U(BsonDocument b, string field) => Bson.ToU64(b[field]);
}
