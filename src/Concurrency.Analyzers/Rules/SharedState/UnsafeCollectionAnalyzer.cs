using System.Collections.Concurrent;
using Concurrency.Analyzers.Model.SharedState;
using Concurrency.Analyzers.Model.Workers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Concurrency.Analyzers.Rules.SharedState;

/// <summary>
/// CONC303: a collection that is not thread-safe (<c>List&lt;T&gt;</c>, <c>Dictionary&lt;K,V&gt;</c>,
/// <c>HashSet&lt;T&gt;</c>, <c>Queue&lt;T&gt;</c>, <c>Stack&lt;T&gt;</c>, the sorted ones,
/// <c>LinkedList&lt;T&gt;</c>, <c>StringBuilder</c>) mutated without a lock in code that runs
/// concurrently (course topics 3.4, 3.5: there is no GIL; two threads adding at once lose items or
/// corrupt the collection). Reported at the mutation (<c>Add</c>, <c>Remove</c>, <c>Enqueue</c>, an
/// indexer set, …) when its concurrent context (<see cref="ConcurrentContexts"/>) runs concurrently
/// with itself (a <c>Parallel</c> body, a timer, a worker started in a loop), or when another access of
/// the same collection — the same field of the same object, or the same captured local — runs in
/// another context, or in the starter after the start and before a join, with no lock in common
/// (<see cref="HeldLocks"/>); and at a starter's mutation after the start that a worker's access races
/// with. The other access is the additional location. Not reported: a collection local to one run
/// of the concurrent code (declared inside the lambda, a parameter of it, a local of a method it
/// calls), <c>[ThreadStatic]</c> fields, values of a <c>ThreadLocal&lt;T&gt;</c> (not a variable),
/// the thread-safe collections, code with no concurrent context, and starter accesses before the
/// start or after a join, wait or await, or after a <c>Parallel</c> call (it waits for its bodies).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed partial class UnsafeCollectionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.UnsafeCollection, RuleDescriptors.UnsafeCollectionShared);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var collections = UnsafeCollections.For(start.Compilation);
            if (collections.IsEmpty)
            {
                return;
            }

            var contexts = ConcurrentContexts.For(start.Compilation);
            var held = HeldLocks.For(start.Compilation);
            start.RegisterSymbolStartAction(
                symbol =>
                {
                    var type = (INamedTypeSymbol)symbol.Symbol;
                    if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || !contexts.Involves(type))
                    {
                        return; // the type starts no worker and holds no code one reaches: none of its code races
                    }

                    var accesses = new ConcurrentBag<Access>();
                    symbol.RegisterOperationAction(
                        operation => Collect(operation, type, collections, contexts, held, accesses),
                        OperationKind.FieldReference,
                        OperationKind.LocalReference,
                        OperationKind.ParameterReference,
                        OperationKind.PropertyReference);
                    symbol.RegisterSymbolEndAction(end => Report(end, type, collections, accesses));
                },
                SymbolKind.NamedType);
        });
    }

    private static void Collect(OperationAnalysisContext context, INamedTypeSymbol type, UnsafeCollections collections, ConcurrentContexts contexts, HeldLocks held, ConcurrentBag<Access> accesses)
    {
        // The type's own code only: a nested type's is its own symbol's.
        if (!SymbolEqualityComparer.Default.Equals(context.ContainingSymbol.ContainingType?.OriginalDefinition, type.OriginalDefinition)
            || collections.InfoOf(context.Operation.Type) is not { } info
            || OperationHelpers.IsInsideNameOf(context.Operation)
            || FieldAccesses.IsLockedObject(context.Operation))
        {
            return;
        }

        ISymbol symbol;
        ISymbol? instance = null;
        var knownInstance = true;
        switch (context.Operation)
        {
            case IFieldReferenceOperation or IPropertyReferenceOperation:
                var member = (IMemberReferenceOperation)context.Operation;
                if (member is IFieldReferenceOperation { Field: var field } && (field.IsConst || collections.IsThreadStatic(field))
                    || member is IPropertyReferenceOperation { Property: var property } && !IsAutoProperty(property))
                {
                    return;
                }

                symbol = member.Member.OriginalDefinition;
                if (!member.Member.IsStatic && member.Instance is { } receiver && OperationHelpers.WalkDownConversion(receiver) is var value && value is not IInstanceReferenceOperation)
                {
                    // Another object's field: the same collection only through the same captured variable.
                    instance = OperationHelpers.ReferencedLocalOrParameter(value);
                    knownInstance = instance is not null;
                }

                break;
            case ILocalReferenceOperation local:
                symbol = local.Local;
                break;
            case IParameterReferenceOperation parameter:
                symbol = parameter.Parameter;
                break;
            default:
                return;
        }

        var reference = context.Operation;
        var site = MutationAt(reference, collections);
        accesses.Add(new Access(
            reference,
            symbol,
            instance,
            knownInstance,
            site,
            contexts.Of(reference, context.ContainingSymbol),
            held.HeldAt(reference, context.CancellationToken),
            context.ContainingSymbol,
            info));
    }

    // A property of our own that only keeps a value (get; set;): a variable, as a field is.
    private static bool IsAutoProperty(IPropertySymbol property) =>
        !property.IsIndexer
        && property.DeclaringSyntaxReferences.Length == 1
        && property.DeclaringSyntaxReferences[0].GetSyntax() is PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors }
        && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null);

    // The call or property write that changes the collection the reference reads, or null for a read.
    private static IOperation? MutationAt(IOperation reference, UnsafeCollections collections)
    {
        switch (reference.Parent)
        {
            case IInvocationOperation call when call.Instance == reference:
                return collections.IsMutator(call.TargetMethod) ? call : null;
            case IPropertyReferenceOperation property when property.Instance == reference:
                return (property.Property.IsIndexer || property.Property.Name is "Capacity" or "Length") && IsWritten(property) ? property : null;
        }

        // dictionary.TryAdd(k, v), dictionary.Remove(k, out v): CollectionExtensions on the interface.
        var value = reference;
        while (value.Parent is IConversionOperation { IsImplicit: true } conversion)
        {
            value = conversion;
        }

        return value.Parent is IArgumentOperation { Parent: IInvocationOperation extension } argument
            && extension.TargetMethod.IsExtensionMethod
            && extension.Arguments.Length > 0 && extension.Arguments[0] == argument
            && collections.IsMutatingExtension(extension.TargetMethod)
                ? extension
                : null;
    }

    private static bool IsWritten(IOperation target) => target.Parent switch
    {
        ISimpleAssignmentOperation assignment => assignment.Target == target,
        ICompoundAssignmentOperation compound => compound.Target == target,
        ICoalesceAssignmentOperation coalesce => coalesce.Target == target,
        IIncrementOrDecrementOperation => true,
        _ => false,
    };

    private static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, UnsafeCollections collections, ConcurrentBag<Access> accesses)
    {
        var all = accesses
            .OrderBy(a => a.Reference.Syntax.SyntaxTree.FilePath, StringComparer.Ordinal)
            .ThenBy(a => a.Reference.Syntax.SpanStart)
            .ToList();
        var races = new List<Race>();
        foreach (var group in all.Where(a => a.KnownInstance).GroupBy(a => (a.Symbol, a.Instance), SymbolPairComparer.Instance))
        {
            var same = group.ToList();
            foreach (var mutation in same.Where(a => a.Site is not null))
            {
                if (RaceOf(mutation, same) is { } race && !races.Any(r => r.Mutation.Site!.Syntax == mutation.Site!.Syntax))
                {
                    races.Add(race);
                }
            }
        }

        if (races.Count == 0)
        {
            return;
        }

        // The fixes: the concurrent counterpart where every use allows it, else a lock.
        var gates = new GateNames(type);
        var fixes = races.Select(r => TypeChange(r.Mutation, all, type, collections) ?? LockFix(r, type, gates)).ToList();
        for (var i = 0; i < races.Count; i++)
        {
            var race = races[i];
            var mutation = race.Mutation;
            var fix = fixes[i];
            if (fix.Kind == UnsafeCollectionFixKind.NewGate)
            {
                fix = UnsafeCollectionFix.Locked(UnsafeCollectionFixKind.NewGate, gates.NameFor(fix.IsStatic), fix.IsStatic);
            }

            var name = mutation.Instance is { } instance ? instance.Name + "." + mutation.Symbol.Name : mutation.Symbol.Name;
            var collectionType = mutation.Reference.Type!.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            var additional = race.Partner is null ? Array.Empty<Location>() : new[] { race.Partner.Reference.Syntax.GetLocation() };
            var diagnostic = race.WithItself
                ? Diagnostic.Create(RuleDescriptors.UnsafeCollection, mutation.Site!.Syntax.GetLocation(), additional, fix.ToProperties(), name, collectionType, race.Context.Describe(), mutation.Info.Alternative)
                : Diagnostic.Create(RuleDescriptors.UnsafeCollectionShared, mutation.Site!.Syntax.GetLocation(), additional, fix.ToProperties(), name, collectionType, OperationHelpers.Place(race.Partner!.Reference.Syntax.GetLocation()), race.Context.Describe(), mutation.Info.Alternative);
            context.ReportDiagnostic(diagnostic);
        }
    }

    // Whether the mutation races, in which context, and with which other access.
    private static Race? RaceOf(Access mutation, List<Access> same)
    {
        if (mutation.Context is { } context)
        {
            if (!IsShared(mutation, context))
            {
                return null; // a collection of one run of the concurrent code
            }

            var partner = same.FirstOrDefault(other => other != mutation && IsConcurrent(mutation, context, other) && !mutation.Locks.Overlaps(other.Locks));
            if (RunsWithItself(context) && mutation.Locks.Count == 0)
            {
                return new Race(mutation, context, partner, withItself: true);
            }

            return partner is null ? null : new Race(mutation, context, partner, withItself: false);
        }

        // The starter's own mutation, after it started a worker that touches the collection.
        foreach (var other in same)
        {
            if (other != mutation && other.Context is { Entry: { } entry } workerContext && IsShared(other, workerContext)
                && RunsAfterStart(entry, mutation.Reference) && !mutation.Locks.Overlaps(other.Locks))
            {
                return new Race(mutation, workerContext, other, withItself: false);
            }
        }

        return null;
    }

    // Parallel.Invoke runs each of its delegates once: concurrently with the others, not with itself.
    private static bool RunsWithItself(ConcurrentContext context) =>
        context.RunsConcurrentlyWithItself
        && !(context.Entry is { HandedTo: IInvocationOperation { TargetMethod.Name: "Invoke" } } entry && context.Kind == EntryPointKind.Parallel && !entry.IsStartedInALoop);

    // Whether 'other' can run at the same time as the mutation in 'context'.
    private static bool IsConcurrent(Access mutation, ConcurrentContext context, Access other)
    {
        // In the code that starts the mutation's worker: from the start to a join.
        if (context.Entry is { } entry && SameFunction(entry.HandedTo, other.Reference) && !Inside(entry.Function.Syntax, other.Reference.Syntax))
        {
            return RunsAfterStart(entry, other.Reference);
        }

        if (other.Context is not { } otherContext || SameContext(context, otherContext) || !IsShared(other, otherContext))
        {
            return false;
        }

        // In the code that starts the other access's worker.
        if (otherContext.Entry is { } otherEntry && SameFunction(otherEntry.HandedTo, mutation.Reference) && !Inside(otherEntry.Function.Syntax, mutation.Reference.Syntax))
        {
            return RunsAfterStart(otherEntry, mutation.Reference);
        }

        // Two workers started one after the other by the same code, the first joined before the second starts.
        if (context.Entry is { } first && otherContext.Entry is { } second && SameFunction(first.HandedTo, second.HandedTo))
        {
            var (earlier, later) = first.HandedTo.Syntax.SpanStart <= second.HandedTo.Syntax.SpanStart ? (first, second) : (second, first);
            if (earlier.HandedTo.Syntax.Span.End <= later.HandedTo.Syntax.SpanStart && !RunsAfterStart(earlier, later.HandedTo))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameContext(ConcurrentContext a, ConcurrentContext b) =>
        a.Entry is { } x && b.Entry is { } y ? x.Function.Syntax == y.Function.Syntax : a.Entry is null && b.Entry is null && a.Location == b.Location;

    // A field of this object or a static one is shared; a local or parameter (or the object whose field
    // it is) only when the concurrent code captures it from outside its own function.
    private static bool IsShared(Access access, ConcurrentContext context)
    {
        var variable = access.Instance ?? (access.Symbol is IFieldSymbol ? null : access.Symbol);
        if (variable is null)
        {
            return true;
        }

        var function = context.Entry?.Function.Syntax;
        if (function is null || !Inside(function, access.Reference.Syntax))
        {
            return false; // a local of a method the concurrent code calls, or of a Run override: one per run
        }

        var declaration = variable.DeclaringSyntaxReferences.FirstOrDefault();
        return declaration is not null && !(declaration.SyntaxTree == function.SyntaxTree && function.Span.Contains(declaration.Span));
    }

    private static bool Inside(SyntaxNode outer, SyntaxNode inner) => outer.SyntaxTree == inner.SyntaxTree && outer.Span.Contains(inner.Span);

    private static bool SameFunction(IOperation a, IOperation b) => FunctionOf(a) == FunctionOf(b);

    private static SyntaxNode FunctionOf(IOperation operation) => (OperationHelpers.EnclosingFunction(operation) ?? OperationHelpers.Root(operation)).Syntax;

    /// <summary>
    /// Whether <paramref name="later"/>, in the function that starts <paramref name="entry"/>, runs while
    /// the worker may still run: after the start (a thread's or task's <c>Start()</c>, not its creation)
    /// and with no join, wait or await in between. A <c>Parallel</c> call (but <c>ForEachAsync</c>)
    /// waits for its bodies, so nothing after it runs with them.
    /// </summary>
    private static bool RunsAfterStart(EntryPoint entry, IOperation later)
    {
        if (entry.Kind == EntryPointKind.Parallel && entry.HandedTo is IInvocationOperation { TargetMethod.Name: not "ForEachAsync" })
        {
            return false;
        }

        var function = FunctionOf(entry.HandedTo);
        if (FunctionOf(later) != function || Inside(entry.Function.Syntax, later.Syntax) || IsJoinedAtOnce(entry.HandedTo.Syntax))
        {
            return false;
        }

        var start = StartOf(entry, function);
        if (start is null || later.Syntax.SpanStart < start.Value)
        {
            return false;
        }

        var between = TextSpan.FromBounds(start.Value, later.Syntax.SpanStart);
        return !function.DescendantNodes(n => n.Span.IntersectsWith(between) && n is not AnonymousFunctionExpressionSyntax || n == function)
            .Any(n => between.Contains(n.Span) && IsJoin(n));
    }

    // Where the worker starts running: after the call that hands the delegate over, or — for a thread,
    // process or task created stopped — after its first Start() that follows; null when none follows.
    private static int? StartOf(EntryPoint entry, SyntaxNode function)
    {
        var end = entry.HandedTo.Syntax.Span.End;
        if (entry.HandedTo is not IObjectCreationOperation { Type: { } created } || !HasStart(created))
        {
            return end;
        }

        var start = function.DescendantNodes()
            .OfType<InvocationExpressionSyntax>()
            .FirstOrDefault(call => call.SpanStart >= end && call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Start" });
        return start?.Span.End;
    }

    private static bool HasStart(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers("Start").Any(m => m is IMethodSymbol { IsStatic: false }))
            {
                return true;
            }
        }

        return false;
    }

    // await Task.Run(…), Task.Run(…).Wait(), Task.Run(…).ConfigureAwait(false): over when the expression is.
    private static bool IsJoinedAtOnce(SyntaxNode start)
    {
        var node = start;
        while (node.Parent is ParenthesizedExpressionSyntax
            || node.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" or "GetAwaiter" } access && access.Expression == node && access.Parent is InvocationExpressionSyntax)
        {
            node = node.Parent is ParenthesizedExpressionSyntax ? node.Parent : node.Parent.Parent!;
        }

        return node.Parent is AwaitExpressionSyntax
            || node.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Wait" or "Result" or "Join" or "GetResult" } joined && joined.Expression == node;
    }

    // t.Join(), task.Wait(), Task.WaitAll(…), await …, task.Result, GetResult(): the workers may be over after it.
    private static bool IsJoin(SyntaxNode node) => node switch
    {
        AwaitExpressionSyntax => true,
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Join" or "Wait" or "WaitAll" or "WaitAny" or "WhenAll" or "GetResult" } } => true,
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" } => true,
        _ => false,
    };

    private sealed class Access
    {
        public Access(IOperation reference, ISymbol symbol, ISymbol? instance, bool knownInstance, IOperation? site, ConcurrentContext? context, HashSet<string> locks, ISymbol member, CollectionInfo info)
        {
            Reference = reference;
            Symbol = symbol;
            Instance = instance;
            KnownInstance = knownInstance;
            Site = site;
            Context = context;
            Locks = locks;
            Member = member;
            Info = info;
        }

        /// <summary>The read of the variable that holds the collection.</summary>
        public IOperation Reference { get; }

        /// <summary>The field, local or parameter.</summary>
        public ISymbol Symbol { get; }

        /// <summary>For another object's field: the local or parameter that holds the object.</summary>
        public ISymbol? Instance { get; }

        /// <summary>False for another object's field read through an expression the rule cannot follow.</summary>
        public bool KnownInstance { get; }

        /// <summary>The mutating call or property write, or null for a read.</summary>
        public IOperation? Site { get; }

        public ConcurrentContext? Context { get; }

        public HashSet<string> Locks { get; }

        public ISymbol Member { get; }

        public CollectionInfo Info { get; }
    }

    private sealed class Race
    {
        public Race(Access mutation, ConcurrentContext context, Access? partner, bool withItself)
        {
            Mutation = mutation;
            Context = context;
            Partner = partner;
            WithItself = withItself;
        }

        public Access Mutation { get; }

        public ConcurrentContext Context { get; }

        public Access? Partner { get; }

        public bool WithItself { get; }
    }

    private sealed class SymbolPairComparer : IEqualityComparer<(ISymbol Symbol, ISymbol? Instance)>
    {
        public static readonly SymbolPairComparer Instance = new();

        public bool Equals((ISymbol Symbol, ISymbol? Instance) x, (ISymbol Symbol, ISymbol? Instance) y) =>
            SymbolEqualityComparer.Default.Equals(x.Symbol, y.Symbol) && SymbolEqualityComparer.Default.Equals(x.Instance, y.Instance);

        public int GetHashCode((ISymbol Symbol, ISymbol? Instance) obj) =>
            SymbolEqualityComparer.Default.GetHashCode(obj.Symbol) ^ (obj.Instance is null ? 0 : SymbolEqualityComparer.Default.GetHashCode(obj.Instance));
    }
}
