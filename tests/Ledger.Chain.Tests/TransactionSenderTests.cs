using System.Numerics;
using Ledger.Chain.Errors;
using Ledger.Chain.Profiles;
using Ledger.Chain.Rpc;
using Ledger.Chain.Tests.Support;
using Ledger.Chain.Transactions;
using Ledger.Core.Errors;
using Ledger.Core.Ports;
using Ledger.Core.Primitives;
using Ledger.Local;
using Nethereum.RPC.Eth.DTOs;

namespace Ledger.Chain.Tests;

public class TransactionSenderTests(HardhatChainFixture fixture) : IClassFixture<HardhatChainFixture>
{
    private static readonly EthAddress Recipient = DevAccounts.Address(8);

    private TransactionSender NewSender(int account, ITransactionJournal? journal = null, ChainRpc? rpc = null) =>
        new(rpc ?? fixture.Chain.Rpc, DevAccounts.PrivateKey(account), journal ?? new InMemoryTransactionJournal(), fixture.Chain.SenderOptions, fixture.Chain.Deployment.ChainId);

    private async Task<ulong> MinedNonceAsync(EthAddress account) =>
        (ulong)(await fixture.Chain.Rpc.Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(account.ToString(), BlockParameter.CreateLatest())).Value;

    private async Task<ulong> NonceOfAsync(Hash32 txHash) =>
        (ulong)(await fixture.Chain.Rpc.Web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(txHash.ToString())).Nonce.Value;

    [Fact]
    public async Task SendAsync_ConcurrentFromOneAccount_AllMinedWithConsecutiveNonces()
    {
        using var sender = NewSender(3);
        var start = await MinedNonceAsync(sender.Account);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => sender.SendAsync(Recipient, [], $"concurrent-{i}")));

        Assert.All(outcomes, o => Assert.Equal(BigInteger.One, o.Receipt.Status.Value));
        var nonces = new List<ulong>();
        foreach (var outcome in outcomes)
        {
            nonces.Add(await NonceOfAsync(outcome.TxHash));
        }
        nonces.Sort();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => start + (ulong)i), nonces);
        Assert.Equal(start + 12, await MinedNonceAsync(sender.Account));
    }

    [Fact]
    public async Task SendAsync_SameKeyTwice_SendsOneTransaction()
    {
        using var sender = NewSender(4);
        var start = await MinedNonceAsync(sender.Account);

        var first = await sender.SendAsync(Recipient, [], "pay-once");
        var second = await sender.SendAsync(Recipient, [], "pay-once");

        Assert.Equal(first.TxHash, second.TxHash);
        Assert.Equal(start + 1, await MinedNonceAsync(sender.Account));
    }

    [Fact]
    public async Task SendAsync_SameKeyForADifferentCall_IsAKeyConflict()
    {
        using var sender = NewSender(4);
        await sender.SendAsync(Recipient, [], "key-for-one-call");
        var ex = await Assert.ThrowsAsync<TransactionFailedException>(() => sender.SendAsync(DevAccounts.Address(7), [], "key-for-one-call"));
        Assert.Equal(TransactionFailedException.KeyConflictCode, ex.Code);
    }

    [Fact]
    public async Task Restart_AfterACrashBetweenJournalAndBroadcast_ResendsTheSameBytesAndMinesExactlyOne()
    {
        var journal = new InMemoryTransactionJournal();
        var account = DevAccounts.Address(5);
        var start = await MinedNonceAsync(account);
        var brokenRpc = new ChainRpc(
            fixture.Chain.RpcUrl,
            DropMethodInterceptor.ClientFor(fixture.Chain.RpcUrl, "eth_sendRawTransaction", out var dropper),
            new RetryOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.FromMilliseconds(10) });

        using (var crashing = NewSender(5, journal, brokenRpc))
        {
            var ex = await Assert.ThrowsAsync<ChainUnavailableException>(() => crashing.SendAsync(Recipient, [0x01], "anchor:crash-test"));
            Assert.Equal(ChainUnavailableException.UnreachableCode, ex.Code);
        }
        Assert.True(dropper.Dropped >= 1);
        var journaled = Assert.Single(journal.Pending(account));
        Assert.Equal(start, await MinedNonceAsync(account)); // nothing reached the chain

        using var restarted = NewSender(5, journal);
        var recovered = Assert.Single(await restarted.RecoverAsync());
        var again = await restarted.SendAsync(Recipient, [0x01], "anchor:crash-test");

        Assert.Equal(journaled.TxHash, recovered.TxHash);
        Assert.Equal(journaled.TxHash, again.TxHash);
        Assert.Equal(start + 1, await MinedNonceAsync(account));
        Assert.Empty(journal.Pending(account));
        Assert.True(journal.Find("anchor:crash-test")!.Succeeded);
    }

    [Fact]
    public async Task SendAsync_AfterATransactionBehindItsBack_RecoversFromNonceTooLow()
    {
        using var sender = NewSender(6);
        await sender.SendAsync(Recipient, [], "before");
        var expected = await MinedNonceAsync(sender.Account);

        using (var intruder = NewSender(6))
        {
            await intruder.SendAsync(Recipient, [], "behind-the-back"); // takes the nonce the first sender will try
        }
        var outcome = await sender.SendAsync(Recipient, [], "after");

        Assert.Equal(expected + 1, await NonceOfAsync(outcome.TxHash));
        Assert.Equal(expected + 2, await MinedNonceAsync(sender.Account));
    }

    [Fact]
    public async Task SendAsync_ChainUnreachable_SaysWhichNodeAndWhatToDo()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var rpc = new ChainRpc(url, new RetryOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.FromMilliseconds(10) });
        using var sender = new TransactionSender(rpc, DevAccounts.PrivateKey(3), new InMemoryTransactionJournal(), chainId: 31337);

        var ex = await Assert.ThrowsAsync<ChainUnavailableException>(() => sender.SendAsync(Recipient, []));

        Assert.Equal(ErrorCategory.Unavailable, ex.Category);
        Assert.StartsWith($"The chain node at {url} cannot be reached", ex.Message, StringComparison.Ordinal);
        Assert.Contains("check that it is running", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevAccounts_AreTheAccountsHardhatFunds()
    {
        var accounts = await fixture.Chain.Rpc.Web3.Eth.Accounts.SendRequestAsync();
        Assert.Equal(Enumerable.Range(0, DevAccounts.Count).Select(DevAccounts.Address), accounts.Take(DevAccounts.Count).Select(EthAddress.Parse));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
