using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// The graph "B is acquired while A is held" over a set of <see cref="MethodLockFacts"/>, and its
/// cycles. Calls made while holding a lock add an edge to every lock the callee takes, transitively
/// (<see cref="CallGraphSummaries{TKey}"/>: recursion and call cycles included, up to
/// <see cref="CallGraphSummaries{TKey}.MaxDepth"/> calls deep), and virtual or interface calls reach
/// the overrides and implementations among the facts below the receiver's static type. Candidate
/// edges are ordered by source (file, position, then where the locks are declared), so a site that
/// closes several cycles names the same one in every build.
/// </summary>
internal static class LockOrderGraph
{
    /// <summary>An acquisition that closes a cycle, the way back, and its fix.</summary>
    public sealed class Inversion
    {
        public Inversion(LockEdge edge, List<LockEdge> back)
        {
            Edge = edge;
            Back = back;
        }

        public LockEdge Edge { get; }

        /// <summary>The chain of edges from the lock taken back to the lock held.</summary>
        public List<LockEdge> Back { get; }

        public LockOrderInversionFixKind Fix { get; set; }

        /// <summary>The place of the lock taken in the canonical order (0 first).</summary>
        public int Rank { get; set; }
    }

    /// <summary>How calls reach facts: the facts of a method, and the methods a virtual call may run instead.</summary>
    public interface ICallTargets
    {
        /// <summary>The facts of <paramref name="method"/>, or null when it is not code the analysis knows.</summary>
        MethodLockFacts? FactsOf(IMethodSymbol method);

        /// <summary>The overrides and implementations a call to <paramref name="method"/> on a receiver of static type <paramref name="receiver"/> may run.</summary>
        IEnumerable<IMethodSymbol> Overriding(IMethodSymbol method, ITypeSymbol? receiver);
    }

    /// <summary>
    /// Every edge of the facts: nested acquisitions, and the locks callees take under a held lock —
    /// what a callee takes, through its own calls, comes from the shared summary engine over the
    /// facts (only the methods reachable from a call made under a lock are summarized). A lock a
    /// callee takes on another object of the caller's own kind (<see cref="IsOwnKind"/>) — a
    /// wrapper calling the object it wraps, <c>_inner.N()</c>, <c>new Connector(this).Cancel()</c> —
    /// is another instance's lock: no edge, so it closes no cycle (two objects of one class deadlock
    /// when passed in both orders, which <see cref="ArgumentOrderInversions"/> finds).
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    public static List<LockEdge> Edges(IReadOnlyCollection<MethodLockFacts> all, ICallTargets targets, CancellationToken cancellationToken)
    {
        var comparer = EqualityComparer<LockId>.Default;
        IEnumerable<IMethodSymbol> Resolve(IMethodSymbol callee, ITypeSymbol? receiver) =>
            CallTargets.IsDispatched(callee) ? new[] { callee }.Concat(targets.Overriding(callee, receiver)) : new[] { callee };

        BodyFacts<LockId>? Read(IMethodSymbol method, CancellationToken token)
        {
            if (targets.FactsOf(method) is not { } facts)
            {
                return null;
            }

            // The order of a cycle's locks is what CONC101 reports, not the chain: no places needed.
            var body = new BodyFacts<LockId>();
            foreach (var field in facts.Takes)
            {
                body.AddLocal(field, field.Name, null, 0);
            }

            foreach (var call in facts.CallsOf(token))
            {
                body.AddCall(call.Method, 0, call.Receiver, call.OnThis ? null : OnOtherInstance);
            }

            return body;
        }

        var summaries = new CallGraphSummaries<LockId>(Read, Resolve, comparer, InstanceCalls.Step);
        var edges = new List<LockEdge>();
        foreach (var fact in all)
        {
            edges.AddRange(fact.Nested);
            foreach (var call in fact.HeldCalls)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Each lock taken, with the first target (in dispatch order) and key that take it: its chain.
                var taken = new Dictionary<LockId, (IMethodSymbol Target, MethodSummary<LockId> Summary, LockId Key)>(comparer);
                foreach (var target in Resolve(call.Callee, call.Receiver))
                {
                    var summary = summaries.Of(target, cancellationToken);
                    foreach (var key in summary.Keys)
                    {
                        var lockTaken = call.CallOnThis ? key : key.OnOtherInstance();
                        if (!(lockTaken.IsOnOtherInstance && IsOwnKind(lockTaken, fact.Type)) && !taken.ContainsKey(lockTaken.AnyInstance()))
                        {
                            taken.Add(lockTaken.AnyInstance(), (target, summary, key));
                        }
                    }
                }

                foreach (var pair in taken.Where(t => !call.AllHeld.Contains(t.Key, comparer)).OrderBy(t => t.Key, LockOrder))
                {
                    var (target, summary, key) = pair.Value;
                    edges.Add(new LockEdge(call.Held, pair.Key, call.Location, fact, call.Outer, call.AllHeld, directlyNested: false, () => Through(target, summary, key)));
                }
            }
        }

        return edges;
    }

    private static readonly Func<LockId, LockId> OnOtherInstance = id => id.OnOtherInstance();

    // The called method, then the calls below it; the lock itself is named by the message.
    private static string Through(IMethodSymbol target, MethodSummary<LockId> summary, LockId key)
    {
        var path = summary.Path(key);
        var steps = new[] { InstanceCalls.Step(target) }.Concat(path.IsDefault ? Enumerable.Empty<string>() : path.Take(path.Length - 1));
        return string.Join(" → ", steps);
    }

    /// <summary>
    /// Whether a lock belongs to the code's own kind of object: its type, a base or a derived type, or a
    /// sibling under a base class of the compilation (two wrappers of one <c>Target</c> hierarchy, each
    /// wrapping the next). On another object, that is another instance of "the same" lock.
    /// </summary>
    private static bool IsOwnKind(LockId id, INamedTypeSymbol? site)
    {
        if (site is null || id.ContainingType is not { } owner)
        {
            return false;
        }

        if (CallTargets.IsOrDerivesFrom(site, owner.OriginalDefinition) || CallTargets.IsOrDerivesFrom(owner, site.OriginalDefinition))
        {
            return true;
        }

        for (var ancestor = site.BaseType; ancestor is { DeclaringSyntaxReferences.Length: > 0 }; ancestor = ancestor.BaseType)
        {
            if (CallTargets.IsOrDerivesFrom(owner, ancestor.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Every acquisition that closes a cycle, once per site, with the shortest way back, in source
    /// order; and, for the sites against the canonical order, how to fix them. A cycle all of whose
    /// acquisitions are made while one other lock is held (a gate) is not one: two threads cannot both
    /// be inside the gate, so they cannot hold two locks of the cycle each.
    /// </summary>
    /// <param name="edges">The graph.</param>
    /// <param name="monitorLocks">Locks taken with <c>lock</c> statements somewhere (reentrant, so a fix may take them around another).</param>
    /// <param name="cancellationToken">Honored between sites.</param>
    [MethodImpl(HotPath.Optimized)]
    public static List<Inversion> Inversions(List<LockEdge> edges, ISet<LockId> monitorLocks, CancellationToken cancellationToken)
    {
        var comparer = EqualityComparer<LockId>.Default;

        // Only an edge inside a strongly connected component can close a cycle: components are found
        // in one linear pass, and only their edges are sorted and searched for the way back.
        var component = Components(Successors(edges, comparer), comparer, cancellationToken);
        var ordered = edges
            .Where(e => component.TryGetValue(e.Held, out var held) && component.TryGetValue(e.Taken, out var taken) && held == taken)
            .OrderBy(e => e.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(e => e.Location.SourceSpan.Start)
            .ThenBy(e => e.Taken.Name, StringComparer.Ordinal)
            .ThenBy(e => e.Taken, LockOrder)
            .ThenBy(e => e.Held, LockOrder)
            .ThenBy(e => e.Outer.SpanStart)
            .ToList();
        var successors = Successors(ordered, comparer);
        var inversions = new List<Inversion>();
        var reported = new HashSet<Location>();
        foreach (var edge in ordered)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var held = component[edge.Held];
            if (!reported.Contains(edge.Location)
                && PathBack(edge, successors, e => component.TryGetValue(e, out var c) && c == held, comparer) is { } back)
            {
                reported.Add(edge.Location);
                inversions.Add(new Inversion(edge, back));
            }
        }

        var rank = CanonicalOrder(inversions, comparer);
        foreach (var inversion in inversions)
        {
            var edge = inversion.Edge;
            inversion.Rank = rank[edge.Taken];
            if (rank[edge.Taken] > rank[edge.Held])
            {
                continue;
            }

            inversion.Fix = edge.DirectlyNested ? LockOrderInversionFixKind.Swap
                : edge.Outer is LockStatementSyntax or UsingStatementSyntax && monitorLocks.Contains(edge.Taken) && edge.Taken.Field is not null ? LockOrderInversionFixKind.Wrap
                : LockOrderInversionFixKind.None;
        }

        return inversions;
    }

    /// <summary>
    /// One order for the locks of the cycles, which the fixes bring every site to: a lock taken first
    /// at more sites than it is taken second comes earlier; ties follow the order the fields are
    /// declared in. For two locks this is the majority order.
    /// </summary>
    private static Dictionary<LockId, int> CanonicalOrder(List<Inversion> inversions, IEqualityComparer<LockId> comparer)
    {
        var score = new Dictionary<LockId, int>(comparer);
        foreach (var edge in inversions.Select(i => i.Edge))
        {
            score[edge.Held] = (score.TryGetValue(edge.Held, out var held) ? held : 0) + 1;
            score[edge.Taken] = (score.TryGetValue(edge.Taken, out var taken) ? taken : 0) - 1;
        }

        var order = score.Keys
            .OrderByDescending(f => score[f])
            .ThenBy(f => f, LockOrder)
            .ToList();
        var rank = new Dictionary<LockId, int>(comparer);
        for (var i = 0; i < order.Count; i++)
        {
            rank[order[i]] = i;
        }

        return rank;
    }

    private static readonly IComparer<LockId> LockOrder = Comparer<LockId>.Create(LockId.Compare);

    [MethodImpl(HotPath.Optimized)]
    private static Dictionary<LockId, List<LockEdge>> Successors(IEnumerable<LockEdge> edges, IEqualityComparer<LockId> comparer)
    {
        var successors = new Dictionary<LockId, List<LockEdge>>(comparer);
        foreach (var edge in edges)
        {
            successors.AddToList(edge.Held, edge);
        }

        return successors;
    }

    /// <summary>Tarjan's strongly connected components, without recursion: lock → component number.</summary>
    [MethodImpl(HotPath.Optimized)]
    private static Dictionary<LockId, int> Components(Dictionary<LockId, List<LockEdge>> successors, IEqualityComparer<LockId> comparer, CancellationToken cancellationToken)
    {
        var index = new Dictionary<LockId, int>(comparer);
        var low = new Dictionary<LockId, int>(comparer);
        var onStack = new HashSet<LockId>(comparer);
        var stack = new Stack<LockId>();
        var component = new Dictionary<LockId, int>(comparer);
        var next = 0;
        foreach (var root in successors.Keys)
        {
            if (index.ContainsKey(root))
            {
                continue;
            }

            // Each frame: a node and how many of its successors have been visited.
            var frames = new Stack<(LockId Node, int Child)>();
            frames.Push((root, 0));
            index[root] = low[root] = next++;
            stack.Push(root);
            onStack.Add(root);
            while (frames.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (node, child) = frames.Pop();
                var outgoing = successors.TryGetValue(node, out var list) ? list : null;
                if (outgoing is not null && child < outgoing.Count)
                {
                    frames.Push((node, child + 1));
                    var target = outgoing[child].Taken;
                    if (!index.ContainsKey(target))
                    {
                        index[target] = low[target] = next++;
                        stack.Push(target);
                        onStack.Add(target);
                        frames.Push((target, 0));
                    }
                    else if (onStack.Contains(target))
                    {
                        low[node] = Math.Min(low[node], index[target]);
                    }

                    continue;
                }

                if (low[node] == index[node])
                {
                    LockId member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component[member] = index[node];
                    }
                    while (!comparer.Equals(member, node));
                }

                if (frames.Count > 0)
                {
                    var parent = frames.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }

        return component;
    }

    /// <summary>At most this many gates are looked for per site (more locks are never held at once in practice).</summary>
    private const int MaxGates = 8;

    /// <summary>
    /// The shortest chain of edges from the lock <paramref name="closing"/> takes back to the lock it
    /// holds, along which no gate is held throughout: for each other lock held at
    /// <paramref name="closing"/>, some edge of the chain is taken without it. A search over (lock,
    /// gates left behind) pairs, which is the plain shortest path when nothing else is held. Null when
    /// there is no such chain.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private static List<LockEdge>? PathBack(LockEdge closing, Dictionary<LockId, List<LockEdge>> successors, Func<LockId, bool> inComponent, IEqualityComparer<LockId> comparer)
    {
        var gates = closing.AllHeld.Where(g => !comparer.Equals(g, closing.Held) && !comparer.Equals(g, closing.Taken)).Distinct(comparer).Take(MaxGates).ToList();
        var none = (1 << gates.Count) - 1;
        var from = (closing.Taken, 0);
        var stateComparer = new StateComparer(comparer);
        var previous = new Dictionary<(LockId Lock, int Left), (LockEdge Edge, int Left)>(stateComparer);
        var queue = new Queue<(LockId Lock, int Left)>();
        queue.Enqueue(from);
        var seen = new HashSet<(LockId Lock, int Left)>(stateComparer) { from };
        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            if (comparer.Equals(state.Lock, closing.Held) && state.Left == none)
            {
                var path = new List<LockEdge>();
                for (var current = state; !stateComparer.Equals(current, from); current = (previous[current].Edge.Held, previous[current].Left))
                {
                    path.Insert(0, previous[current].Edge);
                }

                return path;
            }

            if (!successors.TryGetValue(state.Lock, out var next))
            {
                continue;
            }

            foreach (var edge in next.Where(e => inComponent(e.Taken)))
            {
                var left = state.Left;
                for (var i = 0; i < gates.Count; i++)
                {
                    if (!edge.AllHeld.Contains(gates[i], comparer))
                    {
                        left |= 1 << i;
                    }
                }

                if (seen.Add((edge.Taken, left)))
                {
                    previous[(edge.Taken, left)] = (edge, state.Left);
                    queue.Enqueue((edge.Taken, left));
                }
            }
        }

        return null;
    }

    private sealed class StateComparer : IEqualityComparer<(LockId Lock, int Left)>
    {
        private readonly IEqualityComparer<LockId> _comparer;

        public StateComparer(IEqualityComparer<LockId> comparer) => _comparer = comparer;

        public bool Equals((LockId Lock, int Left) x, (LockId Lock, int Left) y) => x.Left == y.Left && _comparer.Equals(x.Lock, y.Lock);

        public int GetHashCode((LockId Lock, int Left) state) => (_comparer.GetHashCode(state.Lock) * 31) + state.Left;
    }
}
