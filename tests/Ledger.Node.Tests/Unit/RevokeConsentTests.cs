using Ledger.Core.Consent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Services;
using Ledger.Node.Services.UseCases;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// Revoke as a use case over ports (issue 12): the chain and the provider's witness are in-memory here;
/// ConsentSignatureTests, DataExchangeTests and FailClosedTests relay real revocations to real chain nodes.
/// </summary>
public sealed class RevokeConsentTests
{
    private static readonly OrgId Provider = OrgId.FromCode("tax.liuzhou");
    private static readonly ConsentId Consent = new(new Hash32(Enumerable.Repeat((byte)0xC1, 32).ToArray()));
    private static readonly byte[] Signature = new byte[65];

    /// <summary>An in-memory registry: a key sends one transaction (as the journal does); a revoked consent refuses another.</summary>
    private sealed class Chain : IRevocationChain
    {
        private ulong _block = 40;

        public Dictionary<string, ChainConfirmation> ByKey { get; } = [];

        public ulong? RevokedAtBlock { get; set; }

        public List<ulong?> ProviderReadsAt { get; } = [];

        public Task<ChainConfirmation> RevokeBySignatureAsync(ConsentRevocation revocation, byte[] signature, string key)
        {
            if (ByKey.TryGetValue(key, out var sent))
            {
                return Task.FromResult(sent);
            }
            if (RevokedAtBlock is { } at)
            {
                return Task.FromException<ChainConfirmation>(new ConsentAlreadyRevokedException("LEDGER-1230", ErrorCategory.FailedPrecondition, $"The consent was revoked in block {at}.", at));
            }
            _block++;
            RevokedAtBlock = _block;
            return Task.FromResult(ByKey[key] = new ChainConfirmation(Keccak.Hash(key), _block, 1));
        }

        public Task<OrgId> ProviderAsync(ConsentId consent, ulong? atBlock)
        {
            ProviderReadsAt.Add(atBlock);
            return Task.FromResult(Provider);
        }
    }

    /// <summary>An in-memory witness: it notes each wait, and fails while told to (as a provider that does not answer).</summary>
    private sealed class Witness : IRevocationWitness
    {
        public List<(ConsentId Consent, OrgId Provider, ulong Block, string Tx)> Waits { get; } = [];

        public bool NotSeen { get; set; }

        public Task AwaitSeenAsync(ConsentId consent, OrgId provider, ulong block, string txHash, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Waits.Add((consent, provider, block, txHash));
            return NotSeen
                ? Task.FromException(new LedgerException(RevocationWitness.NotSeenCode, ErrorCategory.Unavailable, "The provider did not confirm seeing the revocation."))
                : Task.CompletedTask;
        }
    }

    private static ConsentRevocation Revocation(int nonce = 7) => new(Consent, nonce, 1_900_000_000);

    [Fact]
    public async Task Revoke_RelaysTheRevocation_ThenWaitsForTheProviderToSeeItsBlock()
    {
        var chain = new Chain();
        var witness = new Witness();

        var tx = await new RevokeConsent(chain, witness).RevokeAsync(Revocation(), Signature, CancellationToken.None);

        Assert.Equal($"revoke:{Consent}:7", Assert.Single(chain.ByKey).Key);
        Assert.Equal([tx.BlockNumber], chain.ProviderReadsAt.Select(b => b!.Value));
        Assert.Equal((Consent, Provider, tx.BlockNumber, tx.TxHash.ToString()), Assert.Single(witness.Waits));
    }

    [Fact]
    public async Task Revoke_WhenTheProviderDoesNotConfirm_1526_TheRevocationStands_AndSendingItAgainOnlyWaitsAgain()
    {
        var chain = new Chain();
        var witness = new Witness { NotSeen = true };
        var useCase = new RevokeConsent(chain, witness);

        var error = await Assert.ThrowsAsync<LedgerException>(() => useCase.RevokeAsync(Revocation(), Signature, CancellationToken.None));
        Assert.Equal(RevocationWitness.NotSeenCode, error.Code);
        witness.NotSeen = false;
        var tx = await useCase.RevokeAsync(Revocation(), Signature, CancellationToken.None);

        Assert.Single(chain.ByKey);
        Assert.Equal(2, witness.Waits.Count);
        Assert.All(witness.Waits, w => Assert.Equal(tx.BlockNumber, w.Block));
    }

    [Fact]
    public async Task Revoke_AConsentRevokedBefore_IsRefusedWithTheContractsCode_AfterTheProviderSawTheEarlierRevocation()
    {
        var chain = new Chain { RevokedAtBlock = 33 };
        var witness = new Witness();

        var error = await Assert.ThrowsAsync<ConsentAlreadyRevokedException>(() => new RevokeConsent(chain, witness).RevokeAsync(Revocation(8), Signature, CancellationToken.None));

        Assert.Equal("LEDGER-1230", error.Code);
        Assert.Empty(chain.ByKey);
        Assert.Equal((Consent, Provider, 33UL, "(an earlier one)"), Assert.Single(witness.Waits));
        Assert.Equal([null], chain.ProviderReadsAt);
    }
}
