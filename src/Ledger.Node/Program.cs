using Ledger.Core.Errors;
using Ledger.Node.Hosting;

// ledger-node: one executable, the role chosen by configuration (Ledger:Node:Role). `ledger-node keys …` manages key
// stores; anything else runs the node: options checked and the role's module picked (AddLedgerNode), the services
// mapped, then the foundation opened and the host run (RunLedgerNodeAsync). Everything else lives in Hosting/ and in
// each role's folder.
if (KeyCommands.IsKeyCommand(args))
{
    return KeyCommands.Run(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
try
{
    builder.AddLedgerNode();
}
catch (LedgerException ex)
{
    // Options that are wrong: one sentence per failure, exit code 2, before anything is opened.
    await Console.Error.WriteLineAsync($"{ex.Code}: {ex.Message}");
    return 2;
}
var app = builder.Build();
app.MapLedgerNode();
return await app.RunLedgerNodeAsync();
