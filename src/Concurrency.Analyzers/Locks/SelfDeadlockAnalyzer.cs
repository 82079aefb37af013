using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Locks;

/// <summary>
/// CONC102: a non-reentrant lock acquired again while the same code path holds it — the course's
/// self-deadlock. Non-reentrant: the runtime's <c>Lock</c>, a <c>SemaphoreSlim</c> created with one
/// slot, a <c>ReaderWriterLockSlim</c> without recursion (it throws instead of hanging). Found
/// inside the regions that hold a lock (<c>using (x.Hold())</c>, <c>using var h = x.Hold();</c>, an
/// acquisition followed by <c>try</c>/<c>finally</c> release), directly or through calls on the same
/// instance (or static calls) to methods of the compilation, up to 5 calls deep.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SelfDeadlockAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: <c>RLock</c> when the lock is a runtime <c>Lock</c> field the fix can make reentrant.</summary>
    public const string FixProperty = "Fix";

    private const int MaxDepth = 5;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.SelfDeadlock);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var locks = new LockSymbols(start.Compilation);
            if (locks.RuntimeLock is null && locks.SemaphoreSlim is null && locks.ReaderWriterLockSlim is null)
            {
                return;
            }

            var analysis = new Analysis(start.Compilation, locks);
            start.RegisterOperationBlockAction(block =>
            {
                foreach (var body in block.OperationBlocks)
                {
                    analysis.AnalyzeBody(body, block.ReportDiagnostic, block.CancellationToken);
                }
            });
        });
    }

    private sealed class Analysis
    {
        private readonly Compilation _compilation;
        private readonly LockSymbols _locks;
        private readonly ConcurrentDictionary<IMethodSymbol, ImmutableDictionary<IFieldSymbol, string>> _acquiredBy = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IFieldSymbol, bool> _nonReentrant = new(SymbolEqualityComparer.Default);

        public Analysis(Compilation compilation, LockSymbols locks)
        {
            _compilation = compilation;
            _locks = locks;
        }

        public void AnalyzeBody(IOperation body, Action<Diagnostic> reportDiagnostic, CancellationToken cancellationToken)
        {
            // A site inside several nested regions of the same lock is reported once.
            var reported = new HashSet<SyntaxNode>();
            void report(Diagnostic diagnostic, SyntaxNode site)
            {
                if (reported.Add(site))
                {
                    reportDiagnostic(diagnostic);
                }
            }

            foreach (var (field, region, acquisition) in HeldRegions(body))
            {
                if (!IsNonReentrant(field, cancellationToken))
                {
                    continue;
                }

                foreach (var operation in RunBy(region))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (operation is not IInvocationOperation call)
                    {
                        continue;
                    }

                    if (_locks.LockExpression(call) is { } again && FieldOf(again) is { } same && SymbolEqualityComparer.Default.Equals(same, field))
                    {
                        report(Create(call.Syntax, field, acquisition, "'" + call.Syntax + "'"), call.Syntax);
                    }
                    else if (IsSameInstanceCall(call) && AcquiredBy(call.TargetMethod, 0, ImmutableHashSet<IMethodSymbol>.Empty.WithComparer(SymbolEqualityComparer.Default), cancellationToken).TryGetValue(field, out var chain))
                    {
                        report(Create(call.Syntax, field, acquisition, $"{call.TargetMethod.Name}() → {chain}"), call.Syntax);
                    }
                }
            }
        }

        private Diagnostic Create(SyntaxNode site, IFieldSymbol field, IOperation acquisition, string how) =>
            Diagnostic.Create(
                RuleDescriptors.SelfDeadlock,
                site.GetLocation(),
                new[] { acquisition.Syntax.GetLocation() },
                ImmutableDictionary<string, string?>.Empty.Add(FixProperty, TaskSymbols.Is(field.Type, _locks.RuntimeLock) ? "RLock" : "None"),
                field.Name,
                how);

        /// <summary>The regions of a body that hold a lock on a field: (field, region, acquisition).</summary>
        private IEnumerable<(IFieldSymbol Field, IOperation Region, IOperation Acquisition)> HeldRegions(IOperation body)
        {
            foreach (var operation in body.Descendants())
            {
                switch (operation)
                {
                    // using (x.Hold()) { ... }
                    case IUsingOperation { Resources: var resource, Body: var region }
                        when Acquisition(resource) is { } taken && FieldOf(taken.Lock) is { } field:
                        yield return (field, region, taken.Call);
                        break;

                    // using var held = x.Hold(); ... rest of the block
                    case IUsingDeclarationOperation { DeclarationGroup: var group, Parent: IBlockOperation block } declaration
                        when Acquisition(group) is { } taken && FieldOf(taken.Lock) is { } field:
                        foreach (var rest in block.Operations.SkipWhile(o => o != declaration).Skip(1))
                        {
                            yield return (field, rest, taken.Call);
                        }

                        break;

                    // x.Acquire(); try { ... } finally { x.Release(); }
                    case IExpressionStatementOperation { Parent: IBlockOperation block } statement
                        when Acquisition(statement.Operation) is { } taken && FieldOf(taken.Lock) is { } field
                            && block.Operations.SkipWhile(o => o != statement).Skip(1).FirstOrDefault() is ITryOperation { Finally: not null } guarded:
                        yield return (field, guarded.Body, taken.Call);
                        break;
                }
            }
        }

        private (IInvocationOperation Call, IOperation Lock)? Acquisition(IOperation operation)
        {
            foreach (var candidate in operation.DescendantsAndSelf())
            {
                if (candidate is IInvocationOperation call && _locks.LockExpression(call) is { } locked)
                {
                    return (call, locked);
                }
            }

            return null;
        }

        private static IFieldSymbol? FieldOf(IOperation operation) =>
            OperationHelpers.WalkDownConversion(operation) is IFieldReferenceOperation reference
            && (reference.Field.IsStatic || reference.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
                ? reference.Field.OriginalDefinition
                : null;

        // this.M(), M(), or a static call: the same instance's locks (another instance's would be another lock).
        private static bool IsSameInstanceCall(IInvocationOperation call) =>
            call.TargetMethod.IsStatic || call.Instance is null or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

        /// <summary>The non-reentrant locks (fields) a method takes, each with the chain of calls to where.</summary>
        private ImmutableDictionary<IFieldSymbol, string> AcquiredBy(IMethodSymbol method, int depth, ImmutableHashSet<IMethodSymbol> inProgress, CancellationToken cancellationToken)
        {
            method = method.OriginalDefinition;
            if (_acquiredBy.TryGetValue(method, out var known))
            {
                return known;
            }

            var empty = ImmutableDictionary<IFieldSymbol, string>.Empty.WithComparers(SymbolEqualityComparer.Default);
            if (depth > MaxDepth || inProgress.Contains(method) || method.DeclaringSyntaxReferences.Length == 0
                || !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly))
            {
                return empty;
            }

            var result = empty;
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax(cancellationToken);
                var body = declaration switch
                {
                    BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                    LocalFunctionStatementSyntax l => (SyntaxNode?)l.Body ?? l.ExpressionBody,
                    AccessorDeclarationSyntax a => (SyntaxNode?)a.Body ?? a.ExpressionBody,
                    _ => null,
                };
#pragma warning disable RS1030 // Interprocedural: the callee may be declared in another file.
                if (body is null || _compilation.GetSemanticModel(body.SyntaxTree).GetOperation(body, cancellationToken) is not { } operation)
#pragma warning restore RS1030
                {
                    continue;
                }

                foreach (var call in RunBy(operation).OfType<IInvocationOperation>())
                {
                    if (_locks.LockExpression(call) is { } locked && FieldOf(locked) is { } field && !result.ContainsKey(field))
                    {
                        var line = call.Syntax.GetLocation().GetLineSpan();
                        result = result.Add(field, $"{call.Syntax} ({System.IO.Path.GetFileName(line.Path)}:{line.StartLinePosition.Line + 1})");
                    }
                    else if (IsSameInstanceCall(call))
                    {
                        foreach (var pair in AcquiredBy(call.TargetMethod, depth + 1, inProgress.Add(method), cancellationToken))
                        {
                            if (!result.ContainsKey(pair.Key))
                            {
                                result = result.Add(pair.Key, $"{call.TargetMethod.Name}() → {pair.Value}");
                            }
                        }
                    }
                }
            }

            if (inProgress.IsEmpty)
            {
                _acquiredBy.TryAdd(method, result);
            }

            return result;
        }

        // What a region runs itself: not the bodies of lambdas or local functions it only creates.
        private static IEnumerable<IOperation> RunBy(IOperation root)
        {
            var stack = new Stack<IOperation>();
            stack.Push(root);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                yield return current;
                foreach (var child in current.ChildOperations.Reverse())
                {
                    if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                    {
                        stack.Push(child);
                    }
                }
            }
        }

        /// <summary>
        /// The runtime's Lock; a SemaphoreSlim created with one free slot; a ReaderWriterLockSlim
        /// created without LockRecursionPolicy.SupportsRecursion.
        /// </summary>
        private bool IsNonReentrant(IFieldSymbol field, CancellationToken cancellationToken) => _nonReentrant.GetOrAdd(field, f =>
        {
            if (TaskSymbols.Is(f.Type, _locks.RuntimeLock))
            {
                return true;
            }

            var initializer = f.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<VariableDeclaratorSyntax>()
                .Select(v => v.Initializer?.Value).FirstOrDefault(v => v is not null);
            var arguments = initializer switch
            {
                ObjectCreationExpressionSyntax creation => creation.ArgumentList?.Arguments,
                ImplicitObjectCreationExpressionSyntax creation => creation.ArgumentList.Arguments,
                _ => null,
            };
            if (arguments is null)
            {
                return false;
            }

            if (TaskSymbols.Is(f.Type, _locks.SemaphoreSlim))
            {
                return arguments.Value.Count >= 1 && arguments.Value[0].Expression is LiteralExpressionSyntax { Token.ValueText: "1" };
            }

            return TaskSymbols.Is(f.Type, _locks.ReaderWriterLockSlim)
                && !arguments.Value.Any(a => a.Expression.ToString().EndsWith("SupportsRecursion", StringComparison.Ordinal));
        });
    }
}
