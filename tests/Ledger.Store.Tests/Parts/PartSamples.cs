using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.TaxData;
using Ledger.Store.Tests.Support;

namespace Ledger.Store.Tests.Parts;

/// <summary>Content for the store's other parts: held items, alerts, copied records, taxpayers.</summary>
internal static class PartSamples
{
    public static readonly Hash32 Salt = Keccak.Hash("tests/tax-salt");
    public static readonly OrgId Bank = SampleRecords.Bank;
    public static readonly OrgId Guarantor = OrgId.FromCode("guarantee.gx");

    public static HeldItem Held(int n, ulong keepUntilMs = 5_000, ConsentId? consent = null) => new(
        Keccak.Hash($"request/{n}"), consent ?? new ConsentId(Keccak.Hash($"consent/{n}")), TempStore.Org, Scopes.TaxCreditRating | Scopes.TaxPayments,
        Keccak.Hash($"response/{n}"), [1, 2, 3, (byte)n], 1_000 + (ulong)n, keepUntilMs, 40 + (ulong)n, Keccak.Hash($"access/{n}"));

    public static NodeAlert Alert(int n) => new(
        AlertKind.RatingDowngrade, new EnterpriseHash(Keccak.Hash("enterprise")), $"alert {n}",
        new Dictionary<string, string> { ["n"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture) }, (ulong)n, TempStore.Org);

    public static CopiedRecord Copied(OrgId member, ulong sequence, CopiedAnchor? anchor = null, string? reasons = null, string? rating = null)
    {
        var record = SampleRecords.Access(sequence: sequence);
        return new CopiedRecord(member, sequence, RecordJson.TypeOf(record), RecordJson.ToJson(record), new RecordHash(Keccak.Hash($"declared/{sequence}")), anchor, reasons, rating);
    }

    public static CopiedAnchor Anchor(ulong block) =>
        new(TempStore.Org, new BatchId(Keccak.Hash("batch/1")), Keccak.Hash("root/1"), [Keccak.Hash("sibling/1"), Keccak.Hash("sibling/2")], block, Keccak.Hash("tx/1"));

    public static IReadOnlyList<Taxpayer> Taxpayers(int count) => SyntheticTaxpayers.Generate(count, 11, new DateOnly(2026, 1, 1));
}
