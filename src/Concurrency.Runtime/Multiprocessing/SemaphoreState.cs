namespace Concurrency.Runtime.Multiprocessing;

/// <summary>
/// An inter-process lock or semaphore as its creator holds it: the runtime's thread semaphore,
/// acquired by broker threads on behalf of other processes. It counts what each client process
/// holds, and when a process exits holding units (killed inside its critical section) they are
/// released, so the others are not locked out forever (CPython's POSIX semaphores stay taken).
/// </summary>
internal sealed class SemaphoreState : IServed
{
    internal const byte Acquire = 1;
    internal const byte Release = 2;
    internal const byte Value = 3;

    private readonly Dictionary<int, int> _heldByPid = new(); // guarded by itself

    internal SemaphoreState(Threading.Semaphore semaphore)
    {
        Semaphore = semaphore;
    }

    internal Threading.Semaphore Semaphore { get; }

    public Reply? Serve(Session session, byte op, ReadOnlySpan<byte> body)
    {
        switch (op)
        {
            case Acquire:
            {
                var (block, timeoutMs) = Body.ReadFlags(body);
                var acquired = block
                    ? session.WaitInSlices(timeoutMs, slice => Semaphore.Acquire(true, slice))
                    : Semaphore.Acquire(blocking: false);
                if (acquired)
                {
                    Count(session.Pid, +1);
                }

                return Reply.Of(acquired);
            }

            case Release:
                Semaphore.Release();
                Count(session.Pid, -1);
                return Reply.Ok;
            case Value:
                return new Reply(Status.Ok, Body.Int(Semaphore.Value));
            default:
                throw new InvalidOperationException($"Unknown semaphore request {op}.");
        }
    }

    /// <summary>The client died before it learnt it acquired: give the unit back.</summary>
    public void Undeliverable(Session session, byte op, Reply reply)
    {
        if (op == Acquire && reply.Status == Status.Ok)
        {
            Count(session.Pid, -1);
            Semaphore.Release();
        }
    }

    public void Disconnected(Session session, bool lastOfProcess)
    {
        if (!lastOfProcess)
        {
            return;
        }

        int held;
        lock (_heldByPid)
        {
            _heldByPid.Remove(session.Pid, out held);
        }

        for (var i = 0; i < held; i++)
        {
            try
            {
                Semaphore.Release();
            }
            catch (System.Threading.SemaphoreFullException)
            {
                return; // someone else released it meanwhile
            }
        }
    }

    private void Count(int pid, int delta)
    {
        lock (_heldByPid)
        {
            _heldByPid[pid] = _heldByPid.GetValueOrDefault(pid) + delta;
        }
    }
}
