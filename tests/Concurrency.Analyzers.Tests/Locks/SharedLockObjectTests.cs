using Microsoft.CodeAnalysis.CSharp;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Locks.SharedLockObjectAnalyzer,
    Concurrency.CodeFixes.Locks.PrivateLockObjectCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Locks;

/// <summary>CONC104: a lock object that other code can also lock, or that changes.</summary>
public class SharedLockObjectTests
{
    private const string Usings = "using System; using System.Threading;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    // C# 12, so the gate is an object under every Roslyn and framework the tests run with.
    private static Task VerifyFix(string source, string fixedSource) => new VerifyCS.Test
    {
        TestCode = Usings + source,
        FixedCode = Usings + fixedSource,
        LanguageVersion = LanguageVersion.CSharp12,
    }.RunAsync();

    // ---- positives ----

    [Fact]
    public Task Lock_on_this() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        class C { int _n; void M() { lock ({|#0:this|}) { _n++; } } }
        """,
        VerifyCS.Diagnostic(RuleIds.SharedLockObject).WithLocation(0).WithArguments("this"));

    [Fact]
    public Task Lock_on_typeof() => Verify("""
        class C { static int s_n; static void M() { lock ([|typeof(C)|]) { s_n++; } } }
        """);

    [Fact]
    public Task Lock_on_a_string_literal_or_constant() => Verify("""
        class C
        {
            private const string Name = "cache";
            int _n;
            void M() { lock ([|"cache"|]) { _n++; } lock ([|Name|]) { _n++; } }
        }
        """);

    [Fact]
    public Task Lock_on_an_object_created_in_the_lock_expression() => Verify("""
        class C { int _n; void M() { lock ([|new object()|]) { _n++; } } }
        """);

    [Fact]
    public Task Monitor_Enter_on_a_boxed_value() => Verify("""
        class C { int _id; void M() { Monitor.Enter([|_id|]); Monitor.Exit(_id); } }
        """);

    [Fact]
    public Task Lock_on_a_public_field_or_property() => Verify("""
        public class C
        {
            public readonly object SyncRoot = new object();
            public object Gate { get; } = new object();
            int _n;
            void M() { lock ([|SyncRoot|]) { _n++; } lock ([|Gate|]) { _n++; } }
        }
        """);

    [Fact]
    public Task Lock_on_a_protected_field() => Verify("""
        class Base { protected readonly object Sync = new object(); }
        class C : Base { int _n; void M() { lock ([|Sync|]) { _n++; } } }
        """);

    [Fact]
    public Task Lock_on_a_field_that_is_reassigned() => Verify("""
        class C
        {
            private object _gate = new object();
            int _n;
            void M() { lock ([|_gate|]) { _n++; } }
            void Reset() { _gate = new object(); }
        }
        """);

    [Fact]
    public Task Lock_on_a_field_swapped_through_ref() => Verify("""
        class C
        {
            private object _gate = new object();
            int _n;
            void M() { lock ([|_gate|]) { _n++; } }
            void Swap() { Interlocked.Exchange(ref _gate, new object()); }
        }
        """);

    [Fact]
    public Task Monitor_Enter_and_TryEnter_on_this() => Verify("""
        class C
        {
            void M()
            {
                Monitor.Enter([|this|]);
                try { } finally { Monitor.Exit(this); }
                if (Monitor.TryEnter([|this|])) { Monitor.Exit(this); }
            }
        }
        """);

    // ---- negatives ----

    [Fact]
    public Task Private_readonly_field() => Verify("""
        class C { private readonly object _gate = new object(); int _n; void M() { lock (_gate) { _n++; } } }
        """);

    [Fact]
    public Task Private_field_assigned_only_in_constructors() => Verify("""
        class C
        {
            private object _gate;
            private static object s_gate;
            int _n;
            C() { _gate = new object(); }
            static C() { s_gate = new object(); }
            void M() { lock (_gate) { _n++; } lock (s_gate) { _n++; } }
        }
        """);

    [Fact]
    public Task Private_static_readonly_field() => Verify("""
        class C { private static readonly object Gate = new object(); static int s_n; static void M() { lock (Gate) { s_n++; } } }
        """);

    [Fact]
    public Task Locals_and_parameters_are_not_judged() => Verify("""
        class C { int _n; void M(object gate) { var g = gate; lock (g) { _n++; } lock (gate) { _n++; } } }
        """);

    [Fact]
    public Task Internal_and_private_members() => Verify("""
        class C
        {
            internal readonly object Shared = new object();
            private object Gate { get; } = new object();
            int _n;
            void M() { lock (Shared) { _n++; } lock (Gate) { _n++; } }
        }
        """);

    [Fact]
    public Task Monitor_calls_that_do_not_acquire() => Verify("""
        class C { private readonly object _gate = new object(); void M() { Monitor.Pulse(this); Monitor.Exit(this); } }
        """);

    [Fact]
    public Task Other_Enter_methods() => Verify("""
        class Door { public void Enter(object who) { } }
        class C { void M(Door d) { d.Enter(this); } }
        """);

    [Fact]
    public Task Generated_code() => VerifyCS.VerifyAnalyzerAsync("// <auto-generated/>\n" + Usings + """
        class C { int _n; void M() { lock (this) { _n++; } } }
        """);

    // ---- fixes ----

    [Fact]
    public Task Lock_this_moves_to_a_private_gate_everywhere_in_the_type() => VerifyFix("""
        class Account
        {
            private int _balance;

            public void Deposit(int amount)
            {
                lock ([|this|])
                {
                    _balance += amount;
                }
            }

            public bool TryWithdraw(int amount)
            {
                Monitor.Enter([|this|]);
                try
                {
                    if (_balance < amount) return false;
                    _balance -= amount;
                    return true;
                }
                finally
                {
                    Monitor.Exit(this);
                }
            }
        }
        """, """
        class Account
        {
            private readonly object _gate = new object();
            private int _balance;

            public void Deposit(int amount)
            {
                lock (_gate)
                {
                    _balance += amount;
                }
            }

            public bool TryWithdraw(int amount)
            {
                Monitor.Enter(_gate);
                try
                {
                    if (_balance < amount) return false;
                    _balance -= amount;
                    return true;
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task Lock_typeof_becomes_a_static_gate() => VerifyFix("""
        class Registry
        {
            private static int s_count;
            public static void Add() { lock ([|typeof(Registry)|]) { s_count++; } }
        }
        """, """
        class Registry
        {
            private static readonly object _gate = new object();
            private static int s_count;
            public static void Add() { lock (_gate) { s_count++; } }
        }
        """);

    [Fact]
    public Task The_gate_name_does_not_clash() => VerifyFix("""
        class C
        {
            private int _gate;
            void M() { lock ([|this|]) { _gate++; } }
        }
        """, """
        class C
        {
            private readonly object _gate2 = new object();
            private int _gate;
            void M() { lock (_gate2) { _gate++; } }
        }
        """);

    [Fact]
    public Task A_reassigned_field_is_replaced_by_a_stable_gate() => VerifyFix("""
        class C
        {
            private object _sync = new object();
            private int _n;
            void M() { lock ([|_sync|]) { _n++; } }
            void Reset() { _sync = new object(); }
        }
        """, """
        class C
        {
            private readonly object _gate = new object();
            private object _sync = new object();
            private int _n;
            void M() { lock (_gate) { _n++; } }
            void Reset() { _sync = new object(); }
        }
        """);

    [Fact]
    public Task No_fix_for_a_boxed_value_or_a_partial_type() => VerifyFix("""
        partial class P { int _n; void M() { lock ([|this|]) { _n++; } } }
        class C { int _id; void M() { Monitor.Enter([|_id|]); Monitor.Exit(_id); } }
        """, """
        partial class P { int _n; void M() { lock ([|this|]) { _n++; } } }
        class C { int _id; void M() { Monitor.Enter([|_id|]); Monitor.Exit(_id); } }
        """);

    [Fact]
    public Task Fix_all_in_document_and_project()
    {
        var test = new VerifyCS.Test { LanguageVersion = LanguageVersion.CSharp12 };
        test.TestState.Sources.Add(("A.cs", Usings + "class A { int _n; void M() { lock ([|this|]) { _n++; } } void N() { lock ([|this|]) { _n--; } } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { static int s_n; static void M() { lock ([|typeof(B)|]) { s_n++; } } }"));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { private readonly object _gate = new object(); int _n; void M() { lock (_gate) { _n++; } } void N() { lock (_gate) { _n--; } } }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { private static readonly object _gate = new object(); static int s_n; static void M() { lock (_gate) { s_n++; } } }"));
        return test.RunAsync();
    }

#if LATEST_ROSLYN
    [Fact]
    public Task A_System_Threading_Lock_where_the_framework_and_language_have_it() => new VerifyCS.Test
    {
        TestCode = Usings + "class C { int _n; void M() { lock ([|this|]) { _n++; } } }",
        FixedCode = Usings + "class C { private readonly Lock _gate = new Lock(); int _n; void M() { lock (_gate) { _n++; } } }",
    }.RunAsync();
#endif
}
