namespace Concurrency.Runtime.Coroutines;

/// <summary>
/// What a greenlet waits for at a hub switch point: a sleep, a join or a JoinAll. Completed on the
/// hub's thread only — by its timer (result false: timed out), by the last joined greenlet dying
/// (true) or by a kill of its <see cref="Owner"/> (faulted with <see cref="GreenletExit"/>). Its
/// continuations run inline on the hub thread, so no extra trip through the run queue.
/// </summary>
internal sealed class HubWait : TaskCompletionSource<bool>
{
    internal HubWait(HubGreenlet? owner, int pending)
    {
        Owner = owner;
        Pending = pending;
    }

    /// <summary>The greenlet whose kill interrupts the wait (null: not inside a greenlet).</summary>
    internal HubGreenlet? Owner { get; }

    /// <summary>Joined greenlets not dead yet (0 for a sleep). Hub thread only.</summary>
    internal int Pending { get; set; }

    /// <summary>Ends the wait (hub thread): true = what it waited for happened, false = timed out.</summary>
    internal void Complete(bool result)
    {
        Owner?.ClearWait(this);
        TrySetResult(result);
    }

    /// <summary>Interrupts the wait with <see cref="GreenletExit"/> (hub thread).</summary>
    internal void Kill()
    {
        TrySetException(new GreenletExit());
    }

    /// <summary>One joined greenlet died (hub thread).</summary>
    internal void OneDied()
    {
        if (--Pending == 0)
        {
            Complete(true);
        }
    }
}

/// <summary>The hub's timers: a binary min-heap on (due, sequence), so equal due times fire in the order they were set. Hub thread only.</summary>
internal sealed class HubTimerHeap
{
    private Entry[] _entries = new Entry[16];
    private long _sequence;

    internal int Count { get; private set; }

    internal long NextDue => _entries[0].Due;

    internal void Add(long due, HubWait wait)
    {
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, Count * 2);
        }

        var entry = new Entry(due, _sequence++, wait);
        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!entry.Before(_entries[parent]))
            {
                break;
            }

            _entries[i] = _entries[parent];
            i = parent;
        }

        _entries[i] = entry;
    }

    internal HubWait Pop()
    {
        var top = _entries[0].Wait;
        var last = _entries[--Count];
        _entries[Count] = default;
        if (Count > 0)
        {
            var i = 0;
            while (true)
            {
                var child = 2 * i + 1;
                if (child >= Count)
                {
                    break;
                }

                if (child + 1 < Count && _entries[child + 1].Before(_entries[child]))
                {
                    child++;
                }

                if (!_entries[child].Before(last))
                {
                    break;
                }

                _entries[i] = _entries[child];
                i = child;
            }

            _entries[i] = last;
        }

        if (Count < _entries.Length / 4 && _entries.Length > 16)
        {
            Array.Resize(ref _entries, _entries.Length / 2);
        }

        return top;
    }

    private readonly struct Entry
    {
        internal Entry(long due, long sequence, HubWait wait)
        {
            Due = due;
            Sequence = sequence;
            Wait = wait;
        }

        internal long Due { get; }

        internal long Sequence { get; }

        internal HubWait Wait { get; }

        internal bool Before(Entry other) => Due < other.Due || (Due == other.Due && Sequence < other.Sequence);
    }
}
