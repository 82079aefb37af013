using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Locks;

/// <summary>
/// CONC104: a lock taken on an object that other code can also lock, or that changes: <c>this</c>,
/// <c>typeof(T)</c>, a string constant, a boxed value, an object created in the lock expression, a
/// public field or property, or a field that is not readonly and is reassigned outside construction.
/// Checked on <c>lock</c> statements and on <c>Monitor.Enter/TryEnter</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedLockObjectAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.SharedLockObject);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var monitor = start.Compilation.GetTypeByMetadataName(KnownTypes.Bcl.Monitor);
            var reassigned = new ConcurrentDictionary<IFieldSymbol, bool>(SymbolEqualityComparer.Default);
            start.RegisterOperationAction(
                operation =>
                {
                    var locked = operation.Operation switch
                    {
                        ILockOperation lockOperation => lockOperation.LockedValue,
                        IInvocationOperation { TargetMethod.Name: "Enter" or "TryEnter", Arguments.Length: > 0 } enter
                            when TaskSymbols.Is(enter.TargetMethod.ContainingType, monitor) => enter.Arguments[0].Value,
                        _ => null,
                    };
                    if (locked is not null && Classify(locked, start.Compilation, reassigned, operation.CancellationToken) is { } fixable)
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(
                            RuleDescriptors.SharedLockObject,
                            locked.Syntax.GetLocation(),
                            new SharedLockObjectFix(fixable ? SharedLockObjectFixKind.PrivateGate : SharedLockObjectFixKind.None).ToProperties(),
                            locked.Syntax.ToString()));
                    }
                },
                OperationKind.Lock,
                OperationKind.Invocation);
        });
    }

    /// <summary>Null when the lock object is fine; otherwise whether a private gate can replace it.</summary>
    private static bool? Classify(IOperation locked, Compilation compilation, ConcurrentDictionary<IFieldSymbol, bool> reassigned, System.Threading.CancellationToken cancellationToken)
    {
        if (locked is IConversionOperation { Operand.Type.IsValueType: true })
        {
            return false; // a boxed value: a new box every time, the lock excludes nothing; no mechanical fix
        }

        locked = OperationHelpers.WalkDownConversion(locked);
        switch (locked)
        {
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
            case ITypeOfOperation:
            case IObjectCreationOperation or IArrayCreationOperation or IAnonymousObjectCreationOperation:
                return true;
            case { ConstantValue: { HasValue: true, Value: string } }:
                return true;
            case IFieldReferenceOperation { Field: var field }:
                if (field.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal)
                {
                    return true;
                }

                return !field.IsReadOnly && !field.IsConst && reassigned.GetOrAdd(field.OriginalDefinition, f => IsReassigned(f, compilation, cancellationToken)) ? true : null;
            case IPropertyReferenceOperation { Property.DeclaredAccessibility: Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal }:
                return true;
            default:
                return null;
        }
    }

    /// <summary>
    /// Whether the field is assigned anywhere but its initializer and its own type's constructors: in
    /// its type's declarations (nested types included) for a private field, anywhere in the
    /// compilation for an internal one. Instantiations of a generic type share the field's declaration
    /// (<c>Slot&lt;int&gt;.s_gate = …</c> reassigns <c>Slot&lt;T&gt;.s_gate</c> for one T).
    /// </summary>
    private static bool IsReassigned(IFieldSymbol field, Compilation compilation, System.Threading.CancellationToken cancellationToken)
    {
        var declarations = field.ContainingType.DeclaringSyntaxReferences;
        var scopes = field.DeclaredAccessibility == Accessibility.Private
            ? declarations.Select(reference => reference.GetSyntax(cancellationToken))
            : compilation.SyntaxTrees.Select(tree => tree.GetRoot(cancellationToken));
        foreach (var scope in scopes)
        {
#pragma warning disable RS1030 // The field's type may be declared in other files (partial types), and an internal field written from any file, than the one analyzed.
            var model = compilation.GetSemanticModel(scope.SyntaxTree);
#pragma warning restore RS1030
            foreach (var name in scope.DescendantNodes().OfType<IdentifierNameSyntax>().Where(n => n.Identifier.ValueText == field.Name))
            {
                var written = name.Parent switch
                {
                    AssignmentExpressionSyntax assignment => assignment.Left == name,
                    MemberAccessExpressionSyntax { Parent: AssignmentExpressionSyntax assignment } access when access.Name == name => assignment.Left == access,
                    ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
                    _ => false,
                };
                // A constructor of the field's own type (not of a nested or another type), static for a static field.
                var inConstructor = name.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is { Parent: { } owner } constructor
                    && constructor.Modifiers.Any(SyntaxKind.StaticKeyword) == field.IsStatic
                    && declarations.Any(d => d.SyntaxTree == owner.SyntaxTree && d.Span == owner.Span);
                if (written && !inConstructor
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol?.OriginalDefinition, field))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
