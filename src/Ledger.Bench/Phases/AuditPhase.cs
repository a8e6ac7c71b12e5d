using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Ledger.Audit.Bundle;
using Ledger.Audit.History;
using Ledger.Audit.Indexing;
using Ledger.Audit.Trails;
using Ledger.Audit.Verification;
using Ledger.Bench.Infrastructure;
using Ledger.Bench.Report;
using Ledger.Chain.Abi;
using Ledger.Core.Consent;
using Ledger.Core.Merkle;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Bench.Phases;

/// <summary>
/// Whole-ledger verification at 10k, 100k and 1M records and one enterprise's trail, with <c>Ledger.Audit</c> as the
/// auditor node runs it (<see cref="LedgerIndex"/> + <see cref="LedgerVerifier"/> with the chain's roots, complete
/// batches required). The ledger is synthetic but real where it counts: consent ids are EIP-712 digests of their
/// terms, records are hashed canonically, batches are OpenZeppelin standard trees whose roots and proofs the verifier
/// recomputes, and every record is checked against its consent's events and the membership history. No chain is
/// needed: the roots the verifier trusts are the batches' own (as the chain would return them).
/// </summary>
internal static class AuditPhase
{
    public const int RecordsPerBatch = 1_000;
    public const int RecordsPerEnterprise = 1_000;
    private const ulong ChainId = 31337;
    private const ulong T0 = 1_760_000_000;
    private static readonly OrgId Tax = OrgId.FromCode("tax.liuzhou");
    private static readonly OrgId Bank = OrgId.FromCode("bank.ccb.liuzhou");

    public static AuditSection Run(int[] sizes, int rounds, int trailRounds, MemorySampler memory, Action<string> log)
    {
        var section = new AuditSection();
        foreach (var size in sizes)
        {
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            memory.Restart();
            var watch = Stopwatch.StartNew();
            var (bundle, roots, enterprises) = Generate(size);
            var generated = watch.Elapsed.TotalSeconds;
            var entry = new AuditSize { Records = size, Batches = bundle.Anchors.Count, Consents = enterprises.Count, GenerateSeconds = Math.Round(generated, 2) };
            log(string.Create(CultureInfo.InvariantCulture, $"  {size:N0} records in {bundle.Anchors.Count:N0} batches generated in {generated:F1} s"));
            var index = new List<double>();
            var verify = new List<double>();
            var total = new List<double>();
            var rate = new List<double>();
            var cpu = new List<double>();
            LedgerVerifier? verifier = null;
            VerificationReport? report = null;
            for (var r = 0; r < rounds; r++)
            {
                verifier = null;
                report = null;
                GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
                var sw = Stopwatch.StartNew();
                var ledgerIndex = LedgerIndex.Build(bundle);
                var indexed = sw.Elapsed.TotalSeconds;
                verifier = new LedgerVerifier(ledgerIndex, RootAuthority.FromChain(roots, "the batches' roots (synthetic chain)"),
                    new VerificationOptions { RequireCompleteBatches = true });
                report = verifier.VerifyAll();
                var elapsed = sw.Elapsed.TotalSeconds;
                cpu.Add(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpu0);
                index.Add(indexed);
                verify.Add(elapsed - indexed);
                total.Add(elapsed);
                rate.Add(size / elapsed);
                entry.Passed = report.Passed && report.Verified == size;
                log(string.Create(CultureInfo.InvariantCulture,
                    $"  verify {size:N0}, round {r + 1}/{rounds}: index {indexed:F2} s + verify {elapsed - indexed:F2} s = {size / elapsed:N0} records/s ({report.Summary()})"));
            }
            entry.IndexSeconds = Summary.Of(index);
            entry.VerifySeconds = Summary.Of(verify);
            entry.TotalSeconds = Summary.Of(total);
            entry.RecordsPerSecond = Summary.Of(rate);
            entry.CpuSeconds = Summary.Of(cpu);

            if (size == sizes.Max() && verifier is not null && report is not null)
            {
                var scope = AuditScope.ForEnterprise(enterprises[0]);
                var withReport = new List<double>();
                var standalone = new List<double>();
                for (var r = 0; r < trailRounds; r++)
                {
                    var sw = Stopwatch.StartNew();
                    var trail = new TrailBuilder(verifier, report).Build(scope);
                    withReport.Add(sw.Elapsed.TotalMilliseconds);
                    section.TrailRecords = trail.Items.Count(i => i.RecordIndex is not null);
                    sw.Restart();
                    var own = new TrailBuilder(verifier).Build(scope);
                    standalone.Add(sw.Elapsed.TotalMilliseconds);
                    if (own.Failed > 0 || trail.Failed > 0)
                    {
                        throw new InvalidOperationException("The synthetic enterprise's trail did not verify.");
                    }
                }
                section.TrailOutOf = size;
                section.TrailWithReportMs = Summary.Of(withReport);
                section.TrailStandaloneMs = Summary.Of(standalone);
                log(string.Create(CultureInfo.InvariantCulture,
                    $"  trail of one enterprise ({section.TrailRecords:N0} records out of {size:N0}): {section.TrailWithReportMs.Median:F1} ms from the whole-ledger report, {section.TrailStandaloneMs.Median:F1} ms verifying its own proofs"));
            }
            entry.PeakMemoryMiB = memory.PeaksMiB().GetValueOrDefault("bench");
            section.Sizes.Add(entry);
        }
        if (section.Sizes.Count > 1)
        {
            var small = section.Sizes[0];
            var large = section.Sizes[^1];
            var timeRatio = large.TotalSeconds.Median / small.TotalSeconds.Median;
            var sizeRatio = large.Records / (double)small.Records;
            section.Linearity = string.Create(CultureInfo.InvariantCulture,
                $"{sizeRatio:N0}× the records took {timeRatio:F1}× the time ({timeRatio / sizeRatio:F2} of linear)");
        }
        return section;
    }

    /// <summary>
    /// A ledger of <paramref name="records"/> access records: a tax bureau and a bank admitted in block 1, one consent
    /// per enterprise (each with <see cref="RecordsPerEnterprise"/> accesses) granted in block 2, batch b of
    /// <see cref="RecordsPerBatch"/> records checked and anchored in block 3 + b. Enterprise i's accesses are spread
    /// over every batch (record k belongs to consent k mod enterprises), as interleaved traffic would be.
    /// </summary>
    public static (AuditBundle Bundle, Dictionary<BatchKey, Hash32> Roots, List<EnterpriseHash> Enterprises) Generate(int records)
    {
        var contracts = LedgerContracts.Names.ToDictionary(n => n, n => EthAddress.FromBytes(Keccak.Hash("contract/" + n).ToArray().AsSpan(0, 20)), StringComparer.Ordinal);
        var chain = new ChainReference(ChainId, 1, contracts);
        var domain = Eip712Domain.ForConsentRegistry(ChainId, contracts[LedgerContracts.ConsentRegistry]);
        var events = new List<ChainEvent>();
        var blockTimes = new Dictionary<ulong, ulong>();
        var tx = 0L;
        ChainEvent Emit(ulong block, int logIndex, string contract, string name, params (string, string)[] args)
        {
            blockTimes[block] = TimeOf(block);
            var e = new ChainEvent(contract, name, block, TimeOf(block), Counter(0xEE, ++tx), logIndex,
                args.ToDictionary(a => a.Item1, a => a.Item2, StringComparer.Ordinal));
            events.Add(e);
            return e;
        }
        Emit(1, 0, LedgerEvents.Consortium, LedgerEvents.MemberAdmitted, ("orgId", Tax.Value.ToString()), ("role", N((ulong)Role.TaxBureau)), ("name", Tax.Code), ("endpoint", ""), ("enode", ""), ("encryptionKey", "0x"));
        Emit(1, 1, LedgerEvents.Consortium, LedgerEvents.MemberAdmitted, ("orgId", Bank.Value.ToString()), ("role", N((ulong)Role.Bank)), ("name", Bank.Code), ("endpoint", ""), ("enode", ""), ("encryptionKey", "0x"));

        var enterpriseCount = Math.Max(1, records / RecordsPerEnterprise);
        var consents = new ConsentId[enterpriseCount];
        var enterprises = new List<EnterpriseHash>(enterpriseCount);
        const Scopes scopes = Scopes.TaxCreditRating | Scopes.TaxPayments | Scopes.Invoices;
        for (var e = 0; e < enterpriseCount; e++)
        {
            var account = EthAddress.FromBytes(Counter(0xAC, e).ToArray().AsSpan(0, 20));
            var hash = new EnterpriseHash(Counter(0xEA, e));
            var from = TimeOf(2) - 60;
            var terms = new ConsentTerms(account, hash, Bank, Tax, scopes, PurposeCodes.CreditAssessment,
                from, from + (90 * 86_400), from - (3 * 365 * 86_400), from, 1_000_000, 0, 30 * 86_400, new BigInteger(e + 1), new BigInteger(TimeOf(2) + 3_600));
            var id = terms.IdIn(domain);
            consents[e] = id;
            enterprises.Add(hash);
            Emit(2, e, LedgerEvents.ConsentRegistry, LedgerEvents.ConsentGranted,
                ("consentId", id.Value.ToString()), ("enterprise", account.ToString()), ("consumer", Bank.Value.ToString()), ("provider", Tax.Value.ToString()),
                ("creditCodeHash", hash.Value.ToString()), ("terms.enterprise", account.ToString()), ("terms.creditCodeHash", hash.Value.ToString()),
                ("terms.consumer", Bank.Value.ToString()), ("terms.provider", Tax.Value.ToString()), ("terms.scopes", N((ulong)scopes)),
                ("terms.purpose", N(terms.Purpose)), ("terms.validFrom", N(terms.ValidFrom)), ("terms.validUntil", N(terms.ValidUntil)),
                ("terms.dataFrom", N(terms.DataFrom)), ("terms.dataUntil", N(terms.DataUntil)), ("terms.fetchCap", N(terms.FetchCap)),
                ("terms.fetchPeriod", N(terms.FetchPeriod)), ("terms.dataLife", N(terms.DataLife)),
                ("terms.nonce", terms.Nonce.ToString(CultureInfo.InvariantCulture)), ("terms.deadline", terms.Deadline.ToString(CultureInfo.InvariantCulture)),
                ("relayer", account.ToString()));
        }

        var bundleRecords = new BundleRecord[records];
        var roots = new Dictionary<BatchKey, Hash32>();
        var batchCount = (records + RecordsPerBatch - 1) / RecordsPerBatch;
        var batches = new (ulong Block, BatchId Id, Hash32 Root, Hash32 Tx)[batchCount];
        // Records and trees in parallel (the generator is not what is measured); events after, in chain order.
        Parallel.For(0, batchCount, b =>
        {
            var block = 3UL + (ulong)b;
            var first = b * RecordsPerBatch;
            var count = Math.Min(RecordsPerBatch, records - first);
            var made = new AccessRecord[count];
            var hashes = new Hash32[count];
            for (var k = 0; k < count; k++)
            {
                var i = first + k;
                var sequence = (ulong)i + 1;
                made[k] = new AccessRecord(consents[i % enterpriseCount], Tax, Bank, scopes, Counter(0x01, i), Counter(0x02, i), block, (TimeOf(block) * 1000) + 500, sequence);
                hashes[k] = made[k].Hash().Value;
            }
            var tree = StandardMerkleTree.Of(hashes);
            var batchId = BatchId.For(Tax, (ulong)b + 1);
            var txHash = Counter(0xBA, b);
            batches[b] = (block, batchId, tree.Root, txHash);
            for (var k = 0; k < count; k++)
            {
                bundleRecords[first + k] = new BundleRecord(made[k], new RecordHash(hashes[k]), new RecordAnchorRef(Tax, batchId, tree.Root, tree.GetProof(k), block, txHash));
            }
        });
        for (var b = 0; b < batchCount; b++)
        {
            var (block, id, root, txHash) = batches[b];
            var count = Math.Min(RecordsPerBatch, records - (b * RecordsPerBatch));
            blockTimes[block] = TimeOf(block);
            events.Add(new ChainEvent(LedgerEvents.AccessLog, LedgerEvents.BatchAnchored, block, TimeOf(block), txHash, 0,
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["orgId"] = Tax.Value.ToString(), ["batchId"] = id.Value.ToString(), ["root"] = root.ToString(),
                    ["count"] = N((ulong)count), ["kind"] = N((ulong)BatchKind.AccessRecords), ["uri"] = $"ledger://{Tax.Code}/batches/{b + 1}",
                }));
            roots[new BatchKey(Tax, id)] = root;
        }
        var bundle = AuditBundleBuilder.FromLedger(chain, bundleRecords, events, blockTimes, "ledger-bench", 1_000);
        return (bundle, roots, enterprises);
    }

    private static ulong TimeOf(ulong block) => T0 + (12 * block);

    private static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    // A distinct 32-byte value per (tag, n): cheap, and never equal across tags.
    private static Hash32 Counter(byte tag, long n)
    {
        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        bytes[0] = tag;
        BinaryPrimitives.WriteInt64BigEndian(bytes[24..], n);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], unchecked(n * -7046029254386353131L));
        return new Hash32(bytes);
    }
}
