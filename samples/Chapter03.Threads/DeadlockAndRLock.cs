namespace Chapter03.Threads;

using Concurrency.Runtime.Threading;

/// <summary>Course 3.7: a thread re-taking a plain Lock, and two locks taken in opposite orders.</summary>
public static class DeadlockAndRLock
{
    public static void Run()
    {
        // Self-deadlock: Python hangs forever here; the runtime reports it.
        var plain = new Lock("plain");
        plain.Acquire();
        try
        {
            plain.Acquire();
        }
        catch (SelfDeadlockException e)
        {
            Console.WriteLine($"Lock: {e.Message}");
        }
        finally
        {
            plain.Release();
        }

        // An RLock counts: the owner may take it again, and releases it as often.
        var reentrant = new RLock("reentrant");
        using (reentrant.Hold())
        using (reentrant.Hold())
        {
            Console.WriteLine($"RLock taken twice by one thread, count = {reentrant.Count}");
        }

        // Lock-order inversion: the course's two-locks deadlock, caught before it happens.
        LockOrderChecking.Enable();
        try
        {
            var noodles = new Lock("noodles");
            var fork = new Lock("fork");
            var first = new Thread(() => { using (noodles.Hold()) using (fork.Hold()) { } }, name: "eater-1");
            first.Start();
            first.Join();

            Exception? caught = null;
            var second = new Thread(() => caught = Catch(() => { using (fork.Hold()) using (noodles.Hold()) { } }), name: "eater-2");
            second.Start();
            second.Join();
            Console.WriteLine($"lock-order checking: {caught?.Message}");
        }
        finally
        {
            LockOrderChecking.Disable();
            LockOrderChecking.Reset();
        }
    }

    private static Exception? Catch(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (PotentialDeadlockException e)
        {
            return e;
        }
    }
}
