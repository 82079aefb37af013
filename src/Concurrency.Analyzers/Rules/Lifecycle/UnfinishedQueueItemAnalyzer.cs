using System.Threading;
using Concurrency.Analyzers.Model.Workers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Rules.Lifecycle;

/// <summary>
/// CONC207: a joinable queue's <c>Join()</c> that can never return (course topic 2.9). A runtime
/// <c>JoinableQueue&lt;T&gt;</c>, or thread <c>Queue&lt;T&gt;</c>, counts the items put and not yet
/// marked done; <c>Join</c> waits for the count to reach zero. Reported: a <c>Get</c> (<c>GetNowait</c>,
/// <c>GetAsync</c>) of a queue something joins, after which some path to the end of the function —
/// an early return, a <c>break</c> on a sentinel, an exception from the work on the item — does not
/// call <c>TaskDone</c> on it (flow-sensitive, as CONC201); and a <c>Join</c> of a queue on which nothing
/// in the compilation calls <c>TaskDone</c> at all. A <c>TaskDone</c> through a method that takes the
/// queue, or a method of the type that marks the field's items done, counts. Left alone: queues
/// nothing joins (most thread queues), a <c>Get</c> whose item the function returns (its caller marks
/// it done), a field's <c>Get</c> in a method without <c>TaskDone</c> whose item the method returns
/// or stores in a field (a lease: another member of the type marks it done).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnfinishedQueueItemAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(RuleDescriptors.JoinWithoutTaskDone, RuleDescriptors.JoinWithoutAnyTaskDone);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (JoinableQueues.For(start.Compilation) is { } queues)
            {
                start.RegisterSyntaxNodeAction(node => Analyze(node, queues), SyntaxKind.InvocationExpression);
            }
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, JoinableQueues queues)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (invocation.Expression is not MemberAccessExpressionSyntax access
            || !(JoinableQueues.IsGetName(access.Name.Identifier.ValueText) || access.Name.Identifier.ValueText == "Join")
            || context.SemanticModel.GetOperation(invocation, context.CancellationToken) is not IInvocationOperation { Instance: { } instance } call
            || queues.Classify(call) is not { } kind)
        {
            return;
        }

        var queue = QueueIdentity.Of(instance);
        if (kind == QueueCall.Join)
        {
            if (!queues.IsMarkedDoneAnywhere(queue))
            {
                context.ReportDiagnostic(Diagnostic.Create(RuleDescriptors.JoinWithoutAnyTaskDone, access.Name.GetLocation(), access.Expression.ToString()));
            }

            return;
        }

        if (kind == QueueCall.Get && queues.IsJoined(queue))
        {
            AnalyzeGet(context, call, access, queues);
        }
    }

    private static void AnalyzeGet(SyntaxNodeAnalysisContext context, IInvocationOperation get, MemberAccessExpressionSyntax access, JoinableQueues queues)
    {
        var cancellationToken = context.CancellationToken;
        var receiver = OperationHelpers.WalkDownConversion(get.Instance!) switch
        {
            ILocalReferenceOperation local => (ISymbol)local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field.OriginalDefinition,
            _ => null,
        };
        if (receiver is null || IsReturned(get))
        {
            return;
        }

        var function = OperationHelpers.EnclosingFunction(get);
        var root = OperationHelpers.Root(get);
        if (ControlFlowGraphs.OfEnclosingFunction(get, cancellationToken) is not { } graph)
        {
            return;
        }

        bool IsQueue(IOperation? operation) => operation is not null && OperationHelpers.WalkDownConversion(operation) switch
        {
            ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, receiver),
            IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, receiver),
            IFieldReferenceOperation field => SymbolEqualityComparer.Default.Equals(field.Field.OriginalDefinition, receiver),
            _ => false,
        };

        bool MarksDone(IInvocationOperation call) =>
            queues.Classify(call) == QueueCall.TaskDone && IsQueue(call.Instance)
            || call.Arguments.Any(a => a.Parameter is { } parameter && IsQueue(a.Value) && queues.MarksDone(call.TargetMethod, parameter.Ordinal, cancellationToken))
            || receiver is IFieldSymbol field && call.Instance is null or IInstanceReferenceOperation && !call.TargetMethod.IsStatic
                && !call.TargetMethod.DeclaringSyntaxReferences.IsEmpty && queues.MarksDone(call.TargetMethod, field, cancellationToken);

        bool Meets(IOperation operation) => operation.DescendantsAndSelf().OfType<IInvocationOperation>().Any(MarksDone);

        IOperation? Thrower(IOperation operation) => ExceptionPaths.Thrower(operation, o => o is IInvocationOperation { Instance: { } instance } && IsQueue(instance), context.Compilation);

        if (PathsWithout.Find(graph, get.Syntax, OperationKind.Invocation, Meets, Thrower, cancellationToken) is not { } path)
        {
            return;
        }

        var marksDoneHere = (function ?? root).DescendantsAndSelf().OfType<IInvocationOperation>().Any(MarksDone);
        if (!marksDoneHere && receiver is IFieldSymbol && IsLeased(get, function ?? root))
        {
            return; // a lease: the item leaves the function, and another member of the type marks it done
        }

        var reason = PathReasons.For(RuleIds.JoinWithoutTaskDone, path, marksDoneHere);
        context.ReportDiagnostic(Diagnostic.Create(
            RuleDescriptors.JoinWithoutTaskDone,
            Location.Create(access.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(access.Name.SpanStart, get.Syntax.Span.End)),
            new FinallyCallFix(FixFor(get, access)).ToProperties(),
            access.Expression.ToString(),
            reason));
    }

    // 'var item = q.Get();', 'item = q.Get();', 'var item = await q.GetAsync();' as a statement of a block:
    // the statements after it go into the try. Anything else around the Get could throw before the try.
    private static FinallyCallFixKind FixFor(IInvocationOperation get, MemberAccessExpressionSyntax access)
    {
        var value = get.Syntax.Parent is AwaitExpressionSyntax awaited ? (SyntaxNode)awaited : get.Syntax;
        var statement = value.Parent switch
        {
            EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } } } => (StatementSyntax)declaration,
            AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax assignment } => assignment,
            ExpressionStatementSyntax discarded => discarded,
            _ => null,
        };
        return statement is null
            ? FinallyCallFixKind.None
            : FinallyCallFix.For(statement, access.Expression.ToString(), "TaskDone", inLoop: false, callAfterWhenLast: false);
    }

    // 'var item = _work.Get(); …; return item;' or '_current = item;': the item leaves the function.
    private static bool IsLeased(IOperation get, IOperation function)
    {
        var local = get.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } ? declarator.Symbol
            : get.Parent is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } ? target.Local
            : null;
        return local is not null && function.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Any(reference =>
            SymbolEqualityComparer.Default.Equals(reference.Local, local)
            && reference.Parent is IReturnOperation or ISimpleAssignmentOperation { Target: IMemberReferenceOperation } or IConversionOperation { Parent: IReturnOperation });
    }

    // 'return q.Get();', 'Item Next() => q.Get();': the caller has the item, and marks it done.
    private static bool IsReturned(IOperation get)
    {
        for (var current = get.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IReturnOperation:
                    return true;
                case IConversionOperation or IAwaitOperation:
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

}
