using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace Concurrency.Analyzers.Engine;

/// <summary>
/// The facts of one forward data-flow analysis, for <see cref="ForwardFlow{TState}"/> to solve: what
/// a state is, what an operation does to it, what a branch taken tells, and how the states of two
/// paths meet. States are mutable and owned by the solver, which copies them where paths part, so a
/// transfer can change its state in place instead of allocating one per operation.
/// </summary>
/// <typeparam name="TState">The facts known at a point of the graph, e.g. a set of symbols.</typeparam>
internal interface IForwardFlowAnalysis<TState>
    where TState : class
{
    /// <summary>
    /// A new state for the start of <paramref name="block"/>, which is the graph's entry block or a
    /// block no branch enters: a catch or finally handler (the solver does not follow exceptional
    /// flow, so the analysis says what it may assume there) or unreachable code.
    /// </summary>
    TState Initial(BasicBlock block);

    /// <summary>A copy of <paramref name="state"/> that can change without changing it.</summary>
    TState Copy(TState state);

    /// <summary>Changes <paramref name="state"/> by what <paramref name="operation"/>, a top-level operation of a block (its branch value included), does.</summary>
    void Transfer(TState state, IOperation operation);

    /// <summary>
    /// Changes <paramref name="state"/>, the state at the end of a block, by what it means that the
    /// block's <paramref name="condition"/> was <paramref name="outcome"/>: the state on the branch
    /// taken when it was. Called only for a block whose two branches go to different blocks.
    /// </summary>
    void Branch(TState state, IOperation condition, bool outcome);

    /// <summary>
    /// Changes <paramref name="state"/> to what holds where a path with <paramref name="other"/>
    /// meets it: an intersection for a "must" analysis (facts that hold on every path), a union for a
    /// "may" one (facts that hold on some path).
    /// </summary>
    void Join(TState state, TState other);

    /// <summary>Whether the two states hold the same facts: the solver stops when no block's state changes.</summary>
    bool Same(TState state, TState other);
}
