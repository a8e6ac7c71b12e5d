using System.Numerics;
using System.Reflection;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts.ConsentRegistry.ContractDefinition;
using Ledger.Chain.Errors;
using Ledger.Chain.Profiles;
using Ledger.Chain.Tests.Support;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Local;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.ABI.Model;
using Nethereum.JsonRpc.Client;
using Newtonsoft.Json.Linq;

namespace Ledger.Chain.Tests;

/// <summary>
/// The catalogue itself, without a chain: every ABI error has exactly one line in the table and one in docs/errors.md,
/// decodes to a <see cref="ContractRevertException"/> with that line's code, category and message, and can be told
/// apart through its generated error DTO.
/// </summary>
public class ErrorCatalogueTests
{
    private static readonly string[] ErrorsDoc = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "errors.md")).Split('\n');

    public static TheoryData<string> AllErrorSignatures()
    {
        var data = new TheoryData<string>();
        foreach (var error in LedgerContracts.AllErrors)
        {
            data.Add(error.Name);
        }
        return data;
    }

    /// <summary>Every error DTO the bindings generate (one per contract that declares the error).</summary>
    public static TheoryData<string> AllErrorDtos()
    {
        var data = new TheoryData<string>();
        foreach (var type in ErrorDtoTypes())
        {
            data.Add(type.FullName!);
        }
        return data;
    }

    [Fact]
    public void Catalogue_HasExactlyOneEntryPerAbiError_AndNoEntryForAnErrorNoAbiDeclares()
    {
        var abiNames = LedgerContracts.AllErrors.Select(e => e.Name).ToHashSet();
        var entries = ContractErrorCatalogue.All.Select(e => e.Name).ToList();

        Assert.Empty(entries.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(abiNames.Except(entries));      // an ABI error without a line in the table
        Assert.Empty(entries.Except(abiNames));      // a line for an error no ABI declares
        Assert.Equal(abiNames.Count, ContractErrorCatalogue.Entries.Count);
    }

    [Theory]
    [MemberData(nameof(AllErrorSignatures))]
    public void Catalogue_EveryTemplate_NamesOnlyItsErrorsArgumentsAndKnownFormatters(string errorName)
    {
        var abi = LedgerContracts.AllErrors.Single(e => e.Name == errorName);
        var entry = ContractErrorCatalogue.Find(errorName)!;
        var arguments = abi.InputParameters.Select(p => p.Name).ToHashSet();

        foreach (var placeholder in ContractErrorTemplate.Placeholders(entry.Template))
        {
            Assert.True(arguments.Contains(placeholder.Argument), $"{errorName}'s message names {{{placeholder.Argument}}}, which is not one of its arguments ({string.Join(", ", arguments)})");
            Assert.True(placeholder.Formatter is null || ContractErrorTemplate.Formatters.ContainsKey(placeholder.Formatter),
                $"{errorName}'s message formats {placeholder.Argument} with '{placeholder.Formatter}', which is not a formatter");
        }
        Assert.DoesNotContain("  ", entry.Template, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllErrorSignatures))]
    public void FromRevertData_EveryAbiError_IsAContractRevertExceptionWithItsEntrysCodeCategoryAndMessage(string errorName)
    {
        var abi = LedgerContracts.AllErrors.Single(e => e.Name == errorName);
        var entry = ContractErrorCatalogue.Find(errorName)!;
        var data = Encode(abi);

        var exception = Assert.IsType<ContractRevertException>(ChainFaults.FromRevertData(data));

        Assert.Equal(errorName, exception.ErrorName);
        Assert.Equal(errorName, exception.Error!.Name);
        Assert.Equal(entry.Code, exception.Code);
        Assert.Equal(entry.Category, exception.Category);
        Assert.True(entry.Number is >= 1203 and <= 1299 or >= 1800 and <= 1899, $"{errorName} has code {entry.Number}, outside the contract-error ranges 1203–1299 and 1800–1899");
        Assert.False(string.IsNullOrWhiteSpace(exception.Message));
        Assert.DoesNotContain("{", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("}", exception.Message, StringComparison.Ordinal);
        Assert.Equal(data.ToLowerInvariant(), exception.RevertData);
    }

    [Theory]
    [MemberData(nameof(AllErrorSignatures))]
    public void ErrorsDoc_EveryAbiError_IsListedOnceWithItsCodeStatusAndMessage(string errorName)
    {
        var abi = LedgerContracts.AllErrors.Single(e => e.Name == errorName);
        var entry = ContractErrorCatalogue.Find(errorName)!;
        var signature = $"`{errorName}({string.Join(", ", abi.InputParameters.OrderBy(p => p.Order).Select(p => $"{p.Type} {p.Name}"))})`";

        var line = Assert.Single(ErrorsDoc, l => l.Contains($"`{errorName}(", StringComparison.Ordinal));

        Assert.Equal($"| {entry.Code} | {signature} | {GrpcStatus(entry.Category)} | {ContractErrorTemplate.ForDocs(entry.Template)} |", line.TrimEnd());
    }

    [Fact]
    public void ErrorsDoc_ListsNoContractErrorTheAbisDoNotDeclare()
    {
        var abiNames = LedgerContracts.AllErrors.Select(e => e.Name).ToHashSet();
        var documented = ErrorsDoc
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^\| LEDGER-1[28]\d\d \| `(?<name>\w+)\("))
            .Where(m => m.Success)
            .Select(m => m.Groups["name"].Value)
            .Where(n => n is not "Error" and not "Panic")
            .ToList();
        Assert.NotEmpty(documented);
        Assert.Empty(documented.Except(abiNames));
    }

    [Fact]
    public void GeneratedDtos_CoverEveryAbiError()
    {
        var dtoNames = ErrorDtoTypes().Select(Reverts.NameOf).ToHashSet();
        var withoutDto = LedgerContracts.AllErrors.Select(e => e.Name).Except(dtoNames).ToList();
        Assert.Empty(withoutDto);
    }

    [Theory]
    [MemberData(nameof(AllErrorDtos))]
    public void Is_EveryGeneratedErrorDto_RecognisesItsErrorAndDecodesItsArguments(string dtoTypeName)
    {
        var dtoType = typeof(ContractRevertException).Assembly.GetType(dtoTypeName, throwOnError: true)!;
        var errorName = Reverts.NameOf(dtoType);
        var abi = LedgerContracts.AllErrors.Single(e => e.Name == errorName);
        var exception = ChainFaults.FromRevertData(Encode(abi));
        var other = ChainFaults.FromRevertData(Encode(LedgerContracts.AllErrors.First(e => e.Name != errorName)));

        var (matches, dto) = InvokeIs(exception, dtoType);
        var (otherMatches, otherDto) = InvokeIs(other, dtoType);

        Assert.True(matches, $"{dtoType.Name} does not recognise {errorName}");
        Assert.NotNull(dto);
        foreach (var parameter in abi.InputParameters)
        {
            var property = dtoType.GetProperties().Single(p => p.GetCustomAttribute<ParameterAttribute>(inherit: true)?.Name == parameter.Name);
            Assert.Equal(Normalise(Sample(parameter.Type)), Normalise(property.GetValue(dto)));
        }
        Assert.False(otherMatches);
        Assert.Null(otherDto);
        Assert.False(ChainFaults.FromRevertData("0x").Is<ConsentRevokedAtError>());
    }

    [Fact]
    public void FromRevertData_ConsentRevokedAt_SaysWhichConsentAndBlockAndWhatToDo()
    {
        var consentId = Hash32.Parse("0x12ab34cd56ef7890000000000000000000000000000000000000000000009934");
        var data = "0x" + Convert.ToHexStringLower(Keccak.Hash("ConsentRevokedAt(bytes32,uint64)").ToArray()[..4])
            + Convert.ToHexStringLower(consentId.ToArray()) + new BigInteger(812).ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

        var exception = ChainFaults.FromRevertData(data);

        var revoked = Reverts.Is<ConsentRevokedAtError>("LEDGER-1230", exception);
        Assert.Equal("Consent 0x12ab…9934 was revoked at block 812; ask the enterprise for a new consent.", exception.Message);
        Assert.Equal(new ConsentId(consentId), new ConsentId(new Hash32(revoked.ConsentId)));
        Assert.Equal(812UL, revoked.RevokedAtBlock);
        Assert.Equal(ErrorCategory.FailedPrecondition, exception.Category);
        Assert.False(exception.Is<ConsentExpiredError>(out var expired));
        Assert.Null(expired);
    }

    [Theory]
    [InlineData("GuaranteeOutsideInvitation", new[] { "loan", "4000", "500000", "5000", "800000" },
        "A guarantee of loan 0x12ab…9934 covering 40 % for a fee of 5,000.00 CNY is outside the bank's invitation (at least 50 % coverage, at most 8,000.00 CNY fee); offer terms within it, or ask the bank for a new invitation.")]
    [InlineData("GuaranteeOutsideInvitation", new[] { "loan", "1234", "5", "6170", "123456789" },
        "A guarantee of loan 0x12ab…9934 covering 12.34 % for a fee of 0.05 CNY is outside the bank's invitation (at least 61.7 % coverage, at most 1,234,567.89 CNY fee); offer terms within it, or ask the bank for a new invitation.")]
    [InlineData("MembershipRequired", new[] { "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "2" },
        "Account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is not an operator of an active bank member of the consortium. Send from an operator account of an active member with that role, or ask the governors to admit (or reinstate) the organization.")]
    [InlineData("MembershipRequired", new[] { "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "1" },
        "Account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is not an operator of an active tax bureau member of the consortium. Send from an operator account of an active member with that role, or ask the governors to admit (or reinstate) the organization.")]
    [InlineData("MembershipRequired", new[] { "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "5" },
        "Account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is not an operator of an active regulator member of the consortium. Send from an operator account of an active member with that role, or ask the governors to admit (or reinstate) the organization.")]
    [InlineData("MembershipRequired", new[] { "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "9" },
        "Account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is not an operator of an active role 9 member of the consortium. Send from an operator account of an active member with that role, or ask the governors to admit (or reinstate) the organization.")]
    [InlineData("MembershipRequired", new[] { "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "0" },
        "Account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is not an operator of an active member of the consortium. Send from an operator account of an active member with that role, or ask the governors to admit (or reinstate) the organization.")]
    [InlineData("ConsentExpired", new[] { "loan", "1700000000" },
        "Consent 0x12ab…9934 expired at 2023-11-14 22:13:20 UTC; ask the enterprise for a new consent.")]
    [InlineData("ConsentExpired", new[] { "loan", "253402300800" },
        "Consent 0x12ab…9934 expired at 253402300800; ask the enterprise for a new consent.")]
    [InlineData("ConsortiumInvalidStatus", new[] { "org:bank.ccb", "2" },
        "Member bank.ccb is suspended, which does not allow this change (only an active member can be suspended, only a suspended one reinstated, and a removed one never comes back).")]
    [InlineData("ConsortiumInvalidStatus", new[] { "zero", "9" },
        "Member (none) is status 9, which does not allow this change (only an active member can be suspended, only a suspended one reinstated, and a removed one never comes back).")]
    [InlineData("GuaranteeNotParty", new[] { "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc", "loan", "org:bank.ccb" },
        "Account 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC acts for neither guarantor 0x12ab…9934 nor bank bank.ccb; only the parties may do this.")]
    [InlineData("CompensationProductNotEligible", new[] { "loan", "org:SHUIYIDAI" },
        "Fund 0x12ab…9934 does not cover product SHUIYIDAI; claim on a fund that covers it.")]
    [InlineData("LoanInvalidStatus", new[] { "loan", "4" },
        "Loan 0x12ab…9934 is defaulted, which does not allow this step.")]
    [InlineData("CompensationClaimExists", new[] { "loan", "loan", "3" },
        "Loan 0x12ab…9934 already has a claim at fund 0x12ab…9934 (rejected); a loan has one live claim, and a fund that rejected it takes no second one. Withdraw the open claim first, or claim at another fund.")]
    [InlineData("ConsentRefusedByPredecessor", new[] { "loan", "4" },
        "Consent 0x12ab…9934 was taken over from the previous registry, where the enterprise has since changed it: there it is revoked. No data may be served under it; record the change here with syncRevocation if it was revoked.")]
    [InlineData("ConsentScopeNotGranted", new[] { "loan", "3", "1" },
        "Consent 0x12ab…9934 grants TaxCreditRating but TaxCreditRating, TaxPayments was asked for; ask only for granted scopes, or ask the enterprise for a wider consent.")]
    [InlineData("GovernanceUnknownAction", new[] { "bytes:deadbeef" },
        "The proposed action (selector 0xdeadbeef) is not a governance function of the consortium; encode one of admitMember, suspendMember, reinstateMember, removeMember, changeRole, changeEncryptionKey, changeEndpoint, changeTlsPins, addOperator, removeOperator, addGovernor, removeGovernor, setThreshold or retireEnterprise.")]
    [InlineData("StringTooLong", new[] { "text:Ledger ConsentRegistry" },
        "The string \"Ledger ConsentRegistry\" is too long for the contract's EIP-712 domain; the deployment is broken, redeploy the contracts.")]
    public void Template_Formatters_SayThingsAsPeopleKnowThem(string errorName, string[] arguments, string expected)
    {
        var abi = LedgerContracts.AllErrors.Single(e => e.Name == errorName);
        var values = abi.InputParameters.OrderBy(p => p.Order).Zip(arguments, (p, a) => Value(p.Type, a)).ToArray();
        var data = "0x" + abi.Sha3Signature + Convert.ToHexStringLower(new ParametersEncoder().EncodeParameters(abi.InputParameters, values));

        Assert.Equal(expected, ChainFaults.FromRevertData(data).Message);
    }

    [Fact]
    public void FromRevertData_ErrorString_GivesThePlainRevertWithTheReason()
    {
        var data = "0x08c379a0" + Convert.ToHexStringLower(new ParametersEncoder().EncodeParameters([new Parameter("string", "reason")], "not today"));
        var exception = Assert.IsType<ContractRevertedException>(ChainFaults.FromRevertData(data));
        Assert.Equal("not today", exception.Reason);
        Assert.Equal("LEDGER-1201", exception.Code);
        Assert.Contains("\"not today\"", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRevertData_Panic_GivesThePanicWithItsMeaning()
    {
        var data = "0x4e487b71" + new BigInteger(0x11).ToString("x64", System.Globalization.CultureInfo.InvariantCulture);
        var exception = Assert.IsType<ContractPanicException>(ChainFaults.FromRevertData(data));
        Assert.Equal(17, (int)exception.PanicCode);
        Assert.Contains("overflow", exception.Message, StringComparison.Ordinal);
        Assert.Equal("LEDGER-1202", exception.Code);
    }

    [Fact]
    public void FromRevertData_UnknownSelector_KeepsTheRawDataInTheMessage()
    {
        var exception = ChainFaults.FromRevertData("0xdeadbeef0000000000000000000000000000000000000000000000000000000000000001");
        Assert.IsType<UnknownContractErrorException>(exception);
        Assert.Null(exception.ErrorName);
        Assert.False(exception.Is<ConsentRevokedAtError>());
        Assert.Equal("LEDGER-1200", exception.Code);
        Assert.Contains("0xdeadbeef", exception.Message, StringComparison.Ordinal);
        Assert.Contains("generate-bindings", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRevertData_NoData_IsAPlainRevertWithoutReason()
    {
        var exception = Assert.IsType<ContractRevertedException>(ChainFaults.FromRevertData("0x"));
        Assert.Null(exception.Reason);
        Assert.Contains("without giving a reason", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryGetRevert_HardhatStyleRpcErrorWithNestedData_IsDecoded()
    {
        var abi = LedgerContracts.AllErrors.Single(e => e.Name == "MembershipRequired");
        var data = Encode(abi);
        var rpc = new RpcResponseException(new RpcError(-32603, "Error: VM Exception while processing transaction: reverted with custom error", JObject.FromObject(new { message = "reverted", data })));

        var exception = ChainFaults.TryGetRevert(rpc);

        var error = Reverts.Is<MembershipRequiredError>("LEDGER-1203", exception);
        Assert.Equal(2, error.Role);
    }

    [Fact]
    public void Translate_TransportFault_IsUnavailableNamingTheNode()
    {
        var exception = ChainFaults.Translate(new HttpRequestException("Connection refused"), "http://127.0.0.1:1");
        Assert.IsType<ChainUnavailableException>(exception);
        Assert.Equal("LEDGER-1300", exception.Code);
        Assert.Equal(ErrorCategory.Unavailable, exception.Category);
        Assert.StartsWith("The chain node at http://127.0.0.1:1 cannot be reached", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BlockOutOfRangeError: block height is 147 but requested was 148")]
    [InlineData("Received invalid block tag 148. Latest block number is 147")]
    [InlineData("header not found")]
    public void Translate_ACallAtABlockTheNodeDoesNotHave_IsUnavailableNotARefusedTransaction(string nodeMessage)
    {
        // What an anvil node restarted from an earlier state answers an eth_call at the block the caller had seen.
        var rpc = new RpcResponseException(new RpcError(-32603, nodeMessage));

        var exception = ChainFaults.Translate(rpc, "http://127.0.0.1:1");

        Assert.IsType<ChainUnavailableException>(exception);
        Assert.Equal("LEDGER-1307", exception.Code);
        Assert.Equal(ErrorCategory.Unavailable, exception.Category);
        Assert.Contains(nodeMessage, exception.Message, StringComparison.Ordinal);
        Assert.False(ChainFaults.IsTransient(rpc)); // not retried blindly: the block comes back only when mined again
    }

    private static IEnumerable<Type> ErrorDtoTypes() =>
        typeof(ContractRevertException).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IErrorDTO).IsAssignableFrom(t)
                && t.GetCustomAttribute<ErrorAttribute>(inherit: false) is null && t.GetCustomAttribute<ErrorAttribute>(inherit: true) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    /// <summary>Calls <see cref="ContractRevertException.Is{TError}(out TError)"/> with a DTO type known only at run time.</summary>
    private static (bool Matches, object? Error) InvokeIs(ContractRevertException exception, Type dtoType)
    {
        var method = typeof(ContractRevertException).GetMethods()
            .Single(m => m.Name == nameof(ContractRevertException.Is) && m.GetParameters().Length == 1)
            .MakeGenericMethod(dtoType);
        var arguments = new object?[] { null };
        var matches = (bool)method.Invoke(exception, arguments)!;
        return (matches, arguments[0]);
    }

    private static object? Normalise(object? value) => value switch
    {
        byte[] bytes => Convert.ToHexStringLower(bytes),
        string text => text.ToLowerInvariant(),
        BigInteger number => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value,
    };

    private static string GrpcStatus(ErrorCategory category) => category switch
    {
        ErrorCategory.InvalidArgument => "INVALID_ARGUMENT",
        ErrorCategory.PermissionDenied => "PERMISSION_DENIED",
        ErrorCategory.NotFound => "NOT_FOUND",
        ErrorCategory.AlreadyExists => "ALREADY_EXISTS",
        ErrorCategory.FailedPrecondition => "FAILED_PRECONDITION",
        ErrorCategory.Unavailable => "UNAVAILABLE",
        ErrorCategory.Tampered => "DATA_LOSS",
        ErrorCategory.Internal => "INTERNAL",
        _ => category.ToString(),
    };

    /// <summary>A value for the formatter cases: "loan" (a fixed hash), "zero", "org:code", "bytes:hex", "text:…", an address, or a number.</summary>
    private static object Value(string type, string text) => text switch
    {
        "loan" => Hash32.Parse("0x12ab34cd56ef7890000000000000000000000000000000000000000000009934").ToArray(),
        "zero" => new byte[32],
        _ when text.StartsWith("org:", StringComparison.Ordinal) => OrgId.FromCode(text[4..]).Value.ToArray(),
        _ when text.StartsWith("bytes:", StringComparison.Ordinal) => Convert.FromHexString(text[6..]),
        _ when text.StartsWith("text:", StringComparison.Ordinal) => text[5..],
        _ when type == "address" => text,
        _ => BigInteger.Parse(text, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The error's selector and sample arguments, ABI-encoded.</summary>
    internal static string Encode(ErrorABI abi)
    {
        var values = abi.InputParameters.Select(p => Sample(p.Type)).ToArray();
        var encoded = new ParametersEncoder().EncodeParameters(abi.InputParameters, values);
        return "0x" + abi.Sha3Signature + Convert.ToHexStringLower(encoded);
    }

    private static object Sample(string type) => type switch
    {
        "address" => "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "bytes32" => OrgId.FromCode("bank.ccb").Value.ToArray(),
        "bytes4" => new byte[] { 0xde, 0xad, 0xbe, 0xef },
        "bytes" => new byte[] { 0x04, 0x01 },
        "string" => "validUntil is before validFrom",
        "bool" => true,
        "uint8" => new BigInteger(2),
        "uint16" => new BigInteger(3000),
        _ when type.StartsWith("uint", StringComparison.Ordinal) => new BigInteger(1_700_000_000),
        _ => throw new NotSupportedException(type),
    };
}
