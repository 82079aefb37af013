using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>
/// Per compilation, what CONC403, CONC407 and <see cref="BlockingSummaries"/> need to know about a
/// synchronous call with an async counterpart: the counterparts (<see cref="AsyncCounterpartFinder"/>,
/// whose caches are shared this way), whether the call is excluded (<see cref="AsyncCounterpartExclusions"/>
/// with the user's <c>.editorconfig</c> option of the call's file), and the fix to offer. One model,
/// so the rules agree and no analyzer reaches into another.
/// </summary>
internal sealed class AsyncCounterparts
{
    private static readonly ConditionalWeakTable<Compilation, AsyncCounterparts> PerCompilation = new();

    private readonly TaskSymbols _symbols;
    private readonly AsyncCounterpartFinder _finder;
    private readonly AsyncCounterpartExclusions _exclusions;
    private readonly AnalyzerConfigOptionsProvider _options;

    private AsyncCounterparts(Compilation compilation, TaskSymbols symbols, AnalyzerConfigOptionsProvider options)
    {
        _symbols = symbols;
        _finder = new AsyncCounterpartFinder(compilation, symbols);
        _exclusions = new AsyncCounterpartExclusions(compilation);
        _options = options;
    }

    public static AsyncCounterparts For(Compilation compilation, TaskSymbols symbols, AnalyzerConfigOptionsProvider options) =>
        PerCompilation.GetValue(compilation, c => new AsyncCounterparts(c, symbols, options));

    /// <summary>The async counterparts of the method <paramref name="invocation"/> calls, as seen from the call (<paramref name="model"/> is its file's).</summary>
    public Counterparts Find(IInvocationOperation invocation, SemanticModel model) =>
        _finder.Find(
            invocation.TargetMethod,
            invocation.Instance?.Type,
            model,
            invocation.Syntax.SpanStart,
            AsyncCounterpartFinder.PassedArguments(invocation));

    /// <summary>Whether the call is left alone although it has a counterpart: a known false friend, or excluded in the <c>.editorconfig</c> of its file.</summary>
    public bool IsExcluded(IInvocationOperation invocation)
    {
        _options.GetOptions(invocation.Syntax.SyntaxTree).TryGetValue(AsyncCounterpartExclusions.OptionKey, out var option);
        return _exclusions.IsExcluded(invocation, option);
    }

    /// <summary>
    /// The fix for a call with <paramref name="counterparts"/> (the counterpart, whether the call may
    /// be rewritten, the token to pass), the same for CONC403 and for CONC407 where the callee has a counterpart.
    /// </summary>
    public SyncCallWithAsyncCounterpartFix ChooseFix(
        InvocationExpressionSyntax syntax, IInvocationOperation invocation, Counterparts counterparts, ISymbol containingSymbol, out IMethodSymbol counterpart)
    {
        var token = AsyncCode.TokenInScope(invocation, containingSymbol, _symbols.CancellationToken);
        counterpart = counterparts.Choose(tokenInScope: token is not null)!;
        var kind = CanFix(syntax, invocation, counterpart, containingSymbol) ? SyncCallWithAsyncCounterpartFixKind.AwaitCounterpart : SyncCallWithAsyncCounterpartFixKind.None;
        var addsToken = counterpart.Parameters.Length == AsyncCounterpartFinder.PassedArguments(invocation) + 1
            && (token is not null || !counterpart.Parameters[counterpart.Parameters.Length - 1].IsOptional);
        return new SyncCallWithAsyncCounterpartFix(kind, counterpart.Name, addsToken ? token : null, passesCancellationTokenNone: addsToken && token is null);
    }

    private static bool CanFix(InvocationExpressionSyntax syntax, IInvocationOperation invocation, IMethodSymbol counterpart, ISymbol containingSymbol)
    {
        // Inside MAsync itself the fix would make it call itself.
        var enclosing = (OperationHelpers.EnclosingFunction(invocation) switch
        {
            ILocalFunctionOperation local => local.Symbol,
            IAnonymousFunctionOperation lambda => lambda.Symbol,
            _ => containingSymbol as IMethodSymbol,
        })?.OriginalDefinition;
        if (SymbolEqualityComparer.Default.Equals(enclosing, (counterpart.ReducedFrom ?? counterpart).OriginalDefinition)
            || SymbolEqualityComparer.Default.Equals(containingSymbol.OriginalDefinition, (counterpart.ReducedFrom ?? counterpart).OriginalDefinition))
        {
            return false;
        }

        var shapeOk = syntax.Expression is IdentifierNameSyntax or GenericNameSyntax
            || syntax.Expression is MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression };

        // A static-form extension call (Ext.M(x)) may be renamed only if MAsync sits in the same class.
        var staticExtension = invocation.TargetMethod.MethodKind == MethodKind.Ordinary && invocation.TargetMethod.IsExtensionMethod;
        var sameClass = SymbolEqualityComparer.Default.Equals(
            (counterpart.ReducedFrom ?? counterpart).ContainingType,
            (invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).ContainingType);
        return shapeOk && (!staticExtension || sameClass) && AsyncCode.CanAwaitAt(invocation);
    }
}
