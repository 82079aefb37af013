using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Concurrency.Analyzers.Model.Tasks;

/// <summary>
/// Operation-tree helpers that know about tasks, shared by the task rules and the task model; the
/// rule-agnostic ones are in <see cref="OperationHelpers"/>.
/// </summary>
internal static class TaskOperations
{
    /// <summary>Looks through conversions and <c>task.ConfigureAwait(...)</c> to the task itself.</summary>
    public static IOperation UnwrapConfigureAwait(IOperation operation, TaskSymbols symbols)
    {
        operation = OperationHelpers.WalkDownConversion(operation);
        while (operation is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } instance }
            && symbols.IsTaskLike(instance.Type))
        {
            operation = OperationHelpers.WalkDownConversion(instance);
        }

        return operation;
    }

    /// <summary>
    /// The task expressions passed to <c>Task.WaitAll/WaitAny/WhenAll/WhenAny</c>: the elements of a
    /// params array, array initializer or collection expression, else the collection argument itself.
    /// Timeout and cancellation arguments are left out.
    /// </summary>
    public static ImmutableArray<IOperation> TaskArguments(IInvocationOperation invocation, TaskSymbols symbols)
    {
        var result = ImmutableArray.CreateBuilder<IOperation>();
        foreach (var argument in invocation.Arguments)
        {
            var type = argument.Parameter?.Type;
            if (argument.ArgumentKind == ArgumentKind.DefaultValue
                || type is null
                || type.SpecialType == SpecialType.System_Int32
                || TaskSymbols.Is(type, symbols.CancellationToken)
                || TaskSymbols.Is(type, symbols.TimeSpan))
            {
                continue;
            }

            var argumentValue = argument.Value;
            while (argumentValue is IConversionOperation conversion)
            {
                argumentValue = conversion.Operand;
            }

            switch (argumentValue)
            {
                case IArrayCreationOperation { Initializer: { } initializer }:
                    result.AddRange(initializer.ElementValues.Select(OperationHelpers.WalkDownConversion));
                    break;
                case var collection when OperationHelpers.IsCollectionExpression(collection):
                    // [a, b], or a params span (C# 13) that newer compilers build as a collection.
                    result.AddRange(collection.ChildOperations.Select(OperationHelpers.WalkDownConversion));
                    break;
                case var value:
                    result.Add(value);
                    break;
            }
        }

        return result.ToImmutable();
    }
}
