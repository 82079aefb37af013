namespace Concurrency.Analyzers.Catalog;

/// <summary>
/// Every rule id of the package, in one place. CONC1xx locks and deadlocks, CONC2xx lifecycle,
/// CONC3xx shared state, CONC4xx blocking in async code. Ids are stable once shipped.
/// </summary>
public static class RuleIds
{
    /// <summary>Lock-order inversion: two (or more) locks taken in opposite orders somewhere in the compilation.</summary>
    public const string LockOrderInversion = "CONC101";

    /// <summary>Self-deadlock: a non-reentrant lock acquired again while held.</summary>
    public const string SelfDeadlock = "CONC102";

    /// <summary>A lock acquired without a guaranteed release.</summary>
    public const string UnreleasedLock = "CONC103";

    /// <summary>A lock object that other code can also lock, or that changes.</summary>
    public const string SharedLockObject = "CONC104";

    /// <summary>A condition wait outside a loop that re-checks its predicate.</summary>
    public const string ConditionWaitOutsideLoop = "CONC105";

    /// <summary>A thread or process started and, on some path, neither joined nor handed on.</summary>
    public const string StartedNeverJoined = "CONC201";

    /// <summary>A worker started and joined in the same loop iteration: the loop runs its workers one at a time.</summary>
    public const string SerialStartJoin = "CONC202";

    /// <summary>A runtime executor (thread or process pool) created in a function and, on some path, neither shut down nor handed on.</summary>
    public const string ExecutorNotShutDown = "CONC203";

    /// <summary>A task whose completion nobody observes: dropped, or kept in a local nothing awaits, waits for or hands on.</summary>
    public const string UnobservedTask = "CONC204";

    /// <summary>Work submitted to a pool and waited for in the same loop iteration: the pool runs one piece of work at a time.</summary>
    public const string SerialSubmitWait = "CONC205";

    /// <summary>A runtime child process started in a program whose entry point does not call <c>Process.EnterChildIfRequested()</c> first.</summary>
    public const string MissingEntryGuard = "CONC206";

    /// <summary>A joinable queue's <c>Join</c> that can never return: an item taken and not marked done on some path, or no <c>TaskDone</c> at all.</summary>
    public const string JoinWithoutTaskDone = "CONC207";

    /// <summary>An async lambda, anonymous method or <c>async void</c> method group where a worker API expects a <c>void</c> delegate.</summary>
    public const string AsyncLambdaAsVoidDelegate = "CONC208";

    /// <summary>A task discarded on purpose (<c>_ = …</c>) whose exceptions nobody will see.</summary>
    public const string DiscardedTask = "CONC209";

    /// <summary>A field or captured variable written in code that runs concurrently with other code that accesses it, with no lock in common.</summary>
    public const string UnsynchronizedWrite = "CONC301";

    /// <summary>A field written under a lock somewhere and accessed elsewhere without one, in a type that takes locks.</summary>
    public const string InconsistentLocking = "CONC302";

    /// <summary>A collection that is not thread-safe mutated without a lock from code that runs concurrently with itself or with another access of it.</summary>
    public const string UnsafeCollection = "CONC303";
    /// <summary>A check and the act that depends on it with no lock held around both: lazy initialization, a collection's check-then-add, double-checked locking of a non-volatile field.</summary>
    public const string CheckThenAct = "CONC304";

    /// <summary>A member marked <c>[GuardedBy]</c> accessed, or a method marked <c>[RequiresLock]</c> called, without holding the lock it names.</summary>
    public const string GuardedAccess = "CONC305";

    /// <summary>A non-volatile <c>bool</c> or enum field polled in a loop in one function and written in another, one of them running concurrently: the read may be hoisted out of the loop.</summary>
    public const string StopFlag = "CONC306";

    /// <summary>Blocking wait on a task in async code (<c>.Result</c>, <c>.Wait()</c>, <c>GetResult()</c>, <c>WaitAll</c>, <c>WaitAny</c>).</summary>
    public const string BlockingTaskWait = "CONC401";

    /// <summary><c>Thread.Sleep</c> in async code.</summary>
    public const string ThreadSleepInAsyncCode = "CONC402";

    /// <summary>A synchronous call in async code where an async counterpart exists.</summary>
    public const string SyncCallWithAsyncCounterpart = "CONC403";

    /// <summary>A lock held across an <c>await</c>.</summary>
    public const string LockHeldAcrossAwait = "CONC404";

    /// <summary>A blocking call inside a hub coroutine: it stalls every coroutine of the hub.</summary>
    public const string BlockingCallInHub = "CONC405";

    /// <summary>Async code calls a synchronous method that blocks, found through calls.</summary>
    public const string BlockingCallThroughMethods = "CONC407";
}
