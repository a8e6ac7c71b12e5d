using System.CommandLine;
using System.Globalization;
using Ledger.Audit;
using Ledger.Audit.Verification;
using Ledger.Core.Model;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger audit trail | verify | verify-ledger | bundle | stats | sync</c>. <c>verify</c> checks an offline audit
/// bundle with no node at all (the audit library's <see cref="BundleVerifier"/>): against a chain (<c>--rpc</c>) or
/// offline against the roots the bundle carries and, optionally, a file of roots the auditor trusts — exit 0 verified,
/// 1 verification failed (each failing record named with why), 2 unusable input. The others ask the auditor node
/// (<c>Audit</c>: auditors and regulators), acting as <c>--org</c> (default the consortium's first auditor).
/// </summary>
public sealed class AuditCommands : ICommandGroup
{
    private static readonly string CallerRole = Core.Model.RoleWords.Word(Core.Model.Role.Auditor);

    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var audit = new Command("audit", "Audit: verified trails, offline bundles and their verification, whole-ledger verification, program statistics.");
        audit.Subcommands.Add(Trail(globals));
        audit.Subcommands.Add(Verify(globals));
        audit.Subcommands.Add(VerifyLedger(globals));
        audit.Subcommands.Add(Bundle(globals));
        audit.Subcommands.Add(Stats(globals));
        audit.Subcommands.Add(Sync(globals));
        return audit;
    }

    /// <summary>What a trail or a bundle covers.</summary>
    private sealed class ScopeOptions
    {
        public Option<string?> Enterprise { get; } = new("--enterprise") { Description = "An enterprise: its credit code, its registered name or its salted credit-code hash.", HelpName = "CODE|NAME|HASH" };
        public Option<string?> Loan { get; } = new("--loan") { Description = "A loan (its id).", HelpName = "ID" };
        public Option<string?> Consent { get; } = new("--consent") { Description = "A consent (its id).", HelpName = "ID" };
        public Option<string?> From { get; } = new("--from") { Description = "From this date (yyyy-MM-dd, China Standard Time) or time (ISO 8601), inclusive.", HelpName = "DATE" };
        public Option<string?> Until { get; } = new("--until") { Description = "Until this date or time, exclusive.", HelpName = "DATE" };

        public IEnumerable<Option> All => [Enterprise, Loan, Consent, From, Until];

        public async Task<AuditQuery> QueryAsync(CliContext context, bool subjectRequired, CancellationToken cancellationToken)
        {
            var query = new AuditQuery
            {
                Enterprise = context.Get(Enterprise) is { } e ? await LendingParse.EnterpriseAsync(context, e, "--enterprise", CallerRole, cancellationToken).ConfigureAwait(false) : null,
                Loan = context.Get(Loan) is { } l ? LendingParse.Loan(l, "--loan", null) : null,
                Consent = context.Get(Consent) is { } c ? CliParse.ConsentId(c, "--consent") : null,
                FromMs = context.Get(From) is { } f ? LendingParse.Time(f, "--from") : 0,
                UntilMs = context.Get(Until) is { } u ? LendingParse.Time(u, "--until") : 0,
            };
            var subjects = (query.Enterprise is null ? 0 : 1) + (query.Loan is null ? 0 : 1) + (query.Consent is null ? 0 : 1);
            if (subjects > 1)
            {
                throw CliErrors.BadArgument("Give one of --enterprise, --loan and --consent (optionally narrowed by --from/--until), not several.");
            }
            if (query.FromMs != 0 && query.UntilMs != 0 && query.UntilMs <= query.FromMs)
            {
                throw CliErrors.BadArgument("--until must be after --from.");
            }
            if (subjectRequired && subjects == 0 && query.FromMs == 0 && query.UntilMs == 0)
            {
                throw CliErrors.BadArgument("Whose trail? Give --enterprise CODE|NAME|HASH, --loan ID or --consent ID, or a time range with --from/--until.");
            }
            return query;
        }
    }

    private static Command Trail(GlobalOptions globals)
    {
        var scope = new ScopeOptions();
        var command = new Command("trail",
            "The verified trail of an enterprise, loan or consent (or everything in a time range): every record and chain event in order, each verified. Exit 1 when any step failed.");
        foreach (var option in scope.All)
        {
            command.Options.Add(option);
        }
        var utc = new Option<bool>("--utc") { Description = "Print times in UTC (default: China time, UTC+8)." };
        command.Options.Add(utc);
        globals.Listing(command);
        globals.Run(command, async (context, cancellationToken) =>
        {
            var query = await scope.QueryAsync(context, subjectRequired: true, cancellationToken).ConfigureAwait(false);
            var auditor = await ConnectAuditorAsync(context, cancellationToken).ConfigureAwait(false);
            var trail = await auditor.Audit.GetTrailAsync(query, cancellationToken).ConfigureAwait(false);
            var inUtc = context.Get(utc);
            var failure = trail.Passed ? null : $"The trail did not verify: {trail.Failed} of {trail.Items.Count} step(s) failed; each is listed with why.";
            if (context.Json)
            {
                context.WriteJson(new
                {
                    passed = trail.Passed,
                    verified = trail.Verified,
                    pending = trail.Pending,
                    failed = trail.Failed,
                    items = trail.Items.Select(i => new
                    {
                        kind = i.Kind,
                        id = i.Id,
                        org = i.Org,
                        block = i.BlockNumber,
                        timeMs = i.TimeMs,
                        summary = i.Summary,
                        status = StatusWord(i.Status),
                        problems = i.Problems,
                        fields = i.Fields,
                    }),
                    error = failure is null ? null : new { code = AuditErrors.VerificationFailedCode, message = failure, exitCode = CliErrors.Refused },
                });
            }
            else
            {
                var table = CliContext.NewTable("Time", "Kind", "Org", "Block", "Status", "Summary");
                foreach (var item in trail.Items)
                {
                    var status = item.Status switch
                    {
                        AuditStatus.Verified => "[green]verified[/]",
                        AuditStatus.Pending => "[yellow]pending[/]",
                        AuditStatus.Failed => "[red]FAILED[/]",
                        _ => "unknown",
                    };
                    var summary = Markup.Escape(item.Summary) + string.Concat(item.Problems.Select(p => $"\n[red]✗ {Markup.Escape(p)}[/]"));
                    table.AddRow(TimeText(item.TimeMs, inUtc), Markup.Escape(item.Kind), Markup.Escape(item.Org), item.BlockNumber.ToString(CultureInfo.InvariantCulture), status, summary);
                }
                context.WriteList(table, $"{trail.Items.Count} step(s): {trail.Verified} verified, {trail.Pending} pending, {trail.Failed} failed.");
            }
            if (failure is not null)
            {
                await context.Environment.Error.WriteLineAsync($"{AuditErrors.VerificationFailedCode}: {failure}").ConfigureAwait(false);
                return CliErrors.Refused;
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command Verify(GlobalOptions globals)
    {
        var bundle = new Argument<string>("bundle") { Description = "The audit bundle (ledger/audit-bundle/v1 JSON), e.g. from `ledger audit bundle`." };
        var offline = new Option<bool>("--offline") { Description = "Verify without a chain: against the roots and events the bundle carries (and --trusted-roots)." };
        var trustedRoots = new Option<string?>("--trusted-roots")
        {
            Description = "With --offline: every batch root must also be in this file of roots the auditor trusts (ledger/trusted-roots/v1).",
            HelpName = "FILE",
        };
        var command = new Command("verify",
            "Verify an offline audit bundle — against the chain at --rpc URL, or --offline — with no Ledger node: every record's hash, inclusion proof, anchored root, "
            + "consent and actor. Exit 0 verified, 1 verification failed (each failing record named with why), 2 unusable input.")
        {
            bundle, offline, trustedRoots,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var path = context.Environment.FullPath(CliParse.Required(context.Get(bundle), "bundle"));
            var mode = VerificationModeOf(context, context.Get(offline), context.Get(trustedRoots));
            var result = await BundleVerifier.VerifyAsync(path, mode, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (result.ExitCode == BundleVerificationResult.Unusable)
            {
                return context.Fail(result.ErrorCode ?? AuditErrors.BundleUnreadableCode, result.Problems.Count > 0 ? result.Problems[0] : result.Summary, CliErrors.UnusableInput);
            }
            var report = result.Report!;
            var modeWord = mode is VerificationMode.Online ? "online" : "offline";
            var failed = result.ExitCode != BundleVerificationResult.Verified;
            var failure = failed ? $"The bundle did not verify: {report.Summary()}" : null;
            if (context.Json)
            {
                context.WriteJson(new
                {
                    bundle = path,
                    mode = modeWord,
                    verified = !failed,
                    exitCode = result.ExitCode,
                    summary = report.Summary(),
                    rootSource = report.RootSource,
                    scope = result.Bundle?.Scope.ToString(),
                    chainId = result.Bundle?.Chain.ChainId,
                    records = report.Records.Count,
                    recordsVerified = report.Verified,
                    recordsPending = report.Pending,
                    recordsFailed = report.Failed,
                    batches = report.Anchors.Count,
                    batchesFailed = report.FailedBatches,
                    failures = report.Failures.Select(f => new
                    {
                        index = f.Index,
                        type = f.Type,
                        hash = f.Hash.ToString(),
                        problems = f.Problems.Select(p => new { kind = p.Kind.ToString(), message = p.Message }),
                    }),
                    batchProblems = report.Anchors.Where(a => a.Status == VerificationStatus.Failed)
                        .SelectMany(a => a.Problems.Select(p => new { batch = a.Batch.ToString(), kind = p.Kind.ToString(), message = p.Message })),
                    eventProblems = report.EvidenceProblems.Select(p => new { kind = p.Kind.ToString(), message = p.Message }),
                    problems = result.Problems,
                    error = failure is null ? null : new { code = AuditErrors.VerificationFailedCode, message = failure, exitCode = CliErrors.Refused },
                });
            }
            else
            {
                context.Console.MarkupLine(Markup.Escape($"Bundle {path} ({result.Bundle?.Scope}, chain {result.Bundle?.Chain.ChainId}), verified {modeWord}:"));
                if (!failed)
                {
                    context.Console.MarkupLine($"[green]Verified[/]: {Markup.Escape(report.Summary())}");
                }
                else
                {
                    var table = CliContext.NewTable("Failing", "Why");
                    foreach (var f in report.Failures)
                    {
                        table.AddRow(Markup.Escape($"{f.Type} {f.Hash}"), Markup.Escape(string.Join("\n", f.Problems.Select(p => $"{p.Kind}: {p.Message}"))));
                    }
                    foreach (var a in report.Anchors.Where(a => a.Status == VerificationStatus.Failed))
                    {
                        table.AddRow(Markup.Escape(a.Batch.ToString()), Markup.Escape(string.Join("\n", a.Problems.Select(p => $"{p.Kind}: {p.Message}"))));
                    }
                    foreach (var p in report.EvidenceProblems)
                    {
                        table.AddRow("event", Markup.Escape($"{p.Kind}: {p.Message}"));
                    }
                    context.Console.Write(table);
                    context.Console.MarkupLine($"[red]Failed[/]: {Markup.Escape(report.Summary())}");
                }
            }
            if (failure is not null)
            {
                await context.Environment.Error.WriteLineAsync($"{AuditErrors.VerificationFailedCode}: {failure}").ConfigureAwait(false);
                return CliErrors.Refused;
            }
            return CliErrors.Ok;
        });
        return command;
    }

    /// <summary>
    /// <c>--rpc URL</c>: online; <c>--offline [--trusted-roots FILE]</c>: offline; neither: the chain of the local
    /// consortium description, when there is one (never silently offline: offline alone proves only consistency).
    /// </summary>
    private static VerificationMode VerificationModeOf(CliContext context, bool offline, string? trustedRoots)
    {
        var rpc = context.RpcOption;
        if (offline && rpc is not null)
        {
            throw CliErrors.BadArgument("Give either --rpc URL (verify against that chain) or --offline, not both.");
        }
        if (trustedRoots is not null && !offline)
        {
            throw CliErrors.BadArgument("--trusted-roots goes with --offline (online, the chain's own roots are the authority).");
        }
        if (offline)
        {
            return new VerificationMode.Offline(trustedRoots is null ? null : context.Environment.FullPath(trustedRoots));
        }
        if (rpc is not null)
        {
            return new VerificationMode.Online(CliParse.Url(rpc, "--rpc"));
        }
        if (context.TryConsortium() is { } consortium)
        {
            return new VerificationMode.Online(consortium.Chain.RpcUrl);
        }
        throw CliErrors.BadArgument(
            "Verify against what? Give --rpc URL (a node of the bundle's chain), or --offline (the bundle's own roots; add --trusted-roots FILE for roots you trust).");
    }

    private static Command VerifyLedger(GlobalOptions globals)
    {
        var command = new Command("verify-ledger",
            "Have the auditor node verify every record it holds against the chain's anchored roots (each batch rebuilt once). Exit 1 when anything failed.");
        globals.Run(command, async (context, cancellationToken) =>
        {
            var auditor = await ConnectAuditorAsync(context, cancellationToken).ConfigureAwait(false);
            var result = await auditor.Audit.VerifyLedgerAsync(cancellationToken).ConfigureAwait(false);
            var failure = result.Passed ? null : $"The ledger did not verify: {result.Summary}";
            if (context.Json)
            {
                context.WriteJson(new
                {
                    passed = result.Passed,
                    records = result.Records,
                    batches = result.Batches,
                    verified = result.Verified,
                    pending = result.Pending,
                    failed = result.Failed,
                    failedBatches = result.FailedBatches,
                    problems = result.Problems,
                    notices = result.Notices,
                    rootSource = result.RootSource,
                    summary = result.Summary,
                    elapsedMs = (ulong)result.Elapsed.TotalMilliseconds,
                    error = failure is null ? null : new { code = AuditErrors.VerificationFailedCode, message = failure, exitCode = CliErrors.Refused },
                });
            }
            else
            {
                context.Console.MarkupLine(result.Passed ? $"[green]Verified[/]: {Markup.Escape(result.Summary)}" : $"[red]Failed[/]: {Markup.Escape(result.Summary)}");
                foreach (var problem in result.Problems)
                {
                    context.Console.MarkupLine($"[red]✗[/] {Markup.Escape(problem)}");
                }
                foreach (var notice in result.Notices)
                {
                    context.Console.MarkupLine($"[grey]· {Markup.Escape(notice)}[/]");
                }
            }
            if (failure is not null)
            {
                await context.Environment.Error.WriteLineAsync($"{AuditErrors.VerificationFailedCode}: {failure}").ConfigureAwait(false);
                return CliErrors.Refused;
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command Bundle(GlobalOptions globals)
    {
        var scope = new ScopeOptions();
        var output = new Option<string>("--out")
        {
            Description = "Where to save the bundle on this machine (default out/audit-bundle.json; replaced atomically).",
            DefaultValueFactory = _ => Path.Combine("out", "audit-bundle.json"),
            HelpName = "FILE",
        };
        var command = new Command("bundle",
            "Export an offline audit bundle of an enterprise, loan, consent or time range (nothing: the whole ledger) from the auditor node and save it here; "
            + "anyone can check it with `ledger audit verify`.")
        {
            output,
        };
        foreach (var option in scope.All)
        {
            command.Options.Add(option);
        }
        globals.Run(command, async (context, cancellationToken) =>
        {
            var query = await scope.QueryAsync(context, subjectRequired: false, cancellationToken).ConfigureAwait(false);
            var path = context.Environment.FullPath(CliParse.Required(context.Get(output), "--out"));
            var auditor = await ConnectAuditorAsync(context, cancellationToken).ConfigureAwait(false);
            var exported = await auditor.Audit.ExportBundleAsync(query, cancellationToken).ConfigureAwait(false);
            if (exported.Json.IsEmpty)
            {
                throw CliErrors.File(string.Create(CultureInfo.InvariantCulture,
                    $"The bundle ({exported.Records} records) is too large to send; the auditor node wrote it to {exported.Path} on its own machine: copy it from there."));
            }
            await WriteAtomicallyAsync(path, exported.Json, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new { path, records = exported.Records, bytes = exported.Json.Length, nodePath = exported.Path });
            }
            else
            {
                context.Console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"Wrote {exported.Records} record(s) to {path}.")));
                context.Console.MarkupLine(Markup.Escape($"Check it anywhere with: ledger audit verify {path} --offline   (or --rpc URL)"));
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static async Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliErrors.File($"The bundle cannot be written to {path} ({ex.Message.TrimEnd('.')}); choose a writable path with --out.", ex);
        }
    }

    private static Command Stats(GlobalOptions globals)
    {
        var from = new Option<string?>("--from") { Description = "From this date (yyyy-MM-dd, China Standard Time) or time, inclusive.", HelpName = "DATE" };
        var until = new Option<string?>("--until") { Description = "Until this date or time, exclusive.", HelpName = "DATE" };
        var command = new Command("stats",
            "Program statistics from the verified ledger — enterprises served, credits granted, amounts by product and rating, defaults, guarantor payouts, fund compensation.")
        {
            from, until,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var fromMs = context.Get(from) is { } f ? LendingParse.Time(f, "--from") : 0;
            var untilMs = context.Get(until) is { } u ? LendingParse.Time(u, "--until") : 0;
            if (fromMs != 0 && untilMs != 0 && untilMs <= fromMs)
            {
                throw CliErrors.BadArgument("--until must be after --from.");
            }
            var auditor = await ConnectAuditorAsync(context, cancellationToken).ConfigureAwait(false);
            var s = await auditor.Audit.GetStatisticsAsync(fromMs, untilMs, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new
                {
                    fromMs,
                    untilMs,
                    enterprisesServed = s.EnterprisesServed,
                    creditsGranted = s.CreditsGranted,
                    totalAmountFen = LendingParse.Fen(s.TotalAmountFen),
                    byProduct = s.ByProduct.Select(b => new { key = b.Key, count = b.Count, amountFen = LendingParse.Fen(b.AmountFen) }),
                    byRating = s.ByRating.Select(b => new { key = b.Key, count = b.Count, amountFen = LendingParse.Fen(b.AmountFen) }),
                    ratingsFromReasons = s.RatingsFromReasons,
                    decisionsApproved = s.DecisionsApproved,
                    decisionsDeclined = s.DecisionsDeclined,
                    consentsGranted = s.ConsentsGranted,
                    consentsRevoked = s.ConsentsRevoked,
                    dataAccesses = s.DataAccesses,
                    refusals = s.Refusals,
                    deletionReceipts = s.DeletionReceipts,
                    repayments = s.Repayments,
                    repaidPrincipalFen = LendingParse.Fen(s.RepaidPrincipalFen),
                    overdueReports = s.OverdueReports,
                    defaults = s.Defaults,
                    defaultLossFen = LendingParse.Fen(s.DefaultLossFen),
                    guarantees = s.Guarantees,
                    guarantorPayouts = s.GuarantorPayouts,
                    guarantorPayoutFen = LendingParse.Fen(s.GuarantorPayoutFen),
                    compensations = s.Compensations,
                    compensationFen = LendingParse.Fen(s.CompensationFen),
                    fundFlowDeviations = s.FundFlowDeviations,
                    excludedRecords = s.ExcludedRecords,
                    asOfBlock = s.AsOfBlock,
                });
                return CliErrors.Ok;
            }
            var range = fromMs == 0 && untilMs == 0 ? "all time" : $"{(fromMs == 0 ? "the start" : TimeText(fromMs))} – {(untilMs == 0 ? "now" : TimeText(untilMs))}";
            context.Console.MarkupLine(Markup.Escape($"Program statistics ({range}, as of block {s.AsOfBlock}, from the verified ledger)"));
            var grid = new Grid().AddColumn().AddColumn(new GridColumn().RightAligned());
            void Row(string name, string value) => grid.AddRow(Markup.Escape(name), Markup.Escape(value));
            static string N(ulong n) => n.ToString("N0", CultureInfo.InvariantCulture);
            Row("enterprises served", N(s.EnterprisesServed));
            Row("credits granted", N(s.CreditsGranted));
            Row("total amount", LendingParse.YuanText(s.TotalAmountFen));
            Row("decisions approved / declined", $"{N(s.DecisionsApproved)} / {N(s.DecisionsDeclined)}");
            Row("consents granted / revoked", $"{N(s.ConsentsGranted)} / {N(s.ConsentsRevoked)}");
            Row("data accesses / refusals", $"{N(s.DataAccesses)} / {N(s.Refusals)}");
            Row("deletion receipts", N(s.DeletionReceipts));
            Row("repayments (principal)", $"{N(s.Repayments)} ({LendingParse.YuanText(s.RepaidPrincipalFen)})");
            Row("overdue reports", N(s.OverdueReports));
            Row("defaults (loss)", $"{N(s.Defaults)} ({LendingParse.YuanText(s.DefaultLossFen)})");
            Row("guarantees", N(s.Guarantees));
            Row("guarantor payouts 代偿", $"{N(s.GuarantorPayouts)} ({LendingParse.YuanText(s.GuarantorPayoutFen)})");
            Row("fund compensations", $"{N(s.Compensations)} ({LendingParse.YuanText(s.CompensationFen)})");
            Row("fund-flow deviations", N(s.FundFlowDeviations));
            Row("records left out (failed verification)", N(s.ExcludedRecords));
            context.Console.Write(grid);
            foreach (var (title, rows) in new[] { ("Product", s.ByProduct), ("Rating", s.ByRating) })
            {
                var table = CliContext.NewTable(title, "Credits", "Amount");
                foreach (var row in rows)
                {
                    table.AddRow(Markup.Escape(row.Key), N(row.Count), LendingParse.YuanText(row.AmountFen));
                }
                context.Console.Write(table);
            }
            context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{s.RatingsFromReasons} of the ratings come from verified reasons documents; the rest are as the banks reported them."));
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command Sync(GlobalOptions globals)
    {
        var command = new Command("sync", "Have the auditor node pull new records from every active member now (an unreachable member is named, never fatal).");
        globals.Run(command, async (context, cancellationToken) =>
        {
            var auditor = await ConnectAuditorAsync(context, cancellationToken).ConfigureAwait(false);
            var sync = await auditor.Audit.SyncAsync(cancellationToken).ConfigureAwait(false);
            foreach (var member in sync.Unreachable)
            {
                context.Warn($"not synced: {member}");
            }
            if (context.Json)
            {
                context.WriteJson(new { recordsPulled = sync.RecordsPulled, recordsTotal = sync.RecordsTotal, synced = sync.Synced, unreachable = sync.Unreachable });
                return CliErrors.Ok;
            }
            context.Console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"Pulled {sync.RecordsPulled} new or newly anchored record(s) from {(sync.Synced.Count == 0 ? "no member" : string.Join(", ", sync.Synced))}; the auditor holds {sync.RecordsTotal}.")));
            return CliErrors.Ok;
        });
        return command;
    }

    /// <summary>
    /// The auditor node: <c>--node</c>; else the caller's own node when it is an auditor's; else the consortium's first
    /// auditor node (a regulator, say, asks the auditor's node).
    /// </summary>
    private static async Task<LedgerConnection> ConnectAuditorAsync(CliContext context, CancellationToken cancellationToken)
    {
        LedgerIdentity caller = context.Identity(CallerRole);
        string url;
        if (context.NodeOption is not null)
        {
            url = context.NodeUrl(null);
        }
        else if (context.TryConsortium()?.Node(caller.Organization.Code) is { } own && own.Role == CallerRole)
        {
            url = own.Url;
        }
        else
        {
            url = context.NodeUrl(null, CallerRole);
        }
        return await context.ConnectAsync(url, caller, cancellationToken).ConfigureAwait(false);
    }

    private static string StatusWord(AuditStatus status) => status switch
    {
        AuditStatus.Verified => "verified",
        AuditStatus.Pending => "pending",
        AuditStatus.Failed => "failed",
        _ => "unknown",
    };

    private static string TimeText(ulong ms) => TimeText(ms, utc: true);

    /// <summary>Unix milliseconds in China time (UTC+8, the zone named) unless asked for UTC; "-" for none.</summary>
    internal static string TimeText(ulong ms, bool utc)
    {
        if (ms == 0)
        {
            return "-";
        }
        var at = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(ms, 253402300799999UL));
        return utc
            ? at.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)
            : at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss 'CST (UTC+8)'", CultureInfo.InvariantCulture);
    }
}
