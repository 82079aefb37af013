using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Concurrency.Runtime.Internal;

/// <summary>Calls a delegate with Python-style positional arguments, rethrowing the target's own exception.</summary>
internal static class DelegateCall
{
    internal static void Invoke(Delegate target, object?[] args)
    {
        try
        {
            target.DynamicInvoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            // Unwrap, so the except hook sees what the target threw, with its original stack trace.
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }
}
