using System.Net.Sockets;
using Ledger.Core.Errors;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.Contracts;
using Nethereum.JsonRpc.Client;
using Newtonsoft.Json.Linq;

namespace Ledger.Chain.Errors;

/// <summary>
/// Turns what Nethereum and the node throw into Ledger's errors: contract reverts into a <see cref="ContractRevertException"/> (by
/// selector, across every Ledger ABI; code and message from <see cref="ContractErrorCatalogue"/>), transport faults into <see cref="ChainUnavailableException"/>.
/// </summary>
public static class ChainFaults
{
    private const string ErrorStringSelector = "0x08c379a0";
    private const string PanicSelector = "0x4e487b71";
    private static readonly FunctionCallDecoder Decoder = new();
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>The exception for revert data (0x-hex): a Ledger custom error, a reason string, a panic, or unknown.</summary>
    public static ContractRevertException FromRevertData(string? data)
    {
        data = string.IsNullOrEmpty(data) ? "0x" : data.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? data.ToLowerInvariant() : "0x" + data.ToLowerInvariant();
        if (data.Length < 10)
        {
            return new ContractRevertedException(data, null);
        }
        var selector = data[..10];
        if (selector == ErrorStringSelector)
        {
            string? reason;
            try
            {
                reason = Decoder.DecodeFunctionErrorMessage(data);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or IndexOutOfRangeException)
            {
                reason = null;
            }
            return new ContractRevertedException(data, reason);
        }
        if (selector == PanicSelector && data.Length >= 74)
        {
            var code = System.Numerics.BigInteger.Parse("0" + data[10..74], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            return new ContractPanicException(data, code);
        }
        var error = ContractError.TryDecode(data);
        return error is null ? new UnknownContractErrorException(data) : ContractErrorCatalogue.Create(error);
    }

    /// <summary>The revert in <paramref name="exception"/> (or its inner exceptions) as a <see cref="ContractRevertException"/>, or null when it is no revert.</summary>
    public static ContractRevertException? TryGetRevert(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case ContractRevertException already:
                    return already;
                case SmartContractCustomErrorRevertException custom:
                    return FromRevertData(custom.ExceptionEncodedData);
                case SmartContractRevertException reverted:
                    return string.IsNullOrEmpty(reverted.EncodedData)
                        ? new ContractRevertedException("0x", reverted.RevertMessage)
                        : FromRevertData(reverted.EncodedData);
                case RpcResponseException rpc:
                    var data = RevertDataOf(rpc.RpcError);
                    if (data is not null)
                    {
                        return FromRevertData(data);
                    }
                    if (IsRevertMessage(rpc.RpcError?.Message))
                    {
                        return new ContractRevertedException("0x", rpc.RpcError!.Message);
                    }
                    return null;
            }
        }
        return null;
    }

    /// <summary>True for faults that may pass when retried: the node unreachable, the connection dropped, no answer in time.</summary>
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or SocketException or TimeoutException or RpcClientTimeoutException or IOException)
            {
                return true;
            }
            if (e is TaskCanceledException canceled && !canceled.CancellationToken.IsCancellationRequested)
            {
                return true; // HttpClient's own timeout
            }
            if (e is RpcResponseException rpc && IsTransientRpcError(rpc.RpcError))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Any failure of a chain call as a <see cref="LedgerException"/>: reverts decoded, transport faults as
    /// <see cref="ChainUnavailableException"/>, other node errors as a refused request. Ledger errors pass through.
    /// </summary>
    public static LedgerException Translate(Exception exception, string rpcUrl)
    {
        if (exception is LedgerException ledger)
        {
            return ledger;
        }
        if (TryGetRevert(exception) is { } revert)
        {
            return revert;
        }
        if (IsTransient(exception))
        {
            return IsTimeout(exception) ? ChainUnavailableException.TimedOut(rpcUrl, exception) : ChainUnavailableException.Unreachable(rpcUrl, exception);
        }
        var rpcError = FindRpcError(exception);
        if (IsMissingBlock(rpcError?.Message))
        {
            return ChainUnavailableException.MissingBlock(rpcUrl, rpcError!.Message, exception);
        }
        return TransactionFailedException.Rejected(rpcUrl, rpcError?.Message ?? exception.GetBaseException().Message, null, exception);
    }

    /// <summary>
    /// Whether a node's error says it has no block of the number asked about: anvil "BlockOutOfRangeError: block height
    /// is 147 but requested was 148", hardhat "Received invalid block tag 148. Latest block number is 147", geth
    /// "header not found", besu "Block not found", and the like.
    /// </summary>
    public static bool IsMissingBlock(string? message) =>
        message is not null
        && (message.Contains("BlockOutOfRange", StringComparison.OrdinalIgnoreCase)
            || message.Contains("invalid block tag", StringComparison.OrdinalIgnoreCase)
            || message.Contains("header not found", StringComparison.OrdinalIgnoreCase)
            || message.Contains("block not found", StringComparison.OrdinalIgnoreCase)
            || message.Contains("unknown block", StringComparison.OrdinalIgnoreCase));

    internal static RpcError? FindRpcError(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is RpcResponseException rpc)
            {
                return rpc.RpcError;
            }
        }
        return null;
    }

    /// <summary>Revert data in a JSON-RPC error: geth/besu/anvil put the hex in <c>data</c>; hardhat in <c>data.data</c>; some in <c>data.result</c>.</summary>
    internal static string? RevertDataOf(RpcError? error)
    {
        if (error?.Data is null)
        {
            return null;
        }
        var token = error.Data as JToken ?? JToken.FromObject(error.Data);
        return FindHex(token, depth: 0);
    }

    private static string? FindHex(JToken token, int depth)
    {
        if (token.Type == JTokenType.String)
        {
            var text = (string)token!;
            return IsHex(text) ? text : null;
        }
        if (token is JObject obj && depth < 3)
        {
            foreach (var key in new[] { "data", "result", "originalError" })
            {
                if (obj[key] is { } inner && FindHex(inner, depth + 1) is { } hex)
                {
                    return hex;
                }
            }
        }
        return null;
    }

    private static bool IsHex(string text) =>
        text.Length >= 2 && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length % 2 == 0 && !text.AsSpan(2).ContainsAnyExcept(HexDigits);

    private static bool IsRevertMessage(string? message) =>
        message is not null && (message.Contains("revert", StringComparison.OrdinalIgnoreCase) || message.Contains("VM Exception", StringComparison.OrdinalIgnoreCase));

    private static bool IsTransientRpcError(RpcError? error) =>
        error is not null && (error.Code is -32005 or 429 || (error.Message?.Contains("rate limit", StringComparison.OrdinalIgnoreCase) ?? false));

    private static bool IsTimeout(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException or RpcClientTimeoutException || (e is TaskCanceledException c && !c.CancellationToken.IsCancellationRequested))
            {
                return true;
            }
        }
        return false;
    }
}
