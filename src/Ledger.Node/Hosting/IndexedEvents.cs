using Ledger.Core.Ports;

namespace Ledger.Node.Hosting;

/// <summary>
/// Something that reacts to chain events as the node's indexer delivers them (alerts, a bank's revocation handling):
/// called with each page after the audit index has stored it and before the indexer's checkpoint moves, so a page is
/// seen at least once — after a crash the same page comes again, and observers must be idempotent. An exception stops
/// the page (the indexer retries it with backoff), so nothing an observer needs is skipped.
/// </summary>
public interface IIndexedEventsObserver
{
    /// <summary>A page of events (all of the blocks up to <paramref name="throughBlock"/>), in chain order.</summary>
    void OnIndexed(IReadOnlyList<ChainEvent> events, ulong throughBlock);
}

/// <summary>The audit index followed by the registered observers, as the indexer's one sink.</summary>
internal sealed class ObservedEventSink(IChainEventSink inner, IReadOnlyList<IIndexedEventsObserver> observers) : IChainEventSink
{
    public void Accept(IReadOnlyList<ChainEvent> events, ulong throughBlock)
    {
        inner.Accept(events, throughBlock);
        foreach (var observer in observers)
        {
            observer.OnIndexed(events, throughBlock);
        }
    }
}
