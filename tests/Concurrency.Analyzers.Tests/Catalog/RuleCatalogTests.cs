using System.Globalization;
using System.Reflection;
using System.Resources;
using Concurrency.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Concurrency.Analyzers.Tests.Catalog;

/// <summary>
/// Every rule the package ships is complete: a docs page in English and Chinese, a release-tracking
/// entry that matches its category and severity, title/message/description in both languages, a
/// help link to its page, and an id from <see cref="RuleIds"/>.
/// </summary>
public class RuleCatalogTests
{
    private static readonly Assembly AnalyzerAssembly = typeof(RuleIds).Assembly;

    public static TheoryData<string> RuleIdsShipped()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in AllDescriptors())
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    private static IEnumerable<DiagnosticDescriptor> AllDescriptors() =>
        AnalyzerAssembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
            .GroupBy(d => d.Id)
            .Select(g => g.First());

    private static DiagnosticDescriptor Descriptor(string id) => AllDescriptors().Single(d => d.Id == id);

    [Fact]
    public void Every_rule_id_constant_has_an_analyzer_and_every_analyzer_id_is_a_constant()
    {
        var constants = typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .OrderBy(x => x)
            .ToList();
        var supported = AllDescriptors().Select(d => d.Id).OrderBy(x => x).ToList();
        Assert.NotEmpty(constants);
        Assert.Equal(constants, supported);
        Assert.All(constants, id => Assert.Matches("^CONC[1-4][0-9]{2}$", id));
    }

    [Theory]
    [MemberData(nameof(RuleIdsShipped))]
    public void Rule_has_docs_pages_in_english_and_chinese(string id)
    {
        foreach (var page in new[] { Path.Combine("docs", "rules", id + ".md"), Path.Combine("docs", "rules", "zh-Hans", id + ".md") })
        {
            var path = Path.Combine(RepositoryPaths.Root, page);
            Assert.True(File.Exists(path), $"{id} has no {page}.");
            var text = File.ReadAllText(path);
            Assert.Contains(id, text, StringComparison.Ordinal);
            Assert.Contains("```csharp", text, StringComparison.Ordinal);
            Assert.Contains("editorconfig", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(RuleIdsShipped))]
    public void Rule_help_link_points_at_its_page(string id)
    {
        var descriptor = Descriptor(id);
        Assert.Equal(RuleDescriptors.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        Assert.StartsWith("https://", descriptor.HelpLinkUri, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RuleIdsShipped))]
    public void Rule_is_tracked_in_analyzer_releases_with_its_category_and_severity(string id)
    {
        var descriptor = Descriptor(id);
        var folder = Path.Combine(RepositoryPaths.Root, "src", "Concurrency.Analyzers");
        var rows = new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
            .SelectMany(f => File.ReadAllLines(Path.Combine(folder, f)))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .Where(cells => cells.Length >= 3 && cells[0] == id)
            .ToList();
        var row = Assert.Single(rows);
        Assert.Equal(descriptor.Category, row[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), row[2]);
    }

    [Theory]
    [MemberData(nameof(RuleIdsShipped))]
    public void Rule_texts_exist_in_english_and_simplified_chinese(string id)
    {
        var manager = AnalyzerResources.ResourceManager;
        foreach (var culture in new[] { CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo("zh-Hans") })
        {
            // tryParents: false, so a missing translation is not hidden by the English fallback.
            var set = manager.GetResourceSet(culture, createIfNotExists: true, tryParents: false);
            Assert.True(set is not null, $"No resources for culture '{culture.Name}'.");
            foreach (var part in new[] { "_Title", "_Message", "_Description" })
            {
                var text = set!.GetString(id + part);
                Assert.False(string.IsNullOrWhiteSpace(text), $"{id}{part} missing for culture '{culture.Name}'.");
            }
        }

        var descriptor = Descriptor(id);
        var english = descriptor.Title.ToString(CultureInfo.InvariantCulture);
        var chinese = descriptor.Title.ToString(CultureInfo.GetCultureInfo("zh-Hans"));
        Assert.NotEqual(english, chinese);
        Assert.Contains(chinese, c => c >= '\u4e00' && c <= '\u9fff');
    }

    [Fact]
    public void Every_descriptor_of_every_analyzer_has_its_message_in_both_languages()
    {
        var descriptors = AnalyzerAssembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
            .ToList();
        foreach (var descriptor in descriptors)
        {
            foreach (var culture in new[] { CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo("zh-Hans") })
            {
                // A rule with several messages under one id names each message's key: a wrong key reads as an empty message.
                Assert.False(string.IsNullOrWhiteSpace(descriptor.MessageFormat.ToString(culture)), $"{descriptor.Id} has a descriptor without a message in '{culture.Name}'.");
                Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString(culture)), $"{descriptor.Id} has a descriptor without a title in '{culture.Name}'.");
            }
        }
    }

    [Fact]
    public void Every_code_fix_title_exists_in_english_and_simplified_chinese()
    {
        var fixAssembly = typeof(CodeFixes.Rules.AsyncBlocking.BlockingTaskWaitCodeFixProvider).Assembly;
        var manager = new ResourceManager("Concurrency.CodeFixes.CodeFixResources", fixAssembly);
        var english = manager.GetResourceSet(CultureInfo.InvariantCulture, true, false)!;
        var chinese = manager.GetResourceSet(CultureInfo.GetCultureInfo("zh-Hans"), true, false);
        Assert.NotNull(chinese);
        var keys = english.Cast<System.Collections.DictionaryEntry>().Select(e => (string)e.Key).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.False(string.IsNullOrWhiteSpace(chinese!.GetString(key)), $"{key} has no zh-Hans text."));
    }

    [Fact]
    public void Every_fixable_id_is_a_shipped_rule()
    {
        var shipped = AllDescriptors().Select(d => d.Id).ToHashSet();
        var fixers = typeof(CodeFixes.Rules.AsyncBlocking.BlockingTaskWaitCodeFixProvider).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToList();
        Assert.NotEmpty(fixers);
        Assert.All(fixers.SelectMany(f => f.FixableDiagnosticIds), id => Assert.Contains(id, shipped));
        Assert.All(fixers, f => Assert.NotNull(f.GetFixAllProvider()));
    }
}
