using System.Reflection;
using Ledger.Chain.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Ledger.Chain.Tests.Support;

/// <summary>Asserts that a call reverts with one custom error, and hands back its generated DTO for the arguments.</summary>
internal static class Reverts
{
    /// <summary>
    /// The call throws a <see cref="ContractRevertException"/> for the custom error <typeparamref name="TError"/> (by
    /// name and selector) with the code <paramref name="code"/>; returns the exception and the decoded error.
    /// </summary>
    public static async Task<(ContractRevertException Exception, TError Error)> WithAsync<TError>(string code, Func<Task> call)
        where TError : class, IErrorDTO, new()
    {
        var exception = await Assert.ThrowsAsync<ContractRevertException>(call);
        return (exception, Is<TError>(code, exception));
    }

    /// <summary>
    /// <paramref name="exception"/> is exactly a <see cref="ContractRevertException"/> for <typeparamref name="TError"/>
    /// with the code <paramref name="code"/>; returns the decoded error.
    /// </summary>
    public static TError Is<TError>(string code, Exception? exception)
        where TError : class, IErrorDTO, new()
    {
        var revert = Assert.IsType<ContractRevertException>(exception);
        var name = NameOf<TError>();
        Assert.True(revert.Is<TError>(out var error), $"expected {name}, but the contract reverted with {revert.ErrorName ?? "no custom error"}: {revert.Message}");
        Assert.Equal(name, revert.ErrorName);
        Assert.Equal(code, revert.Code);
        return error;
    }

    /// <summary>The Solidity name a generated error DTO stands for.</summary>
    public static string NameOf<TError>() => NameOf(typeof(TError));

    /// <summary>The Solidity name a generated error DTO stands for.</summary>
    public static string NameOf(Type errorType) =>
        errorType.GetCustomAttribute<ErrorAttribute>(inherit: true)?.Name ?? throw new ArgumentException($"{errorType} has no [Error] attribute", nameof(errorType));

    /// <summary>A bytes32 argument as a hash.</summary>
    public static Hash32 HashOf(byte[] bytes) => new(bytes);

    /// <summary>A bytes32 argument as an organization id.</summary>
    public static OrgId OrgOf(byte[] bytes) => new(new Hash32(bytes));

    /// <summary>An address argument.</summary>
    public static EthAddress AddressOf(string text) => EthAddress.Parse(text.ToLowerInvariant());
}
