using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Lifecycle.UnobservedTaskAnalyzer,
    Concurrency.CodeFixes.Rules.Lifecycle.UnobservedTaskCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Lifecycle;

/// <summary>
/// CONC204 on an executor's <c>Map(…)</c> whose results nobody reads: every item is submitted at once,
/// and the work's exceptions surface only when the results are read; and the fix that reads them.
/// </summary>
public class UnobservedMapResultsTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading.Tasks; using Concurrency.Runtime.Futures;\n";

    private static Task Verify(string source, params DiagnosticResult[] expected) => VerifyCS.VerifyAnalyzerAsync(Usings + source, expected);

    private static Task VerifyFix(string source, string fixedSource) => VerifyCS.VerifyCodeFixAsync(Usings + source, Usings + fixedSource);

    private static DiagnosticResult Unread(int location) =>
        VerifyCS.Diagnostic(RuleDescriptors.UnobservedMapResults).WithLocation(location).WithArguments("Map");

    // ---- positives ----

    [Fact]
    public Task Map_dropped_as_a_statement_in_synchronous_and_async_code() => Verify("""
        class C
        {
            static int Parse(string s) => int.Parse(s);
            void M(ThreadPoolExecutor pool, string[] lines) { {|#0:pool.Map<string, int>(Parse, lines)|}; }
            async Task N(Executor executor, string[] lines) { {|#1:executor.Map<string, int>(Parse, lines, TimeSpan.FromSeconds(1))|}; await Task.Delay(1); }
            void O(ProcessPoolExecutor? pool, string[] lines) { {|#2:pool?.Map<string, int>(Parse, lines)|}; }
        }
        """,
        Unread(0), Unread(1), Unread(2));

    [Fact]
    public Task A_map_local_nobody_reads() => Verify("""
        class C
        {
            static int Square(int x) => x * x;
            void M(ThreadPoolExecutor pool) { var {|#0:squares|} = pool.Map<int, int>(Square, new[] { 1, 2, 3 }); Console.WriteLine("submitted"); }
        }
        """,
        Unread(0));

    // ---- negatives ----

    [Fact]
    public Task Results_read_returned_stored_or_passed_are_observed() => Verify("""
        class C
        {
            private IEnumerable<int>? _kept;
            static int Square(int x) => x * x;
            void Loop(Executor e) { foreach (var r in e.Map<int, int>(Square, new[] { 1, 2 })) { Console.WriteLine(r); } }
            List<int> Listed(Executor e) => e.Map<int, int>(Square, new[] { 1, 2 }).ToList();
            int Summed(Executor e) { var rs = e.Map<int, int>(Square, new[] { 1, 2 }); return rs.Sum(); }
            IEnumerable<int> Returned(Executor e) => e.Map<int, int>(Square, new[] { 1, 2 });
            void Stored(Executor e) { _kept = e.Map<int, int>(Square, new[] { 1, 2 }); }
            void Passed(Executor e) { Print(e.Map<int, int>(Square, new[] { 1, 2 })); }
            static void Print(IEnumerable<int> values) { foreach (var v in values) Console.WriteLine(v); }
        }
        """);

    [Fact]
    public Task A_map_of_our_own_type_or_a_linq_select_is_not_an_executor_map() => Verify("""
        class Mapper { public IEnumerable<int> Map(Func<int, int> f, IEnumerable<int> xs) => xs.Select(f); }
        class C
        {
            void M(Mapper mapper, int[] xs) { mapper.Map(x => x + 1, xs); xs.Select(x => x + 1); }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task The_fix_reads_every_result_in_place() => VerifyFix("""
        class C
        {
            static int Parse(string s) => int.Parse(s);
            void M(ThreadPoolExecutor pool, string[] lines)
            {
                [|pool.Map<string, int>(Parse, lines)|];
                Console.WriteLine("done");
            }
        }
        """, """
        class C
        {
            static int Parse(string s) => int.Parse(s);
            void M(ThreadPoolExecutor pool, string[] lines)
            {
                foreach (var result in pool.Map<string, int>(Parse, lines))
                {
                }
                Console.WriteLine("done");
            }
        }
        """);

    [Fact]
    public Task Fix_all_takes_fresh_names() => VerifyFix("""
        class C
        {
            static int Parse(string s) => int.Parse(s);
            void M(Executor e, string[] a, string[] b)
            {
                var result = 0;
                [|e.Map<string, int>(Parse, a)|];
                [|e.Map<string, int>(Parse, b)|];
                Console.WriteLine(result);
            }
        }
        """, """
        class C
        {
            static int Parse(string s) => int.Parse(s);
            void M(Executor e, string[] a, string[] b)
            {
                var result = 0;
                foreach (var result1 in e.Map<string, int>(Parse, a))
                {
                }
                foreach (var result2 in e.Map<string, int>(Parse, b))
                {
                }
                Console.WriteLine(result);
            }
        }
        """);

    [Fact]
    public Task Async_code_and_a_map_inside_an_expression_body_get_no_fix() => VerifyFix("""
        class C
        {
            static int Parse(string s) => int.Parse(s);
            async Task N(Executor e, string[] a) { [|e.Map<string, int>(Parse, a)|]; await Task.Delay(1); }
            void O(Executor e, string[] a) { if (a.Length > 0) [|e.Map<string, int>(Parse, a)|]; }
        }
        """, """
        class C
        {
            static int Parse(string s) => int.Parse(s);
            async Task N(Executor e, string[] a) { [|e.Map<string, int>(Parse, a)|]; await Task.Delay(1); }
            void O(Executor e, string[] a) { if (a.Length > 0) [|e.Map<string, int>(Parse, a)|]; }
        }
        """);
}
