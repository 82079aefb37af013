using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog;

/// <summary>
/// Descriptors of every rule. Title, message and description come from <c>Resources.resx</c>
/// (English) and its satellites (zh-Hans), under the keys <c>{id}_Title</c>, <c>{id}_Message</c>
/// and <c>{id}_Description</c>; the help link points at the rule's page in <c>docs/rules</c>.
/// </summary>
public static class RuleDescriptors
{
    /// <summary>Where the rule pages live; a rule's help link is this plus <c>{id}.md</c>.</summary>
    public const string HelpLinkBase = "https://github.com/concurrency-analyzers/concurrency-analyzers/blob/main/docs/rules/";

    /// <summary>CONC101: lock-order inversion inside one type, reported while typing.</summary>
    public static readonly DiagnosticDescriptor LockOrderInversion =
        Create(RuleIds.LockOrderInversion, RuleCategories.Locks, DiagnosticSeverity.Warning);

    /// <summary>
    /// CONC101 across types, reported at compilation end (a separate descriptor of the same rule: the IDE
    /// runs an analyzer with a compilation-end descriptor only in full-solution analysis).
    /// </summary>
    public static readonly DiagnosticDescriptor LockOrderInversionAcrossTypes =
        Create(RuleIds.LockOrderInversion, RuleCategories.Locks, DiagnosticSeverity.Warning, WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>CONC102: a non-reentrant lock acquired again while held.</summary>
    public static readonly DiagnosticDescriptor SelfDeadlock =
        Create(RuleIds.SelfDeadlock, RuleCategories.Locks, DiagnosticSeverity.Warning);

    /// <summary>CONC103: a lock acquired without a guaranteed release.</summary>
    public static readonly DiagnosticDescriptor UnreleasedLock =
        Create(RuleIds.UnreleasedLock, RuleCategories.Locks, DiagnosticSeverity.Warning);

    /// <summary>CONC104: a lock object that other code can also lock, or that changes.</summary>
    public static readonly DiagnosticDescriptor SharedLockObject =
        Create(RuleIds.SharedLockObject, RuleCategories.Locks, DiagnosticSeverity.Warning);

    /// <summary>CONC105: a condition wait outside a loop that re-checks its predicate.</summary>
    public static readonly DiagnosticDescriptor ConditionWaitOutsideLoop =
        Create(RuleIds.ConditionWaitOutsideLoop, RuleCategories.Locks, DiagnosticSeverity.Warning);

    /// <summary>CONC201: a thread or process started and, on some path, neither joined nor handed on.</summary>
    public static readonly DiagnosticDescriptor StartedNeverJoined =
        Create(RuleIds.StartedNeverJoined, RuleCategories.Lifecycle, DiagnosticSeverity.Warning);

    /// <summary>CONC202: a worker started and joined in the same loop iteration.</summary>
    public static readonly DiagnosticDescriptor SerialStartJoin =
        Create(RuleIds.SerialStartJoin, RuleCategories.Lifecycle, DiagnosticSeverity.Warning);

    /// <summary>CONC203: a runtime executor created and, on some path, neither shut down nor handed on.</summary>
    public static readonly DiagnosticDescriptor ExecutorNotShutDown =
        Create(RuleIds.ExecutorNotShutDown, RuleCategories.Lifecycle, DiagnosticSeverity.Warning);

    /// <summary>CONC205: work submitted to a pool and waited for in the same loop iteration.</summary>
    public static readonly DiagnosticDescriptor SerialSubmitWait =
        Create(RuleIds.SerialSubmitWait, RuleCategories.Lifecycle, DiagnosticSeverity.Warning);

    /// <summary>CONC204: a task whose completion nobody observes.</summary>
    public static readonly DiagnosticDescriptor UnobservedTask =
        Create(RuleIds.UnobservedTask, RuleCategories.Lifecycle, DiagnosticSeverity.Warning);

    /// <summary>CONC204 for <c>Task.Factory.StartNew(async …)</c>: the same rule, its own message (the outer task ends at the first await).</summary>
    public static readonly DiagnosticDescriptor UnobservedTaskOfAsyncStartNew =
        CreateWithMessage(RuleIds.UnobservedTask, RuleCategories.Lifecycle, DiagnosticSeverity.Warning, RuleIds.UnobservedTask + "_StartNewMessage");

    /// <summary>CONC204 for a runtime <c>Future</c> (<c>executor.Submit(…)</c>): the same rule, its own message (a future is read, not awaited only).</summary>
    public static readonly DiagnosticDescriptor UnobservedFuture =
        CreateWithMessage(RuleIds.UnobservedTask, RuleCategories.Lifecycle, DiagnosticSeverity.Warning, RuleIds.UnobservedTask + "_FutureMessage");

    /// <summary>CONC204 on a runtime executor's <c>Map(…)</c> whose results nobody reads: the work is submitted at once, its exceptions surface only in the results.</summary>
    public static readonly DiagnosticDescriptor UnobservedMapResults =
        CreateWithMessage(RuleIds.UnobservedTask, RuleCategories.Lifecycle, DiagnosticSeverity.Warning, RuleIds.UnobservedTask + "_MapMessage");

    /// <summary>
    /// CONC206: a runtime <c>Process</c> started in a program whose entry point has no child-entry
    /// guard; reported at compilation end (the entry point and the starts may be in different files).
    /// </summary>
    public static readonly DiagnosticDescriptor MissingEntryGuard =
        Create(RuleIds.MissingEntryGuard, RuleCategories.Lifecycle, DiagnosticSeverity.Warning, WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>CONC206 when the guard is there but not the first statement: its own message (the code before it runs again in every child).</summary>
    public static readonly DiagnosticDescriptor MisplacedEntryGuard =
        CreateWithMessage(RuleIds.MissingEntryGuard, RuleCategories.Lifecycle, DiagnosticSeverity.Warning, RuleIds.MissingEntryGuard + "_NotFirstMessage", WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>CONC207: an item taken from a joinable queue and, on some path, not marked done.</summary>
    public static readonly DiagnosticDescriptor JoinWithoutTaskDone =
        Create(RuleIds.JoinWithoutTaskDone, RuleCategories.Lifecycle, DiagnosticSeverity.Warning);

    /// <summary>CONC207 at the <c>Join</c> of a queue nothing in the compilation marks items of done: the same rule, its own message.</summary>
    public static readonly DiagnosticDescriptor JoinWithoutAnyTaskDone =
        CreateWithMessage(RuleIds.JoinWithoutTaskDone, RuleCategories.Lifecycle, DiagnosticSeverity.Warning, RuleIds.JoinWithoutTaskDone + "_JoinMessage");

    /// <summary>CONC208: an async function where a worker API expects a <c>void</c> delegate.</summary>
    public static readonly DiagnosticDescriptor AsyncLambdaAsVoidDelegate =
        Create(RuleIds.AsyncLambdaAsVoidDelegate, RuleCategories.Lifecycle, DiagnosticSeverity.Warning);

    /// <summary>CONC209: a task discarded on purpose whose exceptions nobody will see (a suggestion).</summary>
    public static readonly DiagnosticDescriptor DiscardedTask =
        Create(RuleIds.DiscardedTask, RuleCategories.Lifecycle, DiagnosticSeverity.Info);

    /// <summary>CONC209 for a runtime <c>Future</c> (<c>_ = executor.Submit(…)</c>): the same rule, its own message.</summary>
    public static readonly DiagnosticDescriptor DiscardedFuture =
        CreateWithMessage(RuleIds.DiscardedTask, RuleCategories.Lifecycle, DiagnosticSeverity.Info, RuleIds.DiscardedTask + "_FutureMessage");

    /// <summary>CONC301: a field or captured variable written by concurrent code, beside another access with no common lock.</summary>
    public static readonly DiagnosticDescriptor UnsynchronizedWrite =
        Create(RuleIds.UnsynchronizedWrite, RuleCategories.SharedState, DiagnosticSeverity.Warning);

    /// <summary>CONC301 at a write in code that runs in several copies at once: the same rule, its own message.</summary>
    public static readonly DiagnosticDescriptor UnsynchronizedWriteBesideItself =
        CreateWithMessage(RuleIds.UnsynchronizedWrite, RuleCategories.SharedState, DiagnosticSeverity.Warning, RuleIds.UnsynchronizedWrite + "_ItselfMessage");

    /// <summary>CONC301 at a write of the code that started a worker, before it waits for it: the same rule, its own message.</summary>
    public static readonly DiagnosticDescriptor UnsynchronizedWriteBesideWorker =
        CreateWithMessage(RuleIds.UnsynchronizedWrite, RuleCategories.SharedState, DiagnosticSeverity.Warning, RuleIds.UnsynchronizedWrite + "_StarterMessage");

    /// <summary>CONC302: a field written under a lock and accessed elsewhere without one.</summary>
    public static readonly DiagnosticDescriptor InconsistentLocking =
        Create(RuleIds.InconsistentLocking, RuleCategories.SharedState, DiagnosticSeverity.Warning);

    /// <summary>CONC303: a collection that is not thread-safe mutated without a lock in code that runs concurrently with itself.</summary>
    public static readonly DiagnosticDescriptor UnsafeCollection =
        Create(RuleIds.UnsafeCollection, RuleCategories.SharedState, DiagnosticSeverity.Warning);

    /// <summary>CONC303 when the race is with another access of the collection: the same rule, its own message.</summary>
    public static readonly DiagnosticDescriptor UnsafeCollectionShared =
        CreateWithMessage(RuleIds.UnsafeCollection, RuleCategories.SharedState, DiagnosticSeverity.Warning, RuleIds.UnsafeCollection + "_SharedMessage");
    /// <summary>CONC304: a check and its act with no lock held around both (lazy initialization, a collection's check-then-add).</summary>
    public static readonly DiagnosticDescriptor CheckThenAct =
        Create(RuleIds.CheckThenAct, RuleCategories.SharedState, DiagnosticSeverity.Warning);

    /// <summary>CONC304 at double-checked locking of a field that is not volatile: the same rule, its own message.</summary>
    public static readonly DiagnosticDescriptor DoubleCheckedLocking =
        CreateWithMessage(RuleIds.CheckThenAct, RuleCategories.SharedState, DiagnosticSeverity.Warning, RuleIds.CheckThenAct + "_DoubleCheckedMessage");

    /// <summary>CONC305: a <c>[GuardedBy]</c> member accessed without holding its lock.</summary>
    public static readonly DiagnosticDescriptor GuardedAccess =
        Create(RuleIds.GuardedAccess, RuleCategories.SharedState, DiagnosticSeverity.Warning);

    /// <summary>CONC305 at a call of a <c>[RequiresLock]</c> method without the lock: the same rule, its own message.</summary>
    public static readonly DiagnosticDescriptor RequiresLockCall =
        CreateWithMessage(RuleIds.GuardedAccess, RuleCategories.SharedState, DiagnosticSeverity.Warning, RuleIds.GuardedAccess + "_CallMessage");

    /// <summary>CONC306: a stop flag polled in a loop without volatile, written by another function (compilation end).</summary>
    public static readonly DiagnosticDescriptor StopFlag =
        Create(RuleIds.StopFlag, RuleCategories.SharedState, DiagnosticSeverity.Warning, WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>CONC401: blocking wait on a task in async code.</summary>
    public static readonly DiagnosticDescriptor BlockingTaskWait =
        Create(RuleIds.BlockingTaskWait, RuleCategories.AsyncBlocking, DiagnosticSeverity.Warning);

    /// <summary>CONC402: <c>Thread.Sleep</c> in async code.</summary>
    public static readonly DiagnosticDescriptor ThreadSleepInAsyncCode =
        Create(RuleIds.ThreadSleepInAsyncCode, RuleCategories.AsyncBlocking, DiagnosticSeverity.Warning);

    /// <summary>CONC403: a synchronous call in async code where an async counterpart exists.</summary>
    public static readonly DiagnosticDescriptor SyncCallWithAsyncCounterpart =
        Create(RuleIds.SyncCallWithAsyncCounterpart, RuleCategories.AsyncBlocking, DiagnosticSeverity.Warning);

    /// <summary>CONC404: a lock held across an <c>await</c>.</summary>
    public static readonly DiagnosticDescriptor LockHeldAcrossAwait =
        Create(RuleIds.LockHeldAcrossAwait, RuleCategories.AsyncBlocking, DiagnosticSeverity.Warning);

    /// <summary>CONC405: a blocking call in a hub coroutine (the function given to <c>Hub.Run</c>/<c>Hub.Spawn</c>).</summary>
    public static readonly DiagnosticDescriptor BlockingCallInHub =
        Create(RuleIds.BlockingCallInHub, RuleCategories.AsyncBlocking, DiagnosticSeverity.Warning);

    /// <summary>CONC405: a call in a hub coroutine that blocks through the methods it calls, with the chain.</summary>
    public static readonly DiagnosticDescriptor BlockingCallInHubThroughMethods =
        CreateWithMessage(RuleIds.BlockingCallInHub, RuleCategories.AsyncBlocking, DiagnosticSeverity.Warning, RuleIds.BlockingCallInHub + "_ThroughMessage");

    /// <summary>CONC407: async code calls a synchronous method that blocks.</summary>
    public static readonly DiagnosticDescriptor BlockingCallThroughMethods =
        Create(RuleIds.BlockingCallThroughMethods, RuleCategories.AsyncBlocking, DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Create(string id, string category, DiagnosticSeverity severity, params string[] customTags) =>
        CreateWithMessage(id, category, severity, id + "_Message", customTags);

    // A rule with more than one message under its id names the message's key.
    private static DiagnosticDescriptor CreateWithMessage(string id, string category, DiagnosticSeverity severity, string messageKey, params string[] customTags) =>
        new(
            id,
            Localized(id + "_Title"),
            Localized(messageKey),
            category,
            severity,
            isEnabledByDefault: true,
            description: Localized(id + "_Description"),
            helpLinkUri: HelpLinkBase + id + ".md",
            customTags: customTags);

    private static LocalizableResourceString Localized(string name) =>
        new(name, AnalyzerResources.ResourceManager, typeof(AnalyzerResources));
}
