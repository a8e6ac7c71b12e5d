using Ledger.Core.Consent;
using Ledger.Core.Events;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;

namespace Ledger.Audit.History;

/// <summary>A consent's enforcement state as a check against some block saw it.</summary>
/// <param name="Granted">Granted in that block or before.</param>
/// <param name="RevokedAtBlock">The block it was revoked in, when that is at or before the block asked about.</param>
/// <param name="Scopes">The scopes then (narrowings applied).</param>
/// <param name="ValidFrom">First second of use.</param>
/// <param name="ValidUntil">Last second of use then (narrowings applied).</param>
public readonly record struct ConsentStateAt(bool Granted, ulong? RevokedAtBlock, Scopes Scopes, ulong ValidFrom, ulong ValidUntil);

/// <summary>
/// One consent's life from its events: the terms of its ConsentGranted event (the whole artefact), each narrowing,
/// and its revocation. Whether the terms hash to the consent id under the bundle's EIP-712 domain is checked once,
/// so terms altered in a bundle are caught.
/// </summary>
public sealed class ConsentTimeline
{
    private readonly List<(ulong Block, int LogIndex, ulong Time, Scopes Scopes, ulong ValidUntil)> _narrowings = [];

    internal ConsentTimeline(ConsentId id, ConsentTerms terms, ChainEvent granted, bool idMatchesTerms)
    {
        Id = id;
        Terms = terms;
        Granted = granted;
        IdMatchesTerms = idMatchesTerms;
    }

    /// <summary>The consent id.</summary>
    public ConsentId Id { get; }

    /// <summary>The artefact's terms, as granted.</summary>
    public ConsentTerms Terms { get; }

    /// <summary>The ConsentGranted event.</summary>
    public ChainEvent Granted { get; }

    /// <summary>The block it was granted in.</summary>
    public ulong GrantedAtBlock => Granted.BlockNumber;

    /// <summary>The ConsentRevoked event, if revoked.</summary>
    public ChainEvent? Revoked { get; private set; }

    /// <summary>The narrowings (block, log index, block time, scopes and last valid second after it), in chain order.</summary>
    public IReadOnlyList<(ulong Block, int LogIndex, ulong Time, Scopes Scopes, ulong ValidUntil)> Narrowings => _narrowings;

    /// <summary>True when the terms in the ConsentGranted event hash (EIP-712, the bundle's domain) to the consent id.</summary>
    public bool IdMatchesTerms { get; }

    internal void Narrow(ChainEvent e, ConsentNarrowed narrowing) => _narrowings.Add((e.BlockNumber, e.LogIndex, e.BlockTimestamp, narrowing.Scopes, narrowing.ValidUntil));

    internal void Revoke(ChainEvent e) => Revoked ??= e;

    /// <summary>The state a check against block <paramref name="block"/> saw.</summary>
    public ConsentStateAt At(ulong block)
    {
        if (GrantedAtBlock > block)
        {
            return new ConsentStateAt(false, null, Scopes.None, Terms.ValidFrom, Terms.ValidUntil);
        }
        var scopes = Terms.Scopes;
        var validUntil = Terms.ValidUntil;
        foreach (var n in _narrowings)
        {
            if (n.Block > block)
            {
                break;
            }
            scopes = n.Scopes;
            validUntil = n.ValidUntil;
        }
        var revoked = Revoked is { } r && r.BlockNumber <= block ? r.BlockNumber : (ulong?)null;
        return new ConsentStateAt(true, revoked, scopes, Terms.ValidFrom, validUntil);
    }

    /// <summary>The fetch period (from <c>validFrom</c>, of <c>fetchPeriod</c> seconds) that time <paramref name="seconds"/> falls in.</summary>
    public ulong PeriodAt(ulong seconds) =>
        Terms.FetchPeriod == 0 || seconds < Terms.ValidFrom ? 0 : (seconds - Terms.ValidFrom) / Terms.FetchPeriod;

    /// <summary>Reads the terms of a ConsentGranted event (tuple fields flattened as <c>terms.*</c>).</summary>
    /// <exception cref="FormatException">when an argument is missing or malformed.</exception>
    public static ConsentTerms TermsOf(ChainEvent granted)
    {
        ArgumentNullException.ThrowIfNull(granted);
        return granted.As<ConsentGranted>().Terms;
    }

    /// <summary>The consent id of <paramref name="terms"/> on the bundle's chain and registry.</summary>
    internal static ConsentId IdOf(ConsentTerms terms, ulong chainId, EthAddress registry) =>
        terms.IdIn(Eip712Domain.ForConsentRegistry(chainId, registry));
}
