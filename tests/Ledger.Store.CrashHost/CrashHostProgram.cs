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
                case "parts":
                    WritePartsUpTo(store, arguments.Records);
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

    /// <summary>The salt the crash host keeps its tax data with (the test reopens the store with it).</summary>
    internal static readonly Hash32 TaxSalt = Keccak.Hash("crash-host/tax-salt");

    /// <summary>
    /// Round n writes one piece of each of the store's other parts (a held item, an alert, a page of the auditor's copy
    /// with its cursor, a taxpayer), each its own commit, and prints <c>ACK n &lt;request hash&gt;</c> once all four returned.
    /// </summary>
    internal static void WritePartsUpTo(LedgerStore store, int total)
    {
        var tax = store.OpenTaxData(TaxSalt);
        var taxpayers = Core.TaxData.SyntheticTaxpayers.Generate(total, 7, new DateOnly(2026, 1, 1));
        var member = OrgId.FromCode("bank.ccb");
        for (var n = (int)store.Alerts.LastSequence + 1; n <= total; n++)
        {
            var request = Keccak.Hash($"request/{n}");
            store.Held.Add(new Core.Ports.HeldItem(
                request, new ConsentId(Keccak.Hash($"consent/{n}")), store.Organization, Scopes.TaxCreditRating, Keccak.Hash($"response/{n}"),
                RandomNumberGenerator.GetBytes(256), (ulong)n, (ulong)n + 1_000, (ulong)n, Keccak.Hash($"access/{n}")));
            var alert = new Core.Ports.NodeAlert(
                AlertKind.RatingDowngrade, new EnterpriseHash(Keccak.Hash($"enterprise/{n}")), $"alert {n}",
                new Dictionary<string, string>(), (ulong)n, store.Organization);
            store.Alerts.Append([($"k{n}", alert, new HashSet<OrgId> { member })]);
            store.AuditorCopy.Save(member, [new Core.Ports.CopiedRecord(member, (ulong)n, "access", "{}", new RecordHash(request), null)], [],
                new Core.Ports.MemberCursor((ulong)n, 0, (ulong)n));
            tax.Upsert([taxpayers[n - 1]]);
            Print($"ACK {n} {request}");
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
