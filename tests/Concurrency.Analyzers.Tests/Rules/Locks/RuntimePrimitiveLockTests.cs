using Microsoft.CodeAnalysis.Testing;
using SelfDeadlock = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Locks.SelfDeadlockAnalyzer,
    Concurrency.CodeFixes.Rules.Locks.SelfDeadlockCodeFixProvider>;
using Unreleased = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Locks.UnreleasedLockAnalyzer,
    Concurrency.CodeFixes.Rules.Locks.UnreleasedLockCodeFixProvider>;
using LockOrder = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Locks.LockOrderInversionAnalyzer,
    Concurrency.CodeFixes.Rules.Locks.LockOrderInversionCodeFixProvider>;
using AcrossAwait = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.AsyncBlocking.LockHeldAcrossAwaitAnalyzer,
    Concurrency.CodeFixes.Rules.AsyncBlocking.LockHeldAcrossAwaitCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Locks;

/// <summary>
/// Every acquirable runtime primitive (<c>IAcquirable</c>: threading and inter-process locks and
/// semaphores, bounded or not, and <c>Condition</c>) under the lock rules — not only the threading
/// <c>Lock</c>/<c>RLock</c>. Compiled against the real runtime assembly.
/// </summary>
public class RuntimePrimitiveLockTests
{
    private const string Usings = "using System; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData("Concurrency.Runtime.Threading.Semaphore", "new(1)")]
    [InlineData("Concurrency.Runtime.Threading.Semaphore", "new()")]
    [InlineData("Concurrency.Runtime.Threading.BoundedSemaphore", "new(1)")]
    [InlineData("Concurrency.Runtime.Multiprocessing.Semaphore", "new(1)")]
    [InlineData("Concurrency.Runtime.Multiprocessing.Lock", "new()")]
    public Task A_one_slot_runtime_primitive_taken_again_by_its_holder_is_a_self_deadlock(string type, string creation) =>
        SelfDeadlock.VerifyAnalyzerAsync(Usings + "using Concurrency.Runtime.Threading;\n" + $$"""
            class Ledger
            {
                private readonly {{type}} _gate = {{creation}};
                void Post() { {|#1:_gate.Acquire()|}; try { {|#0:_gate.Acquire()|}; } finally { _gate.Release(); } }
            }
            """,
            SelfDeadlock.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "'_gate.Acquire()'"));

    [Theory]
    [InlineData("Concurrency.Runtime.Threading.Semaphore", "new(2)")]
    [InlineData("Concurrency.Runtime.Threading.BoundedSemaphore", "new(3)")]
    [InlineData("Concurrency.Runtime.Threading.RLock", "new()")]
    public Task A_runtime_primitive_with_room_for_its_holder_is_not_a_self_deadlock(string type, string creation) =>
        SelfDeadlock.VerifyAnalyzerAsync(Usings + "using Concurrency.Runtime.Threading;\n" + $$"""
            class Ledger
            {
                private readonly {{type}} _gate = {{creation}};
                void Post() { _gate.Acquire(); try { _gate.Acquire(); _gate.Release(); } finally { _gate.Release(); } }
            }
            """);

    [Fact]
    public Task A_runtime_semaphore_reached_again_through_a_call_is_a_self_deadlock() => SelfDeadlock.VerifyAnalyzerAsync(Usings + """
        using Concurrency.Runtime.Threading;
        class Ledger
        {
            private readonly BoundedSemaphore _gate = new(1);
            public void Post() { using ({|#1:_gate.Hold()|}) { {|#0:Audit()|}; } }
            private void Audit() { _gate.Acquire(); _gate.Release(); }
        }
        """,
        SelfDeadlock.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "Audit() → _gate.Acquire() (Test0.cs:7)"));

    [Fact]
    public Task A_runtime_semaphore_released_outside_finally_is_fixed_to_a_Hold_scope() => Unreleased.VerifyCodeFixAsync(Usings + """
        using Concurrency.Runtime.Threading;
        class Pool
        {
            private readonly Semaphore _slots = new(4);
            private int _busy;

            void Run()
            {
                [|_slots.Acquire()|];
                _busy++;
                _slots.Release();
            }
        }
        """, Usings + """
        using Concurrency.Runtime.Threading;
        class Pool
        {
            private readonly Semaphore _slots = new(4);
            private int _busy;

            void Run()
            {
                using (_slots.Hold())
                {
                    _busy++;
                }
            }
        }
        """);

    [Fact]
    public Task An_inter_process_lock_released_in_finally_is_not_reported() => Unreleased.VerifyAnalyzerAsync(Usings + """
        class Files
        {
            private readonly Concurrency.Runtime.Multiprocessing.Lock _gate = new();
            void Write() { _gate.Acquire(); try { } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task Runtime_semaphores_taken_in_opposite_orders_are_an_inversion() => LockOrder.VerifyAnalyzerAsync(Usings + """
        using Concurrency.Runtime.Threading;
        class Transfer
        {
            private readonly Semaphore _from = new(1);
            private readonly Semaphore _to = new(1);
            void Forward() { _from.Acquire(); try { [|_to.Acquire()|]; _to.Release(); } finally { _from.Release(); } }
            void Back() { _to.Acquire(); try { [|_from.Acquire()|]; _from.Release(); } finally { _to.Release(); } }
        }
        """);

    [Fact]
    public Task A_runtime_semaphore_held_across_an_await_is_reported() => AcrossAwait.VerifyAnalyzerAsync(Usings + """
        class Cache
        {
            private readonly Concurrency.Runtime.Threading.Semaphore _gate = new(1);
            async Task Refresh() { [|_gate.Acquire()|]; try { await Task.Yield(); } finally { _gate.Release(); } }
        }
        """);
}
