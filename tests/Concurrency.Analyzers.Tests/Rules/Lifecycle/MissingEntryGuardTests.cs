using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.Rules.Lifecycle.MissingEntryGuardAnalyzer,
    Concurrency.CodeFixes.Rules.Lifecycle.MissingEntryGuardCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.Rules.Lifecycle;

/// <summary>CONC206: a runtime child process started in a program without the child-entry guard first, and its fix.</summary>
public class MissingEntryGuardTests
{
    // One line, so the lines of the sources below are their line in the file plus one.
    private const string Usings = "using System; using System.Threading.Tasks; using Concurrency.Runtime.Multiprocessing;\n";

    private static DiagnosticResult Missing(string start, int line, string file = "Test0.cs") =>
        VerifyCS.Diagnostic(RuleDescriptors.MissingEntryGuard).WithLocation(0).WithLocation(1).WithArguments(start, file, line);

    private static DiagnosticResult NotFirst(string start, int line, string file = "Test0.cs") =>
        VerifyCS.Diagnostic(RuleDescriptors.MisplacedEntryGuard).WithLocation(0).WithLocation(1).WithArguments(start, file, line);

    // A console application: the rule needs an entry point.
    private static Task Verify(string source, params DiagnosticResult[] expected)
    {
        var test = new VerifyCS.Test { TestCode = Usings + source }.AsConsoleApplication();
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    // Compilation-end diagnostics are not local to a document: the testing library applies their
    // fix (as the error list, Fix All and 'dotnet format' do) only when told.
    private const CodeFixTestBehaviors CompilationEndFix = CodeFixTestBehaviors.SkipLocalDiagnosticCheck;

    private static Task VerifyFix(string source, string fixedSource, params DiagnosticResult[] expected) =>
        VerifyFixExactly(Usings + source, Usings + fixedSource, expected);

    private static Task VerifyFixExactly(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new VerifyCS.Test { TestCode = source, FixedCode = fixedSource, CodeFixTestBehaviors = CompilationEndFix }.AsConsoleApplication();
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    // ---- positives ----

    [Fact]
    public Task Main_starts_a_process_without_the_guard() => Verify("""
        class Program
        {
            static void Work() { }

            static void {|#0:Main|}()
            {
                var worker = new Process(Work);
                {|#1:worker.Start()|};
                worker.Join();
            }
        }
        """,
        Missing("worker.Start()", 9));

    [Fact]
    public Task Async_main() => Verify("""
        class Program
        {
            static void Work() { }

            static async Task {|#0:Main|}()
            {
                await Task.Yield();
                var worker = new Process(Work);
                {|#1:worker.Start()|};
                worker.Join();
            }
        }
        """,
        Missing("worker.Start()", 10));

    [Fact]
    public Task Main_with_arguments_returning_int() => Verify("""
        class Program
        {
            static void Work(string name) => Console.WriteLine(name);

            static int {|#0:Main|}(string[] args)
            {
                foreach (var arg in args)
                {
                    {|#1:new Process(Work, new object?[] { arg }).Start()|};
                }

                return 0;
            }
        }
        """,
        Missing("new Process(…).Start()", 10));

    [Fact]
    public Task Top_level_statements_reported_at_the_first_line_of_the_first_statement() => Verify("""
        {|#0:foreach (var name in args)|}
        {
            var worker = new Process(Jobs.Work, new object?[] { name });
            {|#1:worker.Start()|};
            worker.Join();
        }

        static class Jobs
        {
            public static void Work(string name) { }
        }
        """,
        Missing("worker.Start()", 5));

    [Fact]
    public Task Expression_bodied_main_has_no_guard() => Verify("""
        class Program
        {
            static void {|#0:Main|}() => Jobs.Run();
        }

        static class Jobs
        {
            static void Work() { }

            public static void Run() => {|#1:new Process(Work).Start()|};
        }
        """,
        Missing("new Process(…).Start()", 11));

    [Fact]
    public Task Start_in_another_file_is_named_with_its_file_and_line()
    {
        var test = new VerifyCS.Test().AsConsoleApplication();
        test.TestState.Sources.Add(("Program.cs", Usings + """
            class Program
            {
                static void {|#0:Main|}() => Jobs.RunAll(3);
            }
            """));
        test.TestState.Sources.Add(("Jobs.cs", Usings + """
            static class Jobs
            {
                static void Work() { }

                public static void RunAll(int n)
                {
                    for (var i = 0; i < n; i++)
                    {
                        var worker = new Process(Work, name: "job-" + i);
                        {|#1:worker.Start()|};
                        worker.Join();
                    }
                }
            }
            """));
        test.ExpectedDiagnostics.Add(Missing("worker.Start()", 11, "Jobs.cs"));
        return test.RunAsync();
    }

    [Fact]
    public Task Start_through_base_in_a_process_subclass() => Verify("""
        class Counter : Process
        {
            public int N { get; set; }

            protected override void Run() => Console.WriteLine(N);

            public void Launch(int n)
            {
                N = n;
                {|#1:base.Start()|};
            }
        }

        class Program
        {
            static void {|#0:Main|}()
            {
                var counter = new Counter();
                counter.Launch(3);
                counter.Join();
            }
        }
        """,
        Missing("base.Start()", 11));

    [Fact]
    public Task Subclass_started_by_conditional_access_and_unqualified_start() => Verify("""
        class Counter : Process
        {
            public int N { get; set; }

            protected override void Run() => Console.WriteLine(N);

            public void Again() => Start();
        }

        class Program
        {
            static void {|#0:Main|}()
            {
                Counter? counter = new Counter { N = 1 };
                counter?.Start();
                counter?.Join();
            }
        }
        """,
        // The first start in source order is named: Again's.
        VerifyCS.Diagnostic(RuleDescriptors.MissingEntryGuard).WithLocation(0).WithSpan(8, 28, 8, 35).WithArguments("Start()", "Test0.cs", 8));

    [Fact]
    public Task Guard_after_other_statements_runs_them_again_in_every_child() => Verify("""
        class Program
        {
            static void Work() { }

            static void Main()
            {
                Console.WriteLine("starting");
                {|#0:Process.EnterChildIfRequested()|};
                var worker = new Process(Work);
                {|#1:worker.Start()|};
                worker.Join();
            }
        }
        """,
        NotFirst("worker.Start()", 11));

    // An 'if' is the fix's case (Fix_moves_the_guard_out_of_an_if); a 'try' or a nested block is the same.
    [Fact]
    public Task Guard_inside_a_try_is_not_the_first_statement() => Verify("""
        class Program
        {
            static void Work() { }

            static void Main()
            {
                try
                {
                    {|#0:Process.EnterChildIfRequested()|};
                    var worker = new Process(Work);
                    {|#1:worker.Start()|};
                    worker.Join();
                }
                finally
                {
                    Console.WriteLine("done");
                }
            }
        }
        """,
        NotFirst("worker.Start()", 12));

    [Fact]
    public Task Top_level_guard_after_a_statement() => Verify("""
        Console.WriteLine("parent and every child print this");
        {|#0:Process.EnterChildIfRequested()|};
        var worker = new Process(Jobs.Work);
        {|#1:worker.Start()|};
        worker.Join();

        static class Jobs
        {
            public static void Work() { }
        }
        """,
        NotFirst("worker.Start()", 5));

    [Fact]
    public Task Start_inside_a_lambda_and_a_local_function() => Verify("""
        class Program
        {
            static void Work() { }

            static void {|#0:Main|}()
            {
                Action launch = () => {|#1:new Process(Work).Start()|};
                launch();
                StartOne();

                static void StartOne()
                {
                    var worker = new Process(Work);
                    worker.Start();
                    worker.Join();
                }
            }
        }
        """,
        Missing("new Process(…).Start()", 8));

    [Fact]
    public Task A_start_nothing_calls_is_reported_too() => Verify("""
        class Program
        {
            static void Work() { }

            static void {|#0:Main|}() => Console.WriteLine("no processes here");

            // Dead code: the rule does not follow calls from Main (see the rule's page).
            static void Unused() => {|#1:new Process(Work).Start()|};
        }
        """,
        Missing("new Process(…).Start()", 9));

    [Fact]
    public Task SetExecutable_null_restores_this_program_and_needs_the_guard() => Verify("""
        class Program
        {
            static void Work() { }

            static void {|#0:Main|}()
            {
                Process.SetExecutable(null);
                var worker = new Process(Work);
                {|#1:worker.Start()|};
                worker.Join();
            }
        }
        """,
        Missing("worker.Start()", 10));

    [Fact]
    public Task A_guard_only_in_a_local_function_or_lambda_of_main_does_not_count() => Verify("""
        class Program
        {
            static void Work() { }

            static void {|#0:Main|}()
            {
                Init();
                Action again = () => Process.EnterChildIfRequested();
                var worker = new Process(Work);
                {|#1:worker.Start()|};
                worker.Join();

                static void Init() => Process.EnterChildIfRequested();
            }
        }
        """,
        Missing("worker.Start()", 11));

    [Fact]
    public Task A_look_alike_guard_of_another_class_does_not_count() => Verify("""
        static class Guard
        {
            public static void EnterChildIfRequested() { }
        }

        class Program
        {
            static void Work() { }

            static void {|#0:Main|}()
            {
                Guard.EnterChildIfRequested();
                var worker = new Process(Work);
                {|#1:worker.Start()|};
                worker.Join();
            }
        }
        """,
        Missing("worker.Start()", 15));

    // ---- negatives ----

    [Fact]
    public Task Guard_first_in_main() => Verify("""
        class Program
        {
            static void Work() { }

            static void Main()
            {
                Process.EnterChildIfRequested();
                var worker = new Process(Work);
                worker.Start();
                worker.Join();
            }
        }
        """);

    [Fact]
    public Task Guard_first_in_async_main_after_a_local_function_and_written_through_an_alias() => new VerifyCS.Test
    {
        TestCode = """
            using System.Threading.Tasks;
            using Mp = Concurrency.Runtime.Multiprocessing;

            class Program
            {
                static void Work() { }

                static async Task<int> Main()
                {
                    static Mp.Process Make() => new Mp.Process(Work);

                    Mp.Process.EnterChildIfRequested();
                    var worker = Make();
                    worker.Start();
                    await Task.Yield();
                    worker.Join();
                    return 0;
                }
            }
            """,
    }.AsConsoleApplication().RunAsync();

    [Fact]
    public Task A_library_has_no_entry_point_and_is_not_reported() => VerifyCS.VerifyAnalyzerAsync(Usings + """
        public static class Jobs
        {
            static void Work() { }

            public static void Run()
            {
                var worker = new Process(Work);
                worker.Start();
                worker.Join();
            }
        }
        """);

    [Fact]
    public Task A_program_that_starts_no_process() => Verify("""
        class Program
        {
            static void Main()
            {
                var thread = new System.Threading.Thread(() => Console.WriteLine("thread"));
                thread.Start();
                thread.Join();
                var task = new Task(() => { });
                task.Start();
                task.Wait();
            }
        }
        """);

    [Fact]
    public Task A_host_that_chooses_the_child_program_with_SetExecutable() => Verify("""
        class Program
        {
            static void Work() { }

            static void Main()
            {
                ChildHost.Configure();
                var worker = new Process(Work);
                worker.Start();
                worker.Join();
            }
        }

        static class ChildHost
        {
            public static void Configure() => Process.SetExecutable("/opt/host/ChildHost.dll");
        }
        """);

    [Fact]
    public Task Top_level_guard_first_after_local_function_declarations() => Verify("""
        static void Work() { }

        static Process Make() => new Process(Work);

        Process.EnterChildIfRequested();
        var worker = Make();
        worker.Start();
        worker.Join();
        """);

    [Fact]
    public Task System_Diagnostics_Process_Start_is_not_the_runtime_process() => Verify("""
        class Program
        {
            static void Main()
            {
                using var child = System.Diagnostics.Process.Start("ls");
                child?.WaitForExit();
                var os = new System.Diagnostics.Process();
                os.StartInfo.FileName = "ls";
                os.Start();
            }
        }
        """);

    [Fact]
    public Task An_entry_point_in_generated_code_is_skipped()
    {
        var test = new VerifyCS.Test().AsConsoleApplication();
        test.TestState.Sources.Add(("AutoGeneratedProgram.cs", """
            // <auto-generated> This file was generated by Microsoft.NET.Test.Sdk. </auto-generated>
            class AutoGeneratedProgram
            {
                static void Main(string[] args) { }
            }
            """));
        test.TestState.Sources.Add(("ProcessTests.cs", Usings + """
            public class ProcessTests
            {
                static void Work() { }

                public void Starts()
                {
                    var worker = new Process(Work);
                    worker.Start();
                    worker.Join();
                }
            }
            """));
        return test.RunAsync();
    }

    [Fact]
    public Task The_guard_as_the_whole_expression_body() => Verify("""
        class Program
        {
            static void Main() => Process.EnterChildIfRequested();

            static void Later() => new Process(Work).Start();

            static void Work() { }
        }
        """);

    // ---- fixes ----

    [Fact]
    public Task Fix_inserts_the_guard_as_the_first_statement_of_main() => VerifyFix("""
        class Program
        {
            static void Work() { }

            static void {|#0:Main|}()
            {
                // Start one worker.
                var worker = new Process(Work);
                {|#1:worker.Start()|};
                worker.Join();
            }
        }
        """, """
        class Program
        {
            static void Work() { }

            static void Main()
            {
                Process.EnterChildIfRequested();
                // Start one worker.
                var worker = new Process(Work);
                worker.Start();
                worker.Join();
            }
        }
        """,
        Missing("worker.Start()", 10));

    [Fact]
    public Task Fix_moves_the_late_guard_with_its_comment_instead_of_adding_another() => VerifyFix("""
        class Program
        {
            static void Work() { }

            static async Task Main()
            {
                Console.WriteLine("starting");

                // The child-entry guard.
                {|#0:Process.EnterChildIfRequested()|};
                var worker = new Process(Work);
                {|#1:worker.Start()|};
                await Task.Yield();
                worker.Join();
            }
        }
        """, """
        class Program
        {
            static void Work() { }

            static async Task Main()
            {
                // The child-entry guard.
                Process.EnterChildIfRequested();
                Console.WriteLine("starting");
                var worker = new Process(Work);
                worker.Start();
                await Task.Yield();
                worker.Join();
            }
        }
        """,
        NotFirst("worker.Start()", 13));

    [Fact]
    public Task Fix_moves_the_guard_out_of_an_if() => VerifyFix("""
        class Program
        {
            static void Work() { }

            static void Main(string[] args)
            {
                if (args.Length == 0)
                {
                    {|#0:Process.EnterChildIfRequested()|};
                }

                new Process(Work).Start();
            }
        }
        """, """
        class Program
        {
            static void Work() { }

            static void Main(string[] args)
            {
                Process.EnterChildIfRequested();
                if (args.Length == 0)
                {
                }

                new Process(Work).Start();
            }
        }
        """,
        VerifyCS.Diagnostic(RuleDescriptors.MisplacedEntryGuard).WithLocation(0).WithSpan(13, 9, 13, 34).WithArguments("new Process(…).Start()", "Test0.cs", 13));

    [Fact]
    public Task Fix_adds_a_guard_on_top_when_the_late_one_is_the_lone_statement_of_an_if() => VerifyFix("""
        class Program
        {
            static void Work() { }

            static void Main(string[] args)
            {
                if (args.Length == 0)
                    {|#0:Process.EnterChildIfRequested()|};
                {|#1:new Process(Work).Start()|};
            }
        }
        """, """
        class Program
        {
            static void Work() { }

            static void Main(string[] args)
            {
                Process.EnterChildIfRequested();
                if (args.Length == 0)
                    Process.EnterChildIfRequested();
                new Process(Work).Start();
            }
        }
        """,
        NotFirst("new Process(…).Start()", 10));

    [Fact]
    public Task Fix_turns_an_expression_bodied_main_into_a_block() => VerifyFix("""
        class Program
        {
            static int {|#0:Main|}(string[] args) => Run(args);

            static int Run(string[] args)
            {
                {|#1:new Process(Work).Start()|};
                return args.Length;
            }

            static void Work() { }
        }
        """, """
        class Program
        {
            static int Main(string[] args)
            {
                Process.EnterChildIfRequested();
                return Run(args);
            }

            static int Run(string[] args)
            {
                new Process(Work).Start();
                return args.Length;
            }

            static void Work() { }
        }
        """,
        Missing("new Process(…).Start()", 8));

    [Fact]
    public Task Fix_in_a_top_level_program_keeps_the_header_on_top() => VerifyFixExactly("""
        // Copyright (c) the course.
        // Starts one worker per argument.

        using Concurrency.Runtime.Multiprocessing;

        // One worker per argument.
        {|#0:foreach (var name in args)|}
        {
            {|#1:new Process(Jobs.Work, new object?[] { name }).Start()|};
        }

        static class Jobs
        {
            public static void Work(string name) { }
        }
        """, """
        // Copyright (c) the course.
        // Starts one worker per argument.

        using Concurrency.Runtime.Multiprocessing;

        Process.EnterChildIfRequested();
        // One worker per argument.
        foreach (var name in args)
        {
            new Process(Jobs.Work, new object?[] { name }).Start();
        }

        static class Jobs
        {
            public static void Work(string name) { }
        }
        """,
        Missing("new Process(…).Start()", 9));

    [Fact]
    public Task Fix_in_a_top_level_program_without_usings_puts_the_guard_below_the_file_header() => VerifyFixExactly("""
        // A program with no using: the guard is written in full.
        {|#0:var worker = new Concurrency.Runtime.Multiprocessing.Process(Jobs.Work);|}
        {|#1:worker.Start()|};
        worker.Join();

        static class Jobs
        {
            public static void Work() { }
        }
        """, """
        // A program with no using: the guard is written in full.
        Concurrency.Runtime.Multiprocessing.Process.EnterChildIfRequested();
        var worker = new Concurrency.Runtime.Multiprocessing.Process(Jobs.Work);
        worker.Start();
        worker.Join();

        static class Jobs
        {
            public static void Work() { }
        }
        """,
        Missing("worker.Start()", 3));

    [Fact]
    public Task Fix_moves_a_late_top_level_guard_below_the_header() => VerifyFixExactly("""
        // Copyright (c) the course.

        using Concurrency.Runtime.Multiprocessing;

        var name = args.Length > 0 ? args[0] : "worker";
        System.Console.WriteLine("starting " + name);

        // Every child is this program again.
        {|#0:Process.EnterChildIfRequested()|};
        var worker = new Process(Jobs.Work, name: name);
        {|#1:worker.Start()|};
        worker.Join();

        static class Jobs
        {
            public static void Work() { }
        }
        """, """
        // Copyright (c) the course.

        using Concurrency.Runtime.Multiprocessing;

        // Every child is this program again.
        Process.EnterChildIfRequested();
        var name = args.Length > 0 ? args[0] : "worker";
        System.Console.WriteLine("starting " + name);
        var worker = new Process(Jobs.Work, name: name);
        worker.Start();
        worker.Join();

        static class Jobs
        {
            public static void Work() { }
        }
        """,
        NotFirst("worker.Start()", 11));

    [Fact]
    public Task Fix_fills_an_empty_main() => VerifyFix("""
        class Program
        {
            static void {|#0:Main|}()
            {
            }

            static void Later() => {|#1:new Process(Work).Start()|};

            static void Work() { }
        }
        """, """
        class Program
        {
            static void Main()
            {
                Process.EnterChildIfRequested();
            }

            static void Later() => new Process(Work).Start();

            static void Work() { }
        }
        """,
        Missing("new Process(…).Start()", 8));

    [Fact]
    public Task Fix_puts_the_guard_above_a_conditional_block_not_inside_it() => VerifyFix("""
        class Program
        {
            static void Work() { }

            static void {|#0:Main|}()
            {
        #if TRACE_CHILDREN
                Console.WriteLine("tracing");
        #endif
                {|#1:new Process(Work).Start()|};
            }
        }
        """, """
        class Program
        {
            static void Work() { }

            static void Main()
            {
                Process.EnterChildIfRequested();
        #if TRACE_CHILDREN
                Console.WriteLine("tracing");
        #endif
                new Process(Work).Start();
            }
        }
        """,
        Missing("new Process(…).Start()", 11));

    [Fact]
    public Task Fix_keeps_the_guard_qualified_where_System_Diagnostics_makes_Process_ambiguous() => VerifyFixExactly("""
        using System.Diagnostics;
        using Concurrency.Runtime.Multiprocessing;

        class Program
        {
            static void Work() { }

            static void {|#0:Main|}()
            {
                var clock = Stopwatch.StartNew();
                var worker = new Concurrency.Runtime.Multiprocessing.Process(Work);
                {|#1:worker.Start()|};
                worker.Join();
                Debug.WriteLine(clock.Elapsed);
            }
        }
        """, """
        using System.Diagnostics;
        using Concurrency.Runtime.Multiprocessing;

        class Program
        {
            static void Work() { }

            static void Main()
            {
                Concurrency.Runtime.Multiprocessing.Process.EnterChildIfRequested();
                var clock = Stopwatch.StartNew();
                var worker = new Concurrency.Runtime.Multiprocessing.Process(Work);
                worker.Start();
                worker.Join();
                Debug.WriteLine(clock.Elapsed);
            }
        }
        """,
        Missing("worker.Start()", 12));

    [Fact]
    public Task Fix_all_in_the_solution_fixes_the_program_of_each_project()
    {
        const string Program = """
            class Program
            {
                static void Work() { }

                static void {|#0:Main|}() => {|#1:new Process(Work).Start()|};
            }
            """;
        const string Fixed = """
            class Program
            {
                static void Work() { }

                static void Main()
                {
                    Process.EnterChildIfRequested();
                    new Process(Work).Start();
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = Usings + Program, FixedCode = Usings + Fixed }.AsConsoleApplication();
        test.CodeFixTestBehaviors = CompilationEndFix | CodeFixTestBehaviors.SkipFixAllInDocumentCheck | CodeFixTestBehaviors.SkipFixAllInProjectCheck;
        foreach (var state in new[] { test.TestState, test.FixedState })
        {
            var second = state.AdditionalProjects["Second"];
            second.OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication;
            second.AdditionalReferences.AddRange(TestReferences.Framework);
            second.AdditionalReferences.Add(TestReferences.Runtime);
            second.Sources.Add(("Second.cs", Usings + (state == test.TestState ? Program.Replace("#0", "#2").Replace("#1", "#3") : Fixed)));
        }

        test.ExpectedDiagnostics.Add(Missing("new Process(…).Start()", 6));
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(RuleDescriptors.MissingEntryGuard).WithLocation(2).WithLocation(3).WithArguments("new Process(…).Start()", "Second.cs", 6));
        return test.RunAsync();
    }
}
