using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Workers;

/// <summary>What a call does to a joinable queue's count of unfinished items.</summary>
internal enum QueueCall
{
    /// <summary><c>Get</c>, <c>GetNowait</c>, <c>GetAsync</c>: takes an item, which stays unfinished until marked done.</summary>
    Get,

    /// <summary><c>TaskDone</c>: marks one item done.</summary>
    TaskDone,

    /// <summary><c>Join</c>: waits until every item put has been marked done.</summary>
    Join,
}

/// <summary>
/// The joinable queues of the runtime — the thread queue <c>Queue&lt;T&gt;</c> (and its <c>LifoQueue</c>,
/// <c>PriorityQueue</c>) and the inter-process <c>JoinableQueue&lt;T&gt;</c> (course topics 2.9, 3.8) —
/// and where a compilation joins them and marks their items done. A queue is told apart by its type
/// and, when it is kept in a field, by the field: a <c>Join</c> on a local or a parameter may be of
/// any queue of its type (one passed to workers), a <c>Join</c> on a field only of that field's. The
/// compilation's <c>Join</c> and <c>TaskDone</c> calls are found once, by their names, and bound then.
/// </summary>
internal sealed class JoinableQueues
{
    private static readonly SyntaxNameIndex Index = new(new[] { "Join", "TaskDone" }, token =>
        token.Parent is SimpleNameSyntax { Parent: MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invocation } access } name && access.Name == name
            ? invocation
            : null);

    private static readonly ConditionalWeakTable<Compilation, JoinableQueues?> Instances = new();

    private readonly Compilation _compilation;
    private readonly INamedTypeSymbol? _threadQueue;
    private readonly INamedTypeSymbol? _joinableQueue;
    private readonly Lazy<(QueueSet Joins, QueueSet Dones)> _calls;
    private readonly ConcurrentDictionary<(IMethodSymbol Method, int Parameter), bool> _marksDone = new();
    private readonly ConcurrentDictionary<(IMethodSymbol Method, IFieldSymbol Field), bool> _marksDoneOnField = new();

    private JoinableQueues(Compilation compilation, INamedTypeSymbol? threadQueue, INamedTypeSymbol? joinableQueue)
    {
        _compilation = compilation;
        _threadQueue = threadQueue;
        _joinableQueue = joinableQueue;
        _calls = new Lazy<(QueueSet, QueueSet)>(FindCalls, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The queues of <paramref name="compilation"/>, or null when it cannot see the runtime's.</summary>
    public static JoinableQueues? For(Compilation compilation) => Instances.GetValue(compilation, c =>
    {
        var threadQueue = c.GetTypeByMetadataName(KnownTypes.Runtime.ThreadQueue);
        var joinableQueue = c.GetTypeByMetadataName(KnownTypes.Runtime.JoinableQueue);
        return threadQueue is null && joinableQueue is null ? null : new JoinableQueues(c, threadQueue, joinableQueue);
    });

    /// <summary>The names of the calls that take an item.</summary>
    public static bool IsGetName(string name) => name is "Get" or "GetNowait" or "GetAsync";

    /// <summary>What <paramref name="call"/> does to a joinable queue, or null when it is not a call on one.</summary>
    public QueueCall? Classify(IInvocationOperation call)
    {
        // By the receiver's type: JoinableQueue<T> inherits Get from the plain inter-process Queue<T>, which is not joinable.
        if (call.Instance is null || !IsQueue(call.Instance.Type))
        {
            return null;
        }

        return call.TargetMethod.Name switch
        {
            "Get" or "GetNowait" or "GetAsync" => QueueCall.Get,
            "TaskDone" => QueueCall.TaskDone,
            "Join" => QueueCall.Join,
            _ => null,
        };
    }

    /// <summary>Whether something in the compilation joins the queue <paramref name="queue"/> may be.</summary>
    public bool IsJoined(QueueIdentity queue) => _calls.Value.Joins.MayContain(queue);

    /// <summary>Whether something in the compilation marks items of the queue <paramref name="queue"/> may be done.</summary>
    public bool IsMarkedDoneAnywhere(QueueIdentity queue) => _calls.Value.Dones.MayContain(queue);

    /// <summary>
    /// Whether <paramref name="method"/>, given the queue as its <paramref name="parameter"/>-th
    /// argument, marks an item done: a method of this compilation that calls <c>TaskDone</c> on that
    /// parameter (or passes it on), or any method we cannot read.
    /// </summary>
    public bool MarksDone(IMethodSymbol method, int parameter, CancellationToken cancellationToken) =>
        _marksDone.GetOrAdd((method.OriginalDefinition, parameter), key =>
            key.Method.DeclaringSyntaxReferences.IsEmpty
            || OperationHelpers.BodiesOf(key.Method, _compilation, cancellationToken)
                .SelectMany(body => body.DescendantsAndSelf().OfType<IParameterReferenceOperation>())
                .Any(read => read.Parameter.Ordinal == key.Parameter
                    && SymbolEqualityComparer.Default.Equals(read.Parameter.ContainingSymbol.OriginalDefinition, key.Method)
                    && (read.Parent is IArgumentOperation || read.Parent is IInvocationOperation done && Classify(done) == QueueCall.TaskDone)));

    /// <summary>Whether calling <paramref name="method"/>, a method of this compilation, marks an item of the queue in <paramref name="field"/> done (directly).</summary>
    public bool MarksDone(IMethodSymbol method, IFieldSymbol field, CancellationToken cancellationToken) =>
        _marksDoneOnField.GetOrAdd((method.OriginalDefinition, field.OriginalDefinition), key =>
            OperationHelpers.BodiesOf(key.Method, _compilation, cancellationToken)
                .SelectMany(body => body.DescendantsAndSelf().OfType<IInvocationOperation>())
                .Any(done => Classify(done) == QueueCall.TaskDone
                    && OperationHelpers.WalkDownConversion(done.Instance!) is IFieldReferenceOperation read
                    && SymbolEqualityComparer.Default.Equals(read.Field.OriginalDefinition, key.Field)));

    private bool IsQueue(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (TaskSymbols.Is(current.OriginalDefinition, _threadQueue) || TaskSymbols.Is(current.OriginalDefinition, _joinableQueue))
            {
                return true;
            }
        }

        return false;
    }

    private (QueueSet, QueueSet) FindCalls()
    {
        var joins = new List<QueueIdentity>();
        var dones = new List<QueueIdentity>();
        var sites = Index.For(_compilation);
        foreach (var tree in _compilation.SyntaxTrees)
        {
            var positions = sites.Of(tree, CancellationToken.None);
            if (positions.Length == 0)
            {
                continue;
            }

#pragma warning disable RS1030 // Once per compilation, for every rule that asks: the calls of every tree.
            var model = _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
            var root = tree.GetRoot();
            foreach (var position in positions)
            {
                if (root.FindToken(position).Parent?.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { } invocation
                    && model.GetOperation(invocation) is IInvocationOperation { Instance: { } instance } call
                    && Classify(call) is QueueCall.Join or QueueCall.TaskDone)
                {
                    (Classify(call) == QueueCall.Join ? joins : dones).Add(QueueIdentity.Of(instance));
                }
            }
        }

        return (new QueueSet(joins), new QueueSet(dones));
    }
}

/// <summary>
/// The queues a compilation joins (or marks items of done), indexed so that "may this queue be one
/// of them" costs a few lookups, not a scan: two queues may be the same when they are of one field
/// (or either is not a field) and of one type (or either is generic code). Indexed by the queue
/// type's definition, then the fields, the exact types, and whether any is generic code.
/// </summary>
internal sealed class QueueSet
{
    private readonly Dictionary<ITypeSymbol, Group> _byDefinition = new(SymbolEqualityComparer.Default);

    public QueueSet(IEnumerable<QueueIdentity> queues)
    {
        foreach (var queue in queues)
        {
            if (queue.Type?.OriginalDefinition is not { } definition)
            {
                continue;
            }

            if (!_byDefinition.TryGetValue(definition, out var group))
            {
                _byDefinition[definition] = group = new Group();
            }

            group.Add(queue);
        }
    }

    /// <summary>Whether <paramref name="queue"/> may be one of the set's queues.</summary>
    public bool MayContain(QueueIdentity queue) =>
        queue.Type?.OriginalDefinition is { } definition && _byDefinition.TryGetValue(definition, out var group) && group.MayContain(queue);

    private sealed class Group
    {
        private readonly HashSet<IFieldSymbol> _fields = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ITypeSymbol> _types = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ITypeSymbol> _typesNotInFields = new(SymbolEqualityComparer.Default);
        private bool _anyOpen;
        private bool _anyOpenNotInField;

        public void Add(QueueIdentity queue)
        {
            _types.Add(queue.Type!);
            _anyOpen |= QueueIdentity.IsOpen(queue.Type);
            if (queue.Field is { } field)
            {
                _fields.Add(field);
            }
            else
            {
                _typesNotInFields.Add(queue.Type!);
                _anyOpenNotInField |= QueueIdentity.IsOpen(queue.Type);
            }
        }

        public bool MayContain(QueueIdentity queue)
        {
            var open = QueueIdentity.IsOpen(queue.Type);
            if (queue.Field is { } field)
            {
                return _fields.Contains(field) || _typesNotInFields.Contains(queue.Type!) || (_typesNotInFields.Count > 0 && (open || _anyOpenNotInField));
            }

            return _types.Contains(queue.Type!) || open || _anyOpen;
        }
    }
}

/// <summary>Which queue an expression is, as far as the code says: its type, and the field it is read from, if any.</summary>
internal sealed class QueueIdentity
{
    private QueueIdentity(ITypeSymbol? type, IFieldSymbol? field)
    {
        Type = type;
        Field = field;
    }

    public ITypeSymbol? Type { get; }

    public IFieldSymbol? Field { get; }

    public static QueueIdentity Of(IOperation receiver)
    {
        var operation = OperationHelpers.WalkDownConversion(receiver);
        return new QueueIdentity(operation.Type, (operation as IFieldReferenceOperation)?.Field.OriginalDefinition);
    }

    /// <summary>Whether <paramref name="type"/> is generic code's (a type parameter among its arguments).</summary>
    public static bool IsOpen(ITypeSymbol? type) =>
        type is INamedTypeSymbol { IsGenericType: true } named && named.TypeArguments.Any(a => a is ITypeParameterSymbol);
}
