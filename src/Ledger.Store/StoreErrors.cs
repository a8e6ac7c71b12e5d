using Ledger.Core.Errors;

namespace Ledger.Store;

/// <summary>
/// The store's errors (codes LEDGER-1400 to LEDGER-1499): what went wrong with the node's store file and what to do
/// about it. Each code is stable; the catalogue is in docs/store.md.
/// </summary>
public static class StoreErrors
{
    /// <summary>LEDGER-1400: the store file is open in another node (process or instance).</summary>
    public const string LockedCode = "LEDGER-1400";

    /// <summary>LEDGER-1401: the file is not a LiteDB data file.</summary>
    public const string NotLiteDbCode = "LEDGER-1401";

    /// <summary>LEDGER-1402: the file is a LiteDB file of another application (no Ledger metadata).</summary>
    public const string ForeignFileCode = "LEDGER-1402";

    /// <summary>LEDGER-1403: the file is damaged.</summary>
    public const string CorruptCode = "LEDGER-1403";

    /// <summary>LEDGER-1404: the store belongs to another organization.</summary>
    public const string OrganizationMismatchCode = "LEDGER-1404";

    /// <summary>LEDGER-1405: the store was written by a newer Ledger (schema version unknown here).</summary>
    public const string SchemaTooNewCode = "LEDGER-1405";

    /// <summary>LEDGER-1406: the file is encrypted and no password was configured.</summary>
    public const string PasswordRequiredCode = "LEDGER-1406";

    /// <summary>LEDGER-1407: the configured password does not open the file.</summary>
    public const string WrongPasswordCode = "LEDGER-1407";

    /// <summary>LEDGER-1408: a password was configured but the file is not encrypted.</summary>
    public const string NotEncryptedCode = "LEDGER-1408";

    /// <summary>LEDGER-1409: the store options are invalid.</summary>
    public const string InvalidOptionsCode = "LEDGER-1409";

    /// <summary>LEDGER-1410: reading or writing the store failed (disk full, file removed, I/O error).</summary>
    public const string StorageFailureCode = "LEDGER-1410";

    /// <summary>LEDGER-1420: a stored record no longer matches its hash.</summary>
    public const string RecordTamperedCode = "LEDGER-1420";

    /// <summary>LEDGER-1421: a record cannot be stored (unknown record type, or a field out of range).</summary>
    public const string UnsupportedRecordCode = "LEDGER-1421";

    /// <summary>LEDGER-1430: the anchor chain anchors for another organization than the store's.</summary>
    public const string AnchorOrganizationMismatchCode = "LEDGER-1430";

    /// <summary>LEDGER-1431: a stored batch no longer rebuilds to its root.</summary>
    public const string BatchTamperedCode = "LEDGER-1431";

    /// <summary>LEDGER-1432: the batcher options are invalid.</summary>
    public const string InvalidBatcherOptionsCode = "LEDGER-1432";

    /// <summary>LEDGER-1440: a journaled transaction was asked for by an id the journal does not hold.</summary>
    public const string UnknownTransactionCode = "LEDGER-1440";

    /// <summary>LEDGER-1441: an indexer name or a journaled transaction is malformed.</summary>
    public const string InvalidEntryCode = "LEDGER-1441";

    /// <summary>LEDGER-1450: an access or refusal was given a consent sequence that is not the consent's next one.</summary>
    public const string ConsentSequenceOutOfOrderCode = "LEDGER-1450";

    /// <summary>LEDGER-1460: an old separate file (bank.db, alerts.db, auditor.db, taxdata.db) cannot be read to import it.</summary>
    public const string LegacyFileUnreadableCode = "LEDGER-1460";

    /// <summary>LEDGER-1461: an old separate file was imported but cannot be renamed to <c>.migrated</c>.</summary>
    public const string LegacyFileNotRenamedCode = "LEDGER-1461";

    /// <summary>LEDGER-1462: the tax data in the store was written with another salt.</summary>
    public const string TaxSaltMismatchCode = "LEDGER-1462";

    /// <summary>LEDGER-1463: the tax bureau holds no data on the credit code.</summary>
    public const string TaxpayerNotHeldCode = "LEDGER-1463";

    /// <summary>LEDGER-1464: a taxpayer's stored data no longer reads.</summary>
    public const string TaxDataUnreadableCode = "LEDGER-1464";

    internal static LedgerException Locked(string path, string lockPath, Exception inner) => new(
        LockedCode, ErrorCategory.FailedPrecondition,
        $"The store file '{path}' is already open in another Ledger node (its lock file '{lockPath}' is held). "
        + "A store is used by one node at a time: stop the other node, or give this node its own store file.",
        inner);

    internal static LedgerException NotLiteDb(string path, string what) => new(
        NotLiteDbCode, ErrorCategory.FailedPrecondition,
        $"The file '{path}' is not a Ledger store: {what}. It was left untouched. "
        + "Point the node at its own store file (or at a path that does not exist yet, to start a new store).");

    internal static LedgerException ForeignFile(string path, string what) => new(
        ForeignFileCode, ErrorCategory.FailedPrecondition,
        $"The file '{path}' is a LiteDB database of another application, not a Ledger store ({what}). "
        + "It was left untouched. Point the node at its own store file (or at a new path to start a new store).");

    internal static LedgerException Corrupt(string path, Exception inner) => new(
        CorruptCode, ErrorCategory.Tampered,
        $"The store file '{path}' is damaged and cannot be read ({inner.GetType().Name}: {inner.Message}). "
        + "Stop the node and restore the file from a backup. Records still in the file can be copied out with LiteDB's "
        + "rebuild (see docs/store.md, 'Recovering a damaged store'); records that were not yet anchored may be lost.",
        inner);

    internal static LedgerException OrganizationMismatch(string path, string stored, string configured) => new(
        OrganizationMismatchCode, ErrorCategory.FailedPrecondition,
        $"The store file '{path}' belongs to organization '{stored}', but this node is configured as '{configured}'. "
        + "Each organization keeps its own store: check the node's organization setting or its store path.");

    internal static LedgerException SchemaTooNew(string path, int stored, int supported) => new(
        SchemaTooNewCode, ErrorCategory.FailedPrecondition,
        $"The store file '{path}' has schema version {stored}, written by a newer Ledger; this Ledger reads versions up "
        + $"to {supported}. Upgrade this node to the version that wrote the file.");

    internal static LedgerException PasswordRequired(string path) => new(
        PasswordRequiredCode, ErrorCategory.FailedPrecondition,
        $"The store file '{path}' is encrypted and no store password is configured. "
        + "Open it with the password it was encrypted with (a node derives it from its key store: start the node with the key store the store was made with).");

    internal static LedgerException WrongPassword(string path, Exception inner) => new(
        WrongPasswordCode, ErrorCategory.PermissionDenied,
        $"The store password does not open the encrypted store file '{path}'. "
        + "Open it with the password it was encrypted with (a node derives it from its key store's encryption key: start the node with the key store the store was made with, or rebuild the store under the new key — docs/store.md, \"Encryption at rest\").",
        inner);

    internal static LedgerException NotEncrypted(string path) => new(
        NotEncryptedCode, ErrorCategory.FailedPrecondition,
        $"A store password is configured, but the store file '{path}' is not encrypted. "
        + "Remove the password from the configuration, or create a new encrypted store (see docs/store.md, 'Encryption at rest').");

    internal static LedgerException InvalidOptions(string what) => new(
        InvalidOptionsCode, ErrorCategory.InvalidArgument,
        $"The store configuration is invalid: {what}.");

    internal static LedgerException StorageFailure(string path, string operation, Exception inner) => new(
        StorageFailureCode, ErrorCategory.Unavailable,
        $"The store file '{path}' could not be used to {operation} ({inner.GetType().Name}: {inner.Message}). "
        + "Nothing was half-written: the operation was rolled back. Check the disk (space, permissions) and retry.",
        inner);

    internal static LedgerException RecordTampered(ulong sequence, string stored, string computed) => new(
        RecordTamperedCode, ErrorCategory.Tampered,
        $"Record #{sequence} in the store no longer matches its hash: stored {stored}, its content hashes to {computed}. "
        + "The store file was altered outside Ledger; restore it from a backup and have the record verified against its anchor.");

    internal static LedgerException RecordNotAsAnchored(ulong sequence, string stored, ulong batchSequence, string anchored) => new(
        RecordTamperedCode, ErrorCategory.Tampered,
        $"Record #{sequence} in the store is not the record anchor batch #{batchSequence} holds at its place: the store has {stored}, "
        + $"the batch anchored {anchored}. The store file was altered outside Ledger; restore it from a backup and verify the record against its anchor.");

    internal static LedgerException UnsupportedRecord(string what) => new(
        UnsupportedRecordCode, ErrorCategory.InvalidArgument,
        $"The record cannot be stored: {what}.");

    internal static LedgerException AnchorOrganizationMismatch(string store, string chain) => new(
        AnchorOrganizationMismatchCode, ErrorCategory.FailedPrecondition,
        $"The store belongs to organization '{store}' but the chain account anchors for '{chain}'. "
        + "Configure the node's operator account of its own organization.");

    internal static LedgerException BatchTampered(ulong batchSequence, string stored, string rebuilt) => new(
        BatchTamperedCode, ErrorCategory.Tampered,
        $"Anchor batch #{batchSequence} no longer rebuilds to its root: stored {stored}, its records give {rebuilt}. "
        + "The store file was altered outside Ledger; restore it from a backup.");

    internal static LedgerException InvalidBatcherOptions(string what) => new(
        InvalidBatcherOptionsCode, ErrorCategory.InvalidArgument,
        $"The anchor batcher configuration is invalid: {what}.");

    internal static LedgerException UnknownTransaction(string id) => new(
        UnknownTransactionCode, ErrorCategory.NotFound,
        $"No transaction is journaled under '{id}'; it must be saved (before it is broadcast) before it can be marked mined.");

    internal static LedgerException ConsentSequenceOutOfOrder(string consent, ulong given, ulong next) => new(
        ConsentSequenceOutOfOrderCode, ErrorCategory.InvalidArgument,
        $"The record cannot be stored: it carries consent sequence {given} under consent {consent}, but the consent's next one here is {next}. "
        + "The store numbers accesses and refusals per consent itself: give the record consent sequence 0 and it gets the next one.");

    internal static LedgerException InvalidEntry(string what) => new(
        InvalidEntryCode, ErrorCategory.InvalidArgument,
        what);

    internal static LedgerException LegacyFileUnreadable(string file, string store, Exception inner) => new(
        LegacyFileUnreadableCode, ErrorCategory.FailedPrecondition,
        $"The old file '{file}' cannot be read to import it into the store '{store}' ({inner.GetType().Name}: {inner.Message}); nothing was imported and "
        + "the file was left untouched. Restore it from a backup, or move it away to start that part empty (the auditor's copy is pulled again; "
        + "alerts, held data and tax data in it are lost).",
        inner);

    internal static LedgerException LegacyFileNotRenamed(string file, string target, Exception inner) => new(
        LegacyFileNotRenamedCode, ErrorCategory.Unavailable,
        $"The old file '{file}' was imported into the store but cannot be renamed to '{target}' ({inner.GetType().Name}: {inner.Message}). "
        + "Check the folder's permissions and start the node again: the import is not repeated, only the rename.",
        inner);

    internal static LedgerException TaxSaltMismatch(string path) => new(
        TaxSaltMismatchCode, ErrorCategory.FailedPrecondition,
        $"The tax data in the store '{path}' was written with another Ledger:Node:Tax:Salt; every credit-code hash on chain depends on the salt, "
        + "so configure the salt this bureau has always used.");

    internal static LedgerException TaxpayerNotHeld(string creditCode) => new(
        TaxpayerNotHeldCode, ErrorCategory.NotFound,
        $"The tax bureau holds no data on {creditCode}; import its data first.");

    internal static LedgerException TaxDataUnreadable(string creditCode, string why) => new(
        TaxDataUnreadableCode, ErrorCategory.Tampered,
        $"The tax data of {creditCode} in the store cannot be read ({why}); the store was altered outside Ledger: restore it from a backup.");
}
