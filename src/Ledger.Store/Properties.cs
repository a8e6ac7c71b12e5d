using System.Runtime.CompilerServices;

// The crash host drives the batcher's stage seam to kill itself at exact points of a batch's life.
[assembly: InternalsVisibleTo("Ledger.Store.CrashHost")]

// The store's tests reach its parts' internals (e.g. the alert log's ring size).
[assembly: InternalsVisibleTo("Ledger.Store.Tests")]
