namespace Ledger.Node.Tests.Support;

/// <summary>A chain of its own with only the tax node (consents relayed by the tax node), for tests that move the chain's clock.</summary>
public sealed class TimeTravelCluster : NodeCluster
{
    protected override bool WithBankAndAuditor => false;
}

/// <summary>Only the tax node, anchoring in small batches, for the crash tests.</summary>
public sealed class DurabilityCluster : NodeCluster
{
    protected override bool WithBankAndAuditor => false;

    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Ledger__Node__Batcher__MaxBatch"] = "8";
        environment["Ledger__Node__Batcher__MaxWaitMs"] = "200";
    }
}

/// <summary>Only the tax node, in strong mode.</summary>
public sealed class StrongModeCluster : NodeCluster
{
    protected override bool StrongMode => true;

    protected override bool WithBankAndAuditor => false;
}
