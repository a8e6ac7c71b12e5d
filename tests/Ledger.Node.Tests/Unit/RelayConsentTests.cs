using Ledger.Core.Consent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Node.Services.UseCases;

namespace Ledger.Node.Tests.Unit;

/// <summary>
/// The consent relays (a signed grant, a signed narrowing) as a use case over the registry's port (issue 12): the
/// registry is in-memory here; ConsentSignatureTests, DataExchangeTests and the SDK's suites relay real signed consents
/// and narrowings to real chain nodes.
/// </summary>
public sealed class RelayConsentTests
{
    private static readonly Eip712Domain Domain = Eip712Domain.ForConsentRegistry(31337, EthAddress.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb");
    private static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    private static readonly byte[] Signature = [.. Enumerable.Repeat((byte)0x5A, 65)];
    private const ulong ValidFrom = 1_780_000_000;

    private static ConsentTerms Terms(ulong nonce = 1) => new(
        EthAddress.Parse("0x00000000000000000000000000000000000000e1"), new EnterpriseHash(Keccak.Hash("91450200MA5KXXXX0X")), Bank, Tax,
        Scopes.TaxCreditRating | Scopes.TaxPayments, 1, ValidFrom, ValidFrom + 86_400, ValidFrom - 86_400 * 365, ValidFrom,
        1, 0, 3_600, nonce, ValidFrom + 3_600);

    /// <summary>An in-memory registry: it notes what it was sent; a key is sent once (as the journal does); it refuses while told to.</summary>
    private sealed class Registry : IConsentRelayChain
    {
        private ulong _block = 10;
        private readonly Dictionary<string, ChainConfirmation> _journal = [];

        public Eip712Domain ConsentDomain => Domain;

        public LedgerException? Refusal { get; set; }

        public List<(string Call, string Key, object Signed, byte[] Signature)> Sent { get; } = [];

        public Task<ChainConfirmation> GrantBySignatureAsync(ConsentTerms terms, byte[] signature, string key) => Send("grantConsentBySig", key, terms, signature);

        public Task<ChainConfirmation> NarrowBySignatureAsync(ConsentNarrowing narrowed, byte[] signature, string key) => Send("narrowConsentBySig", key, narrowed, signature);

        private Task<ChainConfirmation> Send(string call, string key, object signed, byte[] signature)
        {
            if (Refusal is { } refusal)
            {
                return Task.FromException<ChainConfirmation>(refusal);
            }
            if (_journal.TryGetValue(key, out var earlier))
            {
                return Task.FromResult(earlier);
            }
            Sent.Add((call, key, signed, signature));
            return Task.FromResult(_journal[key] = new ChainConfirmation(Keccak.Hash(key), ++_block, 1));
        }
    }

    [Fact]
    public async Task Grant_RelaysTheSignedTerms_TheIdIsTheirDigestInTheDeploymentsDomain_KeyedByIt()
    {
        var registry = new Registry();
        var terms = Terms();

        var granted = await new RelayConsent(registry).GrantAsync(terms, Signature);

        var id = terms.IdIn(Domain);
        Assert.Equal(id, granted.Consent);
        var sent = Assert.Single(registry.Sent);
        Assert.Equal(("grantConsentBySig", $"grant:{id}", (object)terms), (sent.Call, sent.Key, sent.Signed));
        Assert.Same(Signature, sent.Signature);
        Assert.Equal(new ChainConfirmation(Keccak.Hash($"grant:{id}"), 11, 1), granted.Tx);
    }

    [Fact]
    public async Task Grant_TheSameSignedTermsAgain_IsOneConsent_OtherTermsAnother()
    {
        var registry = new Registry();
        var relay = new RelayConsent(registry);

        var first = await relay.GrantAsync(Terms(), Signature);
        var retry = await relay.GrantAsync(Terms(), Signature);
        var other = await relay.GrantAsync(Terms(nonce: 2), Signature);

        Assert.Equal(first, retry);
        Assert.NotEqual(first.Consent, other.Consent);
        Assert.Equal([$"grant:{first.Consent}", $"grant:{other.Consent}"], registry.Sent.Select(s => s.Key));
    }

    [Fact]
    public async Task Narrow_IsKeyedByTheConsentAndTheNonce_SoTheSameSignedNarrowingIsSentOnce_AndALaterOneAgain()
    {
        var registry = new Registry();
        var relay = new RelayConsent(registry);
        var consent = Terms().IdIn(Domain);
        var narrowing = new ConsentNarrowing(consent, Scopes.TaxCreditRating, ValidFrom + 3_600, 7, ValidFrom + 600);
        var later = narrowing with { ValidUntil = ValidFrom + 1_800, Nonce = 8 };

        var first = await relay.NarrowAsync(narrowing, Signature);
        var retry = await relay.NarrowAsync(narrowing, Signature);
        var second = await relay.NarrowAsync(later, Signature);

        Assert.Equal(first, retry);
        Assert.NotEqual(first, second);
        Assert.Equal([$"narrow:{consent}:7", $"narrow:{consent}:8"], registry.Sent.Select(s => s.Key));
        Assert.Equal([narrowing, later], registry.Sent.Select(s => s.Signed));
    }

    [Fact]
    public async Task TheRegistrysRefusals_PassThroughUnchanged()
    {
        var registry = new Registry();
        var relay = new RelayConsent(registry);
        var widens = new LedgerException("LEDGER-1245", ErrorCategory.InvalidArgument, "The narrowing widens the consent.");
        registry.Refusal = widens;

        Assert.Same(widens, await Assert.ThrowsAsync<LedgerException>(() => relay.NarrowAsync(
            new ConsentNarrowing(Terms().IdIn(Domain), Scopes.TaxCreditRating | Scopes.Invoices, ValidFrom + 3_600, 7, ValidFrom + 600), Signature)));
        Assert.Same(widens, await Assert.ThrowsAsync<LedgerException>(() => relay.GrantAsync(Terms(), Signature)));
        Assert.Empty(registry.Sent);
    }
}
