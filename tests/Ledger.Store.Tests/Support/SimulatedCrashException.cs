using Ledger.Store.Anchoring;

namespace Ledger.Store.Tests.Support;

/// <summary>Thrown from the batcher's stage seam to stop it dead at a chosen point, as a crash would.</summary>
internal sealed class SimulatedCrashException(AnchorStage stage) : Exception($"Simulated crash at stage {stage}.")
{
    public AnchorStage Stage { get; } = stage;
}
