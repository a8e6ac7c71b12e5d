using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Node.Tests.Guarantor;

/// <summary>Agreement and fund ids derived from references, checked against ethers (keccak256 of the ABI encoding).</summary>
public sealed class ReferenceIdTests
{
    [Fact]
    public void AgreementIdFromReference_MatchesEthersForAChineseReference()
    {
        // ethers: keccak256(abi.encode(keccak256("ledger/agreement/v1"), encodeBytes32String("guarantee.gx"), keccak256(toUtf8Bytes(reference))))
        Assert.Equal(
            Hash32.Parse("0x40eca15e973951b9363e9c753d5790be708b809c4a17e6e31f2d49750a5c0fc1"),
            AgreementId.FromReference(OrgId.FromCode("guarantee.gx"), "GX-2026-总对总-001").Value);
    }

    [Fact]
    public void FundIdFromReference_MatchesEthersAndDependsOnTheRegulator()
    {
        var id = FundId.FromReference(OrgId.FromCode("fund.gx"), "LZ-RCF-2026");
        Assert.Equal(Hash32.Parse("0x3c58d8a07e73731e88daf5aa198b17f3829350e3e8cafae4baed454498b1e591"), id.Value);
        Assert.NotEqual(id, FundId.FromReference(OrgId.FromCode("fund.other"), "LZ-RCF-2026"));
        Assert.Equal(id, FundId.Parse(id.ToString()));
    }
}
