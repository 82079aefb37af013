using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Engine;

/// <summary>
/// Code that runs only when something has gone wrong: inside a <c>catch</c> block or exception
/// filter, in the operand of a <c>throw</c>, or in statements that can only go on to a <c>throw</c>
/// (or a call of a throw helper) — the block ends in one and nothing in between returns, breaks or
/// jumps out. Read from the operation's parents, without a control-flow graph: cheap enough to ask
/// for every call, and conservative (any jump out of the block, even one that would throw later,
/// makes the code ordinary again).
/// </summary>
internal static class ExceptionPaths
{
    /// <summary>Whether <paramref name="operation"/> runs only on the way to, or while handling, an exception.</summary>
    public static bool IsExceptionOnly(IOperation operation)
    {
        var current = operation;
        for (var parent = operation.Parent; parent is not null; current = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IThrowOperation:
                    return true;
                case ICatchClauseOperation catchClause when current == catchClause.Handler || current == catchClause.Filter:
                    return true;
                case IBlockOperation block when GoesOnToThrow(block.Operations, current):
                    return true;
                case ISwitchCaseOperation section when GoesOnToThrow(section.Body, current):
                    return true;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether calling <paramref name="method"/> always throws: marked <c>[DoesNotReturn]</c>, or a
    /// source method whose body is <c>=&gt; throw …</c> or ends in a <c>throw</c> with no <c>return</c>.
    /// </summary>
    public static bool IsThrowHelper(IMethodSymbol method)
    {
        method = method.OriginalDefinition;
        if (method.GetAttributes().Any(a => a.AttributeClass?.Name == "DoesNotReturnAttribute"))
        {
            return true;
        }

        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var (body, expression) = reference.GetSyntax() switch
            {
                MethodDeclarationSyntax m => (m.Body, m.ExpressionBody?.Expression),
                LocalFunctionStatementSyntax l => (l.Body, l.ExpressionBody?.Expression),
                _ => (null, null),
            };
            if (expression is ThrowExpressionSyntax
                || (body is { Statements.Count: > 0 } && body.Statements[body.Statements.Count - 1] is ThrowStatementSyntax
                    && !body.DescendantNodes().OfType<ReturnStatementSyntax>().Any()))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The first part of <paramref name="operation"/> that may throw in practice — a call of a method
    /// or a constructor, an await, a throw — or null. <paramref name="ignored"/> calls do not count,
    /// nor do the calls of code whose failures are too rare to ask code to guard against them: the
    /// console, traces and formatting, arithmetic, collections and LINQ, the synchronization and
    /// thread types (<c>System.Threading</c>, not its tasks, whose waits rethrow the work's failure),
    /// and the course runtime's primitives and their subclasses (threads, processes, queues, locks; not its
    /// futures and pools, whose results rethrow the work's failure).
    /// </summary>
    public static IOperation? Thrower(IOperation operation, Func<IOperation, bool> ignored, Compilation compilation)
    {
        foreach (var inner in operation.DescendantsAndSelf())
        {
            switch (inner)
            {
                case IInvocationOperation call when !IsHarmless(call.TargetMethod.ContainingType) && !ignored(call) && !CannotThrow(call, compilation, depth: 0):
                case IObjectCreationOperation creation when !IsHarmless(creation.Type) && !ignored(creation):
                case IAwaitOperation or IThrowOperation or IDynamicInvocationOperation:
                    return inner;
            }
        }

        return null;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, System.Collections.Concurrent.ConcurrentDictionary<IMethodSymbol, bool>> NonThrowing = new();

    // A method of this compilation, not virtual, whose body (and that of the methods it calls, two
    // levels down) calls nothing that may throw: 'private void Add(int x) => Interlocked.Add(ref _total, x);'.
    private static bool CannotThrow(IInvocationOperation call, Compilation compilation, int depth)
    {
        var method = call.TargetMethod.OriginalDefinition;
        if (depth > 2 || method.IsVirtual || method.IsAbstract || method.IsOverride || method.DeclaringSyntaxReferences.IsEmpty
            || !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, compilation.Assembly))
        {
            return false;
        }

        var known = NonThrowing.GetValue(compilation, _ => new System.Collections.Concurrent.ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default));
        return known.GetOrAdd(method, m => OperationHelpers.BodiesOf(m, compilation, System.Threading.CancellationToken.None).All(body =>
            body.DescendantsAndSelf().All(inner => inner switch
            {
                IInvocationOperation nested => IsHarmless(nested.TargetMethod.ContainingType) || CannotThrow(nested, compilation, depth + 1),
                IObjectCreationOperation creation => IsHarmless(creation.Type),
                IAwaitOperation or IThrowOperation or IDynamicInvocationOperation => false,
                _ => true,
            })));
    }

    private static bool IsHarmless(ITypeSymbol? type)
    {
        if (type is null || type.SpecialType is SpecialType.System_Object or SpecialType.System_String or SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Double)
        {
            return true;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            var space = current.ContainingNamespace?.ToDisplayString();
            var harmless = space switch
            {
                "System" => current.Name is "Console" or "Math" or "MathF" or "TimeSpan" or "Environment" or "Convert" or "Guid" or "DateTime" or "DateTimeOffset" or "Random" or "Array" or "Nullable",
                "System.Diagnostics" => current.Name is "Debug" or "Trace" or "Stopwatch",
                "System.Text" => current.Name is "StringBuilder",
                "System.Threading" or "System.Linq" or "System.Collections" or "System.Collections.Generic" or "System.Collections.Concurrent" or "System.Collections.Immutable" => true,
                // The runtime's primitives, but not its futures and pools: Result(), GetException(), a Map's
                // results and an await of a future rethrow what the work threw.
                _ => space is not null && space.StartsWith("Concurrency.Runtime", StringComparison.Ordinal) && space != "Concurrency.Runtime.Futures",
            };
            if (harmless)
            {
                return true;
            }
        }

        return false;
    }

    // The statements from 'current' on end in a throw, and none of them leaves the list another way.
    private static bool GoesOnToThrow(ImmutableArray<IOperation> statements, IOperation current)
    {
        if (statements.IsEmpty || !Throws(statements[statements.Length - 1]))
        {
            return false; // the common case, decided without looking further
        }

        var index = statements.IndexOf(current);
        if (index < 0)
        {
            return false;
        }

        for (var i = index; i < statements.Length - 1; i++)
        {
            if (statements[i].DescendantsAndSelf().Any(o => o is IReturnOperation or IBranchOperation))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Throws(IOperation statement) => statement switch
    {
        IThrowOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IExpressionStatementOperation { Operation: IInvocationOperation call } => IsThrowHelper(call.TargetMethod),
        _ => false,
    };
}
