using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Tests.Engine;

/// <summary>
/// The solver the flow rules share, run with two toy analyses over small bodies: a "must" one
/// (locals certainly holding a non-null value: assignments, null tests on the branch taken,
/// intersection where paths meet) and a "may" one (locals assigned on some path: union). Each body
/// marks its points of interest with <c>Probe(n)</c>; a test asserts the state just before each.
/// </summary>
public class ForwardFlowTests
{
    [Fact]
    public void Assignments_make_and_kill_facts_in_order()
    {
        var states = NonNullAt("""
            object a = new object();
            object b = null;
            Probe(1);
            b = a;
            Probe(2);
            a = Get();
            Probe(3);
            """);

        Assert.Equal("a", states[1]);
        Assert.Equal("a b", states[2]);
        Assert.Equal("b", states[3]);
    }

    [Fact]
    public void Where_branches_meet_a_must_fact_holds_only_if_it_holds_on_both()
    {
        var states = NonNullAt("""
            object a;
            object b;
            if (c) { a = new object(); b = ""; Probe(1); }
            else { a = "x"; b = null; Probe(2); }
            Probe(3);
            """);

        Assert.Equal("a b", states[1]);
        Assert.Equal("a", states[2]);
        Assert.Equal("a", states[3]);
    }

    [Fact]
    public void A_condition_refines_the_state_of_each_branch_it_takes()
    {
        var states = NonNullAt("""
            object o = Get();
            if (o != null) { Probe(1); } else { Probe(2); }
            Probe(3);
            if (o == null) { return; }
            Probe(4);
            object p = Get();
            object q = Get();
            if (p != null && !(q == null)) { Probe(5); } else { Probe(6); }
            """);

        Assert.Equal("o", states[1]);
        Assert.Equal("", states[2]);
        Assert.Equal("", states[3]);
        Assert.Equal("o", states[4]);
        Assert.Equal("o p q", states[5]);
        Assert.Equal("o", states[6]);
    }

    [Fact]
    public void A_loop_is_solved_to_its_fixed_point()
    {
        // On the first pass the loop's back edge is not reached yet: 'a' would still hold at Probe(1).
        var states = NonNullAt("""
            object k = "k";
            object a = new object();
            object b = null;
            while (Cond()) { Probe(1); b = new object(); a = null; Probe(2); }
            Probe(3);
            for (var i = 0; i < 3; i++) { Probe(4); a = "a"; }
            Probe(5);
            """);

        Assert.Equal("k", states[1]);
        Assert.Equal("b k", states[2]);
        Assert.Equal("k", states[3]);
        Assert.Equal("k", states[4]);
        Assert.Equal("k", states[5]);
    }

    [Fact]
    public void Handlers_start_from_the_initial_state_and_the_code_after_a_try_continues_from_its_body()
    {
        var states = NonNullAt("""
            object a = new object();
            object b = null;
            try { Probe(1); b = new object(); }
            finally { Probe(2); a = null; }
            Probe(3);
            object d = null;
            try { d = "d"; Probe(4); }
            catch (System.Exception) { Probe(5); }
            Probe(6);
            """);

        Assert.Equal("a", states[1]);
        Assert.Equal("", states[2]);
        Assert.Equal("a b", states[3]); // the finally is not replayed on the way out
        Assert.Equal("a b d", states[4]);
        Assert.Equal("", states[5]);
        Assert.Equal("", states[6]); // the catch's end meets the try's
    }

    [Fact]
    public void Code_no_path_enters_has_no_state_and_unreachable_code_starts_afresh()
    {
        var states = NonNullAt("""
            object a = new object();
            Probe(1);
            return;
            Probe(2);
            again:
            Probe(3);
            goto again;
            """);

        Assert.Equal("a", states[1]);
        Assert.Equal("", states[2]);
        Assert.Equal("", states[3]);

        var cycle = NonNullAt("""
            return;
            again:
            Probe(1);
            goto again;
            """);

        Assert.Null(cycle[1]);
    }

    [Fact]
    public void A_may_analysis_joins_by_union_and_carries_facts_around_a_loop()
    {
        var (flow, graph, probes) = Solve("""
            int a = 0, b, d, e;
            if (c) { b = 1; } else { d = 2; }
            Probe(1);
            while (Cond()) { Probe(2); e = 1; }
            Probe(3);
            """, new AssignedLocals());

        Assert.Equal("a b d", probes[1]);
        Assert.Equal("a b d e", probes[2]);
        Assert.Equal("a b d e", probes[3]);
        Assert.Equal("a b d e", Names(flow.EntryOf(graph.Blocks.Single(block => block.Kind == BasicBlockKind.Exit))!));
    }

    [Fact]
    public void The_state_at_an_operation_is_a_copy_its_caller_may_change()
    {
        var (flow, graph, _) = Solve("object a = new object(); Probe(1);", new NonNullLocals());
        var probe = ProbeCalls(graph).Single();

        var state = flow.StateAt(probe.Syntax, OperationKind.Invocation)!.Value.State!;
        state.Clear();

        Assert.Equal("a", Names(flow.StateAt(probe.Syntax, OperationKind.Invocation)!.Value.State!));
        Assert.Null(flow.StateAt(graph.OriginalOperation.Syntax, OperationKind.Invocation));
    }

    private static Dictionary<int, string?> NonNullAt(string body) => Solve(body, new NonNullLocals()).Probes;

    private static (ForwardFlow<HashSet<ILocalSymbol>> Flow, ControlFlowGraph Graph, Dictionary<int, string?> Probes) Solve(string body, IForwardFlowAnalysis<HashSet<ILocalSymbol>> analysis)
    {
        var source = $$"""
            class C
            {
                static void Probe(int at) { }
                static object Get() => null;
                static bool Cond() => true;
                void M(bool c)
                {
                    {{body}}
                }
            }
            """;
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = CSharpCompilation.Create("Flow", new[] { tree }, TestReferences.Framework, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == "M");
        var graph = ControlFlowGraphs.Create(compilation.GetSemanticModel(tree).GetOperation(method)!, CancellationToken.None)!;

        var flow = ForwardFlow<HashSet<ILocalSymbol>>.Solve(graph, analysis, CancellationToken.None);

        var probes = ProbeCalls(graph).ToDictionary(
            call => (int)call.Arguments[0].Value.ConstantValue.Value!,
            call => flow.StateAt(call.Syntax, OperationKind.Invocation)!.Value.State is { } state ? Names(state) : null);
        return (flow, graph, probes);
    }

    private static IEnumerable<IInvocationOperation> ProbeCalls(ControlFlowGraph graph) => graph.Blocks
        .SelectMany(OperationHelpers.TopLevelOperations)
        .SelectMany(operation => operation.DescendantsAndSelf())
        .OfType<IInvocationOperation>()
        .Where(call => call.TargetMethod.Name == "Probe");

    private static string Names(HashSet<ILocalSymbol> state) => string.Join(" ", state.Select(local => local.Name).OrderBy(name => name, StringComparer.Ordinal));

    private static ILocalSymbol? AssignedLocal(ISimpleAssignmentOperation assignment) =>
        assignment.Target is ILocalReferenceOperation { Local: var local } ? local : null;

    /// <summary>Locals of reference type certainly holding a non-null value: a "must" analysis.</summary>
    private sealed class NonNullLocals : IForwardFlowAnalysis<HashSet<ILocalSymbol>>
    {
        public HashSet<ILocalSymbol> Initial(BasicBlock block) => new(SymbolEqualityComparer.Default);

        public HashSet<ILocalSymbol> Copy(HashSet<ILocalSymbol> state) => new(state, SymbolEqualityComparer.Default);

        public void Transfer(HashSet<ILocalSymbol> state, IOperation operation)
        {
            foreach (var assignment in operation.DescendantsAndSelf().OfType<ISimpleAssignmentOperation>())
            {
                if (AssignedLocal(assignment) is { Type.IsReferenceType: true } local)
                {
                    var nonNull = IsNonNull(assignment.Value, state);
                    state.Remove(local);
                    if (nonNull)
                    {
                        state.Add(local);
                    }
                }
            }
        }

        public void Branch(HashSet<ILocalSymbol> state, IOperation condition, bool outcome)
        {
            switch (OperationHelpers.WalkDownConversion(condition))
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    Branch(state, not.Operand, !outcome);
                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                    when outcome == (comparison.OperatorKind == BinaryOperatorKind.NotEquals)
                        && OperationHelpers.WalkDownConversion(comparison.LeftOperand) is ILocalReferenceOperation { Local: var local }
                        && OperationHelpers.WalkDownConversion(comparison.RightOperand).ConstantValue is { HasValue: true, Value: null }:
                    state.Add(local);
                    break;
            }
        }

        public void Join(HashSet<ILocalSymbol> state, HashSet<ILocalSymbol> other) => state.IntersectWith(other);

        public bool Same(HashSet<ILocalSymbol> state, HashSet<ILocalSymbol> other) => state.SetEquals(other);

        private static bool IsNonNull(IOperation value, HashSet<ILocalSymbol> state) => OperationHelpers.WalkDownConversion(value) switch
        {
            IObjectCreationOperation => true,
            ILiteralOperation { ConstantValue: { HasValue: true, Value: not null } } => true,
            ILocalReferenceOperation { Local: var local } => state.Contains(local),
            _ => false,
        };
    }

    /// <summary>Locals assigned on some path: a "may" analysis.</summary>
    private sealed class AssignedLocals : IForwardFlowAnalysis<HashSet<ILocalSymbol>>
    {
        public HashSet<ILocalSymbol> Initial(BasicBlock block) => new(SymbolEqualityComparer.Default);

        public HashSet<ILocalSymbol> Copy(HashSet<ILocalSymbol> state) => new(state, SymbolEqualityComparer.Default);

        public void Transfer(HashSet<ILocalSymbol> state, IOperation operation) =>
            state.UnionWith(operation.DescendantsAndSelf().OfType<ISimpleAssignmentOperation>().Select(AssignedLocal).OfType<ILocalSymbol>());

        public void Branch(HashSet<ILocalSymbol> state, IOperation condition, bool outcome)
        {
        }

        public void Join(HashSet<ILocalSymbol> state, HashSet<ILocalSymbol> other) => state.UnionWith(other);

        public bool Same(HashSet<ILocalSymbol> state, HashSet<ILocalSymbol> other) => state.SetEquals(other);
    }
}
