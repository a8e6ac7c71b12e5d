using System.Globalization;
using System.Numerics;
using Ledger.Bench.Report;
using Ledger.Bench.Setup;
using Ledger.Chain;
using Ledger.Chain.Abi;
using Ledger.Local;
using Ledger.Chain.Contracts.ConsentRegistry.ContractDefinition;
using Ledger.Chain.Transactions;
using Ledger.Core.Consent;
using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk;

namespace Ledger.Bench.Phases;

/// <summary>
/// Exact gas of each operation on the run's chain node: real transactions sent with <see cref="LedgerChainClient"/>
/// by members the bench admitted, and each receipt's <c>gasUsed</c>. Gas is deterministic for the same contracts,
/// state and inputs, so each operation is measured once.
/// </summary>
internal static class GasPhase
{
    public const long EasAttestGas = 274_000;
    public static readonly int[] BatchSizes = [1, 64, 256, 1024, 4096];

    public static async Task<GasSection> RunAsync(BenchConsortium bench, Action<string> log, CancellationToken ct)
    {
        var section = new GasSection { EasAttestGas = EasAttestGas };
        var tax = bench.TaxGas.Chain!;
        var bank = bench.BankGas.Chain!;
        var guarantor = bench.GuarantorGas.Chain!;
        var deployment = bench.Local.Deployment;
        var registry = deployment[LedgerContracts.ConsentRegistry];
        void Add(string area, string op, TransactionOutcome outcome, string note = "")
        {
            var gas = (long)outcome.Receipt.GasUsed.Value;
            section.Operations.Add(new OperationGas { Area = area, Operation = op, Gas = gas, EasRatio = Math.Round(EasAttestGas / (double)gas, 1), Note = note });
            log($"  {area}: {op} {gas.ToString("N0", CultureInfo.InvariantCulture)} gas");
        }

        // Consents: an enterprise that pays its own grant (a funded dev account) and one whose grants are relayed.
        var direct = bench.DevClient(BenchConsortium.DirectEnterpriseDevAccount);
        using var directSender = direct.Sender;
        using var relayedWallet = EnterpriseWallet.Generate();
        var directHash = new EnterpriseHash(Keccak.Hash("bench/enterprise/direct"));
        var relayedHash = new EnterpriseHash(Keccak.Hash("bench/enterprise/relayed"));
        Add("Consent", "bindEnterprise (relayed by the bureau, the account's EIP-712 signature checked)",
            await tax.BindEnterpriseWithKeyAsync(DevAccounts.PrivateKey(BenchConsortium.DirectEnterpriseDevAccount), directHash, cancellationToken: ct).ConfigureAwait(false));
        await tax.BindEnterpriseWithKeyAsync(relayedWallet.ExportPrivateKey(), relayedHash, cancellationToken: ct).ConfigureAwait(false);
        var (_, now) = await tax.LatestBlockAsync(ct).ConfigureAwait(false);

        var directTerms = BenchConsortium.GasTerms(direct.Account, directHash, bench.BankGas.Org, bench.TaxGas.Org, now, BigInteger.One);
        Add("Consent", "grantConsent (direct: the enterprise sends and pays; its first consent)",
            await direct.Sender.SendAsync(registry, new GrantConsentFunction { Terms = LedgerChainClient.ToDto(directTerms) }, cancellationToken: ct).ConfigureAwait(false));
        var directId = directTerms.IdIn(deployment.ConsentDomain);

        var relayedTerms = BenchConsortium.GasTerms(relayedWallet.Address, relayedHash, bench.BankGas.Org, bench.TaxGas.Org, now, BigInteger.One);
        Add("Consent", "grantConsentBySig (relayed by the bank; the enterprise's first consent)",
            await bank.Sender.SendAsync(registry, new GrantConsentBySigFunction
            {
                Terms = LedgerChainClient.ToDto(relayedTerms),
                Signature = relayedWallet.SignConsent(relayedTerms, deployment.ConsentDomain),
            }, cancellationToken: ct).ConfigureAwait(false), "target < 150,000 (docs/gas.md)");
        var consent = relayedTerms.IdIn(deployment.ConsentDomain);

        var laterTerms = BenchConsortium.GasTerms(relayedWallet.Address, relayedHash, bench.BankGas.Org, bench.TaxGas.Org, now, new BigInteger(2));
        Add("Consent", "grantConsentBySig (relayed; a later consent of the same enterprise)",
            await bank.Sender.SendAsync(registry, new GrantConsentBySigFunction
            {
                Terms = LedgerChainClient.ToDto(laterTerms),
                Signature = relayedWallet.SignConsent(laterTerms, deployment.ConsentDomain),
            }, cancellationToken: ct).ConfigureAwait(false));
        var laterId = laterTerms.IdIn(deployment.ConsentDomain);

        Add("Consent", "revokeConsent (direct: the enterprise sends)", await direct.RevokeConsentAsync(directId, cancellationToken: ct).ConfigureAwait(false));
        var revocation = new ConsentRevocation(laterId, new BigInteger(99), new BigInteger(now + 86_400));
        Add("Consent", "revokeConsentBySig (relayed)",
            await bank.RevokeConsentBySigAsync(revocation, relayedWallet.SignRevocation(revocation, deployment.ConsentDomain), cancellationToken: ct).ConfigureAwait(false));

        // Strong mode: one transaction per access (the registry checks and counts the consent).
        var strong = new List<TransactionOutcome>();
        for (var i = 0; i < 3; i++)
        {
            strong.Add(await tax.RecordAccessAsync(consent, bench.BankGas.Org, BenchConsortium.ReportScopes,
                Keccak.Hash($"bench/request/{i}"), Keccak.Hash($"bench/response/{i}"), cancellationToken: ct).ConfigureAwait(false));
        }
        Add("Access log", "recordAccess (strong mode: one transaction per access)", strong[^1],
            $"first access of a consent: {((long)strong[0].Receipt.GasUsed.Value).ToString("N0", CultureInfo.InvariantCulture)}");

        // Batch mode: one anchor per batch, whatever its size.
        var random = new Random(5);
        var sequence = 1_000_000UL;
        foreach (var n in BatchSizes)
        {
            var hashes = new Hash32[n];
            var bytes = new byte[32];
            for (var i = 0; i < n; i++)
            {
                random.NextBytes(bytes);
                hashes[i] = new Hash32(bytes);
            }
            var tree = StandardMerkleTree.Of(hashes);
            var batchId = BatchId.For(bench.TaxGas.Org, ++sequence);
            var outcome = await tax.AnchorAsync(batchId, tree.Root, (uint)n, BatchKind.AccessRecords,
                $"ledger://{bench.TaxGas.Org.Code}/batches/{sequence}", cancellationToken: ct).ConfigureAwait(false);
            var probe = n / 2;
            var proof = tree.GetProof(probe);
            var verified = await tax.VerifyRecordAsync(bench.TaxGas.Org, batchId, new RecordHash(hashes[probe]), proof, ct).ConfigureAwait(false);
            var gas = (long)outcome.Receipt.GasUsed.Value;
            section.Anchors.Add(new AnchorGas
            {
                Records = n,
                Gas = gas,
                GasPerRecord = Math.Round(gas / (double)n, 1),
                EasRatio = Math.Round(EasAttestGas / (gas / (double)n), 0),
                ProofLength = proof.Length,
                ProofVerifiedOnChain = verified,
            });
            log($"  anchor of {n,5} records: {gas.ToString("N0", CultureInfo.InvariantCulture)} gas = {gas / (double)n:F1} per record (proof of {proof.Length} verified on chain: {verified})");
        }

        // Lending on the relayed consent: decision, disbursement (R&D), guarantee, fund-flow entries.
        var decision = new DecisionHash(Keccak.Hash("bench/decision/1"));
        Add("Lending", "recordDecision", await bank.RecordDecisionAsync(decision, consent, true, cancellationToken: ct).ConfigureAwait(false));
        var loan = LoanId.FromReference(bench.BankGas.Org, "bench-loan-1");
        Add("Lending", "disburse (R&D loan)", await bank.DisburseAsync("bench-loan-1", decision, ProductCode.FromCode("SHUIYIDAI"), 100_000_000, 385, 12, LoanPurpose.RnD, cancellationToken: ct).ConfigureAwait(false));
        Add("Guarantee", "inviteGuarantor", await bank.InviteGuarantorAsync(loan, bench.GuarantorGas.Org, 5_000, 1_000_000, cancellationToken: ct).ConfigureAwait(false));
        Add("Guarantee", "guaranteeLoan (single guarantor, invited)", await guarantor.GuaranteeLoanAsync(loan, 5000, 1_000_000, cancellationToken: ct).ConfigureAwait(false));
        Add("R&D fund flow", "openFundFlow", await bank.OpenFundFlowAsync(loan, 3000, cancellationToken: ct).ConfigureAwait(false));
        var flows = new List<TransactionOutcome>();
        for (var i = 0; i < 3; i++)
        {
            flows.Add(await tax.RecordSpendingAsync(loan, (SpendCategory)(i % 3), 1_000_000, Keccak.Hash($"bench/counterparty/{i}"), Keccak.Hash($"bench/evidence/{i}"), cancellationToken: ct).ConfigureAwait(false));
        }
        Add("R&D fund flow", "recordSpending (fund-flow entry)", flows[^1],
            $"first entry of a loan: {((long)flows[0].Receipt.GasUsed.Value).ToString("N0", CultureInfo.InvariantCulture)}");
        return section;
    }
}
