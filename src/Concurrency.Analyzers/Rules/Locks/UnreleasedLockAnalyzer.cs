using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Locks;

/// <summary>
/// CONC103: a lock acquired by a statement (<c>Monitor.Enter</c>, <c>SemaphoreSlim.Wait/WaitAsync</c>,
/// <c>ReaderWriterLockSlim.Enter*Lock</c>, <c>Mutex.WaitOne</c>, the runtime's <c>Acquire</c>) and
/// released in the same function, but not in a <c>finally</c>: an exception in between leaks the
/// lock and every other thread then waits forever. A lock the function never releases is left
/// alone (it may be released elsewhere by design), and so is one handed over: taken at the end of a
/// <c>lock</c> body (or of a <c>try</c> whose <c>finally</c> only releases) and released in the
/// <c>finally</c> of the <c>try</c> that follows, or taken in a method marked
/// <c>[HandsOverLock]</c> (lock coupling) or <c>[HandsOverLock(nameof(Partner))]</c> whose partner releases it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnreleasedLockAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.UnreleasedLock);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var locks = LockSymbols.For(start.Compilation);
            var index = LockSyntaxIndex.For(start.Compilation);
            start.RegisterSemanticModelAction(model => AnalyzeTree(model, locks, index));
        });
    }

    /// <summary>
    /// The statements of a tree that may acquire a lock — found by the lock syntax index, a text
    /// search and a binary search instead of a look at every statement of the solution.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private static void AnalyzeTree(SemanticModelAnalysisContext context, LockSymbols locks, LockSyntaxIndex index)
    {
        var tree = context.SemanticModel.SyntaxTree;
        var sites = index.SitesOf(tree, context.CancellationToken);
        if (sites.Length == 0)
        {
            return;
        }

        var root = tree.GetRoot(context.CancellationToken);
        var seen = new HashSet<ExpressionStatementSyntax>();
        foreach (var site in sites)
        {
            if (root.FindToken(site).Parent?.FirstAncestorOrSelf<ExpressionStatementSyntax>() is { } statement
                && seen.Add(statement)
                && context.SemanticModel.GetOperation(statement, context.CancellationToken) is IExpressionStatementOperation operation)
            {
                Analyze(operation, locks, context.ReportDiagnostic, context.CancellationToken);
            }
        }
    }

    [MethodImpl(HotPath.Optimized)]
    private static void Analyze(IExpressionStatementOperation statement, LockSymbols locks, Action<Diagnostic> reportDiagnostic, System.Threading.CancellationToken cancellationToken)
    {
        var call = statement.Operation is IAwaitOperation awaited ? awaited.Operation : statement.Operation;
        while (call is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } awaitable })
        {
            call = awaitable; // await s.WaitAsync().ConfigureAwait(false);
        }

        if (call is not IInvocationOperation invocation
            || statement.Syntax is not ExpressionStatementSyntax acquisition
            || locks.AcquiresIncludingAsync(invocation) is not { } key
            || IsReleasedInFinally(acquisition, key, locks, statement.SemanticModel!, cancellationToken))
        {
            return;
        }

        var function = acquisition.Ancestors().FirstOrDefault(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or CompilationUnitSyntax);
        var releases = function is null ? new List<ExpressionStatementSyntax>() : Releases(function, key, locks, statement.SemanticModel!, cancellationToken);

        // Released only in catch blocks: the lock is handed over on success (a pool keeps the slot
        // for its caller) and given back on failure — by design, not a leak.
        if (releases.Count == 0 || releases.All(r => r.Ancestors().TakeWhile(a => a != function).Any(a => a is CatchClauseSyntax)))
        {
            return;
        }

        // Released on the normal path by a declared contract: the code says the hand-over is meant.
        if (IsHandedOverByContract(acquisition, key, locks, statement.SemanticModel!, cancellationToken))
        {
            return;
        }

        var fix = UnreleasedLockFixKind.None;
        if (acquisition.Parent is BlockSyntax block
            && releases.FirstOrDefault(r => r.Parent == block && block.Statements.IndexOf(r) > block.Statements.IndexOf(acquisition)) is { } release
            && !StatementScopes.DeclaresWhatFollows(block, acquisition, release))
        {
            var isRuntimePrimitive = invocation.Instance?.Type is { } type
                && locks.IsAcquirable(type)
                && invocation.TargetMethod.Name == "Acquire"
                && invocation.Arguments.All(a => a.ArgumentKind == ArgumentKind.DefaultValue)
                && statement.SemanticModel!.LookupSymbols(acquisition.SpanStart, type, "Hold", includeReducedExtensionMethods: true).Any();
            fix = isRuntimePrimitive ? UnreleasedLockFixKind.Hold : UnreleasedLockFixKind.TryFinally;
        }

        reportDiagnostic(Diagnostic.Create(
            RuleDescriptors.UnreleasedLock,
            invocation.Syntax.GetLocation(),
            new UnreleasedLockFix(fix).ToProperties(),
            invocation.Syntax.ToString()));
    }

    /// <summary>
    /// Whether a <c>finally</c> releases the lock: the statement right after the acquisition is a
    /// <c>try</c> whose <c>finally</c> releases it, or the acquisition sits in a <c>try</c> block
    /// (of the same function) whose <c>finally</c> does.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private static bool IsReleasedInFinally(ExpressionStatementSyntax acquisition, string key, LockSymbols locks, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        // Right after it, or — hand over hand — right after the lock body or try block it ends.
        if ((StatementAfter(acquisition) ?? LockApi.HandedOverTo(acquisition)) is TryStatementSyntax { Finally: { } following }
            && Releases(following.Block, key, locks, model, cancellationToken).Count > 0)
        {
            return true;
        }

        for (SyntaxNode? node = acquisition, child = null; node is not null; child = node, node = node.Parent)
        {
            switch (node)
            {
                case TryStatementSyntax { Finally: { } enclosing } tryStatement when child == tryStatement.Block
                    && Releases(enclosing.Block, key, locks, model, cancellationToken).Count > 0:
                    return true;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the function (or the member it is in) is marked <c>[HandsOverLock]</c>, and the lock is
    /// released on the normal path: in the function itself (lock coupling: <c>Monitor.Enter(next);
    /// Monitor.Exit(current);</c> down a list), or — when the attribute names a partner method of the
    /// type — in that partner. The release is trusted, not proven on every path: an exception in
    /// between still leaks the lock, which the marker accepts.
    /// </summary>
    private static bool IsHandedOverByContract(ExpressionStatementSyntax acquisition, string key, LockSymbols locks, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        for (var symbol = model.GetEnclosingSymbol(acquisition.SpanStart, cancellationToken); symbol is IMethodSymbol method; symbol = method.ContainingSymbol)
        {
            var marker = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name is LockApi.HandsOverLockAttribute or "HandsOverLock");
            if (marker is null)
            {
                continue;
            }

            if (marker.ConstructorArguments.FirstOrDefault() is { Value: string { Length: > 0 } partner })
            {
                return method.ContainingType?.GetMembers(partner).OfType<IMethodSymbol>()
                    .SelectMany(m => m.DeclaringSyntaxReferences)
                    .Any(reference => ReleasesAnywhere(reference.GetSyntax(cancellationToken), key, locks, ModelOf(model, reference.SyntaxTree), cancellationToken)) == true;
            }

            return true;
        }

        return false;
    }

#pragma warning disable RS1030 // The partner may be in another part of a partial type, in another file than the one analyzed.
    private static SemanticModel ModelOf(SemanticModel model, SyntaxTree tree) => tree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(tree);
#pragma warning restore RS1030

    /// <summary>
    /// The statement that runs right after <paramref name="statement"/>: the next one of its block, or,
    /// when it ends a branch of an <c>if</c>/<c>else</c> (<c>if (async) await s.WaitAsync(); else s.Wait();</c>),
    /// the one after the whole <c>if</c>.
    /// </summary>
    private static StatementSyntax? StatementAfter(StatementSyntax statement)
    {
        SyntaxNode current = statement;
        while (true)
        {
            switch (current.Parent)
            {
                case BlockSyntax block when block.Statements.IndexOf((StatementSyntax)current) is var index:
                    if (index + 1 < block.Statements.Count)
                    {
                        return block.Statements[index + 1];
                    }

                    if (block.Parent is not (IfStatementSyntax or ElseClauseSyntax))
                    {
                        return null;
                    }

                    current = block;
                    break;
                case IfStatementSyntax ifStatement when ifStatement.Statement == current:
                    current = ifStatement;
                    break;
                case ElseClauseSyntax { Parent: IfStatementSyntax ifStatement }:
                    current = ifStatement;
                    break;
                default:
                    return null;
            }

            // Up through an 'else if' chain to the outermost if.
            while (current is IfStatementSyntax { Parent: ElseClauseSyntax { Parent: IfStatementSyntax outer } })
            {
                current = outer;
            }
        }
    }

    // Any release of the lock in the scope, expression bodies included (void Unlock() => Monitor.Exit(_gate);).
    private static bool ReleasesAnywhere(SyntaxNode scope, string key, LockSymbols locks, SemanticModel model, System.Threading.CancellationToken cancellationToken) =>
        scope.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(call =>
            LockApi.IsReleaseName(call) && model.GetOperation(call, cancellationToken) is IInvocationOperation release && locks.Releases(release, key));

    /// <summary>The statements in <paramref name="scope"/> that release the lock <paramref name="key"/>.</summary>
    [MethodImpl(HotPath.Optimized)]
    private static List<ExpressionStatementSyntax> Releases(SyntaxNode scope, string key, LockSymbols locks, SemanticModel model, System.Threading.CancellationToken cancellationToken) =>
        scope.DescendantNodes()
            .OfType<InvocationExpressionSyntax>()
            .Where(LockApi.IsReleaseName)
            .Where(call => call.Parent is ExpressionStatementSyntax
                && model.GetOperation(call, cancellationToken) is IInvocationOperation release
                && locks.Releases(release, key))
            .Select(call => (ExpressionStatementSyntax)call.Parent!)
            .ToList();
}
