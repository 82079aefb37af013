using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Catalog;

/// <summary>
/// The localized end of the message of a rule whose obligation a path misses (CONC201, CONC207):
/// the resources <c>{id}_Never</c>, <c>{id}_Return</c> (the line), <c>{id}_Exception</c> (the call that
/// throws) and <c>{id}_End</c>, chosen by <see cref="PathWithout.Exit"/>.
/// </summary>
internal static class PathReasons
{
    /// <summary>The reason for <paramref name="path"/>; <c>{id}_Never</c> when the function never meets the obligation (<paramref name="metSomewhere"/> false).</summary>
    public static LocalizableString For(string ruleId, PathWithout path, bool metSomewhere) =>
        !metSomewhere ? Localized(ruleId + "_Never")
        : path.Exit switch
        {
            PathExit.Return => Localized(ruleId + "_Return", (path.At!.GetLocation().GetLineSpan().StartLinePosition.Line + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            PathExit.Exception => Localized(ruleId + "_Exception", Shorten(path.At?.ToString() ?? "throw")),
            _ => Localized(ruleId + "_End"),
        };

    /// <summary>The resource <paramref name="name"/>, formatted with <paramref name="arguments"/> when the message is made.</summary>
    public static LocalizableResourceString Localized(string name, params string[] arguments) =>
        new(name, AnalyzerResources.ResourceManager, typeof(AnalyzerResources), arguments);

    // A call as one line of at most 60 characters.
    private static string Shorten(string text)
    {
        text = string.Join(" ", text.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
    }
}
