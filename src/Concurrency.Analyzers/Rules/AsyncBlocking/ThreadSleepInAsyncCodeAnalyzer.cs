using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.AsyncBlocking;

/// <summary>
/// CONC402: <c>Thread.Sleep</c> in an async method, lambda, anonymous method or local function. It
/// blocks the thread the async code runs on; <c>await Task.Delay</c> waits without one.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ThreadSleepInAsyncCodeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.ThreadSleepInAsyncCode);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var thread = start.Compilation.GetTypeByMetadataName(KnownTypes.Bcl.Thread);
            var cancellationToken = start.Compilation.GetTypeByMetadataName(KnownTypes.Bcl.CancellationToken);
            if (thread is null)
            {
                return;
            }

            var hubs = HubCoroutines.For(start.Compilation);
            start.RegisterSyntaxNodeAction(
                node => AnalyzeInvocation(node, thread, cancellationToken, hubs),
                SyntaxKind.InvocationExpression);
        });
    }

    private static void AnalyzeInvocation(SyntaxNodeAnalysisContext context, INamedTypeSymbol thread, INamedTypeSymbol? cancellationToken, HubCoroutines hubs)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            _ => null,
        };
        if (name != "Sleep" || !AsyncCode.IsInAsyncFunctionSyntax(invocation)
            || context.SemanticModel.GetOperation(invocation, context.CancellationToken) is not IInvocationOperation operation
            || !TaskSymbols.Is(operation.TargetMethod.ContainingType, thread)
            || !AsyncCode.IsInAsyncCode(operation, context.ContainingSymbol!)
            || hubs.IsInCoroutine(operation, context.ContainingSymbol))
        {
            return;
        }

        var fix = ThreadSleepInAsyncCodeFixKind.None;
        string? token = null;
        if (operation.Parent is IExpressionStatementOperation or IAnonymousFunctionOperation or IBlockOperation && AsyncCode.CanAwaitAt(operation))
        {
            if (IsYield(operation))
            {
                fix = ThreadSleepInAsyncCodeFixKind.Yield;
            }
            else
            {
                fix = ThreadSleepInAsyncCodeFixKind.Delay;
                token = AsyncCode.TokenInScope(operation, context.ContainingSymbol!, cancellationToken);
            }
        }

        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.ThreadSleepInAsyncCode,
            invocation.GetLocation(),
            new ThreadSleepInAsyncCodeFix(fix, token).ToProperties(),
            fix == ThreadSleepInAsyncCodeFixKind.Yield ? "'await Task.Yield()'" : "'await Task.Delay(...)'"));
    }

    // Thread.Sleep(0) and Thread.Sleep(1) give up the rest of a time slice: in async code that is Task.Yield.
    private static bool IsYield(IInvocationOperation operation) =>
        operation.Arguments.Length == 1
        && operation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: int milliseconds }
        && milliseconds is 0 or 1;
}
