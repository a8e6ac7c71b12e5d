using System.Globalization;
using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Sdk.Mapping;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>A member as the chain's consortium record has it: what the trail needs to find its node.</summary>
/// <param name="Org">The organization.</param>
/// <param name="Role">Its role (tax bureaus and banks keep records under consents; other roles none).</param>
/// <param name="Endpoint">Its node's gRPC address, as registered on chain (empty: none registered).</param>
public sealed record TrailMember(OrgId Org, Role Role, string Endpoint)
{
    /// <summary>The TLS pins its member record registers (<c>Consortium.tlsPinsOf</c>): its node's certificate must have one of them.</summary>
    public IReadOnlyList<Hash32> TlsPins { get; init; } = [];
}

/// <summary>
/// What <see cref="EnterpriseTrails"/> reads from the chain: the caller's own view of it (its JSON-RPC endpoint and
/// the deployment), never a node's word — the roots it checks records against, and where members' nodes are. The CLI
/// implements it over <c>Ledger.Chain</c> (<c>ledger enterprise trail</c>); another program over any Ethereum client:
/// <c>AccessLog.anchoredRoot(orgId, batchId)</c>, <c>Consortium.member(orgId)</c> and <c>Consortium.tlsPinsOf(orgId)</c>.
/// </summary>
public interface ITrailChain
{
    /// <summary>The member <paramref name="org"/>; null when the chain knows no such member.</summary>
    Task<TrailMember?> MemberAsync(OrgId org, CancellationToken cancellationToken = default);

    /// <summary>The root <paramref name="org"/> anchored as <paramref name="batch"/>; null when the chain holds none.</summary>
    Task<Hash32?> AnchoredRootAsync(OrgId org, BatchId batch, CancellationToken cancellationToken = default);
}

/// <summary>How a trail entry stands against the chain.</summary>
public enum TrailVerdict
{
    /// <summary>Its hash recomputed from its fields, its Merkle proof leads to its batch root, and that root is the one the chain holds for the member's batch.</summary>
    Verified,
    /// <summary>Accepted by the node, not anchored yet (anchoring runs every few seconds to minutes): ask again later.</summary>
    Pending,
    /// <summary>Something does not match (<see cref="EnterpriseTrailEntry.Problem"/> says what): the record is not what the member anchored.</summary>
    Failed,
}

/// <summary>What a trail entry records.</summary>
public enum EnterpriseTrailKind
{
    /// <summary>The provider served data to the consumer (an access record).</summary>
    Served,
    /// <summary>The provider refused a request (a refusal record).</summary>
    Refused,
    /// <summary>The provider delivered a monitoring alert (an access record whose request is an <see cref="AlertDelivery"/>).</summary>
    AlertDelivered,
    /// <summary>The consumer deleted what it held (a deletion receipt).</summary>
    Deleted,
    /// <summary>The bank decided on credit with the data (a credit decision).</summary>
    Decided,
    /// <summary>Another kind of record under the enterprise's consent.</summary>
    Other,
}

/// <summary>An alert that an access record delivered, as the provider's node names it (checked against the record).</summary>
/// <param name="AlertId">The alert's id in the provider's alert log.</param>
/// <param name="Kind">The alert's kind.</param>
/// <param name="RaisedAtMs">When it was raised (unix ms).</param>
/// <param name="Summary">What it said.</param>
public sealed record DeliveredAlertInfo(string AlertId, AlertKind Kind, ulong RaisedAtMs, string Summary);

/// <summary>One record of the enterprise's trail, with its verdict.</summary>
/// <param name="Source">The member whose node made, keeps and anchors the record.</param>
/// <param name="Record">The record as the node exported it (fields, sequence, anchor reference).</param>
/// <param name="Kind">What it records.</param>
/// <param name="Consent">The consent it is under.</param>
/// <param name="Who">The other party: the consumer served, refused or alerted; the bank that deleted or decided.</param>
/// <param name="TimeMs">The record's own time (unix ms).</param>
/// <param name="What">For people: "served rating", "refused: scope not granted", "alert delivered: rating-downgrade", "deleted: consent revoked".</param>
/// <param name="Status">Verified, pending or failed.</param>
/// <param name="Problem">Why it failed (one sentence); null otherwise.</param>
/// <param name="Alert">The alert an alert delivery delivered.</param>
public sealed record EnterpriseTrailEntry(
    OrgId Source, ExportedRecord Record, EnterpriseTrailKind Kind, ConsentId Consent, OrgId Who, ulong TimeMs, string What,
    TrailVerdict Status, string? Problem, DeliveredAlertInfo? Alert = null)
{
    /// <summary>The block the record's batch was anchored in (0: not anchored).</summary>
    public ulong AnchoredInBlock => Record.Anchor.AnchoredInBlock;
}

/// <summary>A node the trail asked (or could not ask).</summary>
/// <param name="Org">The member.</param>
/// <param name="Role">Its role on chain.</param>
/// <param name="Endpoint">Where its node was asked.</param>
/// <param name="Records">How many records it gave.</param>
/// <param name="Problem">Why it could not be asked or its answer was unusable; null when it answered. Its records are then missing from the trail.</param>
/// <param name="Note">Why it was not asked though it is a party of a consent (a role that keeps no records under consents).</param>
public sealed record EnterpriseTrailSource(OrgId Org, Role Role, string Endpoint, int Records, string? Problem, string? Note = null);

/// <summary>
/// The enterprise's whole trail (<see cref="EnterpriseTrails.GatherAsync"/>): its consents with their state, every
/// record about it from the provider of its consents (accesses, refusals, alert deliveries) and from each consumer
/// (deletion receipts, credit decisions), oldest first, each verified against the chain.
/// </summary>
/// <param name="CreditCodeHash">The enterprise the wallet's account is bound to.</param>
/// <param name="Consents">Its consents, with their state and use, as its tax node has them.</param>
/// <param name="Entries">Every record, oldest first.</param>
/// <param name="Sources">The nodes asked, and those that could not be.</param>
public sealed record EnterpriseTrail(
    EnterpriseHash CreditCodeHash, IReadOnlyList<ConsentDetails> Consents, IReadOnlyList<EnterpriseTrailEntry> Entries, IReadOnlyList<EnterpriseTrailSource> Sources)
{
    /// <summary>Entries verified against the chain.</summary>
    public int Verified => Entries.Count(e => e.Status == TrailVerdict.Verified);

    /// <summary>Entries not anchored yet.</summary>
    public int Pending => Entries.Count(e => e.Status == TrailVerdict.Pending);

    /// <summary>Entries that failed verification.</summary>
    public int Failed => Entries.Count(e => e.Status == TrailVerdict.Failed);

    /// <summary>
    /// Records a provider must have made but did not give: its accesses and refusals under each consent are numbered
    /// 1, 2, 3 … without gaps (their consent sequence), so a missing number is a withheld record. One sentence each.
    /// </summary>
    public IReadOnlyList<string> Gaps { get; init; } = [];

    /// <summary>True when every node that keeps records under the enterprise's consents answered, and no provider's numbering has a gap.</summary>
    public bool Complete => Sources.All(s => s.Problem is null) && Gaps.Count == 0;
}

/// <summary>
/// Gathers and verifies an enterprise's trail, signed with its own key (an <see cref="EnterpriseWallet"/>), never a
/// member's. The chain is the authority: every record's hash is recomputed from its fields, its Merkle proof checked
/// up to its batch root, and that root compared with the one the chain holds for the member's batch
/// (<see cref="ITrailChain"/>) — the same three checks the auditor makes (docs/audit.md), on Core's canonical hash
/// and standard Merkle tree. A node's answer is never taken on its word.
/// </summary>
public static class EnterpriseTrails
{
    /// <summary>
    /// Asks the tax node at <paramref name="taxNodeUrl"/> (connected with <paramref name="options"/>) for the
    /// enterprise's consents and its records, then every other provider and every consumer of those consents that
    /// keeps records (a tax or bank node, found at the endpoint the chain registers for it, its TLS certificate checked
    /// against the pins its member record registers; the rest of <paramref name="options"/> — plaintext for
    /// development, time-outs — applies), and verifies each record.
    /// </summary>
    /// <remarks>
    /// A node that cannot be reached, answers as another member, or refuses is listed among
    /// <see cref="EnterpriseTrail.Sources"/> with its problem (the trail is then not <see cref="EnterpriseTrail.Complete"/>);
    /// it does not stop the rest. A guarantor, regulator or auditor keeps no records under consents and is not asked.
    /// </remarks>
    /// <exception cref="Core.Errors.LedgerException">LEDGER-1527 when the wallet's account is bound to no enterprise;
    /// LEDGER-1600 when the tax node cannot be reached; LEDGER-1519 when it is not a tax node.</exception>
    public static async Task<EnterpriseTrail> GatherAsync(
        string taxNodeUrl, EnterpriseWallet wallet, ITrailChain chain, LedgerConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taxNodeUrl);
        ArgumentNullException.ThrowIfNull(wallet);
        ArgumentNullException.ThrowIfNull(chain);
        using var tax = await EnterpriseConnection.ConnectAsync(taxNodeUrl, wallet, options, cancellationToken).ConfigureAwait(false);
        var consents = await tax.MyConsentsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var own = await tax.MyAccessesResponseAsync(null, cancellationToken).ConfigureAwait(false);
        var enterprise = Calls.Parse(() => new EnterpriseHash(ApiMapping.Hash(own.CreditCodeHash, "credit_code_hash")));
        var taxOrg = tax.Info.Organization;

        var answers = new List<(OrgId Org, Proto.MyAccessesResponse Response)> { (taxOrg, own) };
        var sources = new List<EnterpriseTrailSource>();
        var taxMember = await chain.MemberAsync(taxOrg, cancellationToken).ConfigureAwait(false);
        sources.Add(new EnterpriseTrailSource(taxOrg, taxMember?.Role ?? Role.TaxBureau, taxNodeUrl, own.Records.Count,
            taxMember is null ? $"The node at {taxNodeUrl} answers as {taxOrg.Code}, which the chain knows as no member." : null));
        var parties = consents.SelectMany(c => new[] { c.Provider, c.Consumer }).Where(o => !o.Value.IsZero && o != taxOrg).Distinct().OrderBy(o => o.Code, StringComparer.Ordinal);
        foreach (var org in parties)
        {
            var (source, response) = await AskAsync(org, wallet, chain, options, cancellationToken).ConfigureAwait(false);
            sources.Add(source);
            if (response is not null)
            {
                answers.Add((org, response));
            }
        }

        var byConsent = consents.ToDictionary(c => c.ConsentId);
        var roots = new Dictionary<(OrgId, BatchId), Hash32?>();
        var entries = new List<EnterpriseTrailEntry>();
        foreach (var (org, response) in answers)
        {
            var alerts = response.AlertDeliveries.ToDictionary(a => a.RecordHash.ToLowerInvariant(), a => a, StringComparer.Ordinal);
            foreach (var item in response.Records)
            {
                entries.Add(await EntryAsync(org, item, enterprise, byConsent, alerts, roots, chain, cancellationToken).ConfigureAwait(false));
            }
        }
        var ordered = entries.OrderBy(e => e.TimeMs).ThenBy(e => e.Source.Code, StringComparer.Ordinal).ThenBy(e => e.Record.Sequence).ToList();
        return new EnterpriseTrail(enterprise, consents, ordered, sources) { Gaps = SequenceGaps(ordered) };
    }

    /// <summary>
    /// The gaps in each provider's numbering of its accesses and refusals under each consent (1, 2, 3 …; records made
    /// before consent sequences, numbered 0, are not counted): a missing number is a record the provider made but did not give.
    /// </summary>
    public static IReadOnlyList<string> SequenceGaps(IEnumerable<EnterpriseTrailEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var gaps = new List<string>();
        var numbered = entries
            .Select(e => e.Record.Record)
            .OfType<IConsentSequencedRecord>()
            .Where(r => r.ConsentSequence > 0)
            .GroupBy(r => (r.Provider, r.ConsentId));
        foreach (var group in numbered)
        {
            var have = group.Select(r => r.ConsentSequence).ToHashSet();
            var missing = Enumerable.Range(1, (int)Math.Min(have.Max(), int.MaxValue)).Select(i => (ulong)i).Where(i => !have.Contains(i)).ToList();
            if (missing.Count > 0)
            {
                gaps.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{group.Key.Provider.Code} numbers {have.Max()} record(s) under consent {group.Key.ConsentId.Value.ToShortString()} but did not give number(s) {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? " …" : "")}."));
            }
        }
        return gaps;
    }

    // One party's node: found on chain, asked with the enterprise's key, its answer checked to come from it.
    private static async Task<(EnterpriseTrailSource Source, Proto.MyAccessesResponse? Response)> AskAsync(
        OrgId org, EnterpriseWallet wallet, ITrailChain chain, LedgerConnectionOptions? options, CancellationToken cancellationToken)
    {
        TrailMember? member;
        try
        {
            member = await chain.MemberAsync(org, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Core.Errors.LedgerException or HttpRequestException or TimeoutException)
        {
            return (new EnterpriseTrailSource(org, Role.None, "", 0, $"The chain could not be read for member {org.Code}: {ex.Message}"), null);
        }
        if (member is null)
        {
            return (new EnterpriseTrailSource(org, Role.None, "", 0, $"A consent names {org.Code}, which the chain knows as no member."), null);
        }
        if (member.Role is not (Role.TaxBureau or Role.Bank))
        {
            return (new EnterpriseTrailSource(org, member.Role, member.Endpoint, 0, null, $"A {member.Role.ToString().ToLowerInvariant()} node keeps no records under consents; not asked."), null);
        }
        if (string.IsNullOrWhiteSpace(member.Endpoint))
        {
            return (new EnterpriseTrailSource(org, member.Role, "", 0, $"{org.Code} has no node endpoint registered on chain; its records could not be asked for."), null);
        }
        // The member's own node, and nothing else: its certificate one its member record pins, its answer as that member.
        var given = options ?? new LedgerConnectionOptions();
        var nodeOptions = given with
        {
            Tls = given.Tls with { ServerPins = member.TlsPins.Count > 0 ? member.TlsPins.ToArray() : null },
            ExpectedNode = org,
        };
        try
        {
            using var node = await EnterpriseConnection.ConnectAsync(member.Endpoint, wallet, nodeOptions, cancellationToken).ConfigureAwait(false);
            if (node.Info.Organization != org)
            {
                return (new EnterpriseTrailSource(org, member.Role, member.Endpoint, 0,
                    $"The node at {member.Endpoint} (the endpoint the chain registers for {org.Code}) answers as {node.Info.Organization.Code}; its answer was not used."), null);
            }
            var response = await node.MyAccessesResponseAsync(null, cancellationToken).ConfigureAwait(false);
            return (new EnterpriseTrailSource(org, member.Role, member.Endpoint, response.Records.Count, null), response);
        }
        catch (Core.Errors.LedgerException ex)
        {
            return (new EnterpriseTrailSource(org, member.Role, member.Endpoint, 0, $"{org.Code}'s node at {member.Endpoint} did not give its records ({ex.Code}): {ex.Message}"), null);
        }
    }

    private static async Task<EnterpriseTrailEntry> EntryAsync(
        OrgId source, Proto.ExportedRecord item, EnterpriseHash enterprise, IReadOnlyDictionary<ConsentId, ConsentDetails> consents,
        Dictionary<string, Proto.DeliveredAlert> alerts, Dictionary<(OrgId, BatchId), Hash32?> roots, ITrailChain chain, CancellationToken cancellationToken)
    {
        ExportedRecord record;
        try
        {
            record = RecordsClient.FromProto(item);
        }
        catch (FormatException ex)
        {
            // Unreadable fields: nothing to show but the failure.
            var placeholder = new ExportedRecord(item.Sequence, item.Type, new DeletionReceipt(default, source, Hash32.Zero, default, 0, item.Sequence),
                new AnchorReference(default, source, null, null, [], item.Anchor?.AnchoredInBlock ?? 0, null));
            return new EnterpriseTrailEntry(source, placeholder, EnterpriseTrailKind.Other, default, source, 0, item.Type, TrailVerdict.Failed,
                $"{source.Code}'s record {item.Sequence} ({item.Type}) cannot be read: {ex.Message}");
        }
        DeliveredAlertInfo? alert = null;
        string? alertProblem = null;
        if (alerts.TryGetValue(record.Anchor.RecordHash.ToString().ToLowerInvariant(), out var note))
        {
            if (AlertKindWords.TryParse(note.Kind, out var kind))
            {
                alert = new DeliveredAlertInfo(note.AlertId, kind, note.RaisedAtMs, note.Summary);
            }
            else
            {
                alertProblem = $"The node names an alert of kind '{note.Kind}', which is no alert kind.";
            }
        }
        var entry = Describe(source, record, alert);
        Hash32? chainRoot = null;
        if (record.Anchor.BatchId is { } batch && !roots.TryGetValue((record.Anchor.Organization, batch), out chainRoot))
        {
            chainRoot = await chain.AnchoredRootAsync(record.Anchor.Organization, batch, cancellationToken).ConfigureAwait(false);
            roots[(record.Anchor.Organization, batch)] = chainRoot;
        }
        var (status, problem) = alertProblem is not null
            ? (TrailVerdict.Failed, alertProblem)
            : Verify(source, record, enterprise, consents, alert, chainRoot);
        return entry with { Status = status, Problem = problem };
    }

    /// <summary>
    /// Verifies one record of an enterprise's trail: it hashes to the reference its node gives; it is under one of the
    /// enterprise's consents and its parties are that consent's; an alert delivery's request and response hashes are
    /// the named alert's; and — once anchored — its Merkle proof leads to its batch root and that root is
    /// <paramref name="chainRoot"/>, the one the chain holds for the member's batch. Not anchored yet: pending.
    /// </summary>
    /// <param name="source">The member whose node gave the record (it must be the member that anchors it).</param>
    /// <param name="record">The record as exported.</param>
    /// <param name="enterprise">The enterprise the trail is of.</param>
    /// <param name="consents">The enterprise's consents by id.</param>
    /// <param name="alert">The alert the node says an access record delivered, if any.</param>
    /// <param name="chainRoot">The root the chain holds for the record's batch (<c>anchoredRoot(org, batchId)</c>); null when none or not anchored.</param>
    public static (TrailVerdict Status, string? Problem) Verify(
        OrgId source, ExportedRecord record, EnterpriseHash enterprise, IReadOnlyDictionary<ConsentId, ConsentDetails> consents,
        DeliveredAlertInfo? alert, Hash32? chainRoot)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(consents);
        var what = string.Create(CultureInfo.InvariantCulture, $"{source.Code}'s record {record.Sequence} ({record.Type})");
        var hash = record.Hash;
        if (hash != record.Anchor.RecordHash)
        {
            return Fail($"{what}: its fields hash to {hash}, not to the {record.Anchor.RecordHash} its node names — the record was altered.");
        }
        if (record.Anchor.Organization != source)
        {
            return Fail($"{what} is anchored under {record.Anchor.Organization.Code}, not under {source.Code} whose node gave it.");
        }
        var consentId = ConsentOf(record.Record);
        if (consentId is not { } id || !consents.TryGetValue(id, out var consent))
        {
            return Fail($"{what} is under consent {consentId?.ToString() ?? "(none)"}, which is not one of the enterprise's consents.");
        }
        if (consent.CreditCodeHash is { } about && about != enterprise)
        {
            return Fail($"{what} is under consent {id.Value.ToShortString()}, which names another enterprise.");
        }
        var parties = record.Record switch
        {
            AccessRecord a => a.Provider == consent.Provider && a.Consumer == consent.Consumer && a.Provider == source,
            RefusalRecord r => r.Provider == consent.Provider && r.Consumer == consent.Consumer && r.Provider == source,
            DeletionReceipt d => d.Consumer == consent.Consumer && d.Consumer == source,
            CreditDecisionRecord c => c.Bank == consent.Consumer && c.Bank == source && c.Enterprise == enterprise,
            _ => true,
        };
        if (!parties)
        {
            return Fail($"{what} names parties other than consent {id.Value.ToShortString()}'s ({consent.Consumer.Code} served by {consent.Provider.Code}).");
        }
        if (alert is not null)
        {
            if (record.Record is not AccessRecord access)
            {
                return Fail($"{what} is not an access record, yet its node says it delivered alert {alert.AlertId}.");
            }
            if (new AlertDelivery(access.ConsentId, access.Consumer, access.Provider, alert.AlertId, alert.Kind).Hash() != access.RequestHash)
            {
                return Fail($"{what}: the delivery of alert {alert.AlertId} its node names does not hash to the record's request hash.");
            }
            if (AlertDelivery.ContentHash(alert.Kind, enterprise, alert.RaisedAtMs, alert.Summary) != access.ResponseHash)
            {
                return Fail($"{what}: what alert {alert.AlertId} said does not hash to the record's response hash.");
            }
        }
        if (record.Anchor.BatchId is not { } batch || record.Anchor.Root is not { } root)
        {
            return (TrailVerdict.Pending, null);
        }
        if (!StandardMerkleTree.Verify(root, hash.Value, record.Anchor.Proof.ToArray()))
        {
            return Fail($"{what}: its Merkle proof does not lead from its hash to the root {root.ToShortString()} of batch {batch.Value.ToShortString()}.");
        }
        if (chainRoot is not { } anchored)
        {
            return Fail($"{what}: the chain holds no root for {source.Code}'s batch {batch.Value.ToShortString()}, which its node says anchors it.");
        }
        if (anchored != root)
        {
            return Fail($"{what}: its batch {batch.Value.ToShortString()} has root {root.ToShortString()} at the node, but the chain holds {anchored.ToShortString()} for it.");
        }
        return (TrailVerdict.Verified, null);

        static (TrailVerdict, string?) Fail(string problem) => (TrailVerdict.Failed, problem);
    }

    private static ConsentId? ConsentOf(ILedgerRecord record) => record switch
    {
        IConsentSequencedRecord sequenced => sequenced.ConsentId,
        DeletionReceipt receipt => receipt.ConsentId,
        CreditDecisionRecord decision => decision.ConsentId,
        _ => null,
    };

    // What the record says, for people (verdict filled in by the caller).
    private static EnterpriseTrailEntry Describe(OrgId source, ExportedRecord record, DeliveredAlertInfo? alert) => record.Record switch
    {
        AccessRecord a when alert is not null => new(source, record, EnterpriseTrailKind.AlertDelivered, a.ConsentId, a.Consumer, a.ServedAtMs,
            $"alert delivered: {alert.Kind.Word()}", TrailVerdict.Pending, null, alert),
        AccessRecord a => new(source, record, EnterpriseTrailKind.Served, a.ConsentId, a.Consumer, a.ServedAtMs,
            $"served: {ScopeText(a.Scopes)}", TrailVerdict.Pending, null),
        RefusalRecord r => new(source, record, EnterpriseTrailKind.Refused, r.ConsentId, r.Consumer, r.RefusedAtMs,
            $"refused: {ReasonWords(r.Reason)}", TrailVerdict.Pending, null),
        DeletionReceipt d => new(source, record, EnterpriseTrailKind.Deleted, d.ConsentId, d.Consumer, d.DeletedAtMs,
            $"deleted: {Words(d.Cause.ToString())}", TrailVerdict.Pending, null),
        CreditDecisionRecord c => new(source, record, EnterpriseTrailKind.Decided, c.ConsentId, c.Bank, c.DecidedAtMs,
            c.Approved ? "decided: approved" : "decided: declined", TrailVerdict.Pending, null),
        _ => new(source, record, EnterpriseTrailKind.Other, ConsentOf(record.Record) ?? default, source, 0, record.Type, TrailVerdict.Pending, null),
    };

    /// <summary>A refusal's reason in words: "scope not granted", "fetch cap reached", "chain view stale".</summary>
    public static string ReasonWords(byte reason) =>
        Words(reason < 64 ? ((AccessStatus)reason).ToString() : ((RefusalReason)reason).ToString());

    private static string ScopeText(Scopes scopes) =>
        scopes == Scopes.None ? "nothing" : string.Join(", ", Core.Model.ScopeWords.WordsOf(scopes));

    // "ConsentRevoked" → "consent revoked".
    private static string Words(string name)
    {
        var words = new System.Text.StringBuilder();
        foreach (var ch in name)
        {
            if (char.IsUpper(ch) && words.Length > 0)
            {
                words.Append(' ');
            }
            words.Append(char.ToLowerInvariant(ch));
        }
        return words.ToString();
    }
}
