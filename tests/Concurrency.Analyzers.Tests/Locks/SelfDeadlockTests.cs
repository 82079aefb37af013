using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Locks.SelfDeadlockAnalyzer,
    Concurrency.CodeFixes.Locks.ReentrantLockCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Locks;

/// <summary>CONC102: a non-reentrant lock acquired again while held.</summary>
public class SelfDeadlockTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks; using Concurrency.Runtime.Threading;\n";

    private const string Runtime = """
        namespace Concurrency.Runtime.Threading
        {
            public interface IAcquirable { bool Acquire(bool blocking = true, TimeSpan? timeout = null); void Release(); }
            public sealed class Lock : IAcquirable { public Lock(string? name = null) { } public bool Acquire(bool blocking = true, TimeSpan? timeout = null) => true; public void Release() { } }
            public sealed class RLock : IAcquirable { public RLock(string? name = null) { } public bool Acquire(bool blocking = true, TimeSpan? timeout = null) => true; public void Release() { } }
            public readonly struct HeldScope : IDisposable { public void Dispose() { } }
            public static class AcquirableExtensions { public static HeldScope Hold(this IAcquirable primitive) => default; }
        }
        """;

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source + "\n" + Runtime);

    private static Task VerifyFix(string source, string fixedSource) =>
        VerifyCS.VerifyCodeFixAsync(Usings + source + "\n" + Runtime, Usings + fixedSource + "\n" + Runtime);

    // ---- positives ----

    [Fact]
    public Task Hold_inside_Hold_of_the_same_lock() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { using ({|#1:_gate.Hold()|}) { using ({|#0:_gate.Hold()|}) { } } }
        }
        """ + "\n" + Runtime,
        VerifyCS.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "'_gate.Hold()'"));

    [Fact]
    public Task Acquire_inside_try_finally_region() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { _gate.Acquire(); try { [|_gate.Acquire()|]; } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task Through_a_call_to_a_method_of_the_same_instance() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class Ledger
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _n;
            public void Post() { using ({|#1:_gate.Hold()|}) { {|#0:Audit()|}; } }
            private void Audit() { using (_gate.Hold()) { _n++; } }
        }
        """ + "\n" + Runtime,
        VerifyCS.Diagnostic(RuleIds.SelfDeadlock).WithLocation(0).WithLocation(1).WithArguments("_gate", "Audit() → _gate.Hold() (Test0.cs:7)"));

    [Fact]
    public Task Through_two_calls() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { using (_gate.Hold()) { [|A()|]; } }
            void A() => B();
            void B() { _gate.Acquire(); try { } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task Using_declaration_holds_to_the_end_of_the_block() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { using var held = _gate.Hold(); Console.WriteLine(); [|_gate.Acquire()|]; }
        }
        """);

    [Fact]
    public Task SemaphoreSlim_with_one_slot() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            async Task M() { await _gate.WaitAsync(); try { [|_gate.Wait()|]; } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task SemaphoreSlim_target_typed_through_a_call() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task M() { await _gate.WaitAsync(); try { await [|N()|]; } finally { _gate.Release(); } }
            async Task N() { await _gate.WaitAsync(); try { } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task ReaderWriterLockSlim_without_recursion() => Verify("""
        class C
        {
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            void M() { _rw.EnterWriteLock(); try { [|_rw.EnterWriteLock()|]; } finally { _rw.ExitWriteLock(); } }
        }
        """);

    [Fact]
    public Task Static_lock_and_static_call() => Verify("""
        static class Registry
        {
            private static readonly Concurrency.Runtime.Threading.Lock Gate = new();
            public static void Add() { using (Gate.Hold()) { [|Count()|]; } }
            private static int Count() { using (Gate.Hold()) { return 0; } }
        }
        """);

    [Fact]
    public Task Property_getter_that_locks() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _n;
            void M() { using (_gate.Hold()) { [|Read()|]; } }
            int Read() { using (_gate.Hold()) { return _n; } }
        }
        """);

    // ---- negatives ----

    [Fact]
    public Task Reentrant_RLock_and_Monitor() => Verify("""
        class C
        {
            private readonly RLock _r = new();
            private readonly object _o = new object();
            void M() { using (_r.Hold()) { using (_r.Hold()) { } } lock (_o) { lock (_o) { } } }
        }
        """);

    [Fact]
    public Task Sequential_not_nested() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { using (_gate.Hold()) { } using (_gate.Hold()) { } }
        }
        """);

    [Fact]
    public Task Two_different_locks() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _a = new();
            private readonly Concurrency.Runtime.Threading.Lock _b = new();
            void M() { using (_a.Hold()) { using (_b.Hold()) { } } }
        }
        """);

    [Fact]
    public Task Semaphore_with_more_slots_and_recursive_RWLS() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _pool = new SemaphoreSlim(4, 4);
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim(LockRecursionPolicy.SupportsRecursion);
            void M() { _pool.Wait(); try { _pool.Wait(); } finally { _pool.Release(); } _rw.EnterWriteLock(); try { _rw.EnterWriteLock(); } finally { _rw.ExitWriteLock(); } }
        }
        """);

    [Fact]
    public Task Calls_on_another_instance_take_another_lock() => Verify("""
        class Node
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private Node? _next;
            void M() { using (_gate.Hold()) { _next?.M(); } }
        }
        """);

    [Fact]
    public Task A_lambda_created_under_the_lock_runs_later() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            Action M() { using (_gate.Hold()) { return () => { using (_gate.Hold()) { } }; } }
        }
        """);

    [Fact]
    public Task Callee_that_does_not_lock() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _n;
            void M() { using (_gate.Hold()) { Bump(); } }
            void Bump() => _n++;
        }
        """);

    [Fact]
    public Task Released_before_the_second_acquire() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { _gate.Acquire(); try { } finally { _gate.Release(); } _gate.Acquire(); _gate.Release(); }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Lock_field_becomes_RLock() => VerifyFix("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new Concurrency.Runtime.Threading.Lock("ledger");
            void M() { using (_gate.Hold()) { [|N()|]; } }
            void N() { using (_gate.Hold()) { } }
        }
        """, """
        class C
        {
            private readonly Concurrency.Runtime.Threading.RLock _gate = new Concurrency.Runtime.Threading.RLock("ledger");
            void M() { using (_gate.Hold()) { N(); } }
            void N() { using (_gate.Hold()) { } }
        }
        """);

    [Fact]
    public Task Target_typed_new_is_kept() => VerifyFix("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            void M() { using (_gate.Hold()) { using ([|_gate.Hold()|]) { } } }
        }
        """, """
        class C
        {
            private readonly Concurrency.Runtime.Threading.RLock _gate = new();
            void M() { using (_gate.Hold()) { using (_gate.Hold()) { } } }
        }
        """);

    [Fact]
    public Task No_fix_for_a_semaphore() => VerifyFix("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            void M() { _gate.Wait(); try { [|_gate.Wait()|]; } finally { _gate.Release(); } }
        }
        """, """
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            void M() { _gate.Wait(); try { [|_gate.Wait()|]; } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task No_fix_for_a_lock_type_written_through_an_alias() => VerifyCS.VerifyCodeFixAsync("using LockType = Concurrency.Runtime.Threading.Lock;\n" + Usings + """
        class C
        {
            private readonly LockType _gate = new LockType();
            void M() { using (_gate.Hold()) { [|N()|]; } }
            void N() { _gate.Acquire(); try { } finally { _gate.Release(); } }
        }
        """ + "\n" + Runtime, "using LockType = Concurrency.Runtime.Threading.Lock;\n" + Usings + """
        class C
        {
            private readonly LockType _gate = new LockType();
            void M() { using (_gate.Hold()) { [|N()|]; } }
            void N() { _gate.Acquire(); try { } finally { _gate.Release(); } }
        }
        """ + "\n" + Runtime);

    [Fact]
    public Task No_fix_when_the_field_is_declared_in_another_document()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Fields.cs", Usings + "partial class C { private readonly Concurrency.Runtime.Threading.Lock _g = new(); }"));
        test.TestState.Sources.Add(("Use.cs", Usings + "partial class C { void M() { using (_g.Hold()) { using ([|_g.Hold()|]) { } } } }"));
        test.TestState.Sources.Add(("Runtime.cs", "using System;\n" + Runtime));
        test.FixedState.Sources.Add(("Fields.cs", Usings + "partial class C { private readonly Concurrency.Runtime.Threading.Lock _g = new(); }"));
        test.FixedState.Sources.Add(("Use.cs", Usings + "partial class C { void M() { using (_g.Hold()) { using ([|_g.Hold()|]) { } } } }"));
        test.FixedState.Sources.Add(("Runtime.cs", "using System;\n" + Runtime));
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_all_in_document_and_project()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "class A { private readonly Concurrency.Runtime.Threading.Lock _g = new(); void M() { using (_g.Hold()) { [|N()|]; [|N()|]; } } void N() { using (_g.Hold()) { } } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { private readonly Concurrency.Runtime.Threading.Lock _g = new(); void M() { _g.Acquire(); try { [|_g.Acquire()|]; } finally { _g.Release(); } } }"));
        test.TestState.Sources.Add(("Runtime.cs", "using System;\n" + Runtime));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { private readonly Concurrency.Runtime.Threading.RLock _g = new(); void M() { using (_g.Hold()) { N(); N(); } } void N() { using (_g.Hold()) { } } }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { private readonly Concurrency.Runtime.Threading.RLock _g = new(); void M() { _g.Acquire(); try { _g.Acquire(); } finally { _g.Release(); } } }"));
        test.FixedState.Sources.Add(("Runtime.cs", "using System;\n" + Runtime));
        return test.RunAsync();
    }
}
