using Ledger.Core.Model;
using Ledger.Node.Hosting.Auth;

namespace Ledger.Node.Tests.Bank;

/// <summary>Who may call the bank's and the fund-flow services (the access table; no processes).</summary>
public sealed class BankPolicyTests
{
    [Fact]
    public void AccessPolicy_EveryLendingMethod_IsTheBanksOwnOperatorsOnly()
    {
        var lending = Assert.Single(Api.V1.LendingReflection.Descriptor.Services);
        Assert.Equal(17, lending.Methods.Count);
        foreach (var method in lending.Methods)
        {
            var policy = AccessPolicy.For($"/{lending.FullName}/{method.Name}");
            Assert.NotNull(policy);
            Assert.True(policy.OwnOrganizationOnly, method.Name);
            Assert.Equal([Role.Bank], policy.Roles.ToArray());
        }
    }

    [Fact]
    public void AccessPolicy_FundFlow_RecordingByOwnBankOrTaxOperatorsReadingByAnyMember()
    {
        var fundFlow = Api.V1.RiskReflection.Descriptor.Services.Single(s => s.Name == "FundFlow");
        Assert.All(fundFlow.Methods, m => Assert.NotNull(AccessPolicy.For($"/{fundFlow.FullName}/{m.Name}")));
        var record = AccessPolicy.For("/ledger.v1.FundFlow/RecordSpending")!;
        Assert.True(record.OwnOrganizationOnly);
        Assert.Equal([Role.TaxBureau, Role.Bank], record.Roles.Order().ToArray());
        var read = AccessPolicy.For("/ledger.v1.FundFlow/GetFundFlow")!;
        Assert.False(read.OwnOrganizationOnly);
        Assert.Equal(5, read.Roles.Count);
    }
}
