namespace Ledger.Chain;
