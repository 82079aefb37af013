using Microsoft.CodeAnalysis.CSharp;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Locks.SharedLockObjectAnalyzer,
    Concurrency.CodeFixes.Rules.Locks.SharedLockObjectCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Locks;

/// <summary>CONC104: a lock object that other code can also lock, or that changes.</summary>
public class SharedLockObjectTests
{
    private const string Usings = "using System; using System.Threading;\n";

    private static Task Verify(string source) => VerifyCS.VerifyAnalyzerAsync(Usings + source);

    private const string ReportVisible = """
        root = true

        [*.cs]
        dotnet_diagnostic.CONC104.report_visible_lock_objects = true
        """;

    // With report_visible_lock_objects on (or, given, set to another value).
    private static Task VerifyWithOption(string source, string option = ReportVisible)
    {
        var test = new VerifyCS.Test { TestCode = Usings + source };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", option));
        return test.RunAsync();
    }

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
    public Task Lock_on_a_public_field_or_property_with_report_visible_lock_objects() => VerifyWithOption("""
        public class C
        {
            public readonly object SyncRoot = new object();
            public object Gate { get; } = new object();
            int _n;
            void M() { lock ([|SyncRoot|]) { _n++; } lock ([|Gate|]) { _n++; } }
        }
        """);

    [Fact]
    public Task Lock_on_a_protected_field_with_report_visible_lock_objects() => VerifyWithOption("""
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

    [Fact]
    public Task Lock_on_typeof_a_generic_type_or_its_type_parameter() => Verify("""
        class Cache<T>
        {
            private static int s_hits;
            public static void Hit() { lock ([|typeof(Cache<T>)|]) { s_hits++; } }
            public static void Miss<U>() { lock ([|typeof(U)|]) { s_hits--; } }
        }
        """);

    [Fact]
    public Task Lock_on_this_in_property_and_indexer_accessors() => Verify("""
        class Grid
        {
            private readonly int[] _cells = new int[9];
            private int _version;
            public int Version { get { lock ([|this|]) { return _version; } } }
            public int this[int i] { set { lock ([|this|]) { _cells[i] = value; _version++; } } }
        }
        """);

    [Fact]
    public Task Lock_in_a_static_constructor() => Verify("""
        class Registry
        {
            private static readonly System.Collections.Generic.List<string> Names = new();
            static Registry() { lock ([|typeof(Registry)|]) { Names.Add("default"); } }
        }
        """);

    [Fact]
    public Task Field_reassigned_in_another_part_of_a_partial_class()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Session.cs", Usings + "partial class Session { private object _gate = new object(); private int _n; public void Touch() { lock ([|_gate|]) { _n++; } } }"));
        test.TestState.Sources.Add(("Session.Reset.cs", Usings + "partial class Session { public void Reset() { _gate = new object(); } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Static_field_reassigned_in_an_instance_constructor() => Verify("""
        class Counter
        {
            private static object s_gate = new object();
            private static int s_count;
            public Counter() { s_gate = new object(); }
            public static void Increment() { lock ([|s_gate|]) { s_count++; } }
        }
        """);

    [Fact]
    public Task Lock_on_public_members_of_another_class_with_report_visible_lock_objects() => VerifyWithOption("""
        public class Shared { public static readonly object Gate = new object(); public object Sync { get; } = new object(); }
        class Worker
        {
            private int _n;
            void M(Shared shared) { lock ([|Shared.Gate|]) { _n++; } lock ([|shared.Sync|]) { _n++; } }
        }
        """);

    [Fact]
    public Task Internal_field_reassigned_by_another_class_in_another_file()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Cache.cs", Usings + "class Cache { internal object Sync = new object(); private int _n; public void Add() { lock ([|Sync|]) { _n++; } } }"));
        test.TestState.Sources.Add(("Admin.cs", Usings + "class Admin { public void Reset(Cache cache) { cache.Sync = new object(); } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Field_reassigned_in_the_constructor_of_a_nested_class() => Verify("""
        class Outer
        {
            private object _gate = new object();
            private int _n;
            void M() { lock ([|_gate|]) { _n++; } }
            class Resetter { public Resetter(Outer outer) { outer._gate = new object(); } }
        }
        """);

    [Fact]
    public Task Static_field_of_a_generic_type_reassigned_for_another_type_argument() => Verify("""
        class Slot<T>
        {
            private static object s_gate = new object();
            private static T? s_value;
            public static void Set(T value) { lock ([|s_gate|]) { s_value = value; } }
            public static void ResetInts() { Slot<int>.s_gate = new object(); }
        }
        """);

    [Fact]
    public Task The_Monitor_pattern_with_a_taken_flag_on_this() => Verify("""
        class C
        {
            void M()
            {
                var taken = false;
                try { Monitor.Enter([|this|], ref taken); } finally { if (taken) Monitor.Exit(this); }
                taken = false;
                try { Monitor.TryEnter([|this|], 100, ref taken); } finally { if (taken) Monitor.Exit(this); }
            }
        }
        """);

    [Fact]
    public Task Lock_on_this_used_as_a_condition_with_report_visible_lock_objects() => VerifyWithOption("""
        class ResultBox
        {
            private object? _value;
            public void Set(object value) { lock ([|this|]) { _value = value; Monitor.PulseAll(this); } }
            public object Get() { lock ([|this|]) { while (_value is null) { Monitor.Wait(this); } return _value; } }
        }
        """);

    [Fact]
    public Task A_SyncRoot_for_derived_types_and_ICollection_SyncRoot_with_report_visible_lock_objects() => VerifyWithOption("""
        using System.Collections;
        abstract class Target
        {
            protected object SyncRoot { get; } = new object();
            int _n;
            void M(IList list) { lock ([|SyncRoot|]) { _n++; } lock ([|list.SyncRoot|]) { _n++; } }
        }
        """);

    [Fact]
    public Task A_field_reassigned_or_this_is_reported_whatever_the_option_says() => VerifyWithOption("""
        public class C
        {
            public object Gate = new object();
            int _n;
            void M() { lock ([|this|]) { _n++; } lock ([|Gate|]) { _n++; } }
            void Reset() { Gate = new object(); }
        }
        """, """
        root = true

        [*.cs]
        dotnet_diagnostic.CONC104.report_visible_lock_objects = false
        """);

    // ---- negatives ----

    [Fact]
    public Task Public_and_protected_lock_objects_are_left_alone_by_default() => Verify("""
        using System.Collections;
        public class Shared { public static readonly object Gate = new object(); public object Sync { get; } = new object(); }
        public class C
        {
            public readonly object SyncRoot = new object();
            public object Gate { get; } = new object();
            int _n;
            void M(Shared shared, IList list) { lock (SyncRoot) { _n++; } lock (Gate) { _n++; } lock (Shared.Gate) { _n++; } lock (shared.Sync) { _n++; } lock (list.SyncRoot) { _n++; } }
        }
        class Base { protected readonly object Sync = new object(); protected object Root { get; } = new object(); }
        class D : Base { int _n; void M() { lock (Sync) { _n++; } lock (Root) { _n++; } } }
        """);

    [Fact]
    public Task This_used_as_a_condition_is_left_alone_by_default() => Verify("""
        class ResultBox
        {
            private object? _value;
            public void Set(object value) { lock (this) { _value = value; Monitor.PulseAll(this); } }
            public object Get() { lock (this) { while (_value is null) { Monitor.Wait(this); } return _value; } }
        }
        """);

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

    [Fact]
    public Task Private_readonly_gates_in_a_generic_type_and_method() => Verify("""
        class Cache<T>
        {
            private readonly object _gate = new object();
            private static readonly object s_gate = new object();
            private T? _last;
            public void Put(T item) { lock (_gate) { _last = item; } }
            public static void Clear<U>(U reason) { lock (s_gate) { } }
        }
        """);

    [Fact]
    public Task Gate_assigned_in_the_static_constructor_and_locked_in_accessors() => Verify("""
        class Registry
        {
            private static object s_gate;
            private static int s_count;
            static Registry() { s_gate = new object(); lock (s_gate) { s_count = 0; } }
            public static int Count { get { lock (s_gate) { return s_count; } } }
            public int this[int i] { get { lock (s_gate) { return s_count + i; } } }
        }
        """);

    [Fact]
    public Task Field_assigned_in_the_constructor_of_another_part_of_a_partial_class()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Session.cs", Usings + "partial class Session { private object _gate; private int _n; public void Touch() { lock (_gate) { _n++; } } }"));
        test.TestState.Sources.Add(("Session.Ctor.cs", Usings + "partial class Session { public Session() { _gate = new object(); } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task Same_named_field_of_another_class_in_another_file_is_another_field()
    {
        var test = new VerifyCS.Test();
        test.TestState.Sources.Add(("Orders.cs", Usings + "class Orders { private object _gate = new object(); private int _n; public void Add() { lock (_gate) { _n++; } lock (Invoices.Shared) { _n--; } } }"));
        test.TestState.Sources.Add(("Invoices.cs", Usings + "class Invoices { internal static readonly object Shared = new object(); private object _gate = new object(); public void Reset() { _gate = new object(); } }"));
        return test.RunAsync();
    }

    [Fact]
    public Task The_Monitor_pattern_with_a_taken_flag_on_a_private_gate() => Verify("""
        class C
        {
            private readonly object _gate = new object();
            void M()
            {
                var taken = false;
                try { Monitor.TryEnter(_gate, TimeSpan.FromSeconds(1), ref taken); } finally { if (taken) Monitor.Exit(_gate); }
            }
        }
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
    public Task With_report_visible_lock_objects_a_public_gate_moves_to_a_private_one()
    {
        var test = new VerifyCS.Test
        {
            TestCode = Usings + """
                public class C
                {
                    public readonly object SyncRoot = new object();
                    private int _n;
                    public void M() { lock ([|SyncRoot|]) { _n++; } }
                }
                """,
            FixedCode = Usings + """
                public class C
                {
                    private readonly object _gate = new object();
                    public readonly object SyncRoot = new object();
                    private int _n;
                    public void M() { lock (_gate) { _n++; } }
                }
                """,
            LanguageVersion = LanguageVersion.CSharp12,
        };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", ReportVisible));
        return test.RunAsync();
    }

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

    [Fact]
    public Task Typeof_a_generic_type_becomes_a_static_gate_of_that_type() => VerifyFix("""
        class Cache<T>
        {
            private static int s_hits;
            public static void Hit() { lock ([|typeof(Cache<T>)|]) { s_hits++; } }
            public static void Reset() { Monitor.Enter([|typeof(Cache<T>)|]); try { s_hits = 0; } finally { Monitor.Exit(typeof(Cache<T>)); } }
        }
        """, """
        class Cache<T>
        {
            private static readonly object _gate = new object();
            private static int s_hits;
            public static void Hit() { lock (_gate) { s_hits++; } }
            public static void Reset() { Monitor.Enter(_gate); try { s_hits = 0; } finally { Monitor.Exit(_gate); } }
        }
        """);

    [Fact]
    public Task Lock_this_in_property_and_indexer_accessors_moves_to_one_gate() => VerifyFix("""
        class Grid
        {
            private readonly int[] _cells = new int[9];
            private int _version;
            public int Version { get { lock ([|this|]) { return _version; } } }
            public int this[int i] { set { lock ([|this|]) { _cells[i] = value; _version++; } } }
        }
        """, """
        class Grid
        {
            private readonly object _gate = new object();
            private readonly int[] _cells = new int[9];
            private int _version;
            public int Version { get { lock (_gate) { return _version; } } }
            public int this[int i] { set { lock (_gate) { _cells[i] = value; _version++; } } }
        }
        """);

    [Fact]
    public Task Lock_in_a_static_constructor_gets_a_gate_initialized_before_it() => VerifyFix("""
        class Registry
        {
            private static readonly System.Collections.Generic.List<string> Names = new();
            static Registry() { lock ([|typeof(Registry)|]) { Names.Add("default"); } }
            public static void Add(string name) { lock ([|typeof(Registry)|]) { Names.Add(name); } }
        }
        """, """
        class Registry
        {
            private static readonly object _gate = new object();
            private static readonly System.Collections.Generic.List<string> Names = new();
            static Registry() { lock (_gate) { Names.Add("default"); } }
            public static void Add(string name) { lock (_gate) { Names.Add(name); } }
        }
        """);

    [Fact]
    public Task A_nested_class_locking_this_gets_its_own_gate() => VerifyFix("""
        class Outer
        {
            private int _n;
            void M() { lock ([|this|]) { _n++; } }

            class Inner
            {
                private int _m;
                void N() { lock ([|this|]) { _m++; } }
            }
        }
        """, """
        class Outer
        {
            private readonly object _gate = new object();
            private int _n;
            void M() { lock (_gate) { _n++; } }

            class Inner
            {
                private readonly object _gate = new object();
                private int _m;
                void N() { lock (_gate) { _m++; } }
            }
        }
        """);

    [Fact]
    public Task The_gate_name_does_not_hide_a_base_or_outer_member() => VerifyFix("""
        class Base { protected int _gate; }
        class Account : Base
        {
            private int _balance;
            public void Deposit(int amount) { lock ([|this|]) { _balance += amount; } }
        }
        class Outer
        {
            private static int _gate;
            class Inner { void M() { lock ([|this|]) { _gate++; } } }
        }
        """, """
        class Base { protected int _gate; }
        class Account : Base
        {
            private readonly object _gate2 = new object();
            private int _balance;
            public void Deposit(int amount) { lock (_gate2) { _balance += amount; } }
        }
        class Outer
        {
            private static int _gate;
            class Inner { private readonly object _gate2 = new object(); void M() { lock (_gate2) { _gate++; } } }
        }
        """);

    [Fact]
    public Task Fix_all_across_files_accessors_generic_types_and_static_constructors()
    {
        var test = new VerifyCS.Test { LanguageVersion = LanguageVersion.CSharp12 };
        test.TestState.Sources.Add(("Grid.cs", Usings + """
            class Grid
            {
                private readonly int[] _cells = new int[9];
                public int this[int i] { get { lock ([|this|]) { return _cells[i]; } } set { lock ([|this|]) { _cells[i] = value; } } }
                public void Clear() { Monitor.Enter([|this|]); try { Array.Clear(_cells); } finally { Monitor.Exit(this); } }
            }
            """));
        test.TestState.Sources.Add(("Cache.cs", Usings + """
            class Cache<T>
            {
                private static readonly System.Collections.Generic.List<T> Items = new();
                static Cache() { lock ([|typeof(Cache<T>)|]) { Items.Clear(); } }
                public static void Add(T item) { lock ([|typeof(Cache<T>)|]) { Items.Add(item); } }
            }
            """));
        test.FixedState.Sources.Add(("Grid.cs", Usings + """
            class Grid
            {
                private readonly object _gate = new object();
                private readonly int[] _cells = new int[9];
                public int this[int i] { get { lock (_gate) { return _cells[i]; } } set { lock (_gate) { _cells[i] = value; } } }
                public void Clear() { Monitor.Enter(_gate); try { Array.Clear(_cells); } finally { Monitor.Exit(_gate); } }
            }
            """));
        test.FixedState.Sources.Add(("Cache.cs", Usings + """
            class Cache<T>
            {
                private static readonly object _gate = new object();
                private static readonly System.Collections.Generic.List<T> Items = new();
                static Cache() { lock (_gate) { Items.Clear(); } }
                public static void Add(T item) { lock (_gate) { Items.Add(item); } }
            }
            """));
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
