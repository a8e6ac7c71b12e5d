using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Microsoft.Extensions.Logging;

namespace Ledger.Store.Anchoring;

/// <summary>The batcher's log lines (source-generated: structured, no formatting unless enabled).</summary>
internal static partial class BatcherLog
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Formed anchor batch #{Sequence} ({BatchId}) of {Count} record(s), root {Root}")]
    public static partial void BatchAssigned(ILogger logger, ulong sequence, BatchId batchId, uint count, Hash32 root);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Resuming anchor batch #{Sequence} ({BatchId}) left {State} by an earlier run")]
    public static partial void Resuming(ILogger logger, ulong sequence, BatchId batchId, AnchorBatchState state);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "Anchor batch #{Sequence} is already on chain with its root; recording the confirmation")]
    public static partial void AlreadyAnchored(ILogger logger, ulong sequence);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Debug, Message = "Sending anchor batch #{Sequence} (attempt {Attempt})")]
    public static partial void Sending(ILogger logger, ulong sequence, int attempt);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Information, Message = "Anchored batch #{Sequence} ({Count} record(s)) in block {Block}, tx {TxHash}")]
    public static partial void Anchored(ILogger logger, ulong sequence, uint count, ulong block, Hash32 txHash);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Warning, Message = "Batch id of batch #{Sequence} ({BatchId}) is already anchored on chain with another root {ChainRoot} (our root {Root}); the batch is abandoned and its {Count} record(s) go into a new batch")]
    public static partial void Conflict(ILogger logger, ulong sequence, BatchId batchId, Hash32 chainRoot, Hash32 root, uint count);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Warning, Message = "Anchoring failed ({Error}); {Unanchored} record(s) wait, nothing is lost; retrying in {Delay}")]
    public static partial void Failed(ILogger logger, Exception exception, string error, long unanchored, TimeSpan delay);

    [LoggerMessage(EventId = 1408, Level = LogLevel.Information, Message = "Anchor batcher started for {Organization}: batches of up to {MaxBatchSize} record(s) or every {MaxWait}")]
    public static partial void Started(ILogger logger, string organization, int maxBatchSize, TimeSpan maxWait);

    [LoggerMessage(EventId = 1409, Level = LogLevel.Information, Message = "Anchor batcher stopped; {Unanchored} record(s) not yet anchored stay in the outbox")]
    public static partial void Stopped(ILogger logger, long unanchored);
}
