using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Concurrency.CodeFixes.Rules.Lifecycle;

/// <summary>
/// CONC207's fix: <c>var item = q.Get(); work; [q.TaskDone();]</c> becomes
/// <c>var item = q.Get(); try { work } finally { q.TaskDone(); }</c>, so every item taken is marked
/// done — a sentinel's too, and one whose work failed.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(JoinWithoutTaskDoneCodeFixProvider)), Shared]
public sealed class JoinWithoutTaskDoneCodeFixProvider : FinallyCallCodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.JoinWithoutTaskDone);

    /// <inheritdoc />
    protected override string Method => "TaskDone";

    /// <inheritdoc />
    protected override string RuleId => RuleIds.JoinWithoutTaskDone;

    /// <inheritdoc />
    protected override string Title(bool callAfter) => CodeFixResources.Get("CONC207_Fix_TryFinally");
}
