using Concurrency.Analyzers.Model.Workers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Lifecycle;

/// <summary>
/// CONC202: a worker started and joined in the same iteration of a loop — <c>t.Start(); … t.Join();</c>
/// on a BCL or runtime thread or process, <c>Process.Start(…).WaitForExit()</c>, and in synchronous
/// code <c>Task.Run(…).Wait()</c>, <c>.Result</c>, <c>.GetAwaiter().GetResult()</c>. Each worker ends
/// before the next starts, so the loop is serial (course topic 2.7). Reported at the join. A loop
/// that leaves after the join (<c>break</c>, <c>return</c>: a retry loop, one attempt at a time on
/// purpose) is not reported, nor is a join in another loop or after the loop.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SerialStartJoinAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableHashSet<string> JoinNames =
        WorkerApi.NamesOf(WorkerApi.Role.Join).Union(WorkerApi.NamesOf(WorkerApi.Role.Result));

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.SerialStartJoin);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var model = new Workers(start.Compilation);
            start.RegisterSyntaxNodeAction(node => Analyze(node, model), SyntaxKind.SimpleMemberAccessExpression);
        });
    }

    // Every join is a member access: 't.Join()', 'Task.Run(…).Result', '….GetAwaiter().GetResult()'.
    private static void Analyze(SyntaxNodeAnalysisContext context, Workers workers)
    {
        var access = (MemberAccessExpressionSyntax)context.Node;
        if (!JoinNames.Contains(access.Name.Identifier.ValueText) || !IsInLoopSyntax(access))
        {
            return;
        }

        var join = access.Parent is InvocationExpressionSyntax invocation && invocation.Expression == access ? (SyntaxNode)invocation : access;
        var operation = context.SemanticModel.GetOperation(join, context.CancellationToken);
        if (operation is null || context.ContainingSymbol is not { } member || workers.WorkerOf(operation) is not { } worker)
        {
            return;
        }

        var isTask = workers.IsTask(worker.Type);
        if (isTask && AsyncCode.IsInAsyncCode(operation, member))
        {
            return; // CONC401 reports blocking on a task in async code.
        }

        if (InnermostLoop(operation) is not { } loop || !Contains(loop.Body, operation) || !workers.IsStartedIn(loop, worker, operation) || LeavesAfter(loop, operation))
        {
            return;
        }

        var fix = FixFor(context.SemanticModel, loop, operation, worker, isTask, context.CancellationToken);
        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.SerialStartJoin,
            Location.Create(join.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(access.Name.SpanStart, join.Span.End)),
            fix.ToProperties(),
            access.Name.Identifier.ValueText));
    }

    // The cheap pre-check: a loop statement encloses the access inside the same function.
    private static bool IsInLoopSyntax(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax:
                    return true;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax or AccessorDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>The nearest loop around <paramref name="operation"/> in its own function, or null.</summary>
    internal static ILoopOperation? InnermostLoop(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case ILoopOperation loop:
                    return loop;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return null;
            }
        }

        return null;
    }

    private static bool Contains(IOperation? outer, IOperation inner) => outer is not null && outer.Syntax.Span.Contains(inner.Syntax.Span);

    // A retry loop: after the join, the iteration may leave the loop (break, return, yield break), so
    // the next attempt only starts when this one did not do.
    private static bool LeavesAfter(ILoopOperation loop, IOperation join) =>
        loop.Body.Descendants().Any(operation =>
            operation.Syntax.Span.End >= join.Syntax.Span.End
            && operation switch
            {
                IBranchOperation { BranchKind: BranchKind.Break } branch => SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel),
                IReturnOperation => OperationHelpers.EnclosingFunction(operation) == OperationHelpers.EnclosingFunction(join),
                _ => false,
            });

    private static SerialStartJoinFix FixFor(SemanticModel model, ILoopOperation loop, IOperation join, Worker worker, bool isTask, System.Threading.CancellationToken cancellationToken)
    {
        // The join is a statement of its own, in the loop's body, of a loop in a block; parameterless
        // (a timeout or a result is something the iteration uses).
        if (join is not IInvocationOperation { Parent: IExpressionStatementOperation { Syntax: StatementSyntax statement } } call
            || call.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue)
            || !(statement == loop.Body.Syntax || statement.Parent is BlockSyntax block && block == loop.Body.Syntax)
            || loop.Syntax.Parent is not (BlockSyntax or GlobalStatementSyntax)
            || worker.Type is null
            || UsedAfter(loop, join, worker)
            || SharesChangingVariables(model, loop, cancellationToken))
        {
            return SerialStartJoinFix.None;
        }

        return isTask
            ? new SerialStartJoinFix(SerialStartJoinFixKind.WaitAll, "global::" + KnownTypes.Bcl.Task)
            : new SerialStartJoinFix(SerialStartJoinFixKind.JoinEach, worker.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
    }

    // The iteration goes on to use the worker (its exit code, its name, another join) after the join.
    private static bool UsedAfter(ILoopOperation loop, IOperation join, Worker worker) =>
        worker.Local is { } local
        && loop.Body.Descendants().OfType<ILocalReferenceOperation>().Any(
            reference => reference.Syntax.SpanStart >= join.Syntax.Span.End && SymbolEqualityComparer.Default.Equals(reference.Local, local));

    // Joined in the iteration, a lambda that reads a variable the loop changes (a 'for' counter, a
    // local declared before the loop) saw the value of its own iteration; run together, they would
    // all see the last one. Variables declared in the body, and a foreach's, are fresh per iteration.
    private static bool SharesChangingVariables(SemanticModel model, ILoopOperation loop, System.Threading.CancellationToken cancellationToken)
    {
        if (loop.Body.Descendants().OfType<IMethodReferenceOperation>().Any(r => r.Method.MethodKind == MethodKind.LocalFunction && !r.Method.IsStatic)
            || loop.Body.Descendants().OfType<IInvocationOperation>().Any(c => c.TargetMethod.MethodKind == MethodKind.LocalFunction && !c.TargetMethod.IsStatic))
        {
            return true; // what a local function captures is not visible here
        }

        if (!loop.Body.Descendants().Any(o => o is IAnonymousFunctionOperation))
        {
            return false;
        }

        var flow = model.AnalyzeDataFlow(loop.Syntax);
        if (flow is null || !flow.Succeeded)
        {
            return true;
        }

        var iterationVariables = loop is IForEachLoopOperation forEach ? forEach.Locals : ImmutableArray<ILocalSymbol>.Empty;
        var body = loop.Body.Syntax.Span;
        return flow.CapturedInside.Intersect(flow.WrittenInside, SymbolEqualityComparer.Default).Any(symbol =>
            !iterationVariables.Contains(symbol as ILocalSymbol, SymbolEqualityComparer.Default)
            && !symbol.DeclaringSyntaxReferences.Any(reference => body.Contains(reference.Span)));
    }

    /// <summary>The worker a join waits for: the expression, its type, and the local it is read from, if any.</summary>
    private sealed class Worker
    {
        public Worker(IOperation expression)
        {
            Expression = expression;
            Type = expression.Type;
            Local = (expression as ILocalReferenceOperation)?.Local;
        }

        public IOperation Expression { get; }

        public ITypeSymbol? Type { get; }

        public ILocalSymbol? Local { get; }
    }

    /// <summary><see cref="WorkerApi"/> of one compilation, and the start-in-this-iteration search.</summary>
    private sealed class Workers
    {
        private readonly WorkerSymbols _symbols;
        private readonly INamedTypeSymbol? _task;

        public Workers(Compilation compilation)
        {
            _symbols = new WorkerSymbols(compilation);
            _task = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Task);
        }

        public bool IsTask(ITypeSymbol? type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (TaskSymbols.Is(current, _task))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The worker <paramref name="join"/> (a call or a property read) waits for, if it is an instance join or result of a worker.</summary>
        public Worker? WorkerOf(IOperation join)
        {
            if (_symbols.RoleOf(join) is not (WorkerApi.Role.Join or WorkerApi.Role.Result))
            {
                return null;
            }

            var instance = join switch
            {
                IInvocationOperation { TargetMethod.IsStatic: false } call when !IsTask(call.TargetMethod.ReturnType) => call.Instance,
                IPropertyReferenceOperation { Property.IsStatic: false } property => property.Instance,
                _ => null,
            };

            // GetResult is the awaiter's: the worker is the receiver of GetAwaiter().
            if (instance is not null && !IsTask(instance.Type) && Peel(instance) is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaited })
            {
                instance = awaited;
            }

            return instance is null ? null : new Worker(Peel(instance));
        }

        /// <summary>Whether <paramref name="worker"/> was started earlier in the same iteration of <paramref name="loop"/> as <paramref name="join"/>.</summary>
        public bool IsStartedIn(ILoopOperation loop, Worker worker, IOperation join)
        {
            if (StartsAndReturns(worker.Expression))
            {
                return true; // Task.Run(…).Wait(), Process.Start(…).WaitForExit()
            }

            if (worker.Local is not { } local)
            {
                return false;
            }

            foreach (var operation in loop.Body.Descendants())
            {
                if (operation.Syntax.SpanStart >= join.Syntax.SpanStart || InnermostLoop(operation) != loop)
                {
                    continue;
                }

                var started = operation switch
                {
                    IInvocationOperation { TargetMethod.IsStatic: false, Instance: { } instance } call => _symbols.RoleOf(call) == WorkerApi.Role.Start && IsLocal(instance, local),
                    ISimpleAssignmentOperation assignment => IsLocal(assignment.Target, local) && StartsAndReturns(Peel(assignment.Value)),
                    IVariableDeclaratorOperation declarator => SymbolEqualityComparer.Default.Equals(declarator.Symbol, local)
                        && declarator.Initializer is { Value: var value } && StartsAndReturns(Peel(value)),
                    _ => false,
                };
                if (started)
                {
                    return true;
                }
            }

            return false;
        }

        // A call that hands out a running worker: Task.Run, StartNew, the static Process.Start.
        private bool StartsAndReturns(IOperation operation) =>
            operation is IInvocationOperation call
            && _symbols.RoleOf(call) is { } role
            && (role == WorkerApi.Role.Submit && call.Type is not null && IsTask(call.Type) || role == WorkerApi.Role.Start && call.TargetMethod.IsStatic);

        private static bool IsLocal(IOperation operation, ILocalSymbol local) =>
            Peel(operation) is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);

        private static IOperation Peel(IOperation operation)
        {
            while (operation is IConversionOperation { IsImplicit: true } conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }
    }
}
