// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IConsentRegistry} from "./IConsentRegistry.sol";
import {IAccessLog} from "../anchoring/IAccessLog.sol";
import {IConsortium} from "../consortium/IConsortium.sol";
import {MembershipGated} from "../common/MembershipGated.sol";
import {MemberStatus, Role} from "../common/LedgerTypes.sol";

/// @title Enterprise consent registry (EIP-712, ERC-1271, unordered nonces)
/// @dev Storage per consent is two slots: what every access check reads and the fetch counter it updates.
///      Consumer and provider are kept as consortium admission indices, so both fit beside the counters.
///      Nonces are a bitmap (as in Uniswap's Permit2): any unused number works, each works once.
contract ConsentRegistry is IConsentRegistry, EIP712, MembershipGated {
    /// @notice EIP-712 type of the consent artefact.
    bytes32 public constant CONSENT_TYPEHASH = keccak256(
        "Consent(address enterprise,bytes32 creditCodeHash,bytes32 consumer,bytes32 provider,uint64 scopes,"
        "uint32 purpose,uint64 validFrom,uint64 validUntil,uint64 dataFrom,uint64 dataUntil,uint32 fetchCap,"
        "uint32 fetchPeriod,uint64 dataLife,uint256 nonce,uint256 deadline)"
    );
    /// @notice EIP-712 type of a signed revocation.
    bytes32 public constant REVOCATION_TYPEHASH =
        keccak256("Revocation(bytes32 consentId,uint256 nonce,uint256 deadline)");
    /// @notice EIP-712 type of a signed narrowing.
    bytes32 public constant NARROWING_TYPEHASH =
        keccak256("Narrowing(bytes32 consentId,uint64 scopes,uint64 validUntil,uint256 nonce,uint256 deadline)");
    /// @notice EIP-712 type an enterprise account signs to be bound to its credit-code hash by one tax bureau.
    bytes32 public constant BINDING_TYPEHASH = keccak256(
        "Binding(address enterprise,bytes32 creditCodeHash,bytes32 taxBureau,uint256 nonce,uint256 deadline)"
    );

    /// @dev Marks an account whose binding was removed; it can never be bound again.
    bytes32 private constant _RETIRED = bytes32(uint256(1));

    struct Stored {
        // slot 0: read by every check
        address enterprise;
        uint40 validFrom;
        uint40 validUntil;
        // taken over from the predecessor registry: its revocations and narrowings there still count
        bool imported;
        // slot 1: read by every check, written by every counted access
        uint64 scopes;
        uint40 revokedAtBlock;
        uint16 fetchCap;
        uint16 fetchesInPeriod;
        uint24 periodIndex;
        uint32 fetchPeriod;
        uint24 consumerIndex;
        uint24 providerIndex;
    }

    /// @dev The facts about consumer and provider that each caller of `_accessStatus` gathers its own way.
    struct Parties {
        uint32 consumerIndex;
        bool consumerEligible;
        uint32 providerIndex;
        bool providerEligible;
    }

    /// @dev The active account of a credit-code hash and the admission index of the bureau that bound it.
    struct CodeBinding {
        address account;
        uint32 bureauIndex;
    }

    address private immutable _deployer;
    address private _accessLog;
    address private _predecessor;

    mapping(bytes32 consentId => Stored) private _consents;
    mapping(address enterprise => bytes32 creditCodeHash) private _creditCodeOf;
    mapping(bytes32 creditCodeHash => CodeBinding) private _bindingOf;
    mapping(address enterprise => mapping(uint256 word => uint256 bits)) private _nonceBitmap;

    constructor(IConsortium consortium_) EIP712("Ledger ConsentRegistry", "1") MembershipGated(consortium_) {
        _deployer = msg.sender;
    }

    /// @inheritdoc IConsentRegistry
    function setAccessLog(address accessLog_) external {
        if (msg.sender != _deployer) revert ConsentNotDeployer(msg.sender);
        if (_accessLog != address(0)) revert ConsentAccessLogAlreadySet(_accessLog);
        // Only the access log built for this registry may count fetches: it must be code whose `registry()` is
        // this contract (a call to an account without code returns nothing and is refused too).
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = accessLog_.staticcall(abi.encodeCall(IAccessLog.registry, ()));
        if (!ok || ret.length != 32 || abi.decode(ret, (address)) != address(this)) {
            revert ConsentAccessLogNotWired(accessLog_);
        }
        _accessLog = accessLog_;
        emit AccessLogSet(accessLog_);
    }

    // ================================================================ upgrade

    /// @inheritdoc IConsentRegistry
    function setPredecessor(address predecessor_) external {
        if (msg.sender != _deployer) revert ConsentNotDeployer(msg.sender);
        if (_predecessor != address(0)) revert ConsentPredecessorAlreadySet(_predecessor);
        // A registry of the same consortium (members keep their admission indices), and not this one.
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = predecessor_.staticcall(abi.encodeWithSignature("consortium()"));
        bool sameConsortium = ok && ret.length == 32 && abi.decode(ret, (address)) == address(consortium);
        if (predecessor_ == address(this) || !sameConsortium) revert ConsentPredecessorNotUsable(predecessor_);
        _predecessor = predecessor_;
        emit PredecessorSet(predecessor_);
    }

    /// @inheritdoc IConsentRegistry
    function importBinding(bytes32 creditCodeHash) external {
        _requireMember(msg.sender, Role.None);
        IConsentRegistry from = _requirePredecessor();
        (address account, bytes32 taxOrg) = from.accountOf(creditCodeHash);
        if (account == address(0)) revert ConsentCreditCodeNotBound(creditCodeHash);
        _checkBindingParties(account, creditCodeHash);
        address current = _bindingOf[creditCodeHash].account;
        if (current != address(0)) revert ConsentCreditCodeTaken(creditCodeHash, current);
        (, , uint32 bureauIndex) = consortium.memberSummary(taxOrg);
        _creditCodeOf[account] = creditCodeHash;
        _bindingOf[creditCodeHash] = CodeBinding({account: account, bureauIndex: bureauIndex});
        emit BindingImported(creditCodeHash, account, address(from));
        emit EnterpriseBound(account, creditCodeHash, taxOrg);
    }

    /// @inheritdoc IConsentRegistry
    function importConsent(ConsentTerms calldata terms) external returns (bytes32 id) {
        _requireMember(msg.sender, Role.None);
        IConsentRegistry from = _requirePredecessor();
        // The predecessor hashes the terms in its own EIP-712 domain: the id the enterprise signed stays the id.
        id = from.consentId(terms);
        if (_consents[id].enterprise != address(0)) revert ConsentAlreadyImported(id);
        ConsentState memory s = from.consent(id);
        if (s.enterprise == address(0) || s.revokedAtBlock != 0 || s.validUntil < block.timestamp) {
            revert ConsentNotImportable(id);
        }
        bytes32 bound = _creditCodeOf[terms.enterprise];
        if (bound != terms.creditCodeHash || bound == bytes32(0) || bound == _RETIRED) {
            revert ConsentEnterpriseNotBound(terms.enterprise, terms.creditCodeHash);
        }
        (, , uint32 cIndex) = consortium.memberSummary(s.consumer);
        (, , uint32 pIndex) = consortium.memberSummary(s.provider);
        _consents[id] = Stored({
            enterprise: s.enterprise,
            validFrom: uint40(s.validFrom),
            validUntil: uint40(s.validUntil),
            imported: true,
            scopes: s.scopes,
            revokedAtBlock: 0,
            fetchCap: uint16(s.fetchCap),
            fetchesInPeriod: uint16(s.fetchesInPeriod),
            periodIndex: uint24(s.periodIndex),
            fetchPeriod: s.fetchPeriod,
            consumerIndex: uint24(cIndex),
            providerIndex: uint24(pIndex)
        });
        emit ConsentImported(id, s.enterprise, address(from));
        emit ConsentGranted(
            id, terms.enterprise, terms.consumer, terms.provider, terms.creditCodeHash, terms, msg.sender
        );
        if (s.scopes != terms.scopes || s.validUntil != terms.validUntil) {
            emit ConsentNarrowed(id, s.enterprise, s.consumer, s.scopes, s.validUntil);
        }
    }

    /// @inheritdoc IConsentRegistry
    function syncRevocation(bytes32 id) external {
        Stored storage c = _requireLiveConsent(id);
        if (!c.imported || IConsentRegistry(_predecessor).consent(id).revokedAtBlock == 0) {
            revert ConsentNotRevokedByPredecessor(id);
        }
        _revoke(id, c);
    }

    // ================================================================ binding

    /// @inheritdoc IConsentRegistry
    function bindEnterprise(
        address enterprise,
        bytes32 creditCodeHash,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external {
        (bytes32 taxOrg, uint32 bureauIndex) = _requireMemberWithIndex(msg.sender, Role.TaxBureau);
        _checkBindingParties(enterprise, creditCodeHash);
        address current = _bindingOf[creditCodeHash].account;
        if (current != address(0)) revert ConsentCreditCodeTaken(creditCodeHash, current);
        _bind(enterprise, creditCodeHash, taxOrg, bureauIndex, nonce, deadline, signature);
    }

    /// @inheritdoc IConsentRegistry
    function rotateEnterprise(
        address newEnterprise,
        bytes32 creditCodeHash,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external {
        (bytes32 taxOrg, uint32 bureauIndex) = _requireMemberWithIndex(msg.sender, Role.TaxBureau);
        _checkBindingParties(newEnterprise, creditCodeHash);
        CodeBinding memory old = _bindingOf[creditCodeHash];
        if (old.account == address(0)) revert ConsentCreditCodeNotBound(creditCodeHash);
        _requireBindingBureau(old.bureauIndex, taxOrg);
        _creditCodeOf[old.account] = _RETIRED;
        emit EnterpriseUnbound(old.account, creditCodeHash, taxOrg);
        _bind(newEnterprise, creditCodeHash, taxOrg, bureauIndex, nonce, deadline, signature);
    }

    /// @inheritdoc IConsentRegistry
    function unbindEnterprise(address enterprise) external {
        // Governance acts through the consortium contract itself (an approved `retireEnterprise` proposal).
        bool byGovernance = msg.sender == address(consortium);
        bytes32 callerOrg = byGovernance ? bytes32(0) : _requireMember(msg.sender, Role.TaxBureau);
        bytes32 current = _creditCodeOf[enterprise];
        if (current == bytes32(0) || current == _RETIRED) revert ConsentEnterpriseNotBound(enterprise, bytes32(0));
        uint32 bureauIndex = _bindingOf[current].bureauIndex;
        bytes32 bureau = byGovernance ? _orgAt(bureauIndex) : _requireBindingBureau(bureauIndex, callerOrg);
        _creditCodeOf[enterprise] = _RETIRED;
        delete _bindingOf[current];
        emit EnterpriseUnbound(enterprise, current, bureau);
    }

    // ================================================================ grant

    /// @inheritdoc IConsentRegistry
    function grantConsent(ConsentTerms calldata terms) external returns (bytes32 id) {
        id = _hashTypedDataV4(_hashTerms(terms));
        if (msg.sender != terms.enterprise) revert ConsentNotEnterprise(id, msg.sender);
        _grant(id, terms);
    }

    /// @inheritdoc IConsentRegistry
    function grantConsentBySig(ConsentTerms calldata terms, bytes calldata signature) external returns (bytes32 id) {
        _requireMember(msg.sender, Role.None);
        id = _hashTypedDataV4(_hashTerms(terms));
        if (!SignatureChecker.isValidSignatureNow(terms.enterprise, id, signature)) {
            revert ConsentInvalidSignature(terms.enterprise);
        }
        _grant(id, terms);
    }

    // ================================================================ revoke / narrow

    /// @inheritdoc IConsentRegistry
    function revokeConsent(bytes32 id) external {
        Stored storage c = _requireLiveConsent(id);
        if (msg.sender != c.enterprise) revert ConsentNotEnterprise(id, msg.sender);
        _revoke(id, c);
    }

    /// @inheritdoc IConsentRegistry
    function revokeConsentBySig(bytes32 id, uint256 nonce, uint256 deadline, bytes calldata signature) external {
        Stored storage c = _requireLiveConsent(id);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(REVOCATION_TYPEHASH, id, nonce, deadline)));
        _useSignedNonce(c.enterprise, digest, nonce, deadline, signature);
        _revoke(id, c);
    }

    /// @inheritdoc IConsentRegistry
    function narrowConsent(bytes32 id, uint64 scopes, uint64 validUntil) external {
        Stored storage c = _requireLiveConsent(id);
        if (msg.sender != c.enterprise) revert ConsentNotEnterprise(id, msg.sender);
        _narrow(id, c, scopes, validUntil);
    }

    /// @inheritdoc IConsentRegistry
    function narrowConsentBySig(
        bytes32 id,
        uint64 scopes,
        uint64 validUntil,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external {
        Stored storage c = _requireLiveConsent(id);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(NARROWING_TYPEHASH, id, scopes, validUntil, nonce, deadline))
        );
        _useSignedNonce(c.enterprise, digest, nonce, deadline, signature);
        _narrow(id, c, scopes, validUntil);
    }

    /// @inheritdoc IConsentRegistry
    function invalidateNonce(uint256 nonce) external {
        _useNonce(msg.sender, nonce);
        emit NonceInvalidated(msg.sender, nonce);
    }

    // ================================================================ access

    /// @inheritdoc IConsentRegistry
    function consumeFetch(bytes32 id, bytes32 consumer, uint64 scopes, address providerOperator)
        external
        returns (bytes32 provider)
    {
        if (msg.sender != _accessLog) revert ConsentOnlyAccessLog(msg.sender);
        uint32 providerIndex;
        (provider, providerIndex) = _requireMemberWithIndex(providerOperator, Role.TaxBureau);
        Stored storage c = _consents[id];
        uint32 period = _periodIndex(c);
        AccessStatus status = _accessStatus(c, _parties(consumer, providerIndex), scopes, period);
        if (status != AccessStatus.Allowed) _revertFor(status, id, c, consumer, provider, scopes);
        if (c.imported) {
            AccessStatus before = _predecessorStatus(id, consumer, provider, scopes);
            if (before != AccessStatus.Allowed) revert ConsentRefusedByPredecessor(id, before);
        }

        // Count against the cap; the counter lives in the slot just read, so the write is cheap.
        if (period != c.periodIndex) {
            c.periodIndex = uint24(period);
            c.fetchesInPeriod = 1;
        } else {
            ++c.fetchesInPeriod;
        }
    }

    /// @inheritdoc IConsentRegistry
    function checkAccess(bytes32 id, bytes32 consumer, bytes32 provider, uint64 scopes)
        external
        view
        returns (AccessStatus)
    {
        Stored storage c = _consents[id];
        (Role cRole, MemberStatus cStatus, uint32 cIndex) = consortium.memberSummary(consumer);
        (Role pRole, MemberStatus pStatus, uint32 pIndex) = consortium.memberSummary(provider);
        Parties memory parties = Parties({
            consumerIndex: cIndex,
            consumerEligible: _mayConsume(cRole, cStatus),
            providerIndex: pIndex,
            providerEligible: pStatus == MemberStatus.Active && pRole == Role.TaxBureau
        });
        AccessStatus status = _accessStatus(c, parties, scopes, _periodIndex(c));
        if (status == AccessStatus.Allowed && c.imported) return _predecessorStatus(id, consumer, provider, scopes);
        return status;
    }

    // ================================================================ views

    /// @inheritdoc IConsentRegistry
    function consent(bytes32 id) external view returns (ConsentState memory s) {
        Stored storage c = _consents[id];
        if (c.enterprise == address(0)) return s;
        (s.consumer, , ) = consortium.memberAt(c.consumerIndex);
        (s.provider, , ) = consortium.memberAt(c.providerIndex);
        s.enterprise = c.enterprise;
        s.scopes = c.scopes;
        s.validFrom = c.validFrom;
        s.validUntil = c.validUntil;
        s.revokedAtBlock = c.revokedAtBlock;
        s.fetchCap = c.fetchCap;
        s.fetchPeriod = c.fetchPeriod;
        s.fetchesInPeriod = c.fetchesInPeriod;
        s.periodIndex = c.periodIndex;
    }

    /// @inheritdoc IConsentRegistry
    function consentId(ConsentTerms calldata terms) external view returns (bytes32) {
        return _hashTypedDataV4(_hashTerms(terms));
    }

    /// @inheritdoc IConsentRegistry
    function revocationDigest(bytes32 id, uint256 nonce, uint256 deadline) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REVOCATION_TYPEHASH, id, nonce, deadline)));
    }

    /// @inheritdoc IConsentRegistry
    function narrowingDigest(bytes32 id, uint64 scopes, uint64 validUntil, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(NARROWING_TYPEHASH, id, scopes, validUntil, nonce, deadline)));
    }

    /// @inheritdoc IConsentRegistry
    function bindingDigest(
        address enterprise,
        bytes32 creditCodeHash,
        bytes32 taxOrg,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32) {
        return _bindingDigest(enterprise, creditCodeHash, taxOrg, nonce, deadline);
    }

    /// @inheritdoc IConsentRegistry
    function accountOf(bytes32 creditCodeHash) external view returns (address enterprise, bytes32 taxOrg) {
        CodeBinding memory b = _bindingOf[creditCodeHash];
        if (b.account == address(0)) return (address(0), bytes32(0));
        return (b.account, _orgAt(b.bureauIndex));
    }

    /// @inheritdoc IConsentRegistry
    function providerOf(bytes32 id) external view returns (bytes32) {
        Stored storage c = _consents[id];
        return c.enterprise == address(0) ? bytes32(0) : _orgAt(c.providerIndex);
    }

    /// @inheritdoc IConsentRegistry
    function creditCodeOf(address enterprise) external view returns (bytes32) {
        bytes32 current = _creditCodeOf[enterprise];
        return current == _RETIRED ? bytes32(0) : current;
    }

    /// @inheritdoc IConsentRegistry
    function nonceUsed(address enterprise, uint256 nonce) external view returns (bool) {
        return _nonceBitmap[enterprise][nonce >> 8] & (uint256(1) << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IConsentRegistry
    function accessLog() external view returns (address) {
        return _accessLog;
    }

    /// @inheritdoc IConsentRegistry
    function predecessor() external view returns (address) {
        return _predecessor;
    }

    // ================================================================ internals

    function _checkBindingParties(address enterprise, bytes32 creditCodeHash) private view {
        if (enterprise == address(0)) revert ConsentEnterpriseZeroAddress();
        if (creditCodeHash == bytes32(0) || creditCodeHash == _RETIRED) {
            revert ConsentCreditCodeHashInvalid(creditCodeHash);
        }
        bytes32 current = _creditCodeOf[enterprise];
        if (current == _RETIRED) revert ConsentEnterpriseRetired(enterprise);
        if (current != bytes32(0)) revert ConsentEnterpriseAlreadyBound(enterprise, current);
    }

    /// @dev Reverts unless the caller's organization `callerOrg` is the bureau at `bureauIndex`.
    function _requireBindingBureau(uint32 bureauIndex, bytes32 callerOrg) private view returns (bytes32 bureau) {
        bureau = _orgAt(bureauIndex);
        if (bureau != callerOrg) revert MembershipWrongOrganization(msg.sender, bureau, callerOrg);
    }

    function _orgAt(uint32 index) private view returns (bytes32 orgId) {
        (orgId, , ) = consortium.memberAt(index);
    }

    function _bind(
        address enterprise,
        bytes32 creditCodeHash,
        bytes32 taxOrg,
        uint32 bureauIndex,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) private {
        bytes32 digest = _bindingDigest(enterprise, creditCodeHash, taxOrg, nonce, deadline);
        _useSignedNonce(enterprise, digest, nonce, deadline, signature);
        _creditCodeOf[enterprise] = creditCodeHash;
        _bindingOf[creditCodeHash] = CodeBinding({account: enterprise, bureauIndex: bureauIndex});
        emit EnterpriseBound(enterprise, creditCodeHash, taxOrg);
    }

    function _bindingDigest(
        address enterprise,
        bytes32 creditCodeHash,
        bytes32 taxOrg,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(BINDING_TYPEHASH, enterprise, creditCodeHash, taxOrg, nonce, deadline))
        );
    }

    function _grant(bytes32 id, ConsentTerms calldata t) private {
        if (block.timestamp > t.deadline) revert ConsentSignatureExpired(t.deadline);
        bytes32 bound = _creditCodeOf[t.enterprise];
        if (bound != t.creditCodeHash || bound == bytes32(0) || bound == _RETIRED) {
            revert ConsentEnterpriseNotBound(t.enterprise, t.creditCodeHash);
        }
        _useNonce(t.enterprise, t.nonce);
        // A consent's id commits to its nonce, so an unused nonce means a new id: no existence check needed.
        _checkTerms(t);
        (Role cRole, MemberStatus cStatus, uint32 cIndex) = consortium.memberSummary(t.consumer);
        if (!_mayConsume(cRole, cStatus)) revert ConsentConsumerIneligible(id, t.consumer);
        (Role pRole, MemberStatus pStatus, uint32 pIndex) = consortium.memberSummary(t.provider);
        if (pStatus != MemberStatus.Active || pRole != Role.TaxBureau) revert ConsentProviderIneligible(id, t.provider);

        _consents[id] = Stored({
            enterprise: t.enterprise,
            validFrom: uint40(t.validFrom),
            validUntil: uint40(t.validUntil),
            imported: false,
            scopes: t.scopes,
            revokedAtBlock: 0,
            fetchCap: uint16(t.fetchCap),
            fetchesInPeriod: 0,
            periodIndex: 0,
            fetchPeriod: t.fetchPeriod,
            consumerIndex: uint24(cIndex),
            providerIndex: uint24(pIndex)
        });
        emit ConsentGranted(id, t.enterprise, t.consumer, t.provider, t.creditCodeHash, t, msg.sender);
    }

    function _checkTerms(ConsentTerms calldata t) private view {
        if (t.scopes == 0) revert ConsentScopesEmpty();
        if (t.validUntil <= t.validFrom) revert ConsentValidityInverted(t.validFrom, t.validUntil);
        if (t.validUntil < block.timestamp) revert ConsentValidityEnded(t.validUntil, block.timestamp);
        if (t.validUntil > type(uint40).max) revert ConsentValidityTooLong(t.validUntil, type(uint40).max);
        if (t.dataUntil < t.dataFrom) revert ConsentDataPeriodInverted(t.dataFrom, t.dataUntil);
        if (t.fetchCap == 0) revert ConsentFetchCapZero();
        if (t.fetchCap > type(uint16).max) revert ConsentFetchCapTooHigh(t.fetchCap, type(uint16).max);
        if (t.fetchPeriod != 0 && (t.validUntil - t.validFrom) / t.fetchPeriod >= type(uint24).max) {
            revert ConsentFetchPeriodTooShort(t.fetchPeriod, t.validFrom, t.validUntil);
        }
        if (t.consumer == t.provider) revert ConsentConsumerIsProvider(t.consumer);
    }

    function _revoke(bytes32 id, Stored storage c) private {
        c.revokedAtBlock = uint40(block.number);
        (bytes32 consumer, , ) = consortium.memberAt(c.consumerIndex);
        emit ConsentRevoked(id, c.enterprise, consumer);
    }

    function _narrow(bytes32 id, Stored storage c, uint64 scopes, uint64 validUntil) private {
        if (scopes == 0 || scopes & ~c.scopes != 0 || validUntil > c.validUntil) revert ConsentNarrowingWidens(id);
        c.scopes = scopes;
        c.validUntil = uint40(validUntil);
        (bytes32 consumer, , ) = consortium.memberAt(c.consumerIndex);
        emit ConsentNarrowed(id, c.enterprise, consumer, scopes, validUntil);
    }

    function _useSignedNonce(
        address enterprise,
        bytes32 digest,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) private {
        if (block.timestamp > deadline) revert ConsentSignatureExpired(deadline);
        if (!SignatureChecker.isValidSignatureNow(enterprise, digest, signature)) {
            revert ConsentInvalidSignature(enterprise);
        }
        _useNonce(enterprise, nonce);
    }

    function _useNonce(address enterprise, uint256 nonce) private {
        uint256 bit = uint256(1) << (nonce & 0xff);
        uint256 word = _nonceBitmap[enterprise][nonce >> 8];
        if (word & bit != 0) revert ConsentNonceUsed(enterprise, nonce);
        _nonceBitmap[enterprise][nonce >> 8] = word | bit;
    }

    function _requirePredecessor() private view returns (IConsentRegistry) {
        if (_predecessor == address(0)) revert ConsentNoPredecessor();
        return IConsentRegistry(_predecessor);
    }

    /// @dev An imported consent also answers to the predecessor, where its enterprise may still revoke or narrow it.
    ///      Its fetch counters there froze at the import, so they never refuse what this registry allows.
    function _predecessorStatus(bytes32 id, bytes32 consumer, bytes32 provider, uint64 scopes)
        private
        view
        returns (AccessStatus)
    {
        return IConsentRegistry(_predecessor).checkAccess(id, consumer, provider, scopes);
    }

    function _requireLiveConsent(bytes32 id) private view returns (Stored storage c) {
        c = _consents[id];
        if (c.enterprise == address(0)) revert ConsentUnknown(id);
        if (c.revokedAtBlock != 0) revert ConsentRevokedAt(id, c.revokedAtBlock);
    }

    function _periodIndex(Stored storage c) private view returns (uint32) {
        uint32 fetchPeriod = c.fetchPeriod;
        if (fetchPeriod == 0 || block.timestamp < c.validFrom) return 0;
        return uint32((block.timestamp - c.validFrom) / fetchPeriod);
    }

    /// @dev Consumer facts from the consortium; the provider is a checked active tax bureau at `providerIndex`.
    function _parties(bytes32 consumer, uint32 providerIndex) private view returns (Parties memory) {
        (Role cRole, MemberStatus cStatus, uint32 cIndex) = consortium.memberSummary(consumer);
        return Parties({
            consumerIndex: cIndex,
            consumerEligible: _mayConsume(cRole, cStatus),
            providerIndex: providerIndex,
            providerEligible: true
        });
    }

    function _mayConsume(Role role, MemberStatus status) private pure returns (bool) {
        return status == MemberStatus.Active && (role == Role.Bank || role == Role.Guarantor);
    }

    /// @dev The single definition of "may this access happen now"; `checkAccess` and `consumeFetch` share it.
    function _accessStatus(Stored storage c, Parties memory p, uint64 scopes, uint32 period)
        private
        view
        returns (AccessStatus)
    {
        address enterprise = c.enterprise;
        if (enterprise == address(0)) return AccessStatus.UnknownConsent;
        if (c.revokedAtBlock != 0) return AccessStatus.Revoked;
        if (block.timestamp < c.validFrom) return AccessStatus.NotYetValid;
        if (block.timestamp > c.validUntil) return AccessStatus.Expired;
        if (p.consumerIndex != c.consumerIndex) return AccessStatus.WrongConsumer;
        if (p.providerIndex != c.providerIndex) return AccessStatus.WrongProvider;
        if (scopes == 0 || scopes & ~c.scopes != 0) return AccessStatus.ScopeNotGranted;
        // A consent exists only for a bound account, and unbinding retires the account (never zeroes it).
        if (_creditCodeOf[enterprise] == _RETIRED) return AccessStatus.EnterpriseUnbound;
        if (period == c.periodIndex && c.fetchesInPeriod >= c.fetchCap) return AccessStatus.FetchCapReached;
        if (!p.consumerEligible) return AccessStatus.ConsumerIneligible;
        if (!p.providerEligible) return AccessStatus.ProviderIneligible;
        return AccessStatus.Allowed;
    }

    function _revertFor(
        AccessStatus s,
        bytes32 id,
        Stored storage c,
        bytes32 consumer,
        bytes32 provider,
        uint64 scopes
    ) private view {
        if (s == AccessStatus.UnknownConsent) revert ConsentUnknown(id);
        if (s == AccessStatus.Revoked) revert ConsentRevokedAt(id, c.revokedAtBlock);
        if (s == AccessStatus.NotYetValid) revert ConsentNotYetValid(id, c.validFrom);
        if (s == AccessStatus.Expired) revert ConsentExpired(id, c.validUntil);
        if (s == AccessStatus.WrongConsumer) revert ConsentWrongConsumer(id, consumer);
        if (s == AccessStatus.WrongProvider) revert ConsentWrongProvider(id, provider);
        if (s == AccessStatus.ScopeNotGranted) revert ConsentScopeNotGranted(id, scopes, c.scopes);
        if (s == AccessStatus.EnterpriseUnbound) revert ConsentEnterpriseNotBound(c.enterprise, bytes32(0));
        if (s == AccessStatus.FetchCapReached) revert ConsentFetchCapReached(id, c.fetchCap);
        // The remaining status on this path: the consumer is no longer an active bank or guarantor.
        // (ProviderIneligible cannot occur: the provider operator was checked to be an active tax bureau.)
        revert ConsentConsumerIneligible(id, consumer);
    }

    function _hashTerms(ConsentTerms calldata t) private pure returns (bytes32) {
        return keccak256(abi.encode(CONSENT_TYPEHASH, t));
    }
}
