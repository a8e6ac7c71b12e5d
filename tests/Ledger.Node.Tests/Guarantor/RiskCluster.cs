using System.Security.Cryptography;
using Ledger.Chain;
using Ledger.Chain.Contracts.Consortium.ContractDefinition;
using Ledger.Chain.Transactions;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Node.Tests.Support;
using Ledger.Sdk;
using Ledger.Sdk.Keys;

namespace Ledger.Node.Tests.Guarantor;

/// <summary>The classes that share the risk cluster (run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class RiskClusterGroup : ICollectionFixture<RiskCluster>
{
    public const string Name = "risk-cluster";
}

/// <summary>
/// The shared topology (hardhat; tax, bank.ccb and auditor processes) plus a guarantor node and a regulator node as
/// processes of their own, and a "back office" account added by governance as a second operator of bank.ccb: the test
/// records credit decisions and disbursements with it directly on chain (amounts and products of the test's choosing,
/// without the scorecard), while everything else of the bank goes through the bank node's Lending service.
/// </summary>
public sealed class RiskCluster : NodeCluster
{
    public static readonly OrgId GuarantorOrg = OrgId.FromCode("guarantee.gx");
    public static readonly OrgId RegulatorOrg = OrgId.FromCode("fund.gx");
    /// <summary>A second guarantor, on chain only (no node).</summary>
    public static readonly OrgId OtherGuarantorOrg = OrgId.FromCode("guarantee.other");
    public static readonly ProductCode Shuiyidai = ProductCode.FromCode("SHUIYIDAI");

    private NodeKeys? _backOfficeKeys;

    public NodeProcess Guarantor { get; private set; } = null!;
    public NodeProcess Regulator { get; private set; } = null!;

    /// <summary>The guarantor node as the guarantor's own operator.</summary>
    public LedgerConnection GuarantorAsGuarantor { get; private set; } = null!;
    /// <summary>The regulator node as the regulator's own operator.</summary>
    public LedgerConnection RegulatorAsRegulator { get; private set; } = null!;
    /// <summary>bank.ccb's second operator, on chain.</summary>
    public LedgerChainClient BankBackOffice { get; private set; } = null!;

    protected override async Task SetUpAsync()
    {
        await base.SetUpAsync();
        try
        {
            foreach (var (org, role) in new[] { (GuarantorOrg, Role.Guarantor), (RegulatorOrg, Role.Regulator), (OtherGuarantorOrg, Role.Guarantor) })
            {
                var file = Path.Combine(Dir, org.Code, "keystore.json");
                Orgs[org] = new OrgSetup(org, role, file, NodeKeyStore.Create(file, Password, KeyStoreKdf.Light));
            }
            _backOfficeKeys = NodeKeys.Generate();
            Guarantor = new NodeProcess("guarantor", NodeEnvironment(GuarantorOrg, "guarantor", false));
            Regulator = new NodeProcess("regulator", NodeEnvironment(RegulatorOrg, "regulator", false));
            await FundAsync([this[GuarantorOrg].Keys.Operator, this[RegulatorOrg].Keys.Operator, _backOfficeKeys.Operator]);
            await AdmitAsync(this[GuarantorOrg], Guarantor.Url);
            await AdmitAsync(this[RegulatorOrg], Regulator.Url);
            await AdmitAsync(this[OtherGuarantorOrg], "http://127.0.0.1:1");
            var addOperator = await DevClient(0).ProposeAsync(new AddOperatorFunction { OrgId = BankOrg.Value.ToArray(), Operator = _backOfficeKeys.Operator.ToString() });
            await DevClient(1).ApproveAsync(addOperator);
            BankBackOffice = new LedgerChainClient(Chain.CreateSender(_backOfficeKeys.OperatorKey, new InMemoryTransactionJournal()), Chain.Deployment);

            Guarantor.Start();
            Regulator.Start();
            await Task.WhenAll(Guarantor.WaitReadyAsync(), Regulator.WaitReadyAsync());
            GuarantorAsGuarantor = await ConnectAsync(Guarantor, GuarantorOrg);
            RegulatorAsRegulator = await ConnectAsync(Regulator, RegulatorOrg);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"The risk nodes did not start: {ex.Message}\n--- guarantor node ---\n{Guarantor?.Output}\n--- regulator node ---\n{Regulator?.Output}", ex);
        }
    }

    /// <summary>
    /// A loan of bank.ccb to <paramref name="enterprise"/>: the enterprise consents to bank.ccb (relayed by the bank
    /// node), then the back office records an approved decision on that consent and disburses.
    /// </summary>
    public async Task<Lent> LendAsync(TestEnterprise enterprise, UInt128 amountFen, LoanPurpose purpose = LoanPurpose.WorkingCapital)
    {
        var (consent, _) = await GrantAsync(enterprise);
        var decision = new DecisionHash(new Hash32(RandomNumberGenerator.GetBytes(32)));
        await BankBackOffice.RecordDecisionAsync(decision, consent, approved: true);
        var reference = "RISK-" + Guid.NewGuid().ToString("N")[..12];
        var loan = LoanId.FromReference(BankOrg, reference);
        var outcome = await BankBackOffice.DisburseAsync(reference, decision, Shuiyidai, amountFen, 435, 12, purpose);
        return new Lent(loan, consent, outcome.BlockNumber);
    }

    /// <summary>Waits until <paramref name="connection"/>'s node has indexed the chain through <paramref name="block"/>.</summary>
    public static async Task WaitIndexedAsync(LedgerConnection connection, ulong block)
    {
        for (var i = 0; i < 600; i++)
        {
            if ((await connection.Node.GetInfoAsync()).IndexedBlock >= block)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{connection.Info.Organization.Code}'s node did not index block {block} within 30 s.");
    }

    /// <summary>The latest block of the chain.</summary>
    public async Task<ulong> LatestBlockAsync() => (await DevClient(2).LatestBlockAsync()).Number;

    public override async Task DisposeAsync()
    {
        foreach (var node in new[] { Guarantor, Regulator })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }
        BankBackOffice?.Sender.Dispose();
        _backOfficeKeys?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>A loan the test made: its id, the consent it rests on, the disbursement's block.</summary>
public sealed record Lent(LoanId Loan, ConsentId Consent, ulong Block);
