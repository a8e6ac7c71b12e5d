using Ledger.Chain;
using Ledger.Chain.Profiles;
using Ledger.Core.Model;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Store.Anchoring;

namespace Ledger.Store.CrashHost;

internal static partial class CrashHostProgram
{
    /// <summary>
    /// A node's anchoring path, for real: the chain's rpc profile (finality depth 0 on an automining hardhat node),
    /// the operator's transaction sender journaling into the store, <see cref="AnchorChain"/>, and the batcher's
    /// background loop, while records are accepted. Returns once every record is anchored.
    /// </summary>
    private static async Task AnchorAsync(LedgerStore store, HostArguments arguments)
    {
        var logger = new StderrLogger();
        var profile = new ChainProfile
        {
            Kind = ChainKind.Rpc,
            RpcUrl = arguments.RpcUrl ?? throw new ArgumentException("--rpc is required in anchor mode"),
            DeploymentFile = arguments.DeploymentFile ?? throw new ArgumentException("--deployment is required in anchor mode"),
            FinalityDepth = 0,
            PollInterval = TimeSpan.FromMilliseconds(20),
        };
        var key = Convert.FromHexString((arguments.Key ?? throw new ArgumentException("--key is required in anchor mode")).Replace("0x", "", StringComparison.OrdinalIgnoreCase));

        await using var chain = await ChainEnvironment.StartAsync(profile, logger).ConfigureAwait(false);
        using var sender = chain.CreateSender(key, store.Journal, logger);
        // Finish what a killed predecessor journaled (the same signed bytes) before anything new is signed.
        await sender.RecoverAsync().ConfigureAwait(false);
        IAnchorChain anchors = new AnchorChain(sender, chain.Deployment, store.Organization);
        if (arguments.KillAt == "Broadcast")
        {
            anchors = new KillOnceJournaled(anchors, store, arguments.KillAtBatch);
        }

        await using var batcher = new AnchorBatcher(store, anchors, new AnchorBatcherOptions
        {
            MaxBatchSize = arguments.BatchSize,
            MaxWait = TimeSpan.FromMilliseconds(arguments.MaxWaitMs),
            InitialRetryDelay = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
        }, logger.For<AnchorBatcher>());
        batcher.BatchAnchored += batch => Print($"ANCHORED {batch.Sequence} {batch.Count} {batch.BlockNumber}");
        if (arguments.KillAt is { } stageName && stageName != "Broadcast")
        {
            var stage = Enum.Parse<AnchorStage>(stageName);
            batcher.StageHook = (at, batch) =>
            {
                if (at == stage && batch.Sequence == arguments.KillAtBatch)
                {
                    Print($"KILLING at {at} of batch {batch.Sequence}");
                    KillSelf();
                }
            };
        }

        batcher.Start();
        AcceptUpTo(store, arguments.Records, arguments.AcceptDelayMs);
        while (store.Outbox.UnanchoredCount > 0)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }
        await batcher.StopAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Kills the process as soon as the sender has journaled the signed anchor transaction of batch K — written
    /// before it is broadcast, so the kill lands just before or just after the broadcast, never after the receipt
    /// was recorded: the "sent, no receipt" crash point.
    /// </summary>
    private sealed class KillOnceJournaled(IAnchorChain inner, LedgerStore store, ulong batchSequence) : IAnchorChain
    {
        public OrgId Organization => inner.Organization;

        public Task<Hash32?> FindAnchoredRootAsync(BatchId batchId, CancellationToken cancellationToken = default) =>
            inner.FindAnchoredRootAsync(batchId, cancellationToken);

        public Task<ChainConfirmation> AnchorAsync(BatchId batchId, Hash32 root, uint count, BatchKind kind, string uri, CancellationToken cancellationToken = default)
        {
            if (batchId == BatchId.For(Organization, batchSequence))
            {
                var journalKey = AnchorChain.KeyOf(Organization, batchId);
                _ = Task.Run(async () =>
                {
                    while (store.Journal.Find(journalKey) is null)
                    {
                        await Task.Delay(1).ConfigureAwait(false);
                    }
                    Print($"KILLING at Broadcast of batch {batchSequence}");
                    KillSelf();
                }, CancellationToken.None);
            }
            return inner.AnchorAsync(batchId, root, count, kind, uri, cancellationToken);
        }
    }
}
