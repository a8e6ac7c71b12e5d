using Ledger.Store.CrashHost;

// Usage: see HostArguments. Prints READY, then ACK/ANCHORED lines, then DONE; errors go to stderr with exit code 1.
return await CrashHostProgram.RunAsync(args).ConfigureAwait(false);
