using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Locks;

/// <summary>
/// CONC104: a lock taken on an object that is a mistake by itself — <c>this</c>, <c>typeof(T)</c>, a
/// string constant, a boxed value, an object created in the lock expression, a field that is not
/// readonly and is reassigned outside construction — and, when
/// <c>dotnet_diagnostic.CONC104.report_visible_lock_objects = true</c>, on an object other code can
/// see: a public or protected field or property (<c>SyncRoot</c>), or <c>this</c> that the type also
/// uses as a condition (<see cref="LockObjects"/>). Checked on <c>lock</c> statements and on
/// <c>Monitor.Enter/TryEnter</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedLockObjectAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.SharedLockObject);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var objects = LockObjects.For(start.Compilation);
            var options = start.Options.AnalyzerConfigOptionsProvider;
            start.RegisterOperationAction(
                operation =>
                {
                    var locked = operation.Operation switch
                    {
                        ILockOperation lockOperation => lockOperation.LockedValue,
                        IInvocationOperation { TargetMethod.Name: "Enter" or "TryEnter", Arguments.Length: > 0 } enter
                            when TaskSymbols.Is(enter.TargetMethod.ContainingType, objects.Monitor) => enter.Arguments[0].Value,
                        _ => null,
                    };
                    if (locked is null)
                    {
                        return;
                    }

                    var kind = objects.Classify(locked, operation.CancellationToken);
                    if (LockObjects.IsReported(kind, ReportsVisible(options, locked.Syntax.SyntaxTree)))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(
                            RuleDescriptors.SharedLockObject,
                            locked.Syntax.GetLocation(),
                            new SharedLockObjectFix(LockObjects.IsFixable(kind) ? SharedLockObjectFixKind.PrivateGate : SharedLockObjectFixKind.None).ToProperties(),
                            locked.Syntax.ToString()));
                    }
                },
                OperationKind.Lock,
                OperationKind.Invocation);
        });
    }

    // The option of the lock's file (.editorconfig sections apply per file).
    private static bool ReportsVisible(AnalyzerConfigOptionsProvider options, SyntaxTree tree) =>
        options.GetOptions(tree).TryGetValue(LockObjects.ReportVisibleOptionKey, out var value)
        && bool.TryParse(value?.Trim(), out var on) && on;
}
