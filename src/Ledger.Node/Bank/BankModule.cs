using Microsoft.Extensions.DependencyInjection.Extensions;
using Ledger.Node.Alerts;
using Ledger.Node.Bank.UseCases;
using Ledger.Node.FundFlow;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.Bank;

/// <summary>
/// The bank's node: fetches reports under consent, scores and decides, lends and follows its loans (Lending), keeps the
/// data it fetched for its data life and deletes it with a receipt, shows an enterprise the records it made under its
/// consents (EnterpriseSelf), records R&amp;D spending, and receives alerts.
/// </summary>
public sealed class BankModule : NodeModule
{
    /// <inheritdoc/>
    public override NodeRole Role => NodeRole.Bank;

    /// <inheritdoc/>
    public override IReadOnlyList<NodeEndpoint> Endpoints { get; } =
    [
        // The bank's own software (its operators) only.
        NodeEndpoint.Of<LendingService>(Api.V1.Lending.Descriptor.FullName, Policy.For(
            Api.V1.Lending.Descriptor.FullName, Policy.OwnOperators(Core.Model.Role.Bank),
            "FetchData", "Decide", "Disburse", "RecordRepayment", "MarkOverdue", "MarkCurrent", "DeclareDefault", "GetLoan", "ListLoans",
            "InviteGuarantor", "WithdrawInvitation", "CancelGuarantee", "AcceptAgreement", "EnrollLoan", "FileClaim", "WithdrawClaim",
            "ListHeldData")),
        // The enterprise's own records here (deletion receipts, credit decisions), signed with its bound key: no member may call it.
        Services.EnterpriseSelfService.Endpoint,
        FundFlowEndpoint.Endpoint,
        AlertsSetup.Endpoint,
    ];

    /// <inheritdoc/>
    public override void AddServices(IServiceCollection services, LedgerNodeOptions options)
    {
        services.AddSingleton(sp => sp.GetRequiredService<NodeFoundation>().ProductTable);
        // The bank's held data is a part of the node's one store (LedgerStore.Held); only the bank registers it.
        services.AddSingleton(sp => sp.GetRequiredService<Ledger.Store.LedgerStore>().Held);
        services.Replace(ServiceDescriptor.Singleton<ICreditReasonsSource>(sp => sp.GetRequiredService<IBankStore>()));
        services.AddSingleton<IHeldData>(sp => sp.GetRequiredService<IBankStore>());
        services.AddSingleton<IDeletionReceipts, StoreDeletionReceipts>();
        services.AddSingleton<IRevocationFeed, AuditRevocationFeed>();
        services.AddSingleton<DataLifeKeeper>();
        services.AddSingleton<IFetchedReports>(sp => sp.GetRequiredService<IBankStore>());
        services.AddSingleton<IReportProviders, PeerReportProviders>();
        services.AddSingleton<IEnvelopeKeys, NodeEnvelopeKeys>();
        services.AddSingleton<ReportFetcher>();
        // Use cases over ports (docs/nodes.md, "Use cases over ports"), and the ports' adapters over the chain and the stores.
        services.AddSingleton<ILendingChain, ChainLending>();
        services.AddSingleton<IConsentReports, FetchedConsentReports>();
        services.AddSingleton<IDecisionLedger, StoreDecisionLedger>();
        services.AddSingleton<ILendingBook>(sp => sp.GetRequiredService<IBankStore>());
        services.AddSingleton<DecideApplication>();
        services.AddSingleton<DisburseLoan>();
        services.AddSingleton<ServiceLoan>();
        services.AddSingleton<ArrangeGuarantee>();
        services.AddSingleton<FileClaim>();
        services.AddSingleton<WithdrawClaim>();
        services.AddFundFlowEntries();
        services.AddHostedService<DataLifeService>();
        services.AddLedgerAlerts(upstream: true);
    }
}
