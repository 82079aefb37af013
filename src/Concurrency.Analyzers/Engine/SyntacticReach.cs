using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Concurrency.Analyzers.Engine;

/// <summary>
/// Which methods of a compilation may, through calls, reach a body with a site of some rule family
/// (a <see cref="SyntaxNameIndex"/>'s sites), judged by names alone and without binding anything: a
/// body reaches a site when it has one, or when it names (an identifier token) a method, property or
/// type whose body reaches one. An interprocedural summary asks it before it binds a callee's body:
/// binding the bodies of the bulk of a solution that cannot lead to a lock was most of CONC101's
/// time on real code.
/// <para>
/// It over-approximates — every method of a name counts when one of them reaches a site, and words
/// in <c>nameof</c> or in a lambda never run count as calls — and it is sound for the calls the
/// summaries follow (invocations, constructors, property and indexer accessors): an invocation, a
/// property or a <c>new T()</c> names its target; an indexer is named by any element access, a
/// target-typed <c>new()</c> by any constructor; the calls query syntax, collection initializers and
/// interpolated strings make without naming them are added by their syntax. Local functions, and
/// members it does not know, always may reach.
/// </para>
/// Built once per compilation, on first use, from every tree (a walk of the tokens of every body);
/// worth it only where a summary may bind much of the compilation (at compilation end), not while
/// one file is analyzed.
/// </summary>
internal sealed class SyntacticReach
{
    private const string Indexer = "this[]";
    private const string AnyConstructor = "new()";

    private readonly HashSet<string> _reaching;

    private SyntacticReach(HashSet<string> reaching) => _reaching = reaching;

    /// <summary>
    /// The reach of the sites <paramref name="sitesOf"/> gives per tree (sorted starts, as
    /// <see cref="SyntaxNameIndex"/> returns them) over the trees of <paramref name="compilation"/>.
    /// </summary>
    public static SyntacticReach Build(Compilation compilation, Func<SyntaxTree, CancellationToken, int[]> sitesOf, CancellationToken cancellationToken)
    {
        var bodies = new List<Body>();
        var callers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sites = sitesOf(tree, cancellationToken);
            foreach (var (key, body) in Members(tree.GetRoot(cancellationToken)))
            {
                var id = bodies.Count;
                bodies.Add(new Body(key, HasSite(sites, body.Span)));
                foreach (var name in NamesIn(body))
                {
                    if (!callers.TryGetValue(name, out var list))
                    {
                        callers[name] = list = new List<int>();
                    }

                    list.Add(id);
                }
            }
        }

        // From the bodies with a site back to their callers, by name.
        var reaching = new HashSet<string>(StringComparer.Ordinal);
        var work = new Stack<int>();
        for (var i = 0; i < bodies.Count; i++)
        {
            if (bodies[i].Reaches)
            {
                work.Push(i);
            }
        }

        while (work.Count > 0)
        {
            var key = bodies[work.Pop()].Key;
            foreach (var name in key.IsConstructor ? new[] { key.Name, AnyConstructor } : new[] { key.Name })
            {
                if (!reaching.Add(name) || !callers.TryGetValue(name, out var list))
                {
                    continue;
                }

                foreach (var caller in list)
                {
                    if (!bodies[caller].Reaches)
                    {
                        bodies[caller].Reaches = true;
                        work.Push(caller);
                    }
                }
            }
        }

        return new SyntacticReach(reaching);
    }

    /// <summary>Whether a call of <paramref name="method"/> may reach a site (false only when no body of its name can).</summary>
    public bool MayReach(IMethodSymbol method)
    {
        switch (method.MethodKind)
        {
            case MethodKind.Ordinary or MethodKind.ReducedExtension or MethodKind.ExplicitInterfaceImplementation:
                return _reaching.Contains(Unqualified(method.Name));
            case MethodKind.Constructor:
                return _reaching.Contains(method.ContainingType.Name);
            case MethodKind.PropertyGet or MethodKind.PropertySet when method.AssociatedSymbol is IPropertySymbol property:
                return _reaching.Contains(property.IsIndexer ? Indexer : Unqualified(property.Name));
            default:
                return true;
        }
    }

    // 'I.M' for an explicit implementation: called by its simple name.
    private static string Unqualified(string name) => name.Substring(name.LastIndexOf('.') + 1);

    private static bool HasSite(int[] sites, Microsoft.CodeAnalysis.Text.TextSpan span)
    {
        var at = Array.BinarySearch(sites, span.Start);
        var next = at >= 0 ? at : ~at;
        return next < sites.Length && sites[next] < span.End;
    }

    /// <summary>The bodies of a tree as the summaries read them (<see cref="OperationHelpers.BodiesOf"/>), each with the name it is called by.</summary>
    private static IEnumerable<(Key Key, SyntaxNode Body)> Members(SyntaxNode root)
    {
        foreach (var node in root.DescendantNodes(descendIntoChildren: n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax or BasePropertyDeclarationSyntax or AccessorListSyntax))
        {
            switch (node)
            {
                case MethodDeclarationSyntax method when BodyOf(method) is { } body:
                    yield return (new Key(method.Identifier.ValueText, false), body);
                    break;
                case ConstructorDeclarationSyntax constructor when BodyOf(constructor) is { } body:
                    yield return (new Key(constructor.Identifier.ValueText, true), body);
                    break;
                case AccessorDeclarationSyntax { Parent.Parent: BasePropertyDeclarationSyntax property } accessor when ((SyntaxNode?)accessor.Body ?? accessor.ExpressionBody) is { } body:
                    yield return (new Key(PropertyName(property), false), body);
                    break;
                case ArrowExpressionClauseSyntax { Parent: BasePropertyDeclarationSyntax property } getter:
                    yield return (new Key(PropertyName(property), false), getter);
                    break;
                case BaseMethodDeclarationSyntax other when BodyOf(other) is { } body:
                    // Operators, conversions and finalizers: never called by name; their calls still count.
                    yield return (new Key("~" + other.Kind(), false), body);
                    break;
            }
        }
    }

    private static SyntaxNode? BodyOf(BaseMethodDeclarationSyntax method) => (SyntaxNode?)method.Body ?? method.ExpressionBody;

    private static string PropertyName(BasePropertyDeclarationSyntax property) => property switch
    {
        PropertyDeclarationSyntax p => p.Identifier.ValueText,
        EventDeclarationSyntax e => e.Identifier.ValueText,
        _ => Indexer,
    };

    /// <summary>The names a body may call by: its identifiers, and the calls its syntax makes without naming them.</summary>
    [MethodImpl(HotPath.Optimized)]
    private static HashSet<string> NamesIn(SyntaxNode body)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in body.DescendantTokens())
        {
            switch (token.Kind())
            {
                case SyntaxKind.IdentifierToken:
                    names.Add(token.ValueText);
                    break;
                case SyntaxKind.OpenBracketToken when token.Parent is BracketedArgumentListSyntax:
                    names.Add(Indexer);
                    break;
                case SyntaxKind.NewKeyword when token.Parent is ImplicitObjectCreationExpressionSyntax:
                    names.Add(AnyConstructor);
                    break;
                case SyntaxKind.OpenBraceToken when token.Parent is InitializerExpressionSyntax { RawKind: (int)SyntaxKind.CollectionInitializerExpression }:
                    names.Add("Add");
                    break;
                case SyntaxKind.InterpolatedStringStartToken or SyntaxKind.InterpolatedVerbatimStringStartToken
                    or SyntaxKind.InterpolatedSingleLineRawStringStartToken or SyntaxKind.InterpolatedMultiLineRawStringStartToken:
                    names.Add("AppendLiteral");
                    names.Add("AppendFormatted");
                    break;
                case SyntaxKind.SelectKeyword or SyntaxKind.LetKeyword:
                    names.Add("Select");
                    break;
                case SyntaxKind.FromKeyword:
                    names.Add("SelectMany");
                    names.Add("Cast");
                    break;
                case SyntaxKind.WhereKeyword:
                    names.Add("Where");
                    break;
                case SyntaxKind.OrderByKeyword:
                    names.UnionWith(new[] { "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending" });
                    break;
                case SyntaxKind.GroupKeyword:
                    names.Add("GroupBy");
                    break;
                case SyntaxKind.JoinKeyword:
                    names.Add("Join");
                    names.Add("GroupJoin");
                    break;
            }
        }

        return names;
    }

    private readonly struct Key
    {
        public Key(string name, bool isConstructor)
        {
            Name = name;
            IsConstructor = isConstructor;
        }

        public string Name { get; }

        public bool IsConstructor { get; }
    }

    private sealed class Body
    {
        public Body(Key key, bool reaches)
        {
            Key = key;
            Reaches = reaches;
        }

        public Key Key { get; }

        public bool Reaches { get; set; }
    }
}
