using Ledger.Chain;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Node.Hosting;
using Ledger.Store;

namespace Ledger.Node.Tax.UseCases;

/// <summary>A consent's state in the registry as of a block, in domain types (what a refusal's sentence quotes).</summary>
/// <param name="Scopes">The scopes granted.</param>
/// <param name="ValidFrom">Valid from (unix seconds).</param>
/// <param name="ValidUntil">Valid until (unix seconds; a narrowing may have shortened it).</param>
/// <param name="RevokedAtBlock">The block it was revoked in (0: not revoked).</param>
/// <param name="FetchCap">Fetches allowed per period (0: no cap).</param>
/// <param name="FetchPeriod">The fetch period in seconds (0: the whole validity).</param>
public sealed record ConsentOnChain(Scopes Scopes, ulong ValidFrom, ulong ValidUntil, ulong RevokedAtBlock, uint FetchCap, uint FetchPeriod);

/// <summary>
/// What <see cref="FetchReport"/> reads and sends on chain besides the consent verdict (which the <see cref="ConsentGate"/>
/// reads): the consumer's registered encryption key, the consent's state for a refusal's sentence, and in strong mode
/// the access itself. <see cref="ChainDataExchange"/> implements it over the operator's chain client; unit tests give an
/// in-memory one. A read that fails throws a <see cref="Ledger.Core.Errors.LedgerException"/> (the use case then
/// refuses, recorded, with LEDGER-1330).
/// </summary>
public interface IDataExchangeChain
{
    /// <summary>The encryption key <paramref name="member"/> registered in the consortium as of <paramref name="block"/> (empty when none).</summary>
    Task<byte[]> EncryptionKeyAsync(OrgId member, ulong block);

    /// <summary>The consent's state as of <paramref name="block"/>.</summary>
    Task<ConsentOnChain> ConsentAsync(ConsentId consent, ulong block);

    /// <summary>
    /// Strong mode: records the access on chain (<c>AccessLog.recordAccess</c>) and waits for it; the registry's
    /// refusal comes back as its contract error (LEDGER-1227…1240).
    /// </summary>
    Task<ChainConfirmation> RecordAccessAsync(ConsentId consent, OrgId consumer, Scopes scopes, Hash32 requestHash, Hash32 responseHash, string key);
}

/// <summary>
/// Where <see cref="FetchReport"/> keeps its answers — an access record for each report served, a refusal record for
/// each refusal — durably before the caller hears of them (the node's store, through its group commit). Each factory is
/// given the sequence its record is stored under.
/// </summary>
public interface IAnswerLog
{
    /// <summary>Accepts the access record durably; returns its hash.</summary>
    Task<RecordHash> AcceptAccessAsync(Func<ulong, AccessRecord> create);

    /// <summary>Accepts the refusal record durably; returns its hash.</summary>
    Task<RecordHash> AcceptRefusalAsync(Func<ulong, RefusalRecord> create);
}

/// <summary>The chain's side of a fetch through the operator's chain client and the node's membership cache.</summary>
public sealed class ChainDataExchange(LedgerChainClient chain, MembershipDirectory membership) : IDataExchangeChain
{
    /// <inheritdoc/>
    public async Task<byte[]> EncryptionKeyAsync(OrgId member, ulong block) =>
        (await membership.MemberAsync(member, block).ConfigureAwait(false)).EncryptionKey ?? [];

    /// <inheritdoc/>
    public async Task<ConsentOnChain> ConsentAsync(ConsentId consent, ulong block)
    {
        var state = await chain.ConsentAsync(consent, block).ConfigureAwait(false);
        return new ConsentOnChain((Scopes)state.Scopes, state.ValidFrom, state.ValidUntil, state.RevokedAtBlock, state.FetchCap, state.FetchPeriod);
    }

    /// <inheritdoc/>
    public async Task<ChainConfirmation> RecordAccessAsync(ConsentId consent, OrgId consumer, Scopes scopes, Hash32 requestHash, Hash32 responseHash, string key) =>
        (await chain.RecordAccessAsync(consent, consumer, scopes, requestHash, responseHash, key, CancellationToken.None).ConfigureAwait(false)).ToConfirmation();
}

/// <summary>The node's store as the <see cref="IAnswerLog"/>: each record through the group commit (committed and synced before it returns).</summary>
public sealed class StoreAnswerLog(LedgerStore store) : IAnswerLog
{
    /// <inheritdoc/>
    public async Task<RecordHash> AcceptAccessAsync(Func<ulong, AccessRecord> create) =>
        (await store.Records.AcceptAsync(create).ConfigureAwait(false)).Hash;

    /// <inheritdoc/>
    public async Task<RecordHash> AcceptRefusalAsync(Func<ulong, RefusalRecord> create) =>
        (await store.Records.AcceptAsync(create).ConfigureAwait(false)).Hash;
}

/// <summary>A report served: what the caller gets, and the access record that says so.</summary>
/// <param name="Envelope">The report, sealed to the consumer's registered key and bound to (consent, request hash).</param>
/// <param name="RequestHash">The request's hash.</param>
/// <param name="ResponseHash">Keccak of the report's canonical JSON (before sealing).</param>
/// <param name="CheckedAtBlock">The block the consent was checked at.</param>
/// <param name="ServedAtMs">When it was served (unix milliseconds).</param>
/// <param name="AccessRecord">The access record's hash (durable before this is returned).</param>
/// <param name="StrongModeTx">Strong mode: the <c>recordAccess</c> transaction.</param>
public sealed record ServedReport(byte[] Envelope, Hash32 RequestHash, Hash32 ResponseHash, ulong CheckedAtBlock, ulong ServedAtMs, RecordHash AccessRecord, ChainConfirmation? StrongModeTx);
