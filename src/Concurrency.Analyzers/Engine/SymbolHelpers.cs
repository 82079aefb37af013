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
}
