using System.Runtime.CompilerServices;

// The crash host drives the batcher's stage seam to kill itself at exact points of a batch's life.
[assembly: InternalsVisibleTo("Ledger.Store.CrashHost")]
