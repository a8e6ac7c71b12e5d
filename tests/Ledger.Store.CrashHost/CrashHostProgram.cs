using System.Diagnostics;
using System.Security.Cryptography;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Core.Records;

namespace Ledger.Store.CrashHost;

internal static partial class CrashHostProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            var arguments = HostArguments.Parse(args);
            using var store = LedgerStore.Open(new LedgerStoreOptions { Path = arguments.Store, Organization = arguments.Organization });
            Print("READY");
            switch (arguments.Mode)
            {
                case "hold":
                    await Task.Delay(Timeout.Infinite).ConfigureAwait(false);
                    return 0;
                case "accept":
                    AcceptUpTo(store, arguments.Records, arguments.AcceptDelayMs);
                    Print("DONE");
                    return 0;
                case "anchor":
                    await AnchorAsync(store, arguments).ConfigureAwait(false);
                    Print("DONE");
                    return 0;
                default:
                    throw new ArgumentException($"unknown mode '{arguments.Mode}'");
            }
        }
        catch (LedgerException ex)
        {
            await Console.Error.WriteLineAsync($"ERROR {ex.Code}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"USAGE {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>Accepts records until the store holds <paramref name="total"/>; prints each acknowledgement once durable.</summary>
    internal static void AcceptUpTo(LedgerStore store, int total, int delayMs)
    {
        while (store.Records.LastSequence < (ulong)total)
        {
            if (delayMs > 0)
            {
                Thread.Sleep(delayMs);
            }
            var accepted = store.Records.Accept(sequence => NewAccess(store.Organization, sequence));
            Print($"ACK {accepted.Sequence} {accepted.Hash}");
        }
    }

    private static AccessRecord NewAccess(OrgId provider, ulong sequence) => new(
        new ConsentId(new Hash32(RandomNumberGenerator.GetBytes(32))),
        provider,
        OrgId.FromCode("bank.ccb"),
        Scopes.TaxCreditRating,
        new Hash32(RandomNumberGenerator.GetBytes(32)),
        new Hash32(RandomNumberGenerator.GetBytes(32)),
        1,
        (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        sequence);

    internal static void Print(string line)
    {
        // One write per line, flushed: the test reads an ACK only after the record is durable.
        Console.Out.Write(line + "\n");
        Console.Out.Flush();
    }

    /// <summary>Ends the process the hard way (SIGKILL on Linux): no finally blocks, no disposal, no flush.</summary>
    internal static void KillSelf()
    {
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }
}
