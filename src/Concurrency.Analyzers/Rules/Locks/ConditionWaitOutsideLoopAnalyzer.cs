using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Locks;

/// <summary>
/// CONC105: <c>Monitor.Wait</c> or the runtime's <c>Condition.Wait</c> not inside a loop of its own
/// function. A waiter may wake without its condition holding (a spurious wake-up, a notification
/// meant for another waiter, or another thread that got there first), so the condition must be
/// re-checked after every wake-up.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConditionWaitOutsideLoopAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.ConditionWaitOutsideLoop);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var monitor = start.Compilation.GetTypeByMetadataName(KnownTypes.Bcl.Monitor);
            var condition = start.Compilation.GetTypeByMetadataName(KnownTypes.Runtime.Condition);
            if (monitor is null && condition is null)
            {
                return;
            }

            start.RegisterOperationAction(
                operation =>
                {
                    var invocation = (IInvocationOperation)operation.Operation;
                    var method = invocation.TargetMethod;
                    var isMonitorWait = method.Name == "Wait" && TaskSymbols.Is(method.ContainingType, monitor);
                    var isConditionWait = method.Name == "Wait" && TaskSymbols.Is(method.ContainingType, condition);
                    if ((!isMonitorWait && !isConditionWait) || IsInLoop(invocation.Syntax) || IsTimedAndRechecked(invocation, isMonitorWait))
                    {
                        return;
                    }

                    var fix = Fix(invocation, isConditionWait);
                    operation.ReportDiagnostic(Diagnostic.Create(
                        RuleDescriptors.ConditionWaitOutsideLoop,
                        invocation.Syntax.GetLocation(),
                        new ConditionWaitOutsideLoopFix(fix).ToProperties(),
                        isMonitorWait ? "Monitor.Wait" : "Condition.Wait"));
                },
                OperationKind.Invocation);
        });
    }

    /// <summary>Whether a loop of the same function encloses the wait (a lambda or local function is a function of its own).</summary>
    private static bool IsInLoop(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or ForEachStatementSyntax:
                    return true;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// A wait with a timeout under <c>if (condition)</c>, followed in the same block by a test of the
    /// same condition (<c>if (!_set) { Monitor.Wait(this, timeout); if (!_set) return false; }</c>): the
    /// code re-checks after waking and never goes on as if the condition held.
    /// </summary>
    private static bool IsTimedAndRechecked(IInvocationOperation invocation, bool isMonitorWait)
    {
        var explicitArguments = invocation.Arguments.Count(a => a.ArgumentKind != ArgumentKind.DefaultValue);
        if (explicitArguments < (isMonitorWait ? 2 : 1)
            || invocation.Syntax.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax block } statement
            || block.Parent is not IfStatementSyntax { Condition: var condition })
        {
            return false;
        }

        return block.Statements.Skip(block.Statements.IndexOf(statement) + 1)
            .Any(s => s is IfStatementSyntax recheck && recheck.Condition.IsEquivalentTo(condition, topLevel: false));
    }

    /// <summary>
    /// The wait as the only statement of an <c>if</c> without <c>else</c> (<c>if (!ready) gate.Wait();</c>):
    /// a runtime condition waited without a timeout becomes <c>WaitFor(() =&gt; !(condition))</c> where a
    /// lambda can read the condition, anything else turns the <c>if</c> into a <c>while</c>. Otherwise no fix.
    /// </summary>
    private static ConditionWaitOutsideLoopFixKind Fix(IInvocationOperation invocation, bool isConditionWait)
    {
        if (invocation.Parent is not IExpressionStatementOperation { Syntax: ExpressionStatementSyntax statement })
        {
            return ConditionWaitOutsideLoopFixKind.None;
        }

        var owner = statement.Parent is BlockSyntax { Statements.Count: 1 } block ? block.Parent : statement.Parent;
        if (owner is not IfStatementSyntax { Else: null } ifStatement)
        {
            return ConditionWaitOutsideLoopFixKind.None;
        }

        var explicitArguments = invocation.Arguments.Count(a => a.ArgumentKind != ArgumentKind.DefaultValue);
        return isConditionWait && explicitArguments == 0 && CanBeCaptured(invocation.SemanticModel?.GetOperation(ifStatement.Condition))
            ? ConditionWaitOutsideLoopFixKind.WaitFor
            : ConditionWaitOutsideLoopFixKind.While;
    }

    /// <summary>
    /// Whether a lambda may read the condition: not in a struct (a lambda cannot capture its
    /// <c>this</c>), nor a <c>ref</c>/<c>out</c>/<c>in</c> parameter, a ref local or a ref struct value.
    /// </summary>
    private static bool CanBeCaptured(IOperation? condition) =>
        condition is not null && !condition.DescendantsAndSelf().Any(operation => operation switch
        {
            IInstanceReferenceOperation instance => instance.Type is { IsValueType: true },
            IParameterReferenceOperation parameter => parameter.Parameter.RefKind != RefKind.None || parameter.Parameter.Type.IsRefLikeType,
            ILocalReferenceOperation local => local.Local.IsRef || local.Local.Type.IsRefLikeType,
            _ => false,
        });
}
