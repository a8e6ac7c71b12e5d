using Grpc.Core;
using Ledger.Core.Errors;
using Ledger.Core.Records;
using Ledger.Sdk;

namespace Ledger.Node.Tests.Support;

/// <summary>The test classes that share one chain and one set of node processes (run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SharedCluster : ICollectionFixture<NodeCluster>
{
    public const string Name = "cluster";
}

/// <summary>Assertions on refusals.</summary>
public static class Refusals
{
    /// <summary>Awaits a call that must fail with <paramref name="status"/> and <paramref name="code"/>.</summary>
    public static async Task<LedgerRemoteException> ExpectAsync(Func<Task> call, StatusCode status, string code)
    {
        var error = await Assert.ThrowsAsync<LedgerRemoteException>(call);
        Assert.True(error.Status == status && error.Code == code, $"expected {status} {code}, got {error.Status} {error.Code}: {error.Message}");
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal); // never a stack trace
        return error;
    }

    /// <summary>The refusal record the trailer names, read back from the tax node's store: it exists, with the reason.</summary>
    public static async Task<RefusalRecord> RecordedAsync(NodeCluster cluster, LedgerRemoteException error, byte reason)
    {
        Assert.NotNull(error.RefusalRecord);
        var records = await cluster.TaxRecordsAsync();
        var found = records.SingleOrDefault(r => r.Hash.Value == error.RefusalRecord);
        Assert.NotNull(found);
        var refusal = Assert.IsType<RefusalRecord>(found.Record);
        Assert.Equal(reason, refusal.Reason);
        Assert.Equal(NodeCluster.TaxOrg, refusal.Provider);
        return refusal;
    }

    /// <summary>How many access records the tax node holds.</summary>
    public static async Task<int> AccessCountAsync(NodeCluster cluster) =>
        (await cluster.TaxRecordsAsync()).Count(r => r.Record is AccessRecord);

    public static void IsLedgerError(LedgerException error, ErrorCategory category, string code)
    {
        Assert.Equal(category, error.Category);
        Assert.Equal(code, error.Code);
    }
}
