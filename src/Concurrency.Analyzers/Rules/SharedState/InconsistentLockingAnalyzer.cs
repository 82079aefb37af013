using System.Collections.Concurrent;
using Concurrency.Analyzers.Model.SharedState;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.SharedState;

/// <summary>
/// CONC302: inconsistent locking of a field (course topic 3.4). In a type that takes locks — meant
/// to be used from several threads — a field written under a lock somewhere and read or written
/// elsewhere with no lock held: the unlocked access races with the locked write. Reported at each
/// unlocked access (one per statement), with a locked write as the additional location. Held: as
/// <see cref="HeldLocks"/> reads it, so a private helper every caller calls under the lock counts
/// as locked. Not reported: <c>readonly</c>, <c>const</c> and <c>volatile</c> fields, fields any code
/// passes to <c>Interlocked</c> or <c>Volatile</c> (an atomic protocol, not a lock), fields marked
/// <c>[GuardedBy]</c> (CONC305 checks them), the type's constructors and initializers, and
/// accesses of another object's field under that object's lock; reads of a reference-typed field
/// (publishing a reference is atomic and safe in .NET — what the object holds is CONC303's), and the
/// first read of a double-checked pattern whose function reads again under the lock, and the check
/// and the act of a lazy initialization (<see cref="CheckThenActs"/>: CONC304's).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InconsistentLockingAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.InconsistentLocking);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var index = LockSyntaxIndex.For(start.Compilation);
            var held = HeldLocks.For(start.Compilation);
            start.RegisterSymbolStartAction(
                symbol =>
                {
                    // Thread-safety intent, judged from the text first: a type none of whose parts takes a lock is not looked at.
                    var type = (INamedTypeSymbol)symbol.Symbol;
                    if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct)
                        || !type.DeclaringSyntaxReferences.Any(r => index.MayTakeLocks(r.GetSyntax(symbol.CancellationToken), symbol.CancellationToken)))
                    {
                        return;
                    }

                    var accesses = new ConcurrentBag<Access>();
                    symbol.RegisterOperationAction(operation => Collect(operation, type, held, accesses), OperationKind.FieldReference);
                    symbol.RegisterSymbolEndAction(end => Report(end, held, accesses));
                },
                SymbolKind.NamedType);
        });
    }

    private static void Collect(OperationAnalysisContext context, INamedTypeSymbol type, HeldLocks held, ConcurrentBag<Access> accesses)
    {
        var reference = (IFieldReferenceOperation)context.Operation;
        var field = reference.Field.OriginalDefinition;
        if (!SymbolEqualityComparer.Default.Equals(field.ContainingType, type)
            || field.IsReadOnly || field.IsConst || field.IsVolatile || field.IsImplicitlyDeclared
            || OperationHelpers.IsInsideNameOf(reference)
            || FieldAccesses.IsInitialization(reference, context.ContainingSymbol, field))
        {
            return;
        }

        var instance = reference.Instance is null or IInstanceReferenceOperation || reference.Instance.IsImplicit ? "this" : reference.Instance.Syntax.ToString();
        var locks = held.HeldAt(reference, context.CancellationToken)
            .Where(key => HeldLocks.ObjectOf(key) == instance)
            .Select(HeldLocks.NameOf)
            .ToList();
        var function = (OperationHelpers.EnclosingFunction(reference) ?? OperationHelpers.Root(reference)).Syntax;
        accesses.Add(new Access(reference, field, function, FieldAccesses.IsWrite(reference), FieldAccesses.IsAtomic(reference), locks));
    }

    private static void Report(SymbolAnalysisContext context, HeldLocks held, ConcurrentBag<Access> accesses)
    {
        foreach (var byField in accesses.GroupBy(a => a.Field, SymbolEqualityComparer.Default))
        {
            var all = byField.ToList();
            if (all.Any(a => a.IsAtomic) || ((IFieldSymbol)byField.Key!).GetAttributes().Any(a => a.AttributeClass?.Name is "GuardedByAttribute" or "GuardedBy"))
            {
                continue;
            }

            // The lock of the locked writes (the first in source order, for a stable message).
            var lockedWrite = all.Where(a => a.IsWrite && a.Locks.Count > 0).OrderBy(a => a.Operation.Syntax.SyntaxTree.FilePath, StringComparer.Ordinal).ThenBy(a => a.Operation.Syntax.SpanStart).FirstOrDefault();
            if (lockedWrite is null)
            {
                continue;
            }

            var reported = new HashSet<SyntaxNode>();
            var field = (IFieldSymbol)byField.Key!;
            foreach (var access in all.Where(a => a.Locks.Count == 0 && !IsBenignRead(a, field, all)).OrderBy(a => a.Operation.Syntax.SpanStart))
            {
                var statement = access.Operation.Syntax.FirstAncestorOrSelf<StatementSyntax>();
                if (statement is not null && reported.Contains(statement)
                    || CheckThenActs.IsPartOfLazyInitialization(access.Operation, held, context.CancellationToken))
                {
                    continue; // the check and the act of a lazy initialization are CONC304's
                }

                if (statement is not null && !reported.Add(statement))
                {
                    continue;
                }

                var gate = lockedWrite.Locks[0];
                var fix = GuardedAccessFixes.For(access.Operation, statement, access.Field.ContainingType, gate);
                context.ReportDiagnostic(Diagnostic.Create(
                    RuleDescriptors.InconsistentLocking,
                    access.Operation.Syntax.GetLocation(),
                    new[] { lockedWrite.Operation.Syntax.GetLocation() },
                    fix.ToProperties(),
                    access.Field.Name,
                    gate,
                    OperationHelpers.Place(lockedWrite.Operation.Syntax.GetLocation())));
            }
        }
    }

    // Reads the rule leaves alone: a reference read without the lock (publishing a reference is
    // atomic and safe in .NET: the object's contents are CONC303's), and the first check of a
    // double-checked read whose function checks again under the lock (CONC304's).
    private static bool IsBenignRead(Access access, IFieldSymbol field, List<Access> all) =>
        !access.IsWrite
        && (field.Type.IsReferenceType
            || all.Any(other => other.Function == access.Function && other.Locks.Count > 0 && other.Operation.Syntax.SpanStart > access.Operation.Syntax.SpanStart));

    private sealed class Access
    {
        public Access(IFieldReferenceOperation operation, IFieldSymbol field, SyntaxNode function, bool isWrite, bool isAtomic, List<string> locks)
        {
            Operation = operation;
            Field = field;
            Function = function;
            IsWrite = isWrite;
            IsAtomic = isAtomic;
            Locks = locks;
        }

        public IFieldReferenceOperation Operation { get; }

        public IFieldSymbol Field { get; }

        /// <summary>The function the access is in: a lambda, a local function, or the member.</summary>
        public SyntaxNode Function { get; }

        public bool IsWrite { get; }

        public bool IsAtomic { get; }

        public List<string> Locks { get; }
    }
}
