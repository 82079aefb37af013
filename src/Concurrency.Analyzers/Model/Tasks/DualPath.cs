using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>Which side of the dual-path idiom a piece of code is on.</summary>
internal enum DualPathBranch
{
    /// <summary>Not chosen by an async flag.</summary>
    None,

    /// <summary>Runs only when the caller asked for synchronous IO.</summary>
    Synchronous,

    /// <summary>Runs only when the caller asked for asynchronous IO.</summary>
    Asynchronous,

    /// <summary>Chosen by an async flag in a test too complex to tell which way (<c>async &amp;&amp; x</c>).</summary>
    Either,
}

/// <summary>
/// The dual-path idiom of libraries that offer both APIs from one implementation (Npgsql's
/// <c>bool async</c>, MySqlConnector's <c>IOBehavior</c>): code chosen by a flag parameter of the
/// enclosing functions — a <c>bool</c> named like <c>async</c>/<c>isAsync</c>/<c>useAsync</c>, or an
/// enum with a <c>Synchronous</c>/<c>Asynchronous</c> member — in <c>if (async) … else …</c>,
/// <c>async ? await X() : Y()</c>, or after <c>if (async) { …; return; }</c>. The synchronous side
/// runs only when the caller asked for synchronous IO, so no CONC4xx rule reports it. Read from the
/// syntax, with the flags taken from the symbols once per function.
/// </summary>
internal sealed class DualPath
{
    private readonly HashSet<string> _bools;
    private readonly HashSet<string> _enums;

    private DualPath(HashSet<string> bools, HashSet<string> enums)
    {
        _bools = bools;
        _enums = enums;
    }

    /// <summary>
    /// The async flags in scope at <paramref name="operation"/> (parameters of its lambdas, local
    /// functions and member <paramref name="containingSymbol"/>), or null when there are none — nearly always.
    /// </summary>
    public static DualPath? At(IOperation operation, ISymbol? containingSymbol)
    {
        HashSet<string>? bools = null, enums = null;
        for (var function = OperationHelpers.EnclosingFunction(operation); ; function = OperationHelpers.EnclosingFunction(function))
        {
            var parameters = function switch
            {
                IAnonymousFunctionOperation lambda => lambda.Symbol.Parameters,
                ILocalFunctionOperation local => local.Symbol.Parameters,
                _ => (Member(containingSymbol) as IMethodSymbol)?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty,
            };
            foreach (var parameter in parameters)
            {
                if (IsBoolFlag(parameter))
                {
                    (bools ??= new HashSet<string>(StringComparer.Ordinal)).Add(parameter.Name);
                }
                else if (IsEnumFlag(parameter.Type))
                {
                    (enums ??= new HashSet<string>(StringComparer.Ordinal)).Add(parameter.Name);
                }
            }

            if (function is null)
            {
                break;
            }
        }

        return bools is null && enums is null
            ? null
            : new DualPath(bools ?? new HashSet<string>(StringComparer.Ordinal), enums ?? new HashSet<string>(StringComparer.Ordinal));
    }

    /// <summary>Whether <paramref name="operation"/> runs only on the synchronous side (or on a side that cannot be told).</summary>
    public static bool IsSynchronousSide(IOperation operation, ISymbol? containingSymbol) =>
        At(operation, containingSymbol) is { } flags && flags.BranchOf(operation.Syntax) is DualPathBranch.Synchronous or DualPathBranch.Either;

    /// <summary>The side of the idiom <paramref name="node"/> is on: the nearest test of a flag decides.</summary>
    public DualPathBranch BranchOf(SyntaxNode node)
    {
        for (SyntaxNode? current = node, child = null; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case IfStatementSyntax ifStatement when child == ifStatement.Statement && Polarity(ifStatement.Condition) is { } whenTrue:
                    return Side(whenTrue);
                case IfStatementSyntax ifStatement when child == ifStatement.Else && Polarity(ifStatement.Condition) is { } whenTrue:
                    return Side(-whenTrue);
                case ConditionalExpressionSyntax conditional when child == conditional.WhenTrue && Polarity(conditional.Condition) is { } whenTrue:
                    return Side(whenTrue);
                case ConditionalExpressionSyntax conditional when child == conditional.WhenFalse && Polarity(conditional.Condition) is { } whenTrue:
                    return Side(-whenTrue);

                // if (async) { ...; return await ReadAsync(); }  return Read();
                case BlockSyntax block when child is StatementSyntax statement:
                    for (var i = block.Statements.IndexOf(statement) - 1; i >= 0; i--)
                    {
                        if (block.Statements[i] is IfStatementSyntax { Else: null } early && AlwaysExits(early.Statement) && Polarity(early.Condition) is { } exitsWhen)
                        {
                            return Side(-exitsWhen);
                        }
                    }

                    break;
                case MemberDeclarationSyntax:
                    return DualPathBranch.None;
            }
        }

        return DualPathBranch.None;
    }

    /// <summary>
    /// The synchronous wrapper of the idiom: <c>XCore(async: false)</c> (or <c>IOBehavior.Synchronous</c>)
    /// returns a task that completed synchronously, because the flag told it not to go async.
    /// </summary>
    public static bool PassesSynchronousFlag(IOperation operand) =>
        operand is IInvocationOperation call
        && call.Arguments.Any(a => a.Parameter is { } parameter
            && ((IsBoolFlag(parameter) && a.Value.ConstantValue is { HasValue: true, Value: false })
                || (IsEnumFlag(parameter.Type) && OperationHelpers.WalkDownConversion(a.Value) is IFieldReferenceOperation { Field.Name: "Synchronous" or "Sync" })));

    private static ISymbol? Member(ISymbol? symbol)
    {
        while (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction } function)
        {
            symbol = function.ContainingSymbol;
        }

        return symbol;
    }

    private static bool IsBoolFlag(IParameterSymbol parameter) =>
        parameter.Type.SpecialType == SpecialType.System_Boolean && parameter.Name.IndexOf("async", StringComparison.OrdinalIgnoreCase) >= 0;

    private static bool IsEnumFlag(ITypeSymbol type) =>
        type.TypeKind == TypeKind.Enum && type.GetMembers().Any(m => m is IFieldSymbol { Name: "Synchronous" or "Asynchronous" });

    private static DualPathBranch Side(int asyncWhenTrue) => asyncWhenTrue switch
    {
        > 0 => DualPathBranch.Asynchronous,
        < 0 => DualPathBranch.Synchronous,
        _ => DualPathBranch.Either,
    };

    /// <summary>+1 when the condition is true exactly on the async side, -1 on the synchronous side, 0 when it tests a flag in a way not followed, null when it tests none.</summary>
    private int? Polarity(ExpressionSyntax condition)
    {
        switch (condition)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Polarity(parenthesized.Expression);
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not:
                return -Polarity(not.Operand);
            case IdentifierNameSyntax identifier when _bools.Contains(identifier.Identifier.ValueText):
                return 1;
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression or (int)SyntaxKind.NotEqualsExpression } comparison
                when (Compared(comparison.Left, comparison.Right) ?? Compared(comparison.Right, comparison.Left)) is { } equalWhen:
                return comparison.IsKind(SyntaxKind.EqualsExpression) ? equalWhen : -equalWhen;
        }

        return condition.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
            .Any(i => _bools.Contains(i.Identifier.ValueText) || _enums.Contains(i.Identifier.ValueText)) ? 0 : null;
    }

    // async == true, io == IOBehavior.Synchronous: the polarity of the equality.
    private int? Compared(ExpressionSyntax flag, ExpressionSyntax value)
    {
        if (flag is not IdentifierNameSyntax { Identifier.ValueText: var name })
        {
            return null;
        }

        if (_bools.Contains(name))
        {
            return value.Kind() switch
            {
                SyntaxKind.TrueLiteralExpression => 1,
                SyntaxKind.FalseLiteralExpression => -1,
                _ => null,
            };
        }

        var member = value is MemberAccessExpressionSyntax access ? access.Name.Identifier.ValueText : null;
        return !_enums.Contains(name) ? null : member switch
        {
            "Asynchronous" or "Async" => 1,
            "Synchronous" or "Sync" => -1,
            _ => null,
        };
    }

    private static bool AlwaysExits(StatementSyntax statement) => statement switch
    {
        ReturnStatementSyntax or ThrowStatementSyntax => true,
        BlockSyntax { Statements.Count: > 0 } block => AlwaysExits(block.Statements[block.Statements.Count - 1]),
        _ => false,
    };
}
