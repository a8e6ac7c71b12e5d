using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Sdk;
using Ledger.Sdk.Mapping;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// <see cref="EnterpriseTrails.Verify"/>, the check each record of an enterprise's trail passes: a true record in an
/// anchored batch is verified, one not anchored yet is pending, and each kind of tampering — a changed field, a wrong
/// proof, a root the chain does not hold, a record of another consent or anchored by another member, a forged alert —
/// fails with its reason. EnterpriseTrailTests checks the same against real nodes and a real chain.
/// </summary>
public sealed class EnterpriseTrailVerifyTests
{
    private static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    private static readonly EnterpriseHash Enterprise = new(H(0xE1));
    private static readonly ConsentId Consent = new(H(0xC1));
    private static readonly ConsentId OtherConsent = new(H(0xC2));
    private static readonly BatchId Batch = BatchId.For(Tax, 7);

    private static readonly AccessRecord Served = new(Consent, Tax, Bank, Scopes.TaxCreditRating, H(0x01), H(0x02), 10, 1_800_000_000_000, 41, 1);
    private static readonly RefusalRecord Refused = new(Consent, Tax, Bank, Scopes.Judicial, H(0x03), (byte)AccessStatus.ScopeNotGranted, 11, 1_800_000_001_000, 42, 2);
    private static readonly AccessRecord Filler = new(OtherConsent, Tax, Bank, Scopes.TaxCreditRating, H(0x04), H(0x05), 12, 1_800_000_002_000, 43, 1);

    private static readonly IReadOnlyDictionary<ConsentId, ConsentDetails> Consents = new Dictionary<ConsentId, ConsentDetails>
    {
        [Consent] = new(Consent, null, Bank, Tax, Scopes.TaxCreditRating, 0, 0, 0, 5, 30, 1, ConsentStatus.Active, 1, Enterprise, 0, 1),
    };

    private static Hash32 H(byte b) => new(Enumerable.Repeat(b, 32).ToArray());

    // The batch Tax anchored: the three records, its tree and root.
    private static readonly StandardMerkleTree Tree = StandardMerkleTree.Of(new ILedgerRecord[] { Served, Refused, Filler }.Select(r => r.Hash()));

    private static ExportedRecord Anchored(ILedgerRecord record, ILedgerRecord? claimed = null, Hash32[]? proof = null, Hash32? root = null, OrgId? anchoredBy = null)
    {
        var hash = (claimed ?? record).Hash();
        return new ExportedRecord(1, RecordJson.TypeOf(record), record,
            new AnchorReference(hash, anchoredBy ?? Tax, Batch, root ?? Tree.Root, proof ?? Tree.GetProof(hash.Value), 120, H(0x77)));
    }

    [Fact]
    public void ATrueRecord_InTheBatchWhoseRootTheChainHolds_IsVerified()
    {
        Assert.Equal((TrailVerdict.Verified, null), EnterpriseTrails.Verify(Tax, Anchored(Served), Enterprise, Consents, null, Tree.Root));
        Assert.Equal((TrailVerdict.Verified, null), EnterpriseTrails.Verify(Tax, Anchored(Refused), Enterprise, Consents, null, Tree.Root));
    }

    [Fact]
    public void ARecordNotAnchoredYet_IsPending_NotFailed()
    {
        var pending = new ExportedRecord(1, RecordJson.AccessType, Served, new AnchorReference(Served.Hash(), Tax, null, null, [], 0, null));
        Assert.Equal((TrailVerdict.Pending, null), EnterpriseTrails.Verify(Tax, pending, Enterprise, Consents, null, null));
    }

    [Fact]
    public void ARecordWithAChangedField_Fails_ItsFieldsNoLongerHashToTheAnchoredHash()
    {
        // The node returns the served record with another consumer, but the anchor reference (and proof) of the true one.
        var altered = Anchored(Served with { Consumer = OrgId.FromCode("bank.icbc") }, claimed: Served);

        var (status, problem) = EnterpriseTrails.Verify(Tax, altered, Enterprise, Consents, null, Tree.Root);

        Assert.Equal(TrailVerdict.Failed, status);
        Assert.Contains("altered", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AWrongProof_Fails()
    {
        var wrongProof = Anchored(Served, proof: Tree.GetProof(Refused.Hash().Value));

        var (status, problem) = EnterpriseTrails.Verify(Tax, wrongProof, Enterprise, Consents, null, Tree.Root);

        Assert.Equal(TrailVerdict.Failed, status);
        Assert.Contains("Merkle proof does not lead", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ARootTheChainDoesNotHold_Fails_EvenWhenTheProofLeadsToIt()
    {
        // A node that rebuilt a batch of its own choosing: proof and root agree, the chain holds another root.
        var forged = StandardMerkleTree.Of(new[] { Served.Hash(), Filler.Hash() });
        var record = Anchored(Served, proof: forged.GetProof(Served.Hash().Value), root: forged.Root);

        var (status, problem) = EnterpriseTrails.Verify(Tax, record, Enterprise, Consents, null, Tree.Root);
        Assert.Equal(TrailVerdict.Failed, status);
        Assert.Contains("the chain holds", problem, StringComparison.Ordinal);

        var (unanchored, why) = EnterpriseTrails.Verify(Tax, Anchored(Served), Enterprise, Consents, null, null);
        Assert.Equal(TrailVerdict.Failed, unanchored);
        Assert.Contains("holds no root", why, StringComparison.Ordinal);
    }

    [Fact]
    public void ARecordUnderAnotherConsent_OrAnchoredByAnotherMember_OrNamingOtherParties_Fails()
    {
        Assert.Equal(TrailVerdict.Failed, EnterpriseTrails.Verify(Tax, Anchored(Filler), Enterprise, Consents, null, Tree.Root).Status);
        Assert.Equal(TrailVerdict.Failed, EnterpriseTrails.Verify(Tax, Anchored(Served, anchoredBy: Bank), Enterprise, Consents, null, Tree.Root).Status);
        // The record is true and anchored, but the node giving it is not its provider.
        Assert.Equal(TrailVerdict.Failed, EnterpriseTrails.Verify(Bank, Anchored(Served, anchoredBy: Bank), Enterprise, Consents, null, Tree.Root).Status);
    }

    [Fact]
    public void ADeletionReceipt_IsVerifiedAgainstTheBanksBatch_AndFailsWhenTheBankIsNotTheConsumer()
    {
        var receipt = new DeletionReceipt(Consent, Bank, H(0x02), DeletionCause.ConsentRevoked, 1_800_000_003_000, 9);
        var bankTree = StandardMerkleTree.Of(new[] { receipt.Hash() });
        var exported = new ExportedRecord(9, RecordJson.DeletionType, receipt,
            new AnchorReference(receipt.Hash(), Bank, BatchId.For(Bank, 1), bankTree.Root, bankTree.GetProof(receipt.Hash().Value), 130, H(0x78)));

        Assert.Equal((TrailVerdict.Verified, null), EnterpriseTrails.Verify(Bank, exported, Enterprise, Consents, null, bankTree.Root));

        var stranger = OrgId.FromCode("bank.icbc");
        var other = receipt with { Consumer = stranger };
        var otherTree = StandardMerkleTree.Of(new[] { other.Hash() });
        var fromStranger = new ExportedRecord(9, RecordJson.DeletionType, other,
            new AnchorReference(other.Hash(), stranger, BatchId.For(stranger, 1), otherTree.Root, otherTree.GetProof(other.Hash().Value), 130, H(0x78)));
        Assert.Equal(TrailVerdict.Failed, EnterpriseTrails.Verify(stranger, fromStranger, Enterprise, Consents, null, otherTree.Root).Status);
    }

    [Fact]
    public void AnAlertDelivery_IsVerifiedWhenTheNamedAlertHashesToTheRecord_AndFailsWhenWhatItSaidWasChanged()
    {
        var alert = new DeliveredAlertInfo("0000000000000003", AlertKind.RatingDowngrade, 1_800_000_000_500, "Rating fell from A to C.");
        var delivery = new AccessRecord(Consent, Tax, Bank, Scopes.TaxCreditRating,
            new AlertDelivery(Consent, Bank, Tax, alert.AlertId, alert.Kind).Hash(),
            AlertDelivery.ContentHash(alert.Kind, Enterprise, alert.RaisedAtMs, alert.Summary), 13, 1_800_000_000_600, 44, 3);
        var tree = StandardMerkleTree.Of(new[] { delivery.Hash() });
        var exported = new ExportedRecord(4, RecordJson.AccessType, delivery,
            new AnchorReference(delivery.Hash(), Tax, Batch, tree.Root, tree.GetProof(delivery.Hash().Value), 140, H(0x79)));

        Assert.Equal((TrailVerdict.Verified, null), EnterpriseTrails.Verify(Tax, exported, Enterprise, Consents, alert, tree.Root));

        var (status, problem) = EnterpriseTrails.Verify(Tax, exported, Enterprise, Consents, alert with { Summary = "Rating fell from A to B." }, tree.Root);
        Assert.Equal(TrailVerdict.Failed, status);
        Assert.Contains("response hash", problem, StringComparison.Ordinal);
        Assert.Equal(TrailVerdict.Failed, EnterpriseTrails.Verify(Tax, exported, Enterprise, Consents, alert with { AlertId = "0000000000000004" }, tree.Root).Status);
    }

    [Fact]
    public void SequenceGaps_AProviderThatWithholdsARecordUnderAConsent_ShowsTheMissingNumber()
    {
        EnterpriseTrailEntry Entry(ILedgerRecord record) =>
            new(Tax, new ExportedRecord(1, RecordJson.TypeOf(record), record, new AnchorReference(record.Hash(), Tax, null, null, [], 0, null)), EnterpriseTrailKind.Other, Consent, Bank, 0, "", TrailVerdict.Verified, null);
        var third = Served with { Sequence = 45, ConsentSequence = 3 };

        Assert.Empty(EnterpriseTrails.SequenceGaps([Entry(Served), Entry(Refused)]));
        var gap = Assert.Single(EnterpriseTrails.SequenceGaps([Entry(Served), Entry(third)]));
        Assert.Contains("did not give number(s) 2", gap, StringComparison.Ordinal);
        // Records made before consent sequences (numbered 0) are not counted.
        Assert.Empty(EnterpriseTrails.SequenceGaps([Entry(Served with { ConsentSequence = 0 }), Entry(Refused with { ConsentSequence = 0 })]));
    }
}
