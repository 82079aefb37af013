using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Infrastructure;

/// <summary>
/// The pieces of the serial-loop fixes (CONC202, CONC205), which turn one loop that starts and waits
/// into two: the list declared before the loop, <c>list.Add(worker)</c> in it, and the waits after it.
/// </summary>
internal static class TwoLoops
{
    /// <summary>
    /// One fix pass over a document (one diagnostic, or all of them for Fix All): each loop's list is
    /// declared before it and its worker collected in place of the start; the waits are inserted after
    /// the loops once every start is rewritten, in the order found, so Fix All and fixing one by one agree.
    /// </summary>
    public sealed class Edit
    {
        private readonly List<(SyntaxNode Anchor, StatementSyntax Statement)> _waits = new();

        public Edit(SyntaxNode root, Document document)
        {
            Editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
        }

        public SyntaxEditor Editor { get; }

        public FreshNames Names { get; } = new();

        /// <summary><c>var list = new List&lt;elementType&gt;();</c> before the loop, and <c>list.Add(worker);</c> in place of <paramref name="statement"/>.</summary>
        public void Collect(SyntaxNode anchor, string list, string elementType, StatementSyntax statement, ExpressionSyntax worker)
        {
            Editor.InsertBefore(anchor, ListDeclaration(anchor, list, elementType));
            Editor.ReplaceNode(statement, AddTo(list, worker, statement));
        }

        /// <summary>A wait to put right after the loop <paramref name="anchor"/> when the pass is done.</summary>
        public void WaitAfter(SyntaxNode anchor, StatementSyntax wait) => _waits.Add((anchor, wait));

        public SyntaxNode ChangedRoot()
        {
            foreach (var (anchor, statement) in _waits)
            {
                Editor.InsertAfter(anchor, Wrap(anchor, statement));
            }

            _waits.Clear();
            return Editor.GetChangedRoot();
        }
    }

    /// <summary>
    /// The loop a statement of its body belongs to, and the statement the loop is (or its global
    /// statement), which the list goes before and the waits after; null when the statement is not
    /// directly in a loop body of a block or of top-level statements.
    /// </summary>
    public static SyntaxNode? AnchorOf(StatementSyntax statement)
    {
        var loop = statement.Parent is BlockSyntax block ? block.Parent : statement.Parent;
        if (loop is not (ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax))
        {
            return null;
        }

        SyntaxNode anchor = loop.Parent is GlobalStatementSyntax global ? global : loop;
        return anchor.Parent is BlockSyntax or CompilationUnitSyntax ? anchor : null;
    }

    /// <summary><c>var name = new List&lt;elementType&gt;();</c>, ready to insert before <paramref name="anchor"/>.</summary>
    private static SyntaxNode ListDeclaration(SyntaxNode anchor, string name, string elementType)
    {
        var listType = ParseTypeName("global::" + KnownTypes.Bcl.ListOfT.Replace("`1", string.Empty) + "<" + elementType + ">").WithAdditionalAnnotations(Simplifier.Annotation);
        return Wrap(anchor, LocalDeclarationStatement(VariableDeclaration(
            IdentifierName("var"),
            SingletonSeparatedList(VariableDeclarator(Identifier(name)).WithInitializer(EqualsValueClause(ObjectCreationExpression(listType).WithArgumentList(ArgumentList())))))));
    }

    /// <summary><c>list.Add(worker);</c> in place of <paramref name="statement"/>, with its trivia.</summary>
    private static StatementSyntax AddTo(string list, ExpressionSyntax worker, StatementSyntax statement) =>
        ExpressionStatement(Call(IdentifierName(list), "Add", worker.WithoutTrivia())).WithTriviaFrom(statement);

    /// <summary>A statement to insert next to <paramref name="anchor"/>: a global statement in top-level code.</summary>
    private static SyntaxNode Wrap(SyntaxNode anchor, StatementSyntax statement)
    {
        statement = statement.WithAdditionalAnnotations(Formatter.Annotation);
        return anchor is GlobalStatementSyntax ? GlobalStatement(statement).WithAdditionalAnnotations(Formatter.Annotation) : statement;
    }

    /// <summary><c>receiver.name(arguments)</c>.</summary>
    public static InvocationExpressionSyntax Call(ExpressionSyntax receiver, string name, params ExpressionSyntax[] arguments) =>
        InvocationExpression(
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, IdentifierName(name)),
            ArgumentList(SeparatedList(arguments.Select(Argument))));

    /// <summary>The BCL <c>Task</c> type, simplified where the file allows.</summary>
    public static ExpressionSyntax TaskType() => ParseExpression("global::" + KnownTypes.Bcl.Task).WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>The plural of a list's element name: <c>threads</c>, <c>processes</c>.</summary>
    public static string Plural(string name) => name.EndsWith("s", StringComparison.Ordinal) ? name + "es" : name + "s";
}
