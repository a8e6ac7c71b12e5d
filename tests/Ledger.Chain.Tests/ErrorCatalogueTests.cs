using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Errors;
using Ledger.Chain.Profiles;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Local;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;
using Nethereum.JsonRpc.Client;
using Newtonsoft.Json.Linq;

namespace Ledger.Chain.Tests;

/// <summary>The catalogue itself, without a chain: every ABI error decodes to its own typed exception and is documented.</summary>
public class ErrorCatalogueTests
{
    private static readonly string ErrorsDoc = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "errors.md"));

    public static TheoryData<string> AllErrorSignatures()
    {
        var data = new TheoryData<string>();
        foreach (var error in LedgerContracts.AllErrors)
        {
            data.Add(error.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllErrorSignatures))]
    public void FromRevertData_EveryAbiError_DecodesToItsOwnTypedExceptionWithACodeInRange(string errorName)
    {
        var abi = LedgerContracts.AllErrors.Single(e => e.Name == errorName);
        var data = Encode(abi);

        var exception = ChainFaults.FromRevertData(data);

        Assert.Equal(errorName + "Exception", exception.GetType().Name);
        Assert.Equal(errorName, exception.Error!.Name);
        var code = int.Parse(exception.Code["LEDGER-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(code is >= 1203 and <= 1299 or >= 1800 and <= 1899, $"{errorName} has code {code}, outside the contract-error ranges 1203–1299 and 1800–1899");
        Assert.False(string.IsNullOrWhiteSpace(exception.Message));
        Assert.DoesNotContain("{", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllErrorSignatures))]
    public void ErrorsDoc_EveryAbiError_IsListedWithItsCode(string errorName)
    {
        var exception = ChainFaults.FromRevertData(Encode(LedgerContracts.AllErrors.Single(e => e.Name == errorName)));
        var line = ErrorsDoc.Split('\n').SingleOrDefault(l => l.Contains($"`{errorName}(", StringComparison.Ordinal));
        Assert.NotNull(line);
        Assert.StartsWith($"| {exception.Code} |", line, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRevertData_ConsentRevokedAt_SaysWhichConsentAndBlockAndWhatToDo()
    {
        var consentId = Hash32.Parse("0x12ab34cd56ef7890000000000000000000000000000000000000000000009934");
        var data = "0x" + Convert.ToHexStringLower(Keccak.Hash("ConsentRevokedAt(bytes32,uint64)").ToArray()[..4])
            + Convert.ToHexStringLower(consentId.ToArray()) + new BigInteger(812).ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

        var exception = Assert.IsType<ConsentRevokedAtException>(ChainFaults.FromRevertData(data));

        Assert.Equal("Consent 0x12ab…9934 was revoked at block 812; ask the enterprise for a new consent.", exception.Message);
        Assert.Equal(new ConsentId(consentId), exception.ConsentId);
        Assert.Equal(812UL, exception.RevokedAtBlock);
        Assert.Equal("LEDGER-1230", exception.Code);
        Assert.Equal(ErrorCategory.FailedPrecondition, exception.Category);
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

        Assert.IsType<MembershipRequiredException>(exception);
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

    [Fact]
    public void Catalogue_EveryTypedException_HasItsOwnClassAndKnownCodes()
    {
        var types = typeof(ContractRevertException).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(ContractRevertException)) && !t.IsAbstract)
            .Select(t => t.Name)
            .ToHashSet();
        foreach (var error in LedgerContracts.AllErrors)
        {
            Assert.Contains(error.Name + "Exception", types);
        }
    }

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
