using System.Collections.Concurrent;
using Concurrency.Analyzers.Model.SharedState;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.SharedState;

/// <summary>
/// CONC301: an unsynchronized write to shared state (course topic 3.5: <c>count += 1</c> from
/// several threads is a race, GIL or not). A field of the type, or a variable a lambda captures,
/// written where <see cref="SharedAccesses.MayRace"/> finds another access that can run at the same
/// time with no lock in common: in another concurrent context, in another copy of the same one, in
/// the code that started the worker before it waits for it, or in another member of the type that
/// started it. Reported at the write (one per statement), with the other access as the additional
/// location. Accesses through <c>Interlocked</c> and <c>Volatile</c> are atomic: neither sites nor
/// partners (a plain write beside them still races). Looked at only in types that start or hold concurrent code
/// (<see cref="ConcurrentContexts.Involves"/>). Left to their own rules: <c>bool</c> and enum flags
/// (CONC306), fields marked <c>[GuardedBy]</c> (CONC305), collections' contents (CONC303).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnsynchronizedWriteAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.UnsynchronizedWrite, RuleDescriptors.UnsynchronizedWriteBesideItself, RuleDescriptors.UnsynchronizedWriteBesideWorker);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var shared = SharedAccesses.For(start.Compilation);
            var interlocked = start.Compilation.GetTypeByMetadataName(KnownTypes.Bcl.Interlocked);
            start.RegisterSymbolStartAction(
                symbol =>
                {
                    var type = (INamedTypeSymbol)symbol.Symbol;
                    if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || !shared.Contexts.Involves(type))
                    {
                        return;
                    }

                    var accesses = new ConcurrentBag<SharedAccess>();
                    symbol.RegisterOperationAction(
                        operation =>
                        {
                            if (shared.Of(operation.Operation, operation.ContainingSymbol, operation.CancellationToken) is { } access && IsOwn(access.Variable, type))
                            {
                                accesses.Add(access);
                            }
                        },
                        OperationKind.FieldReference,
                        OperationKind.LocalReference,
                        OperationKind.ParameterReference);
                    symbol.RegisterSymbolEndAction(end => Report(end, type, accesses, interlocked));
                },
                SymbolKind.NamedType);
        });
    }

    // The type's own fields, and the locals and parameters of its members.
    private static bool IsOwn(ISymbol variable, INamedTypeSymbol type) =>
        variable is not IFieldSymbol field || SymbolEqualityComparer.Default.Equals(field.ContainingType.OriginalDefinition, type.OriginalDefinition);

    private static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, ConcurrentBag<SharedAccess> accesses, INamedTypeSymbol? interlocked)
    {
        foreach (var byVariable in accesses.GroupBy(a => a.Variable, SymbolEqualityComparer.Default))
        {
            var variable = byVariable.Key!;
            if (IsLeftToOtherRules(variable))
            {
                continue;
            }

            var all = byVariable.OrderBy(a => a.Operation.Syntax.SyntaxTree.FilePath, StringComparer.Ordinal).ThenBy(a => a.Operation.Syntax.SpanStart).ToList();
            var reported = new HashSet<SyntaxNode>();
            foreach (var write in all.Where(a => IsSite(a) && (a.Context is not null || a.RunningBeside.Count > 0)))
            {
                // The partner: the same code's other copies, else another access.
                var partner = SharedAccesses.MayRace(write, write) ? write : all.FirstOrDefault(other => other != write && SharedAccesses.MayRace(write, other));
                var statement = write.Operation.Syntax.FirstAncestorOrSelf<StatementSyntax>();
                if (partner is null || (statement is not null && !reported.Add(statement)))
                {
                    continue;
                }

                var properties = FixFor(write, statement, type, all, interlocked);
                var name = variable.Name;
                if (partner == write)
                {
                    context.ReportDiagnostic(Diagnostic.Create(RuleDescriptors.UnsynchronizedWriteBesideItself, write.Operation.Syntax.GetLocation(), properties, name, Where(write)));
                }
                else if (write.Context is null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        RuleDescriptors.UnsynchronizedWriteBesideWorker,
                        write.Operation.Syntax.GetLocation(),
                        new[] { partner.Operation.Syntax.GetLocation() },
                        properties,
                        name,
                        partner.Context!.Start,
                        OperationHelpers.Place(partner.Operation.Syntax.GetLocation())));
                }
                else
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        RuleDescriptors.UnsynchronizedWrite,
                        write.Operation.Syntax.GetLocation(),
                        new[] { partner.Operation.Syntax.GetLocation() },
                        properties,
                        name,
                        Where(write),
                        OperationHelpers.Place(partner.Operation.Syntax.GetLocation()),
                        Where(partner)));
                }
            }
        }
    }

    // The writes reported: not x ??= v (check-then-act: CONC304's), nor ref x passed on (the callee
    // may only read it, or update it with Interlocked: real code did both).
    private static bool IsSite(SharedAccess access) =>
        access.IsWrite && access.Operation.Parent is not (ICoalesceAssignmentOperation or IArgumentOperation);

    // How a message says where an access runs: 'Work' (new Thread in Main (Program.cs:9)).
    private static string Where(SharedAccess access)
    {
        var member = access.Member switch
        {
            IMethodSymbol { AssociatedSymbol: { } property } => property.Name,
            IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } constructor => constructor.ContainingType.Name,
            _ => access.Member.Name,
        };
        return access.Context is { } context ? $"'{member}' ({context.Describe()})" : $"'{member}'";
    }

    // Flags are CONC306's, [GuardedBy] members CONC305's.
    private static bool IsLeftToOtherRules(ISymbol variable)
    {
        var type = variable.GetSymbolType();
        return type is null
            || type.SpecialType == SpecialType.System_Boolean
            || type.TypeKind == TypeKind.Enum
            || variable.GetAttributes().Any(a => a.AttributeClass?.Name is "GuardedByAttribute" or "GuardedBy");
    }

    // Interlocked for a counter's statement; else the lock the variable's other accesses hold; else none.
    private static ImmutableDictionary<string, string?> FixFor(SharedAccess write, StatementSyntax? statement, INamedTypeSymbol type, List<SharedAccess> all, INamedTypeSymbol? interlocked)
    {
        if (statement is ExpressionStatementSyntax && AtomicKind(write.Operation, interlocked) is { } kind)
        {
            return new UnsynchronizedWriteFix(kind).ToProperties();
        }

        var gate = all.SelectMany(a => a.Locks).Where(key => HeldLocks.ObjectOf(key) == "this").Select(HeldLocks.NameOf).FirstOrDefault(name => name != "this");
        if (gate is not null && write.Variable is IFieldSymbol)
        {
            var fix = GuardedAccessFixes.For(write.Operation, statement, type, gate);
            if (fix.Kind != GuardedAccessFixKind.None)
            {
                return fix.ToProperties();
            }
        }

        return new UnsynchronizedWriteFix(UnsynchronizedWriteFixKind.None).ToProperties();
    }

    // x++ / x-- / x += v / x -= v / x = v as a whole statement, on a type Interlocked has the method for.
    private static UnsynchronizedWriteFixKind? AtomicKind(IOperation reference, INamedTypeSymbol? interlocked)
    {
        if (interlocked is null || reference.Parent?.Parent is not IExpressionStatementOperation)
        {
            return null;
        }

        var (kind, method) = reference.Parent switch
        {
            IIncrementOrDecrementOperation { Kind: OperationKind.Increment } => (UnsynchronizedWriteFixKind.Increment, "Increment"),
            IIncrementOrDecrementOperation { Kind: OperationKind.Decrement } => (UnsynchronizedWriteFixKind.Decrement, "Decrement"),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract, IsChecked: false } compound when compound.Target == reference => (UnsynchronizedWriteFixKind.Add, "Add"),
            ISimpleAssignmentOperation assignment when assignment.Target == reference && !assignment.IsRef => (UnsynchronizedWriteFixKind.Exchange, "Exchange"),
            _ => (UnsynchronizedWriteFixKind.None, string.Empty),
        };
        var type = reference.Type;
        if (kind == UnsynchronizedWriteFixKind.None || type is null || reference.Parent is IIncrementOrDecrementOperation { IsChecked: true }
            || type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64)
            && !(kind == UnsynchronizedWriteFixKind.Exchange && type.SpecialType is SpecialType.System_Double or SpecialType.System_Single))
        {
            return null;
        }

        // Unsigned overloads came with .NET 5; a subtraction of an unsigned value cannot be negated.
        var exists = interlocked.GetMembers(method).OfType<IMethodSymbol>().Any(m => m.Parameters.Length > 0 && m.Parameters[0].RefKind == RefKind.Ref && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, type));
        var unsignedSubtraction = reference.Parent is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Subtract } && type.SpecialType is SpecialType.System_UInt32 or SpecialType.System_UInt64;
        return exists && !unsignedSubtraction ? kind : null;
    }
}
