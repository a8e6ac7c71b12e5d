using System.Globalization;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Sdk;
using Ledger.Sdk.Auth;
using Ledger.Sdk.Mapping;

namespace Ledger.Cli.Commands;

/// <summary>
/// What the lending, guarantee, fund, fund-flow, alert and audit commands share: reading ids, amounts and rates from
/// the command line (LEDGER-1660 with a sentence when they cannot be read), printing them for people, their JSON
/// shapes, and finding the node a member's own software talks to.
/// </summary>
public static class LendingParse
{
    /// <summary>Fen per yuan.</summary>
    public const ulong FenPerYuan = 100;

    /// <summary>
    /// A loan: its id (0x + 64 hex digits), or — when <paramref name="bank"/> is given — the bank's own reference
    /// (contract number), whose id is <see cref="LoanId.FromReference"/>(bank, reference).
    /// </summary>
    public static LoanId Loan(string? text, string option, OrgId? bank)
    {
        var value = CliParse.Required(text, option).Trim();
        if (TryHash(value, out var hash))
        {
            return new LoanId(hash);
        }
        if (bank is { } org && IsReference(value))
        {
            return LoanId.FromReference(org, value);
        }
        throw CliErrors.BadArgument(bank is null
            ? $"{option} '{text}' is not a loan id; a loan id is 0x followed by 64 hex digits, as `ledger loan show` prints it."
            : $"{option} '{text}' is neither a loan id (0x + 64 hex digits) nor a loan reference (1 to 128 printable characters).");
    }

    /// <summary>An agreement: its id, or — when <paramref name="guarantor"/> is given — the guarantor's own reference.</summary>
    public static AgreementId Agreement(string? text, string option, OrgId? guarantor)
    {
        var value = CliParse.Required(text, option).Trim();
        if (TryHash(value, out var hash))
        {
            return new AgreementId(hash);
        }
        if (guarantor is { } org && IsReference(value))
        {
            return AgreementId.FromReference(org, value);
        }
        throw CliErrors.BadArgument(guarantor is null
            ? $"{option} '{text}' is not an agreement id; an agreement id is 0x followed by 64 hex digits, as `ledger guarantee propose-agreement` prints it."
            : $"{option} '{text}' is neither an agreement id (0x + 64 hex digits) nor an agreement reference (1 to 128 printable characters).");
    }

    /// <summary>A fund: its id, or — when <paramref name="regulator"/> is given — the regulator's own reference.</summary>
    public static FundId Fund(string? text, string option, OrgId? regulator)
    {
        var value = CliParse.Required(text, option).Trim();
        if (TryHash(value, out var hash))
        {
            return new FundId(hash);
        }
        if (regulator is { } org && IsReference(value))
        {
            return FundId.FromReference(org, value);
        }
        throw CliErrors.BadArgument(regulator is null
            ? $"{option} '{text}' is not a fund id; a fund id is 0x followed by 64 hex digits, as `ledger fund create` prints it."
            : $"{option} '{text}' is neither a fund id (0x + 64 hex digits) nor a fund reference (1 to 128 printable characters).");
    }

    /// <summary>A credit decision's hash (0x + 64 hex digits, as <c>ledger loan decide</c> prints it).</summary>
    public static DecisionHash Decision(string? text, string option) =>
        TryHash(CliParse.Required(text, option).Trim(), out var hash)
            ? new DecisionHash(hash)
            : throw CliErrors.BadArgument($"{option} '{text}' is not a decision hash; it is 0x followed by 64 hex digits, as `ledger loan decide` prints it.");

    /// <summary>
    /// An enterprise as people name it: its salted credit-code hash (0x + 64 hex digits) as is, or its unified social
    /// credit code or registered name, which the consortium's tax node resolves for the acting member when that member
    /// is entitled to link them (auditors, regulators, the bureau, and a bank or guarantor a consent of the enterprise
    /// names).
    /// </summary>
    public static async Task<EnterpriseHash> EnterpriseAsync(CliContext context, string? text, string option, string defaultRole, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var value = CliParse.Required(text, option).Trim();
        if (value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return Enterprise(value, option);
        }
        var tax = context.FirstNodeOf("tax")
            ?? throw CliErrors.Target($"{option} '{value}' names the enterprise by code or name, which the tax node resolves, and the consortium description names no tax node; give the credit-code hash (0x + 64 hex digits) instead.");
        var caller = context.Identity(defaultRole);
        var connection = await context.ConnectAsync(tax.Url, caller, cancellationToken).ConfigureAwait(false);
        return (await connection.Tax.ResolveEnterpriseAsync(value, cancellationToken).ConfigureAwait(false)).CreditCodeHash;
    }

    /// <summary>An enterprise's salted credit-code hash (0x + 64 hex digits).</summary>
    public static EnterpriseHash Enterprise(string? text, string option) =>
        TryHash(CliParse.Required(text, option).Trim(), out var hash)
            ? new EnterpriseHash(hash)
            : throw CliErrors.BadArgument(
                $"{option} '{text}' is not an enterprise hash; it is the salted credit-code hash, 0x followed by 64 hex digits, as `ledger consent show` (credit code hash) or `ledger loan decide` prints it.");

    /// <summary>A loan product code (<c>SHUIYIDAI</c>).</summary>
    public static ProductCode Product(string? text, string option)
    {
        var value = CliParse.Required(text, option).Trim();
        try
        {
            return ProductCode.FromCode(value);
        }
        catch (ArgumentException)
        {
            throw CliErrors.BadArgument($"{option} '{text}' is not a product code; use 1 to 31 printable ASCII characters, e.g. SHUIYIDAI.");
        }
    }

    /// <summary>Comma-separated product codes (at least one).</summary>
    public static IReadOnlyList<ProductCode> Products(string? text, string option)
    {
        var codes = CliParse.Required(text, option).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return codes.Length == 0
            ? throw CliErrors.BadArgument($"{option} names no product; e.g. {option} SHUIYIDAI,YINSHUIDAI.")
            : [.. codes.Select(c => Product(c, option)).Distinct()];
    }

    /// <summary>
    /// An amount in yuan (元) as people write it — <c>500000</c>, <c>1,250,000.50</c>, <c>80万</c> (×10,000),
    /// <c>1.2亿</c> (×100,000,000) — or in fen with the suffix <c>fen</c> (<c>12345fen</c>); returned in fen.
    /// </summary>
    public static UInt128 Yuan(string? text, string option, bool allowZero = false)
    {
        var value = CliParse.Required(text, option).Trim().Replace(",", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        UInt128? fen = null;
        if (value.EndsWith("fen", StringComparison.OrdinalIgnoreCase))
        {
            fen = UInt128.TryParse(value[..^3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : null;
        }
        else
        {
            // Decimal places the unit adds to yuan: 万 is 10^4 yuan, 亿 10^8.
            var unitDigits = 0;
            if (value.EndsWith('万'))
            {
                unitDigits = 4;
                value = value[..^1];
                TypedLargeUnit.Value = true;
            }
            else if (value.EndsWith('亿'))
            {
                unitDigits = 8;
                value = value[..^1];
                TypedLargeUnit.Value = true;
            }
            else if (value.EndsWith('元'))
            {
                value = value[..^1];
            }
            fen = YuanToFen(value.Trim(), unitDigits);
        }
        if (fen is not { } result)
        {
            throw CliErrors.BadArgument($"{option} '{text}' is not an amount; give yuan such as 500000, 1,250,000.50 or 80万 (at most 2 decimals), or fen such as 12345fen.");
        }
        if (result == UInt128.Zero && !allowZero)
        {
            throw CliErrors.BadArgument($"{option} must be more than zero.");
        }
        return result;
    }

    private static UInt128? YuanToFen(string value, int unitDigits)
    {
        // Exact decimal arithmetic: split at the point, scale the fraction, never go through floating point.
        var parts = value.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || !parts[0].All(char.IsAsciiDigit) || (parts.Length == 2 && (parts[1].Length == 0 || !parts[1].All(char.IsAsciiDigit))))
        {
            return null;
        }
        var fraction = parts.Length == 2 ? parts[1] : "";
        // The fraction may carry as many digits as the multiplier and fen absorb (2 for yuan, 6 for 万, 10 for 亿).
        var scaleDigits = 2 + unitDigits;
        if (fraction.Length > scaleDigits)
        {
            return null;
        }
        if (!UInt128.TryParse(parts[0] + fraction.PadRight(scaleDigits, '0'), NumberStyles.None, CultureInfo.InvariantCulture, out var scaled))
        {
            return null;
        }
        return scaled;
    }

    /// <summary>A share as a percentage (<c>70</c>, <c>70%</c>, <c>62.5%</c>, at most two decimals) in basis points, within [<paramref name="minBps"/>, <paramref name="maxBps"/>].</summary>
    public static ushort Percent(string? text, string option, ushort minBps, ushort maxBps)
    {
        var value = CliParse.Required(text, option).Trim().TrimEnd('%').Trim();
        var parts = value.Split('.');
        if (parts.Length <= 2 && parts[0].Length is > 0 and <= 5 && parts[0].All(char.IsAsciiDigit)
            && (parts.Length == 1 || (parts[1].Length is > 0 and <= 2 && parts[1].All(char.IsAsciiDigit))))
        {
            var bps = (int.Parse(parts[0], CultureInfo.InvariantCulture) * 100) + (parts.Length == 2 ? int.Parse(parts[1].PadRight(2, '0'), CultureInfo.InvariantCulture) : 0);
            if (bps >= minBps && bps <= maxBps)
            {
                return (ushort)bps;
            }
        }
        throw CliErrors.BadArgument($"{option} '{text}' is not a percentage from {PercentText(minBps)} to {PercentText(maxBps)} (at most two decimals), e.g. 70%.");
    }

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static ulong Number(ulong? value, string option, ulong min, ulong max) =>
        value is { } n && n >= min && n <= max
            ? n
            : throw CliErrors.BadArgument(value is null ? $"{option} is required." : $"{option} must be between {min} and {max}.");

    /// <summary>A date (<c>yyyy-MM-dd</c>, the start of that day in China Standard Time) or a time (ISO 8601) as unix milliseconds.</summary>
    public static ulong Time(string? text, string option)
    {
        var value = CliParse.Required(text, option).Trim();
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date.Year >= 1970
                ? (ulong)new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).ToUnixTimeMilliseconds()
                : throw CliErrors.BadArgument($"{option} '{text}' is before 1970; nothing on the ledger is that old.");
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.ToUnixTimeMilliseconds() > 0)
        {
            return (ulong)time.ToUnixTimeMilliseconds();
        }
        throw CliErrors.BadArgument($"{option} '{text}' is not a date or time; use yyyy-MM-dd (China Standard Time) or an ISO 8601 time such as 2026-01-31T08:00:00Z.");
    }

    /// <summary>Fen as yuan for people: <c>¥1,250,000.50</c>.</summary>
    public static string YuanText(UInt128 fen)
    {
        var yuan = string.Create(CultureInfo.InvariantCulture, $"¥{(fen / FenPerYuan).ToString("N0", CultureInfo.InvariantCulture)}.{(ulong)(fen % FenPerYuan):00}");
        return TypedLargeUnit.Value && LargeUnitText(fen) is { } large ? $"{yuan} ({large})" : yuan;
    }

    /// <summary>
    /// Whether the command's user wrote an amount in 万 or 亿 (<see cref="Yuan"/> notes it for the command's flow): then
    /// amounts it prints carry that form too, <c>¥500,000.00 (50万)</c>.
    /// </summary>
    private static readonly AsyncLocal<bool> TypedLargeUnit = new();

    /// <summary>An amount of at least 1万 in 万 (or 亿 from 1亿 up), exact, without trailing zeros: <c>50万</c>, <c>1.25亿</c>; null below 1万.</summary>
    public static string? LargeUnitText(UInt128 fen)
    {
        const ulong FenPerWan = 1_000_000UL;
        const ulong FenPerYi = 10_000_000_000UL;
        var (unit, per, digits) = fen >= FenPerYi ? ('亿', FenPerYi, 10) : fen >= FenPerWan ? ('万', FenPerWan, 6) : ('\0', 0UL, 0);
        if (per == 0)
        {
            return null;
        }
        var whole = (fen / per).ToString(CultureInfo.InvariantCulture);
        var fraction = ((ulong)(fen % per)).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return fraction.Length == 0 ? $"{whole}{unit}" : $"{whole}.{fraction}{unit}";
    }

    /// <summary>Basis points as a percentage for people: <c>70%</c>, <c>4.35%</c>.</summary>
    public static string PercentText(uint bps) =>
        bps % 100 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bps / 100}%")
            : string.Create(CultureInfo.InvariantCulture, $"{bps / 100.0:0.##}%");

    /// <summary>Fen as the API writes amounts: a decimal string.</summary>
    public static string Fen(UInt128 fen) => fen.ToString(CultureInfo.InvariantCulture);

    /// <summary>The word of a loan purpose: working-capital, rnd, equipment, trade, other.</summary>
    public static string PurposeWord(LoanPurpose purpose) => purpose.Word();

    /// <summary>A loan purpose from its word.</summary>
    public static LoanPurpose Purpose(string? text, string option) =>
        LoanWords.TryParse(CliParse.Required(text, option), out var purpose)
            ? purpose
            : throw CliErrors.BadArgument($"{option} '{text}' is not a loan purpose; use {Words.Listed(LoanWords.Purposes.Select(p => p.Word))}.");

    /// <summary>The word of a loan status: active, overdue, repaid, defaulted.</summary>
    public static string StatusWord(LoanStatus status) => status.Word();

    /// <summary>A loan status from its word.</summary>
    public static LoanStatus Status(string? text, string option) =>
        StateWords.TryParse(CliParse.Required(text, option), out var status)
            ? status
            : throw CliErrors.BadArgument($"{option} '{text}' is not a loan status; use {Words.Listed(StateWords.Loan.Select(l => l.Word))}.");

    /// <summary>The words of the spending categories, in their order.</summary>
    public static IReadOnlyList<(string Word, SpendCategory Category)> CategoryWords { get; } = [.. LoanWords.Categories.Select(c => (c.Word, c.Category))];

    /// <summary>A spending category from its word.</summary>
    public static SpendCategory Category(string? text, string option)
    {
        var value = CliParse.Required(text, option).Trim();
        var match = CategoryWords.FirstOrDefault(c => c.Word.Equals(value, StringComparison.OrdinalIgnoreCase));
        return match.Word is not null
            ? match.Category
            : throw CliErrors.BadArgument($"{option} '{text}' is not a spending category; use {string.Join(", ", CategoryWords.Select(c => c.Word))}.");
    }

    /// <summary>The word of a spending category.</summary>
    public static string CategoryWord(SpendCategory category) =>
        CategoryWords.FirstOrDefault(c => c.Category == category).Word ?? ((int)category).ToString(CultureInfo.InvariantCulture);

    /// <summary>The words of the alert kinds, in their order (<see cref="AlertKindWords"/>).</summary>
    public static IReadOnlyList<(string Word, AlertKind Kind)> AlertWords { get; } = [.. AlertKindWords.All.Select(a => (a.Word, a.Kind))];

    /// <summary>Comma-separated alert kinds.</summary>
    public static IReadOnlyCollection<AlertKind> AlertKinds(string? text, string option)
    {
        var kinds = new HashSet<AlertKind>();
        foreach (var word in CliParse.Required(text, option).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!AlertKindWords.TryParse(word, out var kind))
            {
                throw CliErrors.BadArgument($"{option} '{word}' is not an alert kind; use {string.Join(", ", AlertKindWords.All.Select(a => a.Word))}, separated by commas.");
            }
            kinds.Add(kind);
        }
        return kinds.Count > 0 ? kinds : throw CliErrors.BadArgument($"{option} names no alert kind; e.g. {option} default,overdue-repayment.");
    }

    /// <summary>The word of an alert kind.</summary>
    public static string AlertWord(AlertKind kind) => kind.Word();

    /// <summary>A transaction as JSON: <c>{"hash":"0x…","block":N}</c>.</summary>
    public static object? TxJson(ChainTransaction? tx) => tx is null ? null : new { hash = tx.TxHash.ToString(), block = tx.BlockNumber };

    /// <summary>A transaction for people: <c>tx 0x12ab34cd…, block 812</c>.</summary>
    public static string TxText(ChainTransaction? tx) => tx is null ? "" : $"tx {tx.TxHash.ToShortString()}, block {tx.BlockNumber}";

    /// <summary>A record's anchor reference as JSON.</summary>
    public static object? AnchorJson(AnchorReference? anchor) => anchor is null ? null : new
    {
        recordHash = anchor.RecordHash.ToString(),
        org = anchor.Organization.Code,
        anchored = anchor.IsAnchored,
        batchId = anchor.BatchId?.ToString(),
        root = anchor.Root?.ToString(),
        block = anchor.IsAnchored ? anchor.AnchoredInBlock : (ulong?)null,
    };

    /// <summary>A loan as JSON (amounts in fen as decimal strings, as the API writes them).</summary>
    public static object LoanJson(LoanDetails loan)
    {
        ArgumentNullException.ThrowIfNull(loan);
        return new
        {
            loanId = loan.LoanId.ToString(),
            reference = loan.Reference,
            bank = loan.Bank.Code,
            enterpriseHash = loan.Enterprise.ToString(),
            product = loan.Product.Code,
            amountFen = Fen(loan.AmountFen),
            outstandingFen = Fen(loan.OutstandingFen),
            lossFen = Fen(loan.LossFen),
            rateBps = loan.RateBps,
            termMonths = loan.TermMonths,
            purpose = PurposeWord(loan.Purpose),
            status = StatusWord(loan.Status),
            disbursedAt = loan.DisbursedAt,
            decisionHash = loan.Decision.ToString(),
            consentId = loan.ConsentId.ToString(),
            tx = TxJson(loan.Transaction),
        };
    }

    /// <summary>
    /// The caller (<c>--org</c>/<c>--key-store</c>, else the first node of <paramref name="defaultRole"/>) connected to its
    /// own node (<c>--node</c>, else the caller's node in the consortium description): how a member's own software
    /// reaches the services only its node serves it (lending, guarantees, funds).
    /// </summary>
    public static async Task<(LedgerIdentity Caller, LedgerConnection Node)> ConnectOwnAsync(CliContext context, string defaultRole, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.Identity(defaultRole);
        var connection = await context.ConnectAsync(context.NodeUrl(caller.Organization.Code), caller, cancellationToken).ConfigureAwait(false);
        return (caller, connection);
    }

    private static bool TryHash(string value, out Hash32 hash)
    {
        if (value.Length == 66 && value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && Hash32.TryParse(value, out hash) && !hash.IsZero)
        {
            return true;
        }
        hash = default;
        return false;
    }

    // A reference is the party's own contract or programme number: printable, no control characters, not hex-shaped
    // (a mistyped id must not silently become a reference to another, nonexistent loan).
    private static bool IsReference(string value) =>
        value.Length is > 0 and <= 128
        && !value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        && value.All(c => !char.IsControl(c));
}
