using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.AsyncBlocking.LockHeldAcrossAwaitAnalyzer,
    Concurrency.CodeFixes.Rules.AsyncBlocking.LockHeldAcrossAwaitCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.AsyncBlocking;

/// <summary>CONC404: a lock held across an await.</summary>
public class LockHeldAcrossAwaitTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // ---- positives ----

    [Fact]
    public Task Monitor_Enter_then_await() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private readonly object _gate = new();
            async Task M()
            {
                {|#0:Monitor.Enter(_gate)|};
                {|#1:await Task.Delay(1)|};
                Monitor.Exit(_gate);
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.LockHeldAcrossAwait).WithLocation(0).WithLocation(1).WithArguments("Monitor.Enter(_gate)", 8));

    [Fact]
    public Task Monitor_Enter_with_await_inside_try_finally() => Verify("""
        class C
        {
            private readonly object _gate = new();
            async Task M()
            {
                [|Monitor.Enter(_gate)|];
                try { await Task.Delay(1); }
                finally { Monitor.Exit(_gate); }
            }
        }
        """);

    [Fact]
    public Task Monitor_TryEnter_then_await_in_the_taken_branch() => Verify("""
        class C
        {
            private readonly object _gate = new();
            async Task M()
            {
                if ([|Monitor.TryEnter(_gate)|])
                {
                    await Task.Yield();
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task SemaphoreSlim_Wait_then_await() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task M()
            {
                [|_gate.Wait()|];
                try { await Task.Yield(); } finally { _gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task ReaderWriterLockSlim_read_and_write_locks() => Verify("""
        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            async Task Read() { [|_rw.EnterReadLock()|]; try { await Task.Yield(); } finally { _rw.ExitReadLock(); } }
            async Task Write() { [|_rw.EnterWriteLock()|]; await Task.Yield(); _rw.ExitWriteLock(); }
        }
        """);

    [Fact]
    public Task SpinLock_and_Mutex() => Verify("""
        class C
        {
            private SpinLock _spin = new(false);
            private readonly Mutex _mutex = new();
            async Task Spin() { var taken = false; [|_spin.Enter(ref taken)|]; await Task.Yield(); _spin.Exit(); }
            async Task Cross() { [|_mutex.WaitOne()|]; await Task.Yield(); _mutex.ReleaseMutex(); }
        }
        """);

    [Fact]
    public Task Runtime_Lock_Acquire_then_await() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            async Task M() { [|_gate.Acquire()|]; try { await Task.Yield(); } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task Runtime_Hold_scope_around_an_await() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.RLock _gate = new();
            async Task M()
            {
                using ([|Concurrency.Runtime.Threading.AcquirableExtensions.Hold(_gate)|])
                {
                    await Task.Yield();
                }
            }

            async Task N()
            {
                using var held = [|Concurrency.Runtime.Threading.AcquirableExtensions.Hold(_gate)|];
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task Released_on_only_one_path() => Verify("""
        class C
        {
            private readonly object _gate = new();
            async Task M(bool early)
            {
                [|Monitor.Enter(_gate)|];
                if (early)
                {
                    Monitor.Exit(_gate);
                }

                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task Await_in_a_loop_after_the_acquisition() => Verify("""
        class C
        {
            private readonly object _gate = new();
            async Task M(int n)
            {
                [|Monitor.Enter(_gate)|];
                for (var i = 0; i < n; i++)
                {
                    if (i == 3) { await Task.Delay(i); }
                }

                Monitor.Exit(_gate);
            }
        }
        """);

    [Fact]
    public Task Async_lambda() => Verify("""
        class C
        {
            private readonly object _gate = new();
            Func<Task> M() => async () => { [|Monitor.Enter(_gate)|]; await Task.Yield(); Monitor.Exit(_gate); };
        }
        """);

    [Fact]
    public Task The_Monitor_pattern_with_a_taken_flag_then_await_in_the_try() => Verify("""
        class C
        {
            private readonly object _gate = new();
            async Task M()
            {
                var taken = false;
                try { [|Monitor.Enter(_gate, ref taken)|]; await Task.Yield(); }
                finally { if (taken) Monitor.Exit(_gate); }
            }
            async Task N()
            {
                var taken = false;
                try { [|Monitor.TryEnter(_gate, 100, ref taken)|]; await Task.Yield(); }
                finally { if (taken) Monitor.Exit(_gate); }
            }
        }
        """);

    // ---- negatives ----

    [Fact]
    public Task Released_before_the_await() => Verify("""
        class C
        {
            private readonly object _gate = new();
            private int _count;
            async Task M()
            {
                Monitor.Enter(_gate);
                try { _count++; } finally { Monitor.Exit(_gate); }
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task Lock_statement_then_await() => Verify("""
        class C
        {
            private readonly object _gate = new();
            private int _count;
            async Task M() { lock (_gate) { _count++; } await Task.Yield(); }
        }
        """);

    [Fact]
    public Task Async_acquisition_with_WaitAsync_is_the_right_pattern() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task M() { await _gate.WaitAsync(); try { await Task.Yield(); } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task Await_only_where_TryEnter_failed() => Verify("""
        class C
        {
            private readonly object _gate = new();
            async Task M()
            {
                if (!Monitor.TryEnter(_gate))
                {
                    await Task.Delay(10);
                    return;
                }

                try { } finally { Monitor.Exit(_gate); }
            }
        }
        """);

    [Fact]
    public Task SemaphoreSlim_tried_with_a_zero_timeout_is_the_async_lock_pattern() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task<bool> M()
            {
                if (!_gate.Wait(0))
                {
                    return false;
                }

                try { await Task.Yield(); return true; } finally { _gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task Synchronous_method_and_synchronous_lambda() => Verify("""
        class C
        {
            private readonly object _gate = new();
            void M() { Monitor.Enter(_gate); Monitor.Exit(_gate); }
            async Task N() { await Task.Run(() => { Monitor.Enter(_gate); Monitor.Exit(_gate); }); }
        }
        """);

    [Fact]
    public Task Another_lock_released_is_not_this_one_held() => Verify("""
        class C
        {
            private readonly object _a = new();
            private readonly object _b = new();
            async Task M() { Monitor.Enter(_a); Monitor.Exit(_a); await Task.Yield(); Monitor.Enter(_b); Monitor.Exit(_b); }
        }
        """);

    [Fact]
    public Task Hold_scope_ended_before_the_await() => Verify("""
        class C
        {
            private readonly Concurrency.Runtime.Threading.Lock _gate = new();
            private int _count;
            async Task M()
            {
                using (Concurrency.Runtime.Threading.AcquirableExtensions.Hold(_gate))
                {
                    _count++;
                }

                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task Release_in_finally_then_await_after() => Verify("""
        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            async Task M() { _rw.EnterWriteLock(); try { } finally { _rw.ExitWriteLock(); } await Task.Yield(); }
        }
        """);

    [Fact]
    public Task The_Monitor_pattern_with_a_taken_flag_released_before_the_await() => Verify("""
        class C
        {
            private readonly object _gate = new();
            async Task M()
            {
                var taken = false;
                try { Monitor.TryEnter(_gate, 100, ref taken); }
                finally { if (taken) Monitor.Exit(_gate); }
                await Task.Yield();
            }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Semaphore_Wait_becomes_await_WaitAsync() => VerifyFix("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task M()
            {
                [|_gate.Wait()|]; // enter
                try { await Task.Yield(); } finally { _gate.Release(); }
            }
        }
        """, """
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task M()
            {
                await _gate.WaitAsync(); // enter
                try { await Task.Yield(); } finally { _gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task Semaphore_Wait_passes_the_token_in_scope() => VerifyFix("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task M(CancellationToken ct) { [|_gate.Wait()|]; try { await Task.Delay(1, ct); } finally { _gate.Release(); } }
        }
        """, """
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task M(CancellationToken ct) { await _gate.WaitAsync(ct); try { await Task.Delay(1, ct); } finally { _gate.Release(); } }
        }
        """);

    [Fact]
    public Task Monitor_on_a_private_object_becomes_a_SemaphoreSlim() => VerifyFix("""
        class Ledger
        {
            private readonly object _gate = new object();
            private int _balance;

            public async Task DepositAsync(int amount)
            {
                [|Monitor.Enter(_gate)|];
                try
                {
                    await Task.Yield();
                    _balance += amount;
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """, """
        class Ledger
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private int _balance;

            public async Task DepositAsync(int amount)
            {
                await _gate.WaitAsync();
                try
                {
                    await Task.Yield();
                    _balance += amount;
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);

    [Fact]
    public Task No_Monitor_conversion_when_the_field_is_also_locked_elsewhere() => VerifyFix("""
        class Ledger
        {
            private readonly object _gate = new object();
            private int _balance;

            public int Balance { get { lock (_gate) { return _balance; } } }

            public async Task DepositAsync(int amount)
            {
                [|Monitor.Enter(_gate)|];
                try { await Task.Yield(); _balance += amount; }
                finally { Monitor.Exit(_gate); }
            }
        }
        """, """
        class Ledger
        {
            private readonly object _gate = new object();
            private int _balance;

            public int Balance { get { lock (_gate) { return _balance; } } }

            public async Task DepositAsync(int amount)
            {
                [|Monitor.Enter(_gate)|];
                try { await Task.Yield(); _balance += amount; }
                finally { Monitor.Exit(_gate); }
            }
        }
        """);

    [Fact]
    public Task No_fix_for_thread_affine_locks_without_an_async_twin() => VerifyFix("""
        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            async Task M() { [|_rw.EnterWriteLock()|]; try { await Task.Yield(); } finally { _rw.ExitWriteLock(); } }
        }
        """, """
        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            async Task M() { [|_rw.EnterWriteLock()|]; try { await Task.Yield(); } finally { _rw.ExitWriteLock(); } }
        }
        """);

    [Fact]
    public Task Fix_all_in_document_converts_each_field_once()
    {
        const string before = """
            class Ledger
            {
                private readonly object _gate = new object();
                private readonly SemaphoreSlim _io = new(1, 1);
                private int _balance;

                public async Task DepositAsync(int amount)
                {
                    [|Monitor.Enter(_gate)|];
                    try { await Task.Yield(); _balance += amount; } finally { Monitor.Exit(_gate); }
                }

                public async Task WithdrawAsync(int amount)
                {
                    [|Monitor.Enter(_gate)|];
                    try { await Task.Yield(); _balance -= amount; } finally { Monitor.Exit(_gate); }
                }

                public async Task FlushAsync()
                {
                    [|_io.Wait()|];
                    try { await Task.Yield(); } finally { _io.Release(); }
                }
            }
            """;
        const string after = """
            class Ledger
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private readonly SemaphoreSlim _io = new(1, 1);
                private int _balance;

                public async Task DepositAsync(int amount)
                {
                    await _gate.WaitAsync();
                    try { await Task.Yield(); _balance += amount; } finally { _gate.Release(); }
                }

                public async Task WithdrawAsync(int amount)
                {
                    await _gate.WaitAsync();
                    try { await Task.Yield(); _balance -= amount; } finally { _gate.Release(); }
                }

                public async Task FlushAsync()
                {
                    await _io.WaitAsync();
                    try { await Task.Yield(); } finally { _io.Release(); }
                }
            }
            """;
        return new VerifyCS.Test
        {
            TestCode = Usings + before,
            FixedCode = Usings + after,
        }.RunAsync();
    }

    [Fact]
    public Task Fix_all_in_project()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "class A { readonly SemaphoreSlim _s = new(1, 1); async Task M() { [|_s.Wait()|]; try { await Task.Yield(); } finally { _s.Release(); } } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { readonly SemaphoreSlim _s = new(1, 1); async Task M() { [|_s.Wait()|]; await Task.Yield(); _s.Release(); } }"));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { readonly SemaphoreSlim _s = new(1, 1); async Task M() { await _s.WaitAsync(); try { await Task.Yield(); } finally { _s.Release(); } } }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { readonly SemaphoreSlim _s = new(1, 1); async Task M() { await _s.WaitAsync(); await Task.Yield(); _s.Release(); } }"));
        return test.RunAsync();
    }

    // ---- issue 12: the dual-path idiom ----

    [Fact]
    public Task A_lock_taken_on_the_synchronous_branch_of_a_dual_path_is_not_held_across_its_awaits() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private readonly System.IO.Stream _stream = System.IO.Stream.Null;
            async Task Write(bool async)
            {
                if (async) await _gate.WaitAsync(); else _gate.Wait();
                try
                {
                    if (async) await _stream.FlushAsync(); else _stream.Flush();
                }
                finally { _gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task A_lock_taken_on_the_synchronous_branch_is_reported_before_an_await_on_every_path() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task Write(bool async)
            {
                if (!async) [|_gate.Wait()|];
                try { await Task.Yield(); }
                finally { _gate.Release(); }
            }
        }
        """);
}
