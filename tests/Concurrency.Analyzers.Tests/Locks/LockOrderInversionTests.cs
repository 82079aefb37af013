using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Locks.LockOrderInversionAnalyzer,
    Concurrency.CodeFixes.Locks.LockOrderCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Locks;

/// <summary>CONC101: lock-order inversion, found over the whole compilation.</summary>
public class LockOrderInversionTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    // ---- positives ----

    [Fact]
    public Task Two_methods_take_two_locks_in_opposite_orders() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post() { lock (_accounts) { lock ({|#0:_audit|}) { } } }
            void Check() { lock (_audit) { lock ({|#1:_accounts|}) { } } }
        }
        """,
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(0).WithLocation(1).WithArguments("_audit", "_accounts", "Ledger.Check (Test0.cs:7)"),
        VerifyCS.Diagnostic(RuleIds.LockOrderInversion).WithLocation(1).WithLocation(0).WithArguments("_accounts", "_audit", "Ledger.Post (Test0.cs:6)"));

    [Fact]
    public Task Inversion_through_calls() => Verify("""
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post() { lock (_accounts) { [|WriteAudit()|]; } }
            void WriteAudit() { lock (_audit) { } }
            void Check() { lock (_audit) { [|Total()|]; } }
            int Total() { lock (_accounts) { return 0; } }
        }
        """);

    [Fact]
    public Task Three_lock_cycle() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            private readonly object _c = new object();
            void AB() { lock (_a) { lock ([|_b|]) { } } }
            void BC() { lock (_b) { lock ([|_c|]) { } } }
            void CA() { lock (_c) { lock ([|_a|]) { } } }
        }
        """);

    [Fact]
    public Task Through_a_call_on_another_object_inside_a_callee() => Verify("""
        class Orders
        {
            public static readonly object Gate = new object();
            void Place() { lock (Gate) { [|Notify()|]; } }
            void Notify() { new Stock().Reserve(); }
        }
        class Stock
        {
            public static readonly object Gate = new object();
            public void Reserve() { lock (Gate) { } }
            void Recount() { lock (Gate) { lock ([|Orders.Gate|]) { } } }
        }
        """);

    [Fact]
    public Task Monitor_Enter_regions_and_static_locks() => Verify("""
        static class Registry
        {
            private static readonly object Names = new object();
            private static readonly object Ids = new object();
            public static void Add() { Monitor.Enter(Names); try { lock ([|Ids|]) { } } finally { Monitor.Exit(Names); } }
            public static void Remove() { lock (Ids) { lock ([|Names|]) { } } }
        }
        """);

    [Fact]
    public Task Across_files_and_partial_classes()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Bank.A.cs", Usings + "partial class Bank { private readonly object _a = new object(); void M() { lock (_a) { lock ([|_b|]) { } } } }"));
        test.TestState.Sources.Add(("Bank.B.cs", Usings + "partial class Bank { private readonly object _b = new object(); void N() { lock (_b) { [|Touch()|]; } } void Touch() { lock (_a) { } } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task SemaphoreSlim_and_ReaderWriterLockSlim_regions() => Verify("""
        class C
        {
            private readonly SemaphoreSlim _io = new(1, 1);
            private readonly ReaderWriterLockSlim _cache = new();
            void Read() { _cache.EnterWriteLock(); try { [|_io.Wait()|]; _io.Release(); } finally { _cache.ExitWriteLock(); } }
            void Write() { _io.Wait(); try { [|_cache.EnterWriteLock()|]; _cache.ExitWriteLock(); } finally { _io.Release(); } }
        }
        """);

    // ---- negatives ----

    [Fact]
    public Task Consistent_order_everywhere() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            void M() { lock (_a) { lock (_b) { } } }
            void N() { lock (_a) { Inner(); } }
            void Inner() { lock (_b) { } }
        }
        """);

    [Fact]
    public Task Reentering_the_same_lock() => Verify("""
        class C
        {
            private readonly object _a = new object();
            void M() { lock (_a) { lock (_a) { } N(); } }
            void N() { lock (_a) { } }
        }
        """);

    [Fact]
    public Task Sequential_locks_are_not_nested() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            void M() { lock (_a) { } lock (_b) { } }
            void N() { lock (_b) { } lock (_a) { } }
        }
        """);

    [Fact]
    public Task A_callback_created_under_a_lock_runs_later() => Verify("""
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            Task M() { lock (_a) { return Task.Run(() => { lock (_b) { } }); } }
            void N() { lock (_b) { lock (_a) { } } }
        }
        """);

    [Fact]
    public Task Locks_of_other_instances_are_not_judged() => Verify("""
        class Account
        {
            private readonly object _gate = new object();
            private int _balance;
            static void Transfer(Account from, Account to, int amount)
            {
                lock (from._gate) { lock (to._gate) { from._balance -= amount; to._balance += amount; } }
            }
        }
        """);

    [Fact]
    public Task Generated_code_is_not_analyzed() => VerifyCS.VerifyAnalyzerAsync("// <auto-generated/>\n" + Usings + """
        class C
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            void M() { lock (_a) { lock (_b) { } } }
            void N() { lock (_b) { lock (_a) { } } }
        }
        """);

    // ---- fixes ----

    // CONC101 is reported at compilation end (a non-local diagnostic): its fix is applied from the
    // error list, by Fix All and by 'dotnet format', which the testing library checks only when told.
    private const CodeFixTestBehaviors CompilationEndFix = CodeFixTestBehaviors.SkipLocalDiagnosticCheck;

    private static Task VerifyFix(string source, string fixedSource) => new VerifyCS.Test
    {
        TestCode = Usings + source,
        FixedCode = Usings + fixedSource,
        NumberOfIncrementalIterations = 1,
        NumberOfFixAllIterations = 1,
        CodeFixTestBehaviors = CompilationEndFix,
    }.RunAsync();

    [Fact]
    public Task The_minority_site_is_brought_to_the_dominant_order() => VerifyFix("""
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post() { lock (_accounts) { lock ([|_audit|]) { } } }
            void Settle() { lock (_accounts) { lock ([|_audit|]) { } } }
            void Check()
            {
                lock (_audit)
                {
                    lock ([|_accounts|])
                    {
                        Console.WriteLine("checked");
                    }
                }
            }
        }
        """, """
        class Ledger
        {
            private readonly object _accounts = new object();
            private readonly object _audit = new object();
            void Post() { lock (_accounts) { lock (_audit) { } } }
            void Settle() { lock (_accounts) { lock (_audit) { } } }
            void Check()
            {
                lock (_accounts)
                {
                    lock (_audit)
                    {
                        Console.WriteLine("checked");
                    }
                }
            }
        }
        """);

    [Fact]
    public Task On_a_tie_the_declaration_order_wins() => VerifyFix("""
        class C
        {
            private readonly object _first = new object();
            private readonly object _second = new object();
            void M() { lock (_first) { lock ([|_second|]) { } } }
            void N() { lock (_second) lock ([|_first|]) { } }
        }
        """, """
        class C
        {
            private readonly object _first = new object();
            private readonly object _second = new object();
            void M() { lock (_first) { lock (_second) { } } }
            void N() { lock (_first) lock (_second) { } }
        }
        """);

    [Fact]
    public Task No_fix_when_something_runs_between_the_two_acquisitions() => new VerifyCS.Test
    {
        CodeFixTestBehaviors = CompilationEndFix,
        TestCode = Usings + """
            class C
            {
                private readonly object _first = new object();
                private readonly object _second = new object();
                private int _n;
                void M() { lock (_first) { lock ([|_second|]) { } } }
                void N() { lock (_second) { _n++; lock ([|_first|]) { } } }
            }
            """,
        FixedCode = Usings + """
            class C
            {
                private readonly object _first = new object();
                private readonly object _second = new object();
                private int _n;
                void M() { lock (_first) { lock ([|_second|]) { } } }
                void N() { lock (_second) { _n++; lock ([|_first|]) { } } }
            }
            """,
    }.RunAsync();

    [Fact]
    public Task No_fix_for_a_cycle_of_three() => new VerifyCS.Test
    {
        CodeFixTestBehaviors = CompilationEndFix,
        TestCode = Usings + """
            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private readonly object _c = new object();
                void AB() { lock (_a) { lock ([|_b|]) { } } }
                void BC() { lock (_b) { lock ([|_c|]) { } } }
                void CA() { lock (_c) { lock ([|_a|]) { } } }
            }
            """,
        FixedCode = Usings + """
            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private readonly object _c = new object();
                void AB() { lock (_a) { lock ([|_b|]) { } } }
                void BC() { lock (_b) { lock ([|_c|]) { } } }
                void CA() { lock (_c) { lock ([|_a|]) { } } }
            }
            """,
    }.RunAsync();

    [Fact]
    public Task The_fix_follows_the_order_the_other_files_use()
    {
        var test = new VerifyCS.Test { NumberOfIncrementalIterations = 1, NumberOfFixAllIterations = 1, CodeFixTestBehaviors = CompilationEndFix };
        test.TestState.Sources.Add(("Locks.cs", Usings + "static class Locks { public static readonly object A = new object(); public static readonly object B = new object(); }"));
        test.TestState.Sources.Add(("One.cs", Usings + "class One { void M() { lock (Locks.A) { lock ([|Locks.B|]) { } } } void N() { lock (Locks.A) { lock ([|Locks.B|]) { } } } }"));
        test.TestState.Sources.Add(("Two.cs", Usings + "class Two { void M() { lock (Locks.B) { lock ([|Locks.A|]) { } } } }"));
        test.FixedState.Sources.Add(("Locks.cs", Usings + "static class Locks { public static readonly object A = new object(); public static readonly object B = new object(); }"));
        test.FixedState.Sources.Add(("One.cs", Usings + "class One { void M() { lock (Locks.A) { lock (Locks.B) { } } } void N() { lock (Locks.A) { lock (Locks.B) { } } } }"));
        test.FixedState.Sources.Add(("Two.cs", Usings + "class Two { void M() { lock (Locks.A) { lock (Locks.B) { } } } }"));
        return test.RunAsync();
    }
}
