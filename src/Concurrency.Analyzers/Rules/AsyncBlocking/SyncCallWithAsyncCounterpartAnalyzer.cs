using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.AsyncBlocking;

/// <summary>
/// CONC403: async code calls a synchronous method <c>M</c> whose receiver's type (bases,
/// interfaces, or an extension in scope) has <c>MAsync</c> with the same parameters, optionally
/// plus a trailing <c>CancellationToken</c>. Found from symbols, not from a list: this covers
/// files, streams, readers and writers, HTTP, databases, sockets, semaphores, processes and the
/// runtime's own queues. Known false friends and the user's <c>excluded_methods</c> are left alone,
/// and so is the synchronous side of the dual-path idiom (<see cref="DualPath"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SyncCallWithAsyncCounterpartAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.SyncCallWithAsyncCounterpart);

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

            var options = start.Options.AnalyzerConfigOptionsProvider;
            var counterparts = AsyncCounterparts.For(start.Compilation, symbols, options);
            var summaries = BlockingSummaries.For(start.Compilation, symbols, options);
            var hubs = HubCoroutines.For(start.Compilation);
            start.RegisterSyntaxNodeAction(node => Analyze(node, symbols, counterparts, summaries, hubs), SyntaxKind.InvocationExpression);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, TaskSymbols symbols, AsyncCounterparts asyncCounterparts, BlockingSummaries summaries, HubCoroutines hubs)
    {
        var syntax = (InvocationExpressionSyntax)context.Node;
        if (!AsyncCode.IsInAsyncFunctionSyntax(syntax)
            || context.SemanticModel.GetOperation(syntax, context.CancellationToken) is not IInvocationOperation invocation
            || symbols.IsTaskLike(invocation.TargetMethod.ContainingType)
            || symbols.IsTaskLike(invocation.Instance?.Type)
            || !AsyncCode.IsInAsyncCode(invocation, context.ContainingSymbol!)
            || OperationHelpers.IsInsideNameOf(invocation)
            || DualPath.IsSynchronousSide(invocation, context.ContainingSymbol))
        {
            return;
        }

        var method = invocation.TargetMethod;
        var counterparts = asyncCounterparts.Find(invocation, context.SemanticModel);
        if (!counterparts.Any)
        {
            return;
        }

        if (asyncCounterparts.IsExcluded(invocation)
            || (summaries.IsSummarized(method) && summaries.Of(method, context.CancellationToken) is not null))
        {
            return; // a method of ours that blocks is CONC407's, with the chain in its message
        }

        if (hubs.IsInCoroutine(invocation, context.ContainingSymbol))
        {
            return; // on a hub's thread the call stalls every coroutine: CONC405's
        }

        var fix = asyncCounterparts.ChooseFix(syntax, invocation, counterparts, context.ContainingSymbol!, out var counterpart);

        var type = (method.ReducedFrom ?? method).ContainingType.Name;
        var counterpartType = (counterpart.ReducedFrom ?? counterpart).ContainingType.Name;
        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.SyncCallWithAsyncCounterpart,
            syntax.GetLocation(),
            fix.ToProperties(),
            $"{type}.{method.Name}",
            $"{counterpartType}.{counterpart.Name}"));
    }
}
