// The examples of src/Ledger.Sdk/README.md. Each `// region NAME` … `// endregion` below is copied verbatim (less its
// indentation) into the README under `<!-- example: NAME -->`; SdkReadmeTests checks that they match and runs every
// method against a real local consortium, so the README shows code that compiles and works.
#pragma warning disable CA1303 // the examples print plain sentences, as a bank's console tool would
#pragma warning disable CA1849 // Console.WriteLine in examples is fine

// region Usings
using System.Text;
using Ledger.Audit;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.TaxData;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Ledger.Sdk.Keys;
using Ledger.Sdk.Mapping;
using Ledger.Sdk.Tls;
// endregion

namespace Ledger.Cli.Tests.Sdk;

/// <summary>The SDK README's examples, one method each.</summary>
public static class SdkReadmeExamples
{
    /// <summary>A bank's software connects to its own node as the bank.</summary>
    public static async Task<NodeDetails> ConnectAsync(string keyStoreFile, string password, string bankNodeUrl, Hash32 bankNodePin)
    {
        // region Connect
        // The bank's operator key (signs every call) and encryption key (opens reports sealed to the bank),
        // from its encrypted key store; the password comes from the environment, never from a file or an argument.
        using var keys = NodeKeyStore.Load(keyStoreFile, password);
        using var identity = LedgerIdentity.FromKeys(OrgId.FromCode("bank.ccb.liuzhou"), keys);
        // Over TLS: the node's certificate must have the pin the bank registered for it on chain.
        using var bank = await LedgerConnection.ConnectAsync(bankNodeUrl, identity,
            new LedgerConnectionOptions { Tls = LedgerTlsOptions.Pinned(bankNodePin) });
        Console.WriteLine($"{bank.Info.Organization} ({bank.Info.Role}) on chain {bank.Info.ChainId} at block {bank.Info.LatestBlock}");
        // endregion
        return bank.Info;
    }

    /// <summary>The tax bureau's software imports a taxpayer and binds the enterprise's wallet account to it.</summary>
    public static async Task<EnterpriseHash> TaxBureauAsync(LedgerConnection taxNode, string taxpayersJsonLines, CreditCode creditCode, EnterpriseWallet wallet)
    {
        // region TaxBureau
        // Connected to its own node as the tax bureau: import taxpayers (JSON lines or CSV), then bind the
        // enterprise's wallet account to the salted hash of its credit code, on chain.
        var imported = await taxNode.Tax.ImportTaxDataAsync("jsonl", Encoding.UTF8.GetBytes(taxpayersJsonLines));
        Console.WriteLine($"{imported.Imported} imported, {imported.Rejected.Count} rejected");
        var (creditCodeHash, tx) = await taxNode.Tax.BindEnterpriseAsync(creditCode, wallet);
        Console.WriteLine($"{creditCode} is enterprise {creditCodeHash} (bound in block {tx.BlockNumber})");
        // endregion
        return creditCodeHash;
    }

    /// <summary>Consent: the bank's node prepares the terms, the enterprise signs them in its own wallet, the node relays the signature.</summary>
    public static async Task<ConsentId> GrantConsentAsync(LedgerConnection bank, EnterpriseWallet wallet)
    {
        // region Consent
        var request = new ConsentRequest(
            wallet.Address, OrgId.FromCode("bank.ccb.liuzhou"), OrgId.FromCode("tax.liuzhou"),
            Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices | Scopes.Judicial)
        {
            ValidFor = TimeSpan.FromDays(30),
            FetchCap = 5,
            DataLife = TimeSpan.FromDays(30),
        };
        // 1. prepare: the node fills in its defaults and returns the terms, their EIP-712 typed data and the consent id.
        var prepared = await bank.Consents.PrepareAsync(request);
        // 2. sign: in the enterprise's wallet, which recomputes the id from the terms first (the key never leaves it).
        byte[] signature = wallet.SignConsent(prepared.Terms, prepared.ConsentId, bank.ConsentDomain);
        // 3. submit: any member node relays the signature on chain, so the enterprise needs no gas.
        var (consentId, tx) = await bank.Consents.SubmitAsync(prepared.Terms, signature);
        Console.WriteLine($"consent {consentId} granted in block {tx.BlockNumber}");
        // endregion
        return consentId;
    }

    /// <summary>Data fetch: straight from the tax node (opened here), or through the bank's node (kept there for its data life).</summary>
    public static async Task<TaxReport> FetchDataAsync(LedgerConnection taxNode, LedgerConnection bank, ConsentId consentId)
    {
        // region FetchData
        // From the tax node, signed as the bank: the report arrives sealed to the bank's encryption key and is opened
        // here, after checking it against the response hash the tax node recorded in its access record.
        var (fetched, report) = await taxNode.Tax.FetchAndOpenAsync(new ReportRequest(consentId, Scopes.TaxCreditRating | Scopes.TaxPayments));
        Console.WriteLine($"{report.Name}: {report.Ratings?.Count} ratings, {report.Payments?.Count} payments; access record {fetched.AccessRecord.RecordHash}");

        // Or through the bank's own node, which keeps the report for the consent's data life and deletes it on revocation.
        var held = await bank.Bank.FetchDataAsync(consentId);
        Console.WriteLine($"held until {DateTimeOffset.FromUnixTimeMilliseconds((long)held.KeepUntilMs):u}");
        // endregion
        return report;
    }

    /// <summary>Lending through the bank's node: decide, disburse, repay.</summary>
    public static async Task<LoanDetails> LendAsync(LedgerConnection bank, ConsentId consentId, string contractNumber)
    {
        // region Lending
        // Decide with the bank's product table on the consented data; the decision is recorded on chain either way.
        var decision = await bank.Bank.DecideAsync(new DecisionRequest(consentId));
        Console.WriteLine($"{(decision.Approved ? "approved" : "declined")} with score {decision.Score}: {string.Join("; ", decision.Reasons)}");
        if (!decision.Approved)
        {
            throw new InvalidOperationException("declined");
        }
        // Disburse (at most the limit; the loan id derives from the bank's own contract number), then record repayments.
        var loan = await bank.Bank.DisburseAsync(new Disbursement(decision.DecisionHash, contractNumber, decision.LimitFen / 2, LoanPurpose.WorkingCapital));
        loan = await bank.Bank.RecordRepaymentAsync(loan.LoanId, principalFen: loan.AmountFen / 4, interestFen: 12_000);
        Console.WriteLine($"loan {loan.LoanId}: {loan.Status}, {loan.OutstandingFen} fen outstanding at {loan.RateBps} bps");
        // endregion
        return loan;
    }

    /// <summary>The enterprise revokes its consent.</summary>
    public static async Task<ChainTransaction> RevokeAsync(LedgerConnection bank, EnterpriseWallet wallet, ConsentId consentId)
    {
        // region Revoke
        // The node proposes a nonce and a deadline, the wallet signs the revocation it builds from them, the node relays it.
        var tx = await bank.Consents.RevokeAsync(wallet, consentId);
        Console.WriteLine($"consent {consentId} revoked from block {tx.BlockNumber}: every fetch checked at that block or later is refused");
        // endregion
        return tx;
    }

    /// <summary>The enterprise's own view at the tax node, signed with its own key: its consents and who used its data.</summary>
    public static async Task<(IReadOnlyList<ConsentDetails> Consents, EnterpriseAccesses Accesses)> EnterpriseViewAsync(string taxNodeUrl, Hash32 taxNodePin, EnterpriseWallet wallet)
    {
        // region EnterpriseSelf
        // The enterprise's key signs each call (never a member's); the tax node checks the chain binds it to a credit code.
        using var self = await EnterpriseConnection.ConnectAsync(taxNodeUrl, wallet,
            new LedgerConnectionOptions { Tls = LedgerTlsOptions.Pinned(taxNodePin) });
        foreach (var consent in await self.MyConsentsAsync())
        {
            Console.WriteLine($"{consent.ConsentId}: {consent.Consumer} {consent.Status}, {consent.FetchesInPeriod}/{consent.FetchCap} fetches");
        }
        var accesses = await self.MyAccessesAsync();
        foreach (var item in accesses.Records)
        {
            Console.WriteLine($"{item.Type} {item.Hash} anchored in block {item.Anchor.AnchoredInBlock}");
        }
        // endregion
        return (await self.MyConsentsAsync(), accesses);
    }

    /// <summary>The enterprise's whole trail, from the tax node and each consumer bank's node, each record checked against the chain.</summary>
    public static async Task<EnterpriseTrail> EnterpriseTrailAsync(string taxNodeUrl, Hash32 taxNodePin, EnterpriseWallet wallet, ITrailChain chain)
    {
        // region EnterpriseTrail
        // chain: your own view of the chain (ITrailChain: a member's endpoint and TLS pins, a batch's anchored root), never a node's word.
        var trail = await EnterpriseTrails.GatherAsync(taxNodeUrl, wallet, chain,
            new LedgerConnectionOptions { Tls = LedgerTlsOptions.Pinned(taxNodePin) });
        foreach (var entry in trail.Entries)
        {
            var verdict = entry.Status switch
            {
                TrailVerdict.Verified => $"anchored in block {entry.AnchoredInBlock}, proof checked",
                TrailVerdict.Pending => "pending",
                _ => "FAILED: " + entry.Problem,
            };
            Console.WriteLine($"{entry.TimeMs} {entry.What} {entry.Who} (kept by {entry.Source}): {verdict}");
        }
        // endregion
        return trail;
    }

    /// <summary>A refused call: the node's code, sentence and refusal record.</summary>
    public static async Task<LedgerRemoteException?> FetchRefusedAsync(LedgerConnection taxNode, ConsentId consentId)
    {
        // region Errors
        try
        {
            await taxNode.Tax.FetchReportAsync(new ReportRequest(consentId, Scopes.TaxCreditRating));
        }
        catch (LedgerRemoteException refused) when (refused.Category == ErrorCategory.FailedPrecondition)
        {
            // e.g. LEDGER-1230 after a revocation: the code, a sentence saying what to do, and the hash of the refusal
            // record the tax node kept (it is anchored like every access).
            Console.WriteLine($"{refused.Code}: {refused.Message} (refusal record {refused.RefusalRecord})");
            return refused;
        }
        // endregion
        return null;
    }

    /// <summary>A bank watches the alerts of one enterprise until the consent is revoked.</summary>
    public static async Task<LedgerAlert?> WatchAlertsAsync(LedgerConnection bank, EnterpriseHash enterprise)
    {
        // region Alerts
        // Every alert the node keeps for this enterprise ("0"), then live ones; only members exposed to the enterprise
        // (a loan, a guarantee or a valid consent) receive them. Resume after a reconnect with AfterId = the last id.
        using var stopping = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await foreach (var alert in bank.Alerts.StreamAsync(new AlertFilter { AfterId = "0", Enterprise = enterprise }, stopping.Token))
        {
            Console.WriteLine($"#{alert.Id} {alert.Kind}: {alert.Summary}");
            if (alert.Kind == AlertKind.ConsentRevoked)
            {
                return alert;
            }
        }
        // endregion
        return null;
    }

    /// <summary>An auditor's software: trail, bundle, and the bundle verified against the chain and offline.</summary>
    public static async Task<BundleVerificationResult> AuditAsync(LedgerConnection auditor, EnterpriseHash enterprise, string bundleFile, string rpcUrl)
    {
        // region Audit
        // Connected to the auditor node as the auditor: pull every member's records now, then the enterprise's trail,
        // each step verified against the chain (hash, inclusion proof, anchored root, consent, actor).
        await auditor.Audit.SyncAsync();
        var trail = await auditor.Audit.GetTrailAsync(AuditQuery.ForEnterprise(enterprise));
        foreach (var step in trail.Items)
        {
            Console.WriteLine($"{step.Kind,-16} {step.Status,-8} {step.Summary}");
        }

        // An offline audit bundle: records, proofs, roots and the chain events they rest on, in one file.
        var path = await auditor.Audit.SaveBundleAsync(AuditQuery.ForEnterprise(enterprise), bundleFile);

        // Anyone verifies it without a Ledger node (Ledger.Audit): against the chain, or offline.
        var online = await BundleVerifier.VerifyAsync(path, new VerificationMode.Online(rpcUrl));
        var offline = await BundleVerifier.VerifyAsync(path, new VerificationMode.Offline());
        Console.WriteLine($"{online.Summary} / {offline.Summary}");   // ExitCode: 0 verified, 1 failed, 2 unusable
        foreach (var problem in online.Problems)
        {
            Console.WriteLine(problem);   // each failing record named, and why
        }
        // endregion
        return online;
    }
}
