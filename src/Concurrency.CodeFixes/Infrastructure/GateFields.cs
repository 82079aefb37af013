using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Concurrency.CodeFixes.Infrastructure;

/// <summary>The private gate fields fixes add to a type to lock on (CONC104, CONC303).</summary>
internal static class GateFields
{
    /// <summary><c>private [static] readonly object name = new object();</c>, or a <c>System.Threading.Lock</c> when <paramref name="useLockType"/>.</summary>
    public static FieldDeclarationSyntax Declaration(string name, bool isStatic, bool useLockType)
    {
        var type = (useLockType ? ParseTypeName(KnownTypes.Bcl9.Lock) : PredefinedType(Token(SyntaxKind.ObjectKeyword)))
            .WithAdditionalAnnotations(Simplifier.Annotation);
        var modifiers = TokenList(new[] { Token(SyntaxKind.PrivateKeyword) }
            .Concat(isStatic ? new[] { Token(SyntaxKind.StaticKeyword) } : Array.Empty<SyntaxToken>())
            .Append(Token(SyntaxKind.ReadOnlyKeyword)));
        return FieldDeclaration(
                VariableDeclaration(type)
                    .WithVariables(SingletonSeparatedList(
                        VariableDeclarator(name).WithInitializer(EqualsValueClause(ObjectCreationExpression(type).WithArgumentList(ArgumentList()))))))
            .WithModifiers(modifiers)
            .WithAdditionalAnnotations(Formatter.Annotation);
    }
}
