using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Concurrency.Analyzers.Catalog.Fixes;

/// <summary>
/// The fixes of the rules whose obligation is one call after a statement on every path — CONC201
/// (<c>t.Start()</c> owes <c>t.Join()</c>) and CONC207 (<c>q.Get()</c> owes <c>q.TaskDone()</c>).
/// </summary>
internal enum FinallyCallFixKind
{
    /// <summary>The way to meet the obligation is the user's (see the rule's page).</summary>
    None,

    /// <summary><c>s; work; [x.Call();]</c> → <c>s; try { work } finally { x.Call(); }</c>: the call moves into the <c>finally</c>, or a new one is written there.</summary>
    TryFinally,

    /// <summary>Nothing follows the statement in its block: <c>s;</c> → <c>s; x.Call();</c>.</summary>
    CallAfter,
}

/// <summary>What CONC201's and CONC207's analyzers tell their fixers, and the statement both agree the fix moves.</summary>
internal readonly struct FinallyCallFix
{
    public FinallyCallFix(FinallyCallFixKind kind)
    {
        Kind = kind;
    }

    public FinallyCallFixKind Kind { get; }

    /// <summary>The diagnostic properties that carry this fix.</summary>
    public ImmutableDictionary<string, string?> ToProperties() => FixKindProperty.Write(Kind).ToImmutable();

    /// <summary>The fix <paramref name="diagnostic"/> carries; false when its properties are missing or garbled.</summary>
    public static bool TryRead(Diagnostic diagnostic, out FinallyCallFix fix)
    {
        var read = FixKindProperty.TryRead(diagnostic, out FinallyCallFixKind kind);
        fix = new FinallyCallFix(kind);
        return read;
    }

    /// <summary>
    /// The first statement after the one at <paramref name="index"/> of <paramref name="block"/> that is
    /// a parameterless <c>receiver.method();</c> (the receiver compared as written) — the one the
    /// <c>finally</c> takes over.
    /// </summary>
    public static ExpressionStatementSyntax? CallStatementAfter(BlockSyntax block, int index, string receiver, string method) =>
        block.Statements.Skip(index + 1).OfType<ExpressionStatementSyntax>().FirstOrDefault(s =>
            s.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access, ArgumentList.Arguments.Count: 0 }
            && access.Name.Identifier.ValueText == method
            && access.Expression.ToString() == receiver);

    /// <summary>
    /// The fix for a statement owing <c>receiver.method()</c>: the statement must be one of a block,
    /// not in a loop of its function (<paramref name="inLoop"/>: the caller knows what a loop means
    /// for its rule); wrapping must not hide a local that code after the existing call still uses.
    /// </summary>
    public static FinallyCallFixKind For(StatementSyntax statement, string receiver, string method, bool inLoop, bool callAfterWhenLast)
    {
        if (statement.Parent is not BlockSyntax block || inLoop)
        {
            return FinallyCallFixKind.None;
        }

        var index = block.Statements.IndexOf(statement);
        if (index == block.Statements.Count - 1)
        {
            return callAfterWhenLast ? FinallyCallFixKind.CallAfter : FinallyCallFixKind.None;
        }

        var existing = CallStatementAfter(block, index, receiver, method);
        return existing is not null && StatementScopes.DeclaresWhatFollows(block, statement, existing)
            ? FinallyCallFixKind.None
            : FinallyCallFixKind.TryFinally;
    }
}
