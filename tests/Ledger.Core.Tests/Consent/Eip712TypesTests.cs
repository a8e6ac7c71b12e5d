using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ledger.Core.Auth;
using Ledger.Core.Consent;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Core.Tests.Consent;

/// <summary>The one definition of the EIP-712 types (contracts/eip712/types.json) and the encoder that derives from it.</summary>
public partial class Eip712TypesTests
{
    private static readonly Eip712Domain Local = Eip712Domain.ForConsentRegistry(31337, EthAddress.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));

    private static string RepositoryFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ledger.sln")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        return Path.Combine([dir!.FullName, .. parts]);
    }

    [Fact]
    public void EmbeddedDefinition_IsTheRepositoryFile_TypeForType()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(RepositoryFile("contracts", "eip712", "types.json")));
        var types = file.RootElement.GetProperty("types").EnumerateObject().ToList();
        Assert.Equal(types.Select(t => t.Name), Eip712Types.PrimaryTypes);
        foreach (var type in types)
        {
            Assert.Equal(
                type.Value.EnumerateArray().Select(f => (f.GetProperty("name").GetString(), f.GetProperty("type").GetString())),
                Eip712Types.Fields(type.Name).Select(f => ((string?)f.Name, (string?)f.Type)));
        }
    }

    [Fact]
    public void RecordTypes_AreTheDefinitionsRecords_AndEachRecordHashesFromItsStruct()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(RepositoryFile("contracts", "eip712", "types.json")));
        Assert.Equal(file.RootElement.GetProperty("records").EnumerateObject().Select(r => r.Name), Eip712Types.RecordTypes);
        Assert.Equal(
            "AccessRecord(bytes32 consentId,bytes32 provider,bytes32 consumer,uint64 scopes,bytes32 requestHash,bytes32 responseHash,uint64 checkedAtBlock,uint64 servedAtMs,uint64 sequence)",
            Ledger.Core.Records.AccessRecord.LegacyType);
        Assert.EndsWith(",uint64 consentSequence)", Ledger.Core.Records.AccessRecord.Type, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Eip712Types.LegacyStruct("DeletionReceipt"));

        var decision = new Ledger.Core.Records.CreditDecisionRecord(
            new ConsentId(Keccak.Hash("c")), OrgId.FromCode("bank.ccb"), new EnterpriseHash(Keccak.Hash("e")), true, 712,
            ProductCode.FromCode("tax-easy"), UInt128.MaxValue, 435, 12, Keccak.Hash("r"), 1_767_225_600_000, 3);
        var byHand = new AbiWords()
            .Bytes32(Keccak.Hash(Ledger.Core.Records.CreditDecisionRecord.Type)).Bytes32(decision.ConsentId.Value).Bytes32(decision.Bank.Value)
            .Bytes32(decision.Enterprise.Value).Bool(true).Number(712UL).Bytes32(decision.Product.Value).Number(UInt128.MaxValue).Number(435UL)
            .Number(12UL).Bytes32(decision.ReasonsHash).Number(1_767_225_600_000UL).Number(3UL).Keccak();
        Assert.Equal(byHand, decision.Hash().Value);
        var shown = decision.ToStruct().Message().ToDictionary(m => m.Field.Name, m => m.Value);
        Assert.Equal("true", shown["approved"]);
        Assert.Equal(UInt128.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), shown["limitFen"]);
        Assert.Equal(decision.Bank.Value.ToString(), shown["bank"]);
    }

    [GeneratedRegex("""bytes32 public constant (\w+)_TYPEHASH\s*=\s*keccak256\(\s*((?:"[^"]*"\s*)+)\)""")]
    private static partial Regex TypehashConstant();

    [Fact]
    public void ConsentRegistryTypehashLiterals_AreTheDefinitionsTypeStrings()
    {
        var source = File.ReadAllText(RepositoryFile("contracts", "consent", "ConsentRegistry.sol"));
        var found = TypehashConstant().Matches(source)
            .ToDictionary(m => m.Groups[1].Value, m => string.Concat(Regex.Matches(m.Groups[2].Value, "\"([^\"]*)\"").Select(s => s.Groups[1].Value)));
        Assert.Equal(["BINDING", "CONSENT", "NARROWING", "REVOCATION"], found.Keys.Order());
        Assert.Equal(Eip712Types.TypeString("Consent"), found["CONSENT"]);
        Assert.Equal(Eip712Types.TypeString("Revocation"), found["REVOCATION"]);
        Assert.Equal(Eip712Types.TypeString("Narrowing"), found["NARROWING"]);
        Assert.Equal(Eip712Types.TypeString("Binding"), found["BINDING"]);
    }

    [Fact]
    public void Struct_HashesInTheDefinitionsOrder_WhateverOrderTheFieldsAreSet()
    {
        var id = Keccak.Hash("consent");
        var inOrder = Eip712Types.Struct("Revocation").Set("consentId", id).Set("nonce", 7UL).Set("deadline", new BigInteger(9)).Hash();
        var reversed = Eip712Types.Struct("Revocation").Set("deadline", new BigInteger(9)).Set("nonce", 7UL).Set("consentId", id).Hash();
        var byHand = new AbiWords().Bytes32(Keccak.Hash("Revocation(bytes32 consentId,uint256 nonce,uint256 deadline)")).Bytes32(id).Number(7UL).Number(9UL).Keccak();
        Assert.Equal(byHand, inOrder);
        Assert.Equal(byHand, reversed);
    }

    [Fact]
    public void Struct_UnknownFieldWrongKindOverflowOrMissingField_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => Eip712Types.Struct("Revocation").Set("consentID", Keccak.Hash("x")));
        Assert.Throws<ArgumentException>(() => Eip712Types.Struct("Revocation").Set("consentId", 1UL));
        Assert.Throws<ArgumentOutOfRangeException>(() => Eip712Types.Struct("Consent").Set("purpose", (ulong)uint.MaxValue + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Eip712Types.Struct("Revocation").Set("nonce", BigInteger.MinusOne));
        Assert.Throws<ArgumentOutOfRangeException>(() => Eip712Types.Struct("Revocation").Set("nonce", BigInteger.One << 256));
        var partial = Eip712Types.Struct("Revocation").Set("consentId", Keccak.Hash("x")).Set("nonce", 1UL);
        var missing = Assert.Throws<InvalidOperationException>(() => partial.Hash());
        Assert.Contains("deadline", missing.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Eip712Types.Struct("Loan"));
    }

    [Fact]
    public void DomainSeparator_MatchesTheStandardEncoding()
    {
        var byHand = new AbiWords()
            .Bytes32(Keccak.Hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))
            .Bytes32(Keccak.Hash("Ledger ConsentRegistry"))
            .Bytes32(Keccak.Hash("1"))
            .Number(31337UL)
            .Address(Local.VerifyingContract)
            .Keccak();
        Assert.Equal(byHand, Local.Separator());
        Assert.Equal(("Ledger gRPC", "1"), (SignedRequest.Domain(1, Local.VerifyingContract).Name, SignedRequest.Domain(1, Local.VerifyingContract).Version));
    }

    [Fact]
    public void TypedDataJson_HashedByNethereum_IsTheDigestTheCoreSigns()
    {
        var terms = new ConsentTerms(
            EthAddress.Parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"), new EnterpriseHash(Keccak.Hash("uscc")),
            OrgId.FromCode("bank.ccb"), OrgId.FromCode("tax.liuzhou"), Scopes.TaxCreditRating | Scopes.Invoices, PurposeCodes.CreditAssessment,
            1_767_225_600, 1_775_001_600, 1_672_617_600, 1_767_225_600, 4, 2_592_000, 15_552_000, new BigInteger(ulong.MaxValue) * 3, 1_767_312_000);
        var json = Eip712TypedData.Json(Local, terms.ToStruct());
        var encoded = new Nethereum.Signer.EIP712.Eip712TypedDataSigner().EncodeTypedData(json);
        Assert.Equal(terms.IdIn(Local).Value, Keccak.Hash(encoded));

        var binding = new EnterpriseBinding(terms.Enterprise, terms.CreditCodeHash, terms.Provider, 5, 1_767_312_000);
        var bindingJson = Eip712TypedData.Json(Local, binding.ToStruct());
        Assert.Equal(binding.DigestIn(Local), Keccak.Hash(new Nethereum.Signer.EIP712.Eip712TypedDataSigner().EncodeTypedData(bindingJson)));
        using var parsed = JsonDocument.Parse(bindingJson);
        Assert.Equal(Eip712Types.Fields("Binding").Select(f => f.Name), parsed.RootElement.GetProperty("message").EnumerateObject().Select(p => p.Name));
    }
}
