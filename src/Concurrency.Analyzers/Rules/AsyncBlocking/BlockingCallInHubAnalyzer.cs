using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.AsyncBlocking;

/// <summary>
/// CONC405: a blocking call in a hub coroutine (<see cref="HubCoroutines"/>: the function given to
/// <c>Hub.Run</c>/<c>Hub.Spawn</c>, async or not). The hub runs every coroutine on one thread, so the
/// call stalls them all: <c>Thread.Sleep</c>, a wait on a task not known complete
/// (<see cref="BlockingWait"/>), a call with an async counterpart (<see cref="AsyncCounterparts"/>:
/// synchronous IO, the runtime queue's <c>Get</c>, <c>HubGreenlet.Join</c>), the waits of
/// <see cref="BlockingApi"/> (locks, events, joins…), or a method of ours that blocks through
/// further calls (<see cref="BlockingSummaries.ForHub"/>, with the chain). Inside a coroutine the
/// async rules CONC401/402/403/407 step aside, so the call gets this diagnostic only.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingCallInHubAnalyzer : DiagnosticAnalyzer
{
    private const string OffTheHub = "'await Task.Run(() => ...)'";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.BlockingCallInHub, RuleDescriptors.BlockingCallInHubThroughMethods);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var hubs = HubCoroutines.For(start.Compilation);
            if (!hubs.HubExists || TaskSymbols.Create(start.Compilation) is not { } symbols)
            {
                return;
            }

            var options = start.Options.AnalyzerConfigOptionsProvider;
            var rule = new Rule(
                hubs,
                symbols,
                AsyncCounterparts.For(start.Compilation, symbols, options),
                BlockingSummaries.ForHub(start.Compilation, symbols, options),
                BlockingApiSymbols.For(start.Compilation),
                start.Compilation.GetTypeByMetadataName(KnownTypes.Bcl.Thread),
                start.Compilation.GetTypeByMetadataName(KnownTypes.Bcl.TimeSpan));
            start.RegisterSyntaxNodeAction(rule.Analyze, SyntaxKind.InvocationExpression, SyntaxKind.SimpleMemberAccessExpression);
        });
    }

    private sealed class Rule
    {
        private readonly HubCoroutines _hubs;
        private readonly TaskSymbols _symbols;
        private readonly AsyncCounterparts _counterparts;
        private readonly BlockingSummaries _summaries;
        private readonly BlockingApiSymbols _api;
        private readonly INamedTypeSymbol? _thread;
        private readonly INamedTypeSymbol? _timeSpan;

        public Rule(HubCoroutines hubs, TaskSymbols symbols, AsyncCounterparts counterparts, BlockingSummaries summaries, BlockingApiSymbols api, INamedTypeSymbol? thread, INamedTypeSymbol? timeSpan)
        {
            _hubs = hubs;
            _symbols = symbols;
            _counterparts = counterparts;
            _summaries = summaries;
            _api = api;
            _thread = thread;
            _timeSpan = timeSpan;
        }

        public void Analyze(SyntaxNodeAnalysisContext context)
        {
            // x.Result is read as a property; every other blocking call is an invocation.
            if (context.Node is MemberAccessExpressionSyntax access
                && (access.Name.Identifier.ValueText != "Result" || access.Parent is InvocationExpressionSyntax call && call.Expression == access))
            {
                return;
            }

            if (!_hubs.MayBeInCoroutine(context.Node)
                || context.SemanticModel.GetOperation(context.Node, context.CancellationToken) is not { } operation
                || operation is not (IInvocationOperation or IPropertyReferenceOperation)
                || OperationHelpers.IsInsideNameOf(operation)
                || _hubs.CoroutineOf(operation, context.ContainingSymbol) is not { } coroutine
                || DualPath.IsSynchronousSide(operation, context.ContainingSymbol))
            {
                return;
            }

            var inAsync = AsyncCode.IsInAsyncCode(operation, context.ContainingSymbol!);
            if (BlockingWait.Classify(operation, _symbols) is { } wait)
            {
                if (!CompletedWaits.IsTriviallyComplete(wait, _symbols) && !new CompletedWaits(_symbols, context.CancellationToken).IsComplete(wait))
                {
                    var fix = new BlockingTaskWaitFix(inAsync && wait.Fix != BlockingTaskWaitFixKind.None && AsyncCode.CanAwaitAt(operation) ? wait.Fix : BlockingTaskWaitFixKind.None);
                    Report(context, fix.ToProperties(), wait.BlockerText, wait.AlternativeText);
                }

                return;
            }

            if (operation is not IInvocationOperation invocation || invocation.TargetMethod.MethodKind == MethodKind.DelegateInvoke)
            {
                return;
            }

            var method = invocation.TargetMethod;
            if (method.Name == "Sleep" && TaskSymbols.Is(method.ContainingType, _thread))
            {
                Report(context, SleepFix(invocation, coroutine, inAsync).ToProperties(), "Thread.Sleep", "'await Hub.Sleep(...)'");
                return;
            }

            if (_symbols.IsTaskLike(method.ContainingType) || _symbols.IsTaskLike(invocation.Instance?.Type))
            {
                return;
            }

            var syntax = (InvocationExpressionSyntax)context.Node;
            var counterparts = _counterparts.Find(invocation, context.SemanticModel);
            if (_summaries.IsSummarized(method))
            {
                ReportChain(context, invocation, syntax, counterparts, inAsync);
                return;
            }

            if (counterparts.Any && !_counterparts.IsExcluded(invocation))
            {
                var fix = _counterparts.ChooseFix(syntax, invocation, counterparts, context.ContainingSymbol!, out var counterpart);
                var properties = inAsync ? fix.ToProperties() : NoCounterpartFix(fix);
                Report(context, properties, $"{(method.ReducedFrom ?? method).ContainingType.Name}.{method.Name}", $"'await {(counterpart.ReducedFrom ?? counterpart).ContainingType.Name}.{counterpart.Name}(...)'");
                return;
            }

            if (_api.BlockerOf(invocation, out var awaitable) is { } blocker)
            {
                if (awaitable is null)
                {
                    Report(context, new BlockingCallInHubFix(BlockingCallInHubFixKind.None, false).ToProperties(), blocker, OffTheHub);
                    return;
                }

                // g.Join(timeout) → await g.JoinAsync(timeout): CONC403's rewrite, with the table's name.
                var canAwait = inAsync && syntax.Expression is MemberAccessExpressionSyntax && AsyncCode.CanAwaitAt(invocation);
                var fix = new SyncCallWithAsyncCounterpartFix(canAwait ? SyncCallWithAsyncCounterpartFixKind.AwaitCounterpart : SyncCallWithAsyncCounterpartFixKind.None, awaitable, null, passesCancellationTokenNone: false);
                Report(context, fix.ToProperties(), blocker, $"'await {(method.ReducedFrom ?? method).ContainingType.Name}.{awaitable}(...)'");
            }
        }

        // A method of ours that blocks, directly or further down: reported at the call, with the chain.
        private void ReportChain(SyntaxNodeAnalysisContext context, IInvocationOperation invocation, InvocationExpressionSyntax syntax, Counterparts counterparts, bool inAsync)
        {
            if (ExceptionPaths.IsExceptionOnly(invocation)
                || AsyncCounterpartExclusions.IsFireAndForget(invocation)
                || _summaries.Of(invocation.TargetMethod, context.CancellationToken) is not { } chain)
            {
                return;
            }

            var properties = counterparts.Any && inAsync
                ? _counterparts.ChooseFix(syntax, invocation, counterparts, context.ContainingSymbol!, out _).ToProperties()
                : new BlockingCallInHubFix(BlockingCallInHubFixKind.None, false).ToProperties();
            context.ReportDiagnostic(Diagnostic.Create(
                RuleDescriptors.BlockingCallInHubThroughMethods,
                context.Node.GetLocation(),
                new[] { chain.Location },
                properties,
                $"{invocation.TargetMethod.Name}()",
                chain.PathText,
                chain.LocationText));
        }

        private static void Report(SyntaxNodeAnalysisContext context, ImmutableDictionary<string, string?> properties, string call, string alternative) =>
            context.ReportDiagnostic(Diagnostic.Create(RuleDescriptors.BlockingCallInHub, context.Node.GetLocation(), properties, call, alternative));

        // In a synchronous coroutine the counterpart's await would not compile: no fix, but the same contract.
        private static ImmutableDictionary<string, string?> NoCounterpartFix(SyncCallWithAsyncCounterpartFix fix) =>
            new SyncCallWithAsyncCounterpartFix(SyncCallWithAsyncCounterpartFixKind.None, fix.Counterpart, null, passesCancellationTokenNone: false).ToProperties();

        /// <summary>
        /// <c>await Hub.Sleep(…)</c> where the sleep is a statement of the coroutine's async code, or of a
        /// synchronous coroutine lambda whose one <c>return</c> is its last statement, <c>return Task.CompletedTask;</c>.
        /// </summary>
        private BlockingCallInHubFix SleepFix(IInvocationOperation sleep, IOperation coroutine, bool inAsync)
        {
            var passesTimeSpan = sleep.Arguments.Length == 1 && TaskSymbols.Is(sleep.Arguments[0].Value.Type, _timeSpan);
            // Thread.Sleep(Timeout.Infinite) has no cooperative twin: Hub.Sleep rejects a negative delay.
            if (sleep.Arguments.Length != 1 || sleep.Parent is not IExpressionStatementOperation || !AsyncCode.CanAwaitAt(sleep)
                || sleep.Arguments[0].Value.ConstantValue is { HasValue: true, Value: int and < 0 })
            {
                return default;
            }

            if (inAsync)
            {
                return new BlockingCallInHubFix(BlockingCallInHubFixKind.HubSleep, passesTimeSpan);
            }

            return coroutine is IAnonymousFunctionOperation lambda
                && OperationHelpers.EnclosingFunction(sleep) == lambda
                && EndsInCompletedTask(lambda)
                    ? new BlockingCallInHubFix(BlockingCallInHubFixKind.HubSleepMakingLambdaAsync, passesTimeSpan)
                    : default;
        }

        private bool EndsInCompletedTask(IAnonymousFunctionOperation lambda)
        {
            if (lambda.Syntax is not AnonymousFunctionExpressionSyntax { Block: { Statements.Count: > 0 } block }
                || !TaskSymbols.Is(lambda.Symbol.ReturnType, _symbols.Task)
                || block.Statements[block.Statements.Count - 1] is not ReturnStatementSyntax { Expression: { } last }
                || lambda.SemanticModel?.GetOperation(last) is not IPropertyReferenceOperation { Property: { Name: "CompletedTask", IsStatic: true } completed }
                || !TaskSymbols.Is(completed.ContainingType, _symbols.Task))
            {
                return false;
            }

            // The last return is the only one of the lambda's own (nested functions have theirs).
            return !block.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax)
                .OfType<ReturnStatementSyntax>()
                .Any(r => r.Parent != block || r != block.Statements[block.Statements.Count - 1]);
        }
    }
}
