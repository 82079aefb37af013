using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Model.SharedState;

/// <summary>A collection type that is not thread-safe, as CONC303 reads it.</summary>
internal sealed class CollectionInfo
{
    public CollectionInfo(string alternative, string? counterpart, INamedTypeSymbol? counterpartType, ImmutableHashSet<string> compatibleMethods)
    {
        Alternative = alternative;
        Counterpart = counterpart;
        CounterpartType = counterpartType;
        CompatibleMethods = compatibleMethods;
    }

    /// <summary>The thread-safe type a message suggests: <c>ConcurrentBag&lt;T&gt;</c>, <c>ConcurrentDictionary&lt;T, byte&gt;</c>.</summary>
    public string Alternative { get; }

    /// <summary>The simple name of the counterpart a fix may change the declaration to, or null when there is none with the same API.</summary>
    public string? Counterpart { get; }

    /// <summary>The counterpart's definition, when the compilation has it.</summary>
    public INamedTypeSymbol? CounterpartType { get; }

    /// <summary>The methods that exist on the counterpart with the same signature and meaning.</summary>
    public ImmutableHashSet<string> CompatibleMethods { get; }
}

/// <summary>
/// The collections of a compilation that are not thread-safe (<c>List&lt;T&gt;</c>, <c>Dictionary</c>,
/// <c>HashSet</c>, <c>Queue</c>, <c>Stack</c>, the sorted ones, <c>LinkedList</c>, <c>StringBuilder</c>)
/// and the calls that change them. One per compilation.
/// </summary>
internal sealed class UnsafeCollections
{
    private static readonly ConditionalWeakTable<Compilation, UnsafeCollections> PerCompilation = new();

    // Methods that change one of the collections (looked up on the collection type itself).
    private static readonly ImmutableHashSet<string> Mutators = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere", "Clear", "Sort", "Reverse",
        "TryAdd", "Enqueue", "Dequeue", "TryDequeue", "Push", "Pop", "TryPop", "UnionWith", "IntersectWith", "ExceptWith", "SymmetricExceptWith",
        "AddFirst", "AddLast", "AddBefore", "AddAfter", "RemoveFirst", "RemoveLast", "Append", "AppendLine", "AppendFormat", "AppendJoin", "Replace",
        "TrimExcess", "EnsureCapacity", "SetValueAtIndex");

    private readonly Dictionary<INamedTypeSymbol, CollectionInfo> _byType = new(SymbolEqualityComparer.Default);
    private readonly INamedTypeSymbol? _threadStatic;
    private readonly INamedTypeSymbol? _collectionExtensions;

    private UnsafeCollections(Compilation compilation)
    {
        _threadStatic = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ThreadStaticAttribute);
        _collectionExtensions = compilation.GetTypeByMetadataName(KnownTypes.Bcl.CollectionExtensions);
        var bag = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ConcurrentBagOfT);
        var queue = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ConcurrentQueueOfT);
        var stack = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ConcurrentStackOfT);
        var dictionary = compilation.GetTypeByMetadataName(KnownTypes.Bcl.ConcurrentDictionaryOfTKeyTValue);
        void Add(string metadataName, string alternative, string? counterpart = null, INamedTypeSymbol? counterpartType = null, params string[] compatible)
        {
            if (compilation.GetTypeByMetadataName(metadataName) is { } type)
            {
                _byType[type] = new CollectionInfo(alternative, counterpartType is null ? null : counterpart, counterpartType, ImmutableHashSet.Create(StringComparer.Ordinal, compatible));
            }
        }

        Add(KnownTypes.Bcl.ListOfT, "ConcurrentBag<T>", "ConcurrentBag", bag, "Add", "ToArray", "Clear");
        Add(KnownTypes.Bcl.QueueOfT, "ConcurrentQueue<T>", "ConcurrentQueue", queue, "Enqueue", "TryDequeue", "TryPeek", "ToArray", "Clear");
        Add(KnownTypes.Bcl.StackOfT, "ConcurrentStack<T>", "ConcurrentStack", stack, "Push", "TryPop", "TryPeek", "ToArray", "Clear");
        Add(KnownTypes.Bcl.DictionaryOfTKeyTValue, "ConcurrentDictionary<TKey, TValue>", "ConcurrentDictionary", dictionary, "TryGetValue", "ContainsKey", "TryAdd", "Clear");
        Add(KnownTypes.Bcl.HashSetOfT, "ConcurrentDictionary<T, byte>");
        Add(KnownTypes.Bcl.SortedSetOfT, "ConcurrentDictionary<T, byte>");
        Add(KnownTypes.Bcl.SortedDictionaryOfTKeyTValue, "ConcurrentDictionary<TKey, TValue>");
        Add(KnownTypes.Bcl.SortedListOfTKeyTValue, "ConcurrentDictionary<TKey, TValue>");
        Add(KnownTypes.Bcl.LinkedListOfT, "ConcurrentQueue<T>");
        Add(KnownTypes.Bcl.StringBuilder, "ConcurrentQueue<string>");
    }

    public static UnsafeCollections For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new UnsafeCollections(c));

    public bool IsEmpty => _byType.Count == 0;

    /// <summary>What the rule knows of <paramref name="type"/>, or null when it is not one of the collections.</summary>
    public CollectionInfo? InfoOf(ITypeSymbol? type) =>
        type is INamedTypeSymbol named && _byType.TryGetValue(named.OriginalDefinition, out var info) ? info : null;

    /// <summary>Whether <paramref name="method"/> is a method of one of the collections that changes it.</summary>
    public bool IsMutator(IMethodSymbol method) =>
        Mutators.Contains(method.Name) && InfoOf(method.ContainingType) is not null;

    /// <summary><c>CollectionExtensions.TryAdd</c>, <c>Remove</c>: an extension that changes the dictionary it is called on.</summary>
    public bool IsMutatingExtension(IMethodSymbol method) =>
        method.Name is "TryAdd" or "Remove" && TaskSymbols.Is(method.ContainingType?.OriginalDefinition, _collectionExtensions);

    /// <summary>Whether <paramref name="field"/> is <c>[ThreadStatic]</c>: one per thread.</summary>
    public bool IsThreadStatic(IFieldSymbol field) =>
        field.GetAttributes().Any(a => TaskSymbols.Is(a.AttributeClass, _threadStatic));

    /// <summary>The counterpart of <paramref name="collection"/> with its type arguments: <c>ConcurrentBag&lt;int&gt;</c>.</summary>
    public INamedTypeSymbol? Counterpart(CollectionInfo info, INamedTypeSymbol collection) =>
        info.CounterpartType is { } definition && collection.TypeArguments.Length == definition.Arity ? definition.Construct(collection.TypeArguments.ToArray()) : null;
}
