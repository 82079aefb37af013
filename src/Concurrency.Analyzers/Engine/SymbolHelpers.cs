using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Engine;

/// <summary>Symbol helpers shared by the analyzers, so that each model does not spell out the same switch over symbol kinds.</summary>
internal static class SymbolHelpers
{
    /// <summary>The type of a local, parameter, field or property.</summary>
    public static ITypeSymbol? GetSymbolType(this ISymbol symbol) => symbol switch
    {
        ILocalSymbol local => local.Type,
        IParameterSymbol parameter => parameter.Type,
        IFieldSymbol field => field.Type,
        IPropertySymbol property => property.Type,
        _ => null,
    };

    /// <summary>
    /// Orders symbols by where they are declared (file path, then position, ordinally), then by
    /// display string: an order that is the same in every build and for every order of the files,
    /// unlike hash or dictionary order. Symbols from metadata come first, by display string.
    /// </summary>
    public static int CompareBySource(ISymbol? x, ISymbol? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var (xPath, xPosition) = SourcePlace(x);
        var (yPath, yPosition) = SourcePlace(y);
        var byPlace = string.CompareOrdinal(xPath, yPath);
        if (byPlace == 0)
        {
            byPlace = xPosition.CompareTo(yPosition);
        }

        return byPlace != 0 ? byPlace : string.CompareOrdinal(x.ToDisplayString(), y.ToDisplayString());
    }

    private static (string Path, int Position) SourcePlace(ISymbol symbol) =>
        symbol.Locations.FirstOrDefault() is { IsInSource: true } location
            ? (location.SourceTree?.FilePath ?? string.Empty, location.SourceSpan.Start)
            : (string.Empty, 0);
}
