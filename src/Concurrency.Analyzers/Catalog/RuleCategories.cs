namespace Concurrency.Analyzers.Catalog;

/// <summary>Diagnostic categories, one per rule family.</summary>
public static class RuleCategories
{
    /// <summary>CONC1xx: locks and deadlocks.</summary>
    public const string Locks = "Concurrency.Locks";

    /// <summary>CONC2xx: lifecycle of threads, processes, pools and tasks.</summary>
    public const string Lifecycle = "Concurrency.Lifecycle";

    /// <summary>CONC3xx: shared state.</summary>
    public const string SharedState = "Concurrency.SharedState";

    /// <summary>CONC4xx: blocking in async code.</summary>
    public const string AsyncBlocking = "Concurrency.AsyncBlocking";
}
