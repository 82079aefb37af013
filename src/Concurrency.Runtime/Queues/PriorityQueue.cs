using Concurrency.Runtime.Internal;

namespace Concurrency.Runtime.Queues;

/// <summary>
/// A thread-safe priority queue, Python's <c>queue.PriorityQueue</c>: <see cref="Queue{T}.Get"/>
/// returns the lowest item first by the comparer. Items that compare equal come out in the order
/// they were put (stable, unlike Python's heap). Put <c>(priority, data)</c> tuples to attach
/// priorities: value tuples compare element by element. Blocking, timeouts, task tracking and
/// shutdown are those of <see cref="Queue{T}"/>.
/// </summary>
/// <typeparam name="T">The type of the items.</typeparam>
public class PriorityQueue<T> : Queue<T>
{
    /// <summary>Creates a priority queue holding at most <paramref name="maxsize"/> items (0 = unbounded).</summary>
    /// <param name="maxsize">The bound, 0 for none.</param>
    /// <param name="comparer">Orders the items, lowest first; <see cref="Comparer{T}.Default"/> if null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxsize"/> is negative.</exception>
    public PriorityQueue(int maxsize = 0, IComparer<T>? comparer = null)
        : base(maxsize, new PriorityStore<T>(comparer ?? Comparer<T>.Default), SystemMonitor.Instance, trackTasks: true)
    {
    }
}
