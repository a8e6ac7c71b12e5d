using System.Numerics;
using Ledger.Chain.Profiles;
using Ledger.Chain.Transactions;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Local;

namespace Ledger.Chain.Tests.Support;

/// <summary>
/// An embedded hardhat node with the suite deployed (governors: dev accounts 0–2, threshold 2), members admitted
/// through governance and one enterprise bound — the starting point of the integration tests of one class.
/// </summary>
public class LedgerFixture : IAsyncLifetime
{
    public static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    public static readonly OrgId Bank = OrgId.FromCode("bank.ccb.liuzhou");
    public static readonly OrgId OtherBank = OrgId.FromCode("bank.icbc.liuzhou");
    public static readonly OrgId Guarantor = OrgId.FromCode("guarantor.gx");
    public static readonly OrgId Regulator = OrgId.FromCode("regulator.liuzhou");

    /// <summary>Dev account 7 is the enterprise (it only signs; it never sends).</summary>
    public const int EnterpriseAccount = 7;

    /// <summary>Dev account 9 operates nothing.</summary>
    public const int OutsiderAccount = 9;

    public static readonly EnterpriseHash EnterpriseCreditCode = new(Keccak.Hash("salt/91450200MA5K8XYZ1Q"));

    private readonly Dictionary<int, LedgerChainClient> _clients = [];

    public ChainEnvironment Chain { get; private set; } = null!;

    public LedgerChainClient Governor0 => ClientOf(0);
    public LedgerChainClient Governor1 => ClientOf(1);
    public LedgerChainClient Governor2 => ClientOf(2);
    public LedgerChainClient TaxOperator => ClientOf(3);
    public LedgerChainClient BankOperator => ClientOf(4);
    public LedgerChainClient GuarantorOperator => ClientOf(5);
    public LedgerChainClient RegulatorOperator => ClientOf(6);
    public LedgerChainClient OtherBankOperator => ClientOf(8);
    public LedgerChainClient Outsider => ClientOf(OutsiderAccount);

    public static EthAddress Enterprise => DevAccounts.Address(EnterpriseAccount);
    public static byte[] EnterpriseKey => DevAccounts.PrivateKey(EnterpriseAccount);

    /// <summary>The one client (and so the one sender) of a dev account on this chain.</summary>
    public LedgerChainClient ClientOf(int account)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(account, out var client))
            {
                var sender = Chain.CreateSender(DevAccounts.PrivateKey(account), new InMemoryTransactionJournal());
                client = new LedgerChainClient(sender, Chain.Deployment);
                _clients[account] = client;
            }
            return client;
        }
    }

    public virtual async Task InitializeAsync()
    {
        Chain = await LocalChain.StartAsync(new ChainProfile { Kind = ChainKind.Hardhat, PollInterval = TimeSpan.FromMilliseconds(50) });
        await AdmitAsync(Tax, Role.TaxBureau, 3);
        await AdmitAsync(Bank, Role.Bank, 4);
        await AdmitAsync(Guarantor, Role.Guarantor, 5);
        await AdmitAsync(Regulator, Role.Regulator, 6);
        await AdmitAsync(OtherBank, Role.Bank, 8);
        await TaxOperator.BindEnterpriseWithKeyAsync(EnterpriseKey, EnterpriseCreditCode);
    }

    /// <summary>Governor 0 proposes, governor 1 approves: threshold 2 of 3.</summary>
    public async Task AdmitAsync(OrgId org, Role role, int operatorAccount)
    {
        var proposal = await Governor0.ProposeAdmitMemberAsync(
            org, role, org.Code, $"https://{org.Code}.example:7443", "", Secp256k1Signer.CompressedPublicKey(DevAccounts.PrivateKey(operatorAccount)),
            [DevAccounts.Address(operatorAccount)]);
        await Governor1.ApproveAsync(proposal);
    }

    /// <summary>Consent terms from the enterprise to <paramref name="consumer"/>, valid from a minute ago for a day.</summary>
    public static ConsentTerms Terms(OrgId? consumer = null, Scopes scopes = Scopes.TaxCreditRating | Scopes.TaxPayments, uint fetchCap = 10, BigInteger? nonce = null, ulong? deadline = null, EthAddress? enterprise = null)
    {
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new ConsentTerms(
            enterprise ?? Enterprise,
            EnterpriseCreditCode,
            consumer ?? Bank,
            Tax,
            scopes,
            PurposeCodes.CreditAssessment,
            now - 60,
            now + 86_400,
            now - 3 * 365 * 86_400,
            now,
            fetchCap,
            0,
            30 * 86_400,
            nonce ?? new BigInteger(Random.Shared.NextInt64(1, long.MaxValue)),
            deadline ?? now + 3_600);
    }

    /// <summary>Signs with the enterprise key for this deployment's registry and relays through the bank.</summary>
    public async Task<ConsentId> GrantAsync(ConsentTerms terms)
    {
        var signature = ConsentSignatures.Sign(terms, Chain.Deployment.ConsentDomain, EnterpriseKey);
        return await BankOperator.GrantConsentBySigAsync(terms, signature);
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Sender.Dispose();
        }
        if (Chain is not null)
        {
            await Chain.DisposeAsync();
        }
    }
}
