using Grpc.Core;
using Ledger.Api.V1;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.Tax;

/// <summary><c>ledger.v1.DataExchange</c> on the tax node (see <see cref="DataExchangeProcessor"/>).</summary>
public sealed class DataExchangeService(DataExchangeProcessor processor) : DataExchange.DataExchangeBase
{
    /// <inheritdoc/>
    public override Task<FetchReportResponse> FetchReport(FetchReportRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return processor.FetchAsync(request, context.RequiredCaller(), context.CancellationToken);
    }
}
