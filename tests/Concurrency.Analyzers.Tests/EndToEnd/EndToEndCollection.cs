namespace Concurrency.Analyzers.Tests.EndToEnd;

/// <summary>The end-to-end tests share one packed feed and run one after another (each runs real builds).</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "End to end";
}
