using Grpc.Core;
using Ledger.Core.Model;
using Ledger.Core.Records;
using Ledger.Sdk.Mapping;
using Proto = Ledger.Api.V1;

namespace Ledger.Sdk;

/// <summary>A record a node exported: the typed record (its hash recomputed from the JSON), its sequence and anchor reference.</summary>
public sealed record ExportedRecord(ulong Sequence, string Type, ILedgerRecord Record, AnchorReference Anchor)
{
    /// <summary>The record's canonical hash, recomputed from its fields.</summary>
    public RecordHash Hash => Record.Hash();
}

/// <summary>A filter for <see cref="RecordsClient.ExportAsync"/>; every value set must match.</summary>
public sealed record RecordFilter
{
    /// <summary>Only records after this sequence number (resume).</summary>
    public ulong AfterSequence { get; init; }
    /// <summary>Records under this consent.</summary>
    public ConsentId? Consent { get; init; }
    /// <summary>Records about this loan.</summary>
    public LoanId? Loan { get; init; }
    /// <summary>Records whose own time is at or after this (unix ms).</summary>
    public ulong FromMs { get; init; }
    /// <summary>Records whose own time is before this (unix ms).</summary>
    public ulong UntilMs { get; init; }
}

/// <summary>A node's off-chain records with their anchors (<c>RecordExport</c>; auditors and regulators only).</summary>
public sealed class RecordsClient
{
    private readonly LedgerConnection _connection;
    private readonly Proto.RecordExport.RecordExportClient _client;

    /// <summary>A client over <paramref name="connection"/>.</summary>
    public RecordsClient(LedgerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _client = new Proto.RecordExport.RecordExportClient(connection.Invoker);
    }

    /// <summary>Streams the node's records in sequence order.</summary>
    public async IAsyncEnumerable<ExportedRecord> ExportAsync(RecordFilter? filter = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        filter ??= new RecordFilter();
        var request = new Proto.ExportRecordsRequest
        {
            AfterSequence = filter.AfterSequence,
            ConsentId = filter.Consent?.ToString() ?? "",
            LoanId = filter.Loan?.ToString() ?? "",
            Time = new Proto.TimeRange { FromMs = filter.FromMs, UntilMs = filter.UntilMs },
        };
        using var call = _client.ExportRecords(request, deadline: DateTime.UtcNow.AddMinutes(10), cancellationToken: cancellationToken);
        while (true)
        {
            Proto.ExportedRecord item;
            try
            {
                if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
                item = call.ResponseStream.Current;
            }
            catch (RpcException ex)
            {
                throw SdkErrors.FromRpc(ex, _connection.Address);
            }
            yield return Calls.Parse(() => FromProto(item));
        }
    }

    /// <summary>All records matching <paramref name="filter"/>, as a list.</summary>
    public async Task<IReadOnlyList<ExportedRecord>> ListAsync(RecordFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var list = new List<ExportedRecord>();
        await foreach (var record in ExportAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            list.Add(record);
        }
        return list;
    }

    /// <summary>An exported record from the wire (its fields parsed; whether they hash to its reference is the verifier's to say).</summary>
    internal static ExportedRecord FromProto(Proto.ExportedRecord item) => new(item.Sequence, item.Type, ParseRecord(item), ApiMapping.FromProto(item.Anchor));

    private static ILedgerRecord ParseRecord(Proto.ExportedRecord item)
    {
        try
        {
            return RecordJson.FromJson(item.Type, item.Json);
        }
        catch (Core.Errors.LedgerException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }
}
