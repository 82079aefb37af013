using Concurrency.Analyzers.Model.SharedState;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Concurrency.Analyzers.Rules.SharedState;

/// <summary>
/// CONC303's choice of fix for each race (the analyzer's other half): the concurrent counterpart
/// when every use of the variable exists on it, else a lock — the lock the other access holds, the
/// type's one gate, or a new gate field with a name nothing in the type uses.
/// </summary>
public sealed partial class UnsafeCollectionAnalyzer
{
    // The concurrent counterpart, when the variable is a local or a private field declared once, in the
    // diagnostic's document, and every use of it exists on the counterpart.
    private static UnsafeCollectionFix? TypeChange(Access mutation, List<Access> all, INamedTypeSymbol type, UnsafeCollections collections)
    {
        var info = mutation.Info;
        if (info.Counterpart is null || mutation.Instance is not null
            || mutation.Symbol is not (ILocalSymbol or IFieldSymbol { DeclaredAccessibility: Accessibility.Private })
            || mutation.Symbol is IFieldSymbol && type.GetTypeMembers().Length > 0
            || mutation.Symbol.DeclaringSyntaxReferences is not { Length: 1 } references
            || references[0].GetSyntax() is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1 } declaration } declarator
            || declaration.Parent is not (FieldDeclarationSyntax or LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, IsConst: false })
            || declarator.SyntaxTree != mutation.Reference.Syntax.SyntaxTree
            || mutation.Reference.Type is not INamedTypeSymbol collection
            || collections.Counterpart(info, collection) is not { } counterpart)
        {
            return null;
        }

        var types = ImmutableArray.CreateBuilder<TextSpan>();
        var adds = ImmutableArray.CreateBuilder<TextSpan>();
        var ifs = ImmutableArray.CreateBuilder<TextSpan>();
        if (!declaration.Type.IsVar)
        {
            if (!IsGenericName(declaration.Type))
            {
                return null;
            }

            types.Add(declaration.Type.Span);
        }
        else if (declarator.Initializer is null)
        {
            return null;
        }

        if (declarator.Initializer is { } initializer && !IsPlainCreation(initializer.Value, info, types))
        {
            return null;
        }

        foreach (var use in all.Where(a => SymbolEqualityComparer.Default.Equals(a.Symbol, mutation.Symbol)))
        {
            if (use.Reference.Syntax.SyntaxTree != declarator.SyntaxTree || !IsCompatible(use, info, counterpart, types, adds, ifs))
            {
                return null;
            }
        }

        return new UnsafeCollectionFix(UnsafeCollectionFixKind.ConcurrentType, string.Empty, false, info.Counterpart, types.ToImmutable(), adds.ToImmutable(), ifs.ToImmutable());
    }

    private static bool IsGenericName(TypeSyntax type) => type is GenericNameSyntax or QualifiedNameSyntax { Right: GenericNameSyntax } or AliasQualifiedNameSyntax { Name: GenericNameSyntax };

    // new List<T>(), new(): the counterpart has a constructor without arguments (and, for a bag, Add for a collection initializer).
    private static bool IsPlainCreation(ExpressionSyntax value, CollectionInfo info, ImmutableArray<TextSpan>.Builder types)
    {
        var initializerAllowed = info.Counterpart == "ConcurrentBag";
        switch (value)
        {
            case ImplicitObjectCreationExpressionSyntax implicitCreation when implicitCreation.ArgumentList.Arguments.Count == 0 && (implicitCreation.Initializer is null || initializerAllowed && implicitCreation.Initializer.IsKind(SyntaxKind.CollectionInitializerExpression)):
                return true;
            case ObjectCreationExpressionSyntax creation when IsGenericName(creation.Type) && (creation.ArgumentList is null || creation.ArgumentList.Arguments.Count == 0) && (creation.Initializer is null || initializerAllowed && creation.Initializer.IsKind(SyntaxKind.CollectionInitializerExpression)):
                types.Add(creation.Type.Span);
                return true;
            default:
                return false;
        }
    }

    private static bool IsCompatible(Access use, CollectionInfo info, INamedTypeSymbol counterpart, ImmutableArray<TextSpan>.Builder types, ImmutableArray<TextSpan>.Builder adds, ImmutableArray<TextSpan>.Builder ifs)
    {
        var reference = use.Reference;
        var compilation = reference.SemanticModel?.Compilation;
        switch (reference.Parent)
        {
            case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                return assignment.Parent is IExpressionStatementOperation && IsPlainCreation((ExpressionSyntax)assignment.Value.Syntax, info, types);
            case IInvocationOperation call when call.Instance == reference:
                if (info.CompatibleMethods.Contains(call.TargetMethod.Name))
                {
                    return true;
                }

                if (info.Counterpart == "ConcurrentDictionary" && call.TargetMethod.Name == "Add" && call.Parent is IExpressionStatementOperation { Syntax: ExpressionStatementSyntax statement }
                    && call.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } invocation)
                {
                    adds.Add(access.Name.Span);
                    if (GuardingIf(statement, access.Expression, invocation) is { } guard)
                    {
                        ifs.Add(guard.Span);
                    }

                    return true;
                }

                return false;
            case IPropertyReferenceOperation property when property.Instance == reference:
                return property.Property.Name == "Count"
                    || info.Counterpart == "ConcurrentDictionary" && (property.Property.IsIndexer || property.Property.Name is "Keys" or "Values" && IsEnumerated(property));
        }

        if (IsEnumerated(reference) || reference.Parent is INameOfOperation)
        {
            return true;
        }

        // Converted to an interface the counterpart implements too: IEnumerable<T> for LINQ, an argument, a return.
        return reference.Parent is IConversionOperation { IsImplicit: true, Type: { } target } && compilation is not null
            && target.TypeKind == TypeKind.Interface
            && compilation.ClassifyCommonConversion(counterpart, target) is { IsImplicit: true, IsReference: true };
    }

    // foreach (var x in list).
    private static bool IsEnumerated(IOperation value)
    {
        var current = value;
        while (current.Parent is IConversionOperation { IsImplicit: true } conversion)
        {
            current = conversion;
        }

        return current.Parent is IForEachLoopOperation loop && loop.Collection == current;
    }

    // if (!d.ContainsKey(k)) d.Add(k, v); — with no else, the same dictionary and key.
    private static IfStatementSyntax? GuardingIf(ExpressionStatementSyntax statement, ExpressionSyntax dictionary, InvocationExpressionSyntax add)
    {
        var owner = statement.Parent is BlockSyntax { Statements.Count: 1 } block ? block.Parent : statement.Parent;
        if (owner is not IfStatementSyntax { Else: null, Parent: BlockSyntax } guard
            || guard.Condition is not PrefixUnaryExpressionSyntax not || !not.IsKind(SyntaxKind.LogicalNotExpression)
            || not.Operand is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax check } contains
            || check.Name.Identifier.ValueText != "ContainsKey"
            || !SyntaxFactory.AreEquivalent(check.Expression, dictionary)
            || contains.ArgumentList.Arguments.Count != 1 || add.ArgumentList.Arguments.Count != 2
            || !SyntaxFactory.AreEquivalent(contains.ArgumentList.Arguments[0], add.ArgumentList.Arguments[0]))
        {
            return null;
        }

        return guard;
    }

    // A lock around the mutating statement: the lock the other access holds, the type's one gate, or a new gate.
    private static UnsafeCollectionFix LockFix(Race race, INamedTypeSymbol type, GateNames gates)
    {
        var mutation = race.Mutation;
        var statement = StatementOf(mutation.Site!.Syntax);
        if (mutation.Locks.Count > 0 || mutation.Instance is not null || type.TypeKind != TypeKind.Class || !GuardedAccessFixes.CanWrap(statement))
        {
            return UnsafeCollectionFix.None; // a lock is held here: the other access needs it, which a person decides
        }

        var isStatic = mutation.Member.IsStatic;
        var names = race.Partner?.Locks.Where(k => HeldLocks.ObjectOf(k) == "this").Select(HeldLocks.NameOf).ToList() ?? new List<string>();
        names.AddRange(ExistingGates(type, isStatic));
        foreach (var name in names.Distinct())
        {
            if (name != "this" && GuardedAccessFixes.For(mutation.Reference, statement, type, name) is { Kind: not GuardedAccessFixKind.None } existing
                && HeldLocks.LockMember(type, name) is { } member && (member.IsStatic || !isStatic))
            {
                return UnsafeCollectionFix.Locked(existing.Kind == GuardedAccessFixKind.Hold ? UnsafeCollectionFixKind.Hold : UnsafeCollectionFixKind.Lock, existing.Gate);
            }
        }

        if (type.DeclaringSyntaxReferences.Length != 1 || statement!.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not ClassDeclarationSyntax)
        {
            return UnsafeCollectionFix.None; // a partial type's other parts may declare the same name
        }

        gates.Need(isStatic);
        return UnsafeCollectionFix.Locked(UnsafeCollectionFixKind.NewGate, "_gate", isStatic);
    }

    // The type's one private readonly lock object (object, System.Threading.Lock, a runtime lock), if it has exactly one.
    private static IEnumerable<string> ExistingGates(INamedTypeSymbol type, bool isStatic)
    {
        var gates = type.GetMembers().OfType<IFieldSymbol>()
            .Where(f => f.IsReadOnly && !f.IsImplicitlyDeclared && f.DeclaredAccessibility == Accessibility.Private && (f.IsStatic || !isStatic)
                && (f.Type.SpecialType == SpecialType.System_Object || f.Type is { Name: "Lock" or "RLock", ContainingNamespace.Name: "Threading" }))
            .ToList();
        return gates.Count == 1 ? new[] { gates[0].Name } : Array.Empty<string>();
    }

    // The statement the mutation is in, within its own function (an expression-bodied lambda has none).
    private static StatementSyntax? StatementOf(SyntaxNode node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case StatementSyntax statement:
                    return statement;
                case AnonymousFunctionExpressionSyntax or MemberDeclarationSyntax or ArrowExpressionClauseSyntax:
                    return null;
            }
        }

        return null;
    }

    // The names of new gate fields: one per type for instance code, one for static code, neither taken.
    private sealed class GateNames
    {
        private readonly INamedTypeSymbol _type;
        private bool _instance;
        private List<string>? _names;

        public GateNames(INamedTypeSymbol type) => _type = type;

        public void Need(bool isStatic) => _instance |= !isStatic;

        public string NameFor(bool isStatic)
        {
            if (_names is null)
            {
                var taken = new HashSet<string>(StringComparer.Ordinal);
                for (var current = _type; current is not null; current = current.BaseType)
                {
                    taken.UnionWith(current.GetMembers().Select(m => m.Name));
                }

                foreach (var reference in _type.DeclaringSyntaxReferences)
                {
                    taken.UnionWith(reference.GetSyntax().DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
                }

                _names = Enumerable.Range(1, 100).Select(i => i == 1 ? "_gate" : "_gate" + i).Where(n => !taken.Contains(n)).Take(2).ToList();
            }

            return isStatic && _instance ? _names[1] : _names[0];
        }
    }
}
