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
/// alone (it may be released elsewhere by design).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnreleasedLockAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableHashSet<string> ReleaseNames = LockApi.ReleaseNames;

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

        var fix = UnreleasedLockFixKind.None;
        if (acquisition.Parent is BlockSyntax block
            && releases.FirstOrDefault(r => r.Parent == block && block.Statements.IndexOf(r) > block.Statements.IndexOf(acquisition)) is { } release
            && !DeclaresWhatFollows(block, acquisition, release))
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
        if (StatementAfter(acquisition) is TryStatementSyntax { Finally: { } following }
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

    /// <summary>The statements in <paramref name="scope"/> that release the lock <paramref name="key"/>.</summary>
    [MethodImpl(HotPath.Optimized)]
    private static List<ExpressionStatementSyntax> Releases(SyntaxNode scope, string key, LockSymbols locks, SemanticModel model, System.Threading.CancellationToken cancellationToken) =>
        scope.DescendantNodes()
            .OfType<InvocationExpressionSyntax>()
            .Where(call => call.Expression switch
            {
                MemberAccessExpressionSyntax access => ReleaseNames.Contains(access.Name.Identifier.ValueText),
                IdentifierNameSyntax identifier => ReleaseNames.Contains(identifier.Identifier.ValueText),
                _ => false,
            })
            .Where(call => call.Parent is ExpressionStatementSyntax
                && model.GetOperation(call, cancellationToken) is IInvocationOperation release
                && locks.Releases(release, key))
            .Select(call => (ExpressionStatementSyntax)call.Parent!)
            .ToList();

    // Moving the statements between acquisition and release into a try block would hide a local
    // that code after the release still uses.
    private static bool DeclaresWhatFollows(BlockSyntax block, StatementSyntax acquisition, StatementSyntax release)
    {
        var start = block.Statements.IndexOf(acquisition);
        var end = block.Statements.IndexOf(release);
        var declared = new HashSet<string>(block.Statements.Skip(start + 1).Take(end - start - 1)
            .SelectMany(s => s.DescendantNodesAndSelf())
            .Select(n => n switch
            {
                VariableDeclaratorSyntax v => v.Identifier.ValueText,
                SingleVariableDesignationSyntax d => d.Identifier.ValueText,
                _ => null,
            })
            .OfType<string>());
        return declared.Count > 0 && block.Statements.Skip(end + 1)
            .SelectMany(s => s.DescendantNodes().OfType<IdentifierNameSyntax>())
            .Any(i => declared.Contains(i.Identifier.ValueText));
    }
}
