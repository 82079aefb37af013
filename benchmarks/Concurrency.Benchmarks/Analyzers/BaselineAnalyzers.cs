using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Concurrency.Benchmarks.Analyzers;

/// <summary>
/// What the analyzer driver costs before any rule logic: the same registrations as CONC401
/// (code-block start, syntax-node actions on member accesses and calls) with empty callbacks.
/// Our analyzers' time is read against it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class EmptyCodeBlockAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Never = new("BASE001", "baseline", "baseline", "Baseline", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCodeBlockStartAction<SyntaxKind>(block =>
        {
            block.RegisterSyntaxNodeAction(
                _ => { },
                SyntaxKind.SimpleMemberAccessExpression,
                SyntaxKind.MemberBindingExpression,
                SyntaxKind.InvocationExpression);
            block.RegisterCodeBlockEndAction(_ => { });
        });
    }
}

/// <summary>
/// Binds every member body, as the .NET SDK's built-in analyzers (CAxxxx, on by default) already do
/// in every build: run beside it, our analyzers' time is what they add to a real build.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class BindEverythingAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Never = new("BASE002", "baseline", "baseline", "Baseline", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationBlockAction(_ => { });
    }
}
