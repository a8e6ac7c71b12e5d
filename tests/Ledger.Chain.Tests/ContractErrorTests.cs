using System.Numerics;
using Ledger.Chain.Contracts.AccessLog.ContractDefinition;
using Ledger.Chain.Contracts.ConsentRegistry.ContractDefinition;
using Ledger.Chain.Contracts.Consortium.ContractDefinition;
using Ledger.Chain.Contracts.FundFlowTracker.ContractDefinition;
using Ledger.Chain.Contracts.LoanBook.ContractDefinition;
using Ledger.Chain.Contracts.RiskCompensationFund.ContractDefinition;
using Ledger.Chain.Errors;
using Ledger.Chain.Profiles;
using Ledger.Chain.Tests.Support;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Local;
using static Ledger.Chain.Tests.Support.Reverts;
using MembershipRequiredError = Ledger.Chain.Contracts.ConsentRegistry.ContractDefinition.MembershipRequiredError;

namespace Ledger.Chain.Tests;

/// <summary>Custom errors provoked on a real chain surface as their typed exceptions with messages a user understands.</summary>
public class ContractErrorTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static readonly Hash32 Request = Keccak.Hash("request");
    private static readonly Hash32 Response = Keccak.Hash("response");

    [Fact]
    public async Task BindEnterprise_ByAnOutsider_IsMembershipRequired()
    {
        var (ex, error) = await Reverts.WithAsync<MembershipRequiredError>("LEDGER-1203",
            () => fixture.Outsider.BindEnterpriseAsync(
                new EnterpriseBinding(DevAccounts.Address(8), new EnterpriseHash(Keccak.Hash("x")), LedgerFixture.Tax, 1, ulong.MaxValue), new byte[65]));
        Assert.Equal(DevAccounts.Address(LedgerFixture.OutsiderAccount), AddressOf(error.Account));
        Assert.Equal(Role.TaxBureau, (Role)error.Role);
        Assert.Contains("is not an operator of an active tax bureau member", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.PermissionDenied, ex.Category);
    }

    [Fact]
    public async Task Propose_ByABank_IsGovernanceNotGovernor()
    {
        var (ex, _) = await Reverts.WithAsync<GovernanceNotGovernorError>("LEDGER-1205",
            () => fixture.BankOperator.ProposeAsync(new SuspendMemberFunction { OrgId = LedgerFixture.OtherBank.Value.ToArray() }));
        Assert.Contains("is not a governor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_ByTheProposerAgain_IsGovernanceAlreadyApproved()
    {
        var proposal = await fixture.Governor0.ProposeAsync(new SuspendMemberFunction { OrgId = LedgerFixture.OtherBank.Value.ToArray() });
        var (_, error) = await Reverts.WithAsync<GovernanceAlreadyApprovedError>("LEDGER-1211", () => fixture.Governor0.ApproveAsync(proposal));
        Assert.Equal(proposal, error.ProposalId);
        await fixture.Governor0.CancelProposalAsync(proposal);
    }

    [Fact]
    public async Task Cancel_ByAnotherGovernor_IsGovernanceNotProposer()
    {
        var proposal = await fixture.Governor0.ProposeAsync(new SuspendMemberFunction { OrgId = LedgerFixture.OtherBank.Value.ToArray() });
        await Reverts.WithAsync<GovernanceNotProposerError>("LEDGER-1214", () => fixture.Governor1.CancelProposalAsync(proposal));
        await fixture.Governor0.CancelProposalAsync(proposal);
        var (ex, _) = await Reverts.WithAsync<GovernanceProposalClosedError>("LEDGER-1210", () => fixture.Governor1.ApproveAsync(proposal));
        Assert.Contains("already executed or cancelled", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_UnknownProposal_IsGovernanceProposalNotFound()
    {
        var (ex, _) = await Reverts.WithAsync<GovernanceProposalNotFoundError>("LEDGER-1208", () => fixture.Governor1.ApproveAsync(new BigInteger(987_654)));
        Assert.Equal("Proposal 987654 does not exist; check the proposal number.", ex.Message);
        Assert.Equal(ErrorCategory.NotFound, ex.Category);
    }

    [Fact]
    public async Task AdmitMember_CalledDirectly_IsGovernanceOnlyByProposal()
    {
        var function = new AdmitMemberFunction
        {
            OrgId = OrgId.FromCode("bank.rogue").Value.ToArray(),
            Role = (byte)Role.Bank,
            Name = "Rogue",
            Endpoint = "",
            Enode = "",
            EncryptionKey = Secp256k1Signer.CompressedPublicKey(DevAccounts.PrivateKey(9)),
            Operators = [],
        };
        await Reverts.WithAsync<GovernanceOnlyByProposalError>("LEDGER-1206",
            () => fixture.Governor0.Sender.SendAsync(fixture.Chain.Deployment[Abi.LedgerContracts.Consortium], function));
    }

    [Fact]
    public async Task ApproveAdmission_OfAnExistingMember_BubblesConsortiumMemberExistsFromTheAction()
    {
        var proposal = await fixture.Governor0.ProposeAdmitMemberAsync(
            LedgerFixture.Bank, Role.Bank, "again", "", "", Secp256k1Signer.CompressedPublicKey(DevAccounts.PrivateKey(9)), [DevAccounts.Address(9)]);
        var (ex, error) = await Reverts.WithAsync<ConsortiumMemberExistsError>("LEDGER-1220", () => fixture.Governor1.ApproveAsync(proposal));
        Assert.Equal(LedgerFixture.Bank, OrgOf(error.OrgId));
        Assert.StartsWith("Organization bank.ccb.liuzhou is already a member", ex.Message, StringComparison.Ordinal);
        await fixture.Governor0.CancelProposalAsync(proposal);
    }

    [Fact]
    public async Task BindEnterprise_Twice_IsConsentEnterpriseAlreadyBound()
    {
        var (ex, error) = await Reverts.WithAsync<ConsentEnterpriseAlreadyBoundError>("LEDGER-1241",
            () => fixture.TaxOperator.BindEnterpriseWithKeyAsync(LedgerFixture.EnterpriseKey, LedgerFixture.EnterpriseCreditCode));
        Assert.Equal(LedgerFixture.Enterprise, AddressOf(error.Enterprise));
        Assert.Equal(ErrorCategory.AlreadyExists, ex.Category);
    }

    [Fact]
    public async Task GrantConsent_SignedByAnotherKey_IsConsentInvalidSignature()
    {
        var terms = LedgerFixture.Terms();
        var forged = ConsentSignatures.Sign(terms, fixture.Chain.Deployment.ConsentDomain, DevAccounts.PrivateKey(9));
        var (ex, _) = await Reverts.WithAsync<ConsentInvalidSignatureError>("LEDGER-1237", () => fixture.BankOperator.GrantConsentBySigAsync(terms, forged));
        Assert.Contains($"is not enterprise {LedgerFixture.Enterprise}'s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantConsent_SignedForAnotherChain_IsConsentInvalidSignature()
    {
        var terms = LedgerFixture.Terms();
        var otherChain = Eip712Domain.ForConsentRegistry(1, fixture.Chain.Deployment.ConsentDomain.VerifyingContract);
        var signature = ConsentSignatures.Sign(terms, otherChain, LedgerFixture.EnterpriseKey);
        await Reverts.WithAsync<ConsentInvalidSignatureError>("LEDGER-1237", () => fixture.BankOperator.GrantConsentBySigAsync(terms, signature));
    }

    [Fact]
    public async Task GrantConsent_Twice_IsConsentNonceUsed()
    {
        var terms = LedgerFixture.Terms();
        await fixture.GrantAsync(terms);
        var (_, error) = await Reverts.WithAsync<ConsentNonceUsedError>("LEDGER-1239", () => fixture.GrantAsync(terms));
        Assert.Equal(terms.Nonce, error.Nonce);
    }

    [Fact]
    public async Task GrantConsent_PastItsDeadline_IsConsentSignatureExpired()
    {
        var past = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600;
        var (ex, _) = await Reverts.WithAsync<ConsentSignatureExpiredError>("LEDGER-1238", () => fixture.GrantAsync(LedgerFixture.Terms(deadline: past)));
        Assert.Contains("UTC) has passed; have the enterprise sign again", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantConsent_ForAnUnboundAccount_IsConsentEnterpriseNotBound()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var terms = LedgerFixture.Terms(enterprise: Secp256k1Signer.AddressOf(key));
        var signature = ConsentSignatures.Sign(terms, fixture.Chain.Deployment.ConsentDomain, key);
        var (ex, _) = await Reverts.WithAsync<ConsentEnterpriseNotBoundError>("LEDGER-1240", () => fixture.BankOperator.GrantConsentBySigAsync(terms, signature));
        Assert.Contains("the enterprise must sign its binding and the tax bureau relay it", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantConsent_WithABackwardsWindow_IsConsentValidityInvertedWithBothEnds()
    {
        var terms = LedgerFixture.Terms() with { ValidUntil = LedgerFixture.Terms().ValidFrom - 1 };
        var (ex, error) = await Reverts.WithAsync<ConsentValidityInvertedError>("LEDGER-1244", () => fixture.GrantAsync(terms));
        Assert.Equal(terms.ValidFrom, error.ValidFrom);
        Assert.Equal(terms.ValidUntil, error.ValidUntil);
        Assert.Equal("LEDGER-1244", ex.Code);
        Assert.StartsWith("The consent's validity ends (", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantConsent_WithNoScopes_IsConsentScopesEmpty()
    {
        var terms = LedgerFixture.Terms(scopes: Scopes.None);
        var (ex, _) = await Reverts.WithAsync<ConsentScopesEmptyError>("LEDGER-1244", () => fixture.GrantAsync(terms));
        Assert.Equal(ErrorCategory.InvalidArgument, ex.Category);
    }

    [Fact]
    public async Task BindEnterprise_SignedByTheBureauNotTheAccount_IsConsentInvalidSignature()
    {
        // A bureau operator cannot bind an account it does not hold: the account itself must sign its binding.
        var victim = DevAccounts.Address(8);
        var binding = await fixture.TaxOperator.PrepareBindingAsync(victim, new EnterpriseHash(Keccak.Hash("salt/someone-else")));
        var forged = ConsentSignatures.Sign(binding, fixture.Chain.Deployment.ConsentDomain, DevAccounts.PrivateKey(3));
        var (ex, error) = await Reverts.WithAsync<ConsentInvalidSignatureError>("LEDGER-1237", () => fixture.TaxOperator.BindEnterpriseAsync(binding, forged));
        Assert.Equal(victim, AddressOf(error.Enterprise));
        Assert.Equal("LEDGER-1237", ex.Code);
    }

    [Fact]
    public async Task BindEnterprise_ASecondAccountForABoundCreditCode_IsConsentCreditCodeTaken()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var (ex, error) = await Reverts.WithAsync<ConsentCreditCodeTakenError>("LEDGER-1298",
            () => fixture.TaxOperator.BindEnterpriseWithKeyAsync(key, LedgerFixture.EnterpriseCreditCode));
        Assert.Equal(LedgerFixture.EnterpriseCreditCode, new EnterpriseHash(HashOf(error.CreditCodeHash)));
        Assert.Equal(LedgerFixture.Enterprise, AddressOf(error.Account));
        Assert.Equal("LEDGER-1298", ex.Code);
        Assert.Contains("rotate-key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateEnterprise_ACreditCodeWithNoAccount_IsConsentCreditCodeNotBound()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var hash = new EnterpriseHash(Keccak.Hash("salt/never-bound"));
        var binding = await fixture.TaxOperator.PrepareBindingAsync(Secp256k1Signer.AddressOf(key), hash);
        var (ex, error) = await Reverts.WithAsync<ConsentCreditCodeNotBoundError>("LEDGER-1240",
            () => fixture.TaxOperator.RotateEnterpriseAsync(binding, ConsentSignatures.Sign(binding, fixture.Chain.Deployment.ConsentDomain, key)));
        Assert.Equal(hash, new EnterpriseHash(HashOf(error.CreditCodeHash)));
        Assert.Equal("LEDGER-1240", ex.Code);
    }

    [Fact]
    public async Task RecordAccess_TheSameRequestTwice_IsAccessRequestAlreadyRecorded()
    {
        var consentId = await fixture.GrantAsync(LedgerFixture.Terms());
        var request = Keccak.Hash("replayed request");
        await fixture.TaxOperator.RecordAccessAsync(consentId, LedgerFixture.Bank, Scopes.TaxCreditRating, request, Response);
        var (ex, error) = await Reverts.WithAsync<AccessRequestAlreadyRecordedError>("LEDGER-1299",
            () => fixture.TaxOperator.RecordAccessAsync(consentId, LedgerFixture.Bank, Scopes.TaxCreditRating, request, Response));
        Assert.Equal(consentId, new ConsentId(HashOf(error.ConsentId)));
        Assert.Equal(request, HashOf(error.RequestHash));
        Assert.Equal("LEDGER-1299", ex.Code);
        Assert.Equal(1u, (await fixture.TaxOperator.ConsentAsync(consentId)).FetchesInPeriod);
    }

    [Fact]
    public async Task RecordAccess_UnknownConsent_BubblesConsentUnknownThroughTheAccessLog()
    {
        var unknown = new ConsentId(Keccak.Hash("no such consent"));
        var (ex, error) = await Reverts.WithAsync<ConsentUnknownError>("LEDGER-1227",
            () => fixture.TaxOperator.RecordAccessAsync(unknown, LedgerFixture.Bank, Scopes.TaxCreditRating, Request, Response));
        Assert.Equal(unknown, new ConsentId(HashOf(error.ConsentId)));
        Assert.Contains("ConsentRegistry", ex.Error!.DeclaredBy);
    }

    [Fact]
    public async Task RecordAccess_AfterRevocation_IsConsentRevokedAtTheRevocationBlock()
    {
        var consentId = await fixture.GrantAsync(LedgerFixture.Terms());
        var revocation = new ConsentRevocation(consentId, Random.Shared.NextInt64(1, long.MaxValue), (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600);
        var revoked = await fixture.BankOperator.RevokeConsentBySigAsync(revocation, ConsentSignatures.Sign(revocation, fixture.Chain.Deployment.ConsentDomain, LedgerFixture.EnterpriseKey));

        var (ex, error) = await Reverts.WithAsync<ConsentRevokedAtError>("LEDGER-1230",
            () => fixture.TaxOperator.RecordAccessAsync(consentId, LedgerFixture.Bank, Scopes.TaxCreditRating, Request, Response));

        Assert.Equal(revoked.BlockNumber, error.RevokedAtBlock);
        var id = consentId.Value.ToString();
        Assert.Equal($"Consent {id[..6]}…{id[^4..]} was revoked at block {revoked.BlockNumber}; ask the enterprise for a new consent.", ex.Message);
        Assert.Equal("LEDGER-1230", ex.Code);
    }

    [Fact]
    public async Task RecordAccess_ForAnotherBank_IsConsentWrongConsumer()
    {
        var consentId = await fixture.GrantAsync(LedgerFixture.Terms());
        var (ex, _) = await Reverts.WithAsync<ConsentWrongConsumerError>("LEDGER-1231",
            () => fixture.TaxOperator.RecordAccessAsync(consentId, LedgerFixture.OtherBank, Scopes.TaxCreditRating, Request, Response));
        Assert.Contains("was not granted to bank.icbc.liuzhou", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAccess_BeyondTheGrantedScopes_IsConsentScopeNotGranted()
    {
        var consentId = await fixture.GrantAsync(LedgerFixture.Terms(scopes: Scopes.TaxCreditRating));
        var (ex, _) = await Reverts.WithAsync<ConsentScopeNotGrantedError>("LEDGER-1233",
            () => fixture.TaxOperator.RecordAccessAsync(consentId, LedgerFixture.Bank, Scopes.TaxCreditRating | Scopes.Invoices, Request, Response));
        Assert.Contains("grants TaxCreditRating but TaxCreditRating, Invoices was asked for", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAccess_OnceMoreThanTheCap_IsConsentFetchCapReached()
    {
        var consentId = await fixture.GrantAsync(LedgerFixture.Terms(fetchCap: 1));
        await fixture.TaxOperator.RecordAccessAsync(consentId, LedgerFixture.Bank, Scopes.TaxCreditRating, Request, Response);
        var (_, error) = await Reverts.WithAsync<ConsentFetchCapReachedError>("LEDGER-1234",
            () => fixture.TaxOperator.RecordAccessAsync(consentId, LedgerFixture.Bank, Scopes.TaxCreditRating, Keccak.Hash("another request"), Response));
        Assert.Equal(1u, error.FetchCap);
    }

    [Fact]
    public async Task RevokeConsent_FromTheBanksAccount_IsConsentNotEnterprise()
    {
        var consentId = await fixture.GrantAsync(LedgerFixture.Terms());
        var (_, error) = await Reverts.WithAsync<ConsentNotEnterpriseError>("LEDGER-1243", () => fixture.BankOperator.RevokeConsentAsync(consentId));
        Assert.Equal(DevAccounts.Address(4), AddressOf(error.Caller));
    }

    [Fact]
    public async Task Anchor_SameBatchWithAnotherRoot_IsAnchorBatchExists_AndAZeroRootIsAnchorInvalidBatch()
    {
        var batch = BatchId.For(LedgerFixture.Tax, 4242);
        await fixture.TaxOperator.AnchorAsync(batch, Keccak.Hash("root-a"), 3, BatchKind.AccessRecords, "");
        var (exists, existing) = await Reverts.WithAsync<AnchorBatchExistsError>("LEDGER-1247",
            () => fixture.TaxOperator.AnchorAsync(batch, Keccak.Hash("root-b"), 3, BatchKind.AccessRecords, ""));
        Assert.Equal(Keccak.Hash("root-a"), HashOf(existing.Root));
        Assert.Contains("tax.liuzhou already anchored batch", exists.Message, StringComparison.Ordinal);

        await Reverts.WithAsync<AnchorInvalidBatchError>("LEDGER-1248",
            () => fixture.TaxOperator.AnchorAsync(BatchId.For(LedgerFixture.Tax, 4243), Hash32.Zero, 3, BatchKind.AccessRecords, ""));
    }

    [Fact]
    public async Task LendingCalls_OnThingsThatDoNotExist_AreTheirNotFoundErrors()
    {
        var loan = LoanId.FromReference(LedgerFixture.Bank, "no-such-loan");
        var decision = new DecisionHash(Keccak.Hash("no-such-decision"));
        await Reverts.WithAsync<LoanDecisionUnknownError>("LEDGER-1252",
            () => fixture.BankOperator.DisburseAsync("no-such-loan", decision, ProductCode.FromCode("SHUIYIDAI"), 100_000, 450, 12, LoanPurpose.WorkingCapital));
        var (_, unknownLoan) = await Reverts.WithAsync<LoanUnknownError>("LEDGER-1259", () => fixture.BankOperator.RecordRepaymentAsync(loan, 1, 0));
        Assert.Equal(loan, new LoanId(HashOf(unknownLoan.LoanId)));
        await Reverts.WithAsync<FundFlowLoanUnknownError>("LEDGER-1292", () => fixture.BankOperator.OpenFundFlowAsync(loan, 3000));
        var fund = new FundId(Keccak.Hash("no-such-fund"));
        await Reverts.WithAsync<CompensationFundUnknownError>("LEDGER-1283", () => fixture.BankOperator.FileClaimAsync(fund, loan));
    }

    [Fact]
    public async Task CreateFund_WithAFullRatio_IsCompensationInvalidRatio()
    {
        var (ex, _) = await Reverts.WithAsync<CompensationInvalidRatioError>("LEDGER-1282",
            () => fixture.RegulatorOperator.CreateFundAsync("fund-100", 10_000, 1_000_000, [ProductCode.FromCode("SHUIYIDAI")]));
        Assert.Contains("must be above 0 % and below 100 %", ex.Message, StringComparison.Ordinal);
        Assert.Contains("100 %", ex.Message, StringComparison.Ordinal);
    }
}
