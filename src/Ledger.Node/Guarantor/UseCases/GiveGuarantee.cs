using Ledger.Chain.Abi;
using Ledger.Chain.Errors;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Hosting;
using GuaranteeNotInvitedError = Ledger.Chain.Contracts.GuaranteeBook.ContractDefinition.GuaranteeNotInvitedError;
using TerminateAgreementFunction = Ledger.Chain.Contracts.GuaranteeBook.ContractDefinition.TerminateAgreementFunction;

namespace Ledger.Node.Guarantor.UseCases;

/// <summary>
/// The guarantee book refused a guarantee because the guarantor was not invited to give it (the contract's
/// <c>GuaranteeNotInvited</c>): the contract's code, category and sentence, the contract's exception inside.
/// </summary>
public sealed class GuarantorNotInvitedException : LedgerException
{
    /// <summary>Creates the refusal from the contract's.</summary>
    public GuarantorNotInvitedException(string code, ErrorCategory category, string message, Exception? innerException = null)
        : base(code, category, message, innerException)
    {
    }
}

/// <summary>What the guarantor's <see cref="GiveGuarantee"/> reads and sends on the guarantee book, in domain types.</summary>
public interface IGuaranteeChain
{
    /// <summary>The guarantor this node guarantees for (its operator account's member): agreement ids derive from it.</summary>
    OrgId Guarantor { get; }

    /// <summary>The timestamp (unix seconds) of the latest block the node has seen.</summary>
    ulong LatestBlockTime { get; }

    /// <summary>The block of the loan's latest invitation (0 when none), from the chain's logs.</summary>
    Task<ulong> LatestInvitationBlockAsync(LoanId loan);

    /// <summary>The bank that lent the loan and the guarantor it invited now (zero ids: none).</summary>
    Task<(OrgId Bank, OrgId Invited)> InvitationAsync(LoanId loan);

    /// <summary>Guarantees the loan (<c>GuaranteeBook.guaranteeLoan</c>).</summary>
    /// <exception cref="GuarantorNotInvitedException">when this guarantor was not invited to guarantee the loan.</exception>
    Task<ChainConfirmation> GuaranteeLoanAsync(LoanId loan, ushort coverageBps, UInt128 feeFen, string key);

    /// <summary>Proposes a batch agreement to a bank under the guarantor's reference (<c>GuaranteeBook.proposeAgreement</c>).</summary>
    Task<ChainConfirmation> ProposeAgreementAsync(
        string reference, OrgId bank, ushort coverageBps, ushort feeBps, UInt128 perLoanLimitFen, UInt128 totalLimitFen, ulong validUntil, string key);

    /// <summary>Terminates a batch agreement (<c>GuaranteeBook.terminateAgreement</c>).</summary>
    Task<ChainConfirmation> TerminateAgreementAsync(AgreementId agreement, string key);
}

/// <summary>A batch agreement proposed.</summary>
/// <param name="Agreement">Its id (from the guarantor and its reference).</param>
/// <param name="Tx">The <c>proposeAgreement</c> transaction.</param>
public sealed record AgreementProposed(AgreementId Agreement, ChainConfirmation Tx);

/// <summary>
/// The guarantor's side of a guarantee (use case over ports): it guarantees a loan its bank invited it to guarantee,
/// proposes a batch agreement ("总对总") to a bank and terminates one. Keys: <c>guarantee:&lt;loan&gt;:&lt;coverage&gt;:&lt;fee&gt;:&lt;invited
/// at&gt;</c> (the invitation's block: a retry is the same guarantee, the same terms after a cancellation and a new
/// invitation are a new one), <c>agreement:&lt;id&gt;:&lt;bank&gt;:&lt;coverage&gt;:&lt;fee&gt;:&lt;per loan&gt;:&lt;total&gt;:&lt;valid
/// until&gt;</c>, <c>terminate:&lt;agreement&gt;</c>. A guarantee the guarantor was not invited to is the contract's
/// code (LEDGER-1266) as a step the bank has not taken yet, naming the bank and whom it invited instead.
/// </summary>
public sealed class GiveGuarantee(IGuaranteeChain chain, TimeProvider time)
{
    /// <summary>Guarantees the loan on <paramref name="coverageBps"/> of its loss for <paramref name="feeFen"/>.</summary>
    /// <exception cref="LedgerException">the contract's <c>GuaranteeNotInvited</c> code as FAILED_PRECONDITION, naming the
    /// bank and the guarantor it invited; the chain's other refusals as they are.</exception>
    public async Task<ChainConfirmation> GuaranteeAsync(LoanId loan, ushort coverageBps, UInt128 feeFen)
    {
        try
        {
            // The key names the invitation answered (its block): a retry is the same guarantee, while the same terms after
            // the bank cancelled the guarantee and invited again are a new one.
            var invitedAt = await chain.LatestInvitationBlockAsync(loan).ConfigureAwait(false);
            return await chain.GuaranteeLoanAsync(loan, coverageBps, feeFen, $"guarantee:{loan}:{coverageBps}:{feeFen}:{invitedAt}").ConfigureAwait(false);
        }
        catch (GuarantorNotInvitedException ex)
        {
            throw await NotInvitedAsync(loan, ex).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The contract's <c>GuaranteeNotInvited</c> as what it is for the guarantor: a step the bank has not taken yet
    /// (FAILED_PRECONDITION, same code), naming the bank and whom it invited instead.
    /// </summary>
    private async Task<LedgerException> NotInvitedAsync(LoanId loan, GuarantorNotInvitedException ex)
    {
        var own = chain.Guarantor.Code;
        string sentence;
        try
        {
            var (lender, invited) = await chain.InvitationAsync(loan).ConfigureAwait(false);
            var bank = lender.Code;
            sentence = invited.Value.IsZero
                ? $"{bank} has not invited {own} to guarantee loan {loan.Value.ToShortString()}; a guarantor guarantees only a loan its bank offers it, so ask {bank} to invite {own} (Lending.InviteGuarantor) first."
                : $"{bank} invited {invited.Code}, not {own}, to guarantee loan {loan.Value.ToShortString()}; only the invited guarantor can guarantee it, so ask {bank} to invite {own} instead.";
        }
        catch (LedgerException)
        {
            sentence = $"{own} was not invited to guarantee loan {loan.Value.ToShortString()}; ask the lending bank to invite it (Lending.InviteGuarantor) first.";
        }
        return new LedgerException(ex.Code, ErrorCategory.FailedPrecondition, sentence, ex.InnerException ?? ex);
    }

    /// <summary>Proposes a batch agreement to <paramref name="bank"/> under the guarantor's <paramref name="reference"/>.</summary>
    /// <exception cref="LedgerException">LEDGER-1520 limits not 0 &lt; per loan ≤ total, or <paramref name="validUntil"/>
    /// not in the future (by the later of the chain's and the node's clocks) or past 2^40 − 1; the chain's refusals.</exception>
    public async Task<AgreementProposed> ProposeAgreementAsync(
        string reference, OrgId bank, ushort coverageBps, ushort feeBps, UInt128 perLoanLimitFen, UInt128 totalLimitFen, ulong validUntil)
    {
        if (perLoanLimitFen == UInt128.Zero || totalLimitFen < perLoanLimitFen)
        {
            throw NodeErrors.InvalidField($"per_loan_limit_fen {perLoanLimitFen} and total_limit_fen {totalLimitFen} must satisfy 0 < per-loan limit ≤ total limit.");
        }
        var now = Math.Max(chain.LatestBlockTime, (ulong)time.GetUtcNow().ToUnixTimeSeconds());
        if (validUntil <= now || validUntil > 0xFF_FFFF_FFFF)
        {
            throw NodeErrors.InvalidField($"valid_until {validUntil} must be a future time in unix seconds (now is {now}).");
        }
        var id = AgreementId.FromReference(chain.Guarantor, reference);
        var tx = await chain.ProposeAgreementAsync(
            reference, bank, coverageBps, feeBps, perLoanLimitFen, totalLimitFen, validUntil,
            $"agreement:{id}:{bank.Value}:{coverageBps}:{feeBps}:{perLoanLimitFen}:{totalLimitFen}:{validUntil}").ConfigureAwait(false);
        return new AgreementProposed(id, tx);
    }

    /// <summary>Terminates the batch agreement (the guarantee book checks it is this guarantor's).</summary>
    /// <exception cref="LedgerException">the chain's refusals.</exception>
    public Task<ChainConfirmation> TerminateAgreementAsync(AgreementId agreement) =>
        chain.TerminateAgreementAsync(agreement, $"terminate:{agreement}");
}

/// <summary>The guarantee book (through the operator's chain client) as the guarantor's <see cref="IGuaranteeChain"/>.</summary>
public sealed class ChainGuarantees(
    NodeIdentity node, ChainHead head, Ledger.Chain.LedgerChainClient chainClient, Ledger.Chain.Profiles.ChainEnvironment chainEnvironment,
    Ledger.Chain.Transactions.TransactionSender sender) : IGuaranteeChain
{
    /// <inheritdoc/>
    public OrgId Guarantor => node.Organization;

    /// <inheritdoc/>
    public ulong LatestBlockTime => head.Latest.Timestamp;

    /// <inheritdoc/>
    public Task<ulong> LatestInvitationBlockAsync(LoanId loan) => chainClient.LatestInvitationBlockAsync(loan);

    /// <inheritdoc/>
    public async Task<(OrgId Bank, OrgId Invited)> InvitationAsync(LoanId loan)
    {
        var record = await chainClient.LoanAsync(loan).ConfigureAwait(false);
        var bank = new OrgId(new Hash32(record.BankOrg));
        var invited = new OrgId(new Hash32(await chainEnvironment.Rpc.CallAsync(
            _ => chainClient.Guarantees.InvitedGuarantorQueryAsync(loan.Value.ToArray())).ConfigureAwait(false)));
        return (bank, invited);
    }

    /// <inheritdoc/>
    public async Task<ChainConfirmation> GuaranteeLoanAsync(LoanId loan, ushort coverageBps, UInt128 feeFen, string key)
    {
        try
        {
            return (await chainClient.GuaranteeLoanAsync(loan, coverageBps, feeFen, key, CancellationToken.None).ConfigureAwait(false)).ToConfirmation();
        }
        catch (ContractRevertException ex) when (ex.Is<GuaranteeNotInvitedError>())
        {
            throw new GuarantorNotInvitedException(ex.Code, ex.Category, ex.Message, ex);
        }
    }

    /// <inheritdoc/>
    public async Task<ChainConfirmation> ProposeAgreementAsync(
        string reference, OrgId bank, ushort coverageBps, ushort feeBps, UInt128 perLoanLimitFen, UInt128 totalLimitFen, ulong validUntil, string key) =>
        (await chainClient.ProposeAgreementAsync(reference, bank, coverageBps, feeBps, perLoanLimitFen, totalLimitFen, validUntil, key, CancellationToken.None)
            .ConfigureAwait(false)).ToConfirmation();

    /// <inheritdoc/>
    public async Task<ChainConfirmation> TerminateAgreementAsync(AgreementId agreement, string key) =>
        (await sender.SendAsync(
            node.Deployment[LedgerContracts.GuaranteeBook],
            new TerminateAgreementFunction { AgreementId = agreement.Value.ToArray() },
            key, CancellationToken.None).ConfigureAwait(false)).ToConfirmation();
}
