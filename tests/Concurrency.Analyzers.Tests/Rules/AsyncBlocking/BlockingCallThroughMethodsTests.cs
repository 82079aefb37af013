using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.AsyncBlocking.BlockingCallThroughMethodsAnalyzer,
    Concurrency.CodeFixes.Rules.AsyncBlocking.SyncCallWithAsyncCounterpartCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.AsyncBlocking;

/// <summary>CONC407: async code calls a synchronous method that blocks, found through calls.</summary>
public class BlockingCallThroughMethodsTests
{
    private const string Usings = "using System; using System.IO; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    // ---- positives ----

    [Fact]
    public Task Chain_through_two_methods_is_in_the_message() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class Settings
        {
            public static string Read(string path) => File.ReadAllText(path);
        }
        class App
        {
            string LoadConfig() => Settings.Read("app.json");
            async Task Start() { await Task.Yield(); var config = {|#0:LoadConfig()|}; }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.BlockingCallThroughMethods).WithLocation(0).WithLocation(4, 47)
            .WithArguments("LoadConfig()", "Settings.Read → File.ReadAllText", "Test0.cs:4"));

    [Fact]
    public Task A_future_read_in_a_synchronous_helper() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        using Concurrency.Runtime.Futures;
        class Jobs
        {
            static int Work() => 1;
            int RunOne(Executor pool) => pool.Submit(Work).Result();
            async Task Start(Executor pool) { await Task.Yield(); var n = {|#0:RunOne(pool)|}; }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.BlockingCallThroughMethods).WithLocation(0).WithLocation(6, 34)
            .WithArguments("RunOne()", "Future.Result()", "Test0.cs:6"));

    [Fact]
    public Task Direct_sleep_in_the_callee() => Verify("""
        class C
        {
            void Pause() => Thread.Sleep(100);
            async Task M() { [|Pause()|]; await Task.Yield(); }
        }
        """);

    [Fact]
    public Task Callee_waits_on_a_task() => Verify("""
        class C
        {
            static Task<int> Fetch() => Task.FromResult(1);
            int FetchNow() => Fetch().GetAwaiter().GetResult();
            int FetchResult(Task<int> t) => t.Result;
            async Task<int> M(Task<int> t) { await Task.Yield(); return [|FetchNow()|] + [|FetchResult(t)|]; }
        }
        """);

    [Fact]
    public Task Deep_chain_across_classes_and_files()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Io.cs", Usings + "static class Io { public static void Save(string p) => File.WriteAllText(p, \"\"); }"));
        test.TestState.Sources.Add(("Repo.cs", Usings + "class Repo { public void Commit() => Flush(); void Flush() => Io.Save(\"db\"); }"));
        test.TestState.Sources.Add(("Service.cs", Usings + "class Service { readonly Repo _repo = new(); public async Task Run() { await Task.Yield(); [|_repo.Commit()|]; } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Callee_that_is_a_local_function_of_the_async_method() => Verify("""
        class C
        {
            async Task M(string path)
            {
                string Read() => File.ReadAllText(path);
                await Task.Yield();
                var text = [|Read()|];
            }
        }
        """);

    [Fact]
    public Task Callee_returning_a_Task_without_being_async() => Verify("""
        class C
        {
            Task Save(string path) { File.WriteAllText(path, ""); return Task.CompletedTask; }
            async Task M() { await [|Save("x")|]; }
        }
        """);

    [Fact]
    public Task Reported_in_async_lambda() => Verify("""
        class C
        {
            void Pause() => Thread.Sleep(1);
            Func<Task> M() => async () => { [|Pause()|]; await Task.Yield(); };
        }
        """);

    [Fact]
    public Task Static_and_instance_members_alike() => Verify("""
        class C
        {
            static void Wait(SemaphoreSlim gate) => gate.Wait();
            async Task M(SemaphoreSlim gate) { [|Wait(gate)|]; try { await Task.Yield(); } finally { gate.Release(); } }
        }
        """);

    [Fact]
    public Task Recursive_callee_is_summarized() => Verify("""
        class C
        {
            int Walk(int n) => n == 0 ? File.ReadAllText("x").Length : Walk(n - 1);
            async Task<int> M() { await Task.Yield(); return [|Walk(3)|]; }
        }
        """);

    [Fact]
    public Task Mutually_recursive_callees() => Verify("""
        class C
        {
            int Even(int n) => n == 0 ? 0 : Odd(n - 1);
            int Odd(int n) => n == 0 ? File.ReadAllBytes("x").Length : Even(n - 1);
            async Task<int> M() { await Task.Yield(); return [|Even(4)|]; }
        }
        """);

    [Fact]
    public Task A_stored_synchronous_lambda_is_reported_where_async_code_invokes_it() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task<int> M(Task<int> t)
            {
                await Task.Yield();
                Func<int> read = () => t.Result;
                Func<int> safe = () => 42;
                return {|#0:read()|} + safe();
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.BlockingCallThroughMethods).WithLocation(0).WithLocation(7, 32)
            .WithArguments("read()", "Task.Result", "Test0.cs:7"));

    // ---- negatives ----

    [Fact]
    public Task Callee_that_does_not_block() => Verify("""
        class C
        {
            int Add(int a, int b) => a + b;
            int Twice(int a) => Add(a, a);
            async Task<int> M() { await Task.Yield(); return Twice(2); }
        }
        """);

    [Fact]
    public Task Callee_that_only_creates_a_blocking_lambda() => Verify("""
        class C
        {
            Func<string> Later(string path) => () => File.ReadAllText(path);
            Task<string> Offload(string path) => Task.Run(() => File.ReadAllText(path));
            async Task M() { var f = Later("x"); await Offload("x"); }
        }
        """);

    [Fact]
    public Task Synchronous_callers_are_not_reported() => Verify("""
        class C
        {
            void Pause() => Thread.Sleep(1);
            void M() { Pause(); }
            static void Main() { new C().Pause(); }
        }
        """);

    [Fact]
    public Task Async_callees_are_awaited_not_blocking() => Verify("""
        class C
        {
            async Task PauseAsync() => await Task.Delay(1);
            async Task M() { await PauseAsync(); }
        }
        """);

    [Fact]
    public Task Dual_path_synchronous_wrapper_is_not_blocking() => Verify("""
        class Reader
        {
            public int Read(Stream s, byte[] b) => ReadCore(s, b, async: false).GetAwaiter().GetResult();

            private async ValueTask<int> ReadCore(Stream s, byte[] b, bool async) =>
                async ? await s.ReadAsync(b, 0, b.Length) : s.Read(b, 0, b.Length);
        }
        class C
        {
            async Task<int> M(Reader r, Stream s) { await Task.Yield(); return r.Read(s, new byte[4]); }
        }
        """);

    [Fact]
    public Task Callees_using_only_in_memory_IO() => Verify("""
        class C
        {
            string Render(string s) { using var w = new StringWriter(); w.Write(s); return w.ToString(); }
            async Task<string> M() { await Task.Yield(); return Render("x"); }
        }
        """);

    [Fact]
    public Task A_stored_lambda_that_is_never_invoked_or_is_reassigned() => Verify("""
        class C
        {
            async Task<int> M(Task<int> t, bool fresh)
            {
                await Task.Yield();
                Func<int> later = () => t.Result;
                Func<int> swapped = () => t.Result;
                if (fresh) { swapped = () => 1; }
                return swapped();
            }
        }
        """);

    [Fact]
    public Task Interface_calls_without_a_body_are_not_followed() => Verify("""
        interface IStore { string Load(); }
        class C
        {
            async Task<string> M(IStore store) { await Task.Yield(); return store.Load(); }
        }
        """);

    [Fact]
    public Task Blocking_deeper_than_the_bound_is_not_reported() => Verify("""
        class C
        {
            void L0() => L1(); void L1() => L2(); void L2() => L3(); void L3() => L4(); void L4() => L5(); void L5() => L6(); void L6() => L7();
            void L7() => Thread.Sleep(1);
            async Task M() { L0(); await Task.Yield(); }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Callee_with_an_async_counterpart_is_fixed_to_await_it() => VerifyCS.VerifyCodeFixAsync(Usings + """
        class Settings
        {
            public string Load(string path) => File.ReadAllText(path);
            public Task<string> LoadAsync(string path, CancellationToken ct) => File.ReadAllTextAsync(path, ct);
        }
        class App
        {
            async Task<int> Start(Settings settings, CancellationToken ct) { await Task.Yield(); return [|settings.Load("app.json")|].Length; }
        }
        """, Usings + """
        class Settings
        {
            public string Load(string path) => File.ReadAllText(path);
            public Task<string> LoadAsync(string path, CancellationToken ct) => File.ReadAllTextAsync(path, ct);
        }
        class App
        {
            async Task<int> Start(Settings settings, CancellationToken ct) { await Task.Yield(); return (await settings.LoadAsync("app.json", ct)).Length; }
        }
        """);

    [Fact]
    public Task Callee_without_a_counterpart_has_no_fix() => VerifyCS.VerifyCodeFixAsync(Usings + """
        class C
        {
            void Pause() => Thread.Sleep(100);
            async Task M() { [|Pause()|]; await Task.Yield(); }
        }
        """, Usings + """
        class C
        {
            void Pause() => Thread.Sleep(100);
            async Task M() { [|Pause()|]; await Task.Yield(); }
        }
        """);

    private const string Store = """
        class Store
        {
            public string Load(string key) => File.ReadAllText(key);
            public Task<string> LoadAsync(string key, CancellationToken ct = default) => File.ReadAllTextAsync(key, ct);
            public int Count() => File.ReadAllLines("index").Length;
            public Task<int> CountAsync(CancellationToken ct) => Task.FromResult(0);
        }
        """;

    [Fact]
    public Task Fix_without_a_token_in_scope_uses_the_optional_parameter() => VerifyCS.VerifyCodeFixAsync(Usings + Store + """
        class App { async Task<string> M(Store s) { await Task.Yield(); return [|s.Load("a")|]; } }
        """, Usings + Store + """
        class App { async Task<string> M(Store s) { await Task.Yield(); return await s.LoadAsync("a"); } }
        """);

    [Fact]
    public Task Fix_with_a_required_token_and_none_in_scope_passes_None() => VerifyCS.VerifyCodeFixAsync(Usings + Store + """
        class App { async Task<int> M(Store s) { await Task.Yield(); return [|s.Count()|] + 1; } }
        """, Usings + Store + """
        class App { async Task<int> M(Store s) { await Task.Yield(); return await s.CountAsync(CancellationToken.None) + 1; } }
        """);

    [Fact]
    public Task No_fix_inside_the_counterpart_itself() => VerifyCS.VerifyCodeFixAsync(Usings + """
        class Store
        {
            public string Load() => File.ReadAllText("x");
            public async Task<string> LoadAsync() { await Task.Yield(); return [|Load()|]; }
        }
        """, Usings + """
        class Store
        {
            public string Load() => File.ReadAllText("x");
            public async Task<string> LoadAsync() { await Task.Yield(); return [|Load()|]; }
        }
        """);

    [Fact]
    public Task Fix_all_in_document_and_project()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Store.cs", Usings + Store));
        test.TestState.Sources.Add(("A.cs", Usings + "class A { async Task<int> M(Store s, CancellationToken ct) { await Task.Yield(); return [|s.Load(\"a\")|].Length + [|s.Load(\"b\")|].Length; } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { async Task<string> M(Store s) { await Task.Yield(); return [|s.Load(\"c\")|]; } }"));
        test.FixedState.Sources.Add(("Store.cs", Usings + Store));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { async Task<int> M(Store s, CancellationToken ct) { await Task.Yield(); return (await s.LoadAsync(\"a\", ct)).Length + (await s.LoadAsync(\"b\", ct)).Length; } }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { async Task<string> M(Store s) { await Task.Yield(); return await s.LoadAsync(\"c\"); } }"));
        return test.RunAsync();
    }

    // ---- one summary engine: lambdas a callee runs at once ----

    [Fact]
    public Task A_lambda_a_callee_runs_before_returning_blocks_the_caller() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        using System.Collections.Generic;
        class Exporter
        {
            private readonly List<string> _paths = new();
            void WriteAll() => _paths.ForEach(p => File.WriteAllText(p, ""));
            async Task Run() { await Task.Yield(); {|#0:WriteAll()|}; }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.BlockingCallThroughMethods).WithLocation(0).WithLocation(6, 44)
            .WithArguments("WriteAll()", "File.WriteAllText", "Test0.cs:6"));

    [Fact]
    public Task A_lambda_a_callee_only_stores_does_not_block_the_caller() => Verify("""
        class Exporter
        {
            private Action? _later;
            void Schedule() => _later = () => Thread.Sleep(100);
            async Task Run() { Schedule(); await Task.Yield(); }
        }
        """);

    [Fact]
    public Task A_local_function_that_is_never_called_does_not_make_its_method_block() => Verify("""
        class Exporter
        {
            int Prepare() { void Unused() => Thread.Sleep(100); return 1; }
            async Task Run() { Prepare(); await Task.Yield(); }
        }
        """);

    [Fact]
    public Task The_shortest_chain_is_named_when_a_method_blocks_in_several_ways() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            void Deep() => Deeper(); void Deeper() => Thread.Sleep(1);
            void Both() { Deep(); Thread.Sleep(2); }
            async Task Run() { await Task.Yield(); {|#0:Both()|}; }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.BlockingCallThroughMethods).WithLocation(0).WithLocation(5, 27)
            .WithArguments("Both()", "Thread.Sleep", "Test0.cs:5"));

    // ---- issue 12, pattern 1: exception-only paths are not the async method's blocking work ----

    private const string Closer = """
        class Connection
        {
            public void Break() => Thread.Sleep(100);
            public bool Log(Exception e) { File.AppendAllText("log", e.Message); return true; }
        }
        """;

    [Fact]
    public Task A_blocking_call_in_a_catch_block_is_not_reported() => Verify(Closer + """
        class C
        {
            async Task M(Connection c)
            {
                try { await Task.Yield(); }
                catch (IOException) { c.Break(); throw; }
                catch (Exception e) when (c.Log(e)) { }
            }
        }
        """);

    [Fact]
    public Task The_same_call_outside_the_catch_block_is_reported() => Verify(Closer + """
        class C
        {
            async Task M(Connection c)
            {
                try { await Task.Yield(); }
                catch (IOException) { }
                [|c.Break()|];
            }
        }
        """);

    [Fact]
    public Task Calls_toward_a_throw_are_not_followed_in_callees() => Verify("""
        using System.Diagnostics.CodeAnalysis;
        static class ThrowHelper
        {
            [DoesNotReturn] public static void Fail(string m) => throw new InvalidOperationException(m);
        }
        class C
        {
            void Dump(string m) => File.AppendAllText("crash.log", m);
            void Fail(string m) { Dump(m); throw new InvalidOperationException(m); }
            Exception Describe(string m) { Dump(m); return new InvalidOperationException(m); }
            int Check(string s)
            {
                if (s.Length == 0) { Dump(s); throw new ArgumentException(s); }
                if (s.Length == 1) { Dump(s); ThrowHelper.Fail(s); }
                if (s.Length == 2) throw Describe(s);
                return s.Length;
            }
            int CatchAndClean(string s)
            {
                try { return s.Length; }
                catch (Exception e) { Dump(e.Message); return 0; }
            }
            async Task<int> M(string s)
            {
                await Task.Yield();
                if (s == null) { Dump("null"); throw new ArgumentNullException(nameof(s)); }
                if (s == "") throw Describe(s);
                if (s == " ") Fail(s);
                return Check(s) + CatchAndClean(s);
            }
        }
        """);

    [Fact]
    public Task A_blocking_call_on_a_path_that_may_still_return_is_reported() => Verify("""
        class C
        {
            void Dump(string m) => File.AppendAllText("crash.log", m);
            int Check(string s, bool strict)
            {
                if (s.Length == 0) { Dump(s); if (!strict) return 0; throw new ArgumentException(s); }
                return s.Length;
            }
            async Task<int> M(string s) { await Task.Yield(); return [|Check(s, false)|]; }
        }
        """);

    // ---- pattern 2: the completion facts of CONC401, also inside callees ----

    [Fact]
    public Task Waits_on_tasks_known_to_be_complete_in_callees_are_not_blocking() => Verify("""
        class C
        {
            int Peek(Task<int> t) { if (!t.IsCompletedSuccessfully) return -1; return t.Result; }
            bool Done(Task<bool> t) => t.IsCompleted && t.Result;
            int ByStatus(Task<int> t) => t.Status == TaskStatus.RanToCompletion ? t.Result : 0;
            void Rethrow(Task t) { if (t.IsFaulted) t.Wait(); }
            ValueTask<int> FastPath(ValueTask<int> write)
            {
                static async ValueTask<int> Awaited(ValueTask<int> w) => await w;
                if (!write.IsCompletedSuccessfully) return Awaited(write);
                return new ValueTask<int>(write.Result);
            }
            async Task<int> M(Task<int> t, Task<bool> b, ValueTask<int> v)
            {
                await Task.Yield();
                Rethrow(t);
                return Peek(t) + (Done(b) ? 1 : 0) + ByStatus(t) + await FastPath(v);
            }
        }
        """);

    [Fact]
    public Task A_wait_a_test_does_not_guard_is_still_blocking() => Verify("""
        class C
        {
            int Peek(Task<int> t) { if (t.IsCompleted) Console.WriteLine(); return t.Result; }
            async Task<int> M(Task<int> t) { await Task.Yield(); return [|Peek(t)|]; }
        }
        """);

    // ---- pattern 3: a Task-returning method blocks only in its synchronous part ----

    [Fact]
    public Task A_Task_returning_method_that_returns_an_async_call_does_not_block() => Verify("""
        class C
        {
            Task Read(Stream s, byte[] b) => s.ReadAsync(b, 0, b.Length);
            ValueTask Wrap(Stream s, byte[] b) => new ValueTask(Read(s, b));
            Task Later(Task<int> t) => t.ContinueWith(x => Console.WriteLine(x.Result));
            Task Offload(string p) => Task.Run(() => File.ReadAllText(p));
            async Task M(Stream s, Task<int> t) { await Read(s, new byte[1]); await Wrap(s, new byte[1]); await Later(t); await Offload("x"); }
        }
        """);

    [Fact]
    public Task The_synchronous_prefix_of_a_Task_returning_method_still_blocks() => Verify("""
        class C
        {
            Task Read(Stream s, byte[] b) { Thread.Sleep(10); return s.ReadAsync(b, 0, b.Length); }
            Task<int> Next(Task<int> t, Stream s, byte[] b) { var n = t.Result; return s.ReadAsync(b, 0, n); }
            async Task M(Stream s, Task<int> t) { await [|Read(s, new byte[1])|]; await [|Next(t, s, new byte[1])|]; }
        }
        """);

    // ---- pattern 4: the dual-path idiom ----

    private const string Blocking = """
        class Io
        {
            public static void Flush(Stream s) => s.Flush();
            public static int Read(Stream s) => s.ReadByte();
        }
        enum IOBehavior { Synchronous, Asynchronous }
        """;

    [Fact]
    public Task The_synchronous_branch_of_a_dual_path_is_not_reported() => Verify(Blocking + """
        class C
        {
            async Task A(Stream s, bool async) { if (async) await s.FlushAsync(); else Io.Flush(s); }
            async Task<int> B(Stream s, bool isAsync) => isAsync ? await s.ReadAsync(new byte[1], 0, 1) : Io.Read(s);
            async Task D(Stream s, bool async) { if (async) { await s.FlushAsync(); return; } Io.Flush(s); }
            async Task E(Stream s, IOBehavior io) { if (io == IOBehavior.Synchronous) Io.Flush(s); else await s.FlushAsync(); }
            async Task F(Stream s, bool async) { if (!async) { Io.Flush(s); return; } await s.FlushAsync(); }
        }
        """);

    [Fact]
    public Task A_blocking_call_on_the_asynchronous_branch_is_reported() => Verify(Blocking + """
        class C
        {
            async Task A(Stream s, bool async) { if (async) { [|Io.Flush(s)|]; await s.FlushAsync(); } }
            async Task E(Stream s, IOBehavior io) { if (io != IOBehavior.Synchronous) { [|Io.Flush(s)|]; await s.FlushAsync(); } }
        }
        """);

    [Fact]
    public Task The_synchronous_branch_of_a_dual_path_callee_is_not_followed() => Verify(Blocking + """
        class C
        {
            ValueTask Flush(Stream s, bool async)
            {
                if (async) return new ValueTask(s.FlushAsync());
                s.Flush();
                return default;
            }
            async Task M(Stream s) { await Flush(s, async: true); }
        }
        """);

    // ---- pattern 5: calls that do not wait ----

    private const string Server = """
        enum CommandFlags { None = 0, FireAndForget = 2 }
        interface IServer
        {
            void Execute(string command, CommandFlags flags = CommandFlags.None);
            Task ExecuteAsync(string command, CommandFlags flags = CommandFlags.None);
        }
        """;

    [Fact]
    public Task Fire_and_forget_calls_and_log_writers_are_not_blocking() => Verify(Server + """
        class C
        {
            void Notify(IServer s) => s.Execute("CLIENT", CommandFlags.FireAndForget);
            void NotifyAll(IServer s, CommandFlags flags) => s.Execute("CLIENT", flags | CommandFlags.FireAndForget);
            void Trace(TextWriter log, string m) => log.WriteLine(m);
            void Print(string m) => Console.Out.WriteLine(m);
            async Task M(IServer s, TextWriter log) { await Task.Yield(); Notify(s); NotifyAll(s, CommandFlags.None); Trace(log, "x"); Print("x"); }
        }
        """);

    [Fact]
    public Task Waiting_calls_and_file_writers_are_still_blocking() => Verify(Server + """
        class C
        {
            void Notify(IServer s) => s.Execute("CLIENT", CommandFlags.None);
            void Save(StreamWriter file, string m) => file.WriteLine(m);
            void Emit(TextWriter output, string m) => output.WriteLine(m);
            async Task M(IServer s, StreamWriter file, TextWriter output) { await Task.Yield(); [|Notify(s)|]; [|Save(file, "x")|]; [|Emit(output, "x")|]; }
        }
        """);

    // A provider's own data reader (Npgsql): its column getters read the row ReadAsync buffered.
    private const string Reader = """
        class Converter { public T Read<T>(System.IO.Stream s) { var b = new byte[4]; s.Read(b, 0, 4); return default!; } }
        class ProviderReader : System.Data.Common.DbDataReader
        {
            private readonly Converter _converter = new();
            private readonly System.IO.Stream _buffer = new System.IO.MemoryStream();
            public override bool GetBoolean(int ordinal) => _converter.Read<bool>(_buffer);
            public override string GetString(int ordinal) => _converter.Read<string>(_buffer);
            public override object GetValue(int ordinal) => _converter.Read<object>(_buffer);
            public override bool Read() { var b = new byte[1]; return _buffer.Read(b, 0, 1) > 0; }
            public override int Depth => 0; public override int FieldCount => 0; public override bool HasRows => true; public override bool IsClosed => false;
            public override int RecordsAffected => 0; public override object this[int ordinal] => GetValue(ordinal); public override object this[string name] => GetValue(0);
            public override byte GetByte(int ordinal) => 0; public override long GetBytes(int o, long f, byte[]? b, int bo, int l) => 0; public override char GetChar(int ordinal) => ' ';
            public override long GetChars(int o, long f, char[]? b, int bo, int l) => 0; public override string GetDataTypeName(int ordinal) => ""; public override DateTime GetDateTime(int ordinal) => default;
            public override decimal GetDecimal(int ordinal) => 0; public override double GetDouble(int ordinal) => 0; public override Type GetFieldType(int ordinal) => typeof(object);
            public override float GetFloat(int ordinal) => 0; public override Guid GetGuid(int ordinal) => default; public override short GetInt16(int ordinal) => 0;
            public override int GetInt32(int ordinal) => 0; public override long GetInt64(int ordinal) => 0; public override string GetName(int ordinal) => "";
            public override int GetOrdinal(string name) => 0; public override int GetValues(object[] values) => 0; public override bool IsDBNull(int ordinal) => false;
            public override bool NextResult() => false; public override System.Collections.IEnumerator GetEnumerator() => null!;
        }

        """;

    [Fact]
    public Task Column_reads_of_a_provider_s_own_data_reader_are_not_followed() => Verify(Reader + """
        class Loader
        {
            bool LoadFlag(ProviderReader r) => r.GetBoolean(0);
            async Task M(ProviderReader r)
            {
                await r.ReadAsync();
                var a = r.GetBoolean(0);
                var b = r.GetString(1);
                var c = LoadFlag(r);
            }
        }
        """);

    [Fact]
    public Task Moving_a_provider_s_own_data_reader_to_the_next_row_still_blocks() => Verify(Reader + """
        class Loader
        {
            bool Next(ProviderReader r) => r.Read();
            async Task M(ProviderReader r) { await Task.Yield(); [|Next(r)|]; }
        }
        """);

    [Fact]
    public Task Steps_aside_inside_a_hub_coroutine_where_CONC405_reports() => Verify("""
        using Concurrency.Runtime.Coroutines;
        class App
        {
            static void Pause() => Thread.Sleep(10);
            static void Main() => Hub.Run(async () => { Pause(); await Task.Yield(); });
            static async Task Elsewhere() { [|Pause()|]; await Task.Yield(); }
        }
        """);
}
