using System.Diagnostics;
using System.Globalization;
using Ledger.Audit;
using Ledger.Core.Consent;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Scoring;
using Ledger.Local;
using Ledger.Sdk;

namespace Ledger.Cli.Demo;

/// <summary>Settings of the demo scenario.</summary>
public sealed record DemoOptions
{
    /// <summary>Enterprises the tax bureau binds (each gets a wallet and consents).</summary>
    public int Enterprises { get; init; } = 50;

    /// <summary>Seed of the synthetic taxpayers (the same seed, the same enterprises and ratings).</summary>
    public int Seed { get; init; } = 2026;

    /// <summary>Where the audit bundle is written.</summary>
    public string BundleFile { get; init; } = Path.Combine("out", "audit-bundle.json");

    /// <summary>How long to wait for an asynchronous effect (an alert, an anchor, a deletion) before the check fails.</summary>
    public TimeSpan EffectTimeout { get; init; } = TimeSpan.FromSeconds(45);
}

/// <summary>The demo's outcome: every check, the bundle written, the program statistics and how long it took.</summary>
public sealed record DemoOutcome(IReadOnlyList<DemoCheck> Checks, string? BundleFile, AuditStatistics? Statistics, TimeSpan Elapsed)
{
    /// <summary>True when there were checks and every one held.</summary>
    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);
}

/// <summary>
/// The 银税互动 scenario of <c>ledger demo</c>, through the SDK against a running <see cref="LocalConsortium"/> (one tax
/// node, two banks, a guarantor, a regulator and an auditor, each its own process):
/// <list type="number">
/// <item>the members governance admitted answer as who they are;</item>
/// <item>each enterprise's wallet signs its binding to its credit code and the tax bureau relays it;</item>
/// <item>each enterprise signs consents (varied scopes, validity, fetch caps and data life) that its bank relays;</item>
/// <item>the banks fetch, score and decide; approved loans are disbursed (an A rating gets the lower rate), one as an
/// R&amp;D loan with a fund-flow ledger, and some are repaid in part;</item>
/// <item>an enterprise revokes: the bank's next fetch is refused, the bank deletes what it held and anchors a receipt;</item>
/// <item>the R&amp;D loan's spending drifts to non-R&amp;D: the alert reaches the bank and the guarantor;</item>
/// <item>a guaranteed loan defaults: the guarantor pays loss × coverage, the fund pays the rest × its ratio;</item>
/// <item>the auditor verifies every record and every enterprise's trail, prints the program statistics, and writes an
/// audit bundle that is then verified on its own, against the chain and offline.</item>
/// </list>
/// Every step ends in checks; the outcome passes only when all of them hold. A step that throws fails its check and
/// ends the scenario (later steps depend on it).
/// </summary>
public sealed class DemoScenario
{
    private static readonly ProductCode Shuiyidai = ProductCode.FromCode("SHUIYIDAI");

    private readonly LocalConsortium _consortium;
    private readonly DemoOptions _options;
    private readonly IDemoNarrator _narrator;
    private readonly List<DemoCheck> _checks = [];
    private readonly List<Enterprise> _enterprises = [];
    private readonly List<Lent> _loans = [];
    private readonly Dictionary<string, LedgerConnection> _connections = [];
    private int _step;

    private string TaxOrg => _consortium.NodesOf(Role.TaxBureau).First().Spec.Org;
    private IReadOnlyList<string> BankOrgs => [.. _consortium.NodesOf(Role.Bank).Select(n => n.Spec.Org)];
    private string GuarantorOrg => _consortium.NodesOf(Role.Guarantor).First().Spec.Org;
    private string RegulatorOrg => _consortium.NodesOf(Role.Regulator).First().Spec.Org;
    private string AuditorOrg => _consortium.NodesOf(Role.Auditor).First().Spec.Org;

    /// <summary>A scenario over a started consortium (which must have a tax node, two banks, a guarantor, a regulator and an auditor).</summary>
    public DemoScenario(LocalConsortium consortium, DemoOptions options, IDemoNarrator narrator)
    {
        ArgumentNullException.ThrowIfNull(consortium);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(narrator);
        _consortium = consortium;
        _options = options;
        _narrator = narrator;
    }

    /// <summary>The topology the scenario needs, as a sentence; null when <paramref name="consortium"/> has it.</summary>
    public static string? MissingRoles(LocalConsortium consortium)
    {
        ArgumentNullException.ThrowIfNull(consortium);
        var missing = new List<string>();
        foreach (var (role, count, word) in new[] { (Role.TaxBureau, 1, "a tax node"), (Role.Bank, 2, "two bank nodes"), (Role.Guarantor, 1, "a guarantor node"), (Role.Regulator, 1, "a regulator node"), (Role.Auditor, 1, "an auditor node") })
        {
            if (consortium.NodesOf(role).Count() < count)
            {
                missing.Add(word);
            }
        }
        return missing.Count == 0 ? null : "The demo needs " + string.Join(", ", missing) + "; start the default topology.";
    }

    /// <summary>Runs the scenario; never throws for a failed step (it becomes a failed check), only for cancellation.</summary>
    public async Task<DemoOutcome> RunAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        AuditStatistics? statistics = null;
        string? bundle = null;
        try
        {
            if (MissingRoles(_consortium) is { } missing)
            {
                Check(false, "the consortium has the demo's topology", missing);
                return Outcome();
            }
            var steps = new (string Title, Func<CancellationToken, Task> Run)[]
            {
                ("Governance admitted the members; each node answers as its member", MembersAsync),
                ($"{_options.Enterprises} enterprises sign their bindings and the tax bureau relays them to their credit codes", BindAsync),
                ("Enterprises sign consents; their banks relay them on chain", ConsentAsync),
                ("Banks fetch the consented tax data, score it and lend", LendAsync),
                ("An enterprise revokes its consent", RevokeAsync),
                ("An R&D loan's spending drifts to non-R&D", DriftAsync),
                ("A guaranteed loan defaults", DefaultAsync),
                ("The auditor verifies the ledger", async ct => (statistics, bundle) = await AuditAsync(ct).ConfigureAwait(false)),
            };
            foreach (var (title, run) in steps)
            {
                _narrator.BeginStep(++_step, title);
                try
                {
                    await run(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    var code = ex is LedgerException ledger ? ledger.Code + ": " : "";
                    Check(false, $"step {_step} ran to its end", code + ex.Message);
                    break;
                }
            }
        }
        finally
        {
            foreach (var connection in _connections.Values)
            {
                connection.Dispose();
            }
            foreach (var enterprise in _enterprises)
            {
                enterprise.Wallet.Dispose();
            }
        }
        return Outcome();

        DemoOutcome Outcome() => new(_checks, bundle, statistics, clock.Elapsed);
    }

    // ------------------------------------------------------------------ 1. members

    private async Task MembersAsync(CancellationToken cancellationToken)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var node in _consortium.Nodes)
        {
            var connection = await ConnectAsync(node.Spec.Org, cancellationToken).ConfigureAwait(false);
            var info = await connection.Node.GetInfoAsync(cancellationToken).ConfigureAwait(false);
            var expected = LocalRoles.Word(node.Role);
            // Membership as the chain has it (what every node checks callers against), read by a governor's client.
            var (org, role, status) = await _consortium.DevGovernor(2).OperatorOrgAsync(info.Operator, cancellationToken).ConfigureAwait(false);
            Check(info.Organization.Code == node.Spec.Org && info.Role == expected && org.Code == node.Spec.Org && role == node.Role && status == MemberStatus.Active,
                $"{node.Spec.Org} answers as its member, an active {expected} on chain", $"{node.Url}, operator {Short(info.Operator.ToString())}, chain {info.ChainId}");
            rows.Add([node.Spec.Org, node.Spec.Name, expected, node.Url, Short(info.Operator.ToString()), info.StrongMode ? "strong" : "batched"]);
        }
        _narrator.Table(["Org", "Name", "Role", "Endpoint", "Operator", "Anchoring"], rows);
    }

    // ------------------------------------------------------------------ 2. enterprises

    private async Task BindAsync(CancellationToken cancellationToken)
    {
        var tax = await ConnectAsync(TaxOrg, cancellationToken).ConfigureAwait(false);
        var taxpayers = await tax.Tax.ListEnterprisesAsync((uint)Math.Max(_options.Enterprises * 2, 100), cancellationToken).ConfigureAwait(false);
        if (taxpayers.Count < _options.Enterprises)
        {
            var generated = await tax.Tax.GenerateSyntheticDataAsync((uint)(_options.Enterprises - taxpayers.Count), (ulong)_options.Seed, cancellationToken).ConfigureAwait(false);
            _narrator.Say($"The tax node generated {generated.Imported} synthetic taxpayers.");
            taxpayers = await tax.Tax.ListEnterprisesAsync((uint)Math.Max(_options.Enterprises * 2, 100), cancellationToken).ConfigureAwait(false);
        }
        var chosen = taxpayers.Where(t => t.BoundAccount is null).Take(_options.Enterprises).ToList();
        var bound = await ParallelAsync("binding enterprises", chosen, 8, async (summary, ct) =>
        {
            var wallet = EnterpriseWallet.Generate();
            var (hash, tx) = await tax.Tax.BindEnterpriseAsync(summary.CreditCode, wallet, ct).ConfigureAwait(false);
            return new Enterprise(summary, wallet, hash, tx.BlockNumber);
        }, cancellationToken).ConfigureAwait(false);
        _enterprises.AddRange(bound.OrderBy(e => e.Summary.CreditCode.ToString(), StringComparer.Ordinal));

        Check(_enterprises.Count == _options.Enterprises, $"{_options.Enterprises} enterprises bound on chain",
            $"blocks {_enterprises.Min(e => e.BoundInBlock)}–{_enterprises.Max(e => e.BoundInBlock)}; each on its wallet's own EIP-712 signature; only salted credit-code hashes are on chain");
        Check(_enterprises.All(e => e.Hash == e.Summary.CreditCodeHash), "each binding names the enterprise the tax node keeps",
            "the chain's enterprise hash equals the node's salted hash of the credit code");
        var mix = _enterprises.GroupBy(e => e.Rating?.ToString() ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        _narrator.Say("Tax credit ratings: " + string.Join(", ", mix) + ".");
    }

    // ------------------------------------------------------------------ 3. consents

    private async Task ConsentAsync(CancellationToken cancellationToken)
    {
        var banks = BankOrgs;
        var requests = new List<(Enterprise Enterprise, string Bank, ConsentRequest Request, bool Lending)>();
        for (var i = 0; i < _enterprises.Count; i++)
        {
            var e = _enterprises[i];
            var bank = banks[i % banks.Count];
            // Varied terms: every lending consent reads ratings, payments and judicial records (the products decline
            // enforcement cases, and a factor whose data was not consented is not assessed, never clean); some add
            // invoices or social insurance; validity 90 days to a year; fetch caps 3 to 12; data life 30 or 90 days.
            var scopes = Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Judicial | (i % 3 == 0 ? Scopes.Invoices : 0) | (i % 4 == 1 ? Scopes.SocialInsurance : 0);
            requests.Add((e, bank, Request(e, bank, scopes, validDays: 90 + (i % 4 * 90), fetchCap: (uint)(3 + (i % 10)), dataLifeDays: i % 2 == 0 ? 30 : 90), true));
            if (i % 5 == 4)
            {
                // Every fifth enterprise also lets the other bank see its rating only, for a week.
                var other = banks[(i + 1) % banks.Count];
                requests.Add((e, other, Request(e, other, Scopes.TaxCreditRating, validDays: 7, fetchCap: 2, dataLifeDays: 7), false));
            }
        }
        var granted = await ParallelAsync("signing and relaying consents", requests, 8, async (r, ct) =>
        {
            var connection = await ConnectAsync(r.Bank, ct).ConfigureAwait(false);
            var (id, terms, tx) = await connection.Consents.GrantAsync(r.Enterprise.Wallet, r.Request, ct).ConfigureAwait(false);
            return (r.Enterprise, r.Bank, Id: id, Terms: terms, r.Lending, tx.BlockNumber);
        }, cancellationToken).ConfigureAwait(false);
        foreach (var g in granted.Where(g => g.Lending))
        {
            g.Enterprise.Bank = g.Bank;
            g.Enterprise.Consent = g.Id;
        }
        foreach (var g in granted.Where(g => !g.Lending))
        {
            g.Enterprise.ExtraConsent = (g.Bank, g.Id);
        }

        Check(granted.Count == requests.Count, $"{requests.Count} consents signed by the enterprises and relayed by the banks",
            $"EIP-712 signatures bound to chain {_consortium.Deployment.ChainId} and the consent registry; blocks {granted.Min(g => g.BlockNumber)}–{granted.Max(g => g.BlockNumber)}");
        foreach (var bank in banks)
        {
            var connection = await ConnectAsync(bank, cancellationToken).ConfigureAwait(false);
            var expected = granted.Where(g => g.Bank == bank).Select(g => g.Id).ToHashSet();
            var seen = await EventuallyAsync(async ct =>
            {
                var listed = await connection.Consents.ListAsync(new ConsentFilter { Consumer = OrgId.FromCode(bank), ActiveOnly = true }, ct).ConfigureAwait(false);
                var active = listed.Where(c => expected.Contains(c.ConsentId) && c.Status == ConsentStatus.Active).ToList();
                return active.Count == expected.Count ? active : null;
            }, $"{bank} to list its {expected.Count} consents as active", cancellationToken).ConfigureAwait(false);
            Check(seen is not null, $"{bank} sees its {expected.Count} consents active on chain",
                seen is null ? "not every consent was listed as active in time" : $"scopes {string.Join(", ", seen.Select(c => c.Scopes).Distinct().Select(Describe))}");
        }
        _narrator.Table(["Consumer", "Consents", "Scopes", "Valid for", "Fetch caps", "Data life"],
            requests.GroupBy(r => r.Bank).Select(g => (IReadOnlyList<string>)
            [
                g.Key,
                g.Count().ToString(CultureInfo.InvariantCulture),
                string.Join(" / ", g.Select(r => Describe(r.Request.Scopes)).Distinct()),
                string.Join(", ", g.Select(r => r.Request.ValidFor!.Value.TotalDays).Distinct().Order().Select(d => d.ToString(CultureInfo.InvariantCulture) + " d")),
                string.Join(", ", g.Select(r => r.Request.FetchCap!.Value).Distinct().Order()),
                string.Join(", ", g.Select(r => r.Request.DataLife!.Value.TotalDays).Distinct().Order().Select(d => d.ToString(CultureInfo.InvariantCulture) + " d")),
            ]));

        ConsentRequest Request(Enterprise e, string bank, Scopes scopes, int validDays, uint fetchCap, int dataLifeDays) =>
            new(e.Wallet.Address, OrgId.FromCode(bank), OrgId.FromCode(TaxOrg), scopes)
            {
                ValidFor = TimeSpan.FromDays(validDays),
                FetchCap = fetchCap,
                DataLife = TimeSpan.FromDays(dataLifeDays),
            };
    }

    // ------------------------------------------------------------------ 4. lending

    private async Task LendAsync(CancellationToken cancellationToken)
    {
        var decided = await ParallelAsync("fetching, scoring, deciding", _enterprises, 4, async (e, ct) =>
        {
            var bank = await ConnectAsync(e.Bank!, ct).ConfigureAwait(false);
            var decision = await bank.Bank.DecideAsync(new DecisionRequest(e.Consent!.Value), ct).ConfigureAwait(false);
            return (Enterprise: e, Decision: decision);
        }, cancellationToken).ConfigureAwait(false);

        // One approved enterprise of the first bank (A-rated if any) borrows for R&D (its spending is tracked); the rest for
        // working capital, at the limit offered.
        var firstBank = BankOrgs[0];
        var rnd = decided.Where(d => d.Decision.Approved && d.Enterprise.Bank == firstBank)
            .OrderBy(d => d.Decision.Rating == TaxCreditRating.A ? 0 : 1).Select(d => d.Enterprise).FirstOrDefault();
        var approved = decided.Where(d => d.Decision.Approved).ToList();
        var lent = await ParallelAsync("disbursing", approved, 4, async (d, ct) =>
        {
            var bank = await ConnectAsync(d.Enterprise.Bank!, ct).ConfigureAwait(false);
            var purpose = d.Enterprise == rnd ? LoanPurpose.RnD : LoanPurpose.WorkingCapital;
            var reference = string.Create(CultureInfo.InvariantCulture, $"{(purpose == LoanPurpose.RnD ? "RND" : "WC")}-2026-{_enterprises.IndexOf(d.Enterprise) + 1:000}");
            var loan = await bank.Bank.DisburseAsync(new Disbursement(d.Decision.DecisionHash, reference, d.Decision.LimitFen, purpose)
            {
                MaxNonRndBps = purpose == LoanPurpose.RnD ? (ushort)2_000 : (ushort)0,
            }, ct).ConfigureAwait(false);
            return new Lent(d.Enterprise, d.Decision, loan);
        }, cancellationToken).ConfigureAwait(false);
        _loans.AddRange(lent.OrderBy(l => l.Loan.LoanId.ToString(), StringComparer.Ordinal));

        _narrator.Table(["Rating", "Decisions", "Approved", "Product", "Rate", "Limits"],
            decided.GroupBy(d => d.Decision.Rating?.ToString() ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
            {
                var yes = g.Where(d => d.Decision.Approved).ToList();
                return (IReadOnlyList<string>)
                [
                    g.Key,
                    g.Count().ToString(CultureInfo.InvariantCulture),
                    yes.Count.ToString(CultureInfo.InvariantCulture),
                    string.Join(", ", yes.Select(d => d.Decision.Product?.ToString()).Distinct()),
                    string.Join(", ", yes.Select(d => d.Decision.RateBps).Distinct().Order().Select(Yuan.Percent)),
                    yes.Count == 0 ? "-" : $"{Yuan.Of(yes.Min(d => d.Decision.LimitFen))} – {Yuan.Of(yes.Max(d => d.Decision.LimitFen))}",
                ];
            }));
        var declined = decided.Where(d => !d.Decision.Approved).Take(1).ToList();
        foreach (var d in declined)
        {
            _narrator.Say($"A decline, with its reasons (kept off chain, hashed into the decision record): {string.Join("; ", d.Decision.Reasons)}");
        }

        Check(decided.Count == _enterprises.Count && decided.All(d => d.Decision.Transaction.BlockNumber > 0),
            $"{decided.Count} credit decisions recorded on chain", $"{approved.Count} approved, {decided.Count - approved.Count} declined");
        Check(lent.Count == approved.Count && lent.All(l => l.Loan.Status == LoanStatus.Active && l.Loan.Enterprise == l.Enterprise.Hash),
            $"{lent.Count} loans disbursed on chain, each to the enterprise decided on", $"{Yuan.Of(lent.Aggregate(UInt128.Zero, (s, l) => s + l.Loan.AmountFen))} in total");
        // For each product that lent to both A- and B-rated enterprises, every A rate is below every B rate.
        var compared = approved.Where(d => d.Decision.Product is not null).GroupBy(d => d.Decision.Product!.Value)
            .Select(g => (Product: g.Key,
                A: g.Where(d => d.Decision.Rating == TaxCreditRating.A).Select(d => d.Decision.RateBps).ToList(),
                B: g.Where(d => d.Decision.Rating == TaxCreditRating.B).Select(d => d.Decision.RateBps).ToList()))
            .Where(p => p.A.Count > 0 && p.B.Count > 0)
            .ToList();
        Check(compared.Count > 0 && compared.All(p => p.A.Max() < p.B.Min()), "an A-rated enterprise gets the lower rate",
            compared.Count == 0 ? "the run approved no A and B pair of the same product; run with more enterprises"
                : string.Join("; ", compared.Select(p => $"{p.Product}: A {Yuan.Percent(p.A.Max())} against B {Yuan.Percent(p.B.Min())}")));
        Check(!approved.Any(d => d.Decision.Rating is TaxCreditRating.C or TaxCreditRating.D),
            "no C- or D-rated enterprise is lent to", $"{decided.Count(d => d.Decision.Rating is TaxCreditRating.C or TaxCreditRating.D)} C/D declined");
        Check(rnd is not null, "an R&D loan is disbursed with its fund-flow ledger opened (non-R&D at most 20 %)",
            rnd is null ? "the first bank approved no enterprise" : $"loan {Short(_loans.First(l => l.Enterprise == rnd).Loan.LoanId.ToString())}");

        // Repayments on a few working-capital loans.
        var repaying = _loans.Where(l => l.Loan.Purpose == LoanPurpose.WorkingCapital).Take(6).ToList();
        foreach (var l in repaying)
        {
            var bank = await ConnectAsync(l.Enterprise.Bank!, cancellationToken).ConfigureAwait(false);
            var monthlyInterest = l.Loan.AmountFen * l.Loan.RateBps / 10_000 / 12;
            l.Loan = await bank.Bank.RecordRepaymentAsync(l.Loan.LoanId, l.Loan.AmountFen / 10, monthlyInterest, cancellationToken).ConfigureAwait(false);
        }
        Check(repaying.All(l => l.Loan.OutstandingFen == l.Loan.AmountFen - (l.Loan.AmountFen / 10)),
            $"{repaying.Count} repayments recorded; outstanding amounts follow", "10 % of principal each, with a month's interest");
    }

    // ------------------------------------------------------------------ 5. revocation

    private async Task RevokeAsync(CancellationToken cancellationToken)
    {
        // The first bank's first enterprise that borrowed working capital: the bank holds its report.
        var firstBank = BankOrgs[0];
        var lent = _loans.First(l => l.Enterprise.Bank == firstBank && l.Loan.Purpose == LoanPurpose.WorkingCapital);
        var e = lent.Enterprise;
        var consent = e.Consent!.Value;
        var bank = await ConnectAsync(firstBank, cancellationToken).ConfigureAwait(false);
        var held = (await bank.Bank.ListHeldDataAsync(includeDeleted: false, cancellationToken).ConfigureAwait(false)).Where(h => h.ConsentId == consent).ToList();
        Check(held.Count > 0, $"{firstBank} holds {e.Name}'s report under the consent", $"kept until {Time(held.Select(h => h.KeepUntilMs).DefaultIfEmpty(0UL).Max())} (its data life)");

        var revocation = await bank.Consents.RevokeAsync(e.Wallet, consent, cancellationToken).ConfigureAwait(false);
        _narrator.Say($"{e.Name} signed a revocation of consent {Short(consent.ToString())}; {firstBank} relayed it (block {revocation.BlockNumber}).");
        Revoked = (e, consent);

        // The tax node checks consents as of the latest block it has seen; wait until it has seen the revocation's.
        var tax = await ConnectAsync(TaxOrg, cancellationToken).ConfigureAwait(false);
        await EventuallyAsync(async ct => (await tax.Node.GetInfoAsync(ct).ConfigureAwait(false)).LatestBlock >= revocation.BlockNumber ? "" : null,
            "the tax node to see the revocation's block", cancellationToken).ConfigureAwait(false);
        var taxAsBank = await ConnectAsync(TaxOrg, cancellationToken, asOrg: firstBank).ConfigureAwait(false);
        LedgerRemoteException? refused = null;
        try
        {
            await taxAsBank.Tax.FetchReportAsync(new ReportRequest(consent, Scopes.TaxCreditRating), cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerRemoteException ex)
        {
            refused = ex;
        }
        Check(refused is { Category: ErrorCategory.FailedPrecondition, RefusalRecord: not null },
            $"{firstBank}'s next fetch is refused by the tax node, and the refusal is recorded",
            refused is null ? "the fetch was answered" : $"{refused.Code}: {refused.Message} (refusal record {Short(refused.RefusalRecord?.ToString() ?? "none")})");

        var deleted = await EventuallyAsync(async ct =>
        {
            var all = await bank.Bank.ListHeldDataAsync(includeDeleted: true, ct).ConfigureAwait(false);
            var mine = all.Where(h => h.ConsentId == consent).ToList();
            return mine.Count > 0 && mine.All(h => h.Deleted && h.Cause == Core.Records.DeletionCause.ConsentRevoked && h.DeletionReceipt is { IsAnchored: true }) ? mine : null;
        }, $"{firstBank} to delete the data and anchor the receipt", cancellationToken).ConfigureAwait(false);
        Check(deleted is not null, $"{firstBank} deleted what it held and anchored a deletion receipt",
            deleted is null ? "no anchored deletion receipt in time" : string.Join("; ", deleted.Select(d => $"receipt {Short(d.DeletionReceipt!.RecordHash.ToString())} in batch {Short(d.DeletionReceipt.BatchId?.ToString() ?? "")} (block {d.DeletionReceipt.AnchoredInBlock})")));

        var alert = await FirstAlertAsync(bank, e.Hash, AlertKind.ConsentRevoked, a => a.Consent == consent, cancellationToken).ConfigureAwait(false);
        Check(alert is not null, $"{firstBank} is alerted to the revocation", alert?.Summary ?? "no alert in time");

        await MonitoringAsync(firstBank, bank, tax, cancellationToken).ConfigureAwait(false);
    }

    // No consent, no alert: two more of the first bank's customers are downgraded by the tax bureau; one of them granted
    // the bank a consent for post-loan monitoring of its rating, the other did not. Only the first reaches the bank,
    // and its delivery is an access record the enterprise sees.
    private async Task MonitoringAsync(string firstBank, LedgerConnection bank, LedgerConnection tax, CancellationToken cancellationToken)
    {
        // Two of the bank's customers (their consent for credit assessment went to it), the revoked one aside; with very
        // few enterprises, any two others.
        var others = _enterprises.Where(x => x != Revoked?.Enterprise).ToList();
        var customers = others.Where(x => x.Bank == firstBank).Concat(others.Where(x => x.Bank != firstBank)).Take(2).ToList();
        if (customers.Count < 2)
        {
            Check(false, $"{firstBank} has two more customers to monitor", $"{customers.Count} found");
            return;
        }
        var (watched, unwatched) = (customers[0], customers[1]);
        var (monitoring, _, granted) = await bank.Consents.GrantAsync(watched.Wallet,
            new ConsentRequest(watched.Wallet.Address, OrgId.FromCode(firstBank), OrgId.FromCode(TaxOrg), Scopes.TaxCreditRating)
            {
                Purpose = PurposeCodes.PostLoanMonitoring,
                ValidFor = TimeSpan.FromDays(365),
                FetchCap = 12,
                FetchPeriod = 30 * 24 * 3600,
                DataLife = TimeSpan.FromDays(30),
            }, cancellationToken).ConfigureAwait(false);
        _narrator.Say($"{watched.Name} granted {firstBank} a consent for post-loan monitoring of its rating ({Short(monitoring.ToString())}); {unwatched.Name} did not.");
        await EventuallyAsync(async ct => (await tax.Node.GetInfoAsync(ct).ConfigureAwait(false)).IndexedBlock >= granted.BlockNumber ? "" : null,
            "the tax node to index the monitoring consent", cancellationToken).ConfigureAwait(false);

        var bureau = await ConnectAsync(TaxOrg, cancellationToken, asOrg: TaxOrg).ConfigureAwait(false);
        var year = DateTime.UtcNow.Year;
        foreach (var e in new[] { unwatched, watched })
        {
            await bureau.Tax.UpdateRatingAsync(e.Summary.CreditCode, year, TaxCreditRating.A, cancellationToken).ConfigureAwait(false);
            await bureau.Tax.UpdateRatingAsync(e.Summary.CreditCode, year, TaxCreditRating.C, cancellationToken).ConfigureAwait(false);
        }

        // The unwatched enterprise was downgraded first: if the bank's first downgrade alert is the watched one's, the
        // other's never came.
        LedgerAlert? first = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_options.EffectTimeout);
            try
            {
                await foreach (var a in bank.Alerts.StreamAsync(new AlertFilter { AfterId = "0", Kinds = [AlertKind.RatingDowngrade] }, timeout.Token).ConfigureAwait(false))
                {
                    first = a;
                    break;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
        Check(first?.Enterprise == watched.Hash, $"the rating downgrade reaches {firstBank} under its monitoring consent",
            first is null ? "no downgrade alert in time" : first.Summary);
        Check(first?.Enterprise == watched.Hash, $"the other downgrade is withheld from {firstBank}: no monitoring consent, no alert",
            first is null ? "no downgrade alert at all" : first.Enterprise == watched.Hash ? $"{unwatched.Name}'s downgrade, raised first, never came" : $"{unwatched.Name}'s downgrade came");

        using var self = await EnterpriseConnection.ConnectAsync(tax.Address, watched.Wallet,
            new LedgerConnectionOptions { Tls = _consortium[TaxOrg].Tls }, cancellationToken).ConfigureAwait(false);
        var delivered = (await self.MyAccessesAsync(monitoring, cancellationToken).ConfigureAwait(false)).Records.Count(r => r.Record is Core.Records.AccessRecord);
        Check(delivered == 1, $"{watched.Name} sees the alert's delivery among the accesses to its data", $"{delivered} access record(s) under the monitoring consent");
    }

    private (Enterprise Enterprise, ConsentId Consent)? Revoked { get; set; }

    // ------------------------------------------------------------------ 6. R&D fund-flow drift

    private async Task DriftAsync(CancellationToken cancellationToken)
    {
        var rnd = _loans.First(l => l.Loan.Purpose == LoanPurpose.RnD);
        var bankOrg = rnd.Enterprise.Bank!;
        var bank = await ConnectAsync(bankOrg, cancellationToken).ConfigureAwait(false);
        var guarantor = await ConnectAsync(GuarantorOrg, cancellationToken).ConfigureAwait(false);
        var tax = await ConnectAsync(TaxOrg, cancellationToken).ConfigureAwait(false);
        var loan = rnd.Loan.LoanId;

        await bank.Bank.InviteGuarantorAsync(loan, OrgId.FromCode(GuarantorOrg), 5_000, rnd.Loan.AmountFen / 50, cancellationToken).ConfigureAwait(false);
        await guarantor.Guarantees.GuaranteeLoanAsync(loan, 6_000, rnd.Loan.AmountFen / 100, cancellationToken).ConfigureAwait(false);
        _narrator.Say($"{GuarantorOrg} guarantees the R&D loan {Short(loan.ToString())} of {Yuan.Of(rnd.Loan.AmountFen)} (60 % coverage, 1 % fee).");

        var amount = rnd.Loan.AmountFen;
        var entries = new (SpendCategory Category, UInt128 Amount, string Counterparty, string Document, bool ByTax)[]
        {
            (SpendCategory.RnDLabour, amount * 30 / 100, "研发人员工资", "PAY-RND-0001", false),
            (SpendCategory.RnDEquipment, amount * 20 / 100, "91450200MA5K0EQP01", "PAY-RND-0002", false),
            (SpendCategory.NonRnD, amount * 10 / 100, "91450200MA5K0CAR01", "INV-04500190-00012345", true),
            (SpendCategory.NonRnD, amount * 15 / 100, "91450200MA5K0EST01", "PAY-RND-0003", false),
        };
        var rows = new List<IReadOnlyList<string>>();
        SpendingOutcome? last = null;
        foreach (var entry in entries)
        {
            var recorder = entry.ByTax ? tax : bank;
            last = await recorder.FundFlow.RecordSpendingAsync(new SpendingEntry(loan, entry.Category, entry.Amount, entry.Counterparty, entry.Document), cancellationToken).ConfigureAwait(false);
            rows.Add([entry.Category.ToString(), Yuan.Of(entry.Amount), entry.ByTax ? $"{TaxOrg} (from an invoice)" : bankOrg, Yuan.Percent(last.NonRndShareBps), last.Deviated ? "DEVIATED" : "ok"]);
        }
        _narrator.Table(["Category", "Amount", "Recorded by", "Non-R&D share", "State"], rows);
        Check(last is { Deviated: true }, "the chain flags the loan once non-R&D spending passes 20 %",
            last is null ? "no entry" : $"non-R&D {Yuan.Percent(last.NonRndShareBps)} after {entries.Length} entries (FundFlowDeviated)");

        foreach (var (org, connection) in new[] { (bankOrg, bank), (GuarantorOrg, guarantor) })
        {
            var alert = await FirstAlertAsync(connection, rnd.Enterprise.Hash, AlertKind.FundFlowDeviation, a => a.Loan == loan, cancellationToken).ConfigureAwait(false);
            Check(alert is not null, $"the fund-flow alert reaches {org}", alert?.Summary ?? "no alert in time");
        }
    }

    // ------------------------------------------------------------------ 7. default, guarantee payout, compensation

    private async Task DefaultAsync(CancellationToken cancellationToken)
    {
        var regulator = await ConnectAsync(RegulatorOrg, cancellationToken).ConfigureAwait(false);
        var guarantor = await ConnectAsync(GuarantorOrg, cancellationToken).ConfigureAwait(false);
        var revoked = Revoked?.Enterprise;
        // A 税易贷 working-capital loan of the second bank when there is one; with few enterprises (--enterprises 10) the
        // scorecard may have granted only another product, and the fund then covers that one.
        var lent = _loans.Where(l => l.Loan.Purpose == LoanPurpose.WorkingCapital && l.Enterprise != revoked)
            .OrderBy(l => l.Loan.Product == Shuiyidai ? 0 : 1).ThenBy(l => l.Enterprise.Bank == BankOrgs[1] ? 0 : 1).FirstOrDefault()
            ?? throw new InvalidOperationException($"No working-capital loan was granted to the {_options.Enterprises} enterprises; run the demo with more (--enterprises 20 or more).");
        var product = lent.Loan.Product;
        var productName = product == Shuiyidai ? "税易贷" : product.ToString();
        var bankOrg = lent.Enterprise.Bank!;
        var bank = await ConnectAsync(bankOrg, cancellationToken).ConfigureAwait(false);
        var loan = lent.Loan.LoanId;

        // The regulator's risk-compensation fund: half of a bank's net loss on the product's loans.
        var fund = await regulator.Compensation.CreateFundAsync(
            new FundSetup("LZ-RCF-2026", 5_000, 500_000_000, [product]), cancellationToken).ConfigureAwait(false);
        _narrator.Say($"{RegulatorOrg} set up the risk-compensation fund {Short(fund.Fund.ToString())}: {Yuan.Percent(fund.RatioBps)} of net losses, {Yuan.Of(fund.BalanceFen)}, for {productName}.");

        const ushort coverage = 7_000;
        // The bank's terms: at least 60 % of the loss covered, a fee of at most 2 % of the amount.
        await bank.Bank.InviteGuarantorAsync(loan, OrgId.FromCode(GuarantorOrg), 6_000, lent.Loan.AmountFen / 50, cancellationToken).ConfigureAwait(false);
        await guarantor.Guarantees.GuaranteeLoanAsync(loan, coverage, lent.Loan.AmountFen / 100, cancellationToken).ConfigureAwait(false);
        var overdueFen = lent.Loan.OutstandingFen / 12;
        await bank.Bank.MarkOverdueAsync(loan, 35, overdueFen, cancellationToken).ConfigureAwait(false);
        var loss = lent.Loan.OutstandingFen * 8 / 10;
        var defaulted = await bank.Bank.DeclareDefaultAsync(loan, loss, cancellationToken).ConfigureAwait(false);
        _narrator.Say($"{lent.Enterprise.Name} fell 35 days overdue on loan {Short(loan.ToString())} of {Yuan.Of(lent.Loan.AmountFen)}; {bankOrg} declared a default with a loss of {Yuan.Of(loss)}.");
        Check(defaulted.Status == LoanStatus.Defaulted && defaulted.LossFen == loss, "the default is recorded on chain with its loss", $"loss {Yuan.Of(defaulted.LossFen)}");

        // The guarantor pays its obligation (代偿) in two instalments: half now, the rest (the default amount) later.
        var expectedPayout = loss * coverage / 10_000;
        await guarantor.Guarantees.RecordPayoutAsync(loan, expectedPayout / 2, cancellationToken).ConfigureAwait(false);
        var rest = await guarantor.Guarantees.RecordPayoutAsync(loan, cancellationToken: cancellationToken).ConfigureAwait(false);
        var payout = rest with { PayoutFen = rest.PaidFen };
        Check(rest.PaidFen == expectedPayout && rest.ObligationFen == expectedPayout,
            $"{GuarantorOrg} pays its share in two instalments: loss × {Yuan.Percent(coverage)}", $"{Yuan.Of(expectedPayout / 2)} + {Yuan.Of(rest.PayoutFen)} = {Yuan.Of(rest.PaidFen)} (expected {Yuan.Of(expectedPayout)})");

        await bank.Bank.FileClaimAsync(fund.Fund, loan, cancellationToken).ConfigureAwait(false);
        var claim = await regulator.Compensation.ApproveClaimAsync(loan, fund.Fund, cancellationToken).ConfigureAwait(false);
        var net = loss - payout.PayoutFen;
        var expectedCompensation = UInt128.Min(net * fund.RatioBps / 10_000, fund.BalanceFen);
        Check(claim.Status == ClaimState.Paid && claim.NetLossFen == net && claim.PayoutFen == expectedCompensation,
            $"the fund compensates {bankOrg}'s remaining loss at its ratio", $"net loss {Yuan.Of(claim.NetLossFen)} × {Yuan.Percent(fund.RatioBps)} = {Yuan.Of(claim.PayoutFen)}");
        _narrator.Table(["Loss", "Guarantor pays", "Fund pays", "The bank bears"],
            [[Yuan.Of(loss), Yuan.Of(payout.PayoutFen), Yuan.Of(claim.PayoutFen), Yuan.Of(loss - payout.PayoutFen - claim.PayoutFen)]]);

        var alert = await FirstAlertAsync(guarantor, lent.Enterprise.Hash, AlertKind.Default, a => a.Loan == loan, cancellationToken).ConfigureAwait(false);
        Check(alert is not null, $"the default alert reaches {GuarantorOrg}", alert?.Summary ?? "no alert in time");
        DefaultedLoan = loan;
    }

    private LoanId? DefaultedLoan { get; set; }

    // ------------------------------------------------------------------ 8. audit

    private async Task<(AuditStatistics Statistics, string Bundle)> AuditAsync(CancellationToken cancellationToken)
    {
        // Every node's records anchored first (batches close within a second), so nothing is left pending.
        foreach (var node in _consortium.Nodes)
        {
            var connection = await ConnectAsync(node.Spec.Org, cancellationToken).ConfigureAwait(false);
            await EventuallyAsync(async ct => (await connection.Node.GetInfoAsync(ct).ConfigureAwait(false)).OutboxPending == 0 ? "" : null,
                $"{node.Spec.Org} to anchor every record", cancellationToken).ConfigureAwait(false);
        }
        var auditor = await ConnectAsync(AuditorOrg, cancellationToken).ConfigureAwait(false);
        var sync = await auditor.Audit.SyncAsync(cancellationToken).ConfigureAwait(false);
        Check(sync.Unreachable.Count == 0, "the auditor pulled every member's records", $"{sync.RecordsTotal} records from {sync.Synced.Count} nodes");

        var ledger = await auditor.Audit.VerifyLedgerAsync(cancellationToken).ConfigureAwait(false);
        Check(ledger.Passed && ledger.Pending == 0 && ledger.Verified == ledger.Records,
            "every record verified: hash, inclusion proof, anchored root, consent at its block, actor's membership and role",
            $"{ledger.Verified} of {ledger.Records} records in {ledger.Batches} batches, {ledger.Elapsed.TotalMilliseconds:0} ms"
            + (ledger.Problems.Count > 0 ? "; " + string.Join("; ", ledger.Problems.Take(5)) : ""));

        var trails = await ParallelAsync("verifying trails", _enterprises, 4, async (e, ct) => (Enterprise: e, Trail: await auditor.Audit.GetTrailAsync(AuditQuery.ForEnterprise(e.Hash), ct).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
        var failing = trails.Where(t => !t.Trail.Passed || t.Trail.Pending > 0).ToList();
        Check(failing.Count == 0, $"every enterprise's trail verifies ({trails.Count} trails)",
            failing.Count == 0 ? $"{trails.Sum(t => t.Trail.Items.Count)} steps, {trails.Sum(t => t.Trail.Verified)} verified"
                : string.Join("; ", failing.Take(3).Select(t => $"{t.Enterprise.Name}: {string.Join(", ", t.Trail.Items.Where(i => i.Status != AuditStatus.Verified).SelectMany(i => i.Problems.DefaultIfEmpty(i.Status.ToString())).Take(2))}")));
        foreach (var (what, query) in new (string, AuditQuery?)[]
        {
            ("the revoked consent", Revoked is { } r ? AuditQuery.ForConsent(r.Consent) : null),
            ("the R&D loan", AuditQuery.ForLoan(_loans.First(l => l.Loan.Purpose == LoanPurpose.RnD).Loan.LoanId)),
            ("the defaulted loan", DefaultedLoan is { } d ? AuditQuery.ForLoan(d) : null),
        })
        {
            if (query is null)
            {
                continue;
            }
            var trail = await auditor.Audit.GetTrailAsync(query, cancellationToken).ConfigureAwait(false);
            Check(trail.Passed && trail.Items.Count > 0, $"the trail of {what} verifies", string.Join(" → ", trail.Items.Select(i => i.Kind).Distinct()));
        }
        if (Revoked is { } revoked)
        {
            var trail = await auditor.Audit.GetTrailAsync(AuditQuery.ForEnterprise(revoked.Enterprise.Hash), cancellationToken).ConfigureAwait(false);
            _narrator.Say($"{revoked.Enterprise.Name}'s trail, as the auditor reconstructs it from every member's records and the chain:");
            _narrator.Table(["Block", "Step", "By", "Status", "What"],
                trail.Items.OrderBy(i => i.BlockNumber).Select(i => (IReadOnlyList<string>)[i.BlockNumber.ToString(CultureInfo.InvariantCulture), i.Kind, i.Org, i.Status.ToString(), i.Summary]));
        }

        var statistics = await auditor.Audit.GetStatisticsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        _narrator.Say("Program statistics, from the ledger:");
        _narrator.Table(["Figure", "Value"],
        [
            ["enterprises served", N(statistics.EnterprisesServed)],
            ["credits granted", $"{N(statistics.CreditsGranted)} ({Yuan.Of(statistics.TotalAmountFen)})"],
            .. statistics.ByProduct.Select(p => (IReadOnlyList<string>)[$"  product {p.Key}", $"{N(p.Count)} ({Yuan.Of(p.AmountFen)})"]),
            .. statistics.ByRating.Select(p => (IReadOnlyList<string>)[$"  rating {p.Key}", $"{N(p.Count)} ({Yuan.Of(p.AmountFen)})"]),
            ["decisions approved / declined", $"{N(statistics.DecisionsApproved)} / {N(statistics.DecisionsDeclined)}"],
            ["consents granted / revoked", $"{N(statistics.ConsentsGranted)} / {N(statistics.ConsentsRevoked)}"],
            ["data accesses / refusals / deletion receipts", $"{N(statistics.DataAccesses)} / {N(statistics.Refusals)} / {N(statistics.DeletionReceipts)}"],
            ["repayments", $"{N(statistics.Repayments)} ({Yuan.Of(statistics.RepaidPrincipalFen)} principal)"],
            ["defaults", $"{N(statistics.Defaults)} ({Yuan.Of(statistics.DefaultLossFen)} lost)"],
            ["guarantor payouts", $"{N(statistics.GuarantorPayouts)} ({Yuan.Of(statistics.GuarantorPayoutFen)})"],
            ["fund compensation", $"{N(statistics.Compensations)} ({Yuan.Of(statistics.CompensationFen)})"],
            ["R&D fund-flow deviations", N(statistics.FundFlowDeviations)],
        ]);
        var lentTotal = _loans.Aggregate(UInt128.Zero, (s, l) => s + l.Loan.AmountFen);
        Check(statistics.CreditsGranted == (ulong)_loans.Count && statistics.TotalAmountFen == lentTotal && statistics.Defaults == 1 && statistics.ConsentsRevoked == 1,
            "the statistics agree with what happened", $"{_loans.Count} credits, {Yuan.Of(lentTotal)}, 1 default, 1 revocation");

        var bundlePath = await auditor.Audit.SaveBundleAsync(AuditQuery.WholeLedger, Path.GetFullPath(_options.BundleFile), cancellationToken).ConfigureAwait(false);
        var online = await BundleVerifier.VerifyAsync(bundlePath, new VerificationMode.Online(_consortium.RpcUrl), cancellationToken: cancellationToken).ConfigureAwait(false);
        Check(online.ExitCode == BundleVerificationResult.Verified, "the audit bundle verifies against the chain", online.Summary + Problems(online));
        var offline = await BundleVerifier.VerifyAsync(bundlePath, new VerificationMode.Offline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        Check(offline.ExitCode == BundleVerificationResult.Verified, "the audit bundle verifies offline, against the roots it carries", offline.Summary + Problems(offline));
        _narrator.Say($"Audit bundle: {bundlePath}");
        _narrator.Say($"Check it yourself: {VerifyCommand(bundlePath)}");
        return (statistics, bundlePath);

        static string Problems(BundleVerificationResult result) => result.Problems.Count == 0 ? "" : "; " + string.Join("; ", result.Problems.Take(5));
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>The command a user runs, from the repository root, to verify the bundle on its own (scripts/ledger: the Release build).</summary>
    public static string VerifyCommand(string bundlePath) =>
        $"scripts/ledger audit verify {(bundlePath.Contains(' ', StringComparison.Ordinal) ? $"\"{bundlePath}\"" : bundlePath)} --offline";

    private void Check(bool passed, string name, string detail)
    {
        var check = new DemoCheck(_step, name, passed, detail);
        _checks.Add(check);
        _narrator.Check(check);
    }

    private async Task<LedgerConnection> ConnectAsync(string nodeOrg, CancellationToken cancellationToken, string? asOrg = null)
    {
        var key = nodeOrg + "|" + (asOrg ?? nodeOrg);
        Task<LedgerConnection>? pending = null;
        lock (_connections)
        {
            if (_connections.TryGetValue(key, out var open))
            {
                return open;
            }
        }
        pending = _consortium.ConnectAsync(nodeOrg, asOrg, cancellationToken);
        var connection = await pending.ConfigureAwait(false);
        lock (_connections)
        {
            if (_connections.TryGetValue(key, out var raced))
            {
                connection.Dispose();
                return raced;
            }
            _connections[key] = connection;
            return connection;
        }
    }

    /// <summary>The first alert of <paramref name="kind"/> for the enterprise that matches, from every alert the node keeps for it; null after the timeout.</summary>
    private async Task<LedgerAlert?> FirstAlertAsync(LedgerConnection connection, EnterpriseHash enterprise, AlertKind kind, Func<LedgerAlert, bool> match, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.EffectTimeout);
        try
        {
            await foreach (var alert in connection.Alerts.StreamAsync(new AlertFilter { AfterId = "0", Enterprise = enterprise, Kinds = [kind] }, timeout.Token).ConfigureAwait(false))
            {
                if (alert.Kind == kind && match(alert))
                {
                    return alert;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        return null;
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value; null after the timeout.</summary>
    private async Task<T?> EventuallyAsync<T>(Func<CancellationToken, Task<T?>> probe, string what, CancellationToken cancellationToken)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (await probe(cancellationToken).ConfigureAwait(false) is { } value)
            {
                return value;
            }
            if (deadline.Elapsed > _options.EffectTimeout)
            {
                _narrator.Say($"Gave up waiting for {what} after {_options.EffectTimeout.TotalSeconds:0} s.");
                return null;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="body"/> over the items, <paramref name="degree"/> at a time, with a progress bar saying <paramref name="what"/>.</summary>
    private Task<List<TResult>> ParallelAsync<T, TResult>(string what, IEnumerable<T> items, int degree, Func<T, CancellationToken, Task<TResult>> body, CancellationToken cancellationToken)
    {
        var list = items.ToList();
        return _narrator.WithProgressAsync(what, list.Count, async done =>
        {
            var results = new TResult[list.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, list.Count), new ParallelOptions { MaxDegreeOfParallelism = degree, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    results[i] = await body(list[i], ct).ConfigureAwait(false);
                    done();
                }).ConfigureAwait(false);
            return results.ToList();
        });
    }

    private static string Describe(Scopes scopes) => scopes.ToString().Replace(", ", "+", StringComparison.Ordinal);

    private static string Short(string hex) => hex.Length > 14 ? hex[..10] + "…" + hex[^4..] : hex;

    private static string N(ulong value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Time(ulong ms) => ms == 0 ? "-" : DateTimeOffset.FromUnixTimeMilliseconds((long)ms).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private sealed class Enterprise(EnterpriseSummary summary, EnterpriseWallet wallet, EnterpriseHash hash, ulong boundInBlock)
    {
        public EnterpriseSummary Summary { get; } = summary;
        public EnterpriseWallet Wallet { get; } = wallet;
        public EnterpriseHash Hash { get; } = hash;
        public ulong BoundInBlock { get; } = boundInBlock;
        public string Name => Summary.Name;
        public TaxCreditRating? Rating => Summary.LatestRating;
        public string? Bank { get; set; }
        public ConsentId? Consent { get; set; }
        public (string Bank, ConsentId Consent)? ExtraConsent { get; set; }
    }

    private sealed class Lent(Enterprise enterprise, CreditDecisionResult decision, LoanDetails loan)
    {
        public Enterprise Enterprise { get; } = enterprise;
        public CreditDecisionResult Decision { get; } = decision;
        public LoanDetails Loan { get; set; } = loan;
    }
}
