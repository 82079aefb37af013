using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>What is wrong with an object a lock is taken on (CONC104), if anything.</summary>
internal enum LockObjectKind
{
    /// <summary>A private object that never changes, a local or a parameter: nothing to say.</summary>
    Fine,

    /// <summary><c>this</c>: any code with a reference can lock it too.</summary>
    This,

    /// <summary><c>this</c>, which the type also waits on or pulses (<c>Monitor.Wait/Pulse(this)</c>): a condition, locked on purpose.</summary>
    ThisAsCondition,

    /// <summary><c>typeof(T)</c>: shared by the whole process.</summary>
    TypeObject,

    /// <summary>A string constant: interned, shared with every lock on the same text.</summary>
    String,

    /// <summary>A boxed value: a new box every time, the lock excludes nothing.</summary>
    Boxed,

    /// <summary>An object created in the lock expression: new every time, the lock excludes nothing.</summary>
    Created,

    /// <summary>A public or protected field or property: other code can lock it, and may be meant to (<c>SyncRoot</c>).</summary>
    Visible,

    /// <summary>A field that is not readonly and is assigned outside construction: threads may lock different objects.</summary>
    Reassigned,
}

/// <summary>
/// CONC104's judgement of lock objects, one per compilation (it caches which fields are reassigned
/// and which types use <c>this</c> as a condition), and the <c>.editorconfig</c> option that asks for
/// visible lock objects too: <c>dotnet_diagnostic.CONC104.report_visible_lock_objects = true</c>.
/// </summary>
internal sealed class LockObjects
{
    /// <summary>The <c>.editorconfig</c> key: report public and protected lock objects and <c>this</c> used as a condition too.</summary>
    public const string ReportVisibleOptionKey = "dotnet_diagnostic.CONC104.report_visible_lock_objects";

    private static readonly ConditionalWeakTable<Compilation, LockObjects> PerCompilation = new();

    private readonly Compilation _compilation;
    private readonly INamedTypeSymbol? _monitor;
    private readonly ConcurrentDictionary<IFieldSymbol, bool> _reassigned = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _thisAsCondition = new(SymbolEqualityComparer.Default);

    private LockObjects(Compilation compilation)
    {
        _compilation = compilation;
        _monitor = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Monitor);
    }

    public static LockObjects For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new LockObjects(c));

    /// <summary>The Monitor type, whose Enter/TryEnter take a lock as a lock statement does.</summary>
    public INamedTypeSymbol? Monitor => _monitor;

    /// <summary>
    /// Whether a kind is reported: the objects that are a mistake by themselves always; an object
    /// other code can see (a public or protected member — <c>SyncRoot</c> for derived types or
    /// <c>ICollection.SyncRoot</c> — or <c>this</c> used as a condition) only when the option asks.
    /// </summary>
    public static bool IsReported(LockObjectKind kind, bool reportVisible) => kind switch
    {
        LockObjectKind.Fine => false,
        LockObjectKind.Visible or LockObjectKind.ThisAsCondition => reportVisible,
        _ => true,
    };

    /// <summary>Whether a kind can be replaced by a private gate (a boxed value: which object was meant is unclear).</summary>
    public static bool IsFixable(LockObjectKind kind) => kind != LockObjectKind.Boxed;

    /// <summary>What is wrong with the object <paramref name="locked"/> (the lock expression or Monitor argument).</summary>
    public LockObjectKind Classify(IOperation locked, CancellationToken cancellationToken)
    {
        if (locked is IConversionOperation { Operand.Type.IsValueType: true })
        {
            return LockObjectKind.Boxed;
        }

        locked = OperationHelpers.WalkDownConversion(locked);
        switch (locked)
        {
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance, Type: INamedTypeSymbol type }:
                return UsesThisAsCondition(type, cancellationToken) ? LockObjectKind.ThisAsCondition : LockObjectKind.This;
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                return LockObjectKind.This;
            case ITypeOfOperation:
                return LockObjectKind.TypeObject;
            case IObjectCreationOperation or IArrayCreationOperation or IAnonymousObjectCreationOperation:
                return LockObjectKind.Created;
            case { ConstantValue: { HasValue: true, Value: string } }:
                return LockObjectKind.String;
            case IFieldReferenceOperation { Field: var field }:
                if (!field.IsReadOnly && !field.IsConst && _reassigned.GetOrAdd(field.OriginalDefinition, f => IsReassigned(f, cancellationToken)))
                {
                    return LockObjectKind.Reassigned;
                }

                return IsVisible(field) ? LockObjectKind.Visible : LockObjectKind.Fine;
            case IPropertyReferenceOperation { Property: var property } when IsVisible(property):
                return LockObjectKind.Visible;
            default:
                return LockObjectKind.Fine;
        }
    }

    private static bool IsVisible(ISymbol member) =>
        member.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal;

    /// <summary>
    /// Whether the type's code waits on or pulses <c>this</c> (<c>Monitor.Wait(this)</c>,
    /// <c>Pulse</c>, <c>PulseAll</c>): the instance is a condition, which must be locked to be waited on.
    /// </summary>
    private bool UsesThisAsCondition(INamedTypeSymbol type, CancellationToken cancellationToken) => _thisAsCondition.GetOrAdd(type.OriginalDefinition, t =>
    {
        foreach (var reference in t.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            SemanticModel? model = null;
            foreach (var call in declaration.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Wait" or "Pulse" or "PulseAll" }
                    && call.ArgumentList.Arguments.Count > 0
                    && call.ArgumentList.Arguments[0].Expression is ThisExpressionSyntax
                    && call.Ancestors().OfType<TypeDeclarationSyntax>().FirstOrDefault() == declaration)
                {
#pragma warning disable RS1030 // The type's other parts may be in other files than the one analyzed.
                    model ??= _compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
                    if (TaskSymbols.Is((model.GetSymbolInfo(call, cancellationToken).Symbol as IMethodSymbol)?.ContainingType, _monitor))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    });

    /// <summary>
    /// Whether the field is assigned anywhere but its initializer and its own type's constructors: in
    /// its type's declarations (nested types included) for a private field, anywhere in the
    /// compilation for an internal one. Instantiations of a generic type share the field's declaration
    /// (<c>Slot&lt;int&gt;.s_gate = …</c> reassigns <c>Slot&lt;T&gt;.s_gate</c> for one T).
    /// </summary>
    private bool IsReassigned(IFieldSymbol field, CancellationToken cancellationToken)
    {
        var declarations = field.ContainingType.DeclaringSyntaxReferences;
        var scopes = field.DeclaredAccessibility == Accessibility.Private
            ? declarations.Select(reference => reference.GetSyntax(cancellationToken))
            : _compilation.SyntaxTrees.Select(tree => tree.GetRoot(cancellationToken));
        foreach (var scope in scopes)
        {
#pragma warning disable RS1030 // The field's type may be declared in other files (partial types), and an internal field written from any file, than the one analyzed.
            var model = _compilation.GetSemanticModel(scope.SyntaxTree);
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
