using Concurrency.Analyzers.Model.Workers;
using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Tests.Model.Workers;

/// <summary>
/// The worker model the lifecycle and shared-state rules build on: which delegates run on another
/// thread (entry points), and what each lifecycle member does (<see cref="WorkerApi"/>), on real code
/// compiled against the framework and the real runtime.
/// </summary>
public class EntryPointsTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class Worker : Concurrency.Runtime.Threading.Thread
        {
            protected override void Run() { }
        }

        class Child : Concurrency.Runtime.Multiprocessing.Process
        {
            public Child() : base(() => { }) { }
            protected override void Run() { }
        }

        class C
        {
            static void Work() { }

            void M(List<int> items)
            {
                new Thread(() => { }).Start();
                new Concurrency.Runtime.Threading.Thread(Work).Start();
                new Concurrency.Runtime.Multiprocessing.Process(Work).Start();
                Task.Run(() => { });
                Task.Factory.StartNew(() => { });
                new Task(Work).Start();
                Parallel.For(0, 4, i => { });
                ThreadPool.QueueUserWorkItem(_ => { });
                using var timer = new Timer(_ => { }, null, 0, 100);
                var elapsed = new System.Timers.Timer();
                elapsed.Elapsed += (sender, e) => { };
                new Concurrency.Runtime.Threading.Timer(TimeSpan.Zero, () => { }).Start();
                items.ForEach(i => { });
                Func<int> later = () => 1;
                Action direct = Work;
            }
        }
        """;

    private static readonly Lazy<Compilation> Compilation = new(() => CSharpCompilation.Create(
        "Workers",
        new[] { CSharpSyntaxTree.ParseText(Source) },
        TestReferences.Framework.Add(TestReferences.Runtime),
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)));

    [Fact]
    public void The_source_compiles() =>
        Assert.Empty(Compilation.Value.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

    [Fact]
    public void Every_delegate_handed_to_a_thread_process_task_pool_or_timer_is_an_entry_point_and_no_other()
    {
        var body = Body("M");
        var entryPoints = EntryPoints.For(Compilation.Value);
        var kinds = body.Descendants()
            .Where(o => o is IAnonymousFunctionOperation or IMethodReferenceOperation)
            .Select(o => entryPoints.Of(o)?.Kind)
            .ToList();

        Assert.Equal(
            new EntryPointKind?[]
            {
                EntryPointKind.Thread, EntryPointKind.Thread, EntryPointKind.Process, EntryPointKind.Task, EntryPointKind.Task,
                EntryPointKind.Task, EntryPointKind.Parallel, EntryPointKind.ThreadPool, EntryPointKind.Timer, EntryPointKind.Timer,
                EntryPointKind.Timer, null, null, null,
            },
            kinds);
    }

    [Fact]
    public void An_entry_point_names_the_method_that_runs_and_what_it_was_handed_to()
    {
        var entry = EntryPoints.For(Compilation.Value).In(Body("M")).ElementAt(1);

        Assert.Equal("Work", entry.Method?.Name);
        Assert.IsAssignableFrom<IObjectCreationOperation>(entry.HandedTo);
        Assert.False(entry.RunsConcurrentlyWithItself);
        Assert.True(EntryPoints.For(Compilation.Value).In(Body("M")).Single(e => e.Kind == EntryPointKind.Parallel).RunsConcurrentlyWithItself);
    }

    [Fact]
    public void Run_overrides_of_runtime_threads_and_processes_are_entry_points()
    {
        var entryPoints = EntryPoints.For(Compilation.Value);

        Assert.Equal(EntryPointKind.Thread, entryPoints.OfOverride(Method("Worker", "Run")));
        Assert.Equal(EntryPointKind.Process, entryPoints.OfOverride(Method("Child", "Run")));
        Assert.Null(entryPoints.OfOverride(Method("C", "Work")));
    }

    [Fact]
    public void Lifecycle_members_have_their_roles()
    {
        var workers = new WorkerSymbols(Compilation.Value);
        var roles = Body("M").Descendants()
            .OfType<IInvocationOperation>()
            .Select(call => (call.TargetMethod.ContainingType.Name + "." + call.TargetMethod.Name, workers.RoleOf(call)))
            .Where(pair => pair.Item2 is not null)
            .ToList();

        Assert.Equal(
            new (string, WorkerApi.Role?)[]
            {
                ("Thread.Start", WorkerApi.Role.Start), ("Thread.Start", WorkerApi.Role.Start), ("Process.Start", WorkerApi.Role.Start),
                ("Task.Run", WorkerApi.Role.Submit), ("TaskFactory.StartNew", WorkerApi.Role.Submit), ("Task.Start", WorkerApi.Role.Start),
                ("ThreadPool.QueueUserWorkItem", WorkerApi.Role.Submit), ("Thread.Start", WorkerApi.Role.Start),
            },
            roles);
    }

    [Fact]
    public void Every_row_of_the_worker_table_names_a_member_that_exists()
    {
        foreach (var entry in WorkerApi.Entries)
        {
            var type = Compilation.Value.GetTypeByMetadataName(entry.Type);
            Assert.True(type is not null, $"{entry.Type} does not resolve.");
            Assert.True(type!.GetMembers(entry.Member).Length > 0, $"{entry.Type} has no member {entry.Member}.");
        }
    }

    private static IOperation Body(string method)
    {
        var tree = Compilation.Value.SyntaxTrees.Single();
        var declaration = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == method);
        return Compilation.Value.GetSemanticModel(tree).GetOperation(declaration)!;
    }

    private static IMethodSymbol Method(string type, string name) =>
        Compilation.Value.GetTypeByMetadataName(type)!.GetMembers(name).OfType<IMethodSymbol>().Single();
}
