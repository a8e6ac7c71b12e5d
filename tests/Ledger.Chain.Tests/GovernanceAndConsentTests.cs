using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.AccessLog.ContractDefinition;
using Ledger.Chain.Profiles;
using Ledger.Chain.Tests.Support;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Local;
using Nethereum.Contracts;

namespace Ledger.Chain.Tests;

public class GovernanceAndConsentTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task AdmitMember_OneApprovalOfTwo_WaitsThenTheSecondAdmits()
    {
        var org = OrgId.FromCode("auditor.gx");
        var auditorKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var proposal = await fixture.Governor0.ProposeAdmitMemberAsync(
            org, Role.Auditor, "Guangxi audit office", "https://audit.example", "", Secp256k1Signer.CompressedPublicKey(auditorKey),
            [Secp256k1Signer.AddressOf(auditorKey)]);

        var before = await fixture.Governor0.MemberAsync(org);
        Assert.Equal((byte)MemberStatus.None, before.Status);

        await fixture.Governor2.ApproveAsync(proposal);
        var after = await fixture.Governor0.MemberAsync(org);
        Assert.Equal((byte)MemberStatus.Active, after.Status);
        Assert.Equal((byte)Role.Auditor, after.Role);
        Assert.Equal("Guangxi audit office", after.Name);
    }

    [Fact]
    public async Task Fixture_MembersAndEnterprise_AreOnChain()
    {
        var (org, role, status) = await fixture.Governor0.OperatorOrgAsync(DevAccounts.Address(4));
        Assert.Equal(LedgerFixture.Bank, org);
        Assert.Equal(Role.Bank, role);
        Assert.Equal(MemberStatus.Active, status);
        Assert.Equal(LedgerFixture.EnterpriseCreditCode, await fixture.Governor0.CreditCodeOfAsync(LedgerFixture.Enterprise));
    }

    [Fact]
    public async Task GrantConsentBySig_SignedInCSharpRelayedByBank_IdMatchesTheContractAndAccessIsAllowed()
    {
        var terms = LedgerFixture.Terms();
        var consentId = await fixture.GrantAsync(terms);

        Assert.Equal(consentId, await fixture.BankOperator.ConsentIdOnChainAsync(terms));
        var state = await fixture.BankOperator.ConsentAsync(consentId);
        Assert.Equal(LedgerFixture.Enterprise, EthAddress.Parse(state.Enterprise));
        Assert.Equal((ulong)terms.Scopes, state.Scopes);
        Assert.Equal(AccessStatus.Allowed, await fixture.BankOperator.CheckAccessAsync(consentId, LedgerFixture.Bank, LedgerFixture.Tax, Scopes.TaxCreditRating));
        Assert.Equal(AccessStatus.WrongConsumer, await fixture.BankOperator.CheckAccessAsync(consentId, LedgerFixture.OtherBank, LedgerFixture.Tax, Scopes.TaxCreditRating));
    }

    [Fact]
    public async Task RecordAccess_StrongMode_CountsTheFetchAndEmitsAccessRecorded()
    {
        var consentId = await fixture.GrantAsync(LedgerFixture.Terms(fetchCap: 3));
        var request = Keccak.Hash("request-1");
        var response = Keccak.Hash("response-1");

        var outcome = await fixture.TaxOperator.RecordAccessAsync(consentId, LedgerFixture.Bank, Scopes.TaxCreditRating, request, response);

        var recorded = outcome.Receipt.DecodeAllEvents<AccessRecordedEventDTO>().Single().Event;
        Assert.Equal(consentId.Value, new Hash32(recorded.ConsentId));
        Assert.Equal(LedgerFixture.Tax.Value, new Hash32(recorded.Provider));
        Assert.Equal(response, new Hash32(recorded.ResponseHash));
        var state = await fixture.BankOperator.ConsentAsync(consentId);
        Assert.Equal(1u, state.FetchesInPeriod);
    }

    [Fact]
    public async Task RevokeConsentBySig_ThenCheckAccess_SaysRevoked()
    {
        var consentId = await fixture.GrantAsync(LedgerFixture.Terms());
        var revocation = new ConsentRevocation(consentId, 77, (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600);
        var signature = ConsentSignatures.Sign(revocation, fixture.Chain.Deployment.ConsentDomain, LedgerFixture.EnterpriseKey);

        await fixture.BankOperator.RevokeConsentBySigAsync(revocation, signature);

        Assert.Equal(AccessStatus.Revoked, await fixture.BankOperator.CheckAccessAsync(consentId, LedgerFixture.Bank, LedgerFixture.Tax, Scopes.TaxCreditRating));
    }

    [Fact]
    public async Task Anchor_ThenVerifyRecord_ProofOfASingleLeafBatchVerifiesOnChain()
    {
        var record = new RecordHash(Keccak.Hash("an access record"));
        // A one-leaf standard tree: the root is the leaf itself (double keccak of the abi-encoded hash).
        var leaf = Keccak.Hash(Keccak.Hash(record.Value.ToArray()).ToArray());
        var batch = BatchId.For(LedgerFixture.Tax, 1);

        await fixture.TaxOperator.AnchorAsync(batch, leaf, 1, BatchKind.AccessRecords, "ledger://tax.liuzhou/batches/1");

        Assert.Equal(leaf, await fixture.TaxOperator.AnchoredRootAsync(LedgerFixture.Tax, batch));
        Assert.True(await fixture.TaxOperator.VerifyRecordAsync(LedgerFixture.Tax, batch, record, []));
        Assert.False(await fixture.TaxOperator.VerifyRecordAsync(LedgerFixture.Tax, batch, new RecordHash(Keccak.Hash("another")), []));
        Assert.Equal(LedgerContracts.Names.Count, fixture.Chain.Deployment.Addresses.Count);
    }
}
