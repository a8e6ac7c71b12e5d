namespace Ledger.Store;
