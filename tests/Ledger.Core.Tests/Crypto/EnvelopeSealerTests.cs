using System.Security.Cryptography;
using Ledger.Core.Crypto;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Crypto;

public class EnvelopeSealerTests
{
    private static readonly EnvelopeKeyPair Bank = EnvelopeKeyPair.Generate();
    private static readonly EnvelopeKeyPair OtherBank = EnvelopeKeyPair.Generate();
    private static readonly EnvelopeBinding Binding = new(new ConsentId(Keccak.Hash("consent-1")), Keccak.Hash("request-1"));

    private static ReadOnlySpan<byte> EphemeralKey(byte[] envelope) => envelope.AsSpan(1, 33);

    private static ReadOnlySpan<byte> Nonce(byte[] envelope) => envelope.AsSpan(50, 12);

    [Fact]
    public void Seal_ManyToOneRecipient_EachOpensWithEnvelopeOpen()
    {
        var sealer = new EnvelopeSealer();
        for (var i = 0; i < 50; i++)
        {
            var plaintext = RandomNumberGenerator.GetBytes(i * 37);
            var binding = new EnvelopeBinding(Binding.ConsentId, Keccak.Hash($"request-{i}"));
            var envelope = sealer.Seal(plaintext, Bank.PublicKey, binding);
            Assert.Equal(plaintext, Envelope.Open(envelope, Bank.PrivateKey, binding));
        }
    }

    [Fact]
    public void Seal_WithinTheLifetime_SharesTheEphemeralKeyButNeverTheNonce()
    {
        var sealer = new EnvelopeSealer(TimeSpan.FromMinutes(1));
        var first = sealer.Seal([1, 2, 3], Bank.PublicKey, Binding);
        var second = sealer.Seal([1, 2, 3], Bank.PublicKey, Binding);
        Assert.True(EphemeralKey(first).SequenceEqual(EphemeralKey(second)));
        Assert.False(Nonce(first).SequenceEqual(Nonce(second)));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Seal_ForAnotherRecipient_UsesAnotherEphemeralKeyAndOnlyItOpens()
    {
        var sealer = new EnvelopeSealer(TimeSpan.FromMinutes(1));
        var toBank = sealer.Seal([1, 2, 3], Bank.PublicKey, Binding);
        var toOther = sealer.Seal([1, 2, 3], OtherBank.PublicKey, Binding);
        Assert.False(EphemeralKey(toBank).SequenceEqual(EphemeralKey(toOther)));
        Assert.Equal([1, 2, 3], OtherBank.Open(toOther, Binding));
        var ex = Assert.Throws<LedgerException>(() => Envelope.Open(toOther, Bank.PrivateKey, Binding));
        Assert.Equal("LEDGER-1104", ex.Code);
    }

    [Fact]
    public void Seal_AfterTheLifetime_TakesAFreshEphemeralKey()
    {
        var time = new ManualTime();
        var sealer = new EnvelopeSealer(TimeSpan.FromSeconds(1), time: time);
        var first = sealer.Seal([7], Bank.PublicKey, Binding);
        time.Advance(TimeSpan.FromMilliseconds(500));
        var same = sealer.Seal([7], Bank.PublicKey, Binding);
        time.Advance(TimeSpan.FromMilliseconds(600));
        var later = sealer.Seal([7], Bank.PublicKey, Binding);
        Assert.True(EphemeralKey(first).SequenceEqual(EphemeralKey(same)));
        Assert.False(EphemeralKey(first).SequenceEqual(EphemeralKey(later)));
        Assert.Equal([7], Bank.Open(later, Binding));
    }

    [Fact]
    public void Seal_MoreThanTheLimit_TakesAFreshEphemeralKeyEveryLimitEnvelopes()
    {
        var sealer = new EnvelopeSealer(TimeSpan.FromMinutes(1), maxEnvelopesPerKey: 3);
        var keys = Enumerable.Range(0, 7).Select(_ => Convert.ToHexString(EphemeralKey(sealer.Seal([1], Bank.PublicKey, Binding)))).ToList();
        Assert.Equal(3, keys.Distinct().Count());
        Assert.Equal(keys[0], keys[2]);
        Assert.NotEqual(keys[2], keys[3]);
    }

    [Fact]
    public void Seal_FromManyThreads_EveryEnvelopeOpens()
    {
        var sealer = new EnvelopeSealer(TimeSpan.FromMilliseconds(5), maxEnvelopesPerKey: 10);
        var envelopes = new byte[400][];
        Parallel.For(0, envelopes.Length, i => envelopes[i] = sealer.Seal(BitConverter.GetBytes(i), Bank.PublicKey, Binding));
        for (var i = 0; i < envelopes.Length; i++)
        {
            Assert.Equal(BitConverter.GetBytes(i), Bank.Open(envelopes[i], Binding));
        }
    }

    [Fact]
    public void Seal_ToAMalformedKey_IsRefusedLikeEnvelopeSeal()
    {
        var sealer = new EnvelopeSealer();
        var bad = Bank.PublicKey.ToArray();
        bad[0] = 0x05;
        var ex = Assert.Throws<LedgerException>(() => sealer.Seal([1], bad, Binding));
        Assert.Equal("LEDGER-1102", ex.Code);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
