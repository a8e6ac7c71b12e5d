using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Store;
using Ledger.Store.Anchoring;

namespace Ledger.Bench.Setup;

/// <summary>
/// Fills a tax node's store with the access records of a past it did not live through, fast: real
/// <see cref="AccessRecord"/>s (the store numbers their sequences and consent sequences and takes their canonical
/// hashes, as for the node's own) written with the store's own <c>AcceptMany</c> in transactions of 5,000 records
/// without a flush per commit, then anchored in batches of 256 as the node's batcher forms them, against a synthetic
/// chain that confirms every batch at once (no transaction is sent: the node treats them as anchored long ago).
/// The records name 2,000 consents of 20 banks that are not the bench's, served over the past year.
/// </summary>
internal static class StoreSeeder
{
    private const int Transaction = 5_000;
    private const int HistoryConsents = 2_000;
    private const int HistoryBanks = 20;

    /// <summary>Adds records until the store holds <paramref name="target"/> (its last sequence); returns how many it added.</summary>
    public static async Task<long> SeedAsync(string path, OrgId organization, long target, Action<string> log, string? password = null)
    {
        var watch = Stopwatch.StartNew();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        using var store = LedgerStore.Open(new LedgerStoreOptions { Path = path, Organization = organization, SyncWrites = false, Password = password });
        var start = (long)store.Records.LastSequence;
        var banks = Enumerable.Range(1, HistoryBanks).Select(i => OrgId.FromCode($"bank.history.{i}")).ToArray();
        var consents = Enumerable.Range(1, HistoryConsents).Select(i => new ConsentId(Keccak.Hash($"bench-history-consent-{i}"))).ToArray();
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var yearMs = 365UL * 24 * 3600 * 1000;
        var step = Math.Max(1UL, yearMs / (ulong)Math.Max(1, target));
        var random = new Random(unchecked((int)target));
        for (var done = start; done < target; done += Transaction)
        {
            var count = (int)Math.Min(Transaction, target - done);
            var creates = new Func<ulong, ILedgerRecord>[count];
            for (var i = 0; i < count; i++)
            {
                var pick = random.Next(HistoryConsents);
                var consent = consents[pick];
                var bank = banks[pick % HistoryBanks];
                creates[i] = sequence =>
                {
                    Span<byte> seed = stackalloc byte[8];
                    BinaryPrimitives.WriteUInt64BigEndian(seed, sequence);
                    var request = Keccak.Hash(seed);
                    return new AccessRecord(consent, organization, bank, Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices,
                        request, Keccak.Hash(request.ToArray()), 1 + (sequence / 100), now - yearMs + (sequence * step), sequence);
                };
            }
            store.Records.AcceptMany(creates);
            if ((done - start) % 200_000 < Transaction && done > start)
            {
                log(string.Create(CultureInfo.InvariantCulture, $"    seeded {done - start:N0} of {target - start:N0} records ({watch.Elapsed.TotalSeconds:F0} s)"));
            }
        }
        var added = (long)store.Records.LastSequence - start;
        await using (var batcher = new AnchorBatcher(store, new SyntheticChain(organization), new AnchorBatcherOptions { MaxBatchSize = 256 }))
        {
            await batcher.AnchorPendingAsync().ConfigureAwait(false);
        }
        log(string.Create(CultureInfo.InvariantCulture,
            $"    the store holds {store.Records.LastSequence:N0} records: {added:N0} added and anchored in {watch.Elapsed.TotalSeconds:F1} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:F1} s CPU)"));
        return added;
    }

    /// <summary>A chain that confirms every anchor at once (block 1), for records anchored before the run.</summary>
    internal sealed class SyntheticChain(OrgId org) : IAnchorChain
    {
        public OrgId Organization => org;

        public Task<Hash32?> FindAnchoredRootAsync(BatchId batchId, CancellationToken cancellationToken = default) => Task.FromResult<Hash32?>(null);

        public Task<ChainConfirmation> AnchorAsync(BatchId batchId, Hash32 root, uint count, BatchKind kind, string uri, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChainConfirmation(Keccak.Hash(batchId.Value, root), 1, 1));
    }
}
