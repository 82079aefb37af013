using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.AsyncBlocking;

/// <summary>
/// CONC407: async code calls a synchronous method of the compilation that blocks — through
/// <c>Thread.Sleep</c>, a wait on a task, or a blocking call with an async counterpart — directly or
/// through further calls. Reported at the call in the async code, with the chain in the message.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingCallThroughMethodsAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.BlockingCallThroughMethods);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (TaskSymbols.Create(start.Compilation) is not { } symbols)
            {
                return;
            }

            var summaries = BlockingSummaries.For(start.Compilation, symbols, start.Options.AnalyzerConfigOptionsProvider);
            start.RegisterSyntaxNodeAction(node => Analyze(node, symbols, summaries), SyntaxKind.InvocationExpression);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, TaskSymbols symbols, BlockingSummaries summaries)
    {
        var syntax = (InvocationExpressionSyntax)context.Node;
        if (!AsyncCode.IsInAsyncFunctionSyntax(syntax)
            || context.SemanticModel.GetOperation(syntax, context.CancellationToken) is not IInvocationOperation invocation
            || !summaries.IsSummarized(invocation.TargetMethod)
            || !AsyncCode.IsInAsyncCode(invocation, context.ContainingSymbol!)
            || OperationHelpers.IsInsideNameOf(invocation)
            || summaries.Of(invocation.TargetMethod, context.CancellationToken) is not { } chain)
        {
            return;
        }

        // The fix of CONC403 applies when the callee has an async counterpart.
        var method = invocation.TargetMethod;
        var counterparts = summaries.Finder.Find(method, invocation.Instance?.Type, context.SemanticModel, syntax.SpanStart, AsyncCounterpartFinder.PassedArguments(invocation));
        var properties = counterparts.Any
            ? SyncCallWithAsyncCounterpartAnalyzer.FixProperties(syntax, invocation, counterparts, context.ContainingSymbol!, symbols, out _)
            : ImmutableDictionary<string, string?>.Empty;

        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.BlockingCallThroughMethods,
            syntax.GetLocation(),
            new[] { chain.Location },
            properties,
            $"{method.Name}()",
            chain.PathText,
            chain.LocationText));
    }
}
