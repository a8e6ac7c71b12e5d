namespace Ledger.Node.Tests.Support;

/// <summary>A chain of its own with only the tax node (consents relayed by the tax node), for tests that move the chain's clock.</summary>
public sealed class TimeTravelCluster : NodeCluster
{
    protected override bool WithBankAndAuditor => false;
}

/// <summary>
/// Only the tax node, for the crash tests: it anchors full batches of 8 at once, but a partial batch would wait
/// <see cref="HoldMs"/> (10 minutes), so records beyond the last full batch stay unanchored until the test restarts the
/// node with <see cref="RestartMaxWaitMs"/>.
/// </summary>
public sealed class DurabilityCluster : NodeCluster
{
    public const int MaxBatch = 8;
    public const string HoldMs = "600000";
    public const string RestartMaxWaitMs = "200";
    public const string MaxWaitVariable = "Ledger__Node__Batcher__MaxWaitMs";

    protected override bool WithBankAndAuditor => false;

    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Ledger__Node__Batcher__MaxBatch"] = MaxBatch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment[MaxWaitVariable] = HoldMs;
        // Durability is what this cluster is for, not T: 41 concurrent fetches get up to 10 s (default 2 s) to obtain a
        // consent check confirmed within T. With 2 s, one of them was refused (LEDGER-1330) in CI while another test
        // assembly loaded both cores.
        environment["Ledger__Node__Chain__ReadTimeout"] = "00:00:10";
    }
}

/// <summary>Only the tax node, in strong mode.</summary>
public sealed class StrongModeCluster : NodeCluster
{
    protected override bool StrongMode => true;

    protected override bool WithBankAndAuditor => false;
}
