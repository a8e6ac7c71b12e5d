using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ledger.Bench.Infrastructure;
using Ledger.Bench.Report;
using Ledger.Bench.Setup;
using Ledger.Core.Auth;
using Ledger.Core.Consent;
using Ledger.Core.Crypto;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;
using Ledger.Core.Scoring;
using Ledger.Core.TaxData;
using Ledger.Sdk.Auth;
using Ledger.Sdk.Crypto;
using Ledger.Store;
using Ledger.Store.Anchoring;

namespace Ledger.Bench.Phases;

/// <summary>
/// Where a request's CPU goes: each stage of the fetch path run on its own in the bench process with the code the
/// client and the node run (SDK signing, request recovery, report, hashing, sealing, the store's group commit and the
/// batcher's marking), so the end-to-end figures of section 2 can be read against a per-stage budget.
/// </summary>
internal static class ProfilePhase
{
    // The stores of the store stages are encrypted at rest like a node's (the node's password is derived from its key
    // store; any password costs the same): the stages measure what a node's store does.
    private const string ProfileStorePassword = "bench-profile-store";

    public static async Task<List<StageCost>> RunAsync(string scratchDir, IReadOnlyList<long> storeSizes, Action<string> log)
    {
        var stages = new List<StageCost>();
        void Add(string side, string stage, double micros, string note = "")
        {
            stages.Add(new StageCost { Side = side, Stage = stage, Microseconds = Math.Round(micros, 1), Note = note });
            log(string.Create(CultureInfo.InvariantCulture, $"  {side,-6} {stage,-58} {micros,9:F1} µs"));
        }

        var domain = SignedRequest.Domain(31337, EthAddress.FromBytes(Keccak.Hash("consortium").ToArray().AsSpan(0, 20)));
        var bank = OrgId.FromCode("bank.bench.1");
        var tax = OrgId.FromCode("tax.liuzhou");
        using var keys = Ledger.Sdk.Keys.NodeKeys.Generate();
        using var identity = LedgerIdentity.FromKeys(bank, keys);
        var signer = new SigningInterceptor(identity, domain, tax);
        var body = new byte[180];
        Random.Shared.NextBytes(body);
        const string Method = "/ledger.v1.DataExchange/FetchReport";
        Add("client", "sign the request (SDK: EIP-712 digest + secp256k1)", Micros(3_000, () => signer.Sign(Method, body)), Secp256k1Signer.Implementation);

        var nonce = Keccak.Hash("nonce");
        var digest = SignedRequest.Digest(domain, Method, body, tax, bank, 1, nonce);
        using var signing = new Secp256k1Fast.SigningKey(keys.OperatorKey);
        var signature = signing.Sign(digest);
        Add("node", "request digest (EIP-712, Keccak)", Micros(20_000, () => SignedRequest.Digest(domain, Method, body, tax, bank, 1, nonce)));
        Add("node", "recover the signing account (secp256k1)", Micros(3_000, () => Secp256k1Fast.Recover(digest, signature)), Secp256k1Signer.Implementation);
        var fetch = new FetchRequest(new ConsentId(digest), bank, tax, Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices, PurposeCodes.CreditAssessment, 0, 0, "request-1");
        Add("node", "request hash (FetchRequest.Hash)", Micros(20_000, () => fetch.Hash()));

        var taxpayer = SyntheticTaxpayers.Generate(8, 7, DateOnly.FromDateTime(DateTime.UtcNow))[3];
        var from = new YearMonth(DateTime.UtcNow.Year - 2, 1);
        var until = new YearMonth(DateTime.UtcNow.Year, DateTime.UtcNow.Month);
        var scopes = Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices;
        var plaintext = Encoding.UTF8.GetBytes(taxpayer.Report(scopes, from, until, DateTimeOffset.UtcNow).ToJson());
        Add("node", "build the report and its canonical JSON (in full)", Micros(3_000, () => Encoding.UTF8.GetBytes(taxpayer.Report(scopes, from, until, DateTimeOffset.UtcNow).ToJson())),
            $"{plaintext.Length:N0} bytes; the first request of a taxpayer, scopes and period");
        var templates = new ReportTemplates();
        Add("node", "the report's canonical JSON from its template (the node's)", Micros(20_000, () => templates.Json(taxpayer, scopes, from, until, DateTimeOffset.UtcNow)),
            "every later request: this request's time spliced in");
        Add("node", "response hash (Keccak of the report)", Micros(5_000, () => Keccak.Hash(plaintext)));
        var recipient = EnvelopeKeyPair.Generate();
        var binding = new EnvelopeBinding(new ConsentId(digest), digest);
        Add("node", "seal: Envelope.Seal (fresh ephemeral key, 2 scalar mults)", Micros(1_000, () => Envelope.Seal(plaintext, recipient.PublicKey, binding)));
        var sealer = new EnvelopeSealer();
        Add("node", "seal: EnvelopeSealer (the node's: key reused ≤ 1 s)", Micros(3_000, () => sealer.Seal(plaintext, recipient.PublicKey, binding)));
        var record = new AccessRecord(new ConsentId(digest), tax, bank, scopes, digest, digest, 100, 1_700_000_000_000, 1);
        Add("node", "access record hash", Micros(20_000, () => record.Hash()));

        // The store, on a real file with fsync, as the node has it.
        var path = Path.Combine(scratchDir, "profile", Guid.NewGuid().ToString("N"), "ledger.db");
        using (var store = LedgerStore.Open(new LedgerStoreOptions { Path = path, Organization = tax, Password = ProfileStorePassword }))
        {
            var n = 0UL;
            Func<ulong, ILedgerRecord> Next()
            {
                var request = Keccak.Hash(BitConverter.GetBytes(++n));
                return sequence => record with { RequestHash = request, Sequence = sequence };
            }
            foreach (var group in new[] { 1, 16, 64 })
            {
                var groups = group == 1 ? 100 : 1_600 / group;
                for (var w = 0; w < (group == 1 ? 30 : 6); w++)
                {
                    store.Records.AcceptMany([.. Enumerable.Range(0, group).Select(_ => Next())]);
                }
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                for (var g = 0; g < groups; g++)
                {
                    store.Records.AcceptMany([.. Enumerable.Range(0, group).Select(_ => Next())]);
                }
                var perRecord = watch.Elapsed.TotalMicroseconds / (groups * group);
                var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / (groups * group);
                Add("store", $"accept, groups of {group} (one transaction + one fsync per group): CPU", cpu,
                    string.Create(CultureInfo.InvariantCulture, $"wall {perRecord:F0} µs per record, {perRecord * group / 1000:F1} ms per commit"));
            }
            var batcher = new AnchorBatcher(store, new StoreSeeder.SyntheticChain(tax), new AnchorBatcherOptions { MaxBatchSize = 256 });
            var pending = store.Outbox.PendingCount;
            var cpuA = Process.GetCurrentProcess().TotalProcessorTime;
            var watchA = Stopwatch.StartNew();
            batcher.AnchorPendingAsync().GetAwaiter().GetResult();
            Add("store", "anchor batching (form the batch, record its confirmation; proofs are derived on read): CPU", (Process.GetCurrentProcess().TotalProcessorTime - cpuA).TotalMicroseconds / pending,
                string.Create(CultureInfo.InvariantCulture, $"wall {watchA.Elapsed.TotalMicroseconds / pending:F0} µs per record, batches of 256, chain not included"));
            batcher.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        // The same group commit with the store holding 0, 100,000, 1,000,000 records (StoreSeeder, as the access phase
        // fills the tax node's store): whether the store's cost per record grows with its size.
        var sizedPath = Path.Combine(scratchDir, "profile", Guid.NewGuid().ToString("N"), "ledger.db");
        foreach (var size in storeSizes.Order())
        {
            if (size > 0)
            {
                log(string.Create(CultureInfo.InvariantCulture, $"  filling a store to {size:N0} records…"));
                await StoreSeeder.SeedAsync(sizedPath, tax, size, log, ProfileStorePassword).ConfigureAwait(false);
            }
            using var store = LedgerStore.Open(new LedgerStoreOptions { Path = sizedPath, Organization = tax, Password = ProfileStorePassword });
            var consents = Enumerable.Range(0, 32).Select(i => new ConsentId(Keccak.Hash($"bench-live-consent-{i}"))).ToArray();
            var banks = Enumerable.Range(1, 4).Select(i => OrgId.FromCode($"bank.bench.{i}")).ToArray();
            var k = 0;
            Func<ulong, ILedgerRecord> Live()
            {
                var i = k++;
                var request = Keccak.Hash(BitConverter.GetBytes(i).Concat(BitConverter.GetBytes(size)).ToArray());
                return sequence => record with { ConsentId = consents[i % consents.Length], Consumer = banks[i % banks.Length], RequestHash = request, ServedAtMs = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Sequence = sequence };
            }
            for (var w = 0; w < 20; w++)
            {
                store.Records.AcceptMany([.. Enumerable.Range(0, 16).Select(_ => Live())]);
            }
            // Long enough (32,000 records) for the store's checkpoints (every ≈ 1,000 log pages) to be part of the cost.
            var groups = Environment.GetEnvironmentVariable("LEDGER_BENCH_PROFILE_GROUPS") is { } g0 ? int.Parse(g0, CultureInfo.InvariantCulture) : 2_000;
            using var timings = new StoreTimings();
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            for (var g = 0; g < groups; g++)
            {
                store.Records.AcceptMany([.. Enumerable.Range(0, 16).Select(_ => Live())]);
            }
            var perRecord = watch.Elapsed.TotalMicroseconds / (groups * 16);
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / (groups * 16);
            Add("store", string.Create(CultureInfo.InvariantCulture, $"accept, groups of 16, {size:N0} records stored: CPU"), cpu,
                string.Create(CultureInfo.InvariantCulture, $"wall {perRecord:F0} µs per record ({groups * 16:N0} records), {perRecord * 16 / 1000:F1} ms per group: commit and flush {timings.CommitMs / groups:F1} ms, {timings.Checkpoints} checkpoints of {timings.CheckpointMs / Math.Max(1, timings.Checkpoints):F0} ms; 32 consents of 4 banks"));
        }
        return stages;
    }

    // The median over five runs of the average time of one call.
    private static double Micros(int iterations, Action action)
    {
        // Warm up past tiered compilation (methods are promoted after 30 calls and a short delay).
        for (var i = 0; i < Math.Max(100, Math.Min(iterations, 1_000)); i++)
        {
            action();
        }
        Thread.Sleep(150);
        var runs = new double[5];
        for (var r = 0; r < runs.Length; r++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < iterations / 5; i++)
            {
                action();
            }
            runs[r] = watch.Elapsed.TotalMicroseconds / (iterations / 5);
        }
        Array.Sort(runs);
        return Stats.Median(runs);
    }
}

/// <summary>Sums the store's commit and checkpoint durations (its <c>Ledger.Store</c> meter) while it lives.</summary>
internal sealed class StoreTimings : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private double _commitSeconds;
    private double _checkpointSeconds;
    private int _checkpoints;

    public StoreTimings()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument == StoreTelemetry.CommitDuration || instrument == StoreTelemetry.CheckpointDuration)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, seconds, _, _) =>
        {
            if (instrument == StoreTelemetry.CommitDuration)
            {
                _commitSeconds += seconds;
            }
            else
            {
                _checkpointSeconds += seconds;
                _checkpoints++;
            }
        });
        _listener.Start();
    }

    public double CommitMs => _commitSeconds * 1000;

    public double CheckpointMs => _checkpointSeconds * 1000;

    public int Checkpoints => _checkpoints;

    public void Dispose() => _listener.Dispose();
}
