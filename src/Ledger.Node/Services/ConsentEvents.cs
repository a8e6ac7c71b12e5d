using System.Globalization;
using System.Numerics;
using Ledger.Core.Consent;
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
    public const string Granted = "ConsentGranted";
    /// <summary>Event name of a narrowing.</summary>
    public const string Narrowed = "ConsentNarrowed";
    /// <summary>Event name of a revocation.</summary>
    public const string Revoked = "ConsentRevoked";

    /// <summary>The grant in a <c>ConsentGranted</c> event.</summary>
    /// <exception cref="FormatException">when the event lacks a field (another ABI version).</exception>
    public static GrantedConsent ParseGrant(ChainEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string A(string name) => e.Args.TryGetValue(name, out var v) ? v : throw new FormatException($"the {e.Name} event has no '{name}'");
        ulong U(string name) => ulong.Parse(A(name), NumberStyles.None, CultureInfo.InvariantCulture);
        uint U32(string name) => uint.Parse(A(name), NumberStyles.None, CultureInfo.InvariantCulture);
        var terms = new ConsentTerms(
            EthAddress.Parse(A("terms.enterprise")),
            EnterpriseHash.Parse(A("terms.creditCodeHash")),
            new OrgId(Hash32.Parse(A("terms.consumer"))),
            new OrgId(Hash32.Parse(A("terms.provider"))),
            (Scopes)U("terms.scopes"),
            U32("terms.purpose"),
            U("terms.validFrom"),
            U("terms.validUntil"),
            U("terms.dataFrom"),
            U("terms.dataUntil"),
            U32("terms.fetchCap"),
            U32("terms.fetchPeriod"),
            U("terms.dataLife"),
            BigInteger.Parse(A("terms.nonce"), NumberStyles.None, CultureInfo.InvariantCulture),
            BigInteger.Parse(A("terms.deadline"), NumberStyles.None, CultureInfo.InvariantCulture));
        var relayer = e.Args.TryGetValue("relayer", out var r) && EthAddress.TryParse(r, out var account) ? account : (EthAddress?)null;
        return new GrantedConsent(ConsentId.Parse(A("consentId")), terms, e.BlockNumber, e.BlockTimestamp, relayer);
    }
}
