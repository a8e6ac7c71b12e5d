using System.Buffers.Binary;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Audit.Verification;

/// <summary>
/// The canonical hash of a record (<see cref="ILedgerRecord.Hash"/>) without allocating: the same ABI words, written
/// into a stack buffer and hashed with <see cref="Keccak"/> (the core's allocation-free sponge). Whole-ledger verification recomputes a million
/// hashes, and the general path allocates a word array per field. The tests check both agree for every type.
/// </summary>
public static class RecordHasher
{
    private static readonly Hash32 AccessTypeHash = Keccak.Hash(AccessRecord.Type);
    private static readonly Hash32 AccessLegacyTypeHash = Keccak.Hash(AccessRecord.LegacyType);
    private static readonly Hash32 RefusalTypeHash = Keccak.Hash(RefusalRecord.Type);
    private static readonly Hash32 RefusalLegacyTypeHash = Keccak.Hash(RefusalRecord.LegacyType);
    private static readonly Hash32 DeletionTypeHash = Keccak.Hash(DeletionReceipt.Type);
    private static readonly Hash32 FundFlowTypeHash = Keccak.Hash(FundFlowEvidence.Type);
    private static readonly Hash32 DecisionTypeHash = Keccak.Hash(CreditDecisionRecord.Type);

    /// <summary>The longest encoding of a record this hasher knows (a credit decision: 13 words).</summary>
    internal const int MaxEncodedLength = 13 * 32;

    /// <summary>The record's canonical hash.</summary>
    public static RecordHash Hash(ILedgerRecord record)
    {
        Span<byte> words = stackalloc byte[MaxEncodedLength];
        var length = Encode(record, words);
        return length < 0 ? record.Hash() : new RecordHash(Keccak.Hash(words[..length]));
    }

    /// <summary>
    /// The hashes of the records <paramref name="start"/> … <paramref name="end"/> − 1 of <paramref name="items"/> into
    /// <paramref name="hashes"/> (same positions): four at a time through the vectorized
    /// Keccak where records of equal encoded length come together (the common case: a batch holds one kind).
    /// </summary>
    internal static void HashAll(IReadOnlyList<Bundle.BundleRecord> items, int start, int end, Hash32[] hashes)
    {
        var i = start;
        if (KeccakX4.IsSupported)
        {
            Span<byte> slots = stackalloc byte[4 * MaxEncodedLength];
            Span<int> lengths = stackalloc int[4];
            Span<Hash32> four = stackalloc Hash32[4];
            for (; i + 4 <= end; i += 4)
            {
                slots.Clear();
                for (var k = 0; k < 4; k++)
                {
                    lengths[k] = Encode(items[i + k].Record, slots.Slice(k * MaxEncodedLength, MaxEncodedLength));
                }
                if (lengths[0] >= 0 && lengths[0] == lengths[1] && lengths[0] == lengths[2] && lengths[0] == lengths[3])
                {
                    KeccakX4.Hash(slots, MaxEncodedLength, lengths[0], four);
                    four.CopyTo(hashes.AsSpan(i, 4));
                }
                else
                {
                    for (var k = 0; k < 4; k++)
                    {
                        hashes[i + k] = lengths[k] >= 0
                            ? Keccak.Hash(slots.Slice(k * MaxEncodedLength, lengths[k]))
                            : items[i + k].Record.Hash().Value;
                    }
                }
            }
        }
        for (; i < end; i++)
        {
            hashes[i] = Hash(items[i].Record).Value;
        }
    }

    /// <summary>Writes the record's ABI words into <paramref name="words"/> (zeroed, at least <see cref="MaxEncodedLength"/> bytes); −1 for a type this hasher does not know.</summary>
    internal static int Encode(ILedgerRecord record, Span<byte> words)
    {
        var w = new Words(words);
        int length;
        switch (record)
        {
            case AccessRecord r:
                w = w.Bytes32(r.ConsentSequence == 0 ? AccessLegacyTypeHash : AccessTypeHash).Bytes32(r.ConsentId.Value).Bytes32(r.Provider.Value).Bytes32(r.Consumer.Value)
                    .Number((ulong)r.Scopes).Bytes32(r.RequestHash).Bytes32(r.ResponseHash)
                    .Number(r.CheckedAtBlock).Number(r.ServedAtMs).Number(r.Sequence);
                length = (r.ConsentSequence == 0 ? w : w.Number(r.ConsentSequence)).Length;
                break;
            case RefusalRecord r:
                w = w.Bytes32(r.ConsentSequence == 0 ? RefusalLegacyTypeHash : RefusalTypeHash).Bytes32(r.ConsentId.Value).Bytes32(r.Provider.Value).Bytes32(r.Consumer.Value)
                    .Number((ulong)r.Scopes).Bytes32(r.RequestHash).Number(r.Reason)
                    .Number(r.CheckedAtBlock).Number(r.RefusedAtMs).Number(r.Sequence);
                length = (r.ConsentSequence == 0 ? w : w.Number(r.ConsentSequence)).Length;
                break;
            case DeletionReceipt r:
                length = w.Bytes32(DeletionTypeHash).Bytes32(r.ConsentId.Value).Bytes32(r.Consumer.Value).Bytes32(r.DataHash)
                    .Number((byte)r.Cause).Number(r.DeletedAtMs).Number(r.Sequence).Length;
                break;
            case FundFlowEvidence r:
                length = w.Bytes32(FundFlowTypeHash).Bytes32(r.LoanId.Value).Number((byte)r.Category).Number(r.AmountFen)
                    .Bytes32(r.CounterpartyHash).Bytes32(r.DocumentHash).Bytes32(r.Recorder.Value)
                    .Number(r.RecordedAtMs).Number(r.Sequence).Length;
                break;
            case CreditDecisionRecord r:
                length = w.Bytes32(DecisionTypeHash).Bytes32(r.ConsentId.Value).Bytes32(r.Bank.Value).Bytes32(r.Enterprise.Value)
                    .Number(r.Approved ? 1UL : 0UL).Number(r.Score).Bytes32(r.Product.Value).Number(r.LimitFen).Number(r.RateBps)
                    .Number(r.TermMonths).Bytes32(r.ReasonsHash).Number(r.DecidedAtMs).Number(r.Sequence).Length;
                break;
            case null:
                throw new ArgumentNullException(nameof(record));
            default:
                // A record type this library does not know: its own hash is the definition.
                return -1;
        }
        return length;
    }

    private ref struct Words(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Length { get; private set; }

        public Words Bytes32(Hash32 value)
        {
            value.CopyTo(_buffer[Length..]);
            Length += 32;
            return this;
        }

        public Words Number(ulong value)
        {
            BinaryPrimitives.WriteUInt64BigEndian(_buffer[(Length + 24)..], value);
            Length += 32;
            return this;
        }

        public Words Number(UInt128 value)
        {
            BinaryPrimitives.WriteUInt128BigEndian(_buffer[(Length + 16)..], value);
            Length += 32;
            return this;
        }
    }
}
