using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.AccessLog.ContractDefinition;
using Ledger.Chain.Contracts.ConsentRegistry.ContractDefinition;
using Ledger.Chain.Contracts.Consortium.ContractDefinition;
using Ledger.Chain.Contracts.FundFlowTracker.ContractDefinition;
using Ledger.Chain.Contracts.GuaranteeBook.ContractDefinition;
using Ledger.Chain.Contracts.LoanBook.ContractDefinition;
using Ledger.Chain.Contracts.RiskCompensationFund.ContractDefinition;
using Ledger.Chain.Transactions;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Deployment;

/// <summary>
/// Deploys and wires the Ledger suite exactly as scripts/lib/ledger.js <c>deployLedger</c> does — same contracts,
/// same order, same constructor arguments, then <c>ConsentRegistry.setAccessLog</c> — with the generated
/// deployment messages, through a <see cref="TransactionSender"/>.
/// </summary>
public static class LedgerDeployer
{
    /// <summary>Deploys the suite from <paramref name="sender"/>'s account.</summary>
    /// <param name="governors">Initial governors (at least one).</param>
    /// <param name="threshold">Approvals a proposal needs (1..governors).</param>
    /// <param name="network">Name written into the deployment file.</param>
    public static async Task<LedgerDeployment> DeployAsync(
        TransactionSender sender,
        IReadOnlyList<EthAddress> governors,
        int threshold,
        string network,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(governors);
        if (governors.Count == 0)
        {
            throw new ArgumentException("At least one governor is required.", nameof(governors));
        }
        var deploymentId = Guid.NewGuid().ToString("N");
        string Key(string step) => $"deploy:{deploymentId}:{step}";

        var consortium = await sender.DeployAsync(
            new ConsortiumDeployment { InitialGovernors = governors.Select(g => g.ToString()).ToList(), InitialThreshold = threshold },
            Key(LedgerContracts.Consortium), cancellationToken).ConfigureAwait(false);
        var consortiumAddress = Address(consortium);
        var registry = Address(await sender.DeployAsync(
            new ConsentRegistryDeployment { Consortium = consortiumAddress.ToString() },
            Key(LedgerContracts.ConsentRegistry), cancellationToken).ConfigureAwait(false));
        var accessLog = Address(await sender.DeployAsync(
            new AccessLogDeployment { Consortium = consortiumAddress.ToString(), Registry = registry.ToString() },
            Key(LedgerContracts.AccessLog), cancellationToken).ConfigureAwait(false));
        await sender.SendAsync(registry, new SetAccessLogFunction { Accesslog = accessLog.ToString() }, Key("setAccessLog"), cancellationToken).ConfigureAwait(false);
        var loanBook = Address(await sender.DeployAsync(
            new LoanBookDeployment { Consortium = consortiumAddress.ToString(), Registry = registry.ToString() },
            Key(LedgerContracts.LoanBook), cancellationToken).ConfigureAwait(false));
        var guaranteeBook = Address(await sender.DeployAsync(
            new GuaranteeBookDeployment { Consortium = consortiumAddress.ToString(), Loanbook = loanBook.ToString() },
            Key(LedgerContracts.GuaranteeBook), cancellationToken).ConfigureAwait(false));
        var fund = Address(await sender.DeployAsync(
            new RiskCompensationFundDeployment { Consortium = consortiumAddress.ToString(), Loanbook = loanBook.ToString(), Guaranteebook = guaranteeBook.ToString() },
            Key(LedgerContracts.RiskCompensationFund), cancellationToken).ConfigureAwait(false));
        var fundFlow = Address(await sender.DeployAsync(
            new FundFlowTrackerDeployment { Consortium = consortiumAddress.ToString(), Loanbook = loanBook.ToString() },
            Key(LedgerContracts.FundFlowTracker), cancellationToken).ConfigureAwait(false));

        var chainId = (await sender.Rpc.CallAsync(w => w.Eth.ChainId.SendRequestAsync(), cancellationToken).ConfigureAwait(false)).Value;
        return new LedgerDeployment
        {
            Network = network,
            ChainId = chainId,
            DeployBlock = consortium.BlockNumber,
            Deployer = sender.Account,
            Governors = governors.ToList(),
            Threshold = threshold,
            Addresses = new Dictionary<string, EthAddress>(StringComparer.Ordinal)
            {
                [LedgerContracts.Consortium] = consortiumAddress,
                [LedgerContracts.ConsentRegistry] = registry,
                [LedgerContracts.AccessLog] = accessLog,
                [LedgerContracts.LoanBook] = loanBook,
                [LedgerContracts.GuaranteeBook] = guaranteeBook,
                [LedgerContracts.RiskCompensationFund] = fund,
                [LedgerContracts.FundFlowTracker] = fundFlow,
            },
        };
    }

    private static EthAddress Address(TransactionOutcome outcome) =>
        outcome.ContractAddress ?? throw new InvalidOperationException($"Deployment transaction {outcome.TxHash} has no contract address in its receipt.");
}
