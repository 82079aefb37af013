using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Engine;

/// <summary>
/// What one body contributes to an interprocedural summary: the keys it has itself (a lock it takes,
/// a blocking call it makes), and the calls through which it has its callees' keys.
/// </summary>
/// <typeparam name="TKey">What is summarized: a lock, "blocks", a field written...</typeparam>
internal sealed class BodyFacts<TKey>
    where TKey : notnull
{
    private List<(TKey Key, string Text, Location? Location, int Position)>? _local;
    private List<BodyCall<TKey>>? _calls;

    public IReadOnlyList<(TKey Key, string Text, Location? Location, int Position)> Local =>
        (IReadOnlyList<(TKey, string, Location?, int)>?)_local ?? Array.Empty<(TKey, string, Location?, int)>();

    public IReadOnlyList<BodyCall<TKey>> Calls =>
        (IReadOnlyList<BodyCall<TKey>>?)_calls ?? Array.Empty<BodyCall<TKey>>();

    /// <param name="key">The key the body has itself.</param>
    /// <param name="text">How a message names it: <c>_gate.Wait() (File.cs:7)</c>.</param>
    /// <param name="location">Where it is.</param>
    /// <param name="position">Its place in the body: among several witnesses the earliest is chosen.</param>
    public void AddLocal(TKey key, string text, Location? location, int position) =>
        (_local ??= new List<(TKey, string, Location?, int)>()).Add((key, text, location, position));

    /// <param name="callee">The method called (resolved by the summaries' dispatch; a chain names it with the summaries' step format).</param>
    /// <param name="position">Its place in the body.</param>
    /// <param name="receiver">The static type of the receiver, which bounds the overrides a virtual call may run; null when unknown or static.</param>
    /// <param name="translate">
    /// How the callee's keys read in this body, when not as they are: a lock the callee takes on
    /// its own instance is, through a call on another object, that other object's lock.
    /// </param>
    public void AddCall(IMethodSymbol callee, int position, ITypeSymbol? receiver = null, Func<TKey, TKey>? translate = null) =>
        (_calls ??= new List<BodyCall<TKey>>()).Add(new BodyCall<TKey>(callee, position, receiver, translate));
}

/// <summary>A call of a body, as <see cref="BodyFacts{TKey}.AddCall"/> records it.</summary>
internal sealed class BodyCall<TKey>
    where TKey : notnull
{
    public BodyCall(IMethodSymbol callee, int position, ITypeSymbol? receiver, Func<TKey, TKey>? translate)
    {
        Callee = callee;
        Position = position;
        Receiver = receiver;
        Translate = translate;
    }

    public IMethodSymbol Callee { get; }

    public int Position { get; }

    public ITypeSymbol? Receiver { get; }

    public Func<TKey, TKey>? Translate { get; }
}

/// <summary>
/// The summary of one method: the keys it has itself or through calls, each with its witness — the
/// shortest chain of calls to where the key is (ties: the call earliest in each body).
/// </summary>
internal sealed class MethodSummary<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, Witness> _entries;
    private readonly Func<IMethodSymbol, string> _step;

    public MethodSummary(IEqualityComparer<TKey> comparer, Func<IMethodSymbol, string> step)
    {
        _entries = new Dictionary<TKey, Witness>(comparer);
        _step = step;
    }

    public IEnumerable<TKey> Keys => _entries.Keys;

    public int Count => _entries.Count;

    public bool Contains(TKey key) => _entries.ContainsKey(key);

    /// <summary>The chain from this method to the key, as messages print it: <c>Audit() → _gate.Wait() (File.cs:7)</c>.</summary>
    public string? Chain(TKey key, string separator = " → ") =>
        Path(key) is { IsDefault: false } path ? string.Join(separator, path) : null;

    /// <summary>The steps of <see cref="Chain"/>: the calls, then how the key itself is named.</summary>
    public ImmutableArray<string> Path(TKey key)
    {
        if (!_entries.TryGetValue(key, out var witness))
        {
            return default;
        }

        // Steps are named only here, when a message needs them: most summaries are never printed.
        var steps = ImmutableArray.CreateBuilder<string>();
        for (; witness.Via is { } via; witness = via._entries[witness.ViaKey!])
        {
            steps.Add(_step(witness.Callee!));
        }

        steps.Add(witness.Text!);
        return steps.ToImmutable();
    }

    /// <summary>Where the key itself is, at the end of the chain.</summary>
    public Location? Site(TKey key)
    {
        if (!_entries.TryGetValue(key, out var witness))
        {
            return null;
        }

        while (witness.Via is { } via)
        {
            witness = via._entries[witness.ViaKey!];
        }

        return witness.Location;
    }

    internal bool TryGet(TKey key, out Witness witness) => _entries.TryGetValue(key, out witness!);

    internal IEnumerable<KeyValuePair<TKey, Witness>> Entries => _entries;

    /// <summary>
    /// Sets the witness of a key when it is new or better (shorter, then earlier in the body, then
    /// the earlier call target); whether it changed. The order is total, so the witness does not
    /// depend on the order the fixed point offers candidates in (which threads and roots decide).
    /// </summary>
    internal bool Offer(TKey key, Witness candidate)
    {
        if (_entries.TryGetValue(key, out var known)
            && (known.Distance < candidate.Distance
                || (known.Distance == candidate.Distance
                    && (known.Position < candidate.Position || (known.Position == candidate.Position && known.Ordinal <= candidate.Ordinal)))))
        {
            return false;
        }

        _entries[key] = candidate;
        return true;
    }

    /// <summary>
    /// Why a method has a key: itself (<see cref="Via"/> null, named by <see cref="Text"/>), or through
    /// a call of <see cref="Callee"/>, summarized by <see cref="Via"/> under <see cref="ViaKey"/>.
    /// Distances fall strictly along <see cref="Via"/>, so a chain always ends.
    /// </summary>
    internal sealed class Witness
    {
        public Witness(string? text, IMethodSymbol? callee, Location? location, int position, int ordinal, int distance, MethodSummary<TKey>? via, TKey? viaKey)
        {
            Text = text;
            Callee = callee;
            Location = location;
            Position = position;
            Ordinal = ordinal;
            Distance = distance;
            Via = via;
            ViaKey = viaKey;
        }

        /// <summary>Among call targets at one position, the place of this one (calls in body order, each call's targets in dispatch order).</summary>
        public int Ordinal { get; }

        /// <summary>The key in <see cref="Via"/> this one comes from (another than this key when the call translates it).</summary>
        public TKey? ViaKey { get; }

        public string? Text { get; }

        public IMethodSymbol? Callee { get; }

        public Location? Location { get; }

        public int Position { get; }

        public int Distance { get; }

        public MethodSummary<TKey>? Via { get; }
    }
}

/// <summary>
/// The one interprocedural summary engine of the rules: a method's summary is the keys its body has
/// itself (<see cref="BodyFacts{TKey}"/>, from a reader each rule gives) joined with its callees'
/// summaries, to a fixed point over the call graph (recursion and call cycles included), each key
/// with its shortest witness chain. Calls are followed <see cref="MaxDepth"/> deep at most: a key
/// further away is not in the summary (a chain longer than that is rarely the code's intent and
/// unreadable in a message). A summary depends only on the code the method reaches, so it is
/// computed once and shared, whatever order the methods are asked for in, and on every thread.
/// </summary>
/// <typeparam name="TKey">What is summarized.</typeparam>
internal sealed class CallGraphSummaries<TKey>
    where TKey : notnull
{
    /// <summary>How many calls deep keys are followed: a key in a method called 5 calls down is still seen.</summary>
    public const int MaxDepth = 5;

    private readonly Func<IMethodSymbol, CancellationToken, BodyFacts<TKey>?> _read;
    private readonly Func<IMethodSymbol, ITypeSymbol?, IEnumerable<IMethodSymbol>> _resolve;
    private readonly IEqualityComparer<TKey> _comparer;
    private readonly Func<IMethodSymbol, string> _step;
    private readonly ConcurrentDictionary<IMethodSymbol, MethodSummary<TKey>> _final = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, BodyFacts<TKey>?> _facts = new(SymbolEqualityComparer.Default);

    /// <param name="read">The facts of a method's body; null when the method is not followed (no body here).</param>
    /// <param name="resolve">The methods a call may run (the callee, its overrides below the receiver's static type): see <see cref="CallTargets"/>.</param>
    /// <param name="comparer">Key equality.</param>
    /// <param name="step">How a chain names a call of a method: <c>Audit()</c>, <c>Settings.Read</c>.</param>
    public CallGraphSummaries(Func<IMethodSymbol, CancellationToken, BodyFacts<TKey>?> read, Func<IMethodSymbol, ITypeSymbol?, IEnumerable<IMethodSymbol>> resolve, IEqualityComparer<TKey> comparer, Func<IMethodSymbol, string> step)
    {
        _read = read;
        _resolve = resolve;
        _comparer = comparer;
        _step = step;
    }

    /// <summary>The summary of <paramref name="method"/> (empty when it is not followed).</summary>
    [MethodImpl(HotPath.Optimized)]
    public MethodSummary<TKey> Of(IMethodSymbol method, CancellationToken cancellationToken)
    {
        method = CallTargets.BodyOwner(method);
        return _final.TryGetValue(method, out var known) ? known : Solve(method, null, cancellationToken);
    }

    /// <summary>The summary of a body that is not a method of its own (a lambda invoked later): not cached.</summary>
    public MethodSummary<TKey> OfBody(BodyFacts<TKey> facts, CancellationToken cancellationToken) => Solve(null, facts, cancellationToken);

    [MethodImpl(HotPath.Optimized)]
    private MethodSummary<TKey> Solve(IMethodSymbol? root, BodyFacts<TKey>? rootFacts, CancellationToken cancellationToken)
    {
        // The part of the call graph below the root whose summaries are not final yet, breadth first
        // and no deeper than MaxDepth: a method further down adds nothing to the root's summary, and
        // reading (binding) the whole reachable graph of a large compilation was most of the cost.
        var nodes = new Dictionary<IMethodSymbol, Node>(SymbolEqualityComparer.Default);
        var order = new List<Node>();
        var pending = new Queue<Node>();
        Node? Add(IMethodSymbol? method, BodyFacts<TKey>? facts, int depth)
        {
            facts ??= Read(method!, cancellationToken);
            if (facts is null)
            {
                return null;
            }

            var node = new Node(method, facts, new MethodSummary<TKey>(_comparer, _step), depth);
            if (method is not null)
            {
                nodes.Add(method, node);
            }

            order.Add(node);
            pending.Enqueue(node);
            return node;
        }

        var first = Add(root, rootFacts, 0);
        if (first is null)
        {
            return root is not null ? _final.GetOrAdd(root, new MethodSummary<TKey>(_comparer, _step)) : new MethodSummary<TKey>(_comparer, _step);
        }

        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var node = pending.Dequeue();
            if (node.Depth == MaxDepth)
            {
                // Its own keys are in reach of the root, its callees' are not: its summary stays partial.
                node.Truncated = node.Facts.Calls.Count > 0;
                continue;
            }

            foreach (var call in node.Facts.Calls)
            {
                foreach (var target in _resolve(call.Callee, call.Receiver))
                {
                    var callee = CallTargets.BodyOwner(target);
                    if (_final.TryGetValue(callee, out var done))
                    {
                        node.Callees.Add(new Callee(done, callee, call.Position, node.Callees.Count, call.Translate));
                    }
                    else if (nodes.TryGetValue(callee, out var known) || (known = Add(callee, null, node.Depth + 1)) is not null)
                    {
                        node.Callees.Add(new Callee(known.Summary, callee, call.Position, node.Callees.Count, call.Translate));
                        known.Callers.Add(node);
                    }
                }
            }
        }

        // Keys of their own at distance 0; then each method takes its callees' keys one call further,
        // until nothing changes (distances only fall, and are bounded).
        var work = new Queue<Node>();
        foreach (var node in order)
        {
            for (var i = 0; i < node.Facts.Local.Count; i++)
            {
                var local = node.Facts.Local[i];
                // Facts at one position (a call that is several facts) are ranked by their place in the body's list.
                node.Summary.Offer(local.Key, new MethodSummary<TKey>.Witness(local.Text, null, local.Location, local.Position, i, 0, null, default));
            }

            node.Queued = true;
            work.Enqueue(node);
        }

        while (work.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var node = work.Dequeue();
            node.Queued = false;
            var changed = false;
            foreach (var callee in node.Callees)
            {
                // A method that calls itself through a translating call (another instance's
                // M()) adds keys to the summary being read: read a copy.
                var entries = ReferenceEquals(callee.Summary, node.Summary) ? callee.Summary.Entries.ToList() : callee.Summary.Entries;
                foreach (var entry in entries)
                {
                    var distance = entry.Value.Distance + 1;
                    if (distance <= MaxDepth)
                    {
                        var key = callee.Translate is { } translate ? translate(entry.Key) : entry.Key;
                        changed |= node.Summary.Offer(key, new MethodSummary<TKey>.Witness(null, callee.Method, null, callee.Position, callee.Ordinal, distance, callee.Summary, entry.Key));
                    }
                }
            }

            if (!changed)
            {
                continue;
            }

            foreach (var caller in node.Callers)
            {
                if (!caller.Queued)
                {
                    caller.Queued = true;
                    work.Enqueue(caller);
                }
            }
        }

        // The root's summary is whole (everything within MaxDepth of it was read); so is that of any
        // method below it that reaches no truncated method. The others are read again as roots.
        var partial = new HashSet<Node>(order.Where(n => n.Truncated));
        var spread = new Stack<Node>(partial);
        while (spread.Count > 0)
        {
            foreach (var caller in spread.Pop().Callers)
            {
                if (partial.Add(caller))
                {
                    spread.Push(caller);
                }
            }
        }

        foreach (var node in order)
        {
            if (node.Method is { } method && (node == first || !partial.Contains(node)))
            {
                _final.TryAdd(method, node.Summary);
            }
        }

        return first.Summary;
    }

    // A method's facts are read once (a partial summary is solved again, its reading is not).
    private BodyFacts<TKey>? Read(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (_facts.TryGetValue(method, out var known))
        {
            return known;
        }

        var facts = _read(method, cancellationToken);
        return _facts.GetOrAdd(method, facts);
    }

    private sealed class Node
    {
        public Node(IMethodSymbol? method, BodyFacts<TKey> facts, MethodSummary<TKey> summary, int depth)
        {
            Method = method;
            Facts = facts;
            Summary = summary;
            Depth = depth;
        }

        /// <summary>How many calls below the root it was first found (breadth first: the fewest).</summary>
        public int Depth { get; }

        /// <summary>At <see cref="MaxDepth"/>, with calls not followed: its own summary is partial.</summary>
        public bool Truncated { get; set; }

        public IMethodSymbol? Method { get; }

        public BodyFacts<TKey> Facts { get; }

        public MethodSummary<TKey> Summary { get; }

        public List<Callee> Callees { get; } = new();

        public List<Node> Callers { get; } = new();

        public bool Queued { get; set; }
    }

    private sealed class Callee
    {
        public Callee(MethodSummary<TKey> summary, IMethodSymbol method, int position, int ordinal, Func<TKey, TKey>? translate)
        {
            Summary = summary;
            Method = method;
            Position = position;
            Ordinal = ordinal;
            Translate = translate;
        }

        public MethodSummary<TKey> Summary { get; }

        public IMethodSymbol Method { get; }

        public int Position { get; }

        public int Ordinal { get; }

        public Func<TKey, TKey>? Translate { get; }
    }
}
