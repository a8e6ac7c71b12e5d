using System.Globalization;
using System.Numerics;
using Ledger.Audit.Bundle;
using Ledger.Audit.History;
using Ledger.Chain.Abi;
using Ledger.Core.Consent;
using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;

namespace Ledger.Audit.Tests.Support;

/// <summary>
/// A ledger built in memory the way the chain and the nodes would build it: chain events in the indexer's format
/// (bytes32 as 0x-hex, addresses checksummed, integers in decimal, consent terms flattened as <c>terms.*</c>),
/// consent ids computed with the real EIP-712 domain, records hashed for real and anchored in real
/// OpenZeppelin-standard Merkle batches. Block b has time <see cref="T0"/> + 12·b seconds.
/// </summary>
public sealed class SyntheticLedger
{
    public const ulong ChainId = 31337;
    public const ulong T0 = 1_760_000_000;

    public static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    public static readonly OrgId Bank = OrgId.FromCode("bank.ccb.liuzhou");
    public static readonly OrgId OtherBank = OrgId.FromCode("bank.icbc.liuzhou");
    public static readonly OrgId Guarantor = OrgId.FromCode("guarantor.gx");
    public static readonly OrgId Regulator = OrgId.FromCode("regulator.liuzhou");
    public static readonly ProductCode Shuiyidai = ProductCode.FromCode("SHUIYIDAI");
    public static readonly ProductCode Yinshuidai = ProductCode.FromCode("YINSHUIDAI");

    private readonly List<ChainEvent> _events = [];
    private readonly List<BundleRecord> _records = [];
    private readonly Dictionary<ulong, ulong> _blockTimes = [];
    private readonly Dictionary<OrgId, ulong> _batchSequence = [];
    private readonly Dictionary<OrgId, ulong> _recordSequence = [];
    private readonly Dictionary<(OrgId, ConsentId), ulong> _consentSequence = [];
    private int _logIndex;
    private long _nonce = 1;
    private long _tx = 1;

    public SyntheticLedger(bool admitStandardMembers = true)
    {
        Chain = new ChainReference(ChainId, 1, LedgerContracts.Names.ToDictionary(
            n => n,
            n => EthAddress.FromBytes(Keccak.Hash("contract/" + n).ToArray().AsSpan(0, 20)),
            StringComparer.Ordinal));
        Block = 1;
        if (admitStandardMembers)
        {
            Admit(Tax, Role.TaxBureau);
            Admit(Bank, Role.Bank);
            Admit(OtherBank, Role.Bank);
            Admit(Guarantor, Role.Guarantor);
            Admit(Regulator, Role.Regulator);
            NextBlock();
        }
    }

    public ChainReference Chain { get; }

    /// <summary>The current block (events go into it until <see cref="NextBlock"/>).</summary>
    public ulong Block { get; private set; }

    public IReadOnlyList<ChainEvent> Events => _events;

    public List<BundleRecord> Records => _records;

    public Dictionary<ulong, ulong> BlockTimes => _blockTimes;

    public Eip712Domain ConsentDomain => Eip712Domain.ForConsentRegistry(ChainId, Chain.Contracts[LedgerContracts.ConsentRegistry]);

    public static ulong TimeOf(ulong block) => T0 + 12 * block;

    public static EnterpriseHash EnterpriseHashOf(int n) => new(Keccak.Hash("salt/enterprise/" + n.ToString(CultureInfo.InvariantCulture)));

    public static EthAddress EnterpriseAccountOf(int n) =>
        EthAddress.FromBytes(Keccak.Hash("account/enterprise/" + n.ToString(CultureInfo.InvariantCulture)).ToArray().AsSpan(0, 20));

    public ulong NextBlock(ulong blocks = 1)
    {
        Block += blocks;
        _logIndex = 0;
        return Block;
    }

    public ChainEvent Emit(string contract, string name, params (string Name, string Value)[] args)
    {
        _blockTimes[Block] = TimeOf(Block);
        var e = new ChainEvent(contract, name, Block, TimeOf(Block), Keccak.Hash("tx/" + _tx++.ToString(CultureInfo.InvariantCulture)), _logIndex++,
            args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal));
        _events.Add(e);
        return e;
    }

    public static string H(Hash32 value) => value.ToString();

    public static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    public static string N(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    // ------------------------------------------------------------------ membership

    public ChainEvent Admit(OrgId org, Role role) =>
        Emit(LedgerEvents.Consortium, LedgerEvents.MemberAdmitted, ("orgId", H(org.Value)), ("role", N((ulong)role)), ("name", org.Code), ("endpoint", ""), ("enode", ""), ("encryptionKey", "0x"));

    public ChainEvent Suspend(OrgId org) => Emit(LedgerEvents.Consortium, LedgerEvents.MemberSuspended, ("orgId", H(org.Value)));

    public ChainEvent Reinstate(OrgId org) => Emit(LedgerEvents.Consortium, LedgerEvents.MemberReinstated, ("orgId", H(org.Value)));

    public ChainEvent Remove(OrgId org) => Emit(LedgerEvents.Consortium, LedgerEvents.MemberRemoved, ("orgId", H(org.Value)));

    public ChainEvent ChangeRole(OrgId org, Role from, Role to) =>
        Emit(LedgerEvents.Consortium, LedgerEvents.MemberRoleChanged, ("orgId", H(org.Value)), ("previousRole", N((ulong)from)), ("newRole", N((ulong)to)));

    // ------------------------------------------------------------------ consents

    public ConsentTerms Terms(int enterprise, OrgId? consumer = null, Scopes scopes = Scopes.TaxCreditRating | Scopes.TaxPayments, uint fetchCap = 10, uint fetchPeriod = 0, ulong? validFrom = null, ulong validity = 30 * 86_400)
    {
        var from = validFrom ?? TimeOf(Block) - 60;
        return new ConsentTerms(
            EnterpriseAccountOf(enterprise), EnterpriseHashOf(enterprise), consumer ?? Bank, Tax, scopes, PurposeCodes.CreditAssessment,
            from, from + validity, from - 3 * 365 * 86_400, from, fetchCap, fetchPeriod, 30 * 86_400,
            new BigInteger(_nonce++), new BigInteger(TimeOf(Block) + 3_600));
    }

    public ConsentId Grant(ConsentTerms terms)
    {
        var id = terms.IdIn(ConsentDomain);
        Emit(LedgerEvents.ConsentRegistry, LedgerEvents.ConsentGranted, [.. GrantedArgs(id, terms)]);
        return id;
    }

    public static IEnumerable<(string, string)> GrantedArgs(ConsentId id, ConsentTerms t)
    {
        yield return ("consentId", H(id.Value));
        yield return ("enterprise", t.Enterprise.ToString());
        yield return ("consumer", H(t.Consumer.Value));
        yield return ("provider", H(t.Provider.Value));
        yield return ("creditCodeHash", H(t.CreditCodeHash.Value));
        yield return ("terms.enterprise", t.Enterprise.ToString());
        yield return ("terms.creditCodeHash", H(t.CreditCodeHash.Value));
        yield return ("terms.consumer", H(t.Consumer.Value));
        yield return ("terms.provider", H(t.Provider.Value));
        yield return ("terms.scopes", N((ulong)t.Scopes));
        yield return ("terms.purpose", N(t.Purpose));
        yield return ("terms.validFrom", N(t.ValidFrom));
        yield return ("terms.validUntil", N(t.ValidUntil));
        yield return ("terms.dataFrom", N(t.DataFrom));
        yield return ("terms.dataUntil", N(t.DataUntil));
        yield return ("terms.fetchCap", N(t.FetchCap));
        yield return ("terms.fetchPeriod", N(t.FetchPeriod));
        yield return ("terms.dataLife", N(t.DataLife));
        yield return ("terms.nonce", t.Nonce.ToString(CultureInfo.InvariantCulture));
        yield return ("terms.deadline", t.Deadline.ToString(CultureInfo.InvariantCulture));
        yield return ("relayer", EnterpriseAccountOf(0).ToString());
    }

    public ChainEvent Revoke(ConsentId id, ConsentTerms terms) =>
        Emit(LedgerEvents.ConsentRegistry, LedgerEvents.ConsentRevoked, ("consentId", H(id.Value)), ("enterprise", terms.Enterprise.ToString()), ("consumer", H(terms.Consumer.Value)));

    public ChainEvent Narrow(ConsentId id, Scopes scopes, ulong validUntil)
    {
        var terms = GrantOf(id).Terms;
        return Emit(new Core.Events.ConsentNarrowed(id, terms.Enterprise, terms.Consumer, scopes, validUntil));
    }

    private Core.Events.ConsentGranted GrantOf(ConsentId id) =>
        _events.Select(e => e.TryAs<Core.Events.ConsentGranted>()).First(g => g?.ConsentId == id)!;

    private EnterpriseHash EnterpriseOf(LoanId loan) =>
        _events.Select(e => e.TryAs<Core.Events.LoanDisbursed>()).First(d => d?.LoanId == loan)!.EnterpriseHash;

    /// <summary>Emits a typed event (its stored form is what the indexer would write).</summary>
    public ChainEvent Emit<T>(T args)
        where T : class, Core.Events.ITypedChainEvent<T> =>
        Emit(T.Contract, T.EventName, [.. args.ToArgs().Select(a => (a.Key, a.Value))]);

    public ChainEvent Unbind(ConsentTerms terms) =>
        Emit(LedgerEvents.ConsentRegistry, LedgerEvents.EnterpriseUnbound, ("enterprise", terms.Enterprise.ToString()), ("creditCodeHash", H(terms.CreditCodeHash.Value)), ("taxOrg", H(Tax.Value)));

    public ChainEvent StrongAccess(ConsentId id, ConsentTerms terms, Hash32? requestHash = null, Hash32? responseHash = null) =>
        Emit(LedgerEvents.AccessLog, LedgerEvents.AccessRecorded, ("consentId", H(id.Value)), ("provider", H(terms.Provider.Value)), ("consumer", H(terms.Consumer.Value)),
            ("scopes", N((ulong)terms.Scopes)), ("requestHash", H(requestHash ?? Keccak.Hash("req"))), ("responseHash", H(responseHash ?? Keccak.Hash("resp"))));

    /// <summary>
    /// A strong-mode fetch as the tax node makes it: the AccessRecorded event in the current block, then the access
    /// record (same request and response hashes) checked against the block before, served in the current one.
    /// </summary>
    public int StrongFetch(ConsentId consent, ConsentTerms terms, ulong? servedAtMs = null)
    {
        var index = Access(consent, terms, checkedAt: Block - 1, servedAtMs: servedAtMs ?? TimeOf(Block) * 1000 + 800);
        var r = (AccessRecord)_records[index].Record;
        StrongAccess(consent, terms, r.RequestHash, r.ResponseHash);
        return index;
    }

    // ------------------------------------------------------------------ records

    private ulong NextSequence(OrgId org)
    {
        _recordSequence.TryGetValue(org, out var s);
        _recordSequence[org] = ++s;
        return s;
    }

    /// <summary>The provider's next number for an access or refusal under the consent, as its store hands it out.</summary>
    private ulong NextConsentSequence(OrgId provider, ConsentId consent)
    {
        _consentSequence.TryGetValue((provider, consent), out var s);
        _consentSequence[(provider, consent)] = ++s;
        return s;
    }

    /// <summary>When false, accesses and refusals are made as before consent sequences (number 0, the legacy hash).</summary>
    public bool NumberPerConsent { get; set; } = true;

    public int Add(ILedgerRecord record, string? reasonsJson = null, string? rating = null)
    {
        _records.Add(BundleRecord.Of(record) with { ReasonsJson = reasonsJson, Rating = rating });
        return _records.Count - 1;
    }

    /// <summary>
    /// An access served under <paramref name="consent"/>, checked against <paramref name="checkedAt"/> (default: the
    /// current block), served at <paramref name="servedAtMs"/> (default: half a second into the checked block).
    /// </summary>
    public int Access(ConsentId consent, ConsentTerms terms, Scopes? scopes = null, ulong? checkedAt = null, OrgId? provider = null, OrgId? consumer = null, ulong? servedAtMs = null)
    {
        var block = checkedAt ?? Block;
        _blockTimes[block] = TimeOf(block); // what a bundle builder reads from the chain for every checked block
        var p = provider ?? terms.Provider;
        var sequence = NextSequence(p);
        return Add(new AccessRecord(consent, p, consumer ?? terms.Consumer, scopes ?? terms.Scopes,
            Keccak.Hash("request/" + N(sequence) + "/" + p.Code), Keccak.Hash("response/" + N(sequence) + "/" + p.Code),
            block, servedAtMs ?? TimeOf(block) * 1000 + 500, sequence, NumberPerConsent ? NextConsentSequence(p, consent) : 0));
    }

    public int Refusal(ConsentId consent, ConsentTerms terms, byte reason, ulong? checkedAt = null)
    {
        var block = checkedAt ?? Block;
        _blockTimes[block] = TimeOf(block);
        var sequence = NextSequence(terms.Provider);
        return Add(new RefusalRecord(consent, terms.Provider, terms.Consumer, terms.Scopes, Keccak.Hash("refused/" + N(sequence)), reason, block, TimeOf(block) * 1000 + 700, sequence,
            NumberPerConsent ? NextConsentSequence(terms.Provider, consent) : 0));
    }

    public int Deletion(ConsentId consent, ConsentTerms terms, DeletionCause cause, OrgId? consumer = null)
    {
        var c = consumer ?? terms.Consumer;
        var sequence = NextSequence(c);
        return Add(new DeletionReceipt(consent, c, Keccak.Hash("data/" + N(sequence)), cause, TimeOf(Block) * 1000 + 900, sequence));
    }

    /// <summary>A credit decision record (with its canonical reasons document for <paramref name="rating"/>) and its CreditDecisionRecorded event.</summary>
    public (int Index, DecisionHash Hash) Decision(ConsentId consent, ConsentTerms terms, bool approved, ProductCode product, UInt128 limitFen, char? rating, bool withReasons = true, string? reportedRating = null, bool recordOnChain = true)
    {
        var factors = new List<FactorContribution>
        {
            rating is { } r
                ? new FactorContribution("taxCreditRating.latest", r == 'A' ? 220 : r == 'B' ? 160 : r == 'M' ? 110 : r == 'C' ? 40 : 0, 220, $"Tax-credit rating {r} in 2025 ({(r == 'A' ? "+220" : r == 'B' ? "+160" : r == 'M' ? "+110" : r == 'C' ? "+40" : "+0")})")
                : new FactorContribution("taxCreditRating.latest", 0, 220, "No current tax-credit rating"),
            new FactorContribution("taxPayments.monthsPaid", 150, 150, "Tax paid in 24 of the last 24 months (+150)"),
        };
        var decision = new CreditDecision(approved, product, (long)limitFen, approved ? 365u : 0, (ushort)(approved ? 12 : 0), 800, factors,
            [approved ? $"Approved {product}" : "Declined"], null, "test", DateTimeOffset.FromUnixTimeSeconds((long)TimeOf(Block) - 1)); // decided, then recorded on chain
        var sequence = NextSequence(terms.Consumer);
        var record = decision.ToRecord(consent, terms.Consumer, terms.CreditCodeHash, sequence);
        var index = Add(record, withReasons ? decision.CanonicalReasonsJson() : null, reportedRating);
        var hash = new DecisionHash(record.Hash().Value);
        if (recordOnChain)
        {
            Emit(LedgerEvents.LoanBook, LedgerEvents.CreditDecisionRecorded, ("decisionHash", H(hash.Value)), ("bankOrg", H(terms.Consumer.Value)),
                ("enterpriseHash", H(terms.CreditCodeHash.Value)), ("consentId", H(consent.Value)), ("approved", approved ? "true" : "false"));
        }
        return (index, hash);
    }

    public int Spending(LoanId loan, OrgId recorder, SpendCategory category, UInt128 amount)
    {
        var sequence = NextSequence(recorder);
        return Add(new FundFlowEvidence(loan, category, amount, Keccak.Hash("counterparty/" + N(sequence)), Keccak.Hash("document/" + N(sequence)), recorder, TimeOf(Block) * 1000 + 100, sequence));
    }

    // ------------------------------------------------------------------ lending events

    public LoanId Disburse(string reference, OrgId bank, EnterpriseHash enterprise, ProductCode product, UInt128 amountFen, DecisionHash decision, ConsentId consent, LoanPurpose purpose = LoanPurpose.WorkingCapital)
    {
        var loan = LoanId.FromReference(bank, reference);
        Emit(LedgerEvents.LoanBook, LedgerEvents.LoanDisbursed, ("loanId", H(loan.Value)), ("bankOrg", H(bank.Value)), ("enterpriseHash", H(enterprise.Value)),
            ("productCode", H(product.Value)), ("amountFen", N(amountFen)), ("rateBps", "365"), ("termMonths", "12"), ("purpose", N((ulong)purpose)),
            ("consentId", H(consent.Value)), ("decisionHash", H(decision.Value)));
        return loan;
    }

    public ChainEvent Repay(LoanId loan, OrgId bank, EnterpriseHash enterprise, UInt128 principal, UInt128 interest, UInt128 outstanding) =>
        Emit(LedgerEvents.LoanBook, LedgerEvents.LoanRepaid, ("loanId", H(loan.Value)), ("bankOrg", H(bank.Value)), ("enterpriseHash", H(enterprise.Value)),
            ("principalFen", N(principal)), ("interestFen", N(interest)), ("outstandingFen", N(outstanding)));

    public ChainEvent Overdue(LoanId loan, OrgId bank, EnterpriseHash enterprise, ulong days, UInt128 overdue) =>
        Emit(LedgerEvents.LoanBook, LedgerEvents.LoanOverdue, ("loanId", H(loan.Value)), ("bankOrg", H(bank.Value)), ("enterpriseHash", H(enterprise.Value)),
            ("daysOverdue", N(days)), ("overdueFen", N(overdue)));

    public ChainEvent Default(LoanId loan, OrgId bank, EnterpriseHash enterprise, UInt128 loss) =>
        Emit(LedgerEvents.LoanBook, LedgerEvents.LoanDefaulted, ("loanId", H(loan.Value)), ("bankOrg", H(bank.Value)), ("enterpriseHash", H(enterprise.Value)), ("lossFen", N(loss)));

    public ChainEvent Guarantee(LoanId loan, OrgId bank, EnterpriseHash enterprise, ulong coverageBps, UInt128 fee) =>
        Emit(LedgerEvents.GuaranteeBook, LedgerEvents.LoanGuaranteed, ("loanId", H(loan.Value)), ("guarantorOrg", H(Guarantor.Value)), ("enterpriseHash", H(enterprise.Value)),
            ("bankOrg", H(bank.Value)), ("agreementId", H(Hash32.Zero)), ("coverageBps", N(coverageBps)), ("feeFen", N(fee)));

    public ChainEvent PayOut(LoanId loan, OrgId bank, UInt128 payout, UInt128 loss) =>
        Emit(new Core.Events.GuaranteePaidOut(loan, Guarantor, bank, EnterpriseOf(loan), payout, payout, payout, loss));

    public ChainEvent ClaimPaid(LoanId loan, OrgId bank, UInt128 netLoss, UInt128 payout) =>
        Emit(new Core.Events.ClaimPaid(loan, new FundId(Keccak.Hash("fund")), bank, EnterpriseOf(loan), netLoss, payout, payout, payout, 0, true));

    public ChainEvent FundFlowDeviated(LoanId loan, OrgId bank, EnterpriseHash enterprise) =>
        Emit(LedgerEvents.FundFlowTracker, LedgerEvents.FundFlowDeviated, ("loanId", H(loan.Value)), ("bankOrg", H(bank.Value)), ("enterpriseHash", H(enterprise.Value)),
            ("nonRdShareBps", "4000"), ("maxNonRdBps", "3000"));

    // ------------------------------------------------------------------ anchoring

    /// <summary>
    /// Anchors every not-yet-anchored record of <paramref name="org"/> (optionally only the given ones) as the
    /// org's next batch in the current block: a real standard tree, a BatchAnchored event, proofs on the records.
    /// </summary>
    public BatchKey AnchorPending(OrgId org, IReadOnlyCollection<int>? only = null)
    {
        var members = Enumerable.Range(0, _records.Count)
            .Where(i => _records[i].Anchor is null && Audit.Bundle.AuditRecordJson.AuthorOf(_records[i].Record) == org && (only is null || only.Contains(i)))
            .ToList();
        if (members.Count == 0)
        {
            throw new InvalidOperationException($"{org} has nothing to anchor.");
        }
        _batchSequence.TryGetValue(org, out var sequence);
        _batchSequence[org] = ++sequence;
        var batch = BatchId.For(org, sequence);
        var tree = StandardMerkleTree.Of(members.Select(i => _records[i].DeclaredHash.Value).ToArray());
        var kinds = members.Select(i => _records[i].Record.Kind).Distinct().ToList();
        var kind = kinds.Count == 1 ? kinds[0] : BatchKind.Mixed;
        var e = Emit(LedgerEvents.AccessLog, LedgerEvents.BatchAnchored, ("orgId", H(org.Value)), ("batchId", H(batch.Value)), ("root", H(tree.Root)),
            ("count", N((ulong)members.Count)), ("kind", N((ulong)kind)), ("uri", $"ledger://{org.Code}/batches/{sequence}"));
        for (var k = 0; k < members.Count; k++)
        {
            var i = members[k];
            _records[i] = _records[i] with { Anchor = new RecordAnchorRef(org, batch, tree.Root, tree.GetProof(k), e.BlockNumber, e.TxHash) };
        }
        return new BatchKey(org, batch);
    }

    /// <summary>Anchors every pending record, one batch per author.</summary>
    public void AnchorAll()
    {
        foreach (var org in _records.Where(r => r.Anchor is null).Select(r => Audit.Bundle.AuditRecordJson.AuthorOf(r.Record)).Distinct().ToList())
        {
            AnchorPending(org);
        }
    }

    // ------------------------------------------------------------------ bundles

    /// <summary>The whole ledger as evidence (anchors from the BatchAnchored events).</summary>
    public AuditBundle ToBundle() =>
        AuditBundleBuilder.FromLedger(Chain, _records.ToList(), _events, new Dictionary<ulong, ulong>(_blockTimes), "test", 1_000);
}
