using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace Concurrency.Analyzers.Engine;

/// <summary>
/// A small forward data-flow solver over one control-flow graph, so that a rule that needs to know
/// what holds at a point of a body ("this task is complete", "this thread was started") writes only
/// its facts, as an <see cref="IForwardFlowAnalysis{TState}"/>. The blocks are visited in order,
/// pass after pass, until no block's state at its end changes: a block starts with the join of what
/// its predecessors end with (each refined by the condition of the branch taken), and a predecessor
/// not reached yet adds nothing, which is the neutral element of an intersection and of a union
/// alike, so the same solver serves "must" and "may" analyses. Exceptional flow is not followed:
/// catch and finally handlers start from <see cref="IForwardFlowAnalysis{TState}.Initial"/>.
/// </summary>
/// <typeparam name="TState">The facts known at a point of the graph.</typeparam>
internal sealed class ForwardFlow<TState>
    where TState : class
{
    private readonly ControlFlowGraph _graph;
    private readonly IForwardFlowAnalysis<TState> _analysis;
    private readonly TState?[] _entry;

    private ForwardFlow(ControlFlowGraph graph, IForwardFlowAnalysis<TState> analysis)
    {
        _graph = graph;
        _analysis = analysis;
        _entry = new TState?[graph.Blocks.Length];
    }

    /// <summary>Runs <paramref name="analysis"/> over <paramref name="graph"/> to its fixed point.</summary>
    public static ForwardFlow<TState> Solve(ControlFlowGraph graph, IForwardFlowAnalysis<TState> analysis, CancellationToken cancellationToken)
    {
        var flow = new ForwardFlow<TState>(graph, analysis);
        flow.Solve(cancellationToken);
        return flow;
    }

    /// <summary>
    /// The state at the start of <paramref name="block"/>, or null when the solver never reached it:
    /// code entered only from a cycle that nothing enters (other unreachable code starts from
    /// <see cref="IForwardFlowAnalysis{TState}.Initial"/>). The state is the solver's own: copy it
    /// before changing it.
    /// </summary>
    public TState? EntryOf(BasicBlock block) => _entry[block.Ordinal];

    /// <summary>
    /// The operation of kind <paramref name="kind"/> written at <paramref name="syntax"/>, and the
    /// state just before the top-level operation that contains it (a new state, the caller's to
    /// change); the state is null when the solver never reached the operation's block (see
    /// <see cref="EntryOf"/>), and the whole answer null when the graph has no such operation.
    /// </summary>
    public (IOperation Operation, TState? State)? StateAt(SyntaxNode syntax, OperationKind kind)
    {
        if (ControlFlowGraphs.Locate(_graph, syntax, kind) is not { } location)
        {
            return null;
        }

        var (block, index, operation) = location;

        if (_entry[block.Ordinal] is not { } entry)
        {
            return (operation, null);
        }

        var state = _analysis.Copy(entry);
        foreach (var topLevel in OperationHelpers.TopLevelOperations(block).Take(index))
        {
            _analysis.Transfer(state, topLevel);
        }

        return (operation, state);
    }

    private void Solve(CancellationToken cancellationToken)
    {
        var exit = new TState?[_graph.Blocks.Length];
        var changed = true;
        // A cap, not the expected count: block order settles a loop in a pass or two more than its
        // nesting; the cap ends the solving of an analysis whose states never settle.
        for (var pass = 0; changed && pass < _graph.Blocks.Length + 8; pass++)
        {
            changed = false;
            foreach (var block in _graph.Blocks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var entry = EntryState(block, exit);
                if (entry is null)
                {
                    continue;
                }

                _entry[block.Ordinal] = entry;
                var state = _analysis.Copy(entry);
                foreach (var operation in OperationHelpers.TopLevelOperations(block))
                {
                    _analysis.Transfer(state, operation);
                }

                if (exit[block.Ordinal] is not { } previous || !_analysis.Same(previous, state))
                {
                    exit[block.Ordinal] = state;
                    changed = true;
                }
            }
        }
    }

    // The join of what the predecessors reached so far end with, or null if none is reached yet.
    private TState? EntryState(BasicBlock block, TState?[] exit)
    {
        if (block.Kind == BasicBlockKind.Entry || block.Predecessors.IsEmpty)
        {
            return _analysis.Initial(block);
        }

        TState? entry = null;
        foreach (var branch in block.Predecessors)
        {
            var source = branch.Source;
            if (exit[source.Ordinal] is not { } sourceState)
            {
                continue;
            }

            var edge = _analysis.Copy(sourceState);
            if (source.ConditionKind != ControlFlowConditionKind.None
                && source.BranchValue is not null
                && source.ConditionalSuccessor?.Destination != source.FallThroughSuccessor?.Destination)
            {
                var whenTrue = source.ConditionKind == ControlFlowConditionKind.WhenTrue;
                var outcome = branch.IsConditionalSuccessor ? whenTrue : !whenTrue;
                _analysis.Branch(edge, source.BranchValue, outcome);
            }

            if (entry is null)
            {
                entry = edge;
            }
            else
            {
                _analysis.Join(entry, edge);
            }
        }

        return entry;
    }
}
