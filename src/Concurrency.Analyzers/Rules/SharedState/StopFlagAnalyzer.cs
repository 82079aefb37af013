using System.Collections.Concurrent;
using System.Threading;
using Concurrency.Analyzers.Model.SharedState;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.SharedState;

/// <summary>
/// CONC306: a stop flag that may never be seen (course topic 3.x, threads: there is no GIL, and the
/// JIT may read a non-volatile field once for a whole loop). A non-<c>volatile</c> <c>bool</c> or enum
/// field of the compilation, polled by a loop — read in its condition, or in the condition of an
/// <c>if</c> in its body that breaks out of it or returns — in one function, and written in another,
/// where one of the two runs in a concurrent context (<see cref="ConcurrentContexts"/>; the starter of
/// the poller's entry point is then the usual writer). Reported at the polling read (one per loop and
/// field), with the first such write as the additional location; at compilation end, since the
/// write may be anywhere. Not reported: <c>volatile</c>, <c>readonly</c> and <c>const</c> fields;
/// reads through <c>Volatile.Read</c> or <c>Interlocked</c>; a read and write that hold a common lock
/// (<see cref="HeldLocks"/>); writes in the type's constructors and initializers; a loop that runs a
/// full fence or a wait the JIT cannot see through (<see cref="IsFenced"/>); locals, parameters and
/// properties of other code (<c>CancellationToken.IsCancellationRequested</c>); fields of other types
/// (ints are CONC301's).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StopFlagAnalyzer : DiagnosticAnalyzer
{
    /// <summary>How many calls deep a source method called in the loop is searched for a fence.</summary>
    private const int FenceDepth = 3;

    // The waits and lock operations of the threading namespaces, the runtime's included (Queue.Get, Lock.Acquire, Event.Wait, x.Hold()).
    private static readonly HashSet<string> WaitNames = new(StringComparer.Ordinal)
    {
        "Wait", "WaitOne", "WaitAll", "WaitAny", "SignalAndWait", "WaitFor", "Join", "Acquire", "Release", "Hold", "Enter", "TryEnter", "Exit", "Set", "Get", "Take", "TryTake",
    };

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.StopFlag);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var accesses = new ConcurrentBag<Access>();
            var fences = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);
            start.RegisterOperationAction(operation => Collect(operation, accesses), OperationKind.FieldReference);
            start.RegisterCompilationEndAction(end => Report(end, accesses, fences));
        });
    }

    private static void Collect(OperationAnalysisContext context, ConcurrentBag<Access> accesses)
    {
        var reference = (IFieldReferenceOperation)context.Operation;
        var field = reference.Field.OriginalDefinition;
        if (field.IsConst || field.IsReadOnly || field.IsVolatile || field.IsImplicitlyDeclared
            || field.Type is not ({ SpecialType: SpecialType.System_Boolean } or { TypeKind: TypeKind.Enum })
            || !field.Locations.Any(l => l.IsInSource)
            || OperationHelpers.IsInsideNameOf(reference))
        {
            return;
        }

        var byReference = reference.Parent is IArgumentOperation { Parameter.RefKind: not RefKind.None } && !IsInterlocked(reference);
        if (FieldAccesses.IsWrite(reference))
        {
            if (!FieldAccesses.IsInitialization(reference, context.ContainingSymbol, field))
            {
                accesses.Add(new Access(reference, context.ContainingSymbol, field, loop: null, byReference));
            }
        }
        else if (byReference || FieldAccesses.IsAtomic(reference))
        {
            // Volatile.Read(ref _stop), Interlocked.CompareExchange(ref _state, …): not a plain read; kept to tell the fixer.
            accesses.Add(new Access(reference, context.ContainingSymbol, field, loop: null, byReference, isWrite: false));
        }
        else if (PolledBy(reference) is { } loop)
        {
            accesses.Add(new Access(reference, context.ContainingSymbol, field, loop, byReference: false, isWrite: false));
        }
    }

    private static void Report(CompilationAnalysisContext context, ConcurrentBag<Access> accesses, ConcurrentDictionary<IMethodSymbol, bool> fences)
    {
        var contexts = ConcurrentContexts.For(context.Compilation);
        var held = HeldLocks.For(context.Compilation);
        var byReference = new HashSet<IFieldSymbol>(accesses.Where(a => a.ByReference).Select(a => a.Field), SymbolEqualityComparer.Default);
        foreach (var byField in accesses.GroupBy(a => a.Field, SymbolEqualityComparer.Default))
        {
            var field = (IFieldSymbol)byField.Key!;
            var all = byField.OrderBy(a => a.Operation.Syntax.SyntaxTree.FilePath, StringComparer.Ordinal).ThenBy(a => a.Operation.Syntax.SpanStart).ToList();
            var writes = all.Where(a => a.IsWrite).ToList();
            var polls = all.Where(a => a.Loop is not null).ToList();
            if (writes.Count == 0 || polls.Count == 0)
            {
                continue;
            }

            var fix = new StopFlagFix(FixFor(field, byReference));
            var loops = new HashSet<IOperation>();
            foreach (var poll in polls)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (!loops.Add(poll.Loop!) || IsFenced(poll.Loop!, context.Compilation, fences, context.CancellationToken))
                {
                    continue;
                }

                var pollContext = contexts.Of(poll.Operation, poll.Member);
                var pollLocks = held.HeldAt(poll.Operation, context.CancellationToken);
                foreach (var write in writes)
                {
                    if (write.Function == poll.Function)
                    {
                        continue;
                    }

                    var writeContext = contexts.Of(write.Operation, write.Member);
                    if ((pollContext is null && writeContext is null)
                        || (pollLocks.Count > 0 && pollLocks.Overlaps(held.HeldAt(write.Operation, context.CancellationToken))))
                    {
                        continue;
                    }

                    context.ReportDiagnostic(Diagnostic.Create(
                        RuleDescriptors.StopFlag,
                        poll.Operation.Syntax.GetLocation(),
                        new[] { write.Operation.Syntax.GetLocation() },
                        fix.ToProperties(),
                        field.Name,
                        FunctionName(poll),
                        How(pollContext),
                        FunctionName(write),
                        How(writeContext)));
                    break;
                }
            }
        }
    }

    // The loop that polls the field read at 'reference': the innermost loop of its function whose
    // condition holds the read, or whose body holds it in the condition of an if that leaves the loop.
    private static ILoopOperation? PolledBy(IFieldReferenceOperation reference)
    {
        IConditionalOperation? check = null;
        var child = (IOperation)reference;
        for (var parent = reference.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return null;
                case IConditionalOperation conditional when check is null && conditional.Condition == child:
                    check = conditional;
                    break;
                case IWhileLoopOperation loop when loop.Condition == child:
                    return loop;
                case IForLoopOperation loop when loop.Condition == child:
                    return loop;
                case ILoopOperation loop when loop.Body == child:
                    return check is not null && Leaves(check, loop) ? loop : null;
                case ILoopOperation:
                    return null; // the loop's other parts: a for loop's before and after, a foreach's collection
            }
        }

        return null;
    }

    // Whether a branch of the if breaks out of the loop or returns (not into a nested function, nor out of a nested loop only).
    private static bool Leaves(IConditionalOperation check, ILoopOperation loop) =>
        new[] { check.WhenTrue, check.WhenFalse }.OfType<IOperation>()
            .SelectMany(branch => branch.DescendantsAndSelf())
            .Any(o => o is IReturnOperation { Kind: OperationKind.Return or OperationKind.YieldBreak } && OperationHelpers.EnclosingFunction(o) == OperationHelpers.EnclosingFunction(loop)
                || o is IBranchOperation { BranchKind: BranchKind.Break } branch && SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel));

    /// <summary>
    /// Whether the loop runs a full fence, or a wait or lock the JIT cannot see through, in every
    /// iteration that may run: a <c>lock</c>, an <c>await</c>, <c>Thread.MemoryBarrier</c>,
    /// <c>Thread.Sleep</c>/<c>Join</c>, any <c>Interlocked</c> or <c>Monitor</c> call,
    /// <c>Volatile.Read</c>, a wait or lock operation of the threading namespaces
    /// (<c>WaitOne</c>, <c>SemaphoreSlim.Wait</c>, the runtime's <c>Acquire</c>, <c>Hold</c>, <c>Get</c>…),
    /// or a source method that does, up to <see cref="FenceDepth"/> calls deep. Each is a memory barrier
    /// by the .NET memory model, so the field is read again after it. Other calls are not counted: that
    /// the JIT does not inline them is not a guarantee (<c>Thread.SpinWait</c>, <c>Console.WriteLine</c>).
    /// </summary>
    private static bool IsFenced(IOperation loop, Compilation compilation, ConcurrentDictionary<IMethodSymbol, bool> fences, CancellationToken cancellationToken) =>
        HasFence(loop, compilation, fences, FenceDepth, cancellationToken);

    private static bool HasFence(IOperation root, Compilation compilation, ConcurrentDictionary<IMethodSymbol, bool> fences, int depth, CancellationToken cancellationToken)
    {
        foreach (var operation in OwnOperations(root))
        {
            switch (operation)
            {
                case ILockOperation or IAwaitOperation:
                    return true;
                case IInvocationOperation call when IsFenceCall(call.TargetMethod):
                    return true;
                case IInvocationOperation call when depth > 0 && call.TargetMethod.OriginalDefinition is { IsAbstract: false } callee && callee.Locations.Any(l => l.IsInSource):
                    if (fences.TryGetValue(callee, out var known) ? known : Summarize(callee, compilation, fences, depth, cancellationToken))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    // A source method's fence, memoized; in progress counts as none (a recursive call adds nothing).
    private static bool Summarize(IMethodSymbol callee, Compilation compilation, ConcurrentDictionary<IMethodSymbol, bool> fences, int depth, CancellationToken cancellationToken)
    {
        fences.TryAdd(callee, false);
        var fenced = OperationHelpers.BodiesOf(callee, compilation, cancellationToken).Any(body => HasFence(body, compilation, fences, depth - 1, cancellationToken));
        if (fenced || depth == FenceDepth)
        {
            fences[callee] = fenced;
        }
        else
        {
            fences.TryRemove(callee, out _); // looked at less deep than a loop would: not the final answer
        }

        return fenced;
    }

    // The operations of a body or loop, without the lambdas and local functions declared in it (run at another time).
    private static IEnumerable<IOperation> OwnOperations(IOperation root)
    {
        var pending = new Stack<IOperation>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            yield return operation;
            foreach (var child in operation.ChildOperations)
            {
                if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                {
                    pending.Push(child);
                }
            }
        }
    }

    private static bool IsFenceCall(IMethodSymbol method)
    {
        var type = method.ContainingType;
        var space = type?.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        if (space == "System.Threading")
        {
            switch (type!.Name)
            {
                case "Interlocked" or "Monitor":
                    return true;
                case "Volatile":
                    return method.Name == "Read";
                case "Thread" when method.Name is "MemoryBarrier" or "Sleep" or "VolatileRead":
                    return true;
            }
        }

        return WaitNames.Contains(method.Name)
            && (space.StartsWith("System.Threading", StringComparison.Ordinal) || space.StartsWith("System.Collections.Concurrent", StringComparison.Ordinal) || space.StartsWith("Concurrency.Runtime", StringComparison.Ordinal));
    }

    private static bool IsInterlocked(IFieldReferenceOperation reference) =>
        reference.Parent is IArgumentOperation { Parent: IInvocationOperation call }
        && call.TargetMethod.ContainingType is { Name: "Interlocked", ContainingNamespace.Name: "Threading" };

    // volatile on the declaration, unless it is not allowed or would not hold for this field (None), or for another field declared with it (Split).
    private static StopFlagFixKind FixFor(IFieldSymbol field, HashSet<IFieldSymbol> byReference)
    {
        if (!VolatileAllowed(field.Type) || byReference.Contains(field))
        {
            return StopFlagFixKind.None;
        }

        var others = field.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax())
            .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax>()
            .SelectMany(d => d.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclarationSyntax declaration ? declaration.Variables.Where(v => v != d) : Enumerable.Empty<Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax>())
            .SelectMany(v => field.ContainingType.GetMembers(v.Identifier.ValueText).OfType<IFieldSymbol>());
        return others.Any(byReference.Contains) ? StopFlagFixKind.Split : StopFlagFixKind.Volatile;
    }

    // volatile takes bool and enums over int and smaller, not over long/ulong (CS0677).
    private static bool VolatileAllowed(ITypeSymbol type) =>
        type is not INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType.SpecialType: SpecialType.System_Int64 or SpecialType.System_UInt64 };

    private static string How(ConcurrentContext? context) => context is null ? string.Empty : " (" + context.Describe() + ")";

    // The function as a message names it: the local function, 'lambda in Main', the member (a property for its accessors).
    private static string FunctionName(Access access)
    {
        var function = OperationHelpers.EnclosingFunction(access.Operation);
        if (function is ILocalFunctionOperation local)
        {
            return local.Symbol.Name;
        }

        var member = access.Member switch
        {
            IMethodSymbol { AssociatedSymbol: IPropertySymbol or IEventSymbol } accessor => accessor.AssociatedSymbol!.Name,
            IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } constructor => constructor.ContainingType.Name,
            IMethodSymbol { Name: "<Main>$" } => "Main",
            { } other => other.Name,
        };
        return function is null ? member : "lambda in " + member;
    }

    private sealed class Access
    {
        public Access(IFieldReferenceOperation operation, ISymbol member, IFieldSymbol field, ILoopOperation? loop, bool byReference, bool isWrite = true)
        {
            Operation = operation;
            Member = member;
            Field = field;
            Loop = loop;
            ByReference = byReference;
            IsWrite = isWrite;
            Function = (OperationHelpers.EnclosingFunction(operation) ?? OperationHelpers.Root(operation)).Syntax;
        }

        public IFieldReferenceOperation Operation { get; }

        /// <summary>The member whose body holds the access (the analysis context's containing symbol).</summary>
        public ISymbol Member { get; }

        public IFieldSymbol Field { get; }

        /// <summary>The loop a polling read polls; null for the other accesses.</summary>
        public ILoopOperation? Loop { get; }

        /// <summary>Passed by reference to something other than <c>Interlocked</c>: declared volatile, it would stop being volatile there (CS0420).</summary>
        public bool ByReference { get; }

        public bool IsWrite { get; }

        /// <summary>The function the access is in: a lambda, a local function, or the member.</summary>
        public SyntaxNode Function { get; }
    }
}
