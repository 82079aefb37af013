using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// The locks a method takes on its own instance — fields of this instance, or static ones — itself or
/// through calls on the same instance, static calls, and the accessors of its own properties and
/// indexers, each with the chain to where (<c>Count() → _gate.Wait() (Inventory.cs:15)</c>): CONC102's
/// question "does this call take the lock I hold again?", answered by the shared summary engine, one
/// per compilation.
/// </summary>
internal sealed class InstanceLockSummaries
{
    private static readonly ConditionalWeakTable<Compilation, InstanceLockSummaries> PerCompilation = new();

    private readonly Compilation _compilation;
    private readonly CallTargets _targets;
    private readonly LockIdentity _identity;
    private readonly SynchronousCallbacks _callbacks;
    private readonly CallGraphSummaries<LockId> _summaries;

    private InstanceLockSummaries(Compilation compilation)
    {
        _compilation = compilation;
        _targets = CallTargets.For(compilation);
        _identity = new LockIdentity(LockSymbols.For(compilation));
        _callbacks = SynchronousCallbacks.For(compilation);
        // A call on this instance runs the method called: another instance's override would hold another lock.
        _summaries = new CallGraphSummaries<LockId>(Read, (method, _) => new[] { method }, EqualityComparer<LockId>.Default, InstanceCalls.Step);
    }

    public static InstanceLockSummaries For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new InstanceLockSummaries(c));

    /// <summary>The locks <paramref name="method"/> takes on its own instance, with their chains.</summary>
    public MethodSummary<LockId> Of(IMethodSymbol method, CancellationToken cancellationToken) => _summaries.Of(method, cancellationToken);

    private BodyFacts<LockId>? Read(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (!_targets.IsInSource(method))
        {
            return null;
        }

        var facts = new BodyFacts<LockId>();
        foreach (var operation in OperationHelpers.BodiesOf(method, _compilation, cancellationToken).SelectMany(_callbacks.MayRun))
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (operation)
            {
                case ILockOperation lockStatement when LockIdentity.LockOf(lockStatement.LockedValue) is { } locked:
                    var location = lockStatement.Syntax.GetLocation();
                    facts.AddLocal(locked, $"lock ({lockStatement.LockedValue.Syntax}) ({OperationHelpers.Place(location)})", location, lockStatement.Syntax.SpanStart);
                    break;
                case IInvocationOperation call when _identity.LockTaken(call) is { } taken:
                    var site = call.Syntax.GetLocation();
                    facts.AddLocal(taken, $"{call.Syntax} ({OperationHelpers.Place(site)})", site, call.Syntax.SpanStart);
                    break;
                default:
                    foreach (var target in InstanceCalls.SameInstanceCallees(operation))
                    {
                        facts.AddCall(target, operation.Syntax.SpanStart);
                    }

                    break;
            }
        }

        return facts;
    }
}
