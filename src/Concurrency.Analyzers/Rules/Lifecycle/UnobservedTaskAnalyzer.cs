using Concurrency.Analyzers.Model.Workers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Lifecycle;

/// <summary>
/// CONC204: a task whose completion nobody observes — the <c>join</c> lesson for tasks. A call that
/// returns a <c>Task</c>/<c>ValueTask</c> (<c>Task.Run</c>, <c>StartNew</c>, <c>ContinueWith</c>, an
/// async method) dropped as a statement in synchronous code (in async code the compiler's CS4014
/// says it), or kept in a local that nothing awaits, waits for, returns, stores, passes or captures;
/// a cold <c>new Task(…).Start()</c> dropped; and <c>Task.Factory.StartNew(async …)</c>, whose outer
/// task ends at the lambda's first <c>await</c> unless it is unwrapped. An explicit discard
/// (<c>_ = …</c>) is CONC209's. A runtime <c>Future</c> (<c>executor.Submit(…)</c>) is held to the
/// same rule: read (<c>Result()</c>, <c>GetException()</c>, <c>await</c>), given a callback, or handed on;
/// so are the results of an executor's <c>Map(…)</c>, which submits everything at once.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnobservedTaskAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.UnobservedTask, RuleDescriptors.UnobservedTaskOfAsyncStartNew, RuleDescriptors.UnobservedFuture, RuleDescriptors.UnobservedMapResults);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (TaskObservation.For(start.Compilation) is not { } observation)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeStatement(c, observation), OperationKind.ExpressionStatement);
            start.RegisterOperationAction(c => AnalyzeLocal(c, observation), OperationKind.VariableDeclarator);
            start.RegisterOperationAction(c => AnalyzeStartNew(c, observation), OperationKind.Invocation);
        });
    }

    private static void AnalyzeStatement(OperationAnalysisContext context, TaskObservation observation)
    {
        var statement = (IExpressionStatementOperation)context.Operation;

        // new Task(work).Start(): the task is started and dropped in one go, in any code.
        if (statement.Operation is IInvocationOperation { TargetMethod.Name: "Start", Instance: IObjectCreationOperation created }
            && observation.Tasks.IsTask(created.Type))
        {
            Report(context, created.Syntax, UnobservedTaskFixKind.None, "new " + created.Type!.Name + "(…)");
            return;
        }

        // executor.Map(work, items); — in any code: no compiler warning covers a dropped sequence.
        if (observation.MapCall(statement.Operation) is { } map)
        {
            var canEnumerate = statement.Syntax.Parent is BlockSyntax && !AsyncCode.IsInAsyncCode(statement, context.ContainingSymbol);
            ReportMap(context, statement.Operation is IConditionalAccessOperation mapAccess ? mapAccess.Syntax : map.Syntax, canEnumerate ? UnobservedTaskFixKind.EnumerateResults : UnobservedTaskFixKind.None, map);
            return;
        }

        if (observation.WorkCall(statement.Operation) is not { } call
            || AsyncCode.IsInAsyncCode(statement, context.ContainingSymbol))
        {
            return; // in async code, CS4014 reports a dropped task
        }

        // Waiting at the end is a rewrite of the function's own statements, not of a loop's or a branch's.
        var isFuture = observation.Tasks.IsFuture(call.Type);
        var fix = statement.Parent is IBlockOperation { Parent: IMethodBodyOperation or IAnonymousFunctionOperation or ILocalFunctionOperation }
            && statement.Syntax.Parent is BlockSyntax
                ? (isFuture ? UnobservedTaskFixKind.ResultAtEnd : UnobservedTaskFixKind.WaitAtEnd)
                : UnobservedTaskFixKind.None;
        // x?.SaveAsync() is reported whole: the call alone is the part after '?'.
        Report(context, statement.Operation is IConditionalAccessOperation access ? access.Syntax : call.Syntax, fix, TaskObservation.Name(call), isFuture);
    }

    private static void AnalyzeLocal(OperationAnalysisContext context, TaskObservation observation)
    {
        var declarator = (IVariableDeclaratorOperation)context.Operation;
        var local = declarator.Symbol;
        if (local.Name == "_" || declarator.Initializer?.Value is not { } value)
        {
            return; // 'var _ = …' says "discard": CONC209's
        }

        if (observation.MapCall(value) is { } map)
        {
            if (!TaskObservation.IsObserved(local, OperationHelpers.Root(declarator)))
            {
                ReportMap(context, ((VariableDeclaratorSyntax)declarator.Syntax).Identifier, UnobservedTaskFixKind.None, map);
            }

            return;
        }

        if (!observation.Tasks.IsTaskLikeOrFuture(local.Type))
        {
            return;
        }

        var started = observation.WorkCall(value) is { } call ? TaskObservation.Name(call)
            : value is IObjectCreationOperation created && observation.Tasks.IsTask(created.Type) ? "new " + created.Type!.Name + "(…)"
            : null;
        if (started is null || TaskObservation.IsObserved(local, OperationHelpers.Root(declarator)))
        {
            return;
        }

        var isAsync = AsyncCode.IsInAsyncCode(declarator, context.ContainingSymbol);
        var declaredInFunctionBody = declarator.Syntax.Parent?.Parent is LocalDeclarationStatementSyntax { Parent: BlockSyntax { Parent: BaseMethodDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax } };
        var isFuture = observation.Tasks.IsFuture(local.Type);
        var fix = !declaredInFunctionBody ? UnobservedTaskFixKind.None
            : isAsync ? (AsyncCode.CanAwaitAt(declarator) ? UnobservedTaskFixKind.AwaitAtEnd : UnobservedTaskFixKind.None)
            : isFuture ? UnobservedTaskFixKind.ResultAtEnd
            : UnobservedTaskFixKind.WaitAtEnd;
        Report(context, ((VariableDeclaratorSyntax)declarator.Syntax).Identifier, fix, started, isFuture);
    }

    private static void AnalyzeStartNew(OperationAnalysisContext context, TaskObservation observation)
    {
        var call = (IInvocationOperation)context.Operation;
        if (call.TargetMethod.Name != "StartNew" || !observation.IsStartNewOfAsyncDelegate(call) || TaskObservation.IsUnwrapped(call))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.UnobservedTaskOfAsyncStartNew,
            call.Syntax.GetLocation(),
            new UnobservedTaskFix(UnobservedTaskFixKind.Unwrap).ToProperties(),
            TaskObservation.Name(call)));
    }

    private static void ReportMap(OperationAnalysisContext context, SyntaxNodeOrToken site, UnobservedTaskFixKind fix, IInvocationOperation map) =>
        context.ReportDiagnostic(Diagnostic.Create(RuleDescriptors.UnobservedMapResults, site.GetLocation(), new UnobservedTaskFix(fix).ToProperties(), TaskObservation.Name(map)));

    private static void Report(OperationAnalysisContext context, SyntaxNodeOrToken site, UnobservedTaskFixKind fix, string name, bool isFuture = false) =>
        context.ReportDiagnostic(Diagnostic.Create(
            isFuture ? RuleDescriptors.UnobservedFuture : RuleDescriptors.UnobservedTask,
            site.GetLocation(),
            new UnobservedTaskFix(fix).ToProperties(),
            name));
}
