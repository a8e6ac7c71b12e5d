using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.TaxData;
using Ledger.Node.Hosting;
using Ledger.Node.Hosting.Auth;
using Ledger.Node.Services;
using Ledger.Store.Audit;

namespace Ledger.Node.Tax;

/// <summary>
/// <c>ledger.v1.DataExchange</c> on the tax node: fetches (see <see cref="DataExchangeProcessor"/>), and resolving an
/// enterprise's credit code or name to its salted hash for the members entitled to link them.
/// </summary>
public sealed class DataExchangeService(DataExchangeProcessor processor, NodeIdentity node, Ledger.Store.LedgerStore store, ITaxDataStore taxData) : DataExchange.DataExchangeBase
{
    /// <inheritdoc/>
    public override Task<FetchReportResponse> FetchReport(FetchReportRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return processor.FetchAsync(request, context.RequiredCaller(), context.CancellationToken);
    }

    /// <inheritdoc/>
    public override Task<ResolvedEnterprise> ResolveEnterprise(ResolveEnterpriseRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.RequiredCaller();
        var hasCode = !string.IsNullOrWhiteSpace(request.CreditCode);
        var hasName = !string.IsNullOrWhiteSpace(request.Name);
        if (hasCode == hasName)
        {
            throw NodeErrors.InvalidField("Give credit_code or name, one of them.");
        }
        var asked = hasCode ? request.CreditCode.Trim() : request.Name.Trim();
        TaxpayerEntry? entry;
        if (hasCode)
        {
            entry = CreditCode.TryParse(asked, out var code)
                ? taxData.Get(code)
                : throw NodeErrors.InvalidField($"credit_code '{Clip(asked)}' is not a unified social credit code (18 characters, check digit last).");
        }
        else
        {
            var named = taxData.ByName(asked);
            entry = named.Count switch
            {
                0 => null,
                1 => named[0],
                _ => Entitled(caller, named[0]) || Entitled(caller, named[1])
                    ? throw NodeErrors.InvalidField($"More than one taxpayer is registered as '{Clip(asked)}'; give the credit code instead.")
                    : null,
            };
        }
        if (entry is null || !Entitled(caller, entry))
        {
            // The same answer whether the enterprise exists or not: a member learns a hash only where a consent lets it.
            throw new LedgerException(NodeErrors.UnknownEnterpriseCode, ErrorCategory.NotFound,
                $"No enterprise '{Clip(asked)}' that {caller.Org.Code} may look up: {node.Organization.Code} resolves an enterprise for a bank or guarantor only when one of the enterprise's consents names it; check the code or name, or use the credit-code hash the consent carries.");
        }
        return Task.FromResult(new ResolvedEnterprise
        {
            CreditCodeHash = entry.CreditCodeHash.ToString(),
            CreditCode = entry.Taxpayer.CreditCode.Value,
            Name = entry.Taxpayer.Name,
        });
    }

    // Auditors and regulators (mandate), the bureau's own operators, and a consumer some consent of the enterprise names.
    private bool Entitled(CallerIdentity caller, TaxpayerEntry entry)
    {
        if (caller.Role is Role.Auditor or Role.Regulator || caller.Org == node.Organization)
        {
            return true;
        }
        var query = new EventQuery { Enterprise = entry.CreditCodeHash, Name = ConsentEvents.Granted, Limit = AuditIndex.MaxQueryLimit };
        return store.Audit.Find(query).Any(e => ConsentEvents.ParseGrant(e).Terms is var t && t.Consumer == caller.Org && t.CreditCodeHash == entry.CreditCodeHash);
    }

    private static string Clip(string text) => text.Length > 64 ? text[..64] + "…" : text;
}
