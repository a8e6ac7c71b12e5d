using Grpc.Core;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Node.Hosting.Auth;

/// <summary>The authenticated caller of a call: the member it acts for, its role, the operator account, the block checked.</summary>
public sealed record CallerIdentity(OrgId Org, Role Role, EthAddress Account, ulong CheckedAtBlock);

/// <summary>Access to the caller the signed-request interceptor established.</summary>
public static class CallerContext
{
    internal const string Key = "ledger.caller";

    /// <summary>The authenticated caller, or null for an anonymous call of a public method.</summary>
    public static CallerIdentity? Caller(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(Key, out var value) ? value as CallerIdentity : null;
    }

    /// <summary>The authenticated caller (the interceptor guarantees one for non-public methods).</summary>
    public static CallerIdentity RequiredCaller(this ServerCallContext context) =>
        context.Caller() ?? throw new InvalidOperationException($"{context.Method} ran without an authenticated caller; is it in the access policy table?");
}
