using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Concurrency.Analyzers.Rules.Lifecycle;

/// <summary>
/// CONC206: a runtime <c>Concurrency.Runtime.Multiprocessing.Process</c> is started (<c>Start()</c>
/// on a process or a subclass, <c>base.Start()</c> included) in a program whose entry point — <c>Main</c>
/// or the top-level statements — does not call <c>Process.EnterChildIfRequested()</c> as its first
/// executed statement, Python's <c>if __name__ == '__main__':</c> (course topic 2.2). Without the
/// guard <c>Start</c> throws; after other code, every child runs that code again. Reported at
/// compilation end, at the entry point (or at the misplaced guard), with the first start as an
/// additional location.
/// </summary>
/// <remarks>
/// Left alone on purpose: libraries and other non-executable outputs (their host's entry point is
/// not in the compilation), compilations that call <c>Process.SetExecutable</c> with a program
/// (a host that starts its children as another program, such as a test runner), an entry point in
/// generated code (the test SDK's auto-generated <c>Program</c>), and starts in referenced
/// assemblies (not visible). Any start in the program's own code counts as reachable: following
/// the calls from <c>Main</c> would cost a call graph at every build for the rare dead start.
/// A guard inside a lambda or local function of the entry point is not a guard of the entry point.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MissingEntryGuardAnalyzer : DiagnosticAnalyzer
{
    private const string StartName = "Start";
    private const string GuardName = "EnterChildIfRequested";
    private const string SetExecutableName = "SetExecutable";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.MissingEntryGuard, RuleDescriptors.MisplacedEntryGuard);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (!IsExecutable(start.Compilation.Options.OutputKind) || ProcessMembers.Resolve(start.Compilation) is not { } members)
            {
                return;
            }

            var program = new ProgramFacts(members);
            start.RegisterSyntaxTreeAction(tree => program.AnalyzedTrees.TryAdd(tree.Tree, 0));
            start.RegisterSyntaxNodeAction(program.Collect, SyntaxKind.InvocationExpression);
            start.RegisterCompilationEndAction(program.Report);
        });
    }

    private static bool IsExecutable(OutputKind kind) =>
        kind is OutputKind.ConsoleApplication or OutputKind.WindowsApplication or OutputKind.WindowsRuntimeApplication;

    /// <summary>The name a call is made by: <c>p.Start()</c>, <c>p?.Start()</c>, <c>Start()</c>.</summary>
    private static string? CalledName(InvocationExpressionSyntax call) => call.Expression switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        SimpleNameSyntax name => name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>The start as the message names it: <c>worker.Start()</c>, <c>new Worker(…).Start()</c>, <c>base.Start()</c>.</summary>
    private static string Describe(InvocationExpressionSyntax call)
    {
        var (receiver, dot) = call.Expression switch
        {
            MemberAccessExpressionSyntax access => (access.Expression, "."),
            MemberBindingExpressionSyntax when call.Parent is ConditionalAccessExpressionSyntax conditional => (conditional.Expression, "?."),
            _ => ((ExpressionSyntax?)null, string.Empty),
        };
        var named = receiver switch
        {
            null => string.Empty,
            BaseObjectCreationExpressionSyntax created => created is ObjectCreationExpressionSyntax { Type: var type } ? "new " + type + "(…)" : "new(…)",
            IdentifierNameSyntax or ThisExpressionSyntax or BaseExpressionSyntax or MemberAccessExpressionSyntax or ElementAccessExpressionSyntax
                when receiver.ToString() is { Length: <= 40 } text && text.IndexOfAny(new[] { '\r', '\n' }) < 0 => text,
            _ => "…",
        };
        return named + dot + StartName + "()";
    }

    /// <summary>The span of <paramref name="node"/>'s first line: a multi-line statement is reported where it starts.</summary>
    private static Location FirstLine(SyntaxNode node)
    {
        var line = node.SyntaxTree.GetText().Lines.GetLineFromPosition(node.SpanStart);
        return Location.Create(node.SyntaxTree, TextSpan.FromBounds(node.SpanStart, Math.Min(node.Span.End, line.End)));
    }

    /// <summary>The members of the runtime's <c>Process</c> the rule binds calls to.</summary>
    private sealed class ProcessMembers
    {
        private ProcessMembers(IMethodSymbol start, IMethodSymbol guard, IMethodSymbol? setExecutable)
        {
            Start = start;
            Guard = guard;
            SetExecutable = setExecutable;
        }

        public IMethodSymbol Start { get; }

        public IMethodSymbol Guard { get; }

        public IMethodSymbol? SetExecutable { get; }

        public static ProcessMembers? Resolve(Compilation compilation)
        {
            if (compilation.GetTypeByMetadataName(KnownTypes.Runtime.Process) is not { } process)
            {
                return null;
            }

            var start = process.GetMembers(StartName).OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsStatic && m.Parameters.IsEmpty);
            var guard = process.GetMembers(GuardName).OfType<IMethodSymbol>().FirstOrDefault(m => m.IsStatic && m.Parameters.IsEmpty);
            var setExecutable = process.GetMembers(SetExecutableName).OfType<IMethodSymbol>().FirstOrDefault(m => m.IsStatic);
            return start is null || guard is null ? null : new ProcessMembers(start, guard, setExecutable);
        }
    }

    /// <summary>What one compilation says about its child processes, gathered while its trees are analyzed.</summary>
    private sealed class ProgramFacts
    {
        private readonly ProcessMembers _members;
        private readonly ConcurrentBag<InvocationExpressionSyntax> _starts = new();
        private readonly ConcurrentBag<InvocationExpressionSyntax> _guards = new();
        private int _choosesChildProgram;

        public ProgramFacts(ProcessMembers members)
        {
            _members = members;
        }

        /// <summary>The trees of the compilation that are not generated code (generated ones get no tree action).</summary>
        public ConcurrentDictionary<SyntaxTree, byte> AnalyzedTrees { get; } = new();

        public void Collect(SyntaxNodeAnalysisContext context)
        {
            var call = (InvocationExpressionSyntax)context.Node;
            var name = CalledName(call);
            if (name is not (StartName or GuardName or SetExecutableName)
                || context.SemanticModel.GetSymbolInfo(call, context.CancellationToken).Symbol is not IMethodSymbol method)
            {
                return;
            }

            var definition = method.OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(definition, _members.Start))
            {
                _starts.Add(call);
            }
            else if (SymbolEqualityComparer.Default.Equals(definition, _members.Guard))
            {
                _guards.Add(call);
            }
            else if (SymbolEqualityComparer.Default.Equals(definition, _members.SetExecutable) && !PassesNull(call, context.SemanticModel, context.CancellationToken))
            {
                Interlocked.Exchange(ref _choosesChildProgram, 1);
            }
        }

        public void Report(CompilationAnalysisContext context)
        {
            if (Volatile.Read(ref _choosesChildProgram) == 1 || _starts.IsEmpty
                || context.Compilation.GetEntryPoint(context.CancellationToken) is not { } entryPoint
                || EntryBody.Of(entryPoint, context.CancellationToken) is not { } entry
                || !AnalyzedTrees.ContainsKey(entry.Tree))
            {
                return;
            }

            var guards = _guards.Where(entry.Owns).OrderBy(g => g.SpanStart).ToList();
            if (entry.FirstExecuted is { } first && guards.Any(g => g.Span == GuardSpanOf(first)))
            {
                return;
            }

            // The first start in source order, so that the message does not depend on analysis order.
            var site = _starts.OrderBy(s => s.SyntaxTree.FilePath, StringComparer.Ordinal).ThenBy(s => s.SpanStart).First();
            var place = site.GetLocation().GetLineSpan();
            var arguments = new object[] { Describe(site), System.IO.Path.GetFileName(place.Path), place.StartLinePosition.Line + 1 };
            var additional = new[] { site.GetLocation() };
            if (guards.FirstOrDefault() is { } misplaced)
            {
                // A guard that is a statement of a block can be moved; one elsewhere (the lone
                // statement of an 'if') would leave an empty statement: a guard is added at the top instead.
                var fix = misplaced.Parent is ExpressionStatementSyntax { Parent: BlockSyntax or GlobalStatementSyntax }
                    ? MissingEntryGuardFixKind.Move
                    : MissingEntryGuardFixKind.Insert;
                context.ReportDiagnostic(Diagnostic.Create(RuleDescriptors.MisplacedEntryGuard, misplaced.GetLocation(), additional, new MissingEntryGuardFix(fix).ToProperties(), arguments));
                return;
            }

            var insert = entry.HasBody ? MissingEntryGuardFixKind.Insert : MissingEntryGuardFixKind.None;
            context.ReportDiagnostic(Diagnostic.Create(RuleDescriptors.MissingEntryGuard, entry.ReportedAt, additional, new MissingEntryGuardFix(insert).ToProperties(), arguments));
        }

        // An expression statement is compared by its expression; an expression body is the expression itself.
        private static TextSpan GuardSpanOf(SyntaxNode first) => first is ExpressionStatementSyntax statement ? statement.Expression.Span : first.Span;

        // SetExecutable(null) restores the default: this program is started again, so it needs the guard.
        private static bool PassesNull(InvocationExpressionSyntax call, SemanticModel model, CancellationToken cancellationToken) =>
            call.ArgumentList.Arguments.Count == 1
            && model.GetConstantValue(call.ArgumentList.Arguments[0].Expression, cancellationToken) is { HasValue: true, Value: null };
    }

    /// <summary>The entry point's code: a <c>Main</c> (block or expression body) or the top-level statements.</summary>
    private sealed class EntryBody
    {
        private readonly SyntaxNode _declaration;

        private EntryBody(SyntaxNode declaration, SyntaxNode? firstExecuted, Location reportedAt, bool hasBody)
        {
            _declaration = declaration;
            FirstExecuted = firstExecuted;
            ReportedAt = reportedAt;
            HasBody = hasBody;
        }

        public SyntaxTree Tree => _declaration.SyntaxTree;

        /// <summary>The first statement that runs (local function declarations do not), or an expression body's expression.</summary>
        public SyntaxNode? FirstExecuted { get; }

        public Location ReportedAt { get; }

        public bool HasBody { get; }

        public static EntryBody? Of(IMethodSymbol entryPoint, CancellationToken cancellationToken)
        {
            foreach (var reference in (entryPoint.PartialImplementationPart ?? entryPoint).DeclaringSyntaxReferences)
            {
                switch (reference.GetSyntax(cancellationToken))
                {
                    case MethodDeclarationSyntax { Body: { } body } method:
                        return new EntryBody(method, body.Statements.FirstOrDefault(s => s is not LocalFunctionStatementSyntax), method.Identifier.GetLocation(), hasBody: true);
                    case MethodDeclarationSyntax { ExpressionBody: { } arrow } method:
                        return new EntryBody(method, arrow.Expression, method.Identifier.GetLocation(), hasBody: true);
                    case MethodDeclarationSyntax method:
                        return new EntryBody(method, null, method.Identifier.GetLocation(), hasBody: false);
                    case CompilationUnitSyntax unit when unit.Members.OfType<GlobalStatementSyntax>().ToList() is { Count: > 0 } statements:
                        var first = statements.FirstOrDefault(s => s.Statement is not LocalFunctionStatementSyntax)?.Statement;
                        return new EntryBody(unit, first, FirstLine(first ?? (SyntaxNode)statements[0]), hasBody: true);
                }
            }

            return null;
        }

        /// <summary>Whether <paramref name="guard"/> runs as part of the entry point itself, not in a lambda or local function of it.</summary>
        public bool Owns(InvocationExpressionSyntax guard)
        {
            if (guard.SyntaxTree != Tree || !_declaration.Span.Contains(guard.Span))
            {
                return false;
            }

            foreach (var ancestor in guard.Ancestors())
            {
                switch (ancestor)
                {
                    case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                        return false;
                    case GlobalStatementSyntax:
                        return _declaration is CompilationUnitSyntax;
                    case MemberDeclarationSyntax member:
                        return member.Span == _declaration.Span; // by span: a tree may hand out new nodes for the same code
                }
            }

            return false;
        }
    }
}
