using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Tests.Engine;

/// <summary>
/// The obligation search CONC201 and CONC207 share, on a toy obligation: after <c>Open()</c>, every
/// path to the end of the method must call <c>Close()</c>; <c>Risky()</c> may throw, <c>Safe()</c> may not.
/// </summary>
public class PathsWithoutTests
{
    [Fact]
    public void Closed_on_every_path_or_in_a_finally_is_no_path()
    {
        Assert.Null(Find("Open(); if (c) { Close(); } else { Safe(); Close(); }"));
        Assert.Null(Find("Open(); try { Risky(); if (c) return; Risky(); } finally { Close(); }"));
        Assert.Null(Find("Open(); while (c) { Safe(); } Close();"));
    }

    [Fact]
    public void A_branch_without_the_call_runs_to_the_end()
    {
        var path = Find("Open(); if (c) { Close(); }");
        Assert.Equal(PathExit.End, path!.Exit);
        Assert.Null(path.At);
    }

    [Fact]
    public void An_early_return_is_named_by_its_statement()
    {
        Assert.Equal("return;", Describe(Find("Open(); if (c) return; Close();")));
        Assert.Equal("return 1;", Describe(FindIn("int", "Open(); if (c) { Safe(); return 1; } Close(); return 0;")));
    }

    [Fact]
    public void An_exception_between_is_named_by_the_call_that_throws()
    {
        var path = Find("Open(); Safe(); Risky(); Close();");
        Assert.Equal(PathExit.Exception, path!.Exit);
        Assert.Equal("Risky()", path.At!.ToString());
    }

    [Fact]
    public void A_path_that_leaves_normally_is_preferred_to_an_exceptional_one()
    {
        Assert.Equal(PathExit.Return, Find("Open(); Risky(); if (c) return; Close();")!.Exit);
    }

    [Fact]
    public void A_handler_that_catches_everything_goes_on_from_its_first_block()
    {
        Assert.Null(Find("Open(); try { Risky(); } catch { Safe(); } Close();"));
        Assert.Equal("return;", Describe(Find("Open(); try { Risky(); } catch (System.Exception) { return; } Close();")));
    }

    [Fact]
    public void A_typed_handler_or_a_rethrow_lets_the_exception_leave()
    {
        Assert.Equal(PathExit.Exception, Find("Open(); try { Risky(); } catch (System.IO.IOException) { } Close();")!.Exit);
        Assert.Equal(PathExit.Exception, Find("Open(); try { Risky(); } catch { throw; } Close();")!.Exit);
    }

    [Fact]
    public void What_encloses_the_operation_in_its_statement_runs_after_it()
    {
        var path = FindIn("void", "Use(OpenValue()); Close();", open: "OpenValue");
        Assert.Equal("Use(OpenValue())", path!.At!.ToString());
    }

    private static string? Describe(PathWithout? path) => path?.At?.ToString();

    private static PathWithout? Find(string body) => FindIn("void", body);

    private static PathWithout? FindIn(string returnType, string body, string open = "Open")
    {
        var source = $$"""
            class C
            {
                static void Open() { }
                static int OpenValue() => 0;
                static void Use(int value) { }
                static void Close() { }
                static void Risky() { }
                static void Safe() { }
                {{returnType}} M(bool c)
                {
                    {{body}}
                }
            }
            """;
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = CSharpCompilation.Create("Paths", new[] { tree }, TestReferences.Framework, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == "M");
        var graph = ControlFlowGraphs.Create(compilation.GetSemanticModel(tree).GetOperation(method)!, CancellationToken.None)!;
        var start = method.DescendantNodes().OfType<InvocationExpressionSyntax>().First(i => i.Expression.ToString() == open);

        static bool Calls(IOperation operation, string name) =>
            operation.DescendantsAndSelf().OfType<IInvocationOperation>().Any(call => call.TargetMethod.Name == name);

        return PathsWithout.Find(
            graph,
            start,
            OperationKind.Invocation,
            operation => Calls(operation, "Close"),
            operation => operation.DescendantsAndSelf().OfType<IInvocationOperation>().FirstOrDefault(call => call.TargetMethod.Name is "Risky" or "Use"),
            CancellationToken.None);
    }
}
