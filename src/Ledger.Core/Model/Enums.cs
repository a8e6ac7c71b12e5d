namespace Ledger.Core.Model;

// Every enum here mirrors the Solidity enum of the same name, value for value.

/// <summary>A consortium member's role (contracts/common/LedgerTypes.sol).</summary>
public enum Role : byte
{
    /// <summary>No role; in queries, "any role".</summary>
    None = 0,
    /// <summary>税务局: holds and serves enterprises' tax data.</summary>
    TaxBureau = 1,
    /// <summary>银行: fetches data under consent and lends.</summary>
    Bank = 2,
    /// <summary>政府性融资担保机构: guarantees loans.</summary>
    Guarantor = 3,
    /// <summary>审计: reads and verifies everything.</summary>
    Auditor = 4,
    /// <summary>监管: runs the risk-compensation fund.</summary>
    Regulator = 5,
}

/// <summary>A member's status; only active members act.</summary>
public enum MemberStatus : byte
{
    /// <summary>Never admitted.</summary>
    None = 0,
    /// <summary>Admitted and acting.</summary>
    Active = 1,
    /// <summary>Suspended by governance; may be reinstated.</summary>
    Suspended = 2,
    /// <summary>Removed for good.</summary>
    Removed = 3,
}

/// <summary>Data scopes an enterprise can authorize (bits of the consent's <c>scopes</c>; bits 7–63 reserved).</summary>
[Flags]
#pragma warning disable CA1711 // "Scopes" is the domain's word
public enum Scopes : ulong
#pragma warning restore CA1711
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>纳税信用等级 by year (A/B/M/C/D).</summary>
    TaxCreditRating = 1UL << 0,
    /// <summary>Tax payments by month and tax type, arrears.</summary>
    TaxPayments = 1UL << 1,
    /// <summary>Invoice (发票) volumes.</summary>
    Invoices = 1UL << 2,
    /// <summary>Social-insurance headcount.</summary>
    SocialInsurance = 1UL << 3,
    /// <summary>Customs records.</summary>
    Customs = 1UL << 4,
    /// <summary>Judicial records.</summary>
    Judicial = 1UL << 5,
    /// <summary>Intellectual property.</summary>
    IntellectualProperty = 1UL << 6,
}

/// <summary>What a loan is for.</summary>
public enum LoanPurpose : byte
{
    /// <summary>流动资金.</summary>
    WorkingCapital = 0,
    /// <summary>研发: gets a fund-flow ledger.</summary>
    RnD = 1,
    /// <summary>设备购置.</summary>
    Equipment = 2,
    /// <summary>贸易.</summary>
    Trade = 3,
    /// <summary>Anything else.</summary>
    Other = 4,
}

/// <summary>A loan's status.</summary>
public enum LoanStatus : byte
{
    /// <summary>No such loan.</summary>
    None = 0,
    /// <summary>Disbursed and current.</summary>
    Active = 1,
    /// <summary>Repayments overdue.</summary>
    Overdue = 2,
    /// <summary>Fully repaid.</summary>
    Repaid = 3,
    /// <summary>Defaulted, with a recorded loss.</summary>
    Defaulted = 4,
}

/// <summary>Where R&amp;D loan money went.</summary>
public enum SpendCategory : byte
{
    /// <summary>R&amp;D staff costs.</summary>
    RnDLabour = 0,
    /// <summary>R&amp;D equipment.</summary>
    RnDEquipment = 1,
    /// <summary>R&amp;D materials.</summary>
    RnDMaterials = 2,
    /// <summary>Outsourced R&amp;D.</summary>
    OutsourcedRnD = 3,
    /// <summary>Anything that is not R&amp;D.</summary>
    NonRnD = 4,
}

/// <summary>What an anchored batch holds.</summary>
public enum BatchKind : byte
{
    /// <summary>Records of several kinds.</summary>
    Mixed = 0,
    /// <summary>Access records.</summary>
    AccessRecords = 1,
    /// <summary>Refusals.</summary>
    Refusals = 2,
    /// <summary>Deletion receipts.</summary>
    DeletionReceipts = 3,
    /// <summary>Fund-flow evidence.</summary>
    FundFlowEvidence = 4,
    /// <summary>Credit decisions.</summary>
    CreditDecisions = 5,
}

/// <summary>The consent registry's answer to "may this access happen now?" (IConsentRegistry.AccessStatus).</summary>
public enum AccessStatus : byte
{
    /// <summary>Allowed.</summary>
    Allowed = 0,
    /// <summary>No consent with that id.</summary>
    UnknownConsent = 1,
    /// <summary>Before validFrom.</summary>
    NotYetValid = 2,
    /// <summary>After validUntil.</summary>
    Expired = 3,
    /// <summary>Revoked by the enterprise.</summary>
    Revoked = 4,
    /// <summary>The consent names another consumer.</summary>
    WrongConsumer = 5,
    /// <summary>The consent names another provider.</summary>
    WrongProvider = 6,
    /// <summary>A requested scope is not granted (or was narrowed out).</summary>
    ScopeNotGranted = 7,
    /// <summary>The fetch cap of the period is used up.</summary>
    FetchCapReached = 8,
    /// <summary>The consumer is not an active bank or guarantor.</summary>
    ConsumerIneligible = 9,
    /// <summary>The provider is not an active tax bureau.</summary>
    ProviderIneligible = 10,
    /// <summary>The enterprise account was retired: unbound, or replaced by a key rotation.</summary>
    EnterpriseUnbound = 11,
}
