// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMembershipGated} from "../common/IMembershipGated.sol";

/// @title Enterprise data-authorization (consent) registry
/// @notice An enterprise authorizes one consumer (a bank or guarantor) to read chosen scopes of its data from one
///         provider (the tax bureau) for a purpose, within a validity window, over a data period, at most
///         `fetchCap` times per `fetchPeriod`, keeping what it read for at most `dataLife` seconds. The artefact is
///         EIP-712 typed data signed by the enterprise's account (an EOA or an ERC-1271 contract wallet), so any
///         member can relay it and the enterprise needs no gas. The consent id is the EIP-712 digest, so it is
///         bound to this chain and this contract, and a nonce is used once.
/// @dev Revocation and narrowing change state in the block that includes them: every check made against that
///      block or a later one sees the change, so an access recorded in the next block is refused.
interface IConsentRegistry is IMembershipGated {
    /// @notice The artefact an enterprise signs (EIP-712 primary type `Consent`).
    /// @param enterprise the enterprise's account, bound to `creditCodeHash` by the tax bureau beforehand
    /// @param creditCodeHash salted keccak-256 of the enterprise's unified social credit code
    /// @param consumer organization allowed to read (bank or guarantor)
    /// @param provider organization that serves the data (tax bureau)
    /// @param scopes bitmask of data scopes (see `Scopes`)
    /// @param purpose purpose code (see docs/consent.md)
    /// @param validFrom first second the consent may be used (unix time)
    /// @param validUntil last second the consent may be used
    /// @param dataFrom start of the period the data may cover (unix time)
    /// @param dataUntil end of the period the data may cover
    /// @param fetchCap accesses allowed per fetch period (1 = one-time when `fetchPeriod` is 0)
    /// @param fetchPeriod length of a fetch period in seconds, counted from `validFrom`; 0 = the whole validity
    /// @param dataLife seconds the consumer may keep fetched data
    /// @param nonce any unused number of the enterprise (nonces are unordered; each is used once)
    /// @param deadline last second the signature may be submitted
    struct ConsentTerms {
        address enterprise;
        bytes32 creditCodeHash;
        bytes32 consumer;
        bytes32 provider;
        uint64 scopes;
        uint32 purpose;
        uint64 validFrom;
        uint64 validUntil;
        uint64 dataFrom;
        uint64 dataUntil;
        uint32 fetchCap;
        uint32 fetchPeriod;
        uint64 dataLife;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice The enforcement state of a consent as kept on chain. `scopes` and `validUntil` are the current
    ///         (possibly narrowed) values. The remaining terms (purpose, data period, data life, credit-code hash)
    ///         are in the `ConsentGranted` event and in the artefact both parties hold; `consentId(terms)` proves
    ///         an artefact belongs to an id.
    struct ConsentState {
        address enterprise;
        bytes32 consumer;
        bytes32 provider;
        uint64 scopes;
        uint64 validFrom;
        uint64 validUntil;
        uint64 revokedAtBlock;
        uint32 fetchCap;
        uint32 fetchPeriod;
        uint32 fetchesInPeriod;
        uint32 periodIndex;
    }

    /// @notice Answer of `checkAccess`; `Allowed` is the only one that lets data leave the provider.
    enum AccessStatus {
        Allowed,
        UnknownConsent,
        NotYetValid,
        Expired,
        Revoked,
        WrongConsumer,
        WrongProvider,
        ScopeNotGranted,
        FetchCapReached,
        ConsumerIneligible,
        ProviderIneligible,
        EnterpriseUnbound
    }

    // ---------------------------------------------------------------- events

    /// @notice `taxOrg` bound `enterprise` to `creditCodeHash` on the account's own signature.
    event EnterpriseBound(address indexed enterprise, bytes32 indexed creditCodeHash, bytes32 indexed taxOrg);
    /// @notice The account was retired (by `taxOrg`, the bureau that made the binding, or by governance); every
    ///         consent it signed stops working. On a key rotation `EnterpriseBound` of the new account follows in the
    ///         same transaction.
    event EnterpriseUnbound(address indexed enterprise, bytes32 indexed creditCodeHash, bytes32 indexed taxOrg);

    /// @notice A consent was granted. `relayer` is the account that submitted it (the enterprise itself when direct).
    event ConsentGranted(
        bytes32 indexed consentId,
        address indexed enterprise,
        bytes32 indexed consumer,
        bytes32 provider,
        bytes32 creditCodeHash,
        ConsentTerms terms,
        address relayer
    );
    /// @notice Scopes shrank and/or validity shortened; `scopes` and `validUntil` are the new values.
    event ConsentNarrowed(
        bytes32 indexed consentId,
        address indexed enterprise,
        bytes32 indexed consumer,
        uint64 scopes,
        uint64 validUntil
    );
    event ConsentRevoked(bytes32 indexed consentId, address indexed enterprise, bytes32 indexed consumer);
    /// @notice The enterprise cancelled a nonce it had signed with but not used.
    event NonceInvalidated(address indexed enterprise, uint256 nonce);
    event AccessLogSet(address accessLog);
    /// @notice The registry this one takes live consents and bindings over from (a contract upgrade).
    event PredecessorSet(address predecessor);
    /// @notice A binding of the predecessor was taken over (followed by `EnterpriseBound`).
    event BindingImported(bytes32 indexed creditCodeHash, address indexed enterprise, address indexed predecessor);
    /// @notice A live consent of the predecessor was taken over with its id, terms and counters (followed by
    ///         `ConsentGranted` with the original terms, and `ConsentNarrowed` when it had been narrowed). Its id is
    ///         the predecessor's EIP-712 digest of the terms: recompute it in the predecessor's domain.
    event ConsentImported(bytes32 indexed consentId, address indexed enterprise, address indexed predecessor);

    // ---------------------------------------------------------------- errors

    error ConsentUnknown(bytes32 consentId);
    error ConsentNotYetValid(bytes32 consentId, uint64 validFrom);
    error ConsentExpired(bytes32 consentId, uint64 validUntil);
    /// @notice The consent was revoked in block `revokedAtBlock`; nothing may be read under it since.
    error ConsentRevokedAt(bytes32 consentId, uint64 revokedAtBlock);
    error ConsentWrongConsumer(bytes32 consentId, bytes32 consumer);
    error ConsentWrongProvider(bytes32 consentId, bytes32 provider);
    error ConsentScopeNotGranted(bytes32 consentId, uint64 requested, uint64 granted);
    error ConsentFetchCapReached(bytes32 consentId, uint32 fetchCap);
    /// @notice The consumer is not an active bank or guarantor.
    error ConsentConsumerIneligible(bytes32 consentId, bytes32 consumer);
    /// @notice The provider is not an active tax bureau.
    error ConsentProviderIneligible(bytes32 consentId, bytes32 provider);
    /// @notice The signature does not recover to (or is not accepted by) the enterprise account.
    error ConsentInvalidSignature(address enterprise);
    error ConsentSignatureExpired(uint256 deadline);
    error ConsentNonceUsed(address enterprise, uint256 nonce);
    /// @notice The enterprise account is not bound to this credit-code hash by the tax bureau.
    error ConsentEnterpriseNotBound(address enterprise, bytes32 creditCodeHash);
    error ConsentEnterpriseAlreadyBound(address enterprise, bytes32 creditCodeHash);
    /// @notice The account was unbound once and can never be bound again (its old consents must stay dead).
    error ConsentEnterpriseRetired(address enterprise);
    /// @notice A binding names the zero address as the enterprise account.
    error ConsentEnterpriseZeroAddress();
    /// @notice A binding names a credit-code hash that is not a hash (zero, or the reserved retired marker 0x…01).
    error ConsentCreditCodeHashInvalid(bytes32 creditCodeHash);
    /// @notice The credit-code hash already has an active account; a new key replaces it by rotation only.
    error ConsentCreditCodeTaken(bytes32 creditCodeHash, address account);
    /// @notice The credit-code hash has no active account to rotate away from.
    error ConsentCreditCodeNotBound(bytes32 creditCodeHash);
    /// @notice Only the consent's enterprise may do this (for a direct grant: only the account the terms name).
    error ConsentNotEnterprise(bytes32 consentId, address caller);
    /// @notice The terms grant no scope.
    error ConsentScopesEmpty();
    /// @notice The validity window does not end after it starts.
    error ConsentValidityInverted(uint64 validFrom, uint64 validUntil);
    /// @notice The validity window ended before the grant (`currentTime` is the block's).
    error ConsentValidityEnded(uint64 validUntil, uint256 currentTime);
    /// @notice The validity window ends after `maxValidUntil` (2**40 - 1), beyond what the registry stores.
    error ConsentValidityTooLong(uint64 validUntil, uint64 maxValidUntil);
    /// @notice The data period ends before it starts.
    error ConsentDataPeriodInverted(uint64 dataFrom, uint64 dataUntil);
    /// @notice The fetch cap is zero: the consent would allow nothing.
    error ConsentFetchCapZero();
    /// @notice The fetch cap is above `maxFetchCap` (65,535).
    error ConsentFetchCapTooHigh(uint32 fetchCap, uint32 maxFetchCap);
    /// @notice The fetch period is so short that the validity window holds 2**24 - 1 periods or more.
    error ConsentFetchPeriodTooShort(uint32 fetchPeriod, uint64 validFrom, uint64 validUntil);
    /// @notice The consent names the same organization as consumer and provider.
    error ConsentConsumerIsProvider(bytes32 org);
    /// @notice Narrowing may only remove scopes and shorten validity.
    error ConsentNarrowingWidens(bytes32 consentId);
    error ConsentOnlyAccessLog(address caller);
    error ConsentAccessLogAlreadySet(address accessLog);
    /// @notice `accessLog` is not an access log wired to this registry (no code, or its `registry()` is another).
    error ConsentAccessLogNotWired(address accessLog);
    error ConsentNotDeployer(address caller);
    /// @notice This registry has no predecessor to import from.
    error ConsentNoPredecessor();
    /// @notice The predecessor is set once.
    error ConsentPredecessorAlreadySet(address predecessor);
    /// @notice Not a registry of the same consortium (or this registry itself).
    error ConsentPredecessorNotUsable(address predecessor);
    /// @notice The consent is already in this registry.
    error ConsentAlreadyImported(bytes32 consentId);
    /// @notice The predecessor has no live consent with these terms (unknown, revoked or expired there).
    error ConsentNotImportable(bytes32 consentId);
    /// @notice An imported consent the predecessor no longer allows (revoked or narrowed there after the import).
    error ConsentRefusedByPredecessor(bytes32 consentId, AccessStatus status);
    /// @notice Nothing to record: the consent was not imported, or its predecessor has not revoked it.
    error ConsentNotRevokedByPredecessor(bytes32 consentId);

    // ---------------------------------------------------------------- enterprise binding (tax bureau)

    /// @notice A tax bureau relays an enterprise account's EIP-712 `Binding` signature, binding the account to
    ///         `creditCodeHash`. The signature names the relaying bureau, so no other bureau can use it, and its
    ///         nonce comes from the account's consent nonces. A credit-code hash has at most one active account.
    function bindEnterprise(
        address enterprise,
        bytes32 creditCodeHash,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Key recovery: the bureau that made the binding of `creditCodeHash` relays the enterprise's new
    ///         account's `Binding` signature; the old account is retired (every consent it signed stops working)
    ///         and the new one bound, in one transaction.
    function rotateEnterprise(
        address newEnterprise,
        bytes32 creditCodeHash,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice The bureau that made the binding, or governance (the consortium contract, through an approved
    ///         proposal), unbinds an account; its consents stop working and the account is retired for good, so
    ///         no later binding can revive them. The credit-code hash is free to be bound to a new account.
    function unbindEnterprise(address enterprise) external;

    // ---------------------------------------------------------------- consent lifecycle

    /// @notice The enterprise grants a consent from its own account.
    function grantConsent(ConsentTerms calldata terms) external returns (bytes32 consentId);

    /// @notice Any active member relays a consent signed by the enterprise.
    function grantConsentBySig(ConsentTerms calldata terms, bytes calldata signature)
        external
        returns (bytes32 consentId);

    /// @notice The enterprise revokes a consent from its own account.
    function revokeConsent(bytes32 consentId) external;

    /// @notice Anyone relays a revocation signed by the enterprise (EIP-712 `Revocation`).
    function revokeConsentBySig(bytes32 consentId, uint256 nonce, uint256 deadline, bytes calldata signature) external;

    /// @notice The enterprise narrows a consent from its own account.
    function narrowConsent(bytes32 consentId, uint64 scopes, uint64 validUntil) external;

    /// @notice Anyone relays a narrowing signed by the enterprise (EIP-712 `Narrowing`).
    function narrowConsentBySig(
        bytes32 consentId,
        uint64 scopes,
        uint64 validUntil,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice The enterprise cancels a nonce it signed with, so that signature can never be used.
    function invalidateNonce(uint256 nonce) external;

    /// @notice Counts one access of `consumer` against the fetch cap after checking everything `checkAccess`
    ///         checks; reverts with the matching error otherwise. Only the access log calls this, for the
    ///         provider operator that served the data; returns that operator's organization.
    function consumeFetch(
        bytes32 consentId,
        bytes32 consumer,
        uint64 scopes,
        address providerOperator
    ) external returns (bytes32 provider);

    /// @notice One-time wiring by the deployer: the access log that may count fetches.
    function setAccessLog(address accessLog) external;

    /// @notice Upgrade: the deployer names, once, the registry of the previous contract version (same consortium).
    function setPredecessor(address predecessor) external;

    /// @notice Upgrade: any member takes over the predecessor's binding of `creditCodeHash` (no new signature: the
    ///         enterprise signed it for the consortium once).
    function importBinding(bytes32 creditCodeHash) external;

    /// @notice Upgrade: any member takes over a live consent of the predecessor, stated by its original terms (from
    ///         its `ConsentGranted` event there); the id, current scopes, validity and fetch counters carry over, and
    ///         the enterprise signs nothing again. Its binding must have been taken over first.
    function importConsent(ConsentTerms calldata terms) external returns (bytes32 consentId);

    /// @notice Upgrade: anyone records here the revocation an enterprise made at the predecessor after its consent
    ///         was imported (every check already honours it; this puts it in this registry's events and state).
    function syncRevocation(bytes32 consentId) external;

    // ---------------------------------------------------------------- views

    /// @notice May `consumer` read `scopes` from `provider` under `consentId` now (as of this block)?
    function checkAccess(bytes32 consentId, bytes32 consumer, bytes32 provider, uint64 scopes)
        external
        view
        returns (AccessStatus);

    function consent(bytes32 consentId) external view returns (ConsentState memory);
    /// @notice The EIP-712 digest of `terms`, which is also the consent's id.
    function consentId(ConsentTerms calldata terms) external view returns (bytes32);
    function revocationDigest(bytes32 consentId, uint256 nonce, uint256 deadline) external view returns (bytes32);
    function narrowingDigest(bytes32 consentId, uint64 scopes, uint64 validUntil, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32);
    /// @notice The EIP-712 digest an enterprise account signs to be bound by `taxOrg`.
    function bindingDigest(
        address enterprise,
        bytes32 creditCodeHash,
        bytes32 taxOrg,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32);
    function creditCodeOf(address enterprise) external view returns (bytes32);
    /// @notice The provider named by consent `consentId` (zero when no such consent exists).
    function providerOf(bytes32 consentId) external view returns (bytes32);
    /// @notice The active account bound to `creditCodeHash` and the bureau that bound it (zeros when none).
    function accountOf(bytes32 creditCodeHash) external view returns (address enterprise, bytes32 taxOrg);
    function nonceUsed(address enterprise, uint256 nonce) external view returns (bool);
    function accessLog() external view returns (address);
    /// @notice The registry this one imports from (zero when none).
    function predecessor() external view returns (address);
}
