namespace Concurrency.Analyzers.Model;

/// <summary>
/// Every metadata name the analyzers and code fixes resolve with <c>GetTypeByMetadataName</c> or
/// write into fixed code, in one table: a renamed runtime type or a mistyped name is then one
/// place to change, and <c>KnownTypesTests</c> checks by reflection that each name still resolves.
/// </summary>
/// <remarks>
/// Names use metadata syntax: <c>`1</c> for a generic arity, <c>+</c> for a nested type. The few
/// that code fixes also parse as C# type names are neither generic nor nested, so both syntaxes agree.
/// </remarks>
internal static class KnownTypes
{
    /// <summary>Framework types present in every .NET the analyzers are tested against (.NET 8 and later).</summary>
    public static class Bcl
    {
        public const string Array = "System.Array";
        public const string Console = "System.Console";
        public const string ObsoleteAttribute = "System.ObsoleteAttribute";
        public const string TimeSpan = "System.TimeSpan";
        public const string ListOfT = "System.Collections.Generic.List`1";
        public const string DictionaryOfTKeyTValue = "System.Collections.Generic.Dictionary`2";
        public const string HashSetOfT = "System.Collections.Generic.HashSet`1";
        public const string QueueOfT = "System.Collections.Generic.Queue`1";
        public const string StackOfT = "System.Collections.Generic.Stack`1";
        public const string SortedDictionaryOfTKeyTValue = "System.Collections.Generic.SortedDictionary`2";
        public const string SortedListOfTKeyTValue = "System.Collections.Generic.SortedList`2";
        public const string SortedSetOfT = "System.Collections.Generic.SortedSet`1";
        public const string LinkedListOfT = "System.Collections.Generic.LinkedList`1";
        public const string CollectionExtensions = "System.Collections.Generic.CollectionExtensions";
        public const string StringBuilder = "System.Text.StringBuilder";
        public const string ThreadStaticAttribute = "System.ThreadStaticAttribute";
        public const string ConcurrentBagOfT = "System.Collections.Concurrent.ConcurrentBag`1";
        public const string ConcurrentQueueOfT = "System.Collections.Concurrent.ConcurrentQueue`1";
        public const string ConcurrentStackOfT = "System.Collections.Concurrent.ConcurrentStack`1";
        public const string ConcurrentDictionaryOfTKeyTValue = "System.Collections.Concurrent.ConcurrentDictionary`2";
        public const string DbDataReader = "System.Data.Common.DbDataReader";
        public const string MemoryStream = "System.IO.MemoryStream";
        public const string UnmanagedMemoryStream = "System.IO.UnmanagedMemoryStream";
        public const string StringReader = "System.IO.StringReader";
        public const string StringWriter = "System.IO.StringWriter";
        public const string TextWriter = "System.IO.TextWriter";

        public const string LazyInitializer = "System.Threading.LazyInitializer";

        public const string CancellationToken = "System.Threading.CancellationToken";
        public const string CancellationTokenSource = "System.Threading.CancellationTokenSource";
        public const string Interlocked = "System.Threading.Interlocked";
        public const string Monitor = "System.Threading.Monitor";
        public const string Mutex = "System.Threading.Mutex";
        public const string ReaderWriterLockSlim = "System.Threading.ReaderWriterLockSlim";
        public const string SemaphoreSlim = "System.Threading.SemaphoreSlim";
        public const string SpinLock = "System.Threading.SpinLock";
        public const string Thread = "System.Threading.Thread";
        public const string WaitHandle = "System.Threading.WaitHandle";
        public const string ManualResetEventSlim = "System.Threading.ManualResetEventSlim";
        public const string CountdownEvent = "System.Threading.CountdownEvent";
        public const string ThreadingBarrier = "System.Threading.Barrier";
        public const string ThreadPool = "System.Threading.ThreadPool";
        public const string ThreadingTimer = "System.Threading.Timer";
        public const string TimersTimer = "System.Timers.Timer";
        public const string DiagnosticsProcess = "System.Diagnostics.Process";
        public const string TaskFactory = "System.Threading.Tasks.TaskFactory";
        public const string TaskFactoryOfT = "System.Threading.Tasks.TaskFactory`1";
        public const string TaskContinuationOptions = "System.Threading.Tasks.TaskContinuationOptions";

        public const string Parallel = "System.Threading.Tasks.Parallel";
        public const string ParallelEnumerable = "System.Linq.ParallelEnumerable";
        public const string Task = "System.Threading.Tasks.Task";
        public const string TaskOfT = "System.Threading.Tasks.Task`1";
        public const string TaskStatus = "System.Threading.Tasks.TaskStatus";
        public const string ValueTask = "System.Threading.Tasks.ValueTask";
        public const string ValueTaskOfT = "System.Threading.Tasks.ValueTask`1";

        public const string TaskAwaiter = "System.Runtime.CompilerServices.TaskAwaiter";
        public const string TaskAwaiterOfT = "System.Runtime.CompilerServices.TaskAwaiter`1";
        public const string ValueTaskAwaiter = "System.Runtime.CompilerServices.ValueTaskAwaiter";
        public const string ValueTaskAwaiterOfT = "System.Runtime.CompilerServices.ValueTaskAwaiter`1";
        public const string ConfiguredTaskAwaiter = "System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter";
        public const string ConfiguredTaskAwaiterOfT = "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter";
        public const string ConfiguredValueTaskAwaiter = "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable+ConfiguredValueTaskAwaiter";
        public const string ConfiguredValueTaskAwaiterOfT = "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1+ConfiguredValueTaskAwaiter";
    }

    /// <summary>
    /// Framework types that exist only from .NET 9 on: code that uses one must cope with it being
    /// absent (a null symbol), and the tests resolve them only against the .NET 10 references.
    /// </summary>
    public static class Bcl9
    {
        public const string Lock = "System.Threading.Lock";
    }

    /// <summary>
    /// The public types of Concurrency.Runtime the analyzers recognise, including the acquirable
    /// and lock-like ones no rule reads yet, so that the rules that will are written against checked names.
    /// </summary>
    public static class Runtime
    {
        public const string GuardedByAttribute = "Concurrency.Runtime.GuardedByAttribute";
        public const string RequiresLockAttribute = "Concurrency.Runtime.RequiresLockAttribute";

        public const string IAcquirable = "Concurrency.Runtime.Threading.IAcquirable";
        public const string AcquirableExtensions = "Concurrency.Runtime.Threading.AcquirableExtensions";
        public const string HeldScope = "Concurrency.Runtime.Threading.HeldScope";
        public const string Lock = "Concurrency.Runtime.Threading.Lock";
        public const string RLock = "Concurrency.Runtime.Threading.RLock";
        public const string Condition = "Concurrency.Runtime.Threading.Condition";
        public const string Semaphore = "Concurrency.Runtime.Threading.Semaphore";
        public const string BoundedSemaphore = "Concurrency.Runtime.Threading.BoundedSemaphore";

        public const string Thread = "Concurrency.Runtime.Threading.Thread";
        public const string Timer = "Concurrency.Runtime.Threading.Timer";
        public const string Event = "Concurrency.Runtime.Threading.Event";
        public const string Barrier = "Concurrency.Runtime.Threading.Barrier";

        public const string Process = "Concurrency.Runtime.Multiprocessing.Process";
        public const string ProcessLock = "Concurrency.Runtime.Multiprocessing.Lock";
        public const string ProcessSemaphore = "Concurrency.Runtime.Multiprocessing.Semaphore";

        /// <summary>The thread queue (course topic 3.8), joinable like Python's <c>queue.Queue</c>; <c>LifoQueue</c> and <c>PriorityQueue</c> derive from it.</summary>
        public const string ThreadQueue = "Concurrency.Runtime.Queues.Queue`1";
        public const string JoinableQueue = "Concurrency.Runtime.Multiprocessing.JoinableQueue`1";
        public const string ProcessQueue = "Concurrency.Runtime.Multiprocessing.Queue`1";
        public const string Connection = "Concurrency.Runtime.Multiprocessing.Connection";

        /// <summary>The pools of course chapter 4: every runtime pool (<c>ThreadPoolExecutor</c>, <c>ProcessPoolExecutor</c>) derives from it, so the rules name only the base.</summary>
        public const string Executor = "Concurrency.Runtime.Futures.Executor";
        public const string Future = "Concurrency.Runtime.Futures.Future";
        public const string FutureOfT = "Concurrency.Runtime.Futures.Future`1";

        /// <summary><c>Futures.Wait</c> and <c>Futures.AsCompleted</c>: CPython's <c>wait</c> and <c>as_completed</c>, which block.</summary>
        public const string Futures = "Concurrency.Runtime.Futures.Futures";

        /// <summary>The gevent-style hub (course topic 5.3): <c>Hub.Run</c>/<c>Hub.Spawn</c> run coroutines on one thread; a blocking call there stalls them all (CONC405).</summary>
        public const string Hub = "Concurrency.Runtime.Coroutines.Hub";
        public const string HubGreenlet = "Concurrency.Runtime.Coroutines.HubGreenlet";
        public const string HubGreenletOfT = "Concurrency.Runtime.Coroutines.HubGreenlet`1";
    }

    /// <summary>
    /// Third-party library types some rules special-case; most compilations do not reference them,
    /// so nothing checks that they resolve.
    /// </summary>
    public static class ThirdParty
    {
        public const string DbContext = "Microsoft.EntityFrameworkCore.DbContext";
        public const string DbSetOfT = "Microsoft.EntityFrameworkCore.DbSet`1";
    }
}
