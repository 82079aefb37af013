using System.Reflection;
using Concurrency.Analyzers.Model;
using Concurrency.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Concurrency.Analyzers.Tests.Model;

/// <summary>
/// Every name in <see cref="KnownTypes"/> resolves where the analyzers look it up: a renamed
/// runtime type or a mistyped constant would otherwise make a rule silently do nothing, since
/// <c>GetTypeByMetadataName</c> answers null for a name it does not know.
/// </summary>
public class KnownTypesTests
{
    private static readonly Lazy<Compilation> FrameworkOnly = new(() =>
        CSharpCompilation.Create("Framework", references: TestReferences.Framework));

    private static readonly Lazy<Compilation> FrameworkAndRuntime = new(() =>
        CSharpCompilation.Create("FrameworkAndRuntime", references: TestReferences.Framework.Add(TestReferences.Runtime)));

    public static TheoryData<string, string> BclNames()
    {
        var names = Constants(typeof(KnownTypes.Bcl));
#if LATEST_ROSLYN
        // The .NET 9-only names exist in the .NET 10 references; the .NET 8 ones lack them by design.
        names = names.Concat(Constants(typeof(KnownTypes.Bcl9)));
#endif
        return Data(names);
    }

    public static TheoryData<string, string> RuntimeNames() => Data(Constants(typeof(KnownTypes.Runtime)));

    [Theory]
    [MemberData(nameof(BclNames))]
    public void Bcl_name_resolves_in_the_framework_references(string constant, string metadataName) =>
        Assert.True(FrameworkOnly.Value.GetTypeByMetadataName(metadataName) is not null, $"KnownTypes.{constant} = \"{metadataName}\" is not a type of the framework references.");

    [Theory]
    [MemberData(nameof(RuntimeNames))]
    public void Runtime_name_resolves_in_Concurrency_Runtime(string constant, string metadataName)
    {
        var type = FrameworkAndRuntime.Value.GetTypeByMetadataName(metadataName);

        Assert.True(type is not null, $"KnownTypes.{constant} = \"{metadataName}\" is not a type of Concurrency.Runtime.");
        Assert.Equal("Concurrency.Runtime", type!.ContainingAssembly.Name);
        Assert.Equal(Accessibility.Public, type.DeclaredAccessibility);
    }

    /// <summary>A new group of names must be placed in one of the checked groups, or knowingly left unchecked here.</summary>
    [Fact]
    public void Every_group_of_names_is_known_to_these_tests() =>
        Assert.Equal(
            new[] { nameof(KnownTypes.Bcl), nameof(KnownTypes.Bcl9), nameof(KnownTypes.Runtime), nameof(KnownTypes.ThirdParty) },
            typeof(KnownTypes).GetNestedTypes().Select(t => t.Name).Order(StringComparer.Ordinal));

    private static IEnumerable<(string Constant, string MetadataName)> Constants(Type group) =>
        group.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => ($"{group.Name}.{f.Name}", (string)f.GetRawConstantValue()!));

    private static TheoryData<string, string> Data(IEnumerable<(string Constant, string MetadataName)> names)
    {
        var data = new TheoryData<string, string>();
        foreach (var (constant, metadataName) in names)
        {
            data.Add(constant, metadataName);
        }

        return data;
    }
}
