using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Records;
using Ledger.Node.Hosting;

namespace Ledger.Node.Tax;

/// <summary>
/// The sentence and status of each consent-registry verdict other than Allowed. The codes are those of the registry's
/// own errors (docs/errors.md), so a refusal by the tax node and a revert on chain read the same.
/// </summary>
internal static class RefusalCatalogue
{
    public static async Task<LedgerException> ForStatusAsync(AccessStatus status, FetchRequest fetch, UseCases.IDataExchangeChain chain, ulong block)
    {
        var id = fetch.ConsentId.Value.ToShortString();
        switch (status)
        {
            case AccessStatus.UnknownConsent:
                return new("LEDGER-1227", ErrorCategory.NotFound,
                    $"Consent {id} does not exist on this chain (as of block {block}); check the id — a consent signed for another chain or registry has another id.");
            case AccessStatus.WrongConsumer:
                return new("LEDGER-1231", ErrorCategory.PermissionDenied,
                    $"Consent {id} was not granted to {fetch.Consumer.Code}; only the consumer named in the consent may use it.");
            case AccessStatus.WrongProvider:
                return new("LEDGER-1232", ErrorCategory.PermissionDenied,
                    $"Consent {id} does not name {fetch.Provider.Code} as its provider; ask the tax bureau the consent names.");
            case AccessStatus.ConsumerIneligible:
                return new("LEDGER-1235", ErrorCategory.FailedPrecondition,
                    $"{fetch.Consumer.Code} is not an active bank or guarantor (as of block {block}), so it cannot use consent {id}; the governors must admit or reinstate it first.");
            case AccessStatus.ProviderIneligible:
                return new("LEDGER-1236", ErrorCategory.FailedPrecondition,
                    $"{fetch.Provider.Code} is not an active tax bureau (as of block {block}), so it cannot serve data under consent {id}.");
            case AccessStatus.EnterpriseUnbound:
                return new("LEDGER-1240", ErrorCategory.FailedPrecondition,
                    $"The enterprise account of consent {id} was retired (unbound, or replaced by a key rotation); its consents no longer work, and the enterprise must consent anew with its current account.");
        }
        // The remaining verdicts read better with the consent's dates and counts.
        var state = await chain.ConsentAsync(fetch.ConsentId, block).ConfigureAwait(false);
        return status switch
        {
            AccessStatus.NotYetValid => new("LEDGER-1228", ErrorCategory.FailedPrecondition,
                $"Consent {id} is valid only from {Time(state.ValidFrom)}; wait until then."),
            AccessStatus.Expired => new("LEDGER-1229", ErrorCategory.FailedPrecondition,
                $"Consent {id} expired at {Time(state.ValidUntil)} (as of block {block}); ask the enterprise for a new consent."),
            AccessStatus.Revoked => new("LEDGER-1230", ErrorCategory.FailedPrecondition,
                $"Consent {id} was revoked at block {state.RevokedAtBlock}; ask the enterprise for a new consent."),
            AccessStatus.ScopeNotGranted => new("LEDGER-1233", ErrorCategory.PermissionDenied,
                $"Consent {id} grants scopes {state.Scopes} but {fetch.Scopes} was asked for; ask only for granted scopes, or ask the enterprise for a wider consent."),
            AccessStatus.FetchCapReached => FetchCapReached(fetch.ConsentId, state.FetchCap, state.FetchPeriod),
            _ => new(NodeErrors.InternalCode, ErrorCategory.Internal, $"The consent registry answered status {(byte)status} for consent {id}, which this node does not know; upgrade the node."),
        };
    }

    public static LedgerException FetchCapReached(ConsentId consentId, uint cap, uint period) => new("LEDGER-1234", ErrorCategory.FailedPrecondition,
        $"Consent {consentId.Value.ToShortString()} allows {cap} access(es) {(period == 0 ? "in all" : $"per {period} s")} and they are used up; "
        + (period == 0 ? "ask the enterprise for a new consent." : "wait for the next period or ask the enterprise for a new consent."));

    /// <summary>The registry verdict a decoded registry error stands for (strong mode's recordAccess reverts), or null.</summary>
    public static AccessStatus? StatusOfContractError(string code) => code switch
    {
        "LEDGER-1227" => AccessStatus.UnknownConsent,
        "LEDGER-1228" => AccessStatus.NotYetValid,
        "LEDGER-1229" => AccessStatus.Expired,
        "LEDGER-1230" => AccessStatus.Revoked,
        "LEDGER-1231" => AccessStatus.WrongConsumer,
        "LEDGER-1232" => AccessStatus.WrongProvider,
        "LEDGER-1233" => AccessStatus.ScopeNotGranted,
        "LEDGER-1234" => AccessStatus.FetchCapReached,
        "LEDGER-1235" => AccessStatus.ConsumerIneligible,
        "LEDGER-1236" => AccessStatus.ProviderIneligible,
        "LEDGER-1240" => AccessStatus.EnterpriseUnbound,
        _ => null,
    };

    private static string Time(ulong unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(unixSeconds, 253_402_300_799UL)).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
