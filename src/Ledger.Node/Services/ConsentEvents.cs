using Ledger.Core.Consent;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Node.Services;

/// <summary>A consent as granted on chain: its full terms (from the <c>ConsentGranted</c> event), the block and the relayer.</summary>
public sealed record GrantedConsent(ConsentId ConsentId, ConsentTerms Terms, ulong GrantedAtBlock, ulong GrantedAtTime, EthAddress? Relayer);

/// <summary>Reading consent events of the audit index (arguments as the indexer flattens them: <c>terms.dataFrom</c>, …).</summary>
public static class ConsentEvents
{
    /// <summary>Event name of a grant.</summary>
    public static string Granted => ConsentGranted.EventName;
    /// <summary>Event name of a narrowing.</summary>
    public static string Narrowed => ConsentNarrowed.EventName;
    /// <summary>Event name of a revocation.</summary>
    public static string Revoked => ConsentRevoked.EventName;

    /// <summary>The grant in a <c>ConsentGranted</c> event.</summary>
    /// <exception cref="FormatException">when the event is not a grant or lacks a field (another ABI version).</exception>
    public static GrantedConsent ParseGrant(ChainEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var granted = e.As<ConsentGranted>();
        return new GrantedConsent(granted.ConsentId, granted.Terms, e.BlockNumber, e.BlockTimestamp, granted.Relayer);
    }
}
