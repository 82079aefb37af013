using Concurrency.Analyzers.Model.SharedState;
using Concurrency.Analyzers.Model.Workers;
using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Tests.Model.SharedState;

/// <summary>
/// The shared-state rules' model of what runs concurrently: entry point bodies, what they call
/// (through calls, accessors, overrides and lambdas run at once), and nothing else — on real code
/// compiled against the framework and the real runtime. Each probe is a call of <c>Probe("name")</c>.
/// </summary>
public class ConcurrentContextsTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        class Worker : Concurrency.Runtime.Threading.Thread
        {
            protected override void Run() { C.Probe("override"); Helper(); }
            void Helper() => C.Probe("override-helper");
        }

        abstract class Step { public abstract void Do(); }
        sealed class Print : Step { public override void Do() => C.Probe("override-of-virtual"); }

        class C
        {
            public static void Probe(string name) { }

            int Counter { get { Probe("getter"); return 0; } }

            void Work() { Probe("work"); Level1(); }
            void Level1() => Level2();
            void Level2() => Level3();
            void Level3() => Level4();
            void Level4() => Level5();
            void Level5() { Probe("depth-5"); Level6(); }
            void Level6() => Probe("depth-6");

            void Never() => Probe("never");

            void Main(List<int> items, Step step)
            {
                Probe("main");
                var thread = new Thread(() =>
                {
                    Probe("thread-lambda");
                    items.ForEach(i => Probe("foreach-in-thread"));
                    Action later = () => Probe("stored-in-thread");
                    Local();
                    void Local() => Probe("local-in-thread");
                    _ = Counter;
                    step.Do();
                });
                thread.Start();
                new Thread(Work).Start();
                Parallel.For(0, 4, i => Probe("parallel"));
                items.AsParallel().ForAll(i => Probe("plinq"));
                Task.Run(() => Probe("task"));
                for (var i = 0; i < 3; i++)
                {
                    Task.Run(() => Probe("task-in-loop"));
                }

                Parallel.Invoke(() => Probe("invoke-1"), () => Probe("invoke-2"));
                var timer = new System.Timers.Timer();
                timer.Elapsed += (sender, e) => Probe("elapsed");
                items.ForEach(i => Probe("foreach-in-main"));
                ThreadPool.QueueUserWorkItem(_ => Work());
            }
        }
        """;

    private static readonly Lazy<Compilation> Compilation = new(() => CSharpCompilation.Create(
        "Contexts",
        new[] { CSharpSyntaxTree.ParseText(Source, path: "Contexts.cs") },
        TestReferences.Framework.Add(TestReferences.Runtime),
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)));

    [Fact]
    public void The_source_compiles() =>
        Assert.Empty(Compilation.Value.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

    [Theory]
    [InlineData("thread-lambda", "Thread")]
    [InlineData("foreach-in-thread", "Thread")]
    [InlineData("local-in-thread", "Thread")]
    [InlineData("getter", "Thread")]
    [InlineData("override-of-virtual", "Thread")]
    [InlineData("work", "Thread")]
    [InlineData("depth-5", "Thread")]
    [InlineData("parallel", "Parallel")]
    [InlineData("plinq", "Parallel")]
    [InlineData("task", "Task")]
    [InlineData("invoke-1", "Parallel")]
    [InlineData("elapsed", "Timer")]
    [InlineData("override", "Thread")]
    [InlineData("override-helper", "Thread")]
    public void Code_run_by_an_entry_point_or_reached_from_one_has_its_context(string probe, string kind) =>
        Assert.Equal(kind, Contexts.Of(Probe(probe))?.Kind.ToString());

    [Theory]
    [InlineData("main")]
    [InlineData("foreach-in-main")]
    [InlineData("stored-in-thread")]
    [InlineData("never")]
    [InlineData("depth-6")]
    public void Code_nothing_starts_or_beyond_the_depth_has_no_context(string probe) =>
        Assert.Null(Contexts.Of(Probe(probe)));

    [Fact]
    public void A_context_says_where_it_starts_and_through_which_calls()
    {
        Assert.Equal("new Thread in Main (Contexts.cs:35)", Contexts.Of(Probe("thread-lambda"))!.Describe());
        Assert.Equal("new Thread in Main (Contexts.cs:35), through Counter.get", Contexts.Of(Probe("getter"))!.Describe());
        Assert.Equal("new Thread in Main (Contexts.cs:46), through Level1() → Level2() → Level3() → Level4() → Level5()", Contexts.Of(Probe("depth-5"))!.Describe());
        Assert.Equal("Worker.Run override (Contexts.cs:9)", Contexts.Of(Probe("override"))!.Describe());
    }

    [Theory]
    [InlineData("parallel", true)]
    [InlineData("plinq", true)]
    [InlineData("elapsed", true)]
    [InlineData("task-in-loop", true)]
    [InlineData("task", false)]
    [InlineData("thread-lambda", false)]
    [InlineData("work", true)]
    [InlineData("depth-5", true)]
    [InlineData("override", false)]
    public void Bodies_that_run_beside_copies_of_themselves_say_so_as_do_methods_two_entry_points_reach(string probe, bool withItself) =>
        Assert.Equal(withItself, Contexts.Of(Probe(probe))!.RunsConcurrentlyWithItself);

    [Fact]
    public void The_entry_points_a_member_starts_are_listed_in_source_order()
    {
        var main = Compilation.Value.SyntaxTrees.Single().GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == "Main");
        var body = Compilation.Value.GetSemanticModel(main.SyntaxTree).GetOperation(main)!;

        Assert.Equal(
            new[] { EntryPointKind.Thread, EntryPointKind.Thread, EntryPointKind.Parallel, EntryPointKind.Parallel, EntryPointKind.Task, EntryPointKind.Task, EntryPointKind.Parallel, EntryPointKind.Parallel, EntryPointKind.Timer, EntryPointKind.ThreadPool },
            Contexts.StartedIn(body).Select(e => e.Kind));
    }

    [Theory]
    [InlineData("C", true)]
    [InlineData("Worker", true)]
    [InlineData("Print", true)]
    [InlineData("Step", false)]
    public void Types_that_start_or_hold_concurrent_code_are_involved(string type, bool involved) =>
        Assert.Equal(involved, Contexts.Involves(Compilation.Value.GetTypeByMetadataName(type)!));

    private static ConcurrentContexts Contexts => ConcurrentContexts.For(Compilation.Value);

    private static IOperation Probe(string name)
    {
        var tree = Compilation.Value.SyntaxTrees.Single();
        var literal = tree.GetRoot().DescendantNodes().OfType<LiteralExpressionSyntax>().Single(l => l.Token.ValueText == name);
        return Compilation.Value.GetSemanticModel(tree).GetOperation(literal)!;
    }
}
