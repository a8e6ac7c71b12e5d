using Ledger.Chain.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.JsonRpc.Client;
using Nethereum.Web3;
using Polly;
using Polly.Retry;

namespace Ledger.Chain.Rpc;

/// <summary>How hard to retry a chain call that failed for a transient reason (node unreachable, no answer).</summary>
public sealed record RetryOptions
{
    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>Delay before the first retry; it doubles each time (with jitter).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long one JSON-RPC request may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// One JSON-RPC endpoint: Nethereum's <see cref="IWeb3"/> plus a Polly pipeline that retries transient faults and
/// turns every failure into a <see cref="Ledger.Core.Errors.LedgerException"/> (reverts decoded, transport faults as
/// <see cref="ChainUnavailableException"/>).
/// </summary>
public sealed class ChainRpc
{
    private readonly ResiliencePipeline _pipeline;

    /// <summary>Connects to <paramref name="rpcUrl"/> (nothing is sent until the first call).</summary>
    public ChainRpc(string rpcUrl, RetryOptions? retry = null, ILogger? logger = null)
        : this(rpcUrl, CreateClient(rpcUrl, retry ?? new RetryOptions()), retry, logger)
    {
    }

    /// <summary>Uses <paramref name="client"/> for transport (tests inject faults through it).</summary>
    public ChainRpc(string rpcUrl, IClient client, RetryOptions? retry = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Url = rpcUrl;
        Client = client;
        Web3 = new Web3(client);
        Retry = retry ?? new RetryOptions();
        var log = logger ?? NullLogger.Instance;
        var builder = new ResiliencePipelineBuilder();
        if (Retry.MaxRetryAttempts <= 0)
        {
            _pipeline = builder.Build();
            return;
        }
        _pipeline = builder
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ChainFaults.IsTransient),
                MaxRetryAttempts = Retry.MaxRetryAttempts,
                Delay = Retry.BaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    ChainTelemetry.Retries.Add(1);
                    ChainLog.RetryingCall(log, rpcUrl, args.AttemptNumber + 1, args.Outcome.Exception?.GetBaseException().Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>The endpoint.</summary>
    public string Url { get; }

    /// <summary>The JSON-RPC client.</summary>
    public IClient Client { get; }

    /// <summary>Nethereum's API over <see cref="Client"/> (no account: Ledger signs its own transactions).</summary>
    public IWeb3 Web3 { get; }

    /// <summary>The retry settings.</summary>
    public RetryOptions Retry { get; }

    /// <summary>Runs <paramref name="call"/>, retrying transient faults; failures surface as Ledger errors.</summary>
    public async Task<T> CallAsync<T>(Func<IWeb3, Task<T>> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await _pipeline.ExecuteAsync(async _ => await call(Web3).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = ChainFaults.Translate(ex, Url);
            ChainTelemetry.Failed(error);
            throw error;
        }
    }

    /// <summary>Sends a raw JSON-RPC request (for methods Nethereum has no typed call for).</summary>
    public Task<T> RequestAsync<T>(string method, CancellationToken cancellationToken, params object[] parameters) =>
        CallAsync(_ => Client.SendRequestAsync<T>(new RpcRequest(Guid.NewGuid().ToString("N"), method, parameters)), cancellationToken);

    private static RpcClient CreateClient(string rpcUrl, RetryOptions retry)
    {
        if (!Uri.TryCreate(rpcUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw ChainConfigurationException.Profile($"RpcUrl '{rpcUrl}' is not an http(s) URL such as http://127.0.0.1:8545");
        }
#pragma warning disable CA2000 // The HttpClient lives as long as the RpcClient that owns it.
        var http = new HttpClient { Timeout = retry.RequestTimeout };
#pragma warning restore CA2000
        return new RpcClient(uri, http, null, null, null);
    }
}
