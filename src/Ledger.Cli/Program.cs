using System.Runtime.InteropServices;
using Ledger.Cli;

// ledger: the command line. Ctrl-C and SIGTERM cancel the running command (so `ledger up` stops what it started)
// instead of killing the process; everything else lives in LedgerCli and Commands/.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    interrupted.Cancel();
});
return await LedgerCli.RunAsync(args, CliEnvironment.FromConsole(), interrupted.Token);
