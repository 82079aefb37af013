namespace Concurrency.Analyzers.Engine;

/// <summary>Collection helpers shared by the analyzers: the multimaps of the engine and the models are plain dictionaries of lists.</summary>
internal static class CollectionHelpers
{
    /// <summary>Adds <paramref name="value"/> to the list under <paramref name="key"/>, creating it.</summary>
    public static void AddToList<TKey, TValue>(this Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = new List<TValue>();
        }

        list.Add(value);
    }
}
