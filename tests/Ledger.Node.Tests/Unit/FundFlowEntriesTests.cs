using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Bank;
using Ledger.Node.FundFlow.UseCases;
using Ledger.Node.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The fund-flow entries (record, reverse, correct a spending of an R&amp;D loan) as a use case over ports (issue 12):
/// the fund-flow tracker and the evidence records are in-memory here; FundFlowTests records, reverses and corrects real
/// entries on a real chain through real bank and tax nodes.
/// </summary>
public sealed class FundFlowEntriesTests
{
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    private static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    private static readonly LoanId Loan = LoanId.FromReference(Bank, "RD-1");
    private const ulong NowMs = 1_780_000_000_123;
    private const string Supplier = "91450200MA5KXXXX0X";
    private const string Landlord = "91450200MA5KYYYY0Y";

    /// <summary>
    /// An in-memory fund-flow tracker for one loan: entries with their recorder, reversals and corrections as the
    /// contract keeps them (an entry is reversed or corrected once, stated exactly as recorded), the ledger as each
    /// block left it, a key sent once (as the journal does); it refuses while told to (preflight and sends), and loses
    /// one send when told to (the chain could not be reached: nothing sent).
    /// </summary>
    private sealed class Tracker : IFundFlowChain
    {
        private ulong _block = 100;
        private readonly Dictionary<string, object> _journal = [];

        public OrgId Recorder { get; set; } = Bank;

        public uint MaxNonRdBps { get; set; } = 3_000;

        public List<(OrgId Recorder, SpendingEntry Entry, bool Reversed)> Entries { get; } = [];

        public Dictionary<uint, uint> Corrections { get; } = [];

        public Dictionary<ulong, FlowLedgerState> Ledgers { get; } = [];

        public LedgerException? Refusal { get; set; }

        public LedgerException? LoseNextSend { get; set; }

        public List<(string Call, string Key)> Sent { get; } = [];

        public int Preflights { get; private set; }

        public List<ulong> LedgerReadsAt { get; } = [];

        public Task PreflightRecordAsync(LoanId loan, SpendCategory category, UInt128 amountFen, Hash32 counterpartyHash, CancellationToken cancellationToken)
        {
            Preflights++;
            return Refusal is { } refusal ? Task.FromException(refusal) : Task.CompletedTask;
        }

        public Task PreflightCorrectAsync(
            LoanId loan, uint entryIndex, SpendingEntry original, SpendCategory category, UInt128 amountFen, Hash32 counterpartyHash, CancellationToken cancellationToken)
        {
            Preflights++;
            return (Refusal ?? Check(entryIndex, original)) is { } refusal ? Task.FromException(refusal) : Task.CompletedTask;
        }

        public Task<SpendingSent> RecordAsync(LoanId loan, SpendingEntry entry, string key) => Send(key, "recordSpending", () =>
        {
            Entries.Add((Recorder, entry, false));
            return Recorded(entry.EvidenceHash, (uint)Entries.Count - 1);
        });

        public async Task<ChainConfirmation> ReverseAsync(LoanId loan, uint entryIndex, SpendingEntry original, Hash32 reasonHash, string key) =>
            (await Send(key, "reverseSpending", () =>
            {
                Reverse(entryIndex, original);
                return new SpendingSent(Block(), []);
            }).ConfigureAwait(false)).Tx;

        public Task<SpendingSent> CorrectAsync(LoanId loan, uint entryIndex, SpendingEntry original, SpendingEntry replacement, string key) =>
            Send(key, "correctSpending", () =>
            {
                Reverse(entryIndex, original);
                Entries.Add((Recorder, replacement, false));
                Corrections[entryIndex] = (uint)Entries.Count - 1;
                return Recorded(replacement.EvidenceHash, (uint)Entries.Count - 1);
            });

        public Task<FlowLedgerState> LedgerAtAsync(LoanId loan, ulong block, CancellationToken cancellationToken)
        {
            LedgerReadsAt.Add(block);
            return Task.FromResult(Ledgers[block]);
        }

        public Task<uint?> EntryIndexAsync(LoanId loan, OrgId recorder, Hash32 evidenceHash, CancellationToken cancellationToken)
        {
            var index = Entries.FindLastIndex(e => e.Recorder == recorder && e.Entry.EvidenceHash == evidenceHash);
            return Task.FromResult(index < 0 ? null : (uint?)index);
        }

        public Task<uint?> CorrectionOfAsync(LoanId loan, OrgId recorder, uint entryIndex, CancellationToken cancellationToken) =>
            Task.FromResult(Corrections.TryGetValue(entryIndex, out var replacement) ? replacement : (uint?)null);

        private async Task<SpendingSent> Send(string key, string call, Func<SpendingSent> apply)
        {
            await Task.Yield();
            if (Refusal is { } refusal)
            {
                throw refusal;
            }
            if (LoseNextSend is { } lost)
            {
                LoseNextSend = null;
                throw lost;
            }
            if (_journal.TryGetValue(key, out var earlier))
            {
                return (SpendingSent)earlier;
            }
            var sent = apply();
            Sent.Add((call, key));
            _journal[key] = sent;
            return sent;
        }

        private LedgerException? Check(uint entryIndex, SpendingEntry original) =>
            entryIndex >= Entries.Count || Entries[(int)entryIndex].Recorder != Recorder || Entries[(int)entryIndex].Entry != original
                ? new LedgerException("LEDGER-1856", ErrorCategory.InvalidArgument, "The entry is not stated as it was recorded.")
                : Entries[(int)entryIndex].Reversed
                    ? new LedgerException("LEDGER-1857", ErrorCategory.FailedPrecondition, $"Entry {entryIndex} was already reversed (or corrected).")
                    : null;

        private void Reverse(uint entryIndex, SpendingEntry original)
        {
            if (Check(entryIndex, original) is { } refusal)
            {
                throw refusal;
            }
            Entries[(int)entryIndex] = Entries[(int)entryIndex] with { Reversed = true };
        }

        private SpendingSent Recorded(Hash32 evidenceHash, uint index)
        {
            var tx = Block();
            var ledger = Ledgers[tx.BlockNumber];
            return new SpendingSent(tx, [new EntryRecorded(evidenceHash, index, (uint)(ledger.NonRdFen * 10_000 / ledger.TotalFen))]);
        }

        // A new block, and the ledger as it leaves it.
        private ChainConfirmation Block()
        {
            var live = Entries.Where(e => !e.Reversed).Select(e => e.Entry).ToList();
            var total = live.Aggregate(System.Numerics.BigInteger.Zero, (sum, e) => sum + (System.Numerics.BigInteger)e.AmountFen);
            var nonRd = live.Where(e => e.Category == SpendCategory.NonRnD).Aggregate(System.Numerics.BigInteger.Zero, (sum, e) => sum + (System.Numerics.BigInteger)e.AmountFen);
            Ledgers[++_block] = new FlowLedgerState(total, nonRd, nonRd * 10_000 > total * MaxNonRdBps);
            return new ChainConfirmation(Keccak.Hash($"tx {_block}"), _block, 1);
        }
    }

    /// <summary>The node's evidence records in memory (hashed as the store hashes them; sequences from 1).</summary>
    private sealed class Evidence : IFundFlowEvidence
    {
        public List<(RecordHash Hash, FundFlowEvidence? Evidence)> Records { get; } = [];

        public IReadOnlyList<(RecordHash Hash, FundFlowEvidence? Evidence)> Find(LoanId loan) =>
            Records.Where(r => r.Evidence?.LoanId == loan).ToList();

        public Task<RecordHash> AcceptAsync(Func<ulong, FundFlowEvidence> create)
        {
            var record = create((ulong)Records.Count + 1);
            Records.Add((record.Hash(), record));
            return Task.FromResult(record.Hash());
        }
    }

    private static (FundFlowEntries UseCase, Tracker Chain, Evidence Store) Create()
    {
        var chain = new Tracker();
        var store = new Evidence();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds((long)NowMs));
        return (new FundFlowEntries(chain, store, time, NullLogger<FundFlowEntries>.Instance), chain, store);
    }

    private static Task<SpendingOutcome> Record(FundFlowEntries useCase, string document, SpendCategory category = SpendCategory.RnDLabour, ulong amount = 600, string counterparty = Supplier) =>
        useCase.RecordAsync(Loan, category, amount, counterparty, document, CancellationToken.None);

    // ------------------------------------------------------------------ record

    [Fact]
    public async Task Record_AcceptsTheEvidenceOnceTheChainWouldTakeIt_OnlyHashesLeave_AndSendsTheRecordsHash_KeyedByIt()
    {
        var (useCase, chain, store) = Create();

        var outcome = await Record(useCase, "invoice 04500190 00123456");

        var (hash, record) = Assert.Single(store.Records);
        Assert.Equal(new FundFlowEvidence(Loan, SpendCategory.RnDLabour, 600, Keccak.Hash(Supplier), Keccak.Hash("invoice 04500190 00123456"), Bank, NowMs, 1), record);
        Assert.Equal(("recordSpending", $"spend:{hash}"), Assert.Single(chain.Sent));
        Assert.Equal(new SpendingEntry(SpendCategory.RnDLabour, 600, Keccak.Hash(Supplier), hash.Value), Assert.Single(chain.Entries).Entry);
        Assert.Equal(new SpendingOutcome(0, 0, false, outcome.Tx, hash), outcome);
        Assert.Equal(1, chain.Preflights);
        Assert.Equal([outcome.Tx.BlockNumber], chain.LedgerReadsAt); // deviated as the entry's block left the ledger
    }

    [Fact]
    public async Task Record_ANonRnDSpendingPastTheLimit_AnswersItsIndexTheContractsShare_AndDeviated()
    {
        var (useCase, _, _) = Create();

        await Record(useCase, "invoice 1");
        var outcome = await Record(useCase, "rent 2026-07", SpendCategory.NonRnD, 400, Landlord);

        Assert.Equal((1u, 4_000u, true), (outcome.EntryIndex, outcome.NonRndShareBps, outcome.Deviated));
    }

    [Fact]
    public async Task Record_TheSameDocumentAgain_IsARetry_OneRecordOneEntryOneTransaction()
    {
        var (useCase, chain, store) = Create();

        var first = await Record(useCase, "invoice 1");
        var retry = await Record(useCase, "invoice 1");

        Assert.Equal(first, retry);
        Assert.Single(store.Records);
        Assert.Single(chain.Sent);
        Assert.Single(chain.Entries);
        Assert.Equal(1, chain.Preflights); // the kept record is sent again, without asking the chain first
    }

    [Fact]
    public async Task Record_TheSameDocumentWithOtherFigures_IsRefused_1545_SendingNothing()
    {
        var (useCase, chain, store) = Create();
        await Record(useCase, "invoice 1");

        var error = await Assert.ThrowsAsync<LedgerException>(() => Record(useCase, "invoice 1", amount: 700));

        Assert.Equal((BankErrors.EvidenceConflictCode, ErrorCategory.AlreadyExists), (error.Code, error.Category));
        Assert.Equal($"Evidence document 'invoice 1' is already recorded for loan {Loan.Value.ToShortString()} as RnDLabour 600 fen; a document is recorded once — correct the document reference if this is another spending.", error.Message);
        Assert.Single(store.Records);
        Assert.Single(chain.Sent);
    }

    [Fact]
    public async Task Record_AnotherRecordersRecordOfTheDocument_IsNotThisOrganizations()
    {
        var (useCase, chain, store) = Create();
        var bureaus = new FundFlowEvidence(Loan, SpendCategory.NonRnD, 1, Keccak.Hash(Landlord), Keccak.Hash("invoice 1"), Tax, NowMs, 1);
        store.Records.Add((bureaus.Hash(), bureaus));

        await Record(useCase, "invoice 1");

        Assert.Equal(2, store.Records.Count);
        Assert.Equal(store.Records[1].Hash.Value, Assert.Single(chain.Entries).Entry.EvidenceHash);
    }

    [Fact]
    public async Task Record_TheChainWouldRefuse_TheRefusalUnchanged_AndNoEvidenceIsAccepted()
    {
        var (useCase, chain, store) = Create();
        var refusal = new LedgerException("LEDGER-1294", ErrorCategory.FailedPrecondition, "The loan has no open fund-flow ledger.");
        chain.Refusal = refusal;

        Assert.Same(refusal, await Assert.ThrowsAsync<LedgerException>(() => Record(useCase, "invoice 1")));
        Assert.Empty(store.Records);
        Assert.Empty(chain.Sent);
    }

    [Fact]
    public async Task Record_TheSendFailsAfterTheEvidenceWasAccepted_TheSameRequestAgainCompletesIt_WithTheSameRecord()
    {
        var (useCase, chain, store) = Create();
        chain.LoseNextSend = new LedgerException("LEDGER-1600", ErrorCategory.Unavailable, "The chain cannot be reached.");

        var lost = await Assert.ThrowsAsync<LedgerException>(() => Record(useCase, "invoice 1"));
        var (hash, _) = Assert.Single(store.Records); // left: the record, accepted (it will be anchored), and no entry
        Assert.Empty(chain.Entries);
        var completed = await Record(useCase, "invoice 1");

        Assert.Equal("LEDGER-1600", lost.Code);
        Assert.Single(store.Records);
        Assert.Equal(hash, completed.EvidenceRecord);
        Assert.Equal(hash.Value, Assert.Single(chain.Entries).Entry.EvidenceHash);
        Assert.Equal(1, chain.Preflights);
    }

    // ------------------------------------------------------------------ reverse

    [Fact]
    public async Task Reverse_TheDocumentsEntry_StatedAsRecorded_KeyedByItsRecordAndTheReasonsHash_ShareFromTheLedgerAtItsBlock()
    {
        var (useCase, chain, store) = Create();
        await Record(useCase, "invoice 1");
        await Record(useCase, "rent 2026-07", SpendCategory.NonRnD, 400, Landlord);
        var rent = store.Records[1];

        var reversed = await useCase.ReverseAsync(Loan, "rent 2026-07", "credit note 7", CancellationToken.None);
        var retry = await useCase.ReverseAsync(Loan, "rent 2026-07", "credit note 7", CancellationToken.None);

        Assert.Equal(new SpendingOutcome(1, 0, false, reversed.Tx, rent.Hash), reversed);
        Assert.Equal(reversed, retry);
        Assert.Equal(("reverseSpending", $"reverse:{rent.Hash}:{Keccak.Hash("credit note 7")}"), chain.Sent[^1]);
        Assert.Equal(3, chain.Sent.Count);
        Assert.True(chain.Entries[1].Reversed);
        Assert.Equal(2, store.Records.Count); // a reversal keeps no record of its own
    }

    [Fact]
    public async Task Reverse_AgainForAnotherReason_IsANewTransaction_TheContractsRefusalPassesThrough()
    {
        var (useCase, chain, _) = Create();
        await Record(useCase, "invoice 1");
        await useCase.ReverseAsync(Loan, "invoice 1", "credit note 7", CancellationToken.None);

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.ReverseAsync(Loan, "invoice 1", "duplicate", CancellationToken.None));

        Assert.Equal("LEDGER-1857", error.Code);
        Assert.Equal(2, chain.Sent.Count);
    }

    [Fact]
    public async Task Reverse_ADocumentNeverRecorded_OrAcceptedButNeverOnChain_Is1549_SendingNothing()
    {
        var (useCase, chain, store) = Create();
        chain.LoseNextSend = new LedgerException("LEDGER-1600", ErrorCategory.Unavailable, "The chain cannot be reached.");
        await Assert.ThrowsAsync<LedgerException>(() => Record(useCase, "invoice 1"));

        var never = await Assert.ThrowsAsync<LedgerException>(() => useCase.ReverseAsync(Loan, "invoice 9", "credit note", CancellationToken.None));
        var notOnChain = await Assert.ThrowsAsync<LedgerException>(() => useCase.ReverseAsync(Loan, "invoice 1", "credit note", CancellationToken.None));

        Assert.All([never, notOnChain], e => Assert.Equal((BankErrors.UnknownEntryCode, ErrorCategory.NotFound), (e.Code, e.Category)));
        Assert.StartsWith($"bank.ccb has no fund-flow entry on chain for document 'invoice 1' of loan {Loan.Value.ToShortString()}; ", notOnChain.Message, StringComparison.Ordinal);
        Assert.Empty(chain.Sent);
        Assert.Single(store.Records);
    }

    // ------------------------------------------------------------------ correct

    [Fact]
    public async Task Correct_KeepingTheDocument_AcceptsTheReplacementsRecord_AndReplacesTheEntryKeyedByTheOriginal_ARetryIsTheSameCorrection()
    {
        var (useCase, chain, store) = Create();
        await Record(useCase, "invoice 1");
        var original = store.Records[0];

        var corrected = await useCase.CorrectAsync(Loan, "invoice 1", SpendCategory.RnDLabour, 500, Supplier, null, CancellationToken.None);
        var retry = await useCase.CorrectAsync(Loan, "invoice 1", SpendCategory.RnDLabour, 500, Supplier, "", CancellationToken.None);

        Assert.Equal(2, store.Records.Count);
        var replacement = store.Records[1];
        Assert.Equal(new FundFlowEvidence(Loan, SpendCategory.RnDLabour, 500, Keccak.Hash(Supplier), Keccak.Hash("invoice 1"), Bank, NowMs, 2), replacement.Evidence);
        Assert.Equal(new SpendingOutcome(1, 0, false, corrected.Tx, replacement.Hash), corrected);
        Assert.Equal(corrected, retry);
        Assert.Equal(("correctSpending", $"correct:{original.Hash}"), chain.Sent[^1]);
        Assert.Equal(2, chain.Sent.Count);
        Assert.Equal(2, chain.Preflights);
        Assert.Equal(1u, chain.Corrections[0]);
    }

    [Fact]
    public async Task Correct_ToANewDocument_ARetryFindsItsOwnReplacement()
    {
        var (useCase, chain, store) = Create();
        await Record(useCase, "invoice 1");

        var corrected = await useCase.CorrectAsync(Loan, "invoice 1", SpendCategory.RnDLabour, 600, Supplier, "invoice 1b", CancellationToken.None);
        var retry = await useCase.CorrectAsync(Loan, "invoice 1", SpendCategory.RnDLabour, 600, Supplier, "invoice 1b", CancellationToken.None);

        Assert.Equal(corrected, retry);
        Assert.Equal(Keccak.Hash("invoice 1b"), store.Records[1].Evidence!.DocumentHash);
        Assert.Equal(2, store.Records.Count);
        Assert.Equal(2, chain.Sent.Count);
    }

    [Fact]
    public async Task Correct_StatingTheFiguresTheEntryHas_Is1520_SendingNothing()
    {
        var (useCase, chain, store) = Create();
        await Record(useCase, "invoice 1");

        var error = await Assert.ThrowsAsync<LedgerException>(() =>
            useCase.CorrectAsync(Loan, "invoice 1", SpendCategory.RnDLabour, 600, Supplier, "invoice 1", CancellationToken.None));

        Assert.Equal(NodeErrors.InvalidFieldCode, error.Code);
        Assert.Equal("the correction of 'invoice 1' states the figures it already has; give the corrected category, amount, counterparty or document.", error.Message);
        Assert.Single(store.Records);
        Assert.Single(chain.Sent);
        Assert.Equal(1, chain.Preflights);
    }

    [Theory]
    [InlineData(400u)] // another entry's figures and document
    [InlineData(300u)] // other figures for another entry's document
    public async Task Correct_ToADocumentWithItsOwnEntry_Is1545_SendingNothing(uint amount)
    {
        var (useCase, chain, store) = Create();
        await Record(useCase, "invoice 1");
        await Record(useCase, "invoice 2", SpendCategory.NonRnD, 400, Landlord);

        var error = await Assert.ThrowsAsync<LedgerException>(() =>
            useCase.CorrectAsync(Loan, "invoice 1", SpendCategory.NonRnD, amount, Landlord, "invoice 2", CancellationToken.None));

        Assert.Equal((BankErrors.EvidenceConflictCode, ErrorCategory.AlreadyExists), (error.Code, error.Category));
        Assert.Equal($"Evidence document 'invoice 2' already has its own entry on loan {Loan.Value.ToShortString()}; a document is recorded once — correct that entry, or reverse the entry of 'invoice 1'.", error.Message);
        Assert.Equal(2, store.Records.Count);
        Assert.Equal(2, chain.Sent.Count);
    }

    [Fact]
    public async Task Correct_ADocumentWithNoEntry_Is1549()
    {
        var (useCase, chain, _) = Create();

        var error = await Assert.ThrowsAsync<LedgerException>(() =>
            useCase.CorrectAsync(Loan, "invoice 9", SpendCategory.RnDLabour, 600, Supplier, null, CancellationToken.None));

        Assert.Equal(BankErrors.UnknownEntryCode, error.Code);
        Assert.Equal(0, chain.Preflights);
    }

    [Fact]
    public async Task Correct_TheChainWouldRefuse_TheRefusalUnchanged_AndNoReplacementRecordIsAccepted()
    {
        var (useCase, chain, store) = Create();
        await Record(useCase, "invoice 1");
        var refusal = new LedgerException("LEDGER-1295", ErrorCategory.FailedPrecondition, "The fund-flow ledger is closed.");
        chain.Refusal = refusal;

        Assert.Same(refusal, await Assert.ThrowsAsync<LedgerException>(() =>
            useCase.CorrectAsync(Loan, "invoice 1", SpendCategory.RnDLabour, 500, Supplier, null, CancellationToken.None)));
        Assert.Single(store.Records);
        Assert.Single(chain.Sent);
    }

    [Fact]
    public async Task Correct_TheSendFailsAfterTheReplacementWasAccepted_TheSameRequestAgainSendsThatReplacement()
    {
        var (useCase, chain, store) = Create();
        await Record(useCase, "invoice 1");
        chain.LoseNextSend = new LedgerException("LEDGER-1600", ErrorCategory.Unavailable, "The chain cannot be reached.");

        await Assert.ThrowsAsync<LedgerException>(() => useCase.CorrectAsync(Loan, "invoice 1", SpendCategory.RnDLabour, 500, Supplier, null, CancellationToken.None));
        Assert.Equal(2, store.Records.Count); // left: the replacement's record, and the entry as it was
        Assert.False(chain.Entries[0].Reversed);
        var completed = await useCase.CorrectAsync(Loan, "invoice 1", SpendCategory.RnDLabour, 500, Supplier, null, CancellationToken.None);

        Assert.Equal(2, store.Records.Count);
        Assert.Equal(store.Records[1].Hash, completed.EvidenceRecord);
        Assert.Equal((1u, true), (completed.EntryIndex, chain.Entries[0].Reversed));
        Assert.Equal(2, chain.Preflights);
    }
}
