using System.Threading;
using Concurrency.Analyzers.Model.Workers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Lifecycle;

/// <summary>
/// CONC201: a foreground BCL <c>Thread</c>, a non-daemon runtime <c>Thread</c> or a runtime
/// <c>Process</c> started and, on some path to the end of the function, neither joined nor handed
/// on (course topics 2.4, 2.5, 3.2: a child nobody joins is a zombie, a thread nobody joins keeps
/// the program alive). Flow-sensitive over the control-flow graph, exceptions included: joined on
/// one branch only, skipped by an early return, or by an exception between <c>Start</c> and
/// <c>Join</c> that no <c>finally</c> makes good — the message names the path. Handed on: returned,
/// stored in a field its type joins, passed to a method that joins or keeps it, captured by a
/// lambda, added to a collection. A started field is reported when nothing in its type joins it,
/// a <c>new Thread(…).Start()</c> always (nothing can join it). Not reported: background and daemon
/// workers (meant to die with the program), a daemon flag that is not a constant, workers that come
/// from a factory, a worker the function was given.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnjoinedWorkerAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.StartedNeverJoined);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var joins = new WorkerJoins(start.Compilation);
            start.RegisterSyntaxNodeAction(node => Analyze(node, joins), SyntaxKind.InvocationExpression);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, WorkerJoins joins)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            _ => null,
        };
        if (name != "Start"
            || context.SemanticModel.GetOperation(invocation, context.CancellationToken) is not IInvocationOperation { Instance: { } instance } call
            || !joins.IsStart(call)
            || joins.MustBeJoined(instance.Type) is not { } kind)
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        switch (OperationHelpers.WalkDownConversion(instance))
        {
            case IObjectCreationOperation creation when !joins.MayBeDaemon(creation):
                Report(context, call, kind, "new " + creation.Type!.Name + "(…)", PathReasons.Localized("CONC201_Never"), FinallyCallFixKind.None);
                break;
            case IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field
                when !joins.IsJoinedByItsType(field.Field, cancellationToken) && !MayBeDaemon(field.Field, joins, cancellationToken):
                Report(context, call, kind, field.Field.Name, PathReasons.Localized("CONC201_NeverByType", field.Field.ContainingType.Name), FinallyCallFixKind.None);
                break;
            case ILocalReferenceOperation local:
                AnalyzeLocal(context, call, local.Local, kind, joins);
                break;
        }
    }

    private static void AnalyzeLocal(SyntaxNodeAnalysisContext context, IInvocationOperation start, ILocalSymbol local, string kind, WorkerJoins joins)
    {
        var cancellationToken = context.CancellationToken;
        var function = OperationHelpers.EnclosingFunction(start);
        var root = OperationHelpers.Root(start);
        var scope = (function ?? root).Syntax;
        if (IsCapturedOrFromElsewhere(scope, local, context.SemanticModel, joins, cancellationToken))
        {
            return;
        }

        if (ControlFlowGraphs.OfEnclosingFunction(start, cancellationToken) is not { } graph)
        {
            return;
        }

        // Handed on before it was started ('_consumers.Add(consumer); consumer.Start();'): the new owner joins it.
        if (WorkerJoins.Mentions(scope, local.Name).Any(name => name.SpanStart < start.Syntax.SpanStart
                && context.SemanticModel.GetOperation(name, cancellationToken) is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, local)
                && joins.UseOf(reference, _ => false, cancellationToken) == WorkerUse.HandsOn))
        {
            return;
        }

        if (PathsWithout.FindForLocal(graph, start.Syntax, OperationKind.Invocation, local, (read, isWorker) => joins.UseOf(read, isWorker, cancellationToken) != WorkerUse.Reads, context.Compilation, cancellationToken) is not { } path)
        {
            return;
        }

        var joinedSomewhere = WorkerJoins.Mentions(scope, local.Name).Any(n => n.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Join" } or ConditionalAccessExpressionSyntax);
        var reason = PathReasons.For(RuleIds.StartedNeverJoined, path, joinedSomewhere);
        Report(context, start, kind, local.Name, reason, FixFor(start, local));
    }

    // A worker a lambda or local function uses, or one the function did not make itself (a
    // factory's, a parameter's), or whose daemon flag it sets or may set: not this rule's to judge.
    private static bool IsCapturedOrFromElsewhere(SyntaxNode scope, ILocalSymbol local, SemanticModel model, WorkerJoins joins, CancellationToken cancellationToken)
    {
        var created = false;
        foreach (var name in WorkerJoins.Mentions(scope, local.Name))
        {
            if (name.Ancestors().TakeWhile(a => a != scope).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            {
                return true;
            }

            // t.IsBackground = …, t.Daemon = …: false keeps it a foreground worker.
            if (name.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "IsBackground" or "Daemon" } flag
                && flag.Parent is AssignmentExpressionSyntax flagSet && flagSet.Left == flag
                && model.GetOperation(flagSet.Right, cancellationToken) is { } flagValue && !WorkerJoins.IsConstant(flagValue, false))
            {
                return true;
            }

            if (name.Parent is AssignmentExpressionSyntax assignment && assignment.Left == name)
            {
                if (!IsForegroundCreation(assignment.Right, model, joins, cancellationToken))
                {
                    return true;
                }

                created = true;
            }
        }

        foreach (var declarator in scope.DescendantNodes().OfType<VariableDeclaratorSyntax>())
        {
            if (declarator.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(declarator, cancellationToken), local))
            {
                if (declarator.Initializer is { } initializer && !IsForegroundCreation(initializer.Value, model, joins, cancellationToken))
                {
                    return true;
                }

                created |= declarator.Initializer is not null;
            }
        }

        return !created;
    }

    private static bool IsForegroundCreation(ExpressionSyntax value, SemanticModel model, WorkerJoins joins, CancellationToken cancellationToken) =>
        model.GetOperation(value, cancellationToken) is { } operation
        && OperationHelpers.WalkDownConversion(operation) is IObjectCreationOperation creation
        && !joins.MayBeDaemon(creation);

    // A field's daemon flag set anywhere in its type, or its value made by something else than 'new'.
    private static bool MayBeDaemon(IFieldSymbol field, WorkerJoins joins, CancellationToken cancellationToken) =>
        field.ContainingType.DeclaringSyntaxReferences.Any(reference =>
        {
            var type = reference.GetSyntax(cancellationToken);
            var text = type.ToString();
            if (text.Contains("IsBackground") || text.Contains("Daemon ="))
            {
                return true;
            }

#pragma warning disable RS1030 // The field's type may have parts in other files.
            var model = joins.ModelOf(type.SyntaxTree);
#pragma warning restore RS1030
            return WorkerJoins.Mentions(type, field.Name).Any(name =>
                    name.Parent is AssignmentExpressionSyntax assignment && assignment.Left == name && !IsForegroundCreation(assignment.Right, model, joins, cancellationToken))
                || type.DescendantNodes().OfType<VariableDeclaratorSyntax>().Any(d =>
                    d.Identifier.ValueText == field.Name && d.Initializer is { } initializer && !IsForegroundCreation(initializer.Value, model, joins, cancellationToken));
        });

    // In a loop, joining each worker before the next turn would make the loop serial (CONC202): no fix there.
    private static FinallyCallFixKind FixFor(IInvocationOperation start, ILocalSymbol local) =>
        start.Parent is IExpressionStatementOperation { Syntax: ExpressionStatementSyntax statement }
            ? FinallyCallFix.For(statement, local.Name, "Join", inLoop: LoopIterations.InnermostLoop(start) is not null, callAfterWhenLast: true)
            : FinallyCallFixKind.None;


    private static void Report(SyntaxNodeAnalysisContext context, IInvocationOperation start, string kind, string name, LocalizableString reason, FinallyCallFixKind fix) =>
        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.StartedNeverJoined,
            start.Syntax.GetLocation(),
            new FinallyCallFix(fix).ToProperties(),
            kind,
            name,
            reason));
}
