using System.Numerics;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Errors;

// One exception per Solidity custom error, named after it. Codes are stable: never renumber, never reuse
// (docs/errors.md lists them; a test checks every ABI error is here and in the docs).

/// <summary>LEDGER-1247: <c>AnchorBatchExists(bytes32 orgId, bytes32 batchId, bytes32 root)</c> (AccessLog).</summary>
public sealed class AnchorBatchExistsException : ContractRevertException
{
    internal AnchorBatchExistsException(ContractError error)
        : base(1247, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>orgId</c> argument.</summary>
    public OrgId OrgId => Error!.Org(0);

    /// <summary>The error's <c>batchId</c> argument.</summary>
    public BatchId BatchId => new BatchId(Error!.Hash(1));

    /// <summary>The error's <c>root</c> argument.</summary>
    public Hash32 Root => Error!.Hash(2);

    private static string Describe(ContractError e) =>
        $"{Org(e.Org(0))} already anchored batch {Abbreviate(e.Hash(1))} (root {Abbreviate(e.Hash(2))}); a batch id is used once.";
}

/// <summary>LEDGER-1248: <c>AnchorInvalidBatch(bytes32 batchId, bytes32 root, uint32 count)</c> (AccessLog).</summary>
public sealed class AnchorInvalidBatchException : ContractRevertException
{
    internal AnchorInvalidBatchException(ContractError error)
        : base(1248, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>batchId</c> argument.</summary>
    public BatchId BatchId => new BatchId(Error!.Hash(0));

    /// <summary>The error's <c>root</c> argument.</summary>
    public Hash32 Root => Error!.Hash(1);

    /// <summary>The error's <c>count</c> argument.</summary>
    public ulong Count => Error!.UInt64(2);

    private static string Describe(ContractError e) =>
        $"Batch {Abbreviate(e.Hash(0))} cannot be anchored with root {Abbreviate(e.Hash(1))} and {Num(e.Number(2))} record(s): the root must not be zero and the batch must hold at least one record.";
}

/// <summary>LEDGER-1249: <c>AnchorUnknownBatch(bytes32 orgId, bytes32 batchId)</c> (AccessLog).</summary>
public sealed class AnchorUnknownBatchException : ContractRevertException
{
    internal AnchorUnknownBatchException(ContractError error)
        : base(1249, ErrorCategory.NotFound, Describe(error), error)
    {
    }

    /// <summary>The error's <c>orgId</c> argument.</summary>
    public OrgId OrgId => Error!.Org(0);

    /// <summary>The error's <c>batchId</c> argument.</summary>
    public BatchId BatchId => new BatchId(Error!.Hash(1));

    private static string Describe(ContractError e) =>
        $"{Org(e.Org(0))} has not anchored batch {Abbreviate(e.Hash(1))}; it may still be waiting in the anchor outbox.";
}

/// <summary>LEDGER-1250: <c>AccessInvalidRequest(bytes32 requestHash)</c> (AccessLog).</summary>
public sealed class AccessInvalidRequestException : ContractRevertException
{
    internal AccessInvalidRequestException(ContractError error)
        : base(1250, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>requestHash</c> argument.</summary>
    public Hash32 RequestHash => Error!.Hash(0);

    private static string Describe(ContractError e) =>
        $"The access record's request hash {Abbreviate(e.Hash(0))} is not usable (zero); record the hash of the actual request.";
}

/// <summary>LEDGER-1250: <c>AccessInvalidResponse(bytes32 responseHash)</c> (AccessLog).</summary>
public sealed class AccessInvalidResponseException : ContractRevertException
{
    internal AccessInvalidResponseException(ContractError error)
        : base(1250, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>responseHash</c> argument.</summary>
    public Hash32 ResponseHash => Error!.Hash(0);

    private static string Describe(ContractError e) =>
        $"The access record's response hash {Abbreviate(e.Hash(0))} is not usable (zero); a served access must name what was sent, so record the hash of the actual response.";
}

/// <summary>LEDGER-1299: <c>AccessRequestAlreadyRecorded(bytes32 consentId, bytes32 requestHash)</c> (AccessLog).</summary>
public sealed class AccessRequestAlreadyRecordedException : ContractRevertException
{
    internal AccessRequestAlreadyRecordedException(ContractError error)
        : base(1299, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>requestHash</c> argument.</summary>
    public Hash32 RequestHash => Error!.Hash(1);

    private static string Describe(ContractError e) =>
        $"An access with request hash {Abbreviate(e.Hash(1))} is already recorded under consent {Abbreviate(e.Hash(0))}; a request is served once (a replay must not use up the fetch cap). To fetch again, send a new request.";
}
