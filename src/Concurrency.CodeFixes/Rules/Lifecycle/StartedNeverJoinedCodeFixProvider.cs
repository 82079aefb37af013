using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Concurrency.CodeFixes.Rules.Lifecycle;

/// <summary>
/// CONC201's fix: <c>t.Start(); work; [t.Join();]</c> becomes <c>t.Start(); try { work } finally { t.Join(); }</c>,
/// so every path out of the block joins the worker; a start with nothing after it in its block is
/// joined right there.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StartedNeverJoinedCodeFixProvider)), Shared]
public sealed class StartedNeverJoinedCodeFixProvider : FinallyCallCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.StartedNeverJoined);

    /// <inheritdoc />
    protected override string Method => "Join";

    /// <inheritdoc />
    protected override string RuleId => RuleIds.StartedNeverJoined;

    /// <inheritdoc />
    protected override string Title(bool callAfter) => CodeFixResources.Get(callAfter ? "CONC201_Fix_Join" : "CONC201_Fix_TryFinally");
}
