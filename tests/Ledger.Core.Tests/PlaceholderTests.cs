namespace Ledger.Core.Tests;

public class PlaceholderTests
{
    [Fact]
    public void TestAssemblyIsNamedAfterItsProject() => Assert.EndsWith(".Tests", typeof(PlaceholderTests).Assembly.GetName().Name!, StringComparison.Ordinal);
}
