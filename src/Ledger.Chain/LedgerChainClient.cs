using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.AccessLog;
using Ledger.Chain.Contracts.AccessLog.ContractDefinition;
using Ledger.Chain.Contracts.ConsentRegistry;
using Ledger.Chain.Contracts.ConsentRegistry.ContractDefinition;
using Ledger.Chain.Contracts.Consortium;
using Ledger.Chain.Contracts.Consortium.ContractDefinition;
using Ledger.Chain.Contracts.FundFlowTracker;
using Ledger.Chain.Contracts.FundFlowTracker.ContractDefinition;
using Ledger.Chain.Contracts.GuaranteeBook;
using Ledger.Chain.Contracts.GuaranteeBook.ContractDefinition;
using Ledger.Chain.Contracts.LoanBook;
using Ledger.Chain.Contracts.LoanBook.ContractDefinition;
using Ledger.Chain.Contracts.RiskCompensationFund;
using Ledger.Chain.Contracts.RiskCompensationFund.ContractDefinition;
using Ledger.Chain.Deployment;
using Ledger.Chain.Indexing;
using Ledger.Chain.Rpc;
using Ledger.Chain.Transactions;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Nethereum.Contracts;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using ConsentTermsDto = Ledger.Chain.Contracts.ConsentRegistry.ContractDefinition.ConsentTerms;

namespace Ledger.Chain;

/// <summary>
/// Typed calls on the Ledger contracts for one account: writes go through that account's
/// <see cref="TransactionSender"/> (journaled, retried, awaited to finality) and take an optional idempotency key;
/// reads go through the generated services with retries. Failures are Ledger errors: a contract's refusal is its
/// typed <see cref="Errors.ContractRevertException"/>. Thin on purpose — anything not wrapped here is reachable
/// through the generated services (<see cref="Consortium"/>, <see cref="Consents"/>, …).
/// </summary>
public sealed class LedgerChainClient
{
    /// <summary>Creates the client of <paramref name="sender"/>'s account on <paramref name="deployment"/>.</summary>
    public LedgerChainClient(TransactionSender sender, LedgerDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(deployment);
        Sender = sender;
        Deployment = deployment;
        var web3 = sender.Rpc.Web3;
        Consortium = new ConsortiumService(web3, deployment[LedgerContracts.Consortium].ToString());
        Consents = new ConsentRegistryService(web3, deployment[LedgerContracts.ConsentRegistry].ToString());
        AccessLog = new AccessLogService(web3, deployment[LedgerContracts.AccessLog].ToString());
        Loans = new LoanBookService(web3, deployment[LedgerContracts.LoanBook].ToString());
        Guarantees = new GuaranteeBookService(web3, deployment[LedgerContracts.GuaranteeBook].ToString());
        Fund = new RiskCompensationFundService(web3, deployment[LedgerContracts.RiskCompensationFund].ToString());
        FundFlows = new FundFlowTrackerService(web3, deployment[LedgerContracts.FundFlowTracker].ToString());
    }

    /// <summary>The sending account's sender.</summary>
    public TransactionSender Sender { get; }

    /// <summary>The sending account.</summary>
    public EthAddress Account => Sender.Account;

    /// <summary>Where the contracts are.</summary>
    public LedgerDeployment Deployment { get; }

    /// <summary>Generated service: membership and governance (reads).</summary>
    public ConsortiumService Consortium { get; }

    /// <summary>Generated service: consents (reads).</summary>
    public ConsentRegistryService Consents { get; }

    /// <summary>Generated service: access log and anchors (reads).</summary>
    public AccessLogService AccessLog { get; }

    /// <summary>Generated service: loans (reads).</summary>
    public LoanBookService Loans { get; }

    /// <summary>Generated service: guarantees (reads).</summary>
    public GuaranteeBookService Guarantees { get; }

    /// <summary>Generated service: risk-compensation fund (reads).</summary>
    public RiskCompensationFundService Fund { get; }

    /// <summary>Generated service: R&amp;D fund flows (reads).</summary>
    public FundFlowTrackerService FundFlows { get; }

    private ChainRpc Rpc => Sender.Rpc;

    private Task<TransactionOutcome> Send<TFunction>(string contract, TFunction function, string? key, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new() =>
        Sender.SendAsync(Deployment[contract], function, key, cancellationToken);

    private Task<T> Read<T>(Func<Task<T>> read, CancellationToken cancellationToken) => Rpc.CallAsync(_ => read(), cancellationToken);

    private static byte[] B(Hash32 value) => value.ToArray();

    // ------------------------------------------------------------------ governance

    /// <summary>Proposes a governance action (any Consortium governance function message); returns the proposal id.</summary>
    /// <remarks>The proposer's approval counts at once; with a threshold of one the action runs in the same transaction.</remarks>
    public async Task<BigInteger> ProposeAsync<TAction>(TAction action, string? key = null, CancellationToken cancellationToken = default)
        where TAction : FunctionMessage, new()
    {
        ArgumentNullException.ThrowIfNull(action);
        var outcome = await Send(LedgerContracts.Consortium, new ProposeFunction { Action = action.GetCallData() }, key, cancellationToken).ConfigureAwait(false);
        var created = outcome.Receipt.DecodeAllEvents<ProposalCreatedEventDTO>();
        return created.Count > 0
            ? created[0].Event.ProposalId
            : throw new InvalidOperationException($"Transaction {outcome.TxHash} proposed nothing (no ProposalCreated event).");
    }

    /// <summary>Proposes admitting a member; returns the proposal id.</summary>
    public Task<BigInteger> ProposeAdmitMemberAsync(
        OrgId org, Role role, string name, string endpoint, string enode, byte[] encryptionKey, IReadOnlyList<EthAddress> operators,
        string? key = null, CancellationToken cancellationToken = default) =>
        ProposeAsync(
            new AdmitMemberFunction
            {
                OrgId = B(org.Value),
                Role = (byte)role,
                Name = name,
                Endpoint = endpoint,
                Enode = enode,
                EncryptionKey = encryptionKey,
                Operators = operators.Select(o => o.ToString()).ToList(),
            },
            key, cancellationToken);

    /// <summary>Approves a proposal; the approval that reaches the threshold runs it.</summary>
    public Task<TransactionOutcome> ApproveAsync(BigInteger proposalId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.Consortium, new ApproveFunction { ProposalId = proposalId }, key, cancellationToken);

    /// <summary>Withdraws an approval.</summary>
    public Task<TransactionOutcome> RevokeApprovalAsync(BigInteger proposalId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.Consortium, new RevokeApprovalFunction { ProposalId = proposalId }, key, cancellationToken);

    /// <summary>The proposer cancels a proposal.</summary>
    public Task<TransactionOutcome> CancelProposalAsync(BigInteger proposalId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.Consortium, new CancelFunction { ProposalId = proposalId }, key, cancellationToken);

    /// <summary>The organization an account operates, its role and status.</summary>
    public async Task<(OrgId Org, Role Role, MemberStatus Status)> OperatorOrgAsync(EthAddress account, CancellationToken cancellationToken = default)
    {
        var result = await Read(() => Consortium.OperatorOrgQueryAsync(account.ToString()), cancellationToken).ConfigureAwait(false);
        return (new OrgId(new Hash32(result.OrgId)), (Role)result.Role, (MemberStatus)result.Status);
    }

    /// <summary>A member's record.</summary>
    public async Task<Member> MemberAsync(OrgId org, CancellationToken cancellationToken = default) =>
        (await Read(() => Consortium.MemberQueryAsync(B(org.Value)), cancellationToken).ConfigureAwait(false)).ReturnValue1;

    /// <summary>The organization an account operates, its role and status, as of block <paramref name="atBlock"/>.</summary>
    public async Task<(OrgId Org, Role Role, MemberStatus Status)> OperatorOrgAsync(EthAddress account, ulong atBlock, CancellationToken cancellationToken = default)
    {
        var result = await Read(() => Consortium.OperatorOrgQueryAsync(account.ToString(), At(atBlock)), cancellationToken).ConfigureAwait(false);
        return (new OrgId(new Hash32(result.OrgId)), (Role)result.Role, (MemberStatus)result.Status);
    }

    /// <summary>A member's record as of block <paramref name="atBlock"/>.</summary>
    public async Task<Member> MemberAsync(OrgId org, ulong atBlock, CancellationToken cancellationToken = default) =>
        (await Read(() => Consortium.MemberQueryAsync(B(org.Value), At(atBlock)), cancellationToken).ConfigureAwait(false)).ReturnValue1;

    /// <summary>The latest block's number and time (unix seconds).</summary>
    public async Task<(ulong Number, ulong Timestamp)> LatestBlockAsync(CancellationToken cancellationToken = default)
    {
        var block = await Read(() => Rpc.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()), cancellationToken).ConfigureAwait(false);
        return ((ulong)block.Number.Value, (ulong)block.Timestamp.Value);
    }

    private static BlockParameter At(ulong block) => new(new HexBigInteger(block));

    private string? _batchAnchoredTopic;

    /// <summary>
    /// True when a block from <paramref name="fromBlock"/> to <paramref name="toBlock"/> holds an event of the
    /// consortium, the consent registry or the access log other than <c>BatchAnchored</c>: the contracts whose state
    /// membership and consent checks (<c>operatorOrg</c>, <c>member</c>, <c>checkAccess</c>) read. Every change of that
    /// state emits one of those events (a strong-mode fetch's count through the access log's <c>AccessRecorded</c>),
    /// so when this is false a check's answer at <paramref name="fromBlock"/> − 1 is its answer at
    /// <paramref name="toBlock"/>, apart from what depends on the block's time. One eth_getLogs.
    /// </summary>
    public async Task<bool> AccessStateChangedAsync(ulong fromBlock, ulong toBlock, CancellationToken cancellationToken = default)
    {
        if (toBlock < fromBlock)
        {
            return false;
        }
        if (_batchAnchoredTopic is null)
        {
            var signature = ABITypedRegistry.GetEvent<BatchAnchoredEventDTO>().Sha3Signature;
            _batchAnchoredTopic = signature.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? signature : "0x" + signature;
        }
        var filter = new NewFilterInput
        {
            Address =
            [
                Deployment[LedgerContracts.Consortium].ToString(),
                Deployment[LedgerContracts.ConsentRegistry].ToString(),
                Deployment[LedgerContracts.AccessLog].ToString(),
            ],
            FromBlock = new BlockParameter(new HexBigInteger(fromBlock)),
            ToBlock = new BlockParameter(new HexBigInteger(toBlock)),
        };
        var logs = await Read(() => Rpc.Web3.Eth.Filters.GetLogs.SendRequestAsync(filter), cancellationToken).ConfigureAwait(false);
        return (logs ?? []).Any(l => l.Topics is not { Length: > 0 } topics
            || !string.Equals(topics[0]?.ToString(), _batchAnchoredTopic, StringComparison.OrdinalIgnoreCase));
    }

    private EventDecoder? _decoder;

    // ------------------------------------------------------------------ consent

    /// <summary>
    /// The tax bureau relays an enterprise account's signed binding (EIP-712 <c>Binding</c>, which names this client's
    /// bureau): the account is bound to its credit-code hash. The credit code must have no active account.
    /// </summary>
    public Task<TransactionOutcome> BindEnterpriseAsync(EnterpriseBinding binding, byte[] signature, string? key = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return Send(
            LedgerContracts.ConsentRegistry,
            new BindEnterpriseFunction
            {
                Enterprise = binding.Enterprise.ToString(),
                CreditCodeHash = B(binding.CreditCodeHash.Value),
                Nonce = binding.Nonce,
                Deadline = binding.Deadline,
                Signature = signature,
            },
            key, cancellationToken);
    }

    /// <summary>
    /// Key recovery: the bureau that made the credit code's binding relays the new account's signed binding; the old
    /// account is retired (its consents stop working) and the new one bound in one transaction.
    /// </summary>
    public Task<TransactionOutcome> RotateEnterpriseAsync(EnterpriseBinding binding, byte[] signature, string? key = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return Send(
            LedgerContracts.ConsentRegistry,
            new RotateEnterpriseFunction
            {
                NewEnterprise = binding.Enterprise.ToString(),
                CreditCodeHash = B(binding.CreditCodeHash.Value),
                Nonce = binding.Nonce,
                Deadline = binding.Deadline,
                Signature = signature,
            },
            key, cancellationToken);
    }

    /// <summary>
    /// The binding of <paramref name="enterprise"/> to <paramref name="creditCodeHash"/> by this client's organization,
    /// for the enterprise account to sign: nonce <paramref name="nonce"/> (random when null), deadline an hour after the
    /// chain's latest block.
    /// </summary>
    public async Task<EnterpriseBinding> PrepareBindingAsync(
        EthAddress enterprise, EnterpriseHash creditCodeHash, BigInteger? nonce = null, CancellationToken cancellationToken = default)
    {
        var (org, _, _) = await OperatorOrgAsync(Account, cancellationToken).ConfigureAwait(false);
        var (_, timestamp) = await LatestBlockAsync(cancellationToken).ConfigureAwait(false);
        var random = new BigInteger(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16), isUnsigned: true);
        return new EnterpriseBinding(enterprise, creditCodeHash, org, nonce ?? random, timestamp + 3600);
    }

    /// <summary>
    /// Binds an account whose key is at hand (development, tests, benchmarks): prepares the binding, signs it with
    /// <paramref name="enterpriseKey"/> and relays it. A real enterprise signs on its own side (<c>ledger tax bind</c>).
    /// </summary>
    public async Task<TransactionOutcome> BindEnterpriseWithKeyAsync(
        byte[] enterpriseKey, EnterpriseHash creditCodeHash, string? key = null, CancellationToken cancellationToken = default)
    {
        var account = Core.Crypto.Secp256k1Signer.AddressOf(enterpriseKey);
        var binding = await PrepareBindingAsync(account, creditCodeHash, cancellationToken: cancellationToken).ConfigureAwait(false);
        var signature = ConsentSignatures.Sign(binding, Deployment.ConsentDomain, enterpriseKey);
        return await BindEnterpriseAsync(binding, signature, key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The bureau that made the binding retires an enterprise account (its consents stop working).</summary>
    public Task<TransactionOutcome> UnbindEnterpriseAsync(EthAddress enterprise, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.ConsentRegistry, new UnbindEnterpriseFunction { Enterprise = enterprise.ToString() }, key, cancellationToken);

    /// <summary>The active account bound to a credit-code hash and the bureau that bound it (null when none).</summary>
    public async Task<(EthAddress Account, OrgId TaxBureau)?> AccountOfAsync(EnterpriseHash creditCodeHash, CancellationToken cancellationToken = default)
    {
        var output = await Read(() => Consents.AccountOfQueryAsync(B(creditCodeHash.Value)), cancellationToken).ConfigureAwait(false);
        var account = EthAddress.Parse(output.Enterprise);
        return account == EthAddress.Zero ? null : (account, new OrgId(new Hash32(output.TaxOrg)));
    }

    /// <summary>Relays a consent the enterprise signed (EIP-712); returns its id.</summary>
    public async Task<ConsentId> GrantConsentBySigAsync(Core.Consent.ConsentTerms terms, byte[] signature, string? key = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(terms);
        await Send(LedgerContracts.ConsentRegistry, new GrantConsentBySigFunction { Terms = ToDto(terms), Signature = signature }, key, cancellationToken).ConfigureAwait(false);
        return terms.IdIn(Deployment.ConsentDomain);
    }

    /// <summary>Relays a revocation the enterprise signed.</summary>
    public Task<TransactionOutcome> RevokeConsentBySigAsync(ConsentRevocation revocation, byte[] signature, string? key = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        return Send(
            LedgerContracts.ConsentRegistry,
            new RevokeConsentBySigFunction { Id = B(revocation.ConsentId.Value), Nonce = revocation.Nonce, Deadline = revocation.Deadline, Signature = signature },
            key, cancellationToken);
    }

    /// <summary>The enterprise revokes from its own account (this client's account must be the enterprise's).</summary>
    public Task<TransactionOutcome> RevokeConsentAsync(ConsentId consentId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.ConsentRegistry, new RevokeConsentFunction { Id = B(consentId.Value) }, key, cancellationToken);

    /// <summary>Relays a narrowing the enterprise signed.</summary>
    public Task<TransactionOutcome> NarrowConsentBySigAsync(ConsentNarrowing narrowing, byte[] signature, string? key = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(narrowing);
        return Send(
            LedgerContracts.ConsentRegistry,
            new NarrowConsentBySigFunction
            {
                Id = B(narrowing.ConsentId.Value),
                Scopes = (ulong)narrowing.Scopes,
                ValidUntil = narrowing.ValidUntil,
                Nonce = narrowing.Nonce,
                Deadline = narrowing.Deadline,
                Signature = signature,
            },
            key, cancellationToken);
    }

    /// <summary>May <paramref name="consumer"/> read <paramref name="scopes"/> from <paramref name="provider"/> under the consent now?</summary>
    public async Task<AccessStatus> CheckAccessAsync(ConsentId consentId, OrgId consumer, OrgId provider, Scopes scopes, CancellationToken cancellationToken = default) =>
        (AccessStatus)await Read(() => Consents.CheckAccessQueryAsync(B(consentId.Value), B(consumer.Value), B(provider.Value), (ulong)scopes), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// May <paramref name="consumer"/> read <paramref name="scopes"/> from <paramref name="provider"/> under the consent,
    /// as of block <paramref name="atBlock"/> (an eth_call on that block's state, so with that block's time)?
    /// </summary>
    public async Task<AccessStatus> CheckAccessAsync(
        ConsentId consentId, OrgId consumer, OrgId provider, Scopes scopes, ulong atBlock, CancellationToken cancellationToken = default) =>
        (AccessStatus)await Read(
            () => Consents.CheckAccessQueryAsync(B(consentId.Value), B(consumer.Value), B(provider.Value), (ulong)scopes, At(atBlock)),
            cancellationToken).ConfigureAwait(false);

    /// <summary>The on-chain state of a consent as of block <paramref name="atBlock"/>.</summary>
    public async Task<ConsentState> ConsentAsync(ConsentId consentId, ulong atBlock, CancellationToken cancellationToken = default) =>
        (await Read(() => Consents.ConsentQueryAsync(B(consentId.Value), At(atBlock)), cancellationToken).ConfigureAwait(false)).S;

    /// <summary>
    /// The <c>ConsentGranted</c> event of a consent (its full terms, as the registry keeps only what every access
    /// check needs), read from the chain's logs by the indexed consent id; null when the consent was never granted.
    /// </summary>
    public async Task<ChainEvent?> FindConsentGrantAsync(ConsentId consentId, CancellationToken cancellationToken = default)
    {
        var logs = await LogsAsync<ConsentGrantedEventDTO>(LedgerContracts.ConsentRegistry, consentId.Value, cancellationToken).ConfigureAwait(false);
        var log = logs.OrderBy(l => l.BlockNumber.Value).FirstOrDefault();
        if (log is null)
        {
            return null;
        }
        var header = await Read(
            () => Rpc.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(log.BlockNumber)),
            cancellationToken).ConfigureAwait(false);
        _decoder ??= new EventDecoder(Deployment);
        return _decoder.Decode(log, (ulong)header.Timestamp.Value);
    }

    /// <summary>The on-chain state of a consent.</summary>
    public async Task<ConsentState> ConsentAsync(ConsentId consentId, CancellationToken cancellationToken = default) =>
        (await Read(() => Consents.ConsentQueryAsync(B(consentId.Value)), cancellationToken).ConfigureAwait(false)).S;

    /// <summary>The consent id the registry computes for <paramref name="terms"/>.</summary>
    public async Task<ConsentId> ConsentIdOnChainAsync(Core.Consent.ConsentTerms terms, CancellationToken cancellationToken = default) =>
        new(new Hash32(await Read(() => Consents.ConsentIdQueryAsync(ToDto(terms)), cancellationToken).ConfigureAwait(false)));

    /// <summary>The credit-code hash an enterprise account is bound to (zero when none).</summary>
    public async Task<EnterpriseHash> CreditCodeOfAsync(EthAddress enterprise, CancellationToken cancellationToken = default) =>
        new(new Hash32(await Read(() => Consents.CreditCodeOfQueryAsync(enterprise.ToString()), cancellationToken).ConfigureAwait(false)));

    /// <summary>The generated DTO of consent terms.</summary>
    public static ConsentTermsDto ToDto(Core.Consent.ConsentTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return new ConsentTermsDto
        {
            Enterprise = terms.Enterprise.ToString(),
            CreditCodeHash = B(terms.CreditCodeHash.Value),
            Consumer = B(terms.Consumer.Value),
            Provider = B(terms.Provider.Value),
            Scopes = (ulong)terms.Scopes,
            Purpose = terms.Purpose,
            ValidFrom = terms.ValidFrom,
            ValidUntil = terms.ValidUntil,
            DataFrom = terms.DataFrom,
            DataUntil = terms.DataUntil,
            FetchCap = terms.FetchCap,
            FetchPeriod = terms.FetchPeriod,
            DataLife = terms.DataLife,
            Nonce = terms.Nonce,
            Deadline = terms.Deadline,
        };
    }

    // ------------------------------------------------------------------ access log and anchors

    /// <summary>Strong mode: the provider records that it served <paramref name="scopes"/> to <paramref name="consumer"/>.</summary>
    public Task<TransactionOutcome> RecordAccessAsync(
        ConsentId consentId, OrgId consumer, Scopes scopes, Hash32 requestHash, Hash32 responseHash, string? key = null, CancellationToken cancellationToken = default) =>
        Send(
            LedgerContracts.AccessLog,
            new RecordAccessFunction { ConsentId = B(consentId.Value), Consumer = B(consumer.Value), Scopes = (ulong)scopes, RequestHash = B(requestHash), ResponseHash = B(responseHash) },
            key, cancellationToken);

    /// <summary>Strong mode: the provider records a refused request.</summary>
    public Task<TransactionOutcome> RecordRefusalAsync(
        ConsentId consentId, OrgId consumer, Scopes scopes, Hash32 requestHash, byte reason, string? key = null, CancellationToken cancellationToken = default) =>
        Send(
            LedgerContracts.AccessLog,
            new RecordRefusalFunction { ConsentId = B(consentId.Value), Consumer = B(consumer.Value), Scopes = (ulong)scopes, RequestHash = B(requestHash), Reason = reason },
            key, cancellationToken);

    /// <summary>Anchors a Merkle root under this account's organization.</summary>
    public Task<TransactionOutcome> AnchorAsync(BatchId batchId, Hash32 root, uint count, BatchKind kind, string uri, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.AccessLog, new AnchorFunction { BatchId = B(batchId.Value), Root = B(root), Count = count, Kind = (byte)kind, Uri = uri }, key, cancellationToken);

    /// <summary>The root <paramref name="org"/> anchored as <paramref name="batchId"/> (zero when none).</summary>
    public async Task<Hash32> AnchoredRootAsync(OrgId org, BatchId batchId, CancellationToken cancellationToken = default) =>
        new(await Read(() => AccessLog.AnchoredRootQueryAsync(B(org.Value), B(batchId.Value)), cancellationToken).ConfigureAwait(false));

    /// <summary>Whether a record is in an anchored batch, checked by the contract (OpenZeppelin MerkleProof).</summary>
    public Task<bool> VerifyRecordAsync(OrgId org, BatchId batchId, RecordHash recordHash, IReadOnlyList<Hash32> proof, CancellationToken cancellationToken = default) =>
        Read(() => AccessLog.VerifyRecordQueryAsync(B(org.Value), B(batchId.Value), B(recordHash.Value), proof.Select(B).ToList()), cancellationToken);

    // ------------------------------------------------------------------ loans

    /// <summary>Records a credit decision made on data fetched under <paramref name="consentId"/>.</summary>
    public Task<TransactionOutcome> RecordDecisionAsync(DecisionHash decision, ConsentId consentId, bool approved, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.LoanBook, new RecordDecisionFunction { DecisionHash = B(decision.Value), ConsentId = B(consentId.Value), Approved = approved }, key, cancellationToken);

    /// <summary>
    /// Disburses a loan on an approved decision, under the bank's own loan reference: the contract derives the loan id
    /// from the sending bank and the reference's hash, as <see cref="LoanId.FromReference"/> does.
    /// </summary>
    public Task<TransactionOutcome> DisburseAsync(
        string loanReference, DecisionHash decision, ProductCode product, UInt128 amountFen, uint rateBps, ushort termMonths, LoanPurpose purpose,
        string? key = null, CancellationToken cancellationToken = default) =>
        Send(
            LedgerContracts.LoanBook,
            new DisburseFunction
            {
                T = new DisbursementTerms
                {
                    LoanRef = B(Keccak.Hash(loanReference)),
                    DecisionHash = B(decision.Value),
                    ProductCode = B(product.Value),
                    AmountFen = (BigInteger)amountFen,
                    RateBps = rateBps,
                    TermMonths = termMonths,
                    Purpose = (byte)purpose,
                },
            },
            key, cancellationToken);

    /// <summary>Records a repayment.</summary>
    public Task<TransactionOutcome> RecordRepaymentAsync(LoanId loanId, UInt128 principalFen, UInt128 interestFen, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.LoanBook, new RecordRepaymentFunction { LoanId = B(loanId.Value), PrincipalFen = (BigInteger)principalFen, InterestFen = (BigInteger)interestFen }, key, cancellationToken);

    /// <summary>Reports a loan overdue.</summary>
    public Task<TransactionOutcome> MarkOverdueAsync(LoanId loanId, ushort daysOverdue, UInt128 overdueFen, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.LoanBook, new MarkOverdueFunction { LoanId = B(loanId.Value), DaysOverdue = daysOverdue, OverdueFen = (BigInteger)overdueFen }, key, cancellationToken);

    /// <summary>Reports arrears cleared.</summary>
    public Task<TransactionOutcome> MarkCurrentAsync(LoanId loanId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.LoanBook, new MarkCurrentFunction { LoanId = B(loanId.Value) }, key, cancellationToken);

    /// <summary>Declares default with the bank's loss.</summary>
    public Task<TransactionOutcome> DeclareDefaultAsync(LoanId loanId, UInt128 lossFen, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.LoanBook, new DeclareDefaultFunction { LoanId = B(loanId.Value), LossFen = (BigInteger)lossFen }, key, cancellationToken);

    /// <summary>A loan's record.</summary>
    public async Task<Loan> LoanAsync(LoanId loanId, CancellationToken cancellationToken = default) =>
        (await Read(() => Loans.LoanQueryAsync(B(loanId.Value)), cancellationToken).ConfigureAwait(false)).ReturnValue1;

    // ------------------------------------------------------------------ guarantees

    /// <summary>The lending bank invites a guarantor to guarantee its loan, on at least <paramref name="minCoverageBps"/> for at most <paramref name="maxFeeFen"/>.</summary>
    public Task<TransactionOutcome> InviteGuarantorAsync(
        LoanId loanId, OrgId guarantor, ushort minCoverageBps, UInt128 maxFeeFen, string? key = null, CancellationToken cancellationToken = default) =>
        Send(
            LedgerContracts.GuaranteeBook,
            new InviteGuarantorFunction { LoanId = B(loanId.Value), GuarantorOrg = B(guarantor.Value), MinCoverageBps = minCoverageBps, MaxFeeFen = (BigInteger)maxFeeFen },
            key, cancellationToken);

    /// <summary>
    /// The block of the latest <c>GuarantorInvited</c> event of a loan (0 when none), read from the chain's logs: it
    /// names the invitation a guarantee answers, so a retried guarantee is one action and a guarantee after a
    /// cancellation and a new invitation is another.
    /// </summary>
    public async Task<ulong> LatestInvitationBlockAsync(LoanId loanId, CancellationToken cancellationToken = default)
    {
        var logs = await LogsAsync<Contracts.GuaranteeBook.ContractDefinition.GuarantorInvitedEventDTO>(LedgerContracts.GuaranteeBook, loanId.Value, cancellationToken).ConfigureAwait(false);
        return logs.Select(l => (ulong)l.BlockNumber.Value).DefaultIfEmpty(0UL).Max();
    }

    /// <summary>The logs of event <typeparamref name="TEvent"/> of <paramref name="contract"/> whose first indexed argument is <paramref name="topic"/>, since deployment (removed ones left out).</summary>
    private Task<IReadOnlyList<FilterLog>> LogsAsync<TEvent>(string contract, Hash32 topic, CancellationToken cancellationToken)
        where TEvent : IEventDTO, new() =>
        LogsAsync<TEvent>(contract, [B(topic)], cancellationToken);

    /// <summary>The logs of event <typeparamref name="TEvent"/> of <paramref name="contract"/> whose indexed arguments are <paramref name="topics"/> (the first one, two or three), since deployment.</summary>
    private async Task<IReadOnlyList<FilterLog>> LogsAsync<TEvent>(string contract, object[] topics, CancellationToken cancellationToken)
        where TEvent : IEventDTO, new()
    {
        var abi = ABITypedRegistry.GetEvent<TEvent>();
        var address = Deployment[contract].ToString();
        var from = new BlockParameter(new HexBigInteger(Deployment.DeployBlock));
        var to = BlockParameter.CreateLatest();
        var filter = topics.Length switch
        {
            1 => abi.CreateFilterInput(address, [topics[0]], from, to),
            2 => abi.CreateFilterInput(address, [topics[0]], [topics[1]], from, to),
            3 => abi.CreateFilterInput(address, [topics[0]], [topics[1]], [topics[2]], from, to),
            _ => throw new ArgumentOutOfRangeException(nameof(topics), topics.Length, "one to three indexed arguments"),
        };
        var logs = await Read(() => Rpc.Web3.Eth.Filters.GetLogs.SendRequestAsync(filter), cancellationToken).ConfigureAwait(false);
        return logs?.Where(l => l.Removed != true).ToList() ?? [];
    }

    /// <summary>The lending bank withdraws its open invitation.</summary>
    public Task<TransactionOutcome> WithdrawInvitationAsync(LoanId loanId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.GuaranteeBook, new WithdrawInvitationFunction { LoanId = B(loanId.Value) }, key, cancellationToken);

    /// <summary>The lending bank cancels the guarantee of a loan that has not defaulted.</summary>
    public Task<TransactionOutcome> CancelGuaranteeAsync(LoanId loanId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.GuaranteeBook, new CancelGuaranteeFunction { LoanId = B(loanId.Value) }, key, cancellationToken);

    /// <summary>The invited guarantor guarantees the loan.</summary>
    public Task<TransactionOutcome> GuaranteeLoanAsync(LoanId loanId, ushort coverageBps, UInt128 feeFen, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.GuaranteeBook, new GuaranteeLoanFunction { LoanId = B(loanId.Value), CoverageBps = coverageBps, FeeFen = (BigInteger)feeFen }, key, cancellationToken);

    /// <summary>A guarantor proposes a batch agreement (银担"总对总") to a bank under its own reference; the contract derives the id as <see cref="AgreementId.FromReference"/> does.</summary>
    public Task<TransactionOutcome> ProposeAgreementAsync(
        string agreementReference, OrgId bank, ushort coverageBps, ushort feeBps, UInt128 perLoanLimitFen, UInt128 totalLimitFen, ulong validUntil,
        string? key = null, CancellationToken cancellationToken = default) =>
        Send(
            LedgerContracts.GuaranteeBook,
            new ProposeAgreementFunction
            {
                AgreementRef = B(Keccak.Hash(agreementReference)),
                BankOrg = B(bank.Value),
                CoverageBps = coverageBps,
                FeeBps = feeBps,
                PerLoanLimitFen = (BigInteger)perLoanLimitFen,
                TotalLimitFen = (BigInteger)totalLimitFen,
                ValidUntil = validUntil,
            },
            key, cancellationToken);

    /// <summary>The bank accepts a proposed agreement.</summary>
    public Task<TransactionOutcome> AcceptAgreementAsync(AgreementId agreementId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.GuaranteeBook, new AcceptAgreementFunction { AgreementId = B(agreementId.Value) }, key, cancellationToken);

    /// <summary>The bank enrols a loan under an agreement.</summary>
    public Task<TransactionOutcome> EnrollLoanAsync(AgreementId agreementId, LoanId loanId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.GuaranteeBook, new EnrollLoanFunction { AgreementId = B(agreementId.Value), LoanId = B(loanId.Value) }, key, cancellationToken);

    /// <summary>Either party releases the guarantee of a repaid loan.</summary>
    public Task<TransactionOutcome> ReleaseGuaranteeAsync(LoanId loanId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.GuaranteeBook, new ReleaseGuaranteeFunction { LoanId = B(loanId.Value) }, key, cancellationToken);

    /// <summary>The guarantor records one instalment of its payment (代偿) on a defaulted loan.</summary>
    public Task<TransactionOutcome> RecordPayoutAsync(LoanId loanId, UInt128 payoutFen, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.GuaranteeBook, new RecordPayoutFunction { LoanId = B(loanId.Value), PayoutFen = (BigInteger)payoutFen }, key, cancellationToken);

    /// <summary>A loan's guarantee.</summary>
    public async Task<Guarantee> GuaranteeAsync(LoanId loanId, CancellationToken cancellationToken = default) =>
        (await Read(() => Guarantees.GuaranteeOfQueryAsync(B(loanId.Value)), cancellationToken).ConfigureAwait(false)).ReturnValue1;

    /// <summary>The most the guarantor may pay on a defaulted loan in all (its obligation, loss × coverage).</summary>
    public Task<BigInteger> MaxPayoutAsync(LoanId loanId, CancellationToken cancellationToken = default) =>
        Read(() => Guarantees.MaxPayoutQueryAsync(B(loanId.Value)), cancellationToken);

    /// <summary>The guarantor of a loan, what it owes and what it has paid.</summary>
    public async Task<(OrgId Guarantor, BigInteger ObligationFen, BigInteger PaidFen)> ObligationAsync(LoanId loanId, CancellationToken cancellationToken = default)
    {
        var o = await Read(() => Guarantees.ObligationOfQueryAsync(B(loanId.Value)), cancellationToken).ConfigureAwait(false);
        return (new OrgId(new Hash32(o.GuarantorOrg)), o.ObligationFen, o.PaidFen);
    }

    // ------------------------------------------------------------------ risk-compensation fund

    /// <summary>A regulator creates a fund under its own reference; the contract derives the id as <see cref="FundId.FromReference"/> does.</summary>
    public Task<TransactionOutcome> CreateFundAsync(
        string fundReference, ushort ratioBps, UInt128 balanceFen, IReadOnlyList<ProductCode> eligibleProducts, string? key = null, CancellationToken cancellationToken = default) =>
        Send(
            LedgerContracts.RiskCompensationFund,
            new CreateFundFunction { FundRef = B(Keccak.Hash(fundReference)), RatioBps = ratioBps, BalanceFen = (BigInteger)balanceFen, EligibleProducts = eligibleProducts.Select(p => B(p.Value)).ToList() },
            key, cancellationToken);

    /// <summary>The regulator tops a fund up.</summary>
    public Task<TransactionOutcome> TopUpAsync(FundId fundId, UInt128 amountFen, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.RiskCompensationFund, new TopUpFunction { FundId = B(fundId.Value), AmountFen = (BigInteger)amountFen }, key, cancellationToken);

    /// <summary>The lending bank files a claim on a defaulted loan.</summary>
    public Task<TransactionOutcome> FileClaimAsync(FundId fundId, LoanId loanId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.RiskCompensationFund, new FileClaimFunction { FundId = B(fundId.Value), LoanId = B(loanId.Value) }, key, cancellationToken);

    /// <summary>The fund's regulator approves a claim: it pays what is due, as far as the fund's balance goes.</summary>
    public Task<TransactionOutcome> ApproveClaimAsync(FundId fundId, LoanId loanId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.RiskCompensationFund, new ApproveClaimFunction { FundId = B(fundId.Value), LoanId = B(loanId.Value) }, key, cancellationToken);

    /// <summary>The fund's regulator rejects a claim nothing was paid on.</summary>
    public Task<TransactionOutcome> RejectClaimAsync(FundId fundId, LoanId loanId, ushort reasonCode, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.RiskCompensationFund, new RejectClaimFunction { FundId = B(fundId.Value), LoanId = B(loanId.Value), ReasonCode = reasonCode }, key, cancellationToken);

    /// <summary>The lending bank withdraws a claim nothing was paid on.</summary>
    public Task<TransactionOutcome> WithdrawClaimAsync(FundId fundId, LoanId loanId, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.RiskCompensationFund, new WithdrawClaimFunction { FundId = B(fundId.Value), LoanId = B(loanId.Value) }, key, cancellationToken);

    /// <summary>The regulator sets how long a guarantor has to pay after a default before a claim nets it out unpaid.</summary>
    public Task<TransactionOutcome> SetGracePeriodAsync(FundId fundId, TimeSpan grace, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.RiskCompensationFund, new SetGracePeriodFunction { FundId = B(fundId.Value), GraceSeconds = (uint)grace.TotalSeconds }, key, cancellationToken);

    /// <summary>The claim on a loan at a fund.</summary>
    public async Task<Claim> ClaimAsync(FundId fundId, LoanId loanId, CancellationToken cancellationToken = default) =>
        (await Read(() => Fund.ClaimQueryAsync(B(fundId.Value), B(loanId.Value)), cancellationToken).ConfigureAwait(false)).ReturnValue1;

    /// <summary>The fund of the loan's live (filed or paid) claim; null when none.</summary>
    public async Task<FundId?> LiveClaimAsync(LoanId loanId, CancellationToken cancellationToken = default)
    {
        var fund = new Hash32(await Read(() => Fund.LiveClaimQueryAsync(B(loanId.Value)), cancellationToken).ConfigureAwait(false));
        return fund.IsZero ? null : new FundId(fund);
    }

    /// <summary>A fund's record.</summary>
    public async Task<Contracts.RiskCompensationFund.ContractDefinition.Fund> FundAsync(FundId fundId, CancellationToken cancellationToken = default) =>
        (await Read(() => Fund.FundQueryAsync(B(fundId.Value)), cancellationToken).ConfigureAwait(false)).ReturnValue1;

    // ------------------------------------------------------------------ R&D fund flow

    /// <summary>The lending bank opens the fund-flow ledger of its R&amp;D loan.</summary>
    public Task<TransactionOutcome> OpenFundFlowAsync(LoanId loanId, ushort maxNonRdBps, string? key = null, CancellationToken cancellationToken = default) =>
        Send(LedgerContracts.FundFlowTracker, new OpenFundFlowFunction { LoanId = B(loanId.Value), MaxNonRdBps = maxNonRdBps }, key, cancellationToken);

    /// <summary>The lending bank or a tax bureau records one spending entry.</summary>
    public Task<TransactionOutcome> RecordSpendingAsync(
        LoanId loanId, SpendCategory category, UInt128 amountFen, Hash32 counterpartyHash, Hash32 evidenceHash, string? key = null, CancellationToken cancellationToken = default) =>
        Send(
            LedgerContracts.FundFlowTracker,
            new RecordSpendingFunction { LoanId = B(loanId.Value), Category = (byte)category, AmountFen = (BigInteger)amountFen, CounterpartyHash = B(counterpartyHash), EvidenceHash = B(evidenceHash) },
            key, cancellationToken);

    /// <summary>The recorder reverses its spending entry <paramref name="entryIndex"/>, stated as it was recorded.</summary>
    public Task<TransactionOutcome> ReverseSpendingAsync(
        LoanId loanId, uint entryIndex, SpendingEntryFields original, Hash32 reasonHash, string? key = null, CancellationToken cancellationToken = default) =>
        Send(
            LedgerContracts.FundFlowTracker,
            new ReverseSpendingFunction { LoanId = B(loanId.Value), EntryIndex = entryIndex, Original = original.ToEntry(), ReasonHash = B(reasonHash) },
            key, cancellationToken);

    /// <summary>
    /// The recorder replaces its spending entry <paramref name="entryIndex"/> (stated as it was recorded) with
    /// <paramref name="replacement"/>: one transaction reverses the old entry and records the new one.
    /// </summary>
    public Task<TransactionOutcome> CorrectSpendingAsync(
        LoanId loanId, uint entryIndex, SpendingEntryFields original, SpendingEntryFields replacement, string? key = null, CancellationToken cancellationToken = default) =>
        Send(
            LedgerContracts.FundFlowTracker,
            new CorrectSpendingFunction { LoanId = B(loanId.Value), EntryIndex = entryIndex, Original = original.ToEntry(), Replacement = replacement.ToEntry() },
            key, cancellationToken);

    /// <summary>
    /// The index of the spending entry of <paramref name="loanId"/> that <paramref name="recorder"/> recorded with
    /// evidence hash <paramref name="evidenceHash"/>, read from its <c>SpendingRecorded</c> event; null when the chain has none.
    /// </summary>
    public async Task<uint?> SpendingEntryIndexAsync(LoanId loanId, OrgId recorder, Hash32 evidenceHash, CancellationToken cancellationToken = default)
    {
        var recorded = (await LogsAsync<SpendingRecordedEventDTO>(LedgerContracts.FundFlowTracker, [B(loanId.Value), B(recorder.Value), B(evidenceHash)], cancellationToken)
            .ConfigureAwait(false)).ToArray().DecodeAllEvents<SpendingRecordedEventDTO>();
        return recorded.Count == 0 ? null : recorded[^1].Event.EntryIndex;
    }

    /// <summary>The index of the entry that replaced entry <paramref name="entryIndex"/> of <paramref name="recorder"/> (its <c>SpendingCorrected</c> event); null when it was not corrected.</summary>
    public async Task<uint?> SpendingCorrectionAsync(LoanId loanId, OrgId recorder, uint entryIndex, CancellationToken cancellationToken = default)
    {
        var corrected = (await LogsAsync<SpendingCorrectedEventDTO>(LedgerContracts.FundFlowTracker, [B(loanId.Value), B(recorder.Value), entryIndex], cancellationToken)
            .ConfigureAwait(false)).ToArray().DecodeAllEvents<SpendingCorrectedEventDTO>();
        return corrected.Count == 0 ? null : corrected[^1].Event.NewEntryIndex;
    }

    /// <summary>A loan's fund-flow ledger.</summary>
    public async Task<FlowLedger> FundFlowAsync(LoanId loanId, CancellationToken cancellationToken = default) =>
        (await Read(() => FundFlows.FundFlowQueryAsync(B(loanId.Value)), cancellationToken).ConfigureAwait(false)).ReturnValue1;

    /// <summary>Share of recorded spending that reached R&amp;D, in basis points.</summary>
    public Task<ushort> RdShareBpsAsync(LoanId loanId, CancellationToken cancellationToken = default) =>
        Read(() => FundFlows.RdShareBpsQueryAsync(B(loanId.Value)), cancellationToken);
}
