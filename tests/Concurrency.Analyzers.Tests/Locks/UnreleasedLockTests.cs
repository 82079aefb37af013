using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Locks.UnreleasedLockAnalyzer,
    Concurrency.CodeFixes.Locks.ReleaseInFinallyCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Locks;

/// <summary>CONC103: a lock acquired without a guaranteed release.</summary>
public class UnreleasedLockTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    private const string Runtime = """
        namespace Concurrency.Runtime.Threading
        {
            public interface IAcquirable { bool Acquire(bool blocking = true, TimeSpan? timeout = null); void Release(); }
            public sealed class Lock : IAcquirable { public bool Acquire(bool blocking = true, TimeSpan? timeout = null) => true; public void Release() { } }
            public readonly struct HeldScope : IDisposable { public void Dispose() { } }
            public static class AcquirableExtensions { public static HeldScope Hold(this IAcquirable primitive) => default; }
        }
        """;

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source + "\n" + Runtime);

    private static Task VerifyFix(string source, string fixedSource, string extraUsings = "") =>
        VerifyCS.VerifyCodeFixAsync(extraUsings + Usings + source + "\n" + Runtime, extraUsings + Usings + fixedSource + "\n" + Runtime);

    // ---- positives ----

    [Fact]
    public Task Monitor_Enter_then_Exit_without_finally() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M() { {|#0:Monitor.Enter(_gate)|}; _n++; Monitor.Exit(_gate); }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.UnreleasedLock).WithLocation(0).WithArguments("Monitor.Enter(_gate)"));

    [Fact]
    public Task SemaphoreSlim_Wait_and_WaitAsync() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;
            void M() { [|_gate.Wait()|]; _n++; _gate.Release(); }
            async Task N(CancellationToken ct) { await [|_gate.WaitAsync(ct)|]; _n++; _gate.Release(); }
        }
        """);

    [Fact]
    public Task ReaderWriterLockSlim_read_and_write() => Verify("""
        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;
            int Read() { [|_rw.EnterReadLock()|]; var n = _n; _rw.ExitReadLock(); return n; }
            void Write() { [|_rw.EnterWriteLock()|]; _n++; _rw.ExitWriteLock(); }
        }
        """);

    [Fact]
    public Task Mutex_WaitOne() => Verify("""
        class C { private readonly Mutex _m = new(); private int _n; void M() { [|_m.WaitOne()|]; _n++; _m.ReleaseMutex(); } }
        """);

    [Fact]
    public Task Runtime_Lock_Acquire() => Verify("""
        class C { private readonly Concurrency.Runtime.Threading.Lock _gate = new(); private int _n; void M() { [|_gate.Acquire()|]; _n++; _gate.Release(); } }
        """);

    [Fact]
    public Task Release_only_on_one_branch() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M(bool early) { [|Monitor.Enter(_gate)|]; if (early) { Monitor.Exit(_gate); return; } _n++; Monitor.Exit(_gate); }
        }
        """);

    [Fact]
    public Task Try_without_the_release_in_finally() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M() { [|Monitor.Enter(_gate)|]; try { _n++; } catch (Exception) { } Monitor.Exit(_gate); }
        }
        """);

    [Fact]
    public Task Finally_releasing_another_lock() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            void M() { [|Monitor.Enter(_a)|]; try { } finally { Monitor.Exit(_b); } Monitor.Exit(_a); }
        }
        """);

    [Fact]
    public Task In_a_lambda() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            Action M() => () => { [|Monitor.Enter(_gate)|]; _n++; Monitor.Exit(_gate); };
        }
        """);

    [Fact]
    public Task Static_lock_and_using_static() => VerifyCS.VerifyAnalyzerAsync("using static System.Threading.Monitor;\n" + Usings + """
        class C { private static readonly object Gate = new object(); private static int s_n; static void M() { [|Enter(Gate)|]; s_n++; Exit(Gate); } }
        """);

    // ---- negatives ----

    [Fact]
    public Task Released_in_the_following_finally() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M() { Monitor.Enter(_gate); try { _n++; } finally { Monitor.Exit(_gate); } }
        }
        """);

    [Fact]
    public Task Acquired_inside_a_try_whose_finally_releases() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task M() { try { await _gate.WaitAsync(); } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task Lock_statement_and_Hold_scope() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            private readonly Concurrency.Runtime.Threading.Lock _l = new();
            private int _n;
            void M() { lock (_gate) { _n++; } using (Concurrency.Runtime.Threading.AcquirableExtensions.Hold(_l)) { _n++; } }
        }
        """);

    [Fact]
    public Task Never_released_in_the_function_is_left_alone() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            public void Enter() => _gate.Wait();
            public void Exit() => _gate.Release();
        }
        """);

    [Fact]
    public Task TryEnter_in_a_condition_is_not_judged() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            void M() { if (Monitor.TryEnter(_gate)) { Monitor.Exit(_gate); } }
        }
        """);

    [Fact]
    public Task Enter_with_lockTaken_inside_try() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            void M() { var taken = false; try { Monitor.Enter(_gate, ref taken); } finally { if (taken) Monitor.Exit(_gate); } }
        }
        """);

    [Fact]
    public Task Zero_timeout_semaphore_try_is_not_an_acquisition_statement() => Verify("""
        class C { private readonly SemaphoreSlim _s = new(1, 1); void M() { if (_s.Wait(0)) { _s.Release(); } } }
        """);

    [Fact]
    public Task Generated_code() => VerifyCS.VerifyAnalyzerAsync("// <auto-generated/>\n" + Usings + """
        class C { private readonly object _gate = new object(); void M() { Monitor.Enter(_gate); Monitor.Exit(_gate); } }
        """);

    // ---- fixes ----

    [Fact]
    public Task Wraps_the_work_in_try_finally() => VerifyFix("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;

            void M()
            {
                [|Monitor.Enter(_gate)|];
                _n++;
                Console.WriteLine(_n);
                Monitor.Exit(_gate);
                Console.WriteLine("done");
            }
        }
        """, """
        class C
        {
            private readonly object _gate = new object();
            private int _n;

            void M()
            {
                Monitor.Enter(_gate);
                try
                {
                    _n++;
                    Console.WriteLine(_n);
                }
                finally
                {
                    Monitor.Exit(_gate);
                }

                Console.WriteLine("done");
            }
        }
        """);

    [Fact]
    public Task Semaphore_WaitAsync_gets_its_finally() => VerifyFix("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;

            async Task M()
            {
                await [|_gate.WaitAsync()|];
                _n++;
                _gate.Release();
            }
        }
        """, """
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;

            async Task M()
            {
                await _gate.WaitAsync();
                try
                {
                    _n++;
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);

    [Fact]
    public Task Runtime_lock_becomes_a_Hold_scope() => VerifyFix("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _n;

            void M()
            {
                [|_gate.Acquire()|];
                _n++;
                _gate.Release();
            }
        }
        """, """
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _n;

            void M()
            {
                using (_gate.Hold())
                {
                    _n++;
                }
            }
        }
        """, "using Concurrency.Runtime.Threading;\n");

    [Fact]
    public Task No_fix_when_a_local_declared_inside_is_used_after_the_release() => VerifyFix("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            int M() { [|Monitor.Enter(_gate)|]; var copy = _n; Monitor.Exit(_gate); return copy; }
        }
        """, """
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            int M() { [|Monitor.Enter(_gate)|]; var copy = _n; Monitor.Exit(_gate); return copy; }
        }
        """);

    [Fact]
    public Task No_fix_when_the_release_is_not_in_the_same_block() => VerifyFix("""
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M(bool b) { [|Monitor.Enter(_gate)|]; _n++; if (b) { Monitor.Exit(_gate); } }
        }
        """, """
        class C
        {
            private readonly object _gate = new object();
            private int _n;
            void M(bool b) { [|Monitor.Enter(_gate)|]; _n++; if (b) { Monitor.Exit(_gate); } }
        }
        """);

    [Fact]
    public Task Fix_all_handles_nested_locks_and_several_documents()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + """
            class A
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private int _n;

                void M()
                {
                    [|Monitor.Enter(_a)|];
                    [|Monitor.Enter(_b)|];
                    _n++;
                    Monitor.Exit(_b);
                    Monitor.Exit(_a);
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", Usings + """
            class B
            {
                private readonly SemaphoreSlim _s = new(1, 1);
                private int _n;

                void M()
                {
                    [|_s.Wait()|];
                    _n++;
                    _s.Release();
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Usings + """
            class A
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private int _n;

                void M()
                {
                    Monitor.Enter(_a);
                    try
                    {
                        Monitor.Enter(_b);
                        try
                        {
                            _n++;
                        }
                        finally
                        {
                            Monitor.Exit(_b);
                        }
                    }
                    finally
                    {
                        Monitor.Exit(_a);
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", Usings + """
            class B
            {
                private readonly SemaphoreSlim _s = new(1, 1);
                private int _n;

                void M()
                {
                    _s.Wait();
                    try
                    {
                        _n++;
                    }
                    finally
                    {
                        _s.Release();
                    }
                }
            }
            """));
        return test.RunAsync();
    }
}
