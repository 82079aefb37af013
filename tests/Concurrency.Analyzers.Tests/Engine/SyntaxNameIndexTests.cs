using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Concurrency.Analyzers.Tests.Engine;

/// <summary>
/// The text-first index the rule families share, over the words a lifecycle rule would look for:
/// a site is a call named <c>Start</c> or <c>Join</c>. The index reads the text, not the tree, so
/// what it must get right is where the text and the tree disagree: comments, strings, escapes,
/// longer identifiers, words cut by the scan buffer.
/// </summary>
public class SyntaxNameIndexTests
{
    private static readonly SyntaxNameIndex Lifecycle = new(new[] { "Start", "Join" }, CallSite);

    // Start(), t.Start(), t?.Join(): the call, for a name in the index's words.
    private static SyntaxNode? CallSite(SyntaxToken token)
    {
        if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText is not ("Start" or "Join") || token.Parent is not SimpleNameSyntax name)
        {
            return null;
        }

        ExpressionSyntax callee = name.Parent switch
        {
            MemberAccessExpressionSyntax access when access.Name == name => access,
            MemberBindingExpressionSyntax binding when binding.Name == name => binding,
            _ => name,
        };
        return callee.Parent is InvocationExpressionSyntax call && call.Expression == callee ? call : null;
    }

    private static (CSharpCompilation Compilation, SyntaxTree Tree) Parse(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, path: "Workers.cs");
        return (CSharpCompilation.Create("Index", new[] { tree }), tree);
    }

    // The starts of the invocations whose callee text ends with one of the names, from the tree itself.
    private static int[] CallsNamed(SyntaxTree tree, params string[] callees) => tree.GetRoot()
        .DescendantNodes()
        .OfType<InvocationExpressionSyntax>()
        .Where(call => callees.Contains(call.Expression.ToString()))
        .Select(call => call.SpanStart)
        .OrderBy(start => start)
        .ToArray();

    [Fact]
    public void Finds_the_calls_of_the_words_and_nothing_else_that_shares_their_text()
    {
        var (compilation, tree) = Parse("""
            using System.Threading;
            class Pool
            {
                private Thread _worker = new Thread(() => { });
                private int Join;
                void Start() { }
                void Started() { }
                void Run(Thread other)
                {
                    Start();
                    _worker.Start();
                    other?.Join();
                    Started();
                    var start = Join + 1;
                    System.Action go = Start;
                    StartJoin();
                }
                void StartJoin() { }
            }
            """);

        var sites = Lifecycle.For(compilation).Of(tree, CancellationToken.None);

        Assert.Equal(CallsNamed(tree, "Start", "_worker.Start", ".Join"), sites);
        Assert.Equal(3, sites.Length);
    }

    [Fact]
    public void Words_in_comments_and_strings_are_not_sites()
    {
        var (compilation, tree) = Parse("""
            class Pool
            {
                // Start the workers, then Join() them.
                /// <summary>Call Start() first.</summary>
                string Describe() => "Start() and Join()" + $"{nameof(Describe)} Join()" + @"
                    Start();";
                /* Join(); */
            }
            """);

        Assert.Empty(Lifecycle.For(compilation).Of(tree, CancellationToken.None));
    }

    [Fact]
    public void A_word_spelled_with_a_unicode_escape_is_found_by_reading_the_whole_tree()
    {
        var (compilation, tree) = Parse("""
            using System.Threading;
            class Pool
            {
                void Run(Thread worker)
                {
                    worker.\u0053tart();
                    // Join() here is only a comment.
                    worker.J\u006Fin();
                }
            }
            """);

        var sites = Lifecycle.For(compilation).Of(tree, CancellationToken.None);

        Assert.Equal(CallsNamed(tree, @"worker.\u0053tart", @"worker.J\u006Fin"), sites);
        Assert.Equal(2, sites.Length);
    }

    [Fact]
    public void A_word_cut_by_the_end_of_the_scan_buffer_is_found()
    {
        // The text is read in chunks of 8,192 characters: the comment puts "Start" across the first boundary.
        const string before = "class Pool\n{\n    void Run(System.Threading.Thread worker)\n    {\n        worker.";
        var padding = "/*" + new string(' ', 8192 - 3 - before.Length - 4) + "*/";
        var source = before + padding + "Start();\n    }\n}\n";
        Assert.Equal("Sta", source.Substring(8192 - 3, 3));
        var (compilation, tree) = Parse(source);

        var sites = Lifecycle.For(compilation).Of(tree, CancellationToken.None);

        Assert.Equal(CallsNamed(tree, "worker." + padding + "Start"), sites);
        Assert.Single(sites);
    }

    [Fact]
    public void May_contain_answers_for_every_node_that_encloses_a_site_and_no_other()
    {
        var (compilation, tree) = Parse("""
            using System.Threading;
            class Pool
            {
                void Run(Thread worker, bool now)
                {
                    var ready = now;
                    if (ready)
                    {
                        System.Action later = () => worker.Join();
                    }
                }
                int Idle(int x) => x + 1;
            }
            class Quiet
            {
                void Start(Thread worker) { }
            }
            """);
        var root = tree.GetRoot();
        var sites = Lifecycle.For(compilation);
        bool MayContain(SyntaxNode node) => sites.MayContain(node, CancellationToken.None);
        var methods = root.DescendantNodes().OfType<MethodDeclarationSyntax>().ToDictionary(m => m.Identifier.ValueText);
        var classes = root.DescendantNodes().OfType<ClassDeclarationSyntax>().ToDictionary(c => c.Identifier.ValueText);
        var run = methods["Run"].Body!.Statements;
        var call = root.DescendantNodes().OfType<InvocationExpressionSyntax>().Single();

        Assert.True(MayContain(root));
        Assert.True(MayContain(classes["Pool"]));
        Assert.True(MayContain(methods["Run"]));
        Assert.True(MayContain(run[1])); // the if statement
        Assert.True(MayContain(call.Parent!.Parent!)); // the lambda
        Assert.True(MayContain(call));
        Assert.False(MayContain(call.ArgumentList)); // inside the call, after where it starts
        Assert.False(MayContain(run[0]));
        Assert.False(MayContain(methods["Idle"]));
        Assert.False(MayContain(classes["Quiet"])); // a declaration named Start is not a call
    }

    [Fact]
    public void Each_tree_is_read_once_per_compilation_and_each_index_keeps_its_own_sites()
    {
        var (compilation, tree) = Parse("class Pool { void Run() { Start(); Shutdown(); } void Start() { } void Shutdown() { } }");
        var shutdown = new SyntaxNameIndex(new[] { "Shutdown" }, ShutdownCall);

        var first = Lifecycle.For(compilation).Of(tree, CancellationToken.None);

        Assert.Same(Lifecycle.For(compilation), Lifecycle.For(compilation));
        Assert.Same(first, Lifecycle.For(compilation).Of(tree, CancellationToken.None));
        Assert.Equal(CallsNamed(tree, "Start"), first);
        Assert.Equal(CallsNamed(tree, "Shutdown"), shutdown.For(compilation).Of(tree, CancellationToken.None));
        Assert.NotSame(Lifecycle.For(compilation), Lifecycle.For(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Other { }"))));
    }

    // Shutdown(), and only that spelling: enough for a second family.
    private static SyntaxNode? ShutdownCall(SyntaxToken token) =>
        token.ValueText == "Shutdown" && token.Parent is IdentifierNameSyntax { Parent: InvocationExpressionSyntax call } ? call : null;

    [Fact]
    public void An_index_needs_a_word()
    {
        Assert.Throws<ArgumentException>(() => new SyntaxNameIndex(Array.Empty<string>(), CallSite));
        Assert.Throws<ArgumentException>(() => new SyntaxNameIndex(new[] { "Start", "" }, CallSite));
    }
}
