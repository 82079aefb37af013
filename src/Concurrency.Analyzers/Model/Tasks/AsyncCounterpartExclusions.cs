using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>
/// Calls CONC403 and CONC407 leave alone although an async counterpart exists: the known false
/// friends, fire-and-forget calls, writes to a log <c>TextWriter</c>, and
/// what users list in <c>.editorconfig</c> as
/// <c>dotnet_diagnostic.CONC403.excluded_methods = T:Namespace.Type|M:Namespace.Type.Method|N:Namespace</c>
/// (documentation-comment ids; an <c>M:</c> id without a parameter list means every overload).
/// </summary>
internal sealed class AsyncCounterpartExclusions
{
    /// <summary>The <c>.editorconfig</c> key of the user's exclusions.</summary>
    public const string OptionKey = "dotnet_diagnostic.CONC403.excluded_methods";

    // In-memory types: their "IO" never waits, async adds only overhead.
    private static readonly string[] InMemoryTypes =
    {
        KnownTypes.Bcl.MemoryStream, KnownTypes.Bcl.UnmanagedMemoryStream, KnownTypes.Bcl.StringReader, KnownTypes.Bcl.StringWriter,
    };

    // Test assertions (Assert.That vs ThatAsync), and System.Xml, whose async methods throw unless
    // the reader or writer was created with Async = true.
    private static readonly string[] ExcludedNamespaces =
    {
        "NUnit.Framework", "Xunit", "Microsoft.VisualStudio.TestTools.UnitTesting", "FluentAssertions", "Shouldly", "TUnit", "System.Xml",
    };

    // Methods whose async twin exists but that do not wait on IO: EF Core's Add/AddRange (its docs
    // say to use the async ones only for special value generators), cancellation, reads of the
    // current, already-buffered row of a data reader.
    private static readonly (string Type, string[] Methods)[] NonBlockingMethods =
    {
        (KnownTypes.Bcl.CancellationTokenSource, new[] { "Cancel" }),
        (KnownTypes.Bcl.DbDataReader, new[] { "GetFieldValue", "IsDBNull" }),
        (KnownTypes.ThirdParty.DbContext, new[] { "Add", "AddRange" }),
        (KnownTypes.ThirdParty.DbSetOfT, new[] { "Add", "AddRange" }),
    };

    private readonly ImmutableArray<INamedTypeSymbol> _inMemoryTypes;
    private readonly ImmutableArray<(INamedTypeSymbol Type, string[] Methods)> _nonBlocking;
    private readonly INamedTypeSymbol? _console;
    private readonly INamedTypeSymbol? _textWriter;
    private readonly INamedTypeSymbol? _timeSpan;
    private readonly ConcurrentDictionary<string, UserExclusions> _userExclusions = new(StringComparer.Ordinal);

    public AsyncCounterpartExclusions(Compilation compilation)
    {
        _inMemoryTypes = InMemoryTypes.Select(compilation.GetTypeByMetadataName).OfType<INamedTypeSymbol>().ToImmutableArray();
        _nonBlocking = NonBlockingMethods
            .Select(entry => (Type: compilation.GetTypeByMetadataName(entry.Type), entry.Methods))
            .Where(entry => entry.Type is not null)
            .Select(entry => (entry.Type!, entry.Methods))
            .ToImmutableArray();
        _console = compilation.GetTypeByMetadataName(KnownTypes.Bcl.Console);
        _textWriter = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TextWriter);
        _timeSpan = compilation.GetTypeByMetadataName(KnownTypes.Bcl.TimeSpan);
    }

    /// <summary>Whether the call is excluded by default or by the user's <paramref name="option"/> value.</summary>
    public bool IsExcluded(IInvocationOperation invocation, string? option)
    {
        var method = invocation.TargetMethod;
        if (method.Name == "Dispose")
        {
            return true; // disposing releases resources; DisposeAsync is the 'await using' story, not blocking IO
        }

        if (OperationHelpers.PassesZeroTimeout(invocation, _timeSpan))
        {
            return true; // semaphore.Wait(0) and the like only try: they never wait
        }

        var receiverType = invocation.Instance?.Type;
        if (_inMemoryTypes.Any(t => InheritsFrom(receiverType, t)))
        {
            return true;
        }

        var ns = method.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        if (ExcludedNamespaces.Any(excluded => ns == excluded || ns.StartsWith(excluded + ".", StringComparison.Ordinal)))
        {
            return true;
        }

        if (_nonBlocking.Any(entry => entry.Methods.Contains(method.Name) && InheritsFrom(method.ContainingType, entry.Type)))
        {
            return true;
        }

        // Console.Out.WriteLine and friends: console writes are not the IO async code is about.
        if (invocation.Instance is IPropertyReferenceOperation { Property.IsStatic: true } property && TaskSymbols.Is(property.Property.ContainingType, _console))
        {
            return true;
        }

        if (IsFireAndForget(invocation) || IsLogWrite(invocation))
        {
            return true;
        }

        return !string.IsNullOrWhiteSpace(option) && _userExclusions.GetOrAdd(option!, UserExclusions.Parse).Matches(method);
    }

    /// <summary>
    /// Whether <paramref name="method"/> (of this compilation) reads a column of a data reader's
    /// current row — it overrides a <c>DbDataReader</c> <c>Get…</c> method or <c>IsDBNull</c>. ADO.NET
    /// buffers the row that <c>ReadAsync</c> moved to, so these reads do not wait on the connection
    /// (the same reason <c>GetFieldValue</c> is not CONC403's); CONC407 does not follow them into a
    /// provider's own reader (Npgsql's converters read from the buffered row).
    /// </summary>
    public static bool IsBufferedRowRead(IMethodSymbol method, INamedTypeSymbol? dbDataReader)
    {
        if (dbDataReader is null)
        {
            return false;
        }

        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (TaskSymbols.Is(overridden.ContainingType.OriginalDefinition, dbDataReader))
            {
                return overridden.Name.StartsWith("Get", StringComparison.Ordinal) || overridden.Name == "IsDBNull";
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the call says it does not wait for its work: it passes an enum member named
    /// <c>FireAndForget</c> (StackExchange.Redis's <c>CommandFlags.FireAndForget</c>, also or-ed with
    /// other flags), so it queues the work and returns.
    /// </summary>
    public static bool IsFireAndForget(IInvocationOperation invocation) =>
        invocation.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue
            && a.Value.DescendantsAndSelf().Any(o => o is IFieldReferenceOperation { Field: { Name: "FireAndForget", ContainingType.TypeKind: TypeKind.Enum } }));

    /// <summary>
    /// A write to a log sink: a call on a receiver typed as the abstract <c>TextWriter</c> (not a
    /// <c>StreamWriter</c>, whose file IO is real) that is a field, property, parameter or local named
    /// like a log (<c>log</c>, <c>_logWriter</c>). Such a writer is handed in for diagnostics — a
    /// <c>StringWriter</c>, the console, a test's output — and writing a line to it is not the IO async
    /// code is about. Deliberately narrow: a <c>TextWriter output</c> may be the response body.
    /// </summary>
    private bool IsLogWrite(IInvocationOperation invocation)
    {
        if (_textWriter is null || !TaskSymbols.Is(invocation.Instance?.Type?.OriginalDefinition, _textWriter))
        {
            return false;
        }

        var name = OperationHelpers.WalkDownConversion(invocation.Instance!) switch
        {
            IFieldReferenceOperation field => field.Field.Name,
            IPropertyReferenceOperation property => property.Property.Name,
            var other => OperationHelpers.ReferencedLocalOrParameter(other)?.Name,
        };
        return name is not null && name.IndexOf("log", StringComparison.OrdinalIgnoreCase) >= 0;
    }

    private static bool InheritsFrom(ITypeSymbol? type, INamedTypeSymbol baseType)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (TaskSymbols.Is(current.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The parsed <c>excluded_methods</c> option.</summary>
    private sealed class UserExclusions
    {
        private readonly string[] _methods;
        private readonly string[] _types;
        private readonly string[] _namespaces;

        private UserExclusions(string[] methods, string[] types, string[] namespaces)
        {
            _methods = methods;
            _types = types;
            _namespaces = namespaces;
        }

        public static UserExclusions Parse(string option)
        {
            var ids = option.Split(new[] { '|', ',', ';' }, StringSplitOptions.RemoveEmptyEntries).Select(id => id.Trim()).Where(id => id.Length > 2).ToArray();
            return new UserExclusions(
                ids.Where(id => id.StartsWith("M:", StringComparison.Ordinal)).ToArray(),
                ids.Where(id => id.StartsWith("T:", StringComparison.Ordinal)).ToArray(),
                ids.Where(id => id.StartsWith("N:", StringComparison.Ordinal)).Select(id => id.Substring(2)).ToArray());
        }

        public bool Matches(IMethodSymbol method)
        {
            var definition = method.ReducedFrom ?? method.OriginalDefinition;
            // Roslyn writes the return type after '~'; users write the id as in XML docs, without it.
            var id = DocumentationCommentId.CreateDeclarationId(definition.OriginalDefinition);
            id = id.IndexOf('~') is var tilde and >= 0 ? id.Substring(0, tilde) : id;
            var withoutParameters = id.IndexOf('(') is var open and >= 0 ? id.Substring(0, open) : id;
            if (_methods.Any(m => m == id || m == withoutParameters))
            {
                return true;
            }

            for (var type = definition.ContainingType; type is not null; type = type.BaseType)
            {
                var typeId = DocumentationCommentId.CreateDeclarationId(type.OriginalDefinition);
                if (_types.Contains(typeId))
                {
                    return true;
                }
            }

            var ns = definition.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            return _namespaces.Any(n => ns == n || ns.StartsWith(n + ".", StringComparison.Ordinal));
        }
    }
}
