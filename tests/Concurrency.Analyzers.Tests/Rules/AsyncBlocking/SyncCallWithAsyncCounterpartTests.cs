using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.AsyncBlocking.SyncCallWithAsyncCounterpartAnalyzer,
    Concurrency.CodeFixes.Rules.AsyncBlocking.SyncCallWithAsyncCounterpartCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.AsyncBlocking;

/// <summary>CONC403: a synchronous call in async code where an async counterpart exists.</summary>
public class SyncCallWithAsyncCounterpartTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Data.Common; using System.Diagnostics; using System.IO; using System.Net.Http; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    // ---- positives ----

    [Fact]
    public Task File_ReadAllText() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task<string> M(string path)
            {
                await Task.Yield();
                return {|#0:File.ReadAllText(path)|};
            }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.SyncCallWithAsyncCounterpart).WithLocation(0).WithArguments("File.ReadAllText", "File.ReadAllTextAsync"));

    [Fact]
    public Task Stream_Read_Write_Flush_on_a_FileStream() => Verify("""
        class C
        {
            async Task M(FileStream stream, byte[] buffer)
            {
                var read = [|stream.Read(buffer, 0, buffer.Length)|];
                [|stream.Write(buffer, 0, read)|];
                [|stream.Flush()|];
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task Reader_and_writer_methods() => Verify("""
        class C
        {
            async Task M(TextReader reader, StreamWriter writer)
            {
                var all = [|reader.ReadToEnd()|];
                var line = [|reader.ReadLine()|];
                [|writer.WriteLine(all + line)|];
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task HttpClient_Send() => Verify("""
        class C
        {
            async Task<int> M(HttpClient client)
            {
                using var response = [|client.Send(new HttpRequestMessage(HttpMethod.Get, "https://example.invalid/"))|];
                await Task.Yield();
                return (int)response.StatusCode;
            }
        }
        """);

    [Fact]
    public Task SemaphoreSlim_Wait_and_Process_WaitForExit() => Verify("""
        class C
        {
            async Task M(SemaphoreSlim gate, Process process)
            {
                [|gate.Wait()|];
                try { [|process.WaitForExit()|]; await Task.Yield(); }
                finally { gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task DbCommand_execute_methods() => Verify("""
        class C
        {
            async Task<object?> M(DbCommand command)
            {
                await Task.Yield();
                [|command.ExecuteNonQuery()|];
                using var reader = [|command.ExecuteReader()|];
                while ([|reader.Read()|]) { }
                return [|command.ExecuteScalar()|];
            }
        }
        """);

    [Fact]
    public Task Counterpart_declared_on_an_interface() => Verify("""
        interface IStore { string Load(int id); Task<string> LoadAsync(int id, CancellationToken ct = default); }
        class C
        {
            async Task<string> M(IStore store) { await Task.Yield(); return [|store.Load(1)|]; }
        }
        """);

    [Fact]
    public Task Counterpart_declared_on_a_base_class() => Verify("""
        class Base { public Task SaveAsync() => Task.CompletedTask; }
        class Derived : Base { public void Save() { } }
        class C
        {
            async Task M(Derived d) { [|d.Save()|]; await Task.Yield(); }
        }
        """);

    [Fact]
    public Task Counterpart_that_is_an_extension_method_in_scope() => Verify("""
        class Queue { public int Get() => 0; }
        static class QueueExtensions { public static Task<int> GetAsync(this Queue queue, CancellationToken ct = default) => Task.FromResult(queue.Get()); }
        class C
        {
            async Task<int> M(Queue queue) { await Task.Yield(); return [|queue.Get()|]; }
        }
        """);

    [Fact]
    public Task Generic_method_counterpart() => Verify("""
        class Serializer
        {
            public T Read<T>(Stream s) => default!;
            public ValueTask<T> ReadAsync<T>(Stream s, CancellationToken ct) => default;
        }
        class C
        {
            async Task<int> M(Serializer serializer, Stream s) { await Task.Yield(); return [|serializer.Read<int>(s)|]; }
        }
        """);

    [Fact]
    public Task Static_method_of_a_user_type_and_async_lambda() => Verify("""
        static class Config
        {
            public static string Load(string name) => name;
            public static Task<string> LoadAsync(string name) => Task.FromResult(name);
        }
        class C
        {
            Func<Task<string>> M() => async () => { await Task.Yield(); return [|Config.Load("app")|]; };
        }
        """);

    [Fact]
    public Task The_runtime_queues_blocking_Get_and_Put() => Verify("""
        class C
        {
            async Task<int> M(Concurrency.Runtime.Queues.Queue<int> queue)
            {
                await Task.Yield();
                [|queue.Put(1)|];
                var nonBlocking = queue.Get(block: false);
                var timed = queue.Get(true, TimeSpan.FromSeconds(1));
                return [|queue.Get()|] + nonBlocking + timed;
            }
        }
        """);

    // ---- negatives ----

    [Fact]
    public Task In_memory_types_are_not_reported() => Verify("""
        class C
        {
            async Task M(MemoryStream memory, StringReader reader, StringWriter writer, byte[] buffer)
            {
                memory.Write(buffer, 0, buffer.Length);
                memory.Flush();
                writer.Write(reader.ReadToEnd());
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task Cancel_Dispose_and_console_are_not_blocking_IO() => Verify("""
        class C
        {
            async Task M(CancellationTokenSource cts, FileStream stream)
            {
                cts.Cancel();
                Console.Out.WriteLine("done");
                await Task.Yield();
                stream.Dispose();
            }
        }
        """);

    [Fact]
    public Task Counterpart_with_other_parameters_or_obsolete_does_not_count() => Verify("""
        class Store
        {
            public string Load() => "";
            public Task<string> LoadAsync(int id) => Task.FromResult("");
            public void Save(string s) { }
            [Obsolete] public Task SaveAsync(string s) => Task.CompletedTask;
            public int Count() => 0;
            public Task<long> CountAsync() => Task.FromResult(0L);
        }
        class C
        {
            async Task M(Store store) { store.Save(store.Load()); _ = store.Count(); await Task.Yield(); }
        }
        """);

    [Fact]
    public Task A_zero_timeout_only_tries_and_never_waits() => Verify("""
        class C
        {
            async Task<bool> M(SemaphoreSlim gate)
            {
                await Task.Yield();
                return gate.Wait(0) || gate.Wait(TimeSpan.Zero) || gate.Wait(millisecondsTimeout: 0);
            }
        }
        """);

    [Fact]
    public Task Dual_path_on_an_async_flag_is_not_reported() => Verify("""
        class C
        {
            async ValueTask<int> ReadCore(Stream stream, byte[] buffer, bool async)
            {
                if (async)
                {
                    return await stream.ReadAsync(buffer, 0, buffer.Length);
                }

                return stream.Read(buffer, 0, buffer.Length);
            }

            async Task<int> Other(Stream stream, byte[] buffer, bool useAsync) =>
                useAsync ? await stream.ReadAsync(buffer, 0, 1) : stream.Read(buffer, 0, 1);
        }
        """);

    [Fact]
    public Task Synchronous_code_and_synchronous_lambdas_are_not_reported() => Verify("""
        class C
        {
            string M(string path) => File.ReadAllText(path);

            async Task N(string path)
            {
                await Task.Run(() => File.ReadAllText(path));
                Func<string> later = () => File.ReadAllText(path);
            }
        }
        """);

    [Fact]
    public Task Test_assertions_are_not_reported() => Verify("""
        namespace Xunit { public static class Assert { public static void That(bool b) { } public static Task ThatAsync(bool b) => Task.CompletedTask; } }
        class C { async Task M() { Xunit.Assert.That(true); await Task.Yield(); } }
        """);

    [Fact]
    public Task Calls_already_async_and_task_members_are_other_rules() => Verify("""
        class C
        {
            async Task M(FileStream stream, Task t, byte[] buffer)
            {
                await stream.ReadAsync(buffer, 0, 1);
                t.Wait();
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task Methods_excluded_in_editorconfig_are_not_reported()
    {
        var test = new VerifyCS.Test
        {
            TestCode = Usings + """
                namespace Lib
                {
                    public class Store { public string Load() => ""; public Task<string> LoadAsync() => Task.FromResult(""); }
                    public class Cache { public int Get() => 0; public Task<int> GetAsync() => Task.FromResult(0); }
                }
                class C
                {
                    async Task M(Lib.Store store, Lib.Cache cache, string path)
                    {
                        store.Load();
                        cache.Get();
                        File.ReadAllText(path);
                        [|File.WriteAllText(path, "")|];
                        await Task.Yield();
                    }
                }
                """,
        };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.CONC403.excluded_methods = M:Lib.Store.Load|T:Lib.Cache|M:System.IO.File.ReadAllText(System.String)
            """));
        return test.RunAsync();
    }

    // ---- fixes ----

    [Fact]
    public Task ReadAllText_becomes_awaited_ReadAllTextAsync_with_the_token() => VerifyFix("""
        class C
        {
            async Task<string> M(string path, CancellationToken ct)
            {
                await Task.Yield();
                var text = /* config */ [|File.ReadAllText(path)|];
                return text;
            }
        }
        """, """
        class C
        {
            async Task<string> M(string path, CancellationToken ct)
            {
                await Task.Yield();
                var text = /* config */ await File.ReadAllTextAsync(path, ct);
                return text;
            }
        }
        """);

    [Fact]
    public Task Value_used_in_an_expression_is_parenthesized() => VerifyFix("""
        class C
        {
            async Task<int> M(StreamReader reader)
            {
                await Task.Yield();
                return [|reader.ReadToEnd()|].Length;
            }
        }
        """, """
        class C
        {
            async Task<int> M(StreamReader reader)
            {
                await Task.Yield();
                return (await reader.ReadToEndAsync()).Length;
            }
        }
        """);

    [Fact]
    public Task Required_token_without_one_in_scope_passes_None() => VerifyFix("""
        class Store { public int Count() => 0; public Task<int> CountAsync(CancellationToken ct) => Task.FromResult(0); }
        class C
        {
            async Task<int> M(Store store) { await Task.Yield(); return [|store.Count()|]; }
        }
        """, """
        class Store { public int Count() => 0; public Task<int> CountAsync(CancellationToken ct) => Task.FromResult(0); }
        class C
        {
            async Task<int> M(Store store) { await Task.Yield(); return await store.CountAsync(CancellationToken.None); }
        }
        """);

    [Fact]
    public Task Generic_call_keeps_its_type_arguments_and_ConfigureAwait() => VerifyFix("""
        class Serializer
        {
            public T Read<T>(Stream s) => default!;
            public ValueTask<T> ReadAsync<T>(Stream s) => default;
        }
        class C
        {
            async Task<int> M(Serializer serializer, Stream s)
            {
                await Task.Delay(1).ConfigureAwait(false);
                return [|serializer.Read<int>(s)|];
            }
        }
        """, """
        class Serializer
        {
            public T Read<T>(Stream s) => default!;
            public ValueTask<T> ReadAsync<T>(Stream s) => default;
        }
        class C
        {
            async Task<int> M(Serializer serializer, Stream s)
            {
                await Task.Delay(1).ConfigureAwait(false);
                return await serializer.ReadAsync<int>(s).ConfigureAwait(false);
            }
        }
        """);

    [Fact]
    public Task No_fix_inside_the_counterpart_itself() => VerifyFix("""
        class Store
        {
            public string Load() => "";
            public async Task<string> LoadAsync() { await Task.Yield(); return [|Load()|]; }
        }
        """, """
        class Store
        {
            public string Load() => "";
            public async Task<string> LoadAsync() { await Task.Yield(); return [|Load()|]; }
        }
        """);

    [Fact]
    public Task Semaphore_Wait_becomes_await_WaitAsync() => VerifyFix("""
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task M(CancellationToken token)
            {
                [|_gate.Wait()|];
                try { await Task.Yield(); } finally { _gate.Release(); }
            }
        }
        """, """
        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            async Task M(CancellationToken token)
            {
                await _gate.WaitAsync(token);
                try { await Task.Yield(); } finally { _gate.Release(); }
            }
        }
        """);

    [Fact]
    public Task The_runtime_queues_Get_becomes_GetAsync_with_the_token() => VerifyFix("""
        class C
        {
            async Task<int> Consume(Concurrency.Runtime.Queues.Queue<int> queue, CancellationToken ct)
            {
                await Task.Yield();
                var item = [|queue.Get()|];
                [|queue.Put(item + 1)|];
                return item;
            }
        }
        """, """
        class C
        {
            async Task<int> Consume(Concurrency.Runtime.Queues.Queue<int> queue, CancellationToken ct)
            {
                await Task.Yield();
                var item = await queue.GetAsync(ct);
                await queue.PutAsync(item + 1, ct);
                return item;
            }
        }
        """);

    [Fact]
    public Task Fix_all_in_document_and_project()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "class A { async Task M(string p) { [|File.WriteAllText(p, [|File.ReadAllText(p)|])|]; await Task.Yield(); } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { async Task<string[]> M(string p) { await Task.Yield(); return [|File.ReadAllLines(p)|]; } }"));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { async Task M(string p) { await File.WriteAllTextAsync(p, await File.ReadAllTextAsync(p)); await Task.Yield(); } }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { async Task<string[]> M(string p) { await Task.Yield(); return await File.ReadAllLinesAsync(p); } }"));
        return test.RunAsync();
    }

    // ---- issue 12: dual paths on enum flags and their polarity, calls that do not wait ----

    [Fact]
    public Task Dual_path_on_an_IO_behavior_enum_is_not_reported() => Verify("""
        enum IOBehavior { Synchronous, Asynchronous }
        class C
        {
            async Task<int> Read(Stream stream, byte[] buffer, IOBehavior ioBehavior) =>
                ioBehavior == IOBehavior.Asynchronous ? await stream.ReadAsync(buffer, 0, 1) : stream.Read(buffer, 0, 1);
        }
        """);

    [Fact]
    public Task A_synchronous_call_on_the_asynchronous_branch_is_reported() => Verify("""
        class C
        {
            async Task Flush(Stream stream, bool async)
            {
                if (async) { [|stream.Flush()|]; await stream.FlushAsync(); }
            }
        }
        """);

    [Fact]
    public Task Fire_and_forget_calls_and_log_writers_are_not_reported() => Verify("""
        enum CommandFlags { None = 0, FireAndForget = 2 }
        interface IServer
        {
            void Execute(string command, CommandFlags flags = CommandFlags.None);
            Task ExecuteAsync(string command, CommandFlags flags = CommandFlags.None);
        }
        class C
        {
            private readonly TextWriter _log = TextWriter.Null;
            async Task M(IServer server, TextWriter log, TextWriter output)
            {
                await Task.Yield();
                server.Execute("CLIENT", CommandFlags.FireAndForget);
                log.WriteLine("sent");
                _log.Flush();
                [|server.Execute("CLIENT", CommandFlags.None)|];
                [|output.WriteLine("sent")|];
            }
        }
        """);

    [Fact]
    public Task Steps_aside_inside_a_hub_coroutine_where_CONC405_reports() => Verify("""
        using Concurrency.Runtime.Coroutines;
        class App
        {
            static void Main() => Hub.Run(async () => { var s = File.ReadAllText("a"); await Task.Yield(); });
            static async Task Elsewhere() { var s = [|File.ReadAllText("a")|]; await Task.Yield(); }
        }
        """);
}
