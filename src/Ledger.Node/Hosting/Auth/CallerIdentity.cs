using Grpc.Core;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Node.Hosting.Auth;

/// <summary>The authenticated caller of a call: the member it acts for, its role, the operator account, the block checked.</summary>
public sealed record CallerIdentity(OrgId Org, Role Role, EthAddress Account, ulong CheckedAtBlock);

/// <summary>An enterprise authenticated by its bound key: its account and the credit-code hash bound to it, at a block.</summary>
public sealed record EnterpriseCaller(EthAddress Account, EnterpriseHash CreditCodeHash, ulong CheckedAtBlock);

/// <summary>Access to the caller the signed-request interceptor established.</summary>
public static class CallerContext
{
    internal const string Key = "ledger.caller";
    internal const string EnterpriseKey = "ledger.enterprise";

    /// <summary>The authenticated caller, or null for an anonymous call of a public method.</summary>
    public static CallerIdentity? Caller(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(Key, out var value) ? value as CallerIdentity : null;
    }

    /// <summary>The authenticated caller (the interceptor guarantees one for non-public methods).</summary>
    public static CallerIdentity RequiredCaller(this ServerCallContext context) =>
        context.Caller() ?? throw new InvalidOperationException($"{context.Method} ran without an authenticated caller; is it in the access policy table?");

    /// <summary>The enterprise the interceptor authenticated (it guarantees one for the enterprise's own methods).</summary>
    public static EnterpriseCaller RequiredEnterprise(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(EnterpriseKey, out var value) && value is EnterpriseCaller caller
            ? caller
            : throw new InvalidOperationException($"{context.Method} ran without an authenticated enterprise; is it an enterprise method in the access policy table?");
    }
}
