using Grpc.Core;
using Ledger.Core.Errors;

namespace Ledger.Sdk;

/// <summary>Runs a gRPC call and turns every failure into a <see cref="LedgerException"/>.</summary>
internal static class Calls
{
    public static async Task<T> RunAsync<T>(string target, Func<AsyncUnaryCall<T>> call)
    {
        try
        {
            using var pending = call();
            return await pending.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw SdkErrors.FromRpc(ex, target);
        }
        catch (HttpRequestException ex)
        {
            throw new LedgerException(SdkErrors.UnreachableCode, ErrorCategory.Unavailable,
                $"The Ledger node at {target} cannot be reached ({ex.Message}); check that it is running and that the address is right.", ex);
        }
    }

    public static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException ex)
        {
            throw SdkErrors.MalformedResponse(ex.Message);
        }
    }
}
