using Ledger.Node.Hosting;

// ledger-node: one executable, the role chosen by configuration (Ledger:Node:Role). `ledger-node keys …` manages key
// stores; anything else runs the node. Everything else lives in Hosting/.
if (KeyCommands.IsKeyCommand(args))
{
    return KeyCommands.Run(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddLedgerNode();
var app = builder.Build();
app.MapLedgerNode();
return await app.RunLedgerNodeAsync();
