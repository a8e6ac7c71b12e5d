using System.Numerics;
using Ledger.Chain;
using Ledger.Chain.Profiles;
using Ledger.Chain.Transactions;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.TaxData;
using Ledger.Local;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Ledger.Sdk.Keys;

namespace Ledger.Bench.Setup;

/// <summary>A member the bench itself acts for (its keys live in the bench process; no node of its own).</summary>
internal sealed class BenchMember : IDisposable
{
    public BenchMember(OrgId org, Role role, byte[] operatorKey, LedgerChainClient? chain)
    {
        Org = org;
        Role = role;
        Keys = new NodeKeys(operatorKey, EnvelopeKeyPair.Generate());
        Chain = chain;
        Identity = LedgerIdentity.FromKeys(org, Keys);
    }

    public OrgId Org { get; }

    public Role Role { get; }

    public NodeKeys Keys { get; }

    /// <summary>A chain client signing as this member's operator (members on a funded dev account only).</summary>
    public LedgerChainClient? Chain { get; }

    public LedgerIdentity Identity { get; }

    public void Dispose()
    {
        Identity.Dispose();
        Keys.Dispose();
        Chain?.Sender.Dispose();
    }
}

/// <summary>A tax node under test with the consents the bench's banks hold on it.</summary>
internal sealed class TaxTarget
{
    public required LocalNode Node { get; init; }

    public required bool StrongMode { get; init; }

    /// <summary>Consents per bank (index into <see cref="BenchConsortium.Banks"/>).</summary>
    public required IReadOnlyList<IReadOnlyList<ConsentId>> ConsentsByBank { get; init; }
}

/// <summary>
/// The consortium every measurement runs on: one hardhat chain node, a tax node in batch mode and one in strong mode
/// (real <c>ledger-node</c> processes started by <see cref="LocalConsortium"/>), plus members the bench acts for:
/// banks (their clients run in the bench process and sign every request) and, on funded dev accounts, a tax bureau,
/// a bank and a guarantor that send the gas-measured transactions and the indexer's load.
/// </summary>
internal sealed class BenchConsortium : IAsyncDisposable
{
    public const string BatchTaxOrg = "tax.liuzhou";
    public const string StrongTaxOrg = "tax.strong";
    public const Scopes ReportScopes = Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices;

    private readonly List<BenchMember> _members = [];

    private BenchConsortium(LocalConsortium local) => Local = local;

    public LocalConsortium Local { get; }

    public IReadOnlyList<BenchMember> Banks { get; private set; } = [];

    public BenchMember TaxGas { get; private set; } = null!;

    public BenchMember BankGas { get; private set; } = null!;

    public BenchMember GuarantorGas { get; private set; } = null!;

    /// <summary>Members on funded dev accounts that may anchor (the indexer's load).</summary>
    public IReadOnlyList<BenchMember> Anchorers { get; private set; } = [];

    /// <summary>Dev account of the enterprise that pays for its own (direct) consent.</summary>
    public const int DirectEnterpriseDevAccount = 6;

    public TaxTarget Batch { get; private set; } = null!;

    public TaxTarget Strong { get; private set; } = null!;

    public static async Task<BenchConsortium> StartAsync(string repoRoot, string workDir, int banks, int enterprisesPerTaxNode, Action<string> log, CancellationToken cancellationToken)
    {
        var nodeDll = Path.Combine(repoRoot, "src", "Ledger.Node", "bin", "Release", "net10.0", "ledger-node.dll");
        var options = new LocalConsortiumOptions
        {
            RepositoryRoot = repoRoot,
            WorkDir = workDir,
            NodeDll = File.Exists(nodeDll) ? nodeDll : null,
            Nodes =
            [
                new LocalNodeSpec(Role.TaxBureau, BatchTaxOrg, "国家税务总局柳州市税务局"),
                new LocalNodeSpec(Role.TaxBureau, StrongTaxOrg, "国家税务总局柳州市税务局（强一致模式）") { StrongMode = true },
            ],
            TaxSyntheticCount = Math.Max(enterprisesPerTaxNode, 16),
            TaxSyntheticSeed = 7,
            BatcherMaxWaitMs = 1000,
            NodeLogLevel = "Warning",
            Progress = new Progress<string>(m => log("  " + m)),
        };
        LocalConsortium local;
        try
        {
            local = await LocalConsortium.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Core.Errors.LedgerException ex) when (ex.Code == "LEDGER-1651")
        {
            // Two nodes can be handed the same free port (each is probed, then released); a second start picks again.
            log($"  the consortium did not start ({ex.Message}); starting it again…");
            local = await LocalConsortium.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        var bench = new BenchConsortium(local);
        try
        {
            await bench.AdmitAsync(banks, log, cancellationToken).ConfigureAwait(false);
            bench.Batch = await bench.PrepareTaxAsync(local[BatchTaxOrg], strong: false, enterprisesPerTaxNode, log, cancellationToken).ConfigureAwait(false);
            bench.Strong = await bench.PrepareTaxAsync(local[StrongTaxOrg], strong: true, enterprisesPerTaxNode, log, cancellationToken).ConfigureAwait(false);
            return bench;
        }
        catch
        {
            await bench.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A chain client of a funded dev account (the caller disposes its sender).</summary>
    public LedgerChainClient DevClient(int devAccount) =>
        new(Local.Chain.CreateSender(DevAccounts.PrivateKey(devAccount), new InMemoryTransactionJournal()), Local.Deployment);

    private async Task AdmitAsync(int banks, Action<string> log, CancellationToken cancellationToken)
    {
        var proposer = Local.DevGovernor(0);
        var approver = Local.DevGovernor(1);
        async Task<BenchMember> Admit(string code, Role role, byte[] operatorKey, bool withChain)
        {
            var member = new BenchMember(OrgId.FromCode(code), role, operatorKey, withChain ? new LedgerChainClient(Local.Chain.CreateSender(operatorKey, new InMemoryTransactionJournal()), Local.Deployment) : null);
            _members.Add(member);
            var proposal = await proposer.ProposeAdmitMemberAsync(member.Org, role, code, "", "", member.Keys.Encryption.PublicKey.ToArray(), [member.Keys.Operator],
                cancellationToken: cancellationToken).ConfigureAwait(false);
            await approver.ApproveAsync(proposal, cancellationToken: cancellationToken).ConfigureAwait(false);
            return member;
        }

        log($"  admitting {banks} bench banks and the gas/load members by governance…");
        var list = new List<BenchMember>();
        for (var i = 1; i <= banks; i++)
        {
            using var generated = NodeKeys.Generate();
            list.Add(await Admit($"bank.bench.{i}", Role.Bank, generated.OperatorKey.ToArray(), withChain: false).ConfigureAwait(false));
        }
        Banks = list;
        TaxGas = await Admit("tax.gas", Role.TaxBureau, DevAccounts.PrivateKey(3), withChain: true).ConfigureAwait(false);
        BankGas = await Admit("bank.gas", Role.Bank, DevAccounts.PrivateKey(4), withChain: true).ConfigureAwait(false);
        GuarantorGas = await Admit("guarantor.gas", Role.Guarantor, DevAccounts.PrivateKey(5), withChain: true).ConfigureAwait(false);
        var auditor = await Admit("auditor.load", Role.Auditor, DevAccounts.PrivateKey(7), withChain: true).ConfigureAwait(false);
        var regulator = await Admit("regulator.load", Role.Regulator, DevAccounts.PrivateKey(8), withChain: true).ConfigureAwait(false);
        Anchorers = [TaxGas, BankGas, GuarantorGas, auditor, regulator];
    }

    private async Task<TaxTarget> PrepareTaxAsync(LocalNode node, bool strong, int enterprises, Action<string> log, CancellationToken cancellationToken)
    {
        log($"  {node.Spec.Org}: binding {enterprises} enterprises and granting {enterprises * Banks.Count} consents ({Banks.Count} banks × {enterprises} enterprises)…");
        using var asTax = await Local.ConnectAsync(node.Spec.Org, cancellationToken: cancellationToken).ConfigureAwait(false);
        var held = await asTax.Tax.ListEnterprisesAsync((uint)enterprises, cancellationToken).ConfigureAwait(false);
        var wallets = new List<EnterpriseWallet>();
        foreach (var enterprise in held.Take(enterprises))
        {
            var wallet = EnterpriseWallet.Generate();
            wallets.Add(wallet);
            await asTax.Tax.BindEnterpriseAsync(enterprise.CreditCode, wallet, cancellationToken).ConfigureAwait(false);
        }
        var byBank = new List<IReadOnlyList<ConsentId>>();
        foreach (var bank in Banks)
        {
            using var asBank = await node.ConnectAsync(bank.Identity, cancellationToken).ConfigureAwait(false);
            var consents = new List<ConsentId>();
            foreach (var wallet in wallets)
            {
                var (id, _, _) = await asBank.Consents.GrantAsync(wallet, new ConsentRequest(wallet.Address, bank.Org, node.Organization, ReportScopes)
                {
                    FetchCap = 65_000,
                    ValidFor = TimeSpan.FromDays(7),
                }, cancellationToken).ConfigureAwait(false);
                consents.Add(id);
            }
            byBank.Add(consents);
        }
        foreach (var wallet in wallets)
        {
            wallet.Dispose();
        }
        return new TaxTarget { Node = node, StrongMode = strong, ConsentsByBank = byBank };
    }

    public async ValueTask DisposeAsync()
    {
        await Local.DisposeAsync().ConfigureAwait(false);
        foreach (var member in _members)
        {
            member.Dispose();
        }
    }

    /// <summary>A fresh consent's terms for the gas measurements (the enterprise signs; nonce unique).</summary>
    public static ConsentTerms GasTerms(EthAddress enterprise, EnterpriseHash creditCode, OrgId consumer, OrgId provider, ulong now, BigInteger nonce) => new(
        enterprise, creditCode, consumer, provider, ReportScopes, PurposeCodes.CreditAssessment,
        now - 60, now + (365 * 86_400), now - (3 * 365 * 86_400), now, 1000, 0, 30 * 86_400, nonce, now + 86_400);
}
