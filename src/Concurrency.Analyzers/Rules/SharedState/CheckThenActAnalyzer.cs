using System.Collections.Concurrent;
using System.Threading;
using Concurrency.Analyzers.Model.SharedState;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.SharedState;

/// <summary>
/// CONC304: a check and the act that depends on it with no lock held around both (course topic
/// 3.4: a lock makes the check and the act one step) — three shapes (<see cref="CheckThenActs"/>):
/// lazy initialization of a field (<c>if (_x == null) _x = …;</c>, <c>_x ??= …</c>) in code that runs
/// concurrently (<see cref="ConcurrentContexts"/>) or in a type with thread-safety intent (it takes
/// locks, or uses <c>Interlocked</c> or <c>volatile</c>); a check-then-act on a collection field or
/// captured local (<c>if (!_d.ContainsKey(k)) _d[k] = …;</c>) in code that runs concurrently; and
/// double-checked locking of a field that is not <c>volatile</c>, wherever it is (the lock shows the
/// intent). Reported at the check's read, with the act as the additional location. Not reported:
/// <c>readonly</c>, <c>[ThreadStatic]</c> and <c>[GuardedBy]</c> fields (CONC305 checks those), locals
/// no lambda captures, the type's constructors, check and act under one lock, and writes through
/// <c>Interlocked</c>, <c>Volatile</c> or <c>LazyInitializer</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CheckThenActAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.CheckThenAct, RuleDescriptors.DoubleCheckedLocking);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var compilation = start.Compilation;
            var symbols = new Symbols(compilation);
            var held = HeldLocks.For(compilation);
            var contexts = ConcurrentContexts.For(compilation);
            var index = LockSyntaxIndex.For(compilation);
            var intent = new ConcurrentDictionary<INamedTypeSymbol, string?>(SymbolEqualityComparer.Default);
            start.RegisterOperationAction(
                operation =>
                {
                    var found = operation.Operation switch
                    {
                        IConditionalOperation test => CheckThenActs.Of(test, held, operation.CancellationToken),
                        ICoalesceAssignmentOperation coalesce when coalesce.Parent is not null => CheckThenActs.Of(coalesce),
                        _ => null,
                    };
                    if (found is not null)
                    {
                        Analyze(operation, found, symbols, held, contexts, type => intent.GetOrAdd(type, t => IntentOf(t, index, operation.CancellationToken)));
                    }
                },
                OperationKind.Conditional,
                OperationKind.CoalesceAssignment);
        });
    }

    private static void Analyze(OperationAnalysisContext context, CheckThenAct found, Symbols symbols, HeldLocks held, ConcurrentContexts contexts, Func<INamedTypeSymbol, string?> intentOf)
    {
        var cancellationToken = context.CancellationToken;
        if (!IsShared(found, context.ContainingSymbol, symbols, cancellationToken)
            || (found.Act == found.Check.Parent
                ? held.HeldAt(found.Act, cancellationToken).Count > 0
                : held.HeldAt(found.Check, cancellationToken).Intersect(held.HeldAt(found.Act, cancellationToken)).Any()))
        {
            return; // one lock around the check and the act
        }

        var concurrent = contexts.Of(found.Check, context.ContainingSymbol);
        var field = found.Target as IFieldSymbol;
        string? how = concurrent?.Describe();
        object? reason = how;
        switch (found.Shape)
        {
            case CheckThenActShape.DoubleCheckedLocking:
                if (field is null || field.IsVolatile)
                {
                    return;
                }

                reason ??= PathReasons.Localized("CONC304_TypeTakesLocks");
                context.ReportDiagnostic(Diagnostic.Create(
                    RuleDescriptors.DoubleCheckedLocking,
                    found.Check.Syntax.GetLocation(),
                    new[] { found.Act.Syntax.GetLocation() },
                    new CheckThenActFix(VolatileFix(field, found.Check.Syntax.SyntaxTree, cancellationToken)).ToProperties(),
                    field.Name,
                    OperationHelpers.Place(found.Act.Syntax.GetLocation()),
                    reason));
                return;
            case CheckThenActShape.LazyInitialization:
                if (field is null)
                {
                    return;
                }

                reason ??= intentOf(field.ContainingType) is { } intent ? PathReasons.Localized(intent) : null;
                break;
            case CheckThenActShape.Collection:
                break;
        }

        if (reason is null)
        {
            return;
        }

        var fix = found.Shape == CheckThenActShape.LazyInitialization ? LazyFix(found, symbols) : TryAddFix(found, symbols);
        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.CheckThenAct,
            found.Check.Syntax.GetLocation(),
            new[] { found.Act.Syntax.GetLocation() },
            new CheckThenActFix(fix).ToProperties(),
            PathReasons.Localized(found.Shape == CheckThenActShape.LazyInitialization ? "CONC304_LazyInitialization" : "CONC304_Collection"),
            found.Target.Name,
            OperationHelpers.Place(found.Act.Syntax.GetLocation()),
            reason));
    }

    // Whether the target can be seen by another thread: a field other than [ThreadStatic] and [GuardedBy]
    // ones (and readonly ones, but for the collection they keep), outside the type's constructors; or a local a lambda or local function captures.
    private static bool IsShared(CheckThenAct found, ISymbol member, Symbols symbols, CancellationToken cancellationToken)
    {
        switch (found.Target)
        {
            case IFieldSymbol field:
                return (!field.IsReadOnly || found.Shape == CheckThenActShape.Collection)
                    && !field.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, symbols.ThreadStatic) || a.AttributeClass?.Name is "GuardedByAttribute" or "GuardedBy")
                    && !FieldAccesses.IsInitialization((IFieldReferenceOperation)found.Check, member, ((IFieldReferenceOperation)found.Check).Field.OriginalDefinition);
            case ILocalSymbol local:
                var function = OperationHelpers.EnclosingFunction(found.Check) switch
                {
                    IAnonymousFunctionOperation lambda => lambda.Symbol,
                    ILocalFunctionOperation localFunction => localFunction.Symbol,
                    _ => member,
                };
                return !SymbolEqualityComparer.Default.Equals(local.ContainingSymbol, function) && !local.IsRef;
            default:
                return false;
        }
    }

    // Thread-safety intent, read from the text: the resource naming it, or null.
    private static string? IntentOf(INamedTypeSymbol type, LockSyntaxIndex index, CancellationToken cancellationToken)
    {
        var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).ToList();
        if (declarations.Any(d => index.MayTakeLocks(d, cancellationToken)))
        {
            return "CONC304_TypeTakesLocks";
        }

        return declarations.Any(d => d.DescendantTokens().Any(t => t.IsKind(SyntaxKind.VolatileKeyword) || t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == "Interlocked"))
            ? "CONC304_TypeUsesAtomics"
            : null;
    }

    // LazyInitializer.EnsureInitialized(ref _x, () => e): a reference-typed field of a class, and an
    // expression a lambda can carry (no await, no ref or ref-like locals and parameters).
    private static CheckThenActFixKind LazyFix(CheckThenAct found, Symbols symbols)
    {
        var field = (IFieldSymbol)found.Target;
        var value = found.Act switch
        {
            ISimpleAssignmentOperation assignment => assignment.Value,
            ICoalesceAssignmentOperation coalesce => coalesce.Value,
            _ => null,
        };
        if (symbols.LazyInitializer is null || value is null || !field.Type.IsReferenceType || field.ContainingType.IsValueType
            || value.DescendantsAndSelf().Any(o => o is IAwaitOperation
                || o is IParameterReferenceOperation { Parameter: var p } && (p.RefKind != RefKind.None || p.Type.IsRefLikeType)
                || o is ILocalReferenceOperation { Local: var l } && (l.IsRef || l.Type.IsRefLikeType)))
        {
            return CheckThenActFixKind.None;
        }

        if (found.Test is null)
        {
            return found.Act.Parent is IExpressionStatementOperation or IReturnOperation || found.Act.Syntax.Parent is ArrowExpressionClauseSyntax
                ? CheckThenActFixKind.EnsureInitialized
                : CheckThenActFixKind.None;
        }

        if (!IsSoleStatement(found.Test, found.Act) || found.Test.Syntax.Parent is not BlockSyntax block)
        {
            return CheckThenActFixKind.None;
        }

        var next = block.Statements.IndexOf((StatementSyntax)found.Test.Syntax) + 1;
        return next < block.Statements.Count && block.Statements[next] is ReturnStatementSyntax { Expression: { } returned }
            && returned.ToString() == found.Check.Syntax.ToString()
            ? CheckThenActFixKind.EnsureInitializedAndReturn
            : CheckThenActFixKind.EnsureInitialized;
    }

    // d.TryAdd(k, v): 'if (!d.ContainsKey(k)) d[k] = v;' on a ConcurrentDictionary.
    private static CheckThenActFixKind TryAddFix(CheckThenAct found, Symbols symbols) =>
        found.Test is { Condition: IUnaryOperation { Operand: IInvocationOperation { TargetMethod.Name: "ContainsKey" } } } test
        && found.Act is ISimpleAssignmentOperation
        && symbols.ConcurrentDictionary is not null
        && SymbolEqualityComparer.Default.Equals(found.Check.Type?.OriginalDefinition, symbols.ConcurrentDictionary)
        && IsSoleStatement(test, found.Act)
        && test.Syntax.Parent is BlockSyntax
            ? CheckThenActFixKind.TryAdd
            : CheckThenActFixKind.None;

    // 'if (c) act;' or 'if (c) { act; }', no else.
    private static bool IsSoleStatement(IConditionalOperation test, IOperation act) =>
        test.WhenFalse is null
        && act.Parent is IExpressionStatementOperation statement
        && (test.WhenTrue == statement || test.WhenTrue is IBlockOperation { Operations.Length: 1 } block && block.Operations[0] == statement);

    // 'volatile' on the field: declared in this file, of a type volatile allows, never passed by reference (CS0420).
    private static CheckThenActFixKind VolatileFix(IFieldSymbol field, SyntaxTree tree, CancellationToken cancellationToken)
    {
        if (field.DeclaringSyntaxReferences.FirstOrDefault() is not { } reference || reference.SyntaxTree != tree
            || reference.GetSyntax(cancellationToken).FirstAncestorOrSelf<FieldDeclarationSyntax>() is not { } declaration
            || !CanBeVolatile(field.Type))
        {
            return CheckThenActFixKind.None;
        }

        var byRef = field.ContainingType.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken).DescendantNodes().OfType<ArgumentSyntax>().Any(a =>
            !a.RefKindKeyword.IsKind(SyntaxKind.None)
            && a.Expression is IdentifierNameSyntax or MemberAccessExpressionSyntax
            && (a.Expression as IdentifierNameSyntax ?? ((MemberAccessExpressionSyntax)a.Expression).Name).Identifier.ValueText == field.Name));
        return byRef || declaration.Modifiers.Any(SyntaxKind.VolatileKeyword) ? CheckThenActFixKind.None : CheckThenActFixKind.Volatile;
    }

    // C# §15.5.4: reference types, type parameters known to be ones, pointers, the small primitives and enums over them.
    private static bool CanBeVolatile(ITypeSymbol type) =>
        type.IsReferenceType
        || type.TypeKind == TypeKind.Pointer
        || (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying } ? underlying.SpecialType : type.SpecialType) is
            SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32
            or SpecialType.System_Char or SpecialType.System_Single or SpecialType.System_Boolean or SpecialType.System_IntPtr or SpecialType.System_UIntPtr;

    private sealed class Symbols
    {
        public Symbols(Compilation compilation)
        {
            ThreadStatic = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ThreadStaticAttribute);
            LazyInitializer = compilation.GetTypeByMetadataName(KnownTypes.Bcl.LazyInitializer);
            ConcurrentDictionary = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ConcurrentDictionaryOfTKeyTValue);
        }

        public INamedTypeSymbol? ThreadStatic { get; }

        public INamedTypeSymbol? LazyInitializer { get; }

        public INamedTypeSymbol? ConcurrentDictionary { get; }
    }
}
