// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IAccessLog} from "./IAccessLog.sol";
import {IConsentRegistry} from "../consent/IConsentRegistry.sol";
import {IConsortium} from "../consortium/IConsortium.sol";
import {MembershipGated} from "../common/MembershipGated.sol";
import {Role} from "../common/LedgerTypes.sol";

/// @title Access log (strong mode) and Merkle batch anchors (batch mode)
/// @dev Only the root is stored: count, kind and reference travel in the event, keeping an anchor near one
///      storage write so that a 1,024-record batch costs under 60 gas per record.
contract AccessLog is IAccessLog, MembershipGated {
    /// @inheritdoc IAccessLog
    IConsentRegistry public immutable registry;

    mapping(bytes32 orgId => mapping(bytes32 batchId => bytes32 root)) private _roots;
    mapping(bytes32 consentId => mapping(bytes32 requestHash => bool)) private _recorded;

    constructor(IConsortium consortium_, IConsentRegistry registry_) MembershipGated(consortium_) {
        registry = registry_;
    }

    /// @inheritdoc IAccessLog
    function recordAccess(
        bytes32 consentId,
        bytes32 consumer,
        uint64 scopes,
        bytes32 requestHash,
        bytes32 responseHash
    ) external {
        if (requestHash == bytes32(0)) revert AccessInvalidRequest(requestHash);
        if (responseHash == bytes32(0)) revert AccessInvalidResponse(responseHash);
        if (_recorded[consentId][requestHash]) revert AccessRequestAlreadyRecorded(consentId, requestHash);
        _recorded[consentId][requestHash] = true;
        bytes32 provider = registry.consumeFetch(consentId, consumer, scopes, msg.sender);
        emit AccessRecorded(consentId, provider, consumer, scopes, requestHash, responseHash);
    }

    /// @inheritdoc IAccessLog
    function recordRefusal(bytes32 consentId, bytes32 consumer, uint64 scopes, bytes32 requestHash, uint8 reason)
        external
    {
        bytes32 provider = _requireMember(msg.sender, Role.TaxBureau);
        if (requestHash == bytes32(0)) revert AccessInvalidRequest(requestHash);
        bytes32 consentProvider = registry.providerOf(consentId);
        bool known = consentProvider != bytes32(0);
        if (known && consentProvider != provider) {
            revert MembershipWrongOrganization(msg.sender, consentProvider, provider);
        }
        emit AccessRefused(consentId, provider, consumer, scopes, requestHash, reason, known);
    }

    /// @inheritdoc IAccessLog
    function requestRecorded(bytes32 consentId, bytes32 requestHash) external view returns (bool) {
        return _recorded[consentId][requestHash];
    }

    /// @inheritdoc IAccessLog
    function anchor(bytes32 batchId, bytes32 root, uint32 count, BatchKind kind, string calldata uri) external {
        bytes32 orgId = _requireMember(msg.sender, Role.None);
        if (batchId == bytes32(0) || root == bytes32(0) || count == 0) {
            revert AnchorInvalidBatch(batchId, root, count);
        }
        bytes32 existing = _roots[orgId][batchId];
        if (existing != bytes32(0)) revert AnchorBatchExists(orgId, batchId, existing);
        _roots[orgId][batchId] = root;
        emit BatchAnchored(orgId, batchId, root, count, kind, uri);
    }

    /// @inheritdoc IAccessLog
    function anchoredRoot(bytes32 orgId, bytes32 batchId) external view returns (bytes32) {
        return _roots[orgId][batchId];
    }

    /// @inheritdoc IAccessLog
    function verifyRecord(bytes32 orgId, bytes32 batchId, bytes32 recordHash, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        bytes32 root = _roots[orgId][batchId];
        if (root == bytes32(0)) revert AnchorUnknownBatch(orgId, batchId);
        return MerkleProof.verifyCalldata(proof, root, leafOf(recordHash));
    }

    /// @inheritdoc IAccessLog
    function leafOf(bytes32 recordHash) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(recordHash))));
    }
}
