using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// The lock vocabulary every lock rule reads: per lock type, the methods that acquire it (blocking,
/// trying, asynchronously, or as a scope) and the methods that release it. The text-first syntax
/// index, CONC103's release search and CONC404's acquisition filter take their names from here, so
/// a name added for one rule reaches them all; <see cref="LockSymbols"/> binds the names to the
/// types. Runtime primitives are every <c>Concurrency.Runtime.Threading.IAcquirable</c> — <c>Lock</c>,
/// <c>RLock</c>, <c>Semaphore</c>, <c>BoundedSemaphore</c>, <c>Condition</c>, the inter-process
/// <c>Lock</c> and <c>Semaphore</c> — so a new runtime lock is recognised without a change here.
/// </summary>
internal static class LockApi
{
    /// <summary>How a method of the table takes part in holding a lock.</summary>
    public enum Role
    {
        /// <summary>Waits until the lock is held (may wait forever).</summary>
        Acquire,

        /// <summary>Acquires when it can, or within a timeout; tells whether it did.</summary>
        TryAcquire,

        /// <summary>Acquires without blocking the thread (awaited).</summary>
        AcquireAsync,

        /// <summary>Acquires and returns a scope whose disposal releases.</summary>
        Scope,

        /// <summary>Releases the lock.</summary>
        Release,
    }

    /// <summary>One row: a lock type (by its <see cref="KnownTypes"/> metadata name), a method, its role.</summary>
    public sealed class Entry
    {
        public Entry(string type, string method, Role role)
        {
            Type = type;
            Method = method;
            Role = role;
        }

        public string Type { get; }

        public string Method { get; }

        public Role Role { get; }
    }

    private const string Monitor = KnownTypes.Bcl.Monitor;
    private const string SemaphoreSlim = KnownTypes.Bcl.SemaphoreSlim;
    private const string ReaderWriterLockSlim = KnownTypes.Bcl.ReaderWriterLockSlim;
    private const string SpinLock = KnownTypes.Bcl.SpinLock;
    private const string Mutex = KnownTypes.Bcl.Mutex;
    private const string Acquirable = KnownTypes.Runtime.IAcquirable;

    /// <summary>The table. <c>lock (x)</c> statements are not in it: they are syntax of their own.</summary>
    public static readonly ImmutableArray<Entry> Entries = ImmutableArray.Create(
        new Entry(Monitor, "Enter", Role.Acquire),
        new Entry(Monitor, "TryEnter", Role.TryAcquire),
        new Entry(Monitor, "Exit", Role.Release),
        new Entry(SemaphoreSlim, "Wait", Role.Acquire),
        new Entry(SemaphoreSlim, "WaitAsync", Role.AcquireAsync),
        new Entry(SemaphoreSlim, "Release", Role.Release),
        new Entry(ReaderWriterLockSlim, "EnterReadLock", Role.Acquire),
        new Entry(ReaderWriterLockSlim, "EnterWriteLock", Role.Acquire),
        new Entry(ReaderWriterLockSlim, "EnterUpgradeableReadLock", Role.Acquire),
        new Entry(ReaderWriterLockSlim, "TryEnterReadLock", Role.TryAcquire),
        new Entry(ReaderWriterLockSlim, "TryEnterWriteLock", Role.TryAcquire),
        new Entry(ReaderWriterLockSlim, "TryEnterUpgradeableReadLock", Role.TryAcquire),
        new Entry(ReaderWriterLockSlim, "ExitReadLock", Role.Release),
        new Entry(ReaderWriterLockSlim, "ExitWriteLock", Role.Release),
        new Entry(ReaderWriterLockSlim, "ExitUpgradeableReadLock", Role.Release),
        new Entry(SpinLock, "Enter", Role.Acquire),
        new Entry(SpinLock, "TryEnter", Role.TryAcquire),
        new Entry(SpinLock, "Exit", Role.Release),
        new Entry(Mutex, "WaitOne", Role.Acquire),
        new Entry(Mutex, "ReleaseMutex", Role.Release),
        new Entry(Acquirable, "Acquire", Role.Acquire),
        new Entry(Acquirable, "Hold", Role.Scope),
        new Entry(Acquirable, "Release", Role.Release));

    /// <summary>Every acquiring name, async and scopes included: what the syntax index searches the text for.</summary>
    public static readonly ImmutableArray<string> AcquisitionNames =
        Entries.Where(e => e.Role != Role.Release).Select(e => e.Method).Distinct().ToImmutableArray();

    /// <summary>The names that acquire by blocking the thread (not <c>WaitAsync</c>): what CONC404 looks at.</summary>
    public static readonly ImmutableHashSet<string> BlockingAcquisitionNames =
        Entries.Where(e => e.Role is Role.Acquire or Role.TryAcquire or Role.Scope).Select(e => e.Method).ToImmutableHashSet();

    /// <summary>The releasing names: what CONC103 searches a <c>finally</c> for.</summary>
    public static readonly ImmutableHashSet<string> ReleaseNames =
        Entries.Where(e => e.Role == Role.Release).Select(e => e.Method).ToImmutableHashSet();

    /// <summary>
    /// The name of the attribute that marks a method whose lock is handed over rather than released in
    /// a <c>finally</c> (lock coupling down a list, or a release in a partner method named by the
    /// attribute's first argument). Matched by name in any namespace, so code declares its own:
    /// <c>sealed class HandsOverLockAttribute : Attribute { public HandsOverLockAttribute(string partner = "") { } }</c>.
    /// </summary>
    public const string HandsOverLockAttribute = "HandsOverLockAttribute";

    /// <summary>
    /// Whether <paramref name="block"/> (a <c>finally</c>) does nothing but release locks: leaving it
    /// cannot throw before the statement after its <c>try</c> runs, so a lock taken by the last
    /// statement of the <c>try</c> is handed over to that statement (hand-over-hand locking).
    /// </summary>
    public static bool OnlyReleases(BlockSyntax block) =>
        block.Statements.Count > 0 && block.Statements.All(statement => statement switch
        {
            ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call } => IsReleaseName(call),
            IfStatementSyntax { Statement: ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call }, Else: null } => IsReleaseName(call),
            _ => false,
        });

    /// <summary>Whether a call is named like a release (<c>Exit</c>, <c>Release</c>, <c>ExitReadLock</c>…): the text filter before binding.</summary>
    public static bool IsReleaseName(InvocationExpressionSyntax call) => call.Expression switch
    {
        MemberAccessExpressionSyntax access => ReleaseNames.Contains(access.Name.Identifier.ValueText),
        IdentifierNameSyntax identifier => ReleaseNames.Contains(identifier.Identifier.ValueText),
        _ => false,
    };

    /// <summary>
    /// The statement a lock taken by <paramref name="statement"/> is next held in when the statement
    /// ends a <c>lock</c> body or a <c>try</c> block whose <c>finally</c> only releases: the statement
    /// after that <c>lock</c> or <c>try</c> (<c>lock (a) { Monitor.Enter(b); } try { … } finally { Monitor.Exit(b); }</c>
    /// takes <c>b</c> under <c>a</c>, then holds it alone). Null otherwise.
    /// </summary>
    public static StatementSyntax? HandedOverTo(StatementSyntax statement)
    {
        if (statement.Parent is not BlockSyntax block || block.Statements.LastOrDefault() != statement)
        {
            return null;
        }

        StatementSyntax? enclosing = block.Parent switch
        {
            LockStatementSyntax lockStatement => lockStatement,
            TryStatementSyntax { Finally: { } finallyClause } tryStatement when tryStatement.Block == block && OnlyReleases(finallyClause.Block) => tryStatement,
            _ => null,
        };
        return enclosing?.Parent is BlockSyntax outer && outer.Statements.IndexOf(enclosing) is var index && index + 1 < outer.Statements.Count
            ? outer.Statements[index + 1]
            : null;
    }
}
