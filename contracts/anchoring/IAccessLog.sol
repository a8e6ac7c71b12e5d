// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMembershipGated} from "../common/IMembershipGated.sol";
import {IConsentRegistry} from "../consent/IConsentRegistry.sol";

/// @title Access log and Merkle anchors
/// @notice Two ways to leave an undeniable trail of data access:
///         - strong mode: one transaction per access, the consent checked and counted on chain;
///         - batch mode: records kept off chain and anchored as one Merkle root per batch.
///         Leaves follow the standard tree of OpenZeppelin's merkle-tree library for the type `bytes32`
///         (the record hash):
///         `leaf = keccak256(bytes.concat(keccak256(abi.encode(recordHash))))`, pairs hashed sorted, so any
///         holder of a record and its proof can check it with public tools.
interface IAccessLog is IMembershipGated {
    /// @notice What an anchored batch holds. `Mixed` when a batch carries records of several kinds.
    enum BatchKind {
        Mixed,
        AccessRecords,
        Refusals,
        DeletionReceipts,
        FundFlowEvidence,
        CreditDecisions
    }

    /// @notice A provider served `scopes` of consent `consentId` to `consumer` (strong mode).
    event AccessRecorded(
        bytes32 indexed consentId,
        bytes32 indexed provider,
        bytes32 indexed consumer,
        uint64 scopes,
        bytes32 requestHash,
        bytes32 responseHash
    );
    /// @notice A provider refused a request (strong mode). `reason` is an `IConsentRegistry.AccessStatus` code
    ///         or, from 64 up, a node-level reason (see docs/errors.md). `consentKnown` is false when no consent
    ///         with this id exists on chain (then any active tax bureau may record the refusal; otherwise only
    ///         the consent's provider).
    event AccessRefused(
        bytes32 indexed consentId,
        bytes32 indexed provider,
        bytes32 indexed consumer,
        uint64 scopes,
        bytes32 requestHash,
        uint8 reason,
        bool consentKnown
    );
    /// @notice `orgId` anchored the Merkle `root` of `count` off-chain records as batch `batchId`.
    event BatchAnchored(
        bytes32 indexed orgId,
        bytes32 indexed batchId,
        bytes32 root,
        uint32 count,
        BatchKind kind,
        string uri
    );

    error AnchorBatchExists(bytes32 orgId, bytes32 batchId, bytes32 root);
    error AnchorInvalidBatch(bytes32 batchId, bytes32 root, uint32 count);
    error AnchorUnknownBatch(bytes32 orgId, bytes32 batchId);
    error AccessInvalidRequest(bytes32 requestHash);
    /// @notice A served access must name what was sent: the response hash can't be zero.
    error AccessInvalidResponse(bytes32 responseHash);
    /// @notice An access with this request hash is already recorded under this consent; a request is served once.
    error AccessRequestAlreadyRecorded(bytes32 consentId, bytes32 requestHash);

    /// @notice Strong mode: the calling provider records that it served `scopes` to `consumer`; the consent is
    ///         checked (it must name this provider and consumer) and counted against its fetch cap. A request
    ///         hash is recorded once per consent, so replaying a request cannot use up the consumer's fetch cap.
    function recordAccess(
        bytes32 consentId,
        bytes32 consumer,
        uint64 scopes,
        bytes32 requestHash,
        bytes32 responseHash
    ) external;

    /// @notice Strong mode: the calling tax bureau records a refused request. For a consent that exists only its
    ///         provider may; a refusal under an unknown consent id is recorded with `consentKnown` false.
    function recordRefusal(bytes32 consentId, bytes32 consumer, uint64 scopes, bytes32 requestHash, uint8 reason)
        external;

    /// @notice Any active member anchors a batch root under its own organization. A batch id is accepted once.
    function anchor(bytes32 batchId, bytes32 root, uint32 count, BatchKind kind, string calldata uri) external;

    /// @notice The root anchored by `orgId` as `batchId` (zero when none).
    function anchoredRoot(bytes32 orgId, bytes32 batchId) external view returns (bytes32);

    /// @notice True when the record with hash `recordHash` is in the batch (leaf computed as documented above,
    ///         proof checked with OpenZeppelin `MerkleProof`). There is deliberately no entry point taking a raw
    ///         leaf: an inner node of the tree would pass as one.
    function verifyRecord(bytes32 orgId, bytes32 batchId, bytes32 recordHash, bytes32[] calldata proof)
        external
        view
        returns (bool);

    /// @notice True when strong mode recorded an access with `requestHash` under `consentId`.
    function requestRecorded(bytes32 consentId, bytes32 requestHash) external view returns (bool);

    /// @notice The consent registry that checks and counts strong-mode accesses.
    function registry() external view returns (IConsentRegistry);

    /// @notice The standard-tree leaf of a record hash.
    function leafOf(bytes32 recordHash) external pure returns (bytes32);
}
