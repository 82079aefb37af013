using System.Threading;
using Concurrency.Analyzers.Model.Workers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Lifecycle;

/// <summary>
/// CONC203: a runtime executor (<c>ThreadPoolExecutor</c>, <c>ProcessPoolExecutor</c>, any subclass of
/// <c>Executor</c>) created in a function and, on some path to its end, neither shut down
/// (<c>Shutdown(…)</c>, <c>Dispose()</c>, a <c>using</c>) nor handed on (course chapter 4: a pool owns
/// threads or child processes until it is shut down). Flow-sensitive over the control-flow graph,
/// exceptions included as CONC201 counts them: a <c>future.Result()</c> that rethrows the work's
/// exception between the creation and the shutdown, an early return — the message names the path.
/// An executor created and dropped, or used only in its own expression (<c>new ThreadPoolExecutor().Submit(…)</c>),
/// is never shut down. Not reported: <c>using var</c> and <c>using (…)</c>, an executor stored in a field or
/// property, returned, passed to another method, added to a collection, or captured by a lambda or local
/// function (handed on: that code shuts it down), one the function did not create.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ExecutorNotShutDownAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.ExecutorNotShutDown);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var shutdowns = new ExecutorShutdowns(start.Compilation);
            if (!shutdowns.IsAvailable)
            {
                return; // no runtime, no executors
            }

            start.RegisterSyntaxNodeAction(node => Analyze(node, shutdowns), SyntaxKind.ObjectCreationExpression, SyntaxKind.ImplicitObjectCreationExpression);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, ExecutorShutdowns shutdowns)
    {
        if (!MayCreateAnExecutor(context.Node))
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        if (context.SemanticModel.GetOperation(context.Node, cancellationToken) is not IObjectCreationOperation creation || !shutdowns.Creates(creation))
        {
            return;
        }

        var kind = creation.Type!.Name;
        var child = (IOperation)creation;
        var parent = creation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            child = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            // 'new ThreadPoolExecutor(4);', 'new ThreadPoolExecutor().Submit(Work);': nothing can shut it down.
            case IExpressionStatementOperation:
            case IInvocationOperation call when call.Instance == child && !shutdowns.IsShutdown(call):
            case IMemberReferenceOperation member when member.Instance == child:
                Report(context, creation, kind, "new " + kind + "(…)", PathReasons.Localized(RuleIds.ExecutorNotShutDown + "_Never"), ExecutorShutdownFixKind.None);
                break;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var local } declarator }
                when declarator.Parent is IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation }:
                AnalyzeLocal(context, creation, local, kind, shutdowns);
                break;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when assignment.Value == child:
                AnalyzeLocal(context, creation, target.Local, kind, shutdowns);
                break;
        }
    }

    // Text first, before binding: 'new XxxExecutor(…)'; a target-typed 'new(…)' only where this rule
    // follows one: 'XxxExecutor pool = new(…)' or an assignment to a local ('pool = new(…)').
    private static bool MayCreateAnExecutor(SyntaxNode node) => node switch
    {
        ObjectCreationExpressionSyntax { Type: var type } => type.ToString().Contains("Executor"),
        ImplicitObjectCreationExpressionSyntax { Parent: EqualsValueClauseSyntax { Parent.Parent: VariableDeclarationSyntax { Type: var type } } } => type.ToString().Contains("Executor"),
        ImplicitObjectCreationExpressionSyntax { Parent: AssignmentExpressionSyntax { Left: IdentifierNameSyntax } } => true,
        _ => false,
    };

    private static void AnalyzeLocal(SyntaxNodeAnalysisContext context, IObjectCreationOperation creation, ILocalSymbol local, string kind, ExecutorShutdowns shutdowns)
    {
        var cancellationToken = context.CancellationToken;
        if (local.IsUsing)
        {
            return;
        }

        var scope = (OperationHelpers.EnclosingFunction(creation) ?? OperationHelpers.Root(creation)).Syntax;
        var mentions = WorkerJoins.Mentions(scope, local.Name).ToList();

        // A pool a lambda or local function uses is theirs to shut down (or not this rule's to judge).
        if (mentions.Any(name => name.Ancestors().TakeWhile(a => a != scope).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            return;
        }

        if (ControlFlowGraphs.OfEnclosingFunction(creation, cancellationToken) is not { } graph)
        {
            return;
        }

        if (PathsWithout.FindForLocal(graph, creation.Syntax, OperationKind.ObjectCreation, local, (read, _) => shutdowns.UseOf(read) != WorkerUse.Reads, context.Compilation, cancellationToken) is not { } path)
        {
            return;
        }

        var shutSomewhere = mentions.Any(IsShutdownSyntax);
        var reason = PathReasons.For(RuleIds.ExecutorNotShutDown, path, shutSomewhere);
        Report(context, creation, kind, local.Name, reason, FixFor(context, creation, local, mentions));
    }

    // 'pool.Shutdown(…)', 'pool.Dispose()', 'pool?.Shutdown()', 'using (pool)' as written.
    private static bool IsShutdownSyntax(IdentifierNameSyntax name) =>
        name.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Shutdown" or "Dispose" } access && access.Expression == name
        || name.Parent is ConditionalAccessExpressionSyntax { WhenNotNull: InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax { Name.Identifier.ValueText: "Shutdown" or "Dispose" } } }
        || name.Parent is UsingStatementSyntax;

    // ---- the fix ----

    private static ExecutorShutdownFixKind FixFor(SyntaxNodeAnalysisContext context, IObjectCreationOperation creation, ILocalSymbol local, List<IdentifierNameSyntax> mentions)
    {
        if (creation.Syntax.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } } }
            || !declaration.UsingKeyword.IsKind(SyntaxKind.None)
            || declaration.IsConst
            || ((CSharpParseOptions)declaration.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp8
            || StatementsOf(declaration) is not { } statements)
        {
            return ExecutorShutdownFixKind.None;
        }

        // A using local is read-only: no assignment, no ref.
        if (mentions.Any(name => name.Parent is AssignmentExpressionSyntax assignment && assignment.Left == name
                || name.Parent is ArgumentSyntax argument && !argument.RefKindKeyword.IsKind(SyntaxKind.None)
                || name.Parent is RefExpressionSyntax or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression }))
        {
            return ExecutorShutdownFixKind.None;
        }

        // A shutdown that does not wait, or cancels: a using would wait at the end of the block as well.
        if (mentions.Any(name => IsShutdownSyntax(name) && name.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { } call && !IsPlainShutdown(call)))
        {
            return ExecutorShutdownFixKind.None;
        }

        var index = IndexOf(statements, declaration);
        var shutdown = ShutdownStatementAfter(statements, index, local.Name);
        if (shutdown is null || EndsTheBlock(statements, shutdown))
        {
            return ExecutorShutdownFixKind.UsingDeclaration;
        }

        // Code after the shutdown ran once the pool was shut down: a using block keeps that.
        return declaration.Parent is BlockSyntax block
            && !StatementScopes.DeclaresWhatFollows(block, declaration, shutdown)
            && !mentions.Any(name => name.SpanStart >= shutdown.Span.End)
            ? ExecutorShutdownFixKind.UsingBlock
            : ExecutorShutdownFixKind.None;
    }

    /// <summary>The statements of the block (or the top-level statements) <paramref name="statement"/> is one of; null elsewhere (a switch section, an embedded statement).</summary>
    internal static IReadOnlyList<StatementSyntax>? StatementsOf(StatementSyntax statement) => statement.Parent switch
    {
        BlockSyntax block => block.Statements,
        GlobalStatementSyntax { Parent: CompilationUnitSyntax unit } => unit.Members.OfType<GlobalStatementSyntax>().Select(g => g.Statement).ToList(),
        _ => null,
    };

    /// <summary>
    /// Whether nothing that could tell the difference follows <paramref name="shutdown"/>: it is the last
    /// statement, or only a <c>return</c> of a local, a parameter or a constant comes after it (a
    /// <c>using</c> then shuts the pool down right after the same value is taken).
    /// </summary>
    internal static bool EndsTheBlock(IReadOnlyList<StatementSyntax> statements, StatementSyntax shutdown)
    {
        var index = IndexOf(statements, shutdown);
        return index == statements.Count - 1
            || index == statements.Count - 2
                && statements[index + 1] is ReturnStatementSyntax { Expression: null or IdentifierNameSyntax or LiteralExpressionSyntax };
    }

    /// <summary>The position of <paramref name="statement"/> in <paramref name="statements"/>, or -1.</summary>
    internal static int IndexOf(IReadOnlyList<StatementSyntax> statements, StatementSyntax statement)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            if (statements[i] == statement)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The first statement after the one at <paramref name="index"/> that is a plain <c>name.Shutdown();</c> / <c>name.Dispose();</c>.</summary>
    internal static StatementSyntax? ShutdownStatementAfter(IReadOnlyList<StatementSyntax> statements, int index, string name) =>
        statements.Skip(index + 1).OfType<ExpressionStatementSyntax>().FirstOrDefault(s =>
            s.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver } } call
            && receiver.Identifier.ValueText == name
            && IsPlainShutdown(call));

    // 'Shutdown()', 'Shutdown(true)', 'Shutdown(wait: true)', 'Dispose()': what the end of a using does.
    private static bool IsPlainShutdown(InvocationExpressionSyntax call)
    {
        var method = call.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            _ => null,
        };
        var arguments = call.ArgumentList.Arguments;
        return method == "Dispose" && arguments.Count == 0
            || method == "Shutdown" && (arguments.Count == 0
                || arguments.Count == 1 && arguments[0].Expression.IsKind(SyntaxKind.TrueLiteralExpression) && arguments[0].NameColon?.Name.Identifier.ValueText is null or "wait");
    }

    private static void Report(SyntaxNodeAnalysisContext context, IObjectCreationOperation creation, string kind, string name, LocalizableString reason, ExecutorShutdownFixKind fix) =>
        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.ExecutorNotShutDown,
            creation.Syntax.GetLocation(),
            new ExecutorShutdownFix(fix).ToProperties(),
            kind,
            name,
            reason));
}
