using System.Numerics;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Chain.Errors;

// One exception per Solidity custom error, named after it. Codes are stable: never renumber, never reuse
// (docs/errors.md lists them; a test checks every ABI error is here and in the docs).

/// <summary>LEDGER-1227: <c>ConsentUnknown(bytes32 consentId)</c> (ConsentRegistry).</summary>
public sealed class ConsentUnknownException : ContractRevertException
{
    internal ConsentUnknownException(ContractError error)
        : base(1227, ErrorCategory.NotFound, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} does not exist on this chain; check the id (a consent signed for another chain or registry has another id).";
}

/// <summary>LEDGER-1228: <c>ConsentNotYetValid(bytes32 consentId, uint64 validFrom)</c> (ConsentRegistry).</summary>
public sealed class ConsentNotYetValidException : ContractRevertException
{
    internal ConsentNotYetValidException(ContractError error)
        : base(1228, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>validFrom</c> argument.</summary>
    public ulong ValidFrom => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} is valid only from {Time(e.Number(1))}; wait until then.";
}

/// <summary>LEDGER-1229: <c>ConsentExpired(bytes32 consentId, uint64 validUntil)</c> (ConsentRegistry).</summary>
public sealed class ConsentExpiredException : ContractRevertException
{
    internal ConsentExpiredException(ContractError error)
        : base(1229, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>validUntil</c> argument.</summary>
    public ulong ValidUntil => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} expired at {Time(e.Number(1))}; ask the enterprise for a new consent.";
}

/// <summary>LEDGER-1230: <c>ConsentRevokedAt(bytes32 consentId, uint64 revokedAtBlock)</c> (ConsentRegistry).</summary>
public sealed class ConsentRevokedAtException : ContractRevertException
{
    internal ConsentRevokedAtException(ContractError error)
        : base(1230, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>revokedAtBlock</c> argument.</summary>
    public ulong RevokedAtBlock => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} was revoked at block {Num(e.Number(1))}; ask the enterprise for a new consent.";
}

/// <summary>LEDGER-1231: <c>ConsentWrongConsumer(bytes32 consentId, bytes32 consumer)</c> (ConsentRegistry).</summary>
public sealed class ConsentWrongConsumerException : ContractRevertException
{
    internal ConsentWrongConsumerException(ContractError error)
        : base(1231, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>consumer</c> argument.</summary>
    public OrgId Consumer => Error!.Org(1);

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} was not granted to {Org(e.Org(1))}; only the consumer named in the consent may use it.";
}

/// <summary>LEDGER-1232: <c>ConsentWrongProvider(bytes32 consentId, bytes32 provider)</c> (ConsentRegistry).</summary>
public sealed class ConsentWrongProviderException : ContractRevertException
{
    internal ConsentWrongProviderException(ContractError error)
        : base(1232, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>provider</c> argument.</summary>
    public OrgId Provider => Error!.Org(1);

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} does not name {Org(e.Org(1))} as its provider; only the tax bureau named in the consent may serve data under it.";
}

/// <summary>LEDGER-1233: <c>ConsentScopeNotGranted(bytes32 consentId, uint64 requested, uint64 granted)</c> (ConsentRegistry).</summary>
public sealed class ConsentScopeNotGrantedException : ContractRevertException
{
    internal ConsentScopeNotGrantedException(ContractError error)
        : base(1233, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>requested</c> argument.</summary>
    public ulong Requested => Error!.UInt64(1);

    /// <summary>The error's <c>granted</c> argument.</summary>
    public ulong Granted => Error!.UInt64(2);

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} grants {ScopeNames(e.Number(2))} but {ScopeNames(e.Number(1))} was asked for; ask only for granted scopes, or ask the enterprise for a wider consent.";
}

/// <summary>LEDGER-1234: <c>ConsentFetchCapReached(bytes32 consentId, uint32 fetchCap)</c> (ConsentRegistry).</summary>
public sealed class ConsentFetchCapReachedException : ContractRevertException
{
    internal ConsentFetchCapReachedException(ContractError error)
        : base(1234, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>fetchCap</c> argument.</summary>
    public ulong FetchCap => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} allows {Num(e.Number(1))} access(es) per period and they are used up; wait for the next period or ask the enterprise for a new consent.";
}

/// <summary>LEDGER-1235: <c>ConsentConsumerIneligible(bytes32 consentId, bytes32 consumer)</c> (ConsentRegistry).</summary>
public sealed class ConsentConsumerIneligibleException : ContractRevertException
{
    internal ConsentConsumerIneligibleException(ContractError error)
        : base(1235, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>consumer</c> argument.</summary>
    public OrgId Consumer => Error!.Org(1);

    private static string Describe(ContractError e) =>
        $"{Org(e.Org(1))} is not an active bank or guarantor, so it cannot use consent {Abbreviate(e.Hash(0))}; the governors must admit or reinstate it first.";
}

/// <summary>LEDGER-1236: <c>ConsentProviderIneligible(bytes32 consentId, bytes32 provider)</c> (ConsentRegistry).</summary>
public sealed class ConsentProviderIneligibleException : ContractRevertException
{
    internal ConsentProviderIneligibleException(ContractError error)
        : base(1236, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>provider</c> argument.</summary>
    public OrgId Provider => Error!.Org(1);

    private static string Describe(ContractError e) =>
        $"{Org(e.Org(1))} is not an active tax bureau, so it cannot serve data under consent {Abbreviate(e.Hash(0))}; the governors must admit or reinstate it first.";
}

/// <summary>LEDGER-1237: <c>ConsentInvalidSignature(address enterprise)</c> (ConsentRegistry).</summary>
public sealed class ConsentInvalidSignatureException : ContractRevertException
{
    internal ConsentInvalidSignatureException(ContractError error)
        : base(1237, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>enterprise</c> argument.</summary>
    public EthAddress Enterprise => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"The signature is not enterprise {e.Address(0)}'s: it does not recover to that account (or its contract wallet rejects it). Have the enterprise sign exactly these terms for this chain and registry.";
}

/// <summary>LEDGER-1238: <c>ConsentSignatureExpired(uint256 deadline)</c> (ConsentRegistry).</summary>
public sealed class ConsentSignatureExpiredException : ContractRevertException
{
    internal ConsentSignatureExpiredException(ContractError error)
        : base(1238, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>deadline</c> argument.</summary>
    public BigInteger Deadline => Error!.Number(0);

    private static string Describe(ContractError e) =>
        $"The signature's deadline ({Time(e.Number(0))}) has passed; have the enterprise sign again with a later deadline.";
}

/// <summary>LEDGER-1239: <c>ConsentNonceUsed(address enterprise, uint256 nonce)</c> (ConsentRegistry).</summary>
public sealed class ConsentNonceUsedException : ContractRevertException
{
    internal ConsentNonceUsedException(ContractError error)
        : base(1239, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>enterprise</c> argument.</summary>
    public EthAddress Enterprise => Error!.Address(0);

    /// <summary>The error's <c>nonce</c> argument.</summary>
    public BigInteger Nonce => Error!.Number(1);

    private static string Describe(ContractError e) =>
        $"Nonce {Num(e.Number(1))} of enterprise {e.Address(0)} was already used or cancelled, and each signature can be submitted once. If it was this very consent, it is already granted; otherwise have the enterprise sign with a new nonce.";
}

/// <summary>LEDGER-1240: <c>ConsentEnterpriseNotBound(address enterprise, bytes32 creditCodeHash)</c> (ConsentRegistry).</summary>
public sealed class ConsentEnterpriseNotBoundException : ContractRevertException
{
    internal ConsentEnterpriseNotBoundException(ContractError error)
        : base(1240, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>enterprise</c> argument.</summary>
    public EthAddress Enterprise => Error!.Address(0);

    /// <summary>The error's <c>creditCodeHash</c> argument.</summary>
    public EnterpriseHash CreditCodeHash => new EnterpriseHash(Error!.Hash(1));

    private static string Describe(ContractError e) =>
        $"Enterprise account {e.Address(0)} is not bound to credit-code hash {Abbreviate(e.Hash(1))}; the enterprise must sign its binding and the tax bureau relay it (ledger tax bind) before the enterprise can consent.";
}

/// <summary>LEDGER-1240: <c>ConsentCreditCodeNotBound(bytes32 creditCodeHash)</c> (ConsentRegistry).</summary>
public sealed class ConsentCreditCodeNotBoundException : ContractRevertException
{
    internal ConsentCreditCodeNotBoundException(ContractError error)
        : base(1240, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>creditCodeHash</c> argument.</summary>
    public EnterpriseHash CreditCodeHash => new EnterpriseHash(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Credit-code hash {Abbreviate(e.Hash(0))} has no active account, so there is no key to rotate; bind the enterprise's account instead (ledger tax bind).";
}

/// <summary>LEDGER-1241: <c>ConsentEnterpriseAlreadyBound(address enterprise, bytes32 creditCodeHash)</c> (ConsentRegistry).</summary>
public sealed class ConsentEnterpriseAlreadyBoundException : ContractRevertException
{
    internal ConsentEnterpriseAlreadyBoundException(ContractError error)
        : base(1241, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>enterprise</c> argument.</summary>
    public EthAddress Enterprise => Error!.Address(0);

    /// <summary>The error's <c>creditCodeHash</c> argument.</summary>
    public EnterpriseHash CreditCodeHash => new EnterpriseHash(Error!.Hash(1));

    private static string Describe(ContractError e) =>
        $"Enterprise account {e.Address(0)} is already bound (to credit-code hash {Abbreviate(e.Hash(1))}); nothing to do.";
}

/// <summary>LEDGER-1242: <c>ConsentEnterpriseRetired(address enterprise)</c> (ConsentRegistry).</summary>
public sealed class ConsentEnterpriseRetiredException : ContractRevertException
{
    internal ConsentEnterpriseRetiredException(ContractError error)
        : base(1242, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>enterprise</c> argument.</summary>
    public EthAddress Enterprise => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"Enterprise account {e.Address(0)} was unbound (or replaced by a key rotation) and is retired for good, so its old consents stay dead; bind a new account for the enterprise.";
}

/// <summary>LEDGER-1243: <c>ConsentNotEnterprise(bytes32 consentId, address caller)</c> (ConsentRegistry).</summary>
public sealed class ConsentNotEnterpriseException : ContractRevertException
{
    internal ConsentNotEnterpriseException(ContractError error)
        : base(1243, ErrorCategory.PermissionDenied, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>caller</c> argument.</summary>
    public EthAddress Caller => Error!.Address(1);

    private static string Describe(ContractError e) =>
        $"Only the enterprise of consent {Abbreviate(e.Hash(0))} may do this, and {e.Address(1)} is not its account; have the enterprise sign it.";
}

/// <summary>LEDGER-1244: <c>ConsentScopesEmpty()</c> (ConsentRegistry).</summary>
public sealed class ConsentScopesEmptyException : ContractRevertException
{
    internal ConsentScopesEmptyException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        "The consent grants no data scope; name at least one scope and have the enterprise sign again.";
}

/// <summary>LEDGER-1244: <c>ConsentValidityInverted(uint64 validFrom, uint64 validUntil)</c> (ConsentRegistry).</summary>
public sealed class ConsentValidityInvertedException : ContractRevertException
{
    internal ConsentValidityInvertedException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>validFrom</c> argument.</summary>
    public ulong ValidFrom => Error!.UInt64(0);

    /// <summary>The error's <c>validUntil</c> argument.</summary>
    public ulong ValidUntil => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"The consent's validity ends ({Time(e.Number(1))}) no later than it starts ({Time(e.Number(0))}); give a validUntil after validFrom and have the enterprise sign again.";
}

/// <summary>LEDGER-1244: <c>ConsentValidityEnded(uint64 validUntil, uint256 currentTime)</c> (ConsentRegistry).</summary>
public sealed class ConsentValidityEndedException : ContractRevertException
{
    internal ConsentValidityEndedException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>validUntil</c> argument.</summary>
    public ulong ValidUntil => Error!.UInt64(0);

    /// <summary>The error's <c>currentTime</c> argument.</summary>
    public BigInteger CurrentTime => Error!.Number(1);

    private static string Describe(ContractError e) =>
        $"The consent's validity already ended at {Time(e.Number(0))} (the chain's time is {Time(e.Number(1))}); have the enterprise sign terms that end in the future.";
}

/// <summary>LEDGER-1244: <c>ConsentValidityTooLong(uint64 validUntil, uint64 maxValidUntil)</c> (ConsentRegistry).</summary>
public sealed class ConsentValidityTooLongException : ContractRevertException
{
    internal ConsentValidityTooLongException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>validUntil</c> argument.</summary>
    public ulong ValidUntil => Error!.UInt64(0);

    /// <summary>The error's <c>maxValidUntil</c> argument.</summary>
    public ulong MaxValidUntil => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"The consent's validUntil {Num(e.Number(0))} is beyond the latest time the registry stores ({Num(e.Number(1))}); give an earlier end and have the enterprise sign again.";
}

/// <summary>LEDGER-1244: <c>ConsentDataPeriodInverted(uint64 dataFrom, uint64 dataUntil)</c> (ConsentRegistry).</summary>
public sealed class ConsentDataPeriodInvertedException : ContractRevertException
{
    internal ConsentDataPeriodInvertedException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>dataFrom</c> argument.</summary>
    public ulong DataFrom => Error!.UInt64(0);

    /// <summary>The error's <c>dataUntil</c> argument.</summary>
    public ulong DataUntil => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"The consent's data period ends ({Time(e.Number(1))}) before it starts ({Time(e.Number(0))}); give a dataUntil at or after dataFrom and have the enterprise sign again.";
}

/// <summary>LEDGER-1244: <c>ConsentFetchCapZero()</c> (ConsentRegistry).</summary>
public sealed class ConsentFetchCapZeroException : ContractRevertException
{
    internal ConsentFetchCapZeroException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        "The consent's fetch cap is 0, so it would allow no access at all; give a fetch cap of at least 1 and have the enterprise sign again.";
}

/// <summary>LEDGER-1244: <c>ConsentFetchCapTooHigh(uint32 fetchCap, uint32 maxFetchCap)</c> (ConsentRegistry).</summary>
public sealed class ConsentFetchCapTooHighException : ContractRevertException
{
    internal ConsentFetchCapTooHighException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>fetchCap</c> argument.</summary>
    public ulong FetchCap => Error!.UInt64(0);

    /// <summary>The error's <c>maxFetchCap</c> argument.</summary>
    public ulong MaxFetchCap => Error!.UInt64(1);

    private static string Describe(ContractError e) =>
        $"The consent's fetch cap {Num(e.Number(0))} is above the most the registry counts ({Num(e.Number(1))}); give a smaller cap (or a fetch period) and have the enterprise sign again.";
}

/// <summary>LEDGER-1244: <c>ConsentFetchPeriodTooShort(uint32 fetchPeriod, uint64 validFrom, uint64 validUntil)</c> (ConsentRegistry).</summary>
public sealed class ConsentFetchPeriodTooShortException : ContractRevertException
{
    internal ConsentFetchPeriodTooShortException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>fetchPeriod</c> argument.</summary>
    public ulong FetchPeriod => Error!.UInt64(0);

    /// <summary>The error's <c>validFrom</c> argument.</summary>
    public ulong ValidFrom => Error!.UInt64(1);

    /// <summary>The error's <c>validUntil</c> argument.</summary>
    public ulong ValidUntil => Error!.UInt64(2);

    private static string Describe(ContractError e) =>
        $"A fetch period of {Num(e.Number(0))} s is too short for a validity from {Time(e.Number(1))} to {Time(e.Number(2))} (at most 16,777,214 periods fit); give a longer period or a shorter validity and have the enterprise sign again.";
}

/// <summary>LEDGER-1244: <c>ConsentConsumerIsProvider(bytes32 org)</c> (ConsentRegistry).</summary>
public sealed class ConsentConsumerIsProviderException : ContractRevertException
{
    internal ConsentConsumerIsProviderException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>org</c> argument.</summary>
    public OrgId Organization => Error!.Org(0);

    private static string Describe(ContractError e) =>
        $"The consent names {Org(e.Org(0))} as both consumer and provider; the consumer is the bank or guarantor that reads, the provider the tax bureau that serves. Correct the terms and have the enterprise sign again.";
}

/// <summary>LEDGER-1244: <c>ConsentEnterpriseZeroAddress()</c> (ConsentRegistry).</summary>
public sealed class ConsentEnterpriseZeroAddressException : ContractRevertException
{
    internal ConsentEnterpriseZeroAddressException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        "The binding names the zero address as the enterprise account; give the enterprise's real account and have it sign its binding.";
}

/// <summary>LEDGER-1244: <c>ConsentCreditCodeHashInvalid(bytes32 creditCodeHash)</c> (ConsentRegistry).</summary>
public sealed class ConsentCreditCodeHashInvalidException : ContractRevertException
{
    internal ConsentCreditCodeHashInvalidException(ContractError error)
        : base(1244, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>creditCodeHash</c> argument.</summary>
    public Hash32 CreditCodeHash => Error!.Hash(0);

    private static string Describe(ContractError e) =>
        $"{Abbreviate(e.Hash(0))} is not a credit-code hash (zero and 0x…01 are reserved); bind the salted hash of the enterprise's unified social credit code, as the tax node computes it.";
}

/// <summary>LEDGER-1245: <c>ConsentNarrowingWidens(bytes32 consentId)</c> (ConsentRegistry).</summary>
public sealed class ConsentNarrowingWidensException : ContractRevertException
{
    internal ConsentNarrowingWidensException(ContractError error)
        : base(1245, ErrorCategory.InvalidArgument, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"A narrowing of consent {Abbreviate(e.Hash(0))} may only remove scopes and shorten validity, and this one widens it; grant a new consent instead.";
}

/// <summary>LEDGER-1246: <c>ConsentOnlyAccessLog(address caller)</c> (ConsentRegistry).</summary>
public sealed class ConsentOnlyAccessLogException : ContractRevertException
{
    internal ConsentOnlyAccessLogException(ContractError error)
        : base(1246, ErrorCategory.Internal, Describe(error), error)
    {
    }

    /// <summary>The error's <c>caller</c> argument.</summary>
    public EthAddress Caller => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"Account {e.Address(0)} tried to count a fetch directly; only the access log contract does that. Record accesses through AccessLog.recordAccess.";
}

/// <summary>LEDGER-1246: <c>ConsentAccessLogAlreadySet(address accessLog)</c> (ConsentRegistry).</summary>
public sealed class ConsentAccessLogAlreadySetException : ContractRevertException
{
    internal ConsentAccessLogAlreadySetException(ContractError error)
        : base(1246, ErrorCategory.Internal, Describe(error), error)
    {
    }

    /// <summary>The error's <c>accessLog</c> argument.</summary>
    public EthAddress AccessLog => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"The consent registry is already wired to access log {e.Address(0)}; the wiring is done once, at deployment.";
}

/// <summary>LEDGER-1246: <c>ConsentAccessLogNotWired(address accessLog)</c> (ConsentRegistry).</summary>
public sealed class ConsentAccessLogNotWiredException : ContractRevertException
{
    internal ConsentAccessLogNotWiredException(ContractError error)
        : base(1246, ErrorCategory.Internal, Describe(error), error)
    {
    }

    /// <summary>The error's <c>accessLog</c> argument.</summary>
    public EthAddress AccessLog => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"{e.Address(0)} is not an access log built for this consent registry (no contract there, or its registry() is another); deploy AccessLog with this registry's address and wire that one.";
}

/// <summary>LEDGER-1246: <c>ConsentNotDeployer(address caller)</c> (ConsentRegistry).</summary>
public sealed class ConsentNotDeployerException : ContractRevertException
{
    internal ConsentNotDeployerException(ContractError error)
        : base(1246, ErrorCategory.Internal, Describe(error), error)
    {
    }

    /// <summary>The error's <c>caller</c> argument.</summary>
    public EthAddress Caller => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"Account {e.Address(0)} is not the registry's deployer, and only the deployer wires the registry at deployment.";
}

/// <summary>LEDGER-1246: <c>InvalidShortString()</c> (ConsentRegistry).</summary>
public sealed class InvalidShortStringException : ContractRevertException
{
    internal InvalidShortStringException(ContractError error)
        : base(1246, ErrorCategory.Internal, Describe(error), error)
    {
    }

    private static string Describe(ContractError _) =>
        $"A short string in the contract's EIP-712 domain is invalid; the deployment is broken, redeploy the contracts.";
}

/// <summary>LEDGER-1246: <c>StringTooLong(string str)</c> (ConsentRegistry).</summary>
public sealed class StringTooLongException : ContractRevertException
{
    internal StringTooLongException(ContractError error)
        : base(1246, ErrorCategory.Internal, Describe(error), error)
    {
    }

    /// <summary>The error's <c>str</c> argument.</summary>
    public string Text => Error!.Text(0);

    private static string Describe(ContractError e) =>
        $"The string \"{e.Text(0)}\" is too long for the contract's EIP-712 domain; the deployment is broken, redeploy the contracts.";
}

/// <summary>LEDGER-1298: <c>ConsentCreditCodeTaken(bytes32 creditCodeHash, address account)</c> (ConsentRegistry).</summary>
public sealed class ConsentCreditCodeTakenException : ContractRevertException
{
    internal ConsentCreditCodeTakenException(ContractError error)
        : base(1298, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>creditCodeHash</c> argument.</summary>
    public EnterpriseHash CreditCodeHash => new EnterpriseHash(Error!.Hash(0));

    /// <summary>The error's <c>account</c> argument.</summary>
    public EthAddress Account => Error!.Address(1);

    private static string Describe(ContractError e) =>
        $"Credit-code hash {Abbreviate(e.Hash(0))} already has an active account, {e.Address(1)}; an enterprise has one account at a time. To replace a lost or compromised key, have the bureau that made the binding rotate it (ledger tax rotate-key) on the new key's signature.";
}

/// <summary>LEDGER-1246: <c>ConsentNoPredecessor()</c> (ConsentRegistry).</summary>
public sealed class ConsentNoPredecessorException : ContractRevertException
{
    internal ConsentNoPredecessorException(ContractError error)
        : base(1246, ErrorCategory.Internal, Describe(error), error)
    {
    }

    private static string Describe(ContractError e) =>
        "This consent registry has no predecessor to import from; its deployer names the previous version's registry (setPredecessor) before bindings and consents are taken over.";
}

/// <summary>LEDGER-1246: <c>ConsentPredecessorAlreadySet(address predecessor)</c> (ConsentRegistry).</summary>
public sealed class ConsentPredecessorAlreadySetException : ContractRevertException
{
    internal ConsentPredecessorAlreadySetException(ContractError error)
        : base(1246, ErrorCategory.Internal, Describe(error), error)
    {
    }

    /// <summary>The error's <c>predecessor</c> argument.</summary>
    public EthAddress Predecessor => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"The registry's predecessor is already {e.Address(0)}; it is named once, at the upgrade.";
}

/// <summary>LEDGER-1246: <c>ConsentPredecessorNotUsable(address predecessor)</c> (ConsentRegistry).</summary>
public sealed class ConsentPredecessorNotUsableException : ContractRevertException
{
    internal ConsentPredecessorNotUsableException(ContractError error)
        : base(1246, ErrorCategory.Internal, Describe(error), error)
    {
    }

    /// <summary>The error's <c>predecessor</c> argument.</summary>
    public EthAddress Predecessor => Error!.Address(0);

    private static string Describe(ContractError e) =>
        $"{e.Address(0)} cannot be this registry's predecessor: it is not a consent registry of the same consortium (or it is this registry). Name the registry of the previous contract version.";
}

/// <summary>LEDGER-1858: <c>ConsentAlreadyImported(bytes32 consentId)</c> (ConsentRegistry).</summary>
public sealed class ConsentAlreadyImportedException : ContractRevertException
{
    internal ConsentAlreadyImportedException(ContractError error)
        : base(1858, ErrorCategory.AlreadyExists, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} is already in this registry; nothing to import.";
}

/// <summary>LEDGER-1859: <c>ConsentNotImportable(bytes32 consentId)</c> (ConsentRegistry).</summary>
public sealed class ConsentNotImportableException : ContractRevertException
{
    internal ConsentNotImportableException(ContractError error)
        : base(1859, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"The predecessor registry has no live consent {Abbreviate(e.Hash(0))} (unknown there, revoked or expired), so it is not taken over; the enterprise grants a new consent if it still wants to.";
}

/// <summary>LEDGER-1860: <c>ConsentRefusedByPredecessor(bytes32 consentId, uint8 status)</c> (ConsentRegistry).</summary>
public sealed class ConsentRefusedByPredecessorException : ContractRevertException
{
    internal ConsentRefusedByPredecessorException(ContractError error)
        : base(1860, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    /// <summary>The error's <c>status</c> argument: the predecessor's access status.</summary>
    public BigInteger Status => Error!.Number(1);

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} was taken over from the previous registry, where the enterprise has since changed it: there it is {AccessStatusName(e.Number(1))}. No data may be served under it; record the change here with syncRevocation if it was revoked.";
}

/// <summary>LEDGER-1861: <c>ConsentNotRevokedByPredecessor(bytes32 consentId)</c> (ConsentRegistry).</summary>
public sealed class ConsentNotRevokedByPredecessorException : ContractRevertException
{
    internal ConsentNotRevokedByPredecessorException(ContractError error)
        : base(1861, ErrorCategory.FailedPrecondition, Describe(error), error)
    {
    }

    /// <summary>The error's <c>consentId</c> argument.</summary>
    public ConsentId ConsentId => new ConsentId(Error!.Hash(0));

    private static string Describe(ContractError e) =>
        $"Consent {Abbreviate(e.Hash(0))} was not taken over from a previous registry, or that registry has not revoked it: there is no revocation to record.";
}
