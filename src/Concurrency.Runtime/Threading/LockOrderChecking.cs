using System.Runtime.CompilerServices;

namespace Concurrency.Runtime.Threading;

/// <summary>
/// Opt-in run-time lock-order checking, the run-time counterpart of analyzer CONC101 (modelled on
/// Guava's <c>CycleDetectingLockFactory</c>). While enabled, every <see cref="Lock"/> and
/// <see cref="RLock"/> created from then on records, per thread, which locks are held when it is
/// acquired, building one process-wide "taken before" graph. An acquisition that would close a
/// cycle in that graph throws <see cref="PotentialDeadlockException"/> naming both orders, before
/// the acquisition waits, so the inversion is reported even when the threads never collide.
/// </summary>
/// <remarks>
/// Whether a lock is checked is decided when it is constructed, so a lock costs one null test per
/// acquire when checking is off. Enable it at start-up (or in a test), before the locks exist.
/// Lock-order tracking is per thread: a Lock released by a thread other than its acquirer stays in
/// the acquirer's record until that thread releases it or exits.
/// </remarks>
public static class LockOrderChecking
{
    private static readonly object s_graphGate = new();
    private static volatile bool s_enabled;
    private static ConditionalWeakTable<LockOrderNode, Dictionary<LockOrderNode, string>> s_edges = new();

    [ThreadStatic]
    private static List<LockOrderNode>? t_held;

    /// <summary>Whether locks constructed now will check their acquisition order.</summary>
    public static bool IsEnabled => s_enabled;

    /// <summary>Makes locks constructed from now on check their acquisition order.</summary>
    public static void Enable() => s_enabled = true;

    /// <summary>Locks constructed from now on do not check; locks already checking keep checking.</summary>
    public static void Disable() => s_enabled = false;

    /// <summary>Forgets every order recorded so far (the locks held right now stay recorded).</summary>
    public static void Reset()
    {
        lock (s_graphGate)
        {
            s_edges = new ConditionalWeakTable<LockOrderNode, Dictionary<LockOrderNode, string>>();
        }
    }

    internal static LockOrderNode? NodeForNewLock(string name) => s_enabled ? new LockOrderNode(name) : null;

    /// <summary>Records "held → <paramref name="node"/>" for every lock this thread holds; throws on a cycle.</summary>
    internal static void BeforeAcquire(LockOrderNode node)
    {
        var held = t_held;
        if (held is null || held.Count == 0)
        {
            return;
        }

        lock (s_graphGate)
        {
            foreach (var before in held)
            {
                if (ReferenceEquals(before, node))
                {
                    continue;
                }

                var successors = s_edges.GetOrCreateValue(before);
                if (successors.ContainsKey(node))
                {
                    continue;
                }

                var inverse = FindPath(node, before);
                if (inverse is not null)
                {
                    throw Inversion(inverse, before, node);
                }

                successors[node] = System.Threading.Thread.CurrentThread.Name ?? $"managed thread {Environment.CurrentManagedThreadId}";
            }
        }
    }

    internal static void AfterAcquire(LockOrderNode node) => (t_held ??= new List<LockOrderNode>()).Add(node);

    internal static void AfterRelease(LockOrderNode node)
    {
        var held = t_held;
        var index = held?.LastIndexOf(node) ?? -1;
        if (index >= 0)
        {
            held!.RemoveAt(index);
        }
    }

    // Depth-first search along recorded "taken before" edges; the caller holds s_graphGate.
    private static List<LockOrderNode>? FindPath(LockOrderNode from, LockOrderNode to)
    {
        var visited = new HashSet<LockOrderNode>(ReferenceEqualityComparer.Instance);
        var path = new List<LockOrderNode>();
        return Visit(from) ? path : null;

        bool Visit(LockOrderNode current)
        {
            path.Add(current);
            if (ReferenceEquals(current, to))
            {
                return true;
            }

            if (visited.Add(current) && s_edges.TryGetValue(current, out var next))
            {
                foreach (var successor in next.Keys)
                {
                    if (Visit(successor))
                    {
                        return true;
                    }
                }
            }

            path.RemoveAt(path.Count - 1);
            return false;
        }
    }

    private static PotentialDeadlockException Inversion(List<LockOrderNode> established, LockOrderNode held, LockOrderNode requested)
    {
        var names = established.ConvertAll(n => n.Name);
        var firstEdgeThread = s_edges.TryGetValue(established[0], out var edges) && edges.TryGetValue(established[1], out var by) ? by : "another thread";
        var message =
            $"Potential deadlock: acquiring '{requested.Name}' while holding '{held.Name}' takes them in the order " +
            $"'{held.Name}' -> '{requested.Name}', but the order {string.Join(" -> ", names.Select(n => $"'{n}'"))} was established earlier " +
            $"(first step by {firstEdgeThread}). Two threads taking these locks in opposite orders can deadlock: always acquire them in one global order.";
        return new PotentialDeadlockException(message, names, new[] { held.Name, requested.Name });
    }
}

/// <summary>The identity of one checked lock in the lock-order graph.</summary>
internal sealed class LockOrderNode
{
    internal LockOrderNode(string name)
    {
        Name = name;
    }

    internal string Name { get; }
}
