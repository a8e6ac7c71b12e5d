using System.Globalization;
using System.Text;
using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.LoanBook.ContractDefinition;
using Ledger.Chain.Errors;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Node.Bank.UseCases;
using Ledger.Node.Hosting;
using Microsoft.Extensions.Logging;
using CoreLoanPurpose = Ledger.Core.Model.LoanPurpose;
using CoreLoanStatus = Ledger.Core.Model.LoanStatus;
using ProtoLoanPurpose = Ledger.Api.V1.LoanPurpose;
using ProtoLoanStatus = Ledger.Api.V1.LoanStatus;
using FundFlowAlreadyOpenError = Ledger.Chain.Contracts.FundFlowTracker.ContractDefinition.FundFlowAlreadyOpenError;

namespace Ledger.Node.Bank;

/// <summary>
/// <c>ledger.v1.Lending</c> on a bank node, for the bank's own software (its operators, access policy):
/// <list type="bullet">
/// <item><c>FetchData</c> / <c>Decide</c>: reports fetched under the bank's consents and kept for their data life
/// (<see cref="ReportFetcher"/>); a decision scores the report with the node's product table, is accepted durably as a
/// <see cref="CreditDecisionRecord"/> (anchored by this bank, its reasons document kept beside it) and recorded on
/// chain by hash (<c>LoanBook.recordDecision</c>);</item>
/// <item>loans on approved decisions (<c>LoanBook.disburse</c>, and <c>FundFlowTracker.openFundFlow</c> for R&amp;D
/// loans), their life (repayments, overdue, back to current, default), reads from the chain and the node's index;</item>
/// <item>the bank's side of guarantees and of the risk-compensation fund;</item>
/// <item>the data it holds and the deletions it made.</item>
/// </list>
/// </summary>
public sealed class LendingService(
    NodeIdentity node, Ledger.Store.LedgerStore ledger, Ledger.Chain.LedgerChainClient chainClient, Ledger.Chain.Profiles.ChainEnvironment chainEnvironment, ReportFetcher fetcher, IBankStore store,
    DecideApplication decide, DisburseLoan disburse, ServiceLoan servicing, ArrangeGuarantee guarantees, FileClaim fileClaim, WithdrawClaim withdrawClaim) : Lending.LendingBase
{
    private const int IndexPage = 5_000;

    /// <inheritdoc/>
    public override async Task<FetchDataResponse> FetchData(FetchDataRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var consent = new ConsentId(BankWire.Hash(request.ConsentId, "consent_id"));
        var opened = await fetcher.FetchAsync(consent, (Scopes)request.Scopes, context.CancellationToken).ConfigureAwait(false);
        var response = new FetchDataResponse
        {
            ConsentId = consent.ToString(),
            ReportJson = Encoding.UTF8.GetString(opened.Plaintext),
            ResponseHash = opened.Item.ResponseHash.ToString(),
            CheckedAtBlock = opened.Item.CheckedAtBlock,
            KeepUntilMs = opened.Item.KeepUntilMs,
        };
        if (opened.ProviderAccessRecord is { } access)
        {
            response.ProviderAccessRecord = new AnchorRef { RecordHash = access.ToString(), Org = opened.Item.Provider.Code };
        }
        return response;
    }

    /// <inheritdoc/>
    public override async Task<DecisionResponse> Decide(DecideRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var consent = new ConsentId(BankWire.Hash(request.ConsentId, "consent_id"));
        ProductCode? product = null;
        if (!string.IsNullOrEmpty(request.Product))
        {
            try
            {
                product = ProductCode.FromCode(request.Product);
            }
            catch (ArgumentException)
            {
                throw NodeErrors.InvalidField($"product must be a product code of 1 to 31 printable ASCII characters, e.g. SHUIYIDAI; '{BankWire.Clip(request.Product)}' is not.");
            }
        }
        UInt128? requested = string.IsNullOrEmpty(request.RequestedAmountFen) ? null : BankWire.PositiveAmount(request.RequestedAmountFen, "requested_amount_fen");
        var made = await decide.DecideAsync(new DecideCommand(consent, product, requested), cancellationToken).ConfigureAwait(false);
        var decision = made.Decision;
        var bank = node.Organization;
        var response = new DecisionResponse
        {
            DecisionHash = made.DecisionHash.ToString(),
            Approved = decision.Approved,
            Score = (uint)decision.Score,
            Product = decision.Product?.Code ?? "",
            LimitFen = decision.LimitFen.ToString(CultureInfo.InvariantCulture),
            RateBps = decision.RateBps,
            TermMonths = decision.TermMonths,
            Rating = made.Rating,
            EnterpriseHash = made.Enterprise.ToString(),
            Tx = BankWire.Tx(made.Tx),
            Record = BankWire.Anchor(made.Record, ledger.Records.Get(made.Record), bank),
        };
        response.Factors.AddRange(decision.Factors.Select(f => new ScoreFactor { Name = f.Factor, Points = f.Points, Reason = f.Reason }));
        response.Reasons.AddRange(decision.Reasons);
        return response;
    }

    /// <inheritdoc/>
    public override async Task<LoanInfo> Disburse(DisburseRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var decisionHash = BankWire.Hash(request.DecisionHash, "decision_hash");
        var reference = BankWire.Text(request.LoanReference, "loan_reference", "CCB-2026-000123");
        var amount = BankWire.PositiveAmount(request.AmountFen, "amount_fen");
        if (!Enum.IsDefined(request.Purpose))
        {
            throw NodeErrors.InvalidField($"purpose {(int)request.Purpose} is not a loan purpose (0 working capital, 1 R&D, 2 equipment, 3 trade, 4 other).");
        }
        var purpose = (CoreLoanPurpose)(int)request.Purpose;
        if (purpose == CoreLoanPurpose.RnD && request.MaxNonRndBps is 0 or >= 10_000)
        {
            throw NodeErrors.InvalidField($"max_non_rnd_bps {request.MaxNonRndBps} is not a tolerated non-R&D share; an R&D loan needs 1 to 9999 basis points (e.g. 2000 for 20 %).");
        }
        if (purpose != CoreLoanPurpose.RnD && request.MaxNonRndBps != 0)
        {
            throw NodeErrors.InvalidField($"max_non_rnd_bps is for R&D loans only; leave it 0 for a {purpose} loan.");
        }

        var disbursed = await disburse.DisburseAsync(
            new DisburseCommand(new DecisionHash(decisionHash), reference, amount, purpose, (ushort)request.MaxNonRndBps), cancellationToken).ConfigureAwait(false);
        return await LoanInfoAsync(disbursed.Loan, BankWire.Tx(disbursed.Tx), disbursed.Consent, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<LoanInfo> RecordRepayment(RepaymentRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loanId = Loan(request.LoanId);
        var principal = BankWire.Amount(request.PrincipalFen, "principal_fen", UInt128.Zero);
        var interest = BankWire.Amount(request.InterestFen, "interest_fen", UInt128.Zero);
        var tx = await servicing.RepayAsync(loanId, principal, interest, context.CancellationToken).ConfigureAwait(false);
        return await LoanInfoAsync(loanId, BankWire.Tx(tx), null, context.CancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<LoanInfo> MarkOverdue(OverdueRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loanId = Loan(request.LoanId);
        if (request.DaysOverdue is 0 or > ushort.MaxValue)
        {
            throw NodeErrors.InvalidField($"days_overdue {request.DaysOverdue} must be 1 to {ushort.MaxValue}.");
        }
        var overdue = BankWire.Amount(request.OverdueFen, "overdue_fen");
        var tx = await servicing.MarkOverdueAsync(loanId, (ushort)request.DaysOverdue, overdue, context.CancellationToken).ConfigureAwait(false);
        return await LoanInfoAsync(loanId, BankWire.Tx(tx), null, context.CancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<LoanInfo> MarkCurrent(LoanRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loanId = Loan(request.LoanId);
        var tx = await servicing.MarkCurrentAsync(loanId, context.CancellationToken).ConfigureAwait(false);
        return await LoanInfoAsync(loanId, BankWire.Tx(tx), null, context.CancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<LoanInfo> DeclareDefault(DefaultRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loanId = Loan(request.LoanId);
        var loss = BankWire.Amount(request.LossFen, "loss_fen");
        var tx = await servicing.DeclareDefaultAsync(loanId, loss, context.CancellationToken).ConfigureAwait(false);
        return await LoanInfoAsync(loanId, BankWire.Tx(tx), null, context.CancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override Task<LoanInfo> GetLoan(LoanRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        return LoanInfoAsync(Loan(request.LoanId), null, null, context.CancellationToken);
    }

    /// <inheritdoc/>
    public override Task<ListLoansResponse> ListLoans(ListLoansRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnterpriseHash? enterprise = string.IsNullOrEmpty(request.EnterpriseHash) ? null : new EnterpriseHash(BankWire.Hash(request.EnterpriseHash, "enterprise_hash"));
        if (!Enum.IsDefined(request.Status))
        {
            throw NodeErrors.InvalidField($"status {(int)request.Status} is not a loan status (0 any, 1 active, 2 overdue, 3 repaid, 4 defaulted).");
        }
        var loans = LoanIndex.Fold(ReadLoanEvents(enterprise), node.Organization);
        var response = new ListLoansResponse();
        foreach (var loan in loans.Where(l => request.Status == ProtoLoanStatus.None || l.Status == request.Status))
        {
            loan.Reference = store.Reference(new LoanId(Hash32.Parse(loan.LoanId))) ?? "";
            response.Loans.Add(loan);
        }
        return Task.FromResult(response);
    }

    private IEnumerable<Core.Ports.ChainEvent> ReadLoanEvents(EnterpriseHash? enterprise)
    {
        string? after = null;
        while (true)
        {
            var page = ledger.Audit.Find(new Store.Audit.EventQuery
            {
                Organization = node.Organization,
                Enterprise = enterprise,
                Contract = LedgerContracts.LoanBook,
                AfterId = after,
                Limit = IndexPage,
            });
            foreach (var e in page)
            {
                yield return e;
            }
            if (page.Count < IndexPage)
            {
                yield break;
            }
            after = page[^1].Id;
        }
    }

    /// <inheritdoc/>
    public override async Task<ChainTx> InviteGuarantor(InviteGuarantorRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loanId = Loan(request.LoanId);
        var guarantor = BankWire.Org(request.Guarantor, "guarantor");
        if (request.MinCoverageBps is 0 or > 10_000)
        {
            throw NodeErrors.InvalidField($"min_coverage_bps {request.MinCoverageBps} is not allowed; give the least coverage the bank accepts, 1 to 10000 basis points.");
        }
        var maxFee = BankWire.Amount(request.MaxFeeFen, "max_fee_fen");
        return BankWire.Tx(await guarantees.InviteAsync(loanId, guarantor, (ushort)request.MinCoverageBps, maxFee, context.CancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override async Task<ChainTx> WithdrawInvitation(LoanRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loanId = Loan(request.LoanId);
        return BankWire.Tx(await guarantees.WithdrawInvitationAsync(loanId, context.CancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override async Task<ChainTx> CancelGuarantee(LoanRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var loanId = Loan(request.LoanId);
        return BankWire.Tx(await guarantees.CancelAsync(loanId, context.CancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override async Task<ChainTx> AcceptAgreement(AgreementRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agreement = new AgreementId(BankWire.Hash(request.AgreementId, "agreement_id"));
        return BankWire.Tx(await guarantees.AcceptAgreementAsync(agreement).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override async Task<ChainTx> EnrollLoan(EnrollLoanRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var agreement = new AgreementId(BankWire.Hash(request.AgreementId, "agreement_id"));
        var loanId = Loan(request.LoanId);
        return BankWire.Tx(await guarantees.EnrollAsync(agreement, loanId, context.CancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override async Task<ChainTx> FileClaim(FileClaimRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var fund = new FundId(BankWire.Hash(request.FundId, "fund_id"));
        var loanId = Loan(request.LoanId);
        return BankWire.Tx(await fileClaim.FileAsync(fund, loanId, context.CancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override async Task<ChainTx> WithdrawClaim(FileClaimRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var fund = new FundId(BankWire.Hash(request.FundId, "fund_id"));
        var loanId = Loan(request.LoanId);
        return BankWire.Tx(await withdrawClaim.WithdrawAsync(fund, loanId, context.CancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override Task<ListHeldDataResponse> ListHeldData(ListHeldDataRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new ListHeldDataResponse();
        foreach (var item in store.List(request.IncludeDeleted))
        {
            var held = new HeldData
            {
                ConsentId = item.ConsentId.ToString(),
                ResponseHash = item.ResponseHash.ToString(),
                FetchedAtMs = item.FetchedAtMs,
                KeepUntilMs = item.KeepUntilMs,
                Deleted = item.Deleted,
                DeletedAtMs = item.DeletedAtMs ?? 0,
                DeletionCause = item.Cause?.ToString() ?? "",
            };
            if (item.Receipt is { } receipt)
            {
                held.DeletionReceipt = BankWire.Anchor(receipt, ledger.Records.Get(receipt), node.Organization);
            }
            response.Items.Add(held);
        }
        return Task.FromResult(response);
    }

    private static LoanId Loan(string? text) => new(BankWire.Hash(text, "loan_id"));

    /// <summary>The loan must exist and be this bank's (the contract would refuse another bank's operators anyway).</summary>
    private async Task<Chain.Contracts.LoanBook.ContractDefinition.Loan> OwnLoanAsync(LoanId loanId, CancellationToken cancellationToken)
    {
        var loan = await chainClient.LoanAsync(loanId, cancellationToken).ConfigureAwait(false);
        if (loan.Status == (byte)CoreLoanStatus.None)
        {
            throw BankErrors.UnknownLoan($"Loan {loanId.Value.ToShortString()} does not exist; check the loan id (LoanId.FromReference(bank, reference)).");
        }
        if (new OrgId(new Hash32(loan.BankOrg)) != node.Organization)
        {
            throw NodeErrors.NotParty($"Loan {loanId.Value.ToShortString()} is {new OrgId(new Hash32(loan.BankOrg)).Code}'s, not {node.Organization.Code}'s; a bank manages its own loans only.");
        }
        return loan;
    }

    private async Task<LoanInfo> LoanInfoAsync(LoanId loanId, ChainTx? tx, ConsentId? consent, CancellationToken cancellationToken)
    {
        var loan = await OwnLoanAsync(loanId, cancellationToken).ConfigureAwait(false);
        var decisionHash = new Hash32(loan.DecisionHash);
        if (consent is null)
        {
            var decision = await chainEnvironment.Rpc.CallAsync(_ => chainClient.Loans.DecisionQueryAsync(loan.BankOrg, loan.DecisionHash), cancellationToken).ConfigureAwait(false);
            consent = new ConsentId(new Hash32(decision.ReturnValue1.ConsentId));
        }
        var info = new LoanInfo
        {
            LoanId = loanId.ToString(),
            Bank = new OrgId(new Hash32(loan.BankOrg)).Code,
            EnterpriseHash = new Hash32(loan.EnterpriseHash).ToString(),
            Product = new ProductCode(new Hash32(loan.ProductCode)).Code,
            AmountFen = loan.AmountFen.ToString(CultureInfo.InvariantCulture),
            OutstandingFen = loan.OutstandingFen.ToString(CultureInfo.InvariantCulture),
            LossFen = loan.LossFen.ToString(CultureInfo.InvariantCulture),
            RateBps = loan.RateBps,
            TermMonths = loan.TermMonths,
            Purpose = (ProtoLoanPurpose)loan.Purpose,
            Status = (ProtoLoanStatus)loan.Status,
            DisbursedAt = loan.DisbursedAt,
            DecisionHash = decisionHash.ToString(),
            ConsentId = consent.Value.ToString(),
            Reference = store.Reference(loanId) ?? "",
        };
        if (tx is not null)
        {
            info.Tx = tx;
        }
        return info;
    }
}
