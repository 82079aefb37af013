using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.AsyncBlocking;

/// <summary>
/// CONC407: async code calls a synchronous method of the compilation that blocks — through
/// <c>Thread.Sleep</c>, a wait on a task, or a blocking call with an async counterpart — directly or
/// through further calls. Reported at the call in the async code, with the chain in the message;
/// not in a <c>catch</c>, on the way to a throw, or on the synchronous side of a dual path.
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

            var options = start.Options.AnalyzerConfigOptionsProvider;
            var counterparts = AsyncCounterparts.For(start.Compilation, symbols, options);
            var summaries = BlockingSummaries.For(start.Compilation, symbols, options);
            var hubs = HubCoroutines.For(start.Compilation);
            start.RegisterSyntaxNodeAction(node => Analyze(node, counterparts, summaries, hubs), SyntaxKind.InvocationExpression);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, AsyncCounterparts asyncCounterparts, BlockingSummaries summaries, HubCoroutines hubs)
    {
        var syntax = (InvocationExpressionSyntax)context.Node;
        if (!AsyncCode.IsInAsyncFunctionSyntax(syntax)
            || context.SemanticModel.GetOperation(syntax, context.CancellationToken) is not IInvocationOperation invocation
            || !AsyncCode.IsInAsyncCode(invocation, context.ContainingSymbol!)
            || OperationHelpers.IsInsideNameOf(invocation)
            || ExceptionPaths.IsExceptionOnly(invocation)
            || DualPath.IsSynchronousSide(invocation, context.ContainingSymbol)
            || AsyncCounterpartExclusions.IsFireAndForget(invocation))
        {
            return;
        }

        if (invocation.TargetMethod.MethodKind == MethodKind.DelegateInvoke)
        {
            if (StoredLambda(invocation, context.CancellationToken) is { } lambda
                && summaries.OfLambda(lambda, context.ContainingSymbol!, context.CancellationToken) is { } lambdaChain)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    RuleDescriptors.BlockingCallThroughMethods,
                    syntax.GetLocation(),
                    new[] { lambdaChain.Location },
                    ImmutableDictionary<string, string?>.Empty,
                    $"{syntax.Expression}()",
                    lambdaChain.PathText,
                    lambdaChain.LocationText));
            }

            return;
        }

        if (!summaries.IsSummarized(invocation.TargetMethod)
            || summaries.Of(invocation.TargetMethod, context.CancellationToken) is not { } chain
            || hubs.IsInCoroutine(invocation, context.ContainingSymbol))
        {
            return; // in a hub coroutine a method of ours that blocks is CONC405's (a stored lambda's call stays here)
        }

        // The fix of CONC403 applies when the callee has an async counterpart.
        var method = invocation.TargetMethod;
        var counterparts = asyncCounterparts.Find(invocation, context.SemanticModel);
        var properties = counterparts.Any
            ? asyncCounterparts.ChooseFix(syntax, invocation, counterparts, context.ContainingSymbol!, out _).ToProperties()
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

    /// <summary>
    /// The synchronous lambda a delegate local holds when it is invoked: declared with the lambda as
    /// its initializer and never assigned again in the member.
    /// </summary>
    private static IAnonymousFunctionOperation? StoredLambda(IInvocationOperation invocation, System.Threading.CancellationToken cancellationToken)
    {
        if (invocation.Instance is not ILocalReferenceOperation { Local: { DeclaringSyntaxReferences.Length: 1 } local }
            || local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } initializer }
            || invocation.SemanticModel?.GetOperation(initializer, cancellationToken) is not { } created)
        {
            return null;
        }

        var lambda = created as IAnonymousFunctionOperation
            ?? (OperationHelpers.WalkDownConversion(created) as IDelegateCreationOperation)?.Target as IAnonymousFunctionOperation;
        var reassigned = OperationHelpers.Root(invocation).Descendants()
            .Any(o => o is IAssignmentOperation { Target: ILocalReferenceOperation target } && SymbolEqualityComparer.Default.Equals(target.Local, local)
                || o is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: ILocalReferenceOperation byRef } && SymbolEqualityComparer.Default.Equals(byRef.Local, local));
        return lambda is { Symbol.IsAsync: false } && !reassigned ? lambda : null;
    }
}
